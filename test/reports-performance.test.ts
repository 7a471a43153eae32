// The performance report (R-REP-3): success, quality and the average mark per class, grade, subject and teacher,
// the lists of students, the comparison with the previous period (and year), the forecast where final marks are
// not set (the finals page's own proposal), every format, every role. Every figure is counted by hand below.
import t from 'tap'
import { tmpdir } from 'node:os'
import { addAbsence, addLesson, addMark, linesWith, parseReportCsv, pdfText, world, xlsxSheets, type World } from './reports.seed.js'
import { makePerson } from './helper.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { performanceReport } from '../src/features/reports/performance.report.js'
import { reportScope } from '../src/features/reports/reports.scope.js'
import { filterChoices, parseNarrowing, parseRange } from '../src/features/reports/reports.filters.js'
import { reportText } from '../src/features/reports/report.js'
import { pageInfo } from '../src/features/finals/finals.queries.js'
import { buildPage } from '../src/features/finals/finals.service.js'

/**
 * 5А: Антонов, Борисова, Волков, Галкина (Антонов and Борисова in the English subgroup); 5Б: Дёмин, Егорова.
 *
 * Quarter 2, every mark set (м = maths, р = Russian, а = English):
 *   Антонов  м5 р5 а5  → only 5s
 *   Борисова м4 р5 а5  → one 4 (maths)
 *   Волков   м3 р4     → one 3 (maths)
 *   Галкина  м2 рн/а   → failing
 *   Дёмин    м5        → only 5s
 *   Егорова  м осв     → nothing that counts
 *
 * Quarter 1, set except two maths marks, which are forecasts from the journal:
 *   Антонов  м4 р5 а5; Борисова м4 р4 а5; Волков м3 р3; Дёмин м4;
 *   Галкина  р3, maths forecast: 5 (oral, weight 1) and 3 (control work, weight 2), absent once of 4 lessons
 *            → (5 + 3·2) / 3 = 3,67 → «4» at the ordinary threshold 0,5 (and «3» at 0,9);
 *   Егорова  maths forecast: absent 3 of 4 lessons → «н/а» (more than half missed), her one 5 notwithstanding.
 *
 * The year: set for 5А (Антонов 5 5 5, Борисова м5 р4 а5, Волков м4 р3, Галкина м2 р3); 5Б not set, so computed
 * from the quarters: Дёмин (4 + 5) / 2 = 4,5 → «5»; Егорова: «н/а» in Q1 → «н/а».
 * The year before (2025/2026, class 4А): Антонов м4 р5, Борисова м3 р4.
 */
async function data(w: World) {
  const { s, db } = w
  const [ant, bor, vol, gal] = s.a
  const [dem, ego] = s.b
  const { math, russian: rus, english: eng } = s.subjects
  const setBy = s.u.deputy.personId
  const put = async (yearId: number, kind: 'period' | 'year', periodId: number | null, marks: [number, number, string][]) => {
    await db.insertInto('final_marks').values(marks.map(([student, subject, value]) => ({
      year_id: yearId, student_id: student, subject_id: subject, kind, period_id: periodId, value, proposed: null, set_by: setBy, set_at: '2026-01-01T10:00:00.000Z',
    }))).execute()
  }
  await put(s.year, 'period', s.periods.q2, [
    [ant, math, '5'], [ant, rus, '5'], [ant, eng, '5'], [bor, math, '4'], [bor, rus, '5'], [bor, eng, '5'],
    [vol, math, '3'], [vol, rus, '4'], [gal, math, '2'], [gal, rus, 'н/а'], [dem, math, '5'], [ego, math, 'осв'],
  ])
  await put(s.year, 'period', s.periods.q1, [
    [ant, math, '4'], [ant, rus, '5'], [ant, eng, '5'], [bor, math, '4'], [bor, rus, '4'], [bor, eng, '5'],
    [vol, math, '3'], [vol, rus, '3'], [gal, rus, '3'], [dem, math, '4'],
  ])
  const teacher = s.u.teacher.personId
  const dates = ['2026-09-15', '2026-09-16', '2026-09-17', '2026-09-18']
  const a = [], b = []
  for (const date of dates) {
    a.push(await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date }))
    b.push(await addLesson(db, s, { cls: s.c5b, subject: math, teacher, date, number: 3 }))
  }
  await addMark(db, s, a[0], gal, '5')
  await addMark(db, s, a[1], gal, '3', { kind: s.kinds.test })
  await addAbsence(db, a[2], gal, 'illness')
  // Marks of students whose quarter mark is set do not matter: the set mark wins.
  await addMark(db, s, a[0], ant, '2')
  for (const l of b.slice(0, 3)) await addAbsence(db, l, ego, null)
  await addMark(db, s, b[3], ego, '5')
  await put(s.year, 'year', null, [
    [ant, math, '5'], [ant, rus, '5'], [ant, eng, '5'], [bor, math, '5'], [bor, rus, '4'], [bor, eng, '5'],
    [vol, math, '4'], [vol, rus, '3'], [gal, math, '2'], [gal, rus, '3'],
  ])
  const past = (await db.insertInto('academic_years').values({ name: '2025/2026', starts_on: '2025-09-01', ends_on: '2026-05-31', status: 'closed', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()).id
  const c4a = (await db.insertInto('classes').values({ year_id: past, grade: 4, letter: 'А', class_teacher_id: null }).returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('enrollments').values([ant, bor].map((id) => ({
    student_id: id, class_id: c4a, from_date: '2025-09-01', to_date: '2026-05-31', reason_in: 'initial' as const, reason_out: 'promotion' as const,
  }))).execute()
  await put(past, 'year', null, [[ant, math, '4'], [ant, rus, '5'], [bor, math, '3'], [bor, rus, '4']])
}

const url = (w: World, range: 'q1' | 'q2' | 'year', more = '', ext = '') =>
  `/reports/performance${ext}?${range === 'year' ? 'range=year' : `range=period&period=${w.s.periods[range]}`}${more}`

/** The rows of the report's text (as the .csv has it) between a table's heading row and the next blank line. */
function tableRows(rows: string[][], title: string): string[][] {
  const at = rows.findIndex((r) => r.length === 1 && r[0] === title)
  if (at < 0) return []
  const out: string[][] = []
  for (let i = at + 2; i < rows.length && rows[i].some((c) => c !== ''); i++) out.push(rows[i])
  return out
}

/** The tables of the page: heading → rows of cell texts (tags stripped). */
function htmlTables(body: string): Record<string, string[][]> {
  const out: Record<string, string[][]> = {}
  const text = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim()
  for (const part of body.split('<h2>').slice(1)) {
    const title = text(part.slice(0, part.indexOf('</h2>')))
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(part)?.[1] ?? ''
    out[title] = [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])))
  }
  return out
}

const HEAD_STUDENTS = ['Учащихся', 'С отметками', 'На «5»', 'На «4» и «5»', 'С одной «3»', 'Неуспев.', 'Успеваемость', 'Качество знаний', 'Средний балл', 'Прогноз']
const HEAD_COMPARE = ['Раздел', 'Класс, предмет, учитель', 'Успеваемость', 'Успев.: было', 'Успев.: изм.', 'Качество', 'Кач.: было', 'Кач.: изм.',
  'Ср. балл', 'Балл: было', 'Балл: изм.']

/**
 * The rows below are written wide — name, six counts, success, quality, average, then success before and its
 * change, quality before and its change, average before and its change, then the forecasts — and split here
 * into the row of the main table and the row of the comparison table.
 */
const main = (r: string[]) => [...r.slice(0, 10), r[16]]
const cmp = (section: string, r: string[]) => [section, r[0], r[7], r[10], r[11], r[8], r[12], r[13], r[9], r[14], r[15]]

// Quarter 2 compared with quarter 1 (the same students).
const Q2_CLASSES = [
  // 4 counted: 1 only 5s, 1 with 4s and 5s, 1 with one 3, 1 failing → 3/4 = 75 %, 2/4 = 50 %;
  // marks 5 5 5 4 5 5 3 4 2 = 38 / 9 = 4,22. In Q1: 4 of 4 successful, 2 of 4 quality, 40 / 10 = 4,00.
  ['5А', '4', '4', '1', '1', '1', '1', '75,0 %', '50,0 %', '4,22', '100,0 %', '−25,0 %', '50,0 %', '0,0 %', '4,00', '0,22', '0'],
  // Егорова has only «осв»: on the roll, not counted. In Q1: Дёмин 4, Егорова «н/а» → 50 %, 50 %, 4,00.
  ['5Б', '2', '1', '1', '0', '0', '0', '100,0 %', '100,0 %', '5,00', '50,0 %', '50,0 %', '50,0 %', '50,0 %', '4,00', '1,00', '0'],
  // 4 of 5 = 80 %, 3 of 5 = 60 %, 43 / 10 = 4,30; Q1: 5 of 6 = 83,3 %, 3 of 6 = 50 %, 44 / 11 = 4,00.
  ['Вся школа', '6', '5', '2', '1', '1', '1', '80,0 %', '60,0 %', '4,30', '83,3 %', '−3,3 %', '50,0 %', '10,0 %', '4,00', '0,30', '0'],
]
const Q2_SUBJECTS = [
  // 5 4 3 2 5 (осв left out): 4/5 = 80 %, 3/5 = 60 %, 19/5 = 3,80; Q1 4 4 3 4 4 н/а: 5/6 = 83,3 %, 4/6 = 66,7 %, 19/5 = 3,80.
  ['Математика', '5', '2', '1', '1', '1', '0', '80,0 %', '60,0 %', '3,80', '83,3 %', '−3,3 %', '66,7 %', '−6,7 %', '3,80', '0,00', '0'],
  // 5 5 4 н/а: 3/4 = 75 %, 3/4 = 75 %, 14/3 = 4,67; Q1 5 4 3 3: 100 %, 50 %, 15/4 = 3,75.
  ['Русский язык', '4', '2', '1', '0', '0', '1', '75,0 %', '75,0 %', '4,67', '100,0 %', '−25,0 %', '50,0 %', '25,0 %', '3,75', '0,92', '0'],
  ['Английский язык', '2', '2', '0', '0', '0', '0', '100,0 %', '100,0 %', '5,00', '100,0 %', '0,0 %', '100,0 %', '0,0 %', '5,00', '0,00', '0'],
  ['Вся школа', '11', '6', '2', '1', '1', '1', '81,8 %', '72,7 %', '4,30', '91,7 %', '−9,9 %', '66,7 %', '6,0 %', '4,00', '0,30', '0'],
]

t.test('R-REP-3 quarter 2: classes, grades, subjects, teachers and the lists; page, .csv, .xlsx and PDF agree', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)

  const page = await w.as.deputy.get(url(w, 'q2'))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Успеваемость и качество знаний')
  t.match(page.body, '2 четверть 2026/2027. Отметки за период: выставленных 12, прогнозных 0. Сравнение: 1 четверть 2026/2027.')
  t.notMatch(page.body, '<script')
  const html = htmlTables(page.body)
  const grades = [['5-е классы', ...Q2_CLASSES[2].slice(1)]]
  const teachers = [['Англичанова О. С.', ...Q2_SUBJECTS[2].slice(1)], ['Классная М. П.', ...Q2_SUBJECTS[1].slice(1)], ['Математикова А. И.', ...Q2_SUBJECTS[0].slice(1)]]
  t.same(html['По классам'], Q2_CLASSES.map(main), 'page: per class with the school total')
  t.same(html['По параллелям'], grades.map(main), 'page: the one grade is the school')
  t.same(html['По предметам'], Q2_SUBJECTS.map(main), 'page: per subject')
  t.same(html['По учителям'], teachers.map(main), 'page: per teacher of record')
  const compared = [
    ...Q2_CLASSES.map((r, i) => cmp(i ? '' : 'Классы', r)), ...grades.map((r) => cmp('Параллели', r)),
    ...Q2_SUBJECTS.map((r, i) => cmp(i ? '' : 'Предметы', r)), ...teachers.map((r, i) => cmp(i ? '' : 'Учителя', r)),
  ]
  t.same(html['Сравнение с предыдущим периодом'], compared, 'page: the comparison with quarter 1')
  t.same(html['Отличники (только «5»)'], [['1', 'Антонов Артём', '5А', 'выставлены'], ['2', 'Дёмин Евгений', '5Б', 'выставлены']])
  t.same(html['С одной «4»'], [['1', 'Борисова Вера', '5А', 'Математика', 'выставлены']])
  t.same(html['С одной «3»'], [['1', 'Волков Глеб', '5А', 'Математика', 'выставлены']])
  t.same(html['Неуспевающие'], [['1', 'Галкина Дарья', '5А', 'Математика — 2; Русский язык — н/а', 'выставлены']])
  t.match(page.body, `href="/reports/performance?year=${w.s.year}&amp;range=period&amp;period=${w.s.periods.q2}&amp;class=${w.s.c5a}">5А<`, 'a class drills down')
  t.match(page.body, `&amp;teacher=${w.s.u.teacher.personId}">Математикова А. И.<`, 'a teacher drills down')
  t.match(page.body, 'Успеваемость — доля учащихся без «2», «1» и «н/а»', 'the definitions are printed')

  const csv = parseReportCsv((await w.as.deputy.get(url(w, 'q2', '', '.csv'))).rawPayload)
  t.same(csv.find((r) => r[0] === 'Класс'), ['Класс', ...HEAD_STUDENTS])
  t.same(csv.find((r) => r[0] === 'Раздел'), HEAD_COMPARE)
  t.same(tableRows(csv, 'По классам'), Q2_CLASSES.map(main), '.csv: per class')
  t.same(tableRows(csv, 'По предметам'), Q2_SUBJECTS.map(main), '.csv: per subject')
  t.same(tableRows(csv, 'Сравнение с предыдущим периодом'), compared, '.csv: the comparison')
  t.same(tableRows(csv, 'Неуспевающие'), html['Неуспевающие'], '.csv: the failing')

  const xlsx = await xlsxSheets((await w.as.deputy.get(url(w, 'q2', '', '.xlsx'))).rawPayload)
  t.same(Object.keys(xlsx), ['По классам', 'По параллелям', 'По предметам', 'По учителям', 'Сравнение с предыдущим периодом', 'Отличники (только «5»)', 'С одной «4»', 'С одной «3»', 'Неуспевающие'], '.xlsx: a sheet per table')
  t.same(xlsx['По классам'].find((r) => r[0] === '5А'), ['5А', 4, 4, 1, 1, 1, 1, 75, 50, 4.22, 0], '.xlsx: numbers stay numbers')
  t.same(xlsx['По предметам'].find((r) => r[0] === 'Русский язык'), ['Русский язык', 4, 2, 1, 0, 0, 1, 75, 75, 4.67, 0])
  t.same(xlsx['Сравнение с предыдущим периодом'].find((r) => r[1] === '5А'), ['Классы', '5А', 75, 100, -25, 50, 50, 0, 4.22, 4, 0.22])

  const pdf = await w.as.deputy.get(url(w, 'q2', '', '.pdf'))
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const text = pdfText(pdf.rawPayload, tmpdir())
  t.ok(linesWith(text, '5А', '75,0 %', '50,0 %', '4,22').length, 'PDF: the 5А row')
  t.ok(linesWith(text, 'Классы', '5А', '75,0 %', '100,0 %', '−25,0 %', '4,22', '4,00', '0,22').length, 'PDF: the 5А comparison')
  t.ok(linesWith(text, 'Вся школа', '6', '5', '80,0 %', '60,0 %', '4,30').length, 'PDF: the school total')
  t.ok(linesWith(text, 'Галкина Дарья', '5А').length, 'PDF: the failing list')
})

t.test('R-REP-3 quarter 1: forecasts where the quarter mark is not set, and no comparison for the first quarter', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const csv = parseReportCsv((await w.as.deputy.get(url(w, 'q1', '', '.csv'))).rawPayload)
  t.match(csv[1][0], '1 четверть 2026/2027. Отметки за период: выставленных 10, прогнозных 2. Сравнения нет: предыдущего периода нет.')
  t.same(csv.find((r) => r[0] === 'Класс'), ['Класс', ...HEAD_STUDENTS])
  t.notOk(csv.some((r) => r[0] === 'Сравнение с предыдущим периодом'), 'no comparison for the first quarter')
  t.same(tableRows(csv, 'По классам'), [
    // Галкина: м4 (forecast) р3 → one 3. Marks 4 5 5 4 4 5 3 3 4 3 = 40 / 10 = 4,00; one forecast.
    ['5А', '4', '4', '0', '2', '1', '0', '100,0 %', '50,0 %', '4,00', '1'],
    ['5Б', '2', '2', '0', '1', '0', '1', '50,0 %', '50,0 %', '4,00', '1'],
    ['Вся школа', '6', '6', '0', '3', '1', '1', '83,3 %', '50,0 %', '4,00', '2'],
  ])
  t.same(tableRows(csv, 'С одной «3»'), [['1', 'Галкина Дарья', '5А', 'Русский язык', 'частично прогноз']], 'the forecast «4» leaves her one 3')
  // Антонов's set 4 wins over his journal 2; Дёмин's one mark is his one 4.
  t.same(tableRows(csv, 'С одной «4»'), [['1', 'Антонов Артём', '5А', 'Математика', 'выставлены'], ['2', 'Дёмин Евгений', '5Б', 'Математика', 'выставлены']],
    'set marks win over the journal')
  t.same(tableRows(csv, 'Неуспевающие'), [['1', 'Егорова Жанна', '5Б', 'Математика — н/а', 'прогноз']], 'more than half missed: «н/а»')
  t.ok(csv.some((r) => r[0]?.startsWith('Где отметка за период ещё не выставлена, взят её прогноз')), 'the source of the forecasts is explained')
})

t.test('R-REP-3 the forecast is the finals page’s proposal, at any rounding threshold (R-FIN-1)', async (t) => {
  const w = await world(t, [])
  await data(w)
  const { db, s } = w
  const today = '2026-11-22'
  const user = (await loadCurrentUser(db, s.u.deputy.userId!))!
  const scope = reportScope(user)
  const year = await db.selectFrom('academic_years').selectAll().where('id', '=', s.year).executeTakeFirstOrThrow()
  const choices = await filterChoices(db, scope, year)
  const info = (await pageInfo(db, { classId: s.c5a, groupId: null }, s.subjects.math))!
  const gal = s.a[3]
  for (const [threshold, expected] of [['0.5', '4'], ['0.6', '4'], ['0.9', '3']] as const) {
    await db.deleteFrom('school_settings').where('key', '=', 'rounding_threshold').execute()
    await db.insertInto('school_settings').values({ key: 'rounding_threshold', value: threshold }).execute()
    const model = await buildPage(db, { page: info, access: 'read' }, today)
    const proposal = model.students.find((x) => x.id === gal)!.cells[`p${s.periods.q1}`].proposal
    t.equal(proposal, expected, `threshold ${threshold}: the finals page proposes ${expected} for Галкина`)
    const query = { range: 'period', period: String(s.periods.q1), class: String(s.c5a), subject: String(s.subjects.math) }
    const { range } = parseRange(query, performanceReport.ranges, year, choices.periods, today)
    const report = (await performanceReport.build(db, { user, scope, filters: { year, range, ...parseNarrowing(query, choices).value }, choices, today, query }))!
    const rows = tableRows(reportText(report), 'По предметам')
    // Set: 4 4 3 (Антонов, Борисова, Волков) and Галкина's forecast.
    const counts = expected === '4' ? ['4', '0', '3', '1', '0', '0'] : ['4', '0', '2', '2', '0', '0']
    t.same(rows[0].slice(0, 7), ['Математика', ...counts], `threshold ${threshold}: the report counts her ${expected}`)
  }
})

t.test('R-REP-3 the year: set year marks, computed ones for the rest, compared with the year before', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const csv = parseReportCsv((await w.as.deputy.get(url(w, 'year', '', '.csv'))).rawPayload)
  t.match(csv[1][0], '2026/2027 учебный год. Годовые отметки: выставленных 10, расчётных 2. Сравнение: 2025/2026 учебный год.')
  const classes = [
    // 5 5 5 | 5 4 5 | 4 3 | 2 3 = 41 / 10 = 4,10; a year ago Антонов 4 5 and Борисова 3 4: 100 %, 50 %, 4,00.
    ['5А', '4', '4', '1', '1', '1', '1', '75,0 %', '50,0 %', '4,10', '100,0 %', '−25,0 %', '50,0 %', '0,0 %', '4,00', '0,10', '0'],
    // Дёмин 5 (from 4 and 5), Егорова «н/а»: both computed; nobody of 5Б was here a year ago.
    ['5Б', '2', '2', '1', '0', '0', '1', '50,0 %', '50,0 %', '5,00', '—', '—', '—', '—', '—', '—', '2'],
    ['Вся школа', '6', '6', '2', '1', '1', '2', '66,7 %', '50,0 %', '4,18', '100,0 %', '−33,3 %', '50,0 %', '0,0 %', '4,00', '0,18', '2'],
  ]
  t.same(tableRows(csv, 'По классам'), classes.map(main))
  t.same(tableRows(csv, 'Сравнение с предыдущим годом').slice(0, 3), classes.map((r, i) => cmp(i ? '' : 'Классы', r)), 'the same students a year before, in 4А')
  t.same(tableRows(csv, 'Отличники (только «5»)'), [['1', 'Антонов Артём', '5А', 'выставлены'], ['2', 'Дёмин Евгений', '5Б', 'прогноз']])
  t.same(tableRows(csv, 'С одной «4»'), [['1', 'Борисова Вера', '5А', 'Русский язык', 'выставлены']])
  t.same(tableRows(csv, 'Неуспевающие'), [
    ['1', 'Галкина Дарья', '5А', 'Математика — 2', 'выставлены'], ['2', 'Егорова Жанна', '5Б', 'Математика — н/а', 'прогноз'],
  ])
})

t.test('R-REP-3 filters narrow the figures; a narrowed total is not the school', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const csv = async (more: string) => parseReportCsv((await w.as.deputy.get(url(w, 'q2', more, '.csv'))).rawPayload)
  const b = await csv(`&class=${w.s.c5b}`)
  t.same(tableRows(b, 'По классам'), [main(Q2_CLASSES[1])], 'class 5Б')
  const page = ['5Б', 'Математика', '1', '1', '0', '0', '0', '0', '100,0 %', '100,0 %', '5,00', '50,0 %', '50,0 %', '50,0 %', '50,0 %', '4,00', '1,00', '0']
  t.same(tableRows(b, 'По классам и предметам'), [[...page.slice(0, 11), page[17]]], 'one class: its subjects with their figures')
  t.same(tableRows(b, 'Сравнение с предыдущим периодом').at(-1), ['Классы и предметы', '5Б, Математика', '100,0 %', '50,0 %', '50,0 %', '100,0 %', '50,0 %', '50,0 %', '5,00', '4,00', '1,00'])
  const rus = await csv(`&subject=${w.s.subjects.russian}`)
  t.same(tableRows(rus, 'По предметам'), [main(Q2_SUBJECTS[1])], 'Russian only')
  // Russian alone: Антонов 5, Борисова 5 → only 5s; Волков 4; Галкина «н/а».
  t.same(tableRows(rus, 'По классам'), [main(['5А', '4', '4', '2', '1', '0', '1', '75,0 %', '75,0 %', '4,67', '100,0 %', '−25,0 %', '50,0 %', '25,0 %', '3,75', '0,92', '0'])])
  const g = await csv('&grade=5')
  t.equal(tableRows(g, 'По классам').at(-1)?.[0], 'Итого', 'a narrowed total')
  const bad = await w.as.deputy.get(url(w, 'q2', '&class=99999'))
  t.equal(bad.statusCode, 400, 'an unknown class is refused')
  t.match(bad.body, 'Выберите класс из списка.')
})

t.test('R-REP-3 R-REP-6 who may see what', async (t) => {
  const w = await world(t)
  await data(w)
  for (const role of ['admin', 'director', 'deputy'] as const) {
    const r = await w.as[role].get(url(w, 'q2'))
    t.equal(r.statusCode, 200, `${role}: 200`)
    t.match(r.body, 'Дёмин Евгений', `${role}: the whole school`)
  }
  for (const role of ['scheduler', 'clerk', 'student', 'parent'] as const) {
    for (const ext of ['', '.csv', '.xlsx']) t.equal((await w.as[role].get(url(w, 'q2', '', ext))).statusCode, 403, `${role}${ext}: 403`)
  }
  const anon = await w.as.anonymous.get(url(w, 'q2'))
  t.equal(anon.statusCode, 302, 'anonymous: to the login')
  t.match(String(anon.headers.location), '/login')

  const csvOf = async (role: 'teacher' | 'classTeacher' | 'teacher2', more = '') => {
    const r = await w.as[role].get(url(w, 'q2', more, '.csv'))
    t.equal(r.statusCode, 200, `${role}: 200`)
    return parseReportCsv(r.rawPayload)
  }
  // The maths teacher: maths only, in both her classes. 5А by maths alone: 5 4 3 2 → 75 %, 50 %, 3,50.
  const teacher = await csvOf('teacher')
  t.same(tableRows(teacher, 'По предметам').map((r) => r[0]), ['Математика'], 'teacher: her subject only')
  t.same(tableRows(teacher, 'По классам')[0].slice(0, 10), ['5А', '4', '4', '1', '1', '1', '1', '75,0 %', '50,0 %', '3,50'])
  t.same(tableRows(teacher, 'По учителям').map((r) => r[0]), ['Математикова А. И.'], 'teacher: her own row only')
  t.notOk(teacher.flat().some((c) => c.includes('Русский язык')), 'teacher: no Russian marks anywhere')
  t.equal((await w.as.teacher.get(url(w, 'q2', `&teacher=${w.s.u.classTeacher.personId}`))).statusCode, 400, 'teacher: another teacher is not offered')

  // The class teacher of 5А: every subject of 5А, nothing of 5Б; her own teacher row only.
  const ct = await csvOf('classTeacher')
  t.same(tableRows(ct, 'По классам'), [main(Q2_CLASSES[0])], 'class teacher: 5А as the deputy sees it')
  t.same(tableRows(ct, 'По учителям').map((r) => r[0]), ['Классная М. П.'])
  t.notOk(ct.flat().some((c) => c.includes('Дёмин') || c.includes('Егорова') || c.includes('5Б')), 'class teacher: no trace of 5Б')
  t.equal((await w.as.classTeacher.get(url(w, 'q2', `&class=${w.s.c5b}`))).statusCode, 400, 'class teacher: 5Б is not offered')

  // teacher2: English to her subgroup, Антонов and Борисова.
  const t2 = await csvOf('teacher2')
  t.same(tableRows(t2, 'По классам'), [['5А', '2', '2', '2', '0', '0', '0', '100,0 %', '100,0 %', '5,00', '0']])
  t.same(tableRows(t2, 'Отличники (только «5»)').map((r) => r[1]), ['Антонов Артём', 'Борисова Вера'], 'excellent in her subject')
  t.notOk(t2.flat().some((c) => c.includes('Галкина')), 'teacher2: nobody outside her group')
})

t.test('R-REP-3 who is counted: grade 1 is unmarked, a departed student is off the roll, other schemes of periods are left out', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const { db, s } = w
  const c1a = (await db.insertInto('classes').values({ year_id: s.year, grade: 1, letter: 'А', class_teacher_id: null }).returning('id').executeTakeFirstOrThrow()).id
  const first = await makePerson(db, { roles: ['student'], login: null, last: 'Первоклассникова', first: 'Ася' })
  const gone = await makePerson(db, { roles: ['student'], login: null, last: 'Уехавший', first: 'Борис' })
  await db.insertInto('enrollments').values([
    { student_id: first.personId, class_id: c1a, from_date: '2026-09-01', reason_in: 'initial' },
    { student_id: gone.personId, class_id: s.c5b, from_date: '2026-09-01', to_date: '2026-11-10', reason_in: 'initial', reason_out: 'departure' },
  ]).execute()
  await db.insertInto('final_marks').values([first.personId, gone.personId].map((id) => ({
    year_id: s.year, student_id: id, subject_id: s.subjects.math, kind: 'period' as const, period_id: s.periods.q2, value: '2', proposed: null, set_by: s.u.deputy.personId, set_at: '2026-12-28T10:00:00.000Z',
  }))).execute()
  const csv = parseReportCsv((await w.as.deputy.get(url(w, 'q2', '', '.csv'))).rawPayload)
  t.same(tableRows(csv, 'По классам').map((r) => r[0]), ['5А', '5Б', 'Вся школа'], 'no 1А')
  t.same(tableRows(csv, 'По классам').at(-1), main(Q2_CLASSES[2]), 'the figures are those without them')
  t.notOk(csv.flat().some((c) => c.includes('Уехавший') || c.includes('Первоклассникова')), 'neither is listed')

  // Grades 5–11 move to half-years: a quarter's report has nobody of grade 5 and says why.
  await db.updateTable('grade_bands').set({ grade_to: 4 }).where('year_id', '=', s.year).execute()
  await db.insertInto('grade_bands').values({ year_id: s.year, grade_from: 5, grade_to: 11, scheme: 'half' }).execute()
  const half = parseReportCsv((await w.as.deputy.get(url(w, 'q2', '', '.csv'))).rawPayload)
  t.same(tableRows(half, 'По классам'), [], 'no class follows quarters')
  t.ok(half.some((r) => r[0] === 'Классы параллелей 5 аттестуются по другим учебным периодам и в этот отчёт не входят: выберите их период.'), 'the note says why')
})
