// The missed-lessons and failures report (R-REP-4) over HTTP: a hand-made second quarter whose every figure is
// counted in the comments, the same figures on the page, in the .csv, the .xlsx and the PDF, and who sees what
// (R-REP-6): every role, a teacher only their lessons, a class teacher their class.
import t from 'tap'
import { world, addLesson, addMark, addAbsence, parseReportCsv, xlsxSheets, pdfText, linesWith, ROLE_NAMES, type World } from './reports.seed.js'
import { pdfInfo } from './summary.seed.js'
import { makePerson } from './helper.js'

const URL = '/reports/debts'

/**
 * The second quarter (05.11–28.12.2026). 5А: Антонов, Борисова, Волков, Галкина, and Жуков who arrives on 16.11;
 * 5Б: Дёмин, and Егорова who leaves on 14.11. English is taught to the subgroup Антонов + Борисова.
 */
async function data(w: World) {
  const { db, s } = w
  const { math, russian, english } = s.subjects
  const teacher = s.u.teacher.personId, ct = s.u.classTeacher.personId, t2 = s.u.teacher2.personId
  const [a0, a1, a2, a3] = s.a
  const [b0, b1] = s.b
  const a4 = (await makePerson(db, { roles: ['student'], login: null, last: 'Жуков', first: 'Захар' })).personId
  await db.insertInto('enrollments').values({ student_id: a4, class_id: s.c5a, from_date: '2026-11-16', reason_in: 'arrival' }).execute()
  await db.updateTable('enrollments').set({ to_date: '2026-11-14', reason_out: 'departure' }).where('student_id', '=', b1).execute()
  const plan = (await db.insertInto('plan_topics').values({ year_id: s.year, subject_id: russian, grade: 5, number: 7, title: 'Деепричастие', hours: 1 })
    .returning('id').executeTakeFirstOrThrow()).id

  const L = {
    m10: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-10', topic: 'Дроби' }),
    m12: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-12' }), // no topic written
    r11: await addLesson(db, s, { cls: s.c5a, subject: russian, teacher: ct, date: '2026-11-11', number: 3, topic: 'Причастие' }),
    e13: await addLesson(db, s, { group: s.g5aEng, subject: english, teacher: t2, date: '2026-11-13', number: 4, topic: 'Present Simple' }),
    r24: await addLesson(db, s, { cls: s.c5a, subject: russian, teacher: ct, date: '2026-11-24', number: 3, planTopic: plan }), // the КТП topic only
    cancelled: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-19', topic: 'Отменён', status: 'cancelled' }),
    moved: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-20', topic: 'Перенесён', status: 'moved' }),
    q1: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-10-20', topic: 'Делимость' }),
    bm10: await addLesson(db, s, { cls: s.c5b, subject: math, teacher, date: '2026-11-10', number: 3, topic: 'Дроби' }),
    bm17: await addLesson(db, s, { cls: s.c5b, subject: math, teacher, substitute: ct, date: '2026-11-17', number: 3, topic: 'Сравнение дробей' }),
    // marks
    m16: await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-16', topic: 'Сложение дробей' }),
    r18: await addLesson(db, s, { cls: s.c5a, subject: russian, teacher: ct, date: '2026-11-18', number: 3, topic: 'Диктант «Осень»' }),
    e20: await addLesson(db, s, { group: s.g5aEng, subject: english, teacher: t2, date: '2026-11-20', number: 4, topic: 'Present Continuous' }),
    bm16: await addLesson(db, s, { cls: s.c5b, subject: math, teacher, date: '2026-11-16', number: 3, topic: 'Сложение дробей' }),
  }
  // Missed lessons counted: Антонов 3 (illness 2, valid 1), Борисова 2 (invalid 1, not stated 1), Галкина 1 (not
  // stated), Жуков 1 (illness) → 5А: 7 = illness 3 + valid 1 + invalid 1 + not stated 2, 4 students.
  // Дёмин 1 (invalid), Егорова 1 (valid) → 5Б: 2, 2 students.
  await addAbsence(db, L.m10, a0, 'illness')
  await addAbsence(db, L.r11, a0, 'illness')
  await addAbsence(db, L.e13, a0, 'valid')
  await addAbsence(db, L.m12, a1, 'invalid')
  await addAbsence(db, L.e13, a1, null)
  await addAbsence(db, L.r24, a3, null)
  await addAbsence(db, L.r24, a4, 'illness')
  await addAbsence(db, L.bm17, b0, 'invalid')
  await addAbsence(db, L.bm10, b1, 'valid')
  // Not counted: a cancelled and a moved lesson; the first quarter; Жуков before he arrived; Егорова after she
  // left; Волков in the English subgroup he is not in.
  await addAbsence(db, L.cancelled, a2, 'illness')
  await addAbsence(db, L.moved, a2, 'illness')
  await addAbsence(db, L.q1, a0, 'illness')
  await addAbsence(db, L.r11, a4, 'illness')
  await addAbsence(db, L.bm17, b1, 'illness')
  await addAbsence(db, L.e13, a2, 'illness')

  // Unsatisfactory marks counted: Антонов 2 (2 and 1), Борисова 2 (2/3 and 1), Волков 1 (3/2), Галкина 1 (5/2)
  // → 5А: 6 marks, 4 students; Дёмин 1 → 5Б: 1 mark, 1 student.
  await addMark(db, s, L.m16, a0, '2')
  await addMark(db, s, L.m16, a0, '1', { column: 2, kind: s.kinds.test })
  await addMark(db, s, L.m16, a1, '2/3')
  await addMark(db, s, L.m16, a2, '3')
  await addMark(db, s, L.m16, a3, '5/2')
  await addMark(db, s, L.r18, a1, '4/5', { kind: s.kinds.test })
  await addMark(db, s, L.r18, a2, '3/2', { kind: s.kinds.test })
  await addMark(db, s, L.e20, a1, '1')
  await addMark(db, s, L.bm16, b0, '2')
  // Not counted: Егорова after she left; a mark in a cancelled lesson.
  await addMark(db, s, L.bm16, b1, '2')
  await addMark(db, s, L.cancelled, a3, '2')
  return { L, a4 }
}

/** The rows of the report tables on the page, as text cells (headings included), in order. */
function pageRows(html: string): string[][] {
  const out: string[][] = []
  const body = html.slice(html.indexOf('<main'))
  for (const tr of body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)) {
    out.push([...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim()))
  }
  return out
}

/** A list's row for one lesson (not a heading, not the summary): its second cell is a date. */
const isLine = (r: string[]) => /^\d\d\.\d\d\.\d{4}$/.test(r[1] ?? '')

const q2 = (w: World, extra = '') => `${URL}?range=period&period=${w.s.periods.q2}${extra}`

const SUMMARY_HEAD = ['Класс', 'Учеников', 'Пропущено уроков', 'по болезни', 'уважит.', 'неуважит.', 'не указана', 'С пропусками', '«2» и «1»', 'С «2» и «1»']
// 5А: 5 students (Жуков arrived within the quarter); 7 missed = 3 + 1 + 1 + 2; 4 students; 6 marks, 4 students.
const ROW_5A = ['5А', '5', '7', '3', '1', '1', '2', '4', '6', '4']
// 5Б: 2 students (Егорова left within it); 2 missed = valid 1 + invalid 1; 2 students; 1 mark, 1 student.
const ROW_5B = ['5Б', '2', '2', '0', '1', '1', '0', '2', '1', '1']
// Всего: 7 students, 9 missed = 3 + 2 + 2 + 2, 6 students; 7 marks, 5 students.
const ROW_ALL = ['Всего', '7', '9', '3', '2', '2', '2', '6', '7', '5']

const MISSED_5A = [
  ['Ученик', 'Дата', 'Предмет', 'Тема урока', 'Причина', 'Учитель'],
  ['Антонов Артём Петрович, 5А', '', '', 'Пропущено уроков: 3 (по болезни — 2, по уважительной — 1)', '', ''],
  ['Антонов А. П.', '10.11.2026', 'Математика', 'Дроби', 'по болезни', 'Математикова А. И.'],
  ['Антонов А. П.', '11.11.2026', 'Русский язык', 'Причастие', 'по болезни', 'Классная М. П.'],
  ['Антонов А. П.', '13.11.2026', 'Английский язык', 'Present Simple', 'уважительная', 'Англичанова О. С.'],
  ['Борисова Вера Петрович, 5А', '', '', 'Пропущено уроков: 2 (без уважительной — 1, не указана — 1)', '', ''],
  ['Борисова В. П.', '12.11.2026', 'Математика', 'тема не записана', 'неуважительная', 'Математикова А. И.'],
  ['Борисова В. П.', '13.11.2026', 'Английский язык', 'Present Simple', 'не указана', 'Англичанова О. С.'],
  ['Галкина Дарья Петрович, 5А', '', '', 'Пропущено уроков: 1 (не указана — 1)', '', ''],
  ['Галкина Д. П.', '24.11.2026', 'Русский язык', 'Деепричастие', 'не указана', 'Классная М. П.'],
  ['Жуков Захар Петрович, 5А', '', '', 'Пропущено уроков: 1 (по болезни — 1)', '', ''],
  ['Жуков З. П.', '24.11.2026', 'Русский язык', 'Деепричастие', 'по болезни', 'Классная М. П.'],
]

const FAILING_5A = [
  ['Ученик', 'Дата', 'Предмет', 'Тема урока', 'Отметка', 'Вид работы', 'Учитель'],
  ['Антонов Артём Петрович, 5А', '', '', 'Отметок «2» и «1»: 2', '', '', ''],
  ['Антонов А. П.', '16.11.2026', 'Математика', 'Сложение дробей', '2', 'Ответ на уроке', 'Математикова А. И.'],
  ['Антонов А. П.', '16.11.2026', 'Математика', 'Сложение дробей', '1', 'Контрольная работа', 'Математикова А. И.'],
  ['Борисова Вера Петрович, 5А', '', '', 'Отметок «2» и «1»: 2', '', '', ''],
  ['Борисова В. П.', '16.11.2026', 'Математика', 'Сложение дробей', '2/3', 'Ответ на уроке', 'Математикова А. И.'],
  ['Борисова В. П.', '20.11.2026', 'Английский язык', 'Present Continuous', '1', 'Ответ на уроке', 'Англичанова О. С.'],
  ['Волков Глеб Петрович, 5А', '', '', 'Отметок «2» и «1»: 1', '', '', ''],
  ['Волков Г. П.', '18.11.2026', 'Русский язык', 'Диктант «Осень»', '3/2', 'Контрольная работа', 'Классная М. П.'],
  ['Галкина Дарья Петрович, 5А', '', '', 'Отметок «2» и «1»: 1', '', '', ''],
  ['Галкина Д. П.', '16.11.2026', 'Математика', 'Сложение дробей', '5/2', 'Ответ на уроке', 'Математикова А. И.'],
]

t.test('R-REP-4, R-REP-6: who reaches the report and its exports', async (t) => {
  const w = await world(t)
  await data(w)
  const ok = new Set(['admin', 'director', 'deputy', 'teacher', 'classTeacher', 'teacher2'])
  for (const role of ROLE_NAMES) {
    for (const suffix of ['', '.csv', '.xlsx']) {
      const r = await w.as[role].get(`${URL}${suffix}?range=period&period=${w.s.periods.q2}`)
      if (role === 'anonymous') {
        t.equal(r.statusCode, 302, `${role} ${suffix || 'page'}: to the login form`)
        t.match(r.headers.location, '/login')
      } else t.equal(r.statusCode, ok.has(role) ? 200 : 403, `${role} ${suffix || 'page'}`)
      if (!ok.has(role)) t.notMatch(r.body, 'Борисова', `${role} sees no one’s data`)
    }
  }
  const list = await w.as.deputy.get('/reports')
  t.match(list.body, 'href="/reports/debts"', 'listed on the reports page')
})

t.test('R-REP-4: school-wide, the summary by class with links to each class’s lists', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const r = await w.as.deputy.get(q2(w))
  t.equal(r.statusCode, 200)
  const rows = pageRows(r.body)
  t.same(rows, [SUMMARY_HEAD, ROW_5A, ROW_5B, ROW_ALL])
  t.match(r.body, `href="${URL}?year=${w.s.year}&amp;range=period&amp;period=${w.s.periods.q2}&amp;class=${w.s.c5a}"`, '5А links to its lists')
  t.match(r.body, 'Списки по ученикам составляются по классу')
  t.notMatch(r.body, 'Антонов', 'no names school-wide')
  t.match(r.body, '2 четверть 2026/2027')
})

t.test('R-REP-4: one class — the missed lessons with topics and reasons, the 2s and 1s with topics, on page, CSV, XLSX and PDF', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  const url = q2(w, `&class=${w.s.c5a}`)
  const page = await w.as.deputy.get(url)
  t.equal(page.statusCode, 200)
  t.same(pageRows(page.body), [SUMMARY_HEAD, ROW_5A, ...MISSED_5A, ...FAILING_5A], 'page: summary, missed lessons, marks')
  t.match(page.body, '2 четверть 2026/2027, класс 5А')
  for (const note of ['отменённые и перенесённые уроки не считаются', 'если одна из её частей — «2» или «1»']) t.match(page.body, note)
  for (const gone of ['Отменён', 'Перенесён', 'Делимость', 'Волков Глеб Петрович, 5А</td><td></td><td></td><td>Пропущено']) t.notMatch(page.body, gone)
  t.match(page.body, '<tr class="strong"><td>Антонов Артём Петрович, 5А</td>', 'a student’s heading row is bold')

  const csv = await w.as.deputy.get(url.replace(URL, `${URL}.csv`))
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], 'text/csv')
  const rows = parseReportCsv(csv.rawPayload)
  const at = (title: string) => rows.findIndex((r) => r[0] === title)
  t.same(rows[0], ['Пропуски уроков и неудовлетворительные отметки'])
  t.same(rows[1], ['2 четверть 2026/2027, класс 5А'])
  t.same(rows.slice(at('Итоги по классам') + 1, at('Итоги по классам') + 3), [SUMMARY_HEAD, ROW_5A])
  t.same(rows.slice(at('Пропущенные уроки') + 1, at('Пропущенные уроки') + 1 + MISSED_5A.length), MISSED_5A)
  t.same(rows.slice(at('Неудовлетворительные отметки') + 1, at('Неудовлетворительные отметки') + 1 + FAILING_5A.length), FAILING_5A)

  const xlsx = await w.as.deputy.get(url.replace(URL, `${URL}.xlsx`))
  t.equal(xlsx.statusCode, 200)
  const sheets = await xlsxSheets(xlsx.rawPayload)
  t.same(Object.keys(sheets), ['Итоги по классам', 'Пропущенные уроки', 'Неудовлетворительные отметки'])
  const summary = sheets['Итоги по классам']
  t.same(summary[summary.findIndex((r) => r[0] === '5А')], ['5А', 5, 7, 3, 1, 1, 2, 4, 6, 4], 'counts are numbers in Excel')
  const missed = sheets['Пропущенные уроки'].map((r) => r.map((c) => c ?? ''))
  const head = missed.findIndex((r) => r[0] === 'Ученик')
  t.same(missed.slice(head, head + MISSED_5A.length), MISSED_5A)
  const failing = sheets['Неудовлетворительные отметки'].map((r) => r.map((c) => c ?? ''))
  const fh = failing.findIndex((r) => r[0] === 'Ученик')
  t.same(failing.slice(fh, fh + FAILING_5A.length), FAILING_5A)

  const pdf = await w.as.deputy.get(url.replace(URL, `${URL}.pdf`))
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const info = pdfInfo(pdf.rawPayload)
  t.ok(info.width > info.height, 'landscape pages')
  const text = pdfText(pdf.rawPayload, t.testdir({}))
  const flat = text.replace(/\s+/g, ' ')
  t.match(flat, '5А 5 7 3 1 1 2 4 6 4', 'the summary line')
  t.match(flat, 'Пропущено уроков: 3 (по болезни — 2, по')
  const lines: string[][] = [
    ['Антонов А. П.', '10.11.2026', 'Математика', 'Дроби', 'по болезни'],
    ['Борисова В. П.', '12.11.2026', 'Математика', 'тема не записана', 'неуважительная'],
    ['Галкина Д. П.', '24.11.2026', 'Русский язык', 'Деепричастие', 'не указана', 'Классная М. П.'],
    ['Борисова В. П.', '16.11.2026', 'Математика', 'Сложение дробей', '2/3', 'Ответ на уроке'],
    ['Волков Г. П.', '18.11.2026', 'Русский язык', 'Диктант «Осень»', '3/2', 'Контрольная работа'],
  ]
  for (const l of lines) t.equal(linesWith(text, ...l).length, 1, `PDF: ${l.join(' ')}`)
})

t.test('R-REP-4: the range and the subject narrow the lists', async (t) => {
  const w = await world(t, ['deputy'])
  await data(w)
  // The whole year adds the first-quarter lesson Антонов missed: 4 = illness 3 + valid 1.
  const year = pageRows((await w.as.deputy.get(`${URL}?range=year&class=${w.s.c5a}`)).body)
  t.same(year[1], ['5А', '5', '8', '4', '1', '1', '2', '4', '6', '4'])
  t.same(year.find((r) => r[0].startsWith('Антонов') && r[3].startsWith('Пропущено')), ['Антонов Артём Петрович, 5А', '', '', 'Пропущено уроков: 4 (по болезни — 3, по уважительной — 1)', '', ''])
  t.ok(year.some((r) => r[3] === 'Делимость'))
  // Russian only: Антонов 11.11, Галкина and Жуков 24.11 (illness 2, not stated 1); Волков’s 3/2.
  const ru = await w.as.deputy.get(q2(w, `&class=${w.s.c5a}&subject=${w.s.subjects.russian}`))
  const rows = pageRows(ru.body)
  t.same(rows[1], ['5А', '5', '3', '2', '0', '0', '1', '3', '1', '1'])
  t.same(rows.filter(isLine).map((r) => `${r[1]} ${r[2]}`), [
    '11.11.2026 Русский язык', '24.11.2026 Русский язык', '24.11.2026 Русский язык', '18.11.2026 Русский язык',
  ])
  t.match(ru.body, 'класс 5А, предмет: Русский язык')
  // A week without lessons: empty tables say so.
  const empty = await w.as.deputy.get(`${URL}?range=week&week=07.12.2026&class=${w.s.c5a}`)
  t.match(empty.body, 'Пропущенных уроков нет.')
  t.match(empty.body, 'Неудовлетворительных отметок нет.')
  const bad = await w.as.deputy.get(`${URL}?range=week&week=31.02.2026`)
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'ДД.ММ.ГГГГ')
})

t.test('R-REP-6: a teacher sees only the lessons they taught; a class teacher their class, not 5Б', async (t) => {
  const w = await world(t, ['teacher', 'classTeacher', 'teacher2'])
  await data(w)

  // Mathematics (5А and 5Б, the substituted 17.11 lesson included): Антонов 10.11, Борисова 12.11, Дёмин 17.11,
  // Егорова 10.11; marks of 16.11 in both classes.
  const mt = await w.as.teacher.get(q2(w))
  const mrows = pageRows(mt.body)
  t.same(mrows.slice(1, 3), [['5А', '5', '2', '1', '0', '1', '0', '2', '4', '3'], ['5Б', '2', '2', '0', '1', '1', '0', '2', '1', '1']])
  t.same(mrows.filter(isLine).map((r) => r[2]).filter((s, i, a) => a.indexOf(s) === i), ['Математика'], 'only mathematics')
  t.match(mt.body, 'Показаны только уроки, которые вы вели')
  t.notMatch(mt.body, 'Причастие')
  t.notMatch(mt.body, 'Present')
  t.equal((await w.as.teacher.get(q2(w, `&class=${w.s.c5a}`))).statusCode, 400, 'no class filter outside the classes one leads')
  // The report offers no teacher filter: one in the URL is not applied, and the teacher still sees only their own.
  const other = await w.as.teacher.get(q2(w, `&teacher=${w.s.u.classTeacher.personId}`))
  t.equal(other.statusCode, 200, 'a teacher filter the report does not offer is ignored')
  t.same(pageRows(other.body), mrows, 'nor does it show another teacher')

  // English (the subgroup): Антонов and Борисова on 13.11 (not Волков, who is not in it); Борисова’s 1.
  const en = pageRows((await w.as.teacher2.get(q2(w))).body)
  t.same(en[1], ['5А', '5', '2', '0', '1', '0', '1', '2', '1', '1'])
  t.equal(en.length, 2 + 1 + 4 + 1 + 2, 'summary (head, 5А), missed (head, 2 students × 2 rows), marks (head, 1 student × 2 rows)')

  // Class teacher of 5А: all of 5А in every subject, plus the 5Б lesson she taught as a substitute (Дёмин) — but
  // not Егорова’s mathematics lesson in 5Б, nor Дёмин’s 2 in it.
  const cr = await w.as.classTeacher.get(q2(w))
  const crows = pageRows(cr.body)
  t.same(crows.slice(1, 3), [ROW_5A, ['5Б', '2', '1', '0', '0', '1', '0', '1', '0', '0']])
  t.ok(crows.some((r) => r[0] === 'Дёмин Евгений Петрович, 5Б'))
  t.notMatch(cr.body, 'Егорова')
  t.match(cr.body, 'и все уроки учеников вашего класса')
  const own = await w.as.classTeacher.get(q2(w, `&class=${w.s.c5a}`))
  t.equal(own.statusCode, 200)
  t.same(pageRows(own.body), [SUMMARY_HEAD, ROW_5A, ...MISSED_5A, ...FAILING_5A], 'her class as the deputy sees it')
  t.equal((await w.as.classTeacher.get(q2(w, `&class=${w.s.c5b}`))).statusCode, 400, 'not 5Б')
  const csv = parseReportCsv((await w.as.classTeacher.get(`${URL}.csv?range=period&period=${w.s.periods.q2}`)).rawPayload)
  t.notOk(csv.flat().some((c) => c.includes('Егорова')), 'nor in the export')
})
