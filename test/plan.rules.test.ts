// Table tests of the КТП rules: who edits a plan, renumbering, import rows and progress (R-J-3, R-ROLE).
import t from 'tap'
import type { Role } from '../src/db/types.js'
import {
  closeGaps, closeUpAfter, insertAt, mapPlanHeaders, moveTo, parseHours, parseNumber, planAccess, planImport, planRows,
  progressOf, validatePlanRows, type Change, type ExistingTopic, type Numbered, type PlanTopic,
} from '../src/features/plan/plan.rules.js'

t.test('R-J-3/R-ROLE: who edits and who reads a plan', async (t) => {
  const cases: [Role[], boolean, 'edit' | 'read' | null][] = [
    [['admin'], false, 'edit'],
    [['deputy'], false, 'edit'],
    [['director'], false, 'read'],
    [['teacher'], true, 'edit'],
    [['teacher'], false, 'read'],
    [['director', 'teacher'], true, 'edit'],
    [['director', 'teacher'], false, 'read'],
    [['scheduler'], false, null],
    [['clerk'], false, null],
    [['student'], false, null],
    [['parent'], false, null],
    [['parent', 'student'], true, null],
  ]
  for (const [roles, teaches, want] of cases) t.equal(planAccess({ roles }, teaches), want, `${roles.join('+')} teaches=${teaches} → ${want}`)
  t.equal(planAccess(null, true), null, 'nobody logged in')
})

// A plan as numbers only: ids are 100 + the original number, so a change reads as "topic 3 becomes 4".
const plan = (...numbers: number[]): Numbered[] => numbers.map((n) => ({ id: 100 + n, number: n }))
const apply = (topics: Numbered[], changes: Change[]) =>
  topics.map((x) => ({ id: x.id, number: changes.find((c) => c.id === x.id)?.to ?? x.number })).sort((a, b) => a.number - b.number)
// After the change: the original numbers in their new order, with their new numbers ('orig→new').
const show = (topics: Numbered[], changes: Change[]) => apply(topics, changes).map((x) => `${x.id - 100}→${x.number}`).join(' ')

t.test('R-J-3: renumbering — a new topic at a taken number pushes the later ones down', async (t) => {
  const cases: [number[], number, string][] = [
    [[1, 2, 3], 4, ''],
    [[1, 2, 3], 2, '2→3 3→4'],
    [[1, 2, 3], 1, '1→2 2→3 3→4'],
    [[1, 2, 5], 3, ''],
    [[1, 2, 5, 6], 5, '5→6 6→7'],
    [[], 1, ''],
  ]
  for (const [numbers, at, want] of cases) {
    const ch = insertAt(plan(...numbers), at)
    t.equal(ch.map((c) => `${c.id - 100}→${c.to}`).join(' '), want, `insert at ${at} into ${numbers.join(',') || 'nothing'}`)
    // The new topic's number is free afterwards and no two topics share a number.
    const after = apply(plan(...numbers), ch).map((x) => x.number)
    t.notOk(after.includes(at), `number ${at} is free for the new topic`)
    t.equal(new Set(after).size, after.length)
  }
})

t.test('R-J-3: renumbering — moving a topic', async (t) => {
  const cases: [number[], number, number, string][] = [
    [[1, 2, 3, 4, 5], 5, 2, '1→1 5→2 2→3 3→4 4→5'],
    [[1, 2, 3, 4, 5], 2, 4, '1→1 3→2 4→3 2→4 5→5'],
    [[1, 2, 3, 4, 5], 1, 5, '2→1 3→2 4→3 5→4 1→5'],
    [[1, 2, 3], 2, 2, '1→1 2→2 3→3'],
    [[1, 2, 3], 2, 7, '1→1 3→3 2→7'],
    [[1, 2, 5], 5, 3, '1→1 2→2 5→3'],
  ]
  for (const [numbers, from, to, want] of cases) {
    const topics = plan(...numbers)
    t.equal(show(topics, moveTo(topics, 100 + from, to)), want, `move ${from} → ${to} in ${numbers.join(',')}`)
  }
  t.same(moveTo(plan(1, 2), 999, 1), [], 'an unknown topic changes nothing')
})

t.test('R-J-3: renumbering — removal closes up, renumber closes every gap', async (t) => {
  const removal: [number[], number, string][] = [
    [[1, 2, 3, 4], 2, '1→1 3→2 4→3'],
    [[1, 2, 3, 4], 4, '1→1 2→2 3→3'],
    [[1, 3, 4], 1, '3→2 4→3'],
  ]
  for (const [numbers, gone, want] of removal) {
    const topics = plan(...numbers)
    const ch = closeUpAfter(topics, 100 + gone)
    t.equal(show(topics.filter((x) => x.id !== 100 + gone), ch), want, `remove ${gone} from ${numbers.join(',')}`)
  }
  const gaps: [number[], string, number][] = [
    [[1, 2, 3], '1→1 2→2 3→3', 0],
    [[2, 5, 9], '2→1 5→2 9→3', 3],
    [[1, 2, 4, 7], '1→1 2→2 4→3 7→4', 2],
    [[], '', 0],
  ]
  for (const [numbers, want, changed] of gaps) {
    const topics = plan(...numbers)
    const ch = closeGaps(topics)
    t.equal(show(topics, ch), want, `close gaps in ${numbers.join(',') || 'nothing'}`)
    t.equal(ch.length, changed, 'only the numbers that change are written')
  }
})

t.test('R-J-3: numbers and hours as people type them', async (t) => {
  const numbers: [string, number | null][] = [['1', 1], [' 12 ', 12], ['12.', 12], ['999', 999], ['0', null], ['1000', null], ['-1', null], ['1,5', null], ['a', null], ['', null]]
  for (const [s, want] of numbers) t.equal(parseNumber(s), want, `number «${s}»`)
  const hours: [string, number | null][] = [['', 1], ['1', 1], ['2', 2], ['2,0', 2], ['3.00', 3], ['99', 99], ['0', null], ['100', null], ['1,5', null], ['два', null]]
  for (const [s, want] of hours) t.equal(parseHours(s), want, `hours «${s}»`)
})

t.test('R-J-3: import headers — by name, in any order, or a file without a header row', async (t) => {
  t.same(mapPlanHeaders(['№', 'Тема', 'Часы']).index, { number: 0, title: 1, hours: 2 })
  t.same(mapPlanHeaders(['Дата', 'Тема урока', '№ п/п']).index, { title: 1, number: 2 }, 'other columns are ignored')
  t.same(mapPlanHeaders(['Номер', 'Название темы', 'Количество часов']).index, { number: 0, title: 1, hours: 2 })
  t.same(mapPlanHeaders(['Тема']).missing, ['number'])
  t.same(mapPlanHeaders(['a', 'b']).missing, ['number', 'title'])
  const bare = mapPlanHeaders(['1', 'Повторение', '2'])
  t.ok(bare.headerless, 'a first row that is a topic is data')
  t.same(planRows([['1', 'Повторение', '2'], ['2', 'Дроби', '']], bare).map((r) => r.line), [1, 2])
  const rows = planRows([['№', 'Тема'], ['1', '  Натуральные   числа '], ['', '', ''], ['2', "'=Формула"]], mapPlanHeaders(['№', 'Тема']))
  t.same(rows, [
    { line: 2, raw: { number: '1', title: 'Натуральные числа', hours: '' } },
    { line: 4, raw: { number: '2', title: '=Формула', hours: '' } },
  ], 'spaces collapse, empty lines are skipped, a guarded formula loses its apostrophe')
})

const existing: ExistingTopic[] = [
  { id: 1, number: 1, title: 'Повторение', hours: 1, used: 2, usedIn: '01.09.2026, 5А, 1-й урок' },
  { id: 2, number: 2, title: 'Дроби', hours: 2, used: 0, usedIn: '' },
  { id: 3, number: 3, title: 'Проценты', hours: 1, used: 1, usedIn: '03.09.2026, 5А, 2-й урок' },
]
const row = (line: number, number: string, title: string, hours = '') => ({ line, raw: { number, title, hours } })

t.test('R-J-3: import row validation — each row says what is wrong', async (t) => {
  const cases: [ReturnType<typeof row>[], string[][]][] = [
    [[row(2, '1', 'Тема')], [[]]],
    [[row(2, '', 'Тема')], [['Нет номера.']]],
    [[row(2, 'x', 'Тема')], [['Неверный номер «x»: нужно целое число от 1 до 999.']]],
    [[row(2, '1', '')], [['Нет темы.']]],
    [[row(2, '1', 'Тема', 'два')], [['Неверное число часов «два»: нужно целое число от 1 до 99.']]],
    [[row(2, '1', 'А'), row(3, '1', 'Б')], [[], ['Номер 1 уже есть в строке 2.']]],
    [[row(2, '0', '', '0')], [['Неверный номер «0»: нужно целое число от 1 до 999.', 'Нет темы.', 'Неверное число часов «0»: нужно целое число от 1 до 99.']]],
    [[row(2, '1', 'Т'.repeat(501))], [['Слишком длинная тема (не более 500 символов).']]],
  ]
  for (const [rows, want] of cases) {
    t.same(validatePlanRows(rows, [], 'replace').map((r) => r.errors), want, rows.map((r) => `${r.raw.number}|${r.raw.title.slice(0, 10)}|${r.raw.hours}`).join('; '))
  }
  const appended = validatePlanRows([row(2, '3', 'Новая'), row(3, '4', 'Ещё')], existing, 'append')
  t.same(appended.map((r) => r.errors), [['Тема № 3 уже есть в КТП («Проценты»). Выберите замену или измените номер.'], []], 'append: a number already in the plan')
  const replaced = validatePlanRows([row(2, '1', 'Повторение', '1'), row(3, '2', 'Обыкновенные дроби'), row(4, '9', 'Новая')], existing, 'replace')
  t.same(replaced.map((r) => r.effect), [{ kind: 'same' }, { kind: 'update', oldTitle: 'Дроби', used: false }, { kind: 'new' }])
  t.equal(replaced[1].hours, 1, 'empty hours count as 1')
})

t.test('R-J-3: import plan — replace keeps topics taken by lessons; append only adds', async (t) => {
  const rows = validatePlanRows([row(2, '1', 'Повторение курса'), row(3, '3', 'Проценты'), row(4, '4', 'Диаграммы')], existing, 'replace')
  const r = planImport(rows, existing, 'replace')
  t.same(r.inserts, [{ number: 4, title: 'Диаграммы', hours: 1 }])
  t.same(r.updates, [{ id: 1, number: 1, title: 'Повторение курса', hours: 1 }], 'a used topic is updated in place, keeping its id')
  t.same(r.deletes.map((x) => x.number), [2], 'an unused topic missing from the file goes')
  t.same(r.blocked, [])

  const without3 = validatePlanRows([row(2, '1', 'Повторение'), row(3, '2', 'Дроби', '2')], existing, 'replace')
  const blocked = planImport(without3, existing, 'replace')
  t.same(blocked.blocked.map((x) => x.number), [3], 'a topic taken by a lesson cannot be replaced away')

  const app = planImport(validatePlanRows([row(2, '7', 'Итоговое повторение', '2')], existing, 'append'), existing, 'append')
  t.same(app, { inserts: [{ number: 7, title: 'Итоговое повторение', hours: 2 }], updates: [], deletes: [], blocked: [] })
})

t.test('R-J-3: progress — planned, done, next topic, behind', async (t) => {
  const topics: PlanTopic[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, number: i + 1, title: `Тема ${i + 1}`, hours: 1 }))
  const cases: [string, PlanTopic[], number[], number, { done: number; next: number | null; behind: number; expected: number; overdue: number[] }][] = [
    ['10 planned, 1–4 taken in 4 lessons', topics, [1, 2, 3, 4], 4, { done: 4, next: 5, behind: 0, expected: 4, overdue: [] }],
    ['1–4 taken, 6 lessons held', topics, [1, 2, 3, 4], 6, { done: 4, next: 5, behind: 2, expected: 6, overdue: [5, 6] }],
    ['a topic skipped', topics, [1, 2, 4], 3, { done: 3, next: 3, behind: 1, expected: 3, overdue: [3] }],
    ['nothing held yet', topics, [], 0, { done: 0, next: 1, behind: 0, expected: 0, overdue: [] }],
    ['lessons without plan topics', topics, [], 3, { done: 0, next: 1, behind: 3, expected: 3, overdue: [1, 2, 3] }],
    ['all done', topics, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 12, { done: 10, next: null, behind: 0, expected: 10, overdue: [] }],
    ['ahead of the timetable', topics, [1, 2, 3], 2, { done: 3, next: 4, behind: 0, expected: 2, overdue: [] }],
    ['no plan', [], [], 5, { done: 0, next: null, behind: 0, expected: 0, overdue: [] }],
    ['two-hour topics need two lessons', topics.map((x) => ({ ...x, hours: 2 })), [1], 3, { done: 1, next: 2, behind: 0, expected: 1, overdue: [] }],
    ['two-hour topics, four lessons, one topic', topics.map((x) => ({ ...x, hours: 2 })), [1], 4, { done: 1, next: 2, behind: 1, expected: 2, overdue: [2] }],
  ]
  for (const [name, plan, covered, held, want] of cases) {
    const p = progressOf(plan, new Set(covered), held)
    t.same({ done: p.done, next: p.nextTopic?.number ?? null, behind: p.behind, expected: p.expected, overdue: p.overdue.map((x) => x.number) }, want, name)
    t.equal(p.planned, plan.length)
    t.equal(p.held, held)
  }
  t.equal(progressOf(topics, new Set([99]), 1).done, 0, 'a topic of another plan does not count')
})
