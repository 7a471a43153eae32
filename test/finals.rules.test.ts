// Table tests of final-mark rules [002 §7.14; 000 §5.3] (R-FIN-1..4).
import t from 'tap'
import {
  weightedMean, roundMark, proposePeriodMark, proposeYearMark, minMarksForAttestation, finalWarnings,
  finalWindow, windowState, correctionApprover, finalColumns, hasExams, summarizePeriod, proposeFinalMark, setRefusal, mayDecide,
  isFinalValue, type FinalValue, type FinalWarning,
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

t.test('R-FIN-3 the columns of a page and their windows', async (t) => {
  const periods = [
    { id: 12, number: 2, starts_on: '2026-11-05', ends_on: '2026-12-28' },
    { id: 11, number: 1, starts_on: '2026-09-01', ends_on: '2026-10-24' },
  ]
  const cols = finalColumns(periods, 5)
  t.same(cols.map((c) => c.key), ['p11', 'p12', 'attestation', 'year'], 'periods in order, then attestation and year')
  t.same(cols[0].window, { from: '2026-10-18', to: '2026-10-27' })
  t.same(cols[0].range, { from: '2026-09-01', to: '2026-10-24' })
  t.same(cols[2].window, { from: '2026-11-05', to: '2026-12-31' }, 'attestation: from the last period’s start to its window’s end')
  t.same(cols[3].window, { from: '2026-12-22', to: '2026-12-31' }, 'year: the last period’s window')
  t.same(finalColumns(periods, 9).map((c) => c.key), ['p11', 'p12', 'attestation', 'year', 'exam', 'final'], 'grade 9 adds exam and final')
  t.same(finalColumns(periods, 11).slice(-2).map((c) => c.window), [cols[3].window, cols[3].window])
  t.same(finalColumns([], 5), [], 'no periods, no columns')
  t.same(finalColumns(periods, 5, 10, 5)[0].window, { from: '2026-10-14', to: '2026-10-29' }, 'the school’s window setting')
  for (const [g, want] of [[1, false], [5, false], [9, true], [10, false], [11, true]] as const) t.equal(hasExams(g), want, `grade ${g}`)
})

t.test('R-FIN-1,2 one student’s period: proposal, counts, warnings', async (t) => {
  const kr = { value: '3', weight: 2 }
  const known = summarizePeriod({ marks: [{ value: '5', weight: 1 }, { value: '4', weight: 1 }, { value: '4', weight: 1 }, kr], lessons: 10, absences: [], hoursPerWeek: 2, threshold: 0.5 })
  t.equal(known.mean, 3.8, '5, 4, 4 and a control work 3 of weight 2 → 3.8')
  t.equal(known.proposal, '4')
  t.same([known.marks, known.required, known.warnings], [4, 5, ['tooFewMarks']], '4 marks where 2 h/week need 5')
  t.equal(summarizePeriod({ marks: [{ value: '4/5', weight: 1 }, { value: '5', weight: 1 }, { value: '4', weight: 1 }], lessons: 8, absences: [], hoursPerWeek: 1, threshold: 0.5 }).marks, 4,
    'a double mark counts as two marks')
  const cases: [string, (AbsenceReasonT)[], number, boolean, FinalWarning[], FinalValue | null][] = [
    ['missed 6 of 10 → «н/а»', ['illness', 'illness', 'illness', 'valid', 'valid', 'illness'], 3, true, ['missedOverHalf'], 'н/а'],
    ['missed 5 of 10 is half, not more', ['invalid', 'invalid', 'invalid', 'invalid', 'invalid'], 3, false, ['tooFewMarks'], '5'],
    ['3 h/week, valid absences: 5 marks suffice', ['illness'], 3, true, [], '5'],
    ['3 h/week, one absence without reason: 7 needed', [null], 3, false, ['tooFewMarks'], '5'],
    ['no absences: all 7 marks due at 3 h/week', [], 3, false, ['tooFewMarks'], '5'],
  ]
  for (const [name, absences, hours, allValid, warnings, proposal] of cases) {
    const r = summarizePeriod({ marks: Array(5).fill({ value: '5', weight: 1 }), lessons: 10, absences, hoursPerWeek: hours, threshold: 0.5 })
    t.same([r.absencesAllValid, r.warnings, r.proposal], [allValid, warnings, proposal], name)
  }
  const none = summarizePeriod({ marks: [], lessons: 4, absences: [], hoursPerWeek: 1, threshold: 0.5 })
  t.same([none.proposal, none.mean, none.warnings], [null, null, ['tooFewMarks']], 'no marks: nothing proposed')
  t.equal(summarizePeriod({ marks: [{ value: '4', weight: 1 }, { value: '3', weight: 1 }], lessons: 4, absences: [], hoursPerWeek: 1, threshold: 0.6 }).proposal, '3',
    '3.5 under the 0.6 rule')
})
type AbsenceReasonT = 'illness' | 'valid' | 'invalid' | null

t.test('R-FIN-1 the final mark of grades 9 and 11 from the year and the exam', async (t) => {
  const cases: [FinalValue | null, FinalValue | null, number, FinalValue | null][] = [
    ['4', '5', 0.5, '5'], ['4', '5', 0.6, '4'], ['3', '3', 0.5, '3'], ['5', '3', 0.5, '4'], ['4', null, 0.5, '4'],
    [null, '5', 0.5, null], ['н/а', '4', 0.5, null], ['4', 'н/а', 0.5, null], ['осв', null, 0.5, 'осв'], ['4', 'осв', 0.5, '4'],
  ]
  for (const [year, exam, th, want] of cases) t.equal(proposeFinalMark(year, exam, th), want, `year ${year}, exam ${exam} @ ${th}`)
})

t.test('R-FIN-2,4 what the set form may write', async (t) => {
  const cases: [string | null, FinalValue | null, FinalWarning[], ReturnType<typeof setRefusal>][] = [
    [null, '4', [], null], [null, null, ['missedOverHalf'], null], ['4', '4', [], null], ['4', '5', [], 'locked'], ['н/а', '3', ['missedOverHalf'], 'locked'],
    [null, '3', ['missedOverHalf'], 'naRequired'], [null, 'н/а', ['missedOverHalf'], null], [null, '2', ['tooFewMarks'], null], [null, 'осв', ['missedOverHalf'], 'naRequired'],
  ]
  for (const [current, wanted, warnings, want] of cases) t.equal(setRefusal(current, wanted, warnings), want, `${current} → ${wanted} ${warnings.join(',')}`)
  for (const v of ['1', '5', 'осв', 'н/а']) t.ok(isFinalValue(v), v)
  for (const v of ['', '0', '6', '4/5', 'н', 'OSV']) t.notOk(isFinalValue(v), `«${v}»`)
})

t.test('R-FIN-4 who decides a correction: exactly the role it is addressed to', async (t) => {
  const cases: [string[], 'deputy' | 'director', boolean][] = [
    [['deputy'], 'deputy', true], [['director'], 'director', true], [['deputy'], 'director', false], [['director'], 'deputy', false],
    [['admin'], 'deputy', false], [['teacher', 'deputy'], 'deputy', true], [['deputy', 'director'], 'director', true],
  ]
  for (const [roles, role, want] of cases) t.equal(mayDecide(roles, role), want, `${roles.join('+')} on a ${role}'s correction`)
})
