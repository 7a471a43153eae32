// Pure rules of the missed-lessons and failures report (R-REP-4): which marks count, reasons, lists, order, cap.
import t from 'tap'
import {
  LIST_CAP, UNSATISFACTORY_GLOB, addReason, addTotals, classLink, classTotals, compareItems, groupByStudent, listsShown, noCounts, noTotals,
  reasonKey, reasonsPresent, unsatisfactory, type ListItem,
} from '../src/features/reports/debts.rules.js'
import type { Filters } from '../src/features/reports/reports.filters.js'
import { hasMessage } from '../src/i18n/index.js'

/** Every value the marks table admits: 1…5 and the double marks a/b of those. */
const ALL_MARKS = ['1', '2', '3', '4', '5'].flatMap((a) => [a, ...['1', '2', '3', '4', '5'].map((b) => `${a}/${b}`)])

t.test('R-REP-4: a 1, a 2, and a double mark holding one of them are unsatisfactory', async (t) => {
  const cases: [string, boolean][] = [
    ['1', true], ['2', true], ['3', false], ['4', false], ['5', false],
    ['2/3', true], ['3/2', true], ['5/2', true], ['1/5', true], ['2/2', true],
    ['3/3', false], ['4/5', false], ['5/3', false],
  ]
  for (const [v, yes] of cases) t.equal(unsatisfactory(v), yes, v)
})

t.test('R-REP-4: the SQL pre-filter selects exactly the unsatisfactory values', async (t) => {
  // GLOB '*[12]*' is «holds a 1 or a 2 anywhere»; the same test as a regular expression, over every admitted value.
  t.equal(UNSATISFACTORY_GLOB, '*[12]*')
  t.equal(ALL_MARKS.length, 30)
  for (const v of ALL_MARKS) t.equal(/[12]/.test(v), unsatisfactory(v), v)
})

t.test('R-REP-4: missed lessons are counted by reason, «not stated» apart', async (t) => {
  t.equal(reasonKey(null), 'none')
  t.equal(reasonKey('illness'), 'illness')
  const c = noCounts()
  for (const r of ['illness', 'illness', null, 'invalid', 'illness'] as const) addReason(c, r)
  t.same(c, { illness: 3, valid: 0, invalid: 1, none: 1, total: 5 })
  t.same(reasonsPresent(c), [{ key: 'illness', n: 3 }, { key: 'invalid', n: 1 }, { key: 'none', n: 1 }], 'only the reasons that occur, in fixed order')
  t.same(reasonsPresent(noCounts()), [])
})

t.test('R-REP-4, R-REP-6: the lists are drawn for a class, or for a teacher’s own scope; school-wide only the summary', async (t) => {
  const cases: [string, boolean, number | null, boolean][] = [
    ['deputy, whole school', true, null, false],
    ['deputy, one class', true, 7, true],
    ['teacher, own lessons', false, null, true],
    ['class teacher, own class', false, 7, true],
  ]
  for (const [name, all, cls, yes] of cases) t.equal(listsShown(all, cls), yes, name)
})

const item = (o: Partial<ListItem>): ListItem => ({
  studentId: 1, lastName: 'Антонов', firstName: 'Артём', middleName: '', grade: 5, letter: 'А',
  subjectOrder: 10, subjectName: 'Математика', date: '2026-11-10', lessonNumber: 2, column: 0, ...o,
})

t.test('R-REP-4: the catch-up order is class, student, subject, date', async (t) => {
  const rows = [
    item({ studentId: 9, grade: 10, letter: 'А', lastName: 'Абрамов' }),
    item({ studentId: 2, lastName: 'Ёлкин' }),
    item({ studentId: 3, lastName: 'Ежов' }),
    item({ studentId: 1, subjectOrder: 20, subjectName: 'Русский язык', date: '2026-11-01' }),
    item({ studentId: 1, date: '2026-11-12' }),
    item({ studentId: 1, date: '2026-11-10', lessonNumber: 3 }),
    item({ studentId: 1, date: '2026-11-10', lessonNumber: 2 }),
    item({ studentId: 4, grade: 5, letter: 'Б', lastName: 'Аксёнов' }),
  ]
  const sorted = [...rows].sort(compareItems)
  t.same(sorted.map((r) => `${r.grade}${r.letter} ${r.lastName} ${r.subjectName} ${r.date} ${r.lessonNumber}`), [
    '5А Антонов Математика 2026-11-10 2',
    '5А Антонов Математика 2026-11-10 3',
    '5А Антонов Математика 2026-11-12 2',
    '5А Антонов Русский язык 2026-11-01 2',
    '5А Ежов Математика 2026-11-10 2',
    '5А Ёлкин Математика 2026-11-10 2', // «е» before «ё», as in a class list
    '5Б Аксёнов Математика 2026-11-10 2',
    '10А Абрамов Математика 2026-11-10 2', // grade 10 after grade 5, not between 1 and 2
  ])
})

t.test('R-REP-4: rows are grouped by student, and the cap keeps whole students', async (t) => {
  const rows = [
    item({ studentId: 2, lastName: 'Борисова' }), item({ studentId: 1 }), item({ studentId: 2, lastName: 'Борисова', date: '2026-11-11' }),
    item({ studentId: 1, date: '2026-11-11' }), item({ studentId: 1, date: '2026-11-12' }), item({ studentId: 3, lastName: 'Волков' }),
  ]
  const all = groupByStudent(rows)
  t.same(all.groups.map((g) => [g.first.lastName, g.items.length]), [['Антонов', 3], ['Борисова', 2], ['Волков', 1]])
  t.same([all.students, all.items, all.truncated], [3, 6, false])
  // Антонов: heading + 3 = 4 rows; Борисова: 3 more = 7; Волков would make 9.
  for (const [cap, shown] of [[4, 1], [6, 1], [7, 2], [8, 2], [9, 3]] as const) {
    const g = groupByStudent(rows, cap)
    t.equal(g.groups.length, shown, `cap ${cap}: ${shown} students`)
    t.equal(g.truncated, shown < 3)
    t.equal(g.students, 3, 'the count found is before the cap')
  }
  t.equal(groupByStudent(rows, 2).groups.length, 1, 'a first student longer than the cap still shows')
  t.ok(LIST_CAP >= 1000, 'a class’s year fits')
  // A student transferred within the range appears once per class.
  const moved = groupByStudent([item({ studentId: 5, letter: 'А' }), item({ studentId: 5, letter: 'Б', date: '2026-12-01' })])
  t.same(moved.groups.map((g) => g.first.letter), ['А', 'Б'])
})

t.test('R-REP-4: the summary counts lessons by reason and each student once per class', async (t) => {
  const totals = classTotals(
    [
      { classId: 1, studentId: 10, reason: 'illness' }, { classId: 1, studentId: 10, reason: 'illness' },
      { classId: 1, studentId: 11, reason: null }, { classId: 2, studentId: 20, reason: 'valid' },
    ],
    [{ classId: 1, studentId: 10 }, { classId: 1, studentId: 10 }, { classId: 3, studentId: 30 }],
  )
  t.same(totals.get(1), { classId: 1, missed: { illness: 2, valid: 0, invalid: 0, none: 1, total: 3 }, studentsMissing: 2, failing: 2, studentsFailing: 1 })
  t.same(totals.get(2), { classId: 2, missed: { illness: 0, valid: 1, invalid: 0, none: 0, total: 1 }, studentsMissing: 1, failing: 0, studentsFailing: 0 })
  t.same(totals.get(3), { classId: 3, missed: noCounts(), studentsMissing: 0, failing: 1, studentsFailing: 1 })
  const sum = noTotals(0)
  for (const l of totals.values()) addTotals(sum, l)
  t.same(sum, { classId: 0, missed: { illness: 2, valid: 1, invalid: 0, none: 1, total: 4 }, studentsMissing: 3, failing: 3, studentsFailing: 2 })
})

t.test('R-REP-4: a class in the summary links to its lists with the same range and subject', async (t) => {
  const year = { id: 3 } as Filters['year']
  const period = { id: 12, scheme: 'quarter' as const, number: 2, starts_on: '2026-11-05', ends_on: '2026-12-28', label: '2 четверть' }
  const r = (kind: Filters['range']['kind'], from: string) => ({ kind, from, to: from, label: '', period: kind === 'period' ? period : null })
  t.equal(classLink('/reports/debts', { year, range: r('period', '2026-11-05'), subjectId: null }, 7), '/reports/debts?year=3&range=period&period=12&class=7')
  t.equal(classLink('/reports/debts', { year, range: r('month', '2026-11-01'), subjectId: 4 }, 7), '/reports/debts?year=3&range=month&month=2026-11&class=7&subject=4')
  t.equal(classLink('/reports/debts', { year, range: r('week', '2026-11-09'), subjectId: null }, 7), '/reports/debts?year=3&range=week&week=09.11.2026&class=7')
  t.equal(classLink('/reports/debts', { year, range: r('year', '2026-09-01'), subjectId: null }, 7), '/reports/debts?year=3&range=year&class=7')
})

t.test('R-REP-4: every message the report builds from a reason or a table name exists', async (t) => {
  const keys = [
    ...['illness', 'valid', 'invalid', 'none'].flatMap((r) => [`cols.${r}`, `split.${r}`, `reasons.${r}`]),
    'tables.missed', 'tables.failing', 'tables.summary',
  ]
  for (const k of keys) t.ok(hasMessage(`reports.debts.${k}`), k)
})
