// Table tests of the lesson-form rules added for the journal page and lesson form (R-J-3..6).
import t from 'tap'
import {
  checkCells, choosePeriod, entryFrom, formatEntry, isFirstAfterHolidays, missedInRow, nextPlanTopic, parseEntry,
  type CellInput, type ColumnFacts, type Entry, type LessonFacts,
} from '../src/features/journal/journal.rules.js'

t.test('R-J-4 a cell by columns: «5 4», «- 4», «н»', async (t) => {
  const two = { columns: 2, unmarked: false }
  const cases: [string, { columns: number; unmarked: boolean }, unknown][] = [
    ['', two, { absent: false, marks: [] }],
    ['5 4', two, { absent: false, marks: ['5', '4'] }],
    ['- 4', two, { absent: false, marks: [null, '4'] }],
    ['— 4/5', two, { absent: false, marks: [null, '4/5'] }],
    ['5 -', two, { absent: false, marks: ['5'] }],
    ['4\\5', two, { absent: false, marks: ['4/5'] }],
    ['y', two, { absent: true, marks: [] }],
    ['- - 5', two, 'tooManyMarks'],
    ['н 5', two, 'absentWithMarks'],
    ['5!', two, 'badToken'],
    ['5', { columns: 1, unmarked: true }, 'gradeOneNoMarks'],
    ['н', { columns: 0, unmarked: true }, { absent: true, marks: [] }],
  ]
  for (const [input, opts, want] of cases) {
    const r = parseEntry(input, opts)
    if (typeof want === 'string') t.same(r, { ok: false, error: want }, `«${input}» → ${want}`)
    else t.same(r, { ok: true, entry: want }, `«${input}»`)
  }
  const shown: [Entry, string][] = [
    [{ absent: true, marks: [] }, 'н'], [{ absent: false, marks: ['5', '4'] }, '5 4'], [{ absent: false, marks: [null, '4'] }, '- 4'],
    [{ absent: false, marks: ['5', null] }, '5'], [{ absent: false, marks: [] }, ''],
  ]
  for (const [e, want] of shown) t.equal(formatEntry(e), want, `shown as «${want}»`)
  t.same(entryFrom(false, [{ column: 2, value: '4' }]), { absent: false, marks: [null, '4'] }, 'stored marks by column')
  t.same(entryFrom(false, [{ column: 2, value: '4' }, { column: 1, value: '5' }]), { absent: false, marks: ['5', '4'] })
  t.same(entryFrom(true, []), { absent: true, marks: [] })
})

t.test('R-J-6 lessons missed in a row and the first lesson after holidays', async (t) => {
  t.equal(missedInRow([false, true, true, true]), 3)
  t.equal(missedInRow([true, true, false]), 0)
  t.equal(missedInRow([]), 0)
  const autumn = [{ starts_on: '2026-10-26', ends_on: '2026-11-03' }]
  const cases: [string, string | null, boolean][] = [
    ['2026-11-05', '2026-10-23', true], // the holidays lie between the two lessons
    ['2026-10-23', '2026-10-21', false],
    ['2026-11-07', '2026-11-05', false],
    ['2026-09-01', null, false], // the first lesson of the year is not "after holidays"
  ]
  for (const [d, prev, want] of cases) t.equal(isFirstAfterHolidays(d, prev, autumn), want, `${d} after ${prev}`)
})

t.test('R-J-3 the next КТП topic counts its hours', async (t) => {
  const topics = [{ id: 11, number: 2, hours: 2 }, { id: 10, number: 1, hours: 1 }, { id: 12, number: 3, hours: 1 }]
  const cases: [[number, number][], number | null][] = [
    [[], 10],
    [[[10, 1]], 11],
    [[[10, 1], [11, 1]], 11], // a two-hour topic takes two lessons
    [[[10, 1], [11, 2]], 12],
    [[[10, 1], [11, 2], [12, 1]], null],
  ]
  for (const [used, want] of cases) t.equal(nextPlanTopic(topics, new Map(used)), want, JSON.stringify(used))
})

t.test('R-J-1 the period a page opens on', async (t) => {
  const ps = [{ id: 1, starts_on: '2026-09-01', ends_on: '2026-10-25' }, { id: 2, starts_on: '2026-11-05', ends_on: '2026-12-28' }]
  const cases: [number | null, string, number | null][] = [
    [null, '2026-09-10', 1], [null, '2026-11-22', 2], [null, '2026-10-30', 1], [null, '2026-08-20', 1], [2, '2026-09-10', 2], [9, '2026-11-22', 2],
  ]
  for (const [asked, day, want] of cases) t.equal(choosePeriod(ps, asked, day)?.id ?? null, want, `${asked} on ${day}`)
  t.equal(choosePeriod([], null, '2026-11-22'), null)
})

const base: LessonFacts = {
  today: '2026-11-20', date: '2026-11-20', grade: 5, isPe: false, distance: false, extracurricular: false, flagsChanged: false,
  yearStart: '2026-09-01', adaptationEnd: '2026-09-15', firstAfterHolidays: false, hasApproval: false,
}
const oral: ColumnFacts = { kindName: 'Ответ на уроке', lastDate: '2026-11-20', kindChanged: false, removed: false }
const written: ColumnFacts = { kindName: 'Самостоятельная работа', lastDate: '2026-11-23', kindChanged: false, removed: false }
const cell = (raw: string, more: Partial<CellInput> = {}): CellInput =>
  ({ studentId: 1, raw, old: { absent: false, marks: [] }, peExemptUntil: null, missedBefore: 0, ...more })

t.test('R-J-4..6 each rule of a submitted cell, looking only at what changed', async (t) => {
  const cases: [string, Partial<LessonFacts>, ColumnFacts[], CellInput, unknown[]][] = [
    ['a new mark today', {}, [oral], cell('5'), []],
    ['a typo', {}, [oral], cell('55'), [{ rule: 'parse', error: 'badToken' }]],
    ['marks in the future', { date: '2026-11-21' }, [oral], cell('5'), [{ rule: 'future' }]],
    ['«н» in the future', { date: '2026-11-21' }, [oral], cell('н'), [{ rule: 'future' }]],
    ['nothing typed in the future', { date: '2026-11-21' }, [oral], cell(''), []],
    ['oral answer the next day', { date: '2026-11-19' }, [{ ...oral, lastDate: '2026-11-19' }], cell('5'),
      [{ rule: 'late', column: 1, kindName: 'Ответ на уроке', deadline: '2026-11-19' }]],
    ['written work before the next lesson', { date: '2026-11-19' }, [written], cell('5'), []],
    ['a late mark with the deputy\'s approval', { date: '2026-11-10', hasApproval: true }, [{ ...oral, lastDate: '2026-11-10' }], cell('5'), []],
    ['an old mark left as it was after the deadline', { date: '2026-11-10' }, [{ ...oral, lastDate: '2026-11-10' }],
      cell('5', { old: { absent: false, marks: ['5'] } }), []],
    ['removing a mark after the deadline', { date: '2026-11-10' }, [{ ...oral, lastDate: '2026-11-10' }],
      cell('', { old: { absent: false, marks: ['5'] } }), [{ rule: 'late', column: 1, kindName: 'Ответ на уроке', deadline: '2026-11-10' }]],
    ['changing the kind of a marked column after the deadline', { date: '2026-11-10' }, [{ ...written, lastDate: '2026-11-12', kindChanged: true }],
      cell('5', { old: { absent: false, marks: ['5'] } }), [{ rule: 'late', column: 1, kindName: 'Самостоятельная работа', deadline: '2026-11-12' }]],
    ['«н» after the deadline of marks', { date: '2026-11-10' }, [{ ...oral, lastDate: '2026-11-10' }], cell('н'), []],
    ['a 2 in the adaptation period', { date: '2026-09-10', today: '2026-09-10' }, [oral], cell('2'), [{ rule: 'adaptation', until: '2026-09-15' }]],
    ['a 2/5 in the adaptation period', { date: '2026-09-10', today: '2026-09-10' }, [oral], cell('2/5'), [{ rule: 'adaptation', until: '2026-09-15' }]],
    ['a 3 in the adaptation period', { date: '2026-09-10', today: '2026-09-10' }, [oral], cell('3'), []],
    ['a 2 after the adaptation period', { date: '2026-09-16', today: '2026-09-16' }, [oral], cell('2'), []],
    ['grade 1: a mark', { grade: 1 }, [], cell('5'), [{ rule: 'parse', error: 'gradeOneNoMarks' }]],
    ['grade 1: «н»', { grade: 1 }, [], cell('н'), []],
    ['«н» in PE while exempt', { isPe: true }, [oral], cell('н', { peExemptUntil: '2026-12-01' }), [{ rule: 'absence', block: 'peExempt', until: '2026-12-01' }]],
    ['«н» in PE after the exemption', { isPe: true }, [oral], cell('н', { peExemptUntil: '2026-11-19' }), []],
    ['«н» on a distance lesson', { distance: true }, [oral], cell('н'), [{ rule: 'absence', block: 'distance', until: null }]],
    ['an old «н» when the lesson turns distance', { distance: true, flagsChanged: true }, [oral], cell('н', { old: { absent: true, marks: [] } }),
      [{ rule: 'absence', block: 'distance', until: null }]],
    ['«н» on an extracurricular lesson', { extracurricular: true }, [oral], cell('н'), [{ rule: 'absence', block: 'extracurricular', until: null }]],
    ['a mark on an extracurricular lesson', { extracurricular: true }, [oral], cell('5'), [{ rule: 'extracurricularMarks' }]],
  ]
  for (const [name, facts, cols, c, want] of cases) {
    const r = checkCells({ ...base, ...facts }, cols, [c])
    t.same(r.problems.get(1) ?? [], want, name)
  }
})

t.test('R-J-6 warnings, changes and the approval used', async (t) => {
  const warn: [string, Partial<LessonFacts>, CellInput, string[]][] = [
    ['a 2 after 3 missed lessons', {}, cell('2', { missedBefore: 3 }), ['afterAbsences']],
    ['a 2 after 2 missed lessons', {}, cell('2', { missedBefore: 2 }), []],
    ['a 2 right after the holidays', { firstAfterHolidays: true }, cell('2'), ['afterHolidays']],
    ['a 4 right after the holidays', { firstAfterHolidays: true }, cell('4'), []],
    ['an old 2 left as it was', { firstAfterHolidays: true }, cell('2', { old: { absent: false, marks: ['2'] } }), []],
  ]
  for (const [name, facts, c, want] of warn) t.same(checkCells({ ...base, ...facts }, [oral], [c]).warnings.get(1) ?? [], want, name)

  const r = checkCells(base, [oral, written], [cell('5 4', { old: { absent: true, marks: [] } }), cell('', { studentId: 2, old: { absent: false, marks: ['3', '4'] } })])
  t.same(r.changes, [
    { studentId: 1, column: 0, oldValue: 'н', newValue: null, late: false },
    { studentId: 1, column: 1, oldValue: null, newValue: '5', late: false },
    { studentId: 1, column: 2, oldValue: null, newValue: '4', late: false },
    { studentId: 2, column: 1, oldValue: '3', newValue: null, late: false },
    { studentId: 2, column: 2, oldValue: '4', newValue: null, late: false },
  ], 'every changed value, removals included')
  t.equal(r.usesApproval, false)

  const late = checkCells({ ...base, date: '2026-11-10', hasApproval: true }, [{ ...oral, lastDate: '2026-11-10' }, written], [cell('5 4')])
  t.same(late.changes.map((c) => [c.column, c.late]), [[1, true], [2, false]], 'only the column past its deadline uses the approval')
  t.equal(late.usesApproval, true)
})
