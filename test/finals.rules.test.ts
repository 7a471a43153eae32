// Table tests of final-mark rules [002 §7.14; 000 §5.3] (R-FIN-1..4).
import t from 'tap'
import {
  weightedMean, roundMark, proposePeriodMark, proposeYearMark, minMarksForAttestation, finalWarnings,
  finalWindow, windowState, correctionApprover,
} from '../src/features/finals/finals.rules.js'

t.test('R-FIN-1 weighted mean; a double mark counts twice', async (t) => {
  t.equal(weightedMean([]), null)
  t.equal(weightedMean([{ value: '5', weight: 1 }, { value: '3', weight: 1 }]), 4)
  t.equal(weightedMean([{ value: '5', weight: 1 }, { value: '2', weight: 2 }]), 3, 'a control work weighs double')
  t.equal(weightedMean([{ value: '4/5', weight: 1 }]), 4.5)
})

t.test('R-FIN-1 school rounding rule', async (t) => {
  const cases: [number, number, number][] = [
    [3.5, 0.5, 4], [3.49, 0.5, 3], [3.5, 0.6, 3], [3.6, 0.6, 4], [4.5, 0.5, 5], [2.5, 0.5, 3], [4.99, 0.5, 5],
    [1.2, 0.5, 1], [(3 + 4) / 2, 0.5, 4], [0.1 + 0.2 + 3.2, 0.5, 4],
  ]
  for (const [mean, th, want] of cases) t.equal(roundMark(mean, th), want, `${mean} @ ${th}`)
})

t.test('R-FIN-1 proposed period and year marks', async (t) => {
  t.equal(proposePeriodMark([{ value: '5', weight: 1 }, { value: '4', weight: 1 }, { value: '4', weight: 2 }]), '4')
  t.equal(proposePeriodMark([]), null)
  t.equal(proposeYearMark(['4', '5', '4', '5'], '5'), '5', '(4+5+4+5+5)/5 = 4.6')
  t.equal(proposeYearMark(['4', '4', '3', '4'], null), '4')
  t.equal(proposeYearMark(['3', '4'], '3', 0.6), '3', '3.33 under 0.6')
  t.equal(proposeYearMark(['осв', 'осв'], null), 'осв')
  t.equal(proposeYearMark(['4', 'осв', '5'], null), '5', '«осв» periods left out: 4.5 rounds up')
  t.equal(proposeYearMark(['4', 'н/а'], null), null, 'н/а: the teacher decides')
  t.equal(proposeYearMark([null, null], null), null)
})

t.test('R-FIN-2 marks needed to attest', async (t) => {
  const cases: [number, boolean, number][] = [[1, false, 3], [0.5, false, 3], [2, false, 5], [2.5, false, 5], [3, false, 7], [5, false, 7], [3, true, 5], [1, true, 3]]
  for (const [h, valid, want] of cases) t.equal(minMarksForAttestation(h, valid), want, `${h} h/week, valid absences ${valid}`)
  t.same(finalWarnings({ marks: 4, hoursPerWeek: 2, lessons: 16, absences: 2, absencesAllValid: false }), ['tooFewMarks'])
  t.same(finalWarnings({ marks: 9, hoursPerWeek: 5, lessons: 40, absences: 21, absencesAllValid: true }), ['missedOverHalf'])
  t.same(finalWarnings({ marks: 5, hoursPerWeek: 4, lessons: 40, absences: 20, absencesAllValid: true }), [], 'exactly half is not more than half')
})

t.test('R-FIN-3 the setting window: last week to 3 days after', async (t) => {
  const w = finalWindow('2026-10-24')
  t.same(w, { from: '2026-10-18', to: '2026-10-27' })
  t.equal(windowState('2026-10-17', w), 'early')
  t.equal(windowState('2026-10-18', w), 'open')
  t.equal(windowState('2026-10-27', w), 'open')
  t.equal(windowState('2026-10-28', w), 'closed')
})

t.test('R-FIN-4 who approves a correction', async (t) => {
  for (const g of [1, 5, 8, 10]) t.equal(correctionApprover(g), 'deputy', `grade ${g}`)
  for (const g of [9, 11]) t.equal(correctionApprover(g), 'director', `grade ${g}`)
})
