// Pure rules of the performance report (R-REP-3): how a student is classed, success and quality, the forecast from
// sums (the same proposal as the finals page's summarizePeriod, R-FIN-1), the year's forecast, tallies, dates, scope.
import t from 'tap'
import {
  addStudent, addValue, change, classify, countBetween, counts, forecastPeriod, forecastYear, isFailing, isUnmarkedGrade, markFigures,
  markTally, mayReadPair, numeric, previousPeriod, segmentBounds, segmentsOf, studentFigures, studentTally, type Category,
} from '../src/features/reports/performance.rules.js'
import { summarizePeriod, type FinalValue, type WeightedMark } from '../src/features/finals/finals.rules.js'
import { markNumbers } from '../src/features/journal/journal.rules.js'
import { addDays } from '../src/lib/dates.js'

t.test('R-REP-3 a student is classed by their final marks [000 §9.2, 002 §7.14]', async (t) => {
  const cases: [FinalValue[], Category | null, string][] = [
    [['5', '5', '5'], 'excellent', 'only 5s: отличник'],
    [['5', '4', '5'], 'good', 'one 4'],
    [['4', '4', '5'], 'good', 'only 4s and 5s'],
    [['4'], 'good', 'a single subject'],
    [['5', '4', '3'], 'oneThree', 'exactly one 3'],
    [['3'], 'oneThree', 'a single 3'],
    [['3', '3', '5'], 'satisfactory', 'two 3s'],
    [['5', '5', '2'], 'failing', 'a 2 fails'],
    [['5', '1'], 'failing', 'a 1 fails'],
    [['5', 'н/а'], 'failing', '«н/а» (not attested) fails'],
    [['осв', '5'], 'excellent', '«осв» does not count'],
    [['осв'], null, 'only «осв»: nothing counts'],
    [[], null, 'no marks'],
  ]
  for (const [values, expected, why] of cases) t.equal(classify(values), expected, `${values.join(' ') || '∅'} → ${expected}: ${why}`)
  t.same((['1', '2', '3', '4', '5', 'осв', 'н/а'] as FinalValue[]).map(isFailing), [true, true, false, false, false, false, true], 'failing: 1, 2, н/а')
  t.same((['1', '5', 'осв', 'н/а'] as FinalValue[]).map(numeric), [1, 5, null, null], 'the average takes 1–5 only')
  t.same((['5', 'осв', 'н/а'] as FinalValue[]).map(counts), [true, false, true], '«осв» is no result; «н/а» is')
  t.same([1, 2, 11].map(isUnmarkedGrade), [true, false, false], 'grade 1 has no marks (R-J-4)')
})

t.test('R-REP-3 success, quality and the average of a class: a hand-counted example', async (t) => {
  const tl = studentTally()
  const v = (value: FinalValue, forecast = false) => ({ value, forecast })
  addStudent(tl, [v('5'), v('5')]) // excellent
  addStudent(tl, [v('5'), v('4', true)]) // good, one forecast
  addStudent(tl, [v('3'), v('4')]) // one 3
  addStudent(tl, [v('2'), v('н/а')]) // failing; «н/а» is not in the average
  addStudent(tl, [v('осв')]) // on the roll, counts nowhere
  t.same({ ...tl }, { students: 5, counted: 4, excellent: 1, good: 1, oneThree: 1, failing: 1, success: 3, quality: 2, markSum: 28, marks: 7, forecasts: 1 })
  // 3 of 4 = 75 %, 2 of 4 = 50 %, (5+5+5+4+3+4+2) / 7 = 28 / 7 = 4,00.
  t.same(studentFigures(tl), { success: 75, quality: 50, average: 4 })
  t.same(studentFigures(studentTally()), { success: null, quality: null, average: null }, 'nobody: no figures, not 0 %')
})

t.test('R-REP-3 success, quality and the average of a subject: one value per student', async (t) => {
  const m = markTally()
  for (const value of ['5', '5', '4', '3', '2', '1', 'н/а', 'осв'] as FinalValue[]) addValue(m, { value, forecast: value === '3' })
  t.same({ ...m }, { values: 7, five: 2, four: 1, three: 1, two: 2, na: 1, markSum: 20, marks: 6, forecasts: 1 })
  // Not failing: 5 5 4 3 → 4 of 7 = 57,1 %; quality 3 of 7 = 42,9 %; 20 / 6 = 3,33.
  t.same(markFigures(m), { success: 57.1, quality: 42.9, average: 3.33 })
})

t.test('R-REP-3 the change since the previous period, rounded as the figures', async (t) => {
  t.equal(change(75, 100, 1), -25)
  t.equal(change(80, 83.3, 1), -3.3)
  t.equal(change(4.22, 4, 2), 0.22)
  t.equal(change(4.3, 3.91, 2), 0.39)
  t.equal(change(null, 50, 1), null, 'nothing now')
  t.equal(change(50, null, 1), null, 'nothing before')
  const periods = [
    { id: 1, scheme: 'quarter', number: 1 }, { id: 2, scheme: 'quarter', number: 2 }, { id: 5, scheme: 'half', number: 1 }, { id: 6, scheme: 'half', number: 2 },
  ]
  t.equal(previousPeriod(periods, periods[1])?.id, 1, 'quarter 2 → quarter 1')
  t.equal(previousPeriod(periods, periods[3])?.id, 5, 'half 2 → half 1, not a quarter')
  t.equal(previousPeriod(periods, periods[0]), null, 'the first period has none')
})

/** The sums the database adds up for a list of marks. */
function sums(marks: WeightedMark[]) {
  let sum = 0, weight = 0
  for (const m of marks) for (const n of markNumbers(m.value)) { sum += n * m.weight; weight += m.weight }
  return { sum, weight }
}

t.test('R-REP-3 R-FIN-1 the forecast from sums is the finals page’s proposal', async (t) => {
  const M = (value: string, weight = 1): WeightedMark => ({ value, weight })
  const cases: { name: string; marks: WeightedMark[]; held: number; absences: number }[] = [
    { name: 'plain mean 4,5', marks: [M('5'), M('4')], held: 6, absences: 0 },
    { name: 'weights: (5 + 3·2) / 3 = 3,67', marks: [M('5'), M('3', 2)], held: 4, absences: 1 },
    { name: 'a double mark counts twice', marks: [M('4/5'), M('3')], held: 3, absences: 0 },
    { name: 'weights 1,5: (2·1,5 + 5) / 2,5 = 3,2', marks: [M('2', 1.5), M('5')], held: 5, absences: 2 },
    { name: 'exactly half missed is still attested', marks: [M('5')], held: 4, absences: 2 },
    { name: 'more than half missed → н/а', marks: [M('5'), M('5')], held: 4, absences: 3 },
    { name: 'no marks, no proposal', marks: [], held: 5, absences: 0 },
    { name: 'no marks and missed most → н/а', marks: [], held: 3, absences: 2 },
    { name: 'mean 2,5', marks: [M('2'), M('3')], held: 2, absences: 0 },
    { name: 'mean 3,6', marks: [M('4', 3), M('3', 2)], held: 9, absences: 0 },
  ]
  for (const threshold of [0.5, 0.6, 0.9]) {
    for (const c of cases) {
      const expected = summarizePeriod({ marks: c.marks, lessons: c.held, absences: Array(c.absences).fill('illness'), hoursPerWeek: 2, threshold }).proposal
      t.equal(forecastPeriod({ ...sums(c.marks), held: c.held, absences: c.absences }, threshold), expected, `${threshold}: ${c.name} → ${expected}`)
    }
  }
  t.equal(forecastPeriod({ sum: 10, weight: 2, held: 0, absences: 0 }, 0.5), null, 'no lesson held yet: no forecast (as the diary)')
  t.equal(forecastPeriod({ sum: 11, weight: 3, held: 4, absences: 1 }, 0.5), '4', '3,67 → 4 at 0,5')
  t.equal(forecastPeriod({ sum: 11, weight: 3, held: 4, absences: 1 }, 0.9), '3', '3,67 → 3 at 0,9')
})

t.test('R-REP-3 the year while its mark is not set: proposed from the periods and the attestation', async (t) => {
  const cases: [(FinalValue | null)[], FinalValue | null, number, FinalValue | null, string][] = [
    [['4', '5', null, null], null, 0.5, '5', '4,5 → 5; periods not begun are left out'],
    [['4', '5'], null, 0.6, '4', '4,5 → 4 at 0,6'],
    [['4', '4', '3', '4'], '5', 0.5, '4', 'the attestation counts as one more: 20 / 5 = 4'],
    [['5', 'н/а', '5'], null, 0.5, 'н/а', 'a period not attested: «н/а», not left out'],
    [['осв', 'осв'], null, 0.5, 'осв', 'exempt all year'],
    [['осв', '3', '4'], null, 0.5, '4', '«осв» periods are left out: 3,5 → 4'],
    [[null, null], null, 0.5, null, 'nothing yet'],
  ]
  for (const [periods, att, threshold, expected, why] of cases) t.equal(forecastYear(periods, att, threshold), expected, why)
})

t.test('R-REP-3 pieces of the year and lessons held between two dates', async (t) => {
  const dayAfter = (d: string) => addDays(d, 1)
  const q2 = { starts_on: '2026-11-05', ends_on: '2026-12-28' }
  const h1 = { starts_on: '2026-09-01', ends_on: '2026-12-28' }
  const bounds = segmentBounds([q2, h1], dayAfter)
  t.same(bounds, ['2026-09-01', '2026-11-05', '2026-12-29'], 'a quarter inside a half-year: three bounds, two pieces')
  t.same(segmentsOf(bounds, q2, dayAfter), [1, 1], 'the quarter is the second piece')
  t.same(segmentsOf(bounds, h1, dayAfter), [0, 1], 'the half-year is both')
  const dates = ['2026-09-01', '2026-09-02', '2026-09-02', '2026-09-10', '2026-10-01']
  t.equal(countBetween(dates, '2026-09-02', '2026-09-10'), 3, 'both ends included, a date twice counts twice (two lessons)')
  t.equal(countBetween(dates, '2026-01-01', '2027-01-01'), 5)
  t.equal(countBetween(dates, '2026-09-03', '2026-09-09'), 0)
  t.equal(countBetween(dates, '2026-10-02', '2026-09-01'), 0, 'an empty span')
})

t.test('R-REP-3 R-REP-6 whose marks the asker reads', async (t) => {
  const none = { classId: null, grade: null, subjectId: null, teacherId: null }
  const pair = { classId: 10, grade: 5, subjectId: 3, teachers: new Set([7]) }
  const cases: [string, Parameters<typeof mayReadPair>[0], Parameters<typeof mayReadPair>[1], boolean][] = [
    ['the administration: everybody', { all: true }, none, true],
    ['the teacher of the page', { all: false, teacherId: 7, classIds: [] }, none, true],
    ['another teacher', { all: false, teacherId: 8, classIds: [] }, none, false],
    ['the class teacher: every subject of the class', { all: false, teacherId: 8, classIds: [10] }, none, true],
    ['the class teacher of another class', { all: false, teacherId: 8, classIds: [11] }, none, false],
    ['a class filter', { all: true }, { ...none, classId: 11 }, false],
    ['a grade filter', { all: true }, { ...none, grade: 5 }, true],
    ['a subject filter', { all: true }, { ...none, subjectId: 4 }, false],
    ['a teacher filter: the page’s teacher', { all: true }, { ...none, teacherId: 7 }, true],
    ['a teacher filter: somebody else', { all: true }, { ...none, teacherId: 8 }, false],
    ['the class teacher filtering by her own class', { all: false, teacherId: 8, classIds: [10] }, { ...none, classId: 10 }, true],
  ]
  for (const [why, scope, f, expected] of cases) t.equal(mayReadPair(scope, f, pair), expected, why)
})
