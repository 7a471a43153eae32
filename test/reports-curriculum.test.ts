// The curriculum fulfilment report (R-REP-5): planned hours against lessons held per class × subject, per
// teacher and per class, КТП progress, the plan to date of a running period, every format, every role.
// The fixed figures are for the first quarter (01.09–26.10.2026), over before the day these tests run.
import t from 'tap'
import { tmpdir } from 'node:os'
import { addLesson, linesWith, parseReportCsv, pdfText, world, xlsxSheets, type World } from './reports.seed.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { curriculumReport } from '../src/features/reports/curriculum.report.js'
import { reportScope } from '../src/features/reports/reports.scope.js'
import { filterChoices, parseNarrowing, parseRange } from '../src/features/reports/reports.filters.js'
import { reportText } from '../src/features/reports/report.js'

/**
 * The first quarter: 40 school days = 8 weeks, so the plan is 5А maths 40, Russian 32, the English subgroup
 * 16, 5Б maths 40.
 *   5А maths (teacher): 07.09, 08.09 (taught by ct), 09.09, 10.09 cancelled, 11.09 moved to 14.09 → 4 held.
 *   5А Russian (ct): 07.09, 08.09, both on КТП topic 1 of 3 → 2 held, 1 topic of 3.
 *   5А English: the subgroup 07.09 and the whole class 08.09 (teacher2) → 2 held for the subgroup.
 *   5Б maths (teacher): 07.09 taught by teacher2 → 1 held.
 *   Maths КТП has 2 topics: 5А takes both (07.09, 09.09), 5Б none.
 */
async function quarterData(w: World) {
  const { s, db } = w
  const topic = async (subject: number, number: number) => (await db.insertInto('plan_topics')
    .values({ year_id: s.year, subject_id: subject, grade: 5, number, title: `Тема ${number}`, hours: 1 }).returning('id').executeTakeFirstOrThrow()).id
  const math1 = await topic(s.subjects.math, 1), math2 = await topic(s.subjects.math, 2)
  const rus1 = await topic(s.subjects.russian, 1)
  await topic(s.subjects.russian, 2); await topic(s.subjects.russian, 3)
  const teacher = s.u.teacher.personId, ct = s.u.classTeacher.personId, teacher2 = s.u.teacher2.personId
  const math = { cls: s.c5a, subject: s.subjects.math, teacher }
  await addLesson(db, s, { ...math, date: '2026-09-07', planTopic: math1 })
  await addLesson(db, s, { ...math, date: '2026-09-08', substitute: ct })
  await addLesson(db, s, { ...math, date: '2026-09-09', planTopic: math2 })
  await addLesson(db, s, { ...math, date: '2026-09-10', status: 'cancelled' })
  await addLesson(db, s, { ...math, date: '2026-09-11', status: 'moved' })
  await addLesson(db, s, { ...math, date: '2026-09-14', number: 4 })
  const rus = { cls: s.c5a, subject: s.subjects.russian, teacher: ct, planTopic: rus1 }
  await addLesson(db, s, { ...rus, date: '2026-09-07', number: 3 })
  await addLesson(db, s, { ...rus, date: '2026-09-08', number: 3 })
  await addLesson(db, s, { group: s.g5aEng, subject: s.subjects.english, teacher: teacher2, date: '2026-09-07', number: 4 })
  await addLesson(db, s, { cls: s.c5a, subject: s.subjects.english, teacher: teacher2, date: '2026-09-08', number: 4 })
  await addLesson(db, s, { cls: s.c5b, subject: s.subjects.math, teacher, substitute: teacher2, date: '2026-09-07', number: 1 })
}

const q1 = (w: World, more = '') => `/reports/curriculum?range=period&period=${w.s.periods.q1}${more}`

// The rows a user should read, as the .csv and reportText show them.
const PAGES = [
  ['5А', 'Математика', 'Математикова А. И.; замены: Классная М. П. (1)', '5', '40', '4', '−36', '10,0 %', 'пройдено 2 из 2 тем'],
  // 2 of 32 = 6,25 % → 6,3 %.
  ['5А', 'Русский язык', 'Классная М. П.', '4', '32', '2', '−30', '6,3 %', 'пройдено 1 из 3 тем'],
  ['5А', 'Английский язык, 1 гр.', 'Англичанова О. С.', '2', '16', '2', '−14', '12,5 %', ''],
  ['5Б', 'Математика', 'Математикова А. И.; замены: Англичанова О. С. (1)', '5', '40', '1', '−39', '2,5 %', 'пройдено 0 из 2 тем'],
]
const TEACHERS = [
  // plan 16, held 2; taught her group, the class lesson and the 5Б substitution = 3, of which 1 a substitution.
  ['Англичанова Ольга Сергеевна', '16', '2', '0', '−14', '12,5 %', '3', '1'],
  // plan 32, held 2; taught 2 Russian + 1 maths substitution.
  ['Классная Мария Петровна', '32', '2', '0', '−30', '6,3 %', '3', '1'],
  // plan 40 + 40, held 4 + 1 = 5 (6,25 % → 6,3 %), two of them taught by others; taught herself 3.
  ['Математикова Анна Ивановна', '80', '5', '2', '−75', '6,3 %', '3', '0'],
]
const CLASSES = [
  // 40 + 32 + 16 = 88 planned, 4 + 2 + 2 = 8 held: 9,09 % → 9,1 %.
  ['5А', '88', '8', '−80', '9,1 %'],
  ['5Б', '40', '1', '−39', '2,5 %'],
  // 128 planned, 9 held: 7,03 % → 7,0 %.
  ['Вся школа', '128', '9', '−119', '7,0 %'],
]

/** The rows of the report's text between a table's heading row and the next blank line. */
function tableRows(rows: string[][], title: string): string[][] {
  const at = rows.findIndex((r) => r[0] === title)
  const out: string[][] = []
  for (let i = at + 2; i < rows.length && rows[i].length && rows[i][0] !== ''; i++) out.push(rows[i])
  return out
}

t.test('R-REP-5 the first quarter: page, .csv, .xlsx and PDF show the same figures', async (t) => {
  const w = await world(t, ['deputy'])
  await quarterData(w)

  const page = await w.as.deputy.get(q1(w))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Выполнение учебного плана')
  t.match(page.body, '1 четверть 2026/2027')
  t.notMatch(page.body, 'План на ', 'a past quarter has no plan to date')
  t.match(page.body, 'Учебных недель за период: 5 кл. — 8.', 'the weeks behind the plan are stated')
  for (const cells of [...PAGES, ...TEACHERS, ...CLASSES]) {
    const re = new RegExp(cells.filter(Boolean).map((c) => `>${c.replace(/[.()+]/g, '\\$&')}<`).join('[\\s\\S]*?'))
    t.match(page.body, re, `page row ${cells[0]} ${cells[1]}`)
  }
  t.match(page.body, `href="/journal/class/${w.s.c5a}/${w.s.subjects.math}">4<`, 'held lessons link to the journal page')
  t.match(page.body, `href="/journal/group/${w.s.g5aEng}">2<`)

  const csv = parseReportCsv((await w.as.deputy.get(q1(w).replace('curriculum?', 'curriculum.csv?'))).rawPayload)
  t.same(tableRows(csv, 'По классам и предметам'), PAGES, '.csv: per class and subject')
  t.same(tableRows(csv, 'По учителям'), TEACHERS, '.csv: per teacher')
  t.same(tableRows(csv, 'По классам'), CLASSES, '.csv: per class and the school')
  t.same(csv.find((r) => r[0] === 'Класс'), ['Класс', 'Предмет', 'Учитель', 'В неделю, ч', 'План, ч', 'Проведено, ч', 'Разница, ч', 'Выполнено, %', 'По КТП'])

  const xlsx = await xlsxSheets((await w.as.deputy.get(q1(w).replace('curriculum?', 'curriculum.xlsx?'))).rawPayload)
  t.same(Object.keys(xlsx), ['По классам и предметам', 'По учителям', 'По классам'])
  const sheet = xlsx['По классам и предметам']
  t.same(sheet.find((r) => r[1] === 'Русский язык'), ['5А', 'Русский язык', 'Классная М. П.', 4, 32, 2, -30, 6.3, 'пройдено 1 из 3 тем'], '.xlsx: numbers stay numbers')
  t.same(xlsx['По учителям'].find((r) => r[0] === 'Математикова Анна Ивановна'), ['Математикова Анна Ивановна', 80, 5, 2, -75, 6.3, 3, 0])
  t.same(xlsx['По классам'].find((r) => r[0] === 'Вся школа'), ['Вся школа', 128, 9, -119, 7])

  const pdf = await w.as.deputy.get(q1(w).replace('curriculum?', 'curriculum.pdf?'))
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const text = pdfText(pdf.rawPayload, tmpdir())
  // Long cells wrap in the PDF: each row is checked on its first line.
  t.ok(linesWith(text, '5А', 'Русский язык', '32', '−30', '6,3 %', 'пройдено 1 из 3').length, 'PDF: the Russian row')
  t.ok(linesWith(text, '5Б', 'Математика', '40', '2,5 %').length, 'PDF: the 5Б row')
  t.ok(linesWith(text, 'Математикова Анна', '80', '5', '2', '−75', '6,3 %').length, 'PDF: the teacher row')
  t.ok(linesWith(text, 'Вся школа', '128', '−119', '7,0 %').length, 'PDF: the school total')
})

t.test('R-REP-5 filters: a class, a subject, a teacher', async (t) => {
  const w = await world(t, ['deputy'])
  await quarterData(w)
  const csv = async (more: string) => parseReportCsv((await w.as.deputy.get(q1(w, more).replace('curriculum?', 'curriculum.csv?'))).rawPayload)

  const b = await csv(`&class=${w.s.c5b}`)
  t.same(tableRows(b, 'По классам и предметам'), [PAGES[3]], 'class 5Б: its one page')
  // In 5Б: Математикова answers for the plan (40, held 1, given away 1); Англичанова taught the substitution.
  t.same(tableRows(b, 'По учителям'), [
    // She answers for no plan in 5Б: «—» for the plan and the percentage.
    ['Англичанова Ольга Сергеевна', '—', '0', '0', '—', '—', '1', '1'],
    ['Математикова Анна Ивановна', '40', '1', '1', '−39', '2,5 %', '0', '0'],
  ])
  t.same(tableRows(b, 'По классам'), [['5Б', '40', '1', '−39', '2,5 %'], ['Итого', '40', '1', '−39', '2,5 %']], 'a narrowed total is not the school')

  const rus = await csv(`&subject=${w.s.subjects.russian}`)
  t.same(tableRows(rus, 'По классам и предметам'), [PAGES[1]], 'Russian only')

  // teacher2 taught in 5Б only as a substitute: her pages are the English subgroup alone.
  const t2 = await csv(`&teacher=${w.s.u.teacher2.personId}`)
  t.same(tableRows(t2, 'По классам и предметам'), [PAGES[2]], 'a teacher: the pages she teaches')
  t.same(tableRows(t2, 'По учителям'), [TEACHERS[0]], 'a teacher: her row, the substitution included')

  const bad = await w.as.deputy.get(q1(w, '&class=99999'))
  t.equal(bad.statusCode, 400, 'an unknown class is refused')
  t.match(bad.body, 'Выберите класс из списка.')
})

t.test('R-REP-5 who may see what', async (t) => {
  const w = await world(t)
  await quarterData(w)
  for (const role of ['admin', 'director', 'deputy'] as const) {
    const r = await w.as[role].get(q1(w))
    t.equal(r.statusCode, 200, `${role}: 200`)
    t.match(r.body, '5Б', `${role}: the whole school`)
    t.match(r.body, '>Вся школа<')
  }
  for (const role of ['scheduler', 'clerk', 'student', 'parent'] as const) {
    for (const suffix of ['', '.csv', '.xlsx']) {
      t.equal((await w.as[role].get(q1(w).replace('curriculum?', `curriculum${suffix}?`))).statusCode, 403, `${role}${suffix}: 403`)
    }
  }
  const anon = await w.as.anonymous.get(q1(w))
  t.equal(anon.statusCode, 302, 'anonymous: to the login')
  t.match(String(anon.headers.location), '/login')

  const csvOf = async (role: 'teacher' | 'classTeacher' | 'teacher2', more = '') => {
    const r = await w.as[role].get(q1(w, more).replace('curriculum?', 'curriculum.csv?'))
    t.equal(r.statusCode, 200, `${role}: 200`)
    return parseReportCsv(r.rawPayload)
  }

  // The maths teacher: her two pages, her own row; nobody else's figures.
  const teacher = await csvOf('teacher')
  t.same(tableRows(teacher, 'По классам и предметам'), [PAGES[0], PAGES[3]], 'teacher: her pages only')
  t.same(tableRows(teacher, 'По учителям'), [TEACHERS[2]], 'teacher: her own row only')
  t.same(tableRows(teacher, 'По классам').at(-1), ['Итого', '80', '5', '−75', '6,3 %'], 'teacher: her total, not the school')
  const other = await w.as.teacher.get(q1(w, `&teacher=${w.s.u.classTeacher.personId}`))
  t.equal(other.statusCode, 400, 'teacher: another teacher is not offered')

  // The class teacher of 5А: every page of 5А (whoever teaches it), none of 5Б; only her own teacher row.
  const ct = await csvOf('classTeacher')
  t.same(tableRows(ct, 'По классам и предметам'), PAGES.slice(0, 3), 'class teacher: all of 5А, nothing of 5Б')
  t.same(tableRows(ct, 'По учителям'), [TEACHERS[1]], 'class teacher: her own row only')
  t.notOk(ct.flat().some((c) => c.includes('Дёмин') || c.includes('5Б')), 'class teacher: no trace of 5Б')
  t.equal((await w.as.classTeacher.get(q1(w, `&class=${w.s.c5b}`))).statusCode, 400, 'class teacher: 5Б is not offered')

  // teacher2: her subgroup page; her substitution in 5Б shows in her own row only.
  const t2 = await csvOf('teacher2')
  t.same(tableRows(t2, 'По классам и предметам'), [PAGES[2]], 'teacher2: her subgroup, not the 5Б lesson she substituted')
  t.same(tableRows(t2, 'По учителям'), [TEACHERS[0]], 'teacher2: the substitution counted for her')
})

t.test('R-REP-5 a running period: the plan to date shows the lag now', async (t) => {
  const w = await world(t, [])
  const { s, db } = w
  const math = { cls: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId }
  // Q2 05.11–28.12: 2 + 35 + 1 = 38 days = 7,6 weeks → maths 38, Russian 30 (30,4), English 15 (15,2), 5Б maths 38.
  // To Wed 18.11: 05.11, 06.11, 09–13.11, 16–18.11 = 10 days = 2 weeks → maths 10, Russian 8, English 4.
  for (const d of ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-16', '2026-11-17']) await addLesson(db, s, { ...math, date: d })
  await addLesson(db, s, { ...math, date: '2026-11-19' }) // tomorrow: not held yet
  const today = '2026-11-18'
  const user = (await loadCurrentUser(db, s.u.deputy.userId!))!
  const scope = reportScope(user)
  const year = await db.selectFrom('academic_years').selectAll().where('id', '=', s.year).executeTakeFirstOrThrow()
  const choices = await filterChoices(db, scope, year)
  const query = { range: 'period', period: String(s.periods.q2) }
  const { range } = parseRange(query, curriculumReport.ranges, year, choices.periods, today)
  const report = (await curriculumReport.build(db, { user, scope, filters: { year, range, ...parseNarrowing(query, choices).value }, choices, today, query }))!
  const rows = reportText(report)
  t.match(report.subtitle, '2 четверть 2026/2027, данные на 18.11.2026')
  t.same(rows.find((r) => r[0] === 'Класс'), ['Класс', 'Предмет', 'Учитель', 'В неделю, ч', 'План, ч', 'План на 18.11, ч', 'Проведено, ч', 'Разница, ч', 'Выполнено, %', 'По КТП'])
  t.same(tableRows(rows, 'По классам и предметам'), [
    // 7 held of 10 to date: 3 behind, 70 %.
    ['5А', 'Математика', 'Математикова А. И.', '5', '38', '10', '7', '−3', '70,0 %', ''],
    ['5А', 'Русский язык', 'Классная М. П.', '4', '30', '8', '0', '−8', '0,0 %', ''],
    ['5А', 'Английский язык, 1 гр.', 'Англичанова О. С.', '2', '15', '4', '0', '−4', '0,0 %', ''],
    ['5Б', 'Математика', 'Математикова А. И.', '5', '38', '10', '0', '−10', '0,0 %', ''],
  ])
  // 38 + 30 + 15 + 38 = 121 planned; 10 + 8 + 4 + 10 = 32 to date; 7 held: 21,9 %.
  t.same(tableRows(rows, 'По классам').at(-1), ['Вся школа', '121', '32', '7', '−25', '21,9 %'])
  t.same(tableRows(rows, 'По учителям').find((r) => r[0] === 'Математикова Анна Ивановна'),
    ['Математикова Анна Ивановна', '76', '20', '7', '0', '−13', '35,0 %', '7', '0'])
  t.ok(report.notes?.some((n) => n.startsWith('План на 18.11.2026 — то же по сегодняшний день')), 'the note explains the plan to date')
})

t.test('R-REP-5 holidays of one grade and a six-day week change the plan', async (t) => {
  const w = await world(t, ['deputy'])
  const { s, db } = w
  // An extra week of holidays for the fifth grade in Q1 (Mon 12.10 – Sun 18.10): 35 days = 7 weeks → maths 35.
  await db.insertInto('holidays').values({ year_id: s.year, name: 'Карантин', starts_on: '2026-10-12', ends_on: '2026-10-18', grade_from: 5, grade_to: 5 }).execute()
  // 5Б studies on Saturdays: 35 weekdays + 7 Saturdays (05.09 … 24.10 but 17.10) = 42 days / 6 = 7 weeks — the same.
  await db.insertInto('timetable_slots').values({ year_id: s.year, class_id: s.c5b, subject_id: s.subjects.math, teacher_id: s.u.teacher.personId, weekday: 6, lesson_number: 1, valid_from: '2026-09-01' }).execute()
  // A one-day holiday on Saturday 03.10 for everyone: nothing for 5А; 41 / 6 = 6,83 weeks for 5Б → 5 × 6,83 = 34,2 → 34.
  await db.insertInto('holidays').values({ year_id: s.year, name: 'День учителя', starts_on: '2026-10-03', ends_on: '2026-10-03' }).execute()
  const rows = parseReportCsv((await w.as.deputy.get(q1(w).replace('curriculum?', 'curriculum.csv?'))).rawPayload)
  const pages = tableRows(rows, 'По классам и предметам')
  t.same(pages.find((r) => r[0] === '5А' && r[1] === 'Математика')?.slice(3, 5), ['5', '35'], '5А: a week of holidays less')
  t.same(pages.find((r) => r[0] === '5Б')?.slice(3, 5), ['5', '34'], '5Б: its Saturday holiday counts too')
})
