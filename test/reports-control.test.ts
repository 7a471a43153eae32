// The journal-keeping control report and its drill-down (R-REP-1, R-REP-6; R-J-7, R-J-8): the figures of a week
// counted by hand (see reports-control.seed.ts), the same on the page, in the .csv, the .xlsx and the PDF, and
// each shortfall leading to exactly the lessons behind it.
import t from 'tap'
import { world, addLesson, parseReportCsv, xlsxSheets, pdfText, linesWith, type World } from './reports.seed.js'
import { controlWeek, csvTables, TITLES, WEEK } from './reports-control.seed.js'
import { controlReport } from '../src/features/reports/control.report.js'
import { controlLessonsReport, MAX_LESSONS } from '../src/features/reports/control-lessons.report.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { reportScope } from '../src/features/reports/reports.scope.js'
import { filterChoices, parseNarrowing, parseRange } from '../src/features/reports/reports.filters.js'
import type { ReportDef } from '../src/features/reports/reports.routes.js'

const unescape = (s: string) => s.replace(/&nbsp;/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The report tables of a page as rows of cell texts (heading rows included), and the links of each row. */
function htmlTables(body: string): { cells: string[]; links: (string | null)[] }[][] {
  return [...body.matchAll(/<table class="list report">([\s\S]*?)<\/table>/g)].map((m) =>
    [...m[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => {
      const tds = [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1])
      return { cells: tds.map((c) => unescape(c.replace(/<[^>]+>/g, '')).trim()), links: tds.map((c) => /href="([^"]+)"/.exec(c)?.[1] ?? null).map((h) => (h ? unescape(h) : null)) }
    }))
}

const find = (rows: string[][], ...cells: string[]) => rows.find((r) => cells.every((c, i) => r[i] === c))

const Q = `range=week&week=${WEEK}`

async function setup(t: Parameters<typeof world>[0], roles: Parameters<typeof world>[1] = ['deputy']) {
  const w = await world(t, roles)
  const l = await controlWeek(w.db, w.s)
  return { w, l }
}

t.test('R-REP-1: a week\'s figures per teacher × class × subject, per subject and per class, counted by hand', async (t) => {
  const { w } = await setup(t)
  const { teachers, pages, classes } = csvTables((await w.as.deputy.get(`/reports/control.csv?${Q}`)).rawPayload)
  // teacher, class, subject, lessons held, with topic, with homework, homework on time, marks in time, attendance
  // (the arithmetic is in reports-control.seed.ts).
  t.same(find(teachers, 'Математикова А. И.', '5А'), ['Математикова А. И.', '5А', 'Математика', '5', '80,0 %', '60,0 %', '40,0 %', '71,4 %', '75,0 %'])
  t.same(find(teachers, 'Математикова А. И.', '5Б'), ['Математикова А. И.', '5Б', 'Математика', '1', '100,0 %', '100,0 %', '0,0 %', '100,0 %', '100,0 %'],
    '5Б ends its day at 09:15: homework at 12:00 is past 11:15')
  t.same(find(teachers, 'Классная М. П.'), ['Классная М. П.', '5А', 'Русский язык', '1', '100,0 %', '100,0 %', '100,0 %', '—', '100,0 %'],
    'no marks: «—» for marks in time')
  t.same(find(teachers, 'Англичанова О. С.', '5А', 'Русский язык'), ['Англичанова О. С.', '5А', 'Русский язык', '1', '0,0 %', '0,0 %', '0,0 %', '—', '0,0 %'],
    'R-REP-5: the substituted lesson counts for the substitute')
  t.same(find(teachers, 'Англичанова О. С.', '5А, Английский язык, 1 гр.'),
    ['Англичанова О. С.', '5А, Английский язык, 1 гр.', 'Английский язык', '1', '100,0 %', '100,0 %', '100,0 %', '100,0 %', '100,0 %'],
    'a subgroup lesson; the class\'s day ends with this lesson 4 (12:10 → 14:10)')
  // 9 lessons: topic 7, homework 6, on time 4 (M1, M5, R1, E1), marks 10 with 2 late, attendance 6 of 8.
  t.same(find(teachers, 'Итого'), ['Итого', '', '', '9', '77,8 %', '66,7 %', '44,4 %', '80,0 %', '75,0 %'])
  t.equal(teachers.length, 6, 'five rows and the total: the cancelled and the moved lesson are not held')

  // class, subject, teachers, students, none, one, marks per student-lesson, 4+ lessons without, КТП done, behind
  t.same(pages, [
    ['5А', 'Математика', 'Математикова А. И.', '4', '1', '1', '35,0 %', '1', '2', '1'],
    ['5А', 'Русский язык', 'Англичанова О. С., Классная М. П.', '4', '4', '0', '0,0 %', '0', '—', '—'],
    ['5А, Английский язык, 1 гр.', 'Английский язык', 'Англичанова О. С.', '2', '0', '2', '100,0 %', '0', '—', '—'],
    ['5Б', 'Математика', 'Математикова А. И.', '2', '1', '1', '50,0 %', '0', '0', '1'],
  ], 'a subject\'s students whoever gave its lessons; a subgroup: its members only; no КТП loaded: «—»')

  // 5А: 8 lessons, topic 6, homework 5, on time 4, marks 9 (2 late), attendance 5 of 7; students short in any
  // subject: none — all 4 (Russian has no marks), one — Волков (maths), Антонов and Борисова (English); maths behind.
  t.same(classes, [
    ['5А', '8', '75,0 %', '62,5 %', '50,0 %', '77,8 %', '71,4 %', '4', '4', '3', '1'],
    ['5Б', '1', '100,0 %', '100,0 %', '0,0 %', '100,0 %', '100,0 %', '2', '1', '1', '1'],
  ])
})

t.test('R-REP-6: the page, the .csv, the .xlsx and the PDF show the same figures', async (t) => {
  const { w } = await setup(t)
  const page = await w.as.deputy.get(`/reports/control?${Q}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'неделя 09.11.2026–15.11.2026')
  t.match(page.body, 'посещаемость считается отмеченной, если на уроке есть «н» или запись урока сохранена', 'the note says what «attendance recorded» can mean')
  const html = htmlTables(page.body).map((tb) => tb.map((r) => r.cells))
  const csv = csvTables((await w.as.deputy.get(`/reports/control.csv?${Q}`)).rawPayload).all
  t.equal(html.length, 3)
  t.same(html, csv, 'every cell of the three tables, headings included')

  const xlsx = await xlsxSheets((await w.as.deputy.get(`/reports/control.xlsx?${Q}`)).rawPayload)
  t.same(Object.keys(xlsx), [TITLES.teachers, TITLES.pages, TITLES.classes])
  t.same(xlsx[TITLES.teachers].find((r) => r[0] === 'Математикова А. И.' && r[1] === '5А'), ['Математикова А. И.', '5А', 'Математика', 5, 80, 60, 40, 71.4, 75],
    'numbers stay numbers')
  t.same(xlsx[TITLES.pages].find((r) => r[0] === '5А' && r[1] === 'Математика'), ['5А', 'Математика', 'Математикова А. И.', 4, 1, 1, 35, 1, 2, 1])
  t.same(xlsx[TITLES.classes].find((r) => r[0] === '5А'), ['5А', 8, 75, 62.5, 50, 77.8, 71.4, 4, 4, 3, 1])

  const pdf = await w.as.deputy.get(`/reports/control.pdf?${Q}`)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const text = pdfText(pdf.rawPayload, t.testdir())
  t.match(text, 'Контроль ведения журнала')
  t.ok(linesWith(text, 'Итого', '77,8 %', '66,7 %', '44,4 %', '80,0 %', '75,0 %').length, 'the total row, as on the page')
  t.ok(linesWith(text, 'Математикова', '5', '80,0 %', '60,0 %', '40,0 %', '71,4 %', '75,0 %').length, 'the maths 5А row, as on the page')
  t.ok(linesWith(text, '5А', 'Математика', '35,0 %').length, 'the maths 5А subject row')
  t.ok(linesWith(text, '5А', '8', '75,0 %', '62,5 %', '50,0 %', '77,8 %', '71,4 %').length, 'the 5А class row, as on the page')
})

t.test('R-REP-1: a figure leads to the lessons behind it', async (t) => {
  const { w, l } = await setup(t)
  const tables = htmlTables((await w.as.deputy.get(`/reports/control?${Q}`)).body)
  const maths = tables[0].find((r) => r.cells[0] === 'Математикова А. И.' && r.cells[1] === '5А')!
  const [held, topic, homework, onTime, marks, attendance] = maths.links.slice(3, 9)
  const listed = async (href: string | null) => {
    t.ok(href, 'the figure is a link')
    const res = await w.as.deputy.get(href!)
    t.equal(res.statusCode, 200, href!)
    const rows = htmlTables(res.body)[0] ?? []
    return { res, rows: rows.slice(1).map((r) => r.cells), links: rows.slice(1).map((r) => r.links[0]) }
  }
  const all = await listed(held)
  t.same(all.rows.map((r) => r[0]), ['09.11.2026', '10.11.2026', '11.11.2026', '12.11.2026', '13.11.2026'], '«held»: the five lessons, not 5Б\'s')
  t.same(all.links, [l.m1, l.m2, l.m3, l.m4, l.m5].map((id) => `/journal/lessons/${id}`), 'each date opens the lesson in the journal')
  t.match(all.res.body, 'Все проведённые уроки')
  t.match(all.res.body, 'Уроков: 5')
  // Columns: date, lesson, class, subject, teacher, topic, topic entered, homework, homework entered, marks, late, missing.
  t.same(all.rows[1], ['10.11.2026', '2', '5А', 'Математика', 'Математикова А. И.', 'Сложение дробей', '10.11.2026 12:00', '№ 2', '10.11.2026 14:00', '2', '1',
    'ДЗ записано не вовремя; отметки позже срока'])
  t.same(all.rows[2].slice(9), ['0', '0', 'нет темы; нет ДЗ; посещаемость не отмечена'])
  t.same(all.rows[0].slice(11), ['всё заполнено'])

  t.same((await listed(topic)).rows.map((r) => r[0]), ['11.11.2026'], '80 % with topic: M3 lacks it')
  t.same((await listed(homework)).rows.map((r) => r[0]), ['11.11.2026', '12.11.2026'], '60 % with homework: M3 and M4 lack it')
  t.same((await listed(onTime)).rows.map((r) => r[0]), ['10.11.2026'], 'homework written late: M2 (14:00 > 13:15)')
  const late = await listed(marks)
  t.same(late.rows.map((r) => [r[0], r[9], r[10]]), [['10.11.2026', '2', '1'], ['13.11.2026', '2', '1']], 'marks late: one in M2, one in M5')
  t.same((await listed(attendance)).rows.map((r) => r[0]), ['11.11.2026'], 'attendance: M3 has neither an «н» nor a saved entry; M5 was distance')

  // The class row's links take every subject of the class, and its subgroup.
  const cls = tables[2].find((r) => r.cells[0] === '5А')!
  const classLessons = await listed(cls.links[1])
  t.equal(classLessons.rows.length, 8, 'the 8 lessons of 5А')
  t.same((await listed(cls.links[2])).rows.map((r) => [r[0], r[3]]), [['11.11.2026', 'Математика'], ['12.11.2026', 'Русский язык']], 'without topic: M3 and the substituted Russian lesson')
  // The total's links keep the report's own narrowing (none here): every lesson of the school lacking homework.
  const total = tables[0].find((r) => r.cells[0] === 'Итого')!
  t.equal(total.links[3], null, 'no «all lessons» link on the total')
  t.same((await listed(total.links[5])).rows.map((r) => r[0]), ['11.11.2026', '12.11.2026', '12.11.2026'])
  // Figures at 100 % link nowhere.
  const english = tables[0].find((r) => r.cells[1] === '5А, Английский язык, 1 гр.')!
  t.same(english.links.slice(4, 9), [null, null, null, null, null])
})

t.test('R-REP-1: the drill-down\'s exports, its own parameters, and a bad one', async (t) => {
  const { w } = await setup(t)
  const base = `/reports/control/lessons?${Q}&page=c${w.s.c5a}&by=${w.s.u.teacher.personId}&subject=${w.s.subjects.math}`
  const csv = parseReportCsv((await w.as.deputy.get(`${base.replace('/lessons?', '/lessons.csv?')}&metric=marks_late`)).rawPayload)
  t.ok(csv.some((r) => r[0] === '13.11.2026' && r.at(-1) === 'отметки позже срока'), 'the .csv lists the lessons')
  const xlsx = await xlsxSheets((await w.as.deputy.get(`${base.replace('/lessons?', '/lessons.xlsx?')}&metric=no_topic`)).rawPayload)
  t.ok(Object.values(xlsx)[0].some((r) => r[0] === '11.11.2026'), 'the .xlsx lists the lessons')
  const page = await w.as.deputy.get(`${base}&metric=no_topic`)
  t.match(page.body, /<input type="hidden" name="metric" value="no_topic">/, 'the filter form keeps the metric')
  t.match(page.body, /<input type="hidden" name="page" value="c\d+">/)
  t.match(page.body, /<input type="hidden" name="by" value="\d+">/)
  t.match(page.body, 'Уроки без темы')
  for (const bad of ['metric=late', 'page=x1', 'page=c', 'by=abc', `by=${w.s.u.classTeacher.personId}&teacher=${w.s.u.teacher.personId}`]) {
    t.equal((await w.as.deputy.get(`/reports/control/lessons?${Q}&${bad}`)).statusCode, 404, `${bad}: not found`)
  }
  t.equal((await w.as.deputy.get(`/reports/control/lessons?${Q}&page=c99999`)).statusCode, 404, 'a class with no lessons: not found')
  t.equal((await w.as.deputy.get(`/reports/control/lessons?range=week&week=xx`)).statusCode, 400, 'a bad week: the form with its message')
  const empty = await w.as.deputy.get('/reports/control/lessons?range=week&week=16.11.2026&metric=no_topic')
  t.equal(empty.statusCode, 200)
  t.match(empty.body, 'Таких уроков нет.')
})

/** The report built directly on a chosen «today», as the route would on that day. */
async function buildOn(w: World, def: ReportDef, login: string, today: string, query: Record<string, string>) {
  const u = await w.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()
  const user = (await loadCurrentUser(w.db, u.id))!
  const scope = reportScope(user)
  const year = await w.db.selectFrom('academic_years').selectAll().where('id', '=', w.s.year).executeTakeFirstOrThrow()
  const choices = await filterChoices(w.db, scope, year)
  const { range } = parseRange(query, def.ranges, year, choices.periods, today)
  const filters = { year, range, ...parseNarrowing(query, choices).value }
  return def.build(w.db, { user, scope, filters, choices, today, query })
}

t.test('R-REP-1: a lesson later than today is not held yet; ranges of a period and the year', async (t) => {
  const { w } = await setup(t)
  // On Wednesday 11.11 the week has given M1–M3, 5Б's lesson, Russian on Tuesday and English on Wednesday.
  const r = (await buildOn(w, controlReport, 'deputy', '2026-11-11', { range: 'week', week: WEEK }))!
  t.match(r.subtitle, 'уроки по 11.11.2026 включительно')
  const total = r.tables[0].rows.at(-1)!.cells
  t.equal(total.held, 6)
  const maths = r.tables[0].rows.find((x) => x.cells.teacher === 'Математикова А. И.' && x.cells.page === '5А')!.cells
  t.same([maths.held, maths.topic, maths.homework], [3, 66.7, 66.7], 'M1–M3: two with a topic and homework')
  const page = r.tables[1].rows.find((x) => x.cells.page === '5А' && x.cells.subject === 'Математика')!.cells
  t.equal(page.stale, 0, 'Галкина has gone 3 lessons without a mark, not yet 4')
  const lessons = (await buildOn(w, controlLessonsReport, 'deputy', '2026-11-11', { range: 'week', week: WEEK, metric: 'held' }))!
  t.equal(lessons.tables[0].rows.length, 6, 'the drill-down agrees')

  // The period (Q2 from 05.11) and the year hold the same week: the same figures.
  for (const q of [`range=period&period=${w.s.periods.q2}`, 'range=year']) {
    const { teachers, pages } = csvTables((await w.as.deputy.get(`/reports/control.csv?${q}`)).rawPayload)
    t.same(find(teachers, 'Итого')?.slice(3), ['9', '77,8 %', '66,7 %', '44,4 %', '80,0 %', '75,0 %'], q)
    t.same(find(pages, '5А', 'Математика')?.slice(8), ['2', '1'], `${q}: КТП done 2, behind 1`)
  }
  const q1 = await w.as.deputy.get(`/reports/control?range=period&period=${w.s.periods.q1}`)
  t.equal(q1.statusCode, 200)
  t.match(q1.body, 'Нет данных за выбранный период.', 'Q1 had no lessons')
  t.equal((await w.as.deputy.get('/reports/control?range=week&week=31.02.2026')).statusCode, 400, 'a date that does not exist')
})

t.test('R-REP-1: narrowing by class, teacher and subject', async (t) => {
  const { w } = await setup(t)
  // 5Б now has Russian as lesson 4 on Monday: its day ends at 12:10, so maths homework at 12:00 is in time (by 14:10).
  await addLesson(w.db, w.s, { cls: w.s.c5b, subject: w.s.subjects.russian, teacher: w.s.u.classTeacher.personId, date: '2026-11-09', number: 4, topic: 'Текст' })
  t.equal(find(csvTables((await w.as.deputy.get(`/reports/control.csv?${Q}`)).rawPayload).teachers, 'Математикова А. И.', '5Б')?.[6], '100,0 %',
    'the whole school: the day\'s end found among the lessons')
  const rows = async (q: string) => csvTables((await w.as.deputy.get(`/reports/control.csv?${Q}&${q}`)).rawPayload)
  const byTeacher = await rows(`teacher=${w.s.u.teacher2.personId}`)
  t.same(byTeacher.teachers.map((r) => r.slice(0, 3)), [['Англичанова О. С.', '5А', 'Русский язык'], ['Англичанова О. С.', '5А, Английский язык, 1 гр.', 'Английский язык'], ['Итого', '', '']])
  t.same(byTeacher.pages.find((r) => r[1] === 'Русский язык')?.slice(2, 4), ['Англичанова О. С.', '4'], 'the subject row holds only the lessons asked for')
  const byClass = await rows(`class=${w.s.c5b}`)
  t.same(byClass.classes.map((r) => r[0]), ['5Б'])
  const byMaths = await rows(`subject=${w.s.subjects.math}`)
  t.same(byMaths.teachers.map((r) => r.slice(0, 2).concat(r[6])), [['Математикова А. И.', '5А', '40,0 %'], ['Математикова А. И.', '5Б', '100,0 %'], ['Итого', '', '50,0 %']],
    'maths only: a class\'s day still ends with its last lesson of any subject (3 of 6 in time)')
  t.same(byMaths.pages.map((r) => r.slice(8)), [['2', '1'], ['0', '1']], 'КТП, counted from the year\'s start')
  const bySubject = await rows(`subject=${w.s.subjects.russian}`)
  t.same(find(bySubject.classes, '5А')?.slice(0, 3), ['5А', '2', '50,0 %'], 'Russian in 5А: 2 lessons, one with a topic')
  const page = await w.as.deputy.get(`/reports/control?${Q}&subject=${w.s.subjects.russian}`)
  const link = htmlTables(page.body)[0].find((r) => r.cells[0] === 'Итого')!.links[4]
  t.match(link, `subject=${w.s.subjects.russian}`, 'the total\'s links keep the narrowing')
  const listed = htmlTables((await w.as.deputy.get(link!)).body)[0].slice(1).map((r) => r.cells[3])
  t.same(listed, ['Русский язык'])
})

t.test('R-REP-1: a drill-down longer than a deputy reads says how many it left out', async (t) => {
  const w = await world(t, ['deputy'])
  const rows = Array.from({ length: MAX_LESSONS + 1 }, (_, i) => ({
    year_id: w.s.year, class_id: w.s.c5b, subject_id: w.s.subjects.math, teacher_id: w.s.u.teacher.personId,
    date: `2026-09-${String(1 + (i % 25)).padStart(2, '0')}`, lesson_number: 1 + Math.floor(i / 25),
  }))
  for (let i = 0; i < rows.length; i += 200) await w.db.insertInto('lessons').values(rows.slice(i, i + 200)).execute()
  const res = await w.as.deputy.get(`/reports/control/lessons?range=period&period=${w.s.periods.q1}&metric=no_topic`)
  t.equal(res.statusCode, 200)
  t.match(res.body, `Уроков: ${MAX_LESSONS + 1}`)
  t.match(res.body, `Показаны первые ${MAX_LESSONS} уроков из ${MAX_LESSONS + 1}`)
  t.equal([...res.body.matchAll(/href="\/journal\/lessons\/\d+"/g)].length, MAX_LESSONS)
})
