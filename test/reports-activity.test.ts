// The monthly activity report over HTTP (R-REP-2, R-REP-6): October 2026 of the base fixture with logins,
// journal work, marks, accounts and weekly confirmations whose figures are counted by hand below; the page, the
// .csv, the .xlsx and the PDF agree; every role gets what its scope allows.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { makePerson } from './helper.js'
import { world, addLesson, addMark, parseReportCsv, xlsxSheets, pdfText, linesWith, type World } from './reports.seed.js'

const at = (local: string) => new Date(local).toISOString()
const OCT = '/reports/activity?range=month&month=2026-10'

/**
 * October 2026 has four weeks to confirm: 05.10, 12.10, 19.10 and 26.10 (the week of 28.09 is September's;
 * the autumn holidays begin on 27.10, after Monday 26.10 opened its week).
 */
async function activityWorld(t: { teardown(fn: () => unknown): void }) {
  const w = await world(t)
  const { db, s } = w
  const { u } = s
  // Every account of the fixture was opened before the school year (makePerson stamps «now»).
  await db.updateTable('users').set({ created_at: '2026-08-20T06:00:00.000Z' }).execute()

  const noAccount = await makePerson(db, { roles: ['teacher'], login: null, last: 'Безучётнова', first: 'Вера', middle: 'Павловна' })
  // Logged in last on 20.09, nothing in the audit log: the date comes from the account.
  const idle = await makePerson(db, { roles: ['teacher'], login: 'idle', last: 'Ветрова', first: 'Галина', middle: 'Олеговна' })
  await db.updateTable('users').set({ created_at: '2026-08-20T06:00:00.000Z', last_login_at: at('2026-09-20T10:00:00') }).where('id', '=', idle.userId!).execute()

  // 5А: Зайцев left on 10.10 (his account was disabled on 15.10), Иванов arrived on 20.10.
  const zaytsev = await makePerson(db, { roles: ['student'], login: 'zaytsev', last: 'Зайцев', first: 'Захар' })
  const ivanov = await makePerson(db, { roles: ['student'], login: null, last: 'Иванов', first: 'Илья' })
  await db.insertInto('enrollments').values([
    { student_id: zaytsev.personId, class_id: s.c5a, from_date: '2026-09-01', to_date: '2026-10-10', reason_in: 'initial', reason_out: 'departure' },
    { student_id: ivanov.personId, class_id: s.c5a, from_date: '2026-10-20', reason_in: 'arrival' },
  ]).execute()
  const account = (personId: number, login: string, created: string, disabled: string | null = null) => db.insertInto('users')
    .values({ person_id: personId, login, password_hash: 'x', created_at: created, password_changed_at: created, disabled_at: disabled })
    .returning('id').executeTakeFirstOrThrow().then((r) => r.id)
  await db.updateTable('users').set({ created_at: '2026-08-20T06:00:00.000Z', disabled_at: at('2026-10-15T09:00:00') }).where('id', '=', zaytsev.userId!).execute()
  // Галкина's account was disabled before October; Дёмин (5Б) has one.
  await account(s.a[3], 'galkina', '2026-08-20T06:00:00.000Z', at('2026-09-20T09:00:00'))
  const demin = await account(s.b[0], 'demin', '2026-08-20T06:00:00.000Z')

  // Parents: Борисова has two (one without an account), Волков one without an account and paper reports,
  // Галкина none; Дёмин's parent registered only on 05.11; Егорова's family gets e-mail reports.
  const parent = async (last: string, login: string | null, child: number) => {
    const p = await makePerson(db, { roles: ['parent'], login, last, first: 'Родитель' })
    await db.insertInto('parent_links').values({ parent_id: p.personId, student_id: child }).execute()
    if (p.userId) await db.updateTable('users').set({ created_at: '2026-08-20T06:00:00.000Z' }).where('id', '=', p.userId).execute()
    return p
  }
  const p2 = await parent('Борисов', 'p2', s.a[1])
  await parent('Борисова', null, s.a[1])
  await parent('Волкова', null, s.a[2])
  const p5 = await parent('Зайцева', 'p5', zaytsev.personId)
  const p6 = await parent('Иванова', 'p6', ivanov.personId)
  const p7 = await parent('Дёмина', 'p7', s.b[0])
  await db.updateTable('users').set({ created_at: at('2026-11-05T10:00:00') }).where('id', '=', p7.userId!).execute()
  const p8 = await parent('Егоров', 'p8', s.b[1])
  await db.updateTable('students').set({ channel: 'paper' }).where('person_id', '=', s.a[2]).execute()
  await db.updateTable('students').set({ channel: 'email' }).where('person_id', '=', s.b[1]).execute()

  const log = (userId: number | null, action: string, when: string) => db.insertInto('audit_log')
    .values({ at: at(when), actor_user_id: userId, action, entity: 'user', entity_id: null, before: null, after: null, ip: null }).execute()
  // Математикова: 4 logins on 3 days in October (30.09 and 01.11 are outside), 7 entries of journal work; the
  // deputy-like decision, a message, a diary read and September's save are not journal entries of October.
  const tm = u.teacher.userId!
  for (const d of ['2026-10-05T09:00:00', '2026-10-05T15:00:00', '2026-10-06T09:00:00', '2026-10-20T10:00:00', '2026-09-30T09:00:00', '2026-11-01T09:00:00']) await log(tm, 'auth.login', d)
  for (const [a, d] of [
    ['journal.lesson.save', '2026-10-05T09:10:00'], ['journal.lesson.save', '2026-10-06T09:10:00'], ['journal.lesson.save', '2026-10-20T10:10:00'],
    ['attendance.reasons', '2026-10-06T10:00:00'], ['plan.topic.create', '2026-10-05T16:00:00'], ['files.upload', '2026-10-06T11:00:00'],
    ['finals.set', '2026-10-20T11:00:00'],
    ['journal.late.approve', '2026-10-06T12:00:00'], ['message.send', '2026-10-06T12:00:00'], ['diary.read', '2026-10-06T12:00:00'],
    ['journal.lesson.save', '2026-09-30T09:10:00'],
  ]) await log(tm, a, d)
  // Классная: 1 login, 2 saves. Англичанова: logins only in September, the last on 15.09.
  await log(u.classTeacher.userId!, 'auth.login', '2026-10-12T08:00:00')
  await log(u.classTeacher.userId!, 'journal.lesson.save', '2026-10-12T08:30:00')
  await log(u.classTeacher.userId!, 'journal.lesson.save', '2026-10-12T09:00:00')
  await log(u.teacher2.userId!, 'auth.login', '2026-09-10T10:00:00')
  await log(u.teacher2.userId!, 'auth.login', '2026-09-15T10:00:00')
  // Students and parents.
  await log(u.student.userId!, 'auth.login', '2026-10-10T12:00:00')
  await log(zaytsev.userId!, 'auth.login', '2026-10-02T12:00:00')
  await log(demin, 'auth.login', '2026-10-03T12:00:00')
  await log(demin, 'auth.login', '2026-10-04T12:00:00')
  await log(u.parent.userId!, 'auth.login', '2026-10-11T19:00:00')
  await log(p2.userId!, 'auth.login', '2026-10-14T20:00:00')
  await log(p6.userId!, 'auth.login', '2026-10-21T20:00:00')
  await log(p8.userId!, 'auth.login', '2026-10-07T20:00:00')
  await log(p7.userId!, 'auth.login', '2026-11-06T20:00:00')
  await log(p5.userId!, 'auth.login_failed', '2026-10-09T20:00:00')

  // Marks: Математикова 4 entered in October (one of them late, for 30.09), one in September, one in November;
  // Классная 1.
  const { math, russian } = s.subjects
  const l0 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher: u.teacher.personId, date: '2026-09-30' })
  await addMark(db, s, l0, s.a[2], '4', { enteredAt: at('2026-10-01T10:00:00') })
  await addMark(db, s, l0, s.a[3], '5')
  const l1 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher: u.teacher.personId, date: '2026-10-06' })
  await addMark(db, s, l1, s.a[0], '5')
  await addMark(db, s, l1, s.a[1], '4')
  const l2 = await addLesson(db, s, { cls: s.c5b, subject: math, teacher: u.teacher.personId, date: '2026-10-07' })
  await addMark(db, s, l2, s.b[0], '3')
  const l3 = await addLesson(db, s, { cls: s.c5a, subject: russian, teacher: u.classTeacher.personId, date: '2026-10-08' })
  await addMark(db, s, l3, s.a[0], '4')
  const l4 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher: u.teacher.personId, date: '2026-11-10' })
  await addMark(db, s, l4, s.a[1], '3')

  // Confirmations: Антонов's mother 28.09 (September's), 05.10, 12.10, 26.10; Антонов himself 19.10 (not a
  // parent: does not count); Зайцева 05.10; Иванова 19.10 and 26.10; Егоров 05.10 and 12.10 (e-mail family).
  const ack = (student: number, person: number, week: string) =>
    db.insertInto('acknowledgements').values({ student_id: student, person_id: person, week, at: at(`${week}T20:00:00`) }).execute()
  for (const wk of ['2026-09-28', '2026-10-05', '2026-10-12', '2026-10-26']) await ack(s.a[0], u.parent.personId, wk)
  await ack(s.a[0], s.a[0], '2026-10-19')
  await ack(zaytsev.personId, p5.personId, '2026-10-05')
  for (const wk of ['2026-10-19', '2026-10-26']) await ack(ivanov.personId, p6.personId, wk)
  for (const wk of ['2026-10-05', '2026-10-12']) await ack(s.b[1], p8.personId, wk)
  return { ...w, noAccount }
}

/*
 * Teachers (sorted by surname):
 *   Англичанова: account, no login in October, last login 15.09 (from the audit log: her account's last login is today's).
 *   Безучётнова: no account.  Ветрова: account, last login 20.09 (the account's own date).
 *   Классная: 1 login, 1 day, 2 entries, 1 mark, last 12.10.  Математикова: 4 logins, 3 days, 7 entries, 4 marks, last 20.10.
 *   Total: 4 of 5 with an account; 5 logins, 9 entries, 5 marks.
 */
const TEACHERS = [
  ['Англичанова Ольга Сергеевна', 'есть', '0', '0', '0', '0', '15.09.2026'],
  ['Безучётнова Вера Павловна', 'нет', '0', '0', '0', '0', '—'],
  ['Ветрова Галина Олеговна', 'есть', '0', '0', '0', '0', '20.09.2026'],
  ['Классная Мария Петровна', 'есть', '1', '1', '2', '1', '12.10.2026'],
  ['Математикова Анна Ивановна', 'есть', '4', '3', '7', '4', '20.10.2026'],
  ['Итого', '4 из 5', '5', '—', '9', '5', '—'],
]
/*
 * 5А: students Антонов, Борисова, Волков, Галкина, Зайцев (to 10.10), Иванов (from 20.10) = 6; accounts: Антонов,
 *   Зайцев (disabled only on 15.10) = 2 (Галкина's was disabled in September); logged in: Антонов, Зайцев = 2.
 *   Families (a parent recorded): all but Галкина = 5; with an account: Антонов, Борисова, Зайцев, Иванов = 4;
 *   a parent logged in: Антонов, Борисова, Иванов = 3.
 *   Weeks: Антонов 4 + Борисова 4 + Зайцев 1 (05.10) + Иванов 2 (19.10, 26.10) = 11 (Волков gets paper);
 *   confirmed: Антонов 3 + Зайцев 1 + Иванов 2 = 6 → 6/11 = 54,5 %.
 * 5Б: Дёмин, Егорова = 2; account and login: Дёмин = 1, 1; families 2, with an account 1 (Егоров: Дёмина's came on
 *   05.11), logged in 1; weeks: Дёмин 4 (Егорова gets e-mail), confirmed 0 → 0,0 %.
 * Total: 8, 3, 3, 7, 5, 4, 15, 6 → 6/15 = 40,0 %.
 */
const STUDENTS = [['5А', '6', '2', '2'], ['5Б', '2', '1', '1'], ['Итого', '8', '3', '3']]
const FAMILIES = [
  ['5А', '5', '4', '3', '11', '6', '54,5 %'],
  ['5Б', '2', '1', '1', '4', '0', '0,0 %'],
  ['Итого', '7', '5', '4', '15', '6', '40,0 %'],
]

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The rows of the page's report tables as the user reads them, an empty row between two tables. */
function htmlRows(html: string): string[][] {
  return [...html.matchAll(/<table class="list report">([\s\S]*?)<\/table>/g)].flatMap((tb) => [
    ...[...tb[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
      .map((tr) => [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1].replace(/<[^>]+>/g, '')).trim())),
    [],
  ])
}

/** The body rows of the table whose heading row starts with `head` (in a page's, a .csv's or a sheet's rows). */
function table<T>(rows: T[][], ...head: string[]): (T | null)[][] {
  const i = rows.findIndex((r) => head.every((h, j) => r[j] === h))
  if (i < 0) return []
  const width = rows[i].length
  const out: (T | null)[][] = []
  // A worksheet row ends at its last filled cell: pad it back to the table's width.
  for (const r of rows.slice(i + 1)) {
    if (r.length < 2 || r.length > width) break
    out.push([...r, ...Array<null>(width - r.length).fill(null)])
  }
  return out
}

/** The students' and the families' tables of the classes. */
const classes = <T>(rows: T[][]) => ({ students: table(rows, 'Класс', 'Учеников'), families: table(rows, 'Класс', 'Семей') })
const pick = (i: number) => ({ students: [STUDENTS[i]], families: [FAMILIES[i]] })
const ALL = { students: STUDENTS, families: FAMILIES }

// One fixture for the whole file: the tests below only read.
const w = await activityWorld(t)

t.test('R-REP-2 the figures of October on the page, in the .csv, the .xlsx and the PDF', async (t) => {
  const page = await w.as.deputy.get(OCT)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'октябрь 2026')
  const rows = htmlRows(page.body)
  t.same(table(rows, 'Учитель'), TEACHERS, 'page: teachers (only teachers, in alphabetical order)')
  t.same(classes(rows), ALL, 'page: classes')
  t.match(page.body, 'Неделя подтверждена, если', 'the notes explain the figures')

  const csv = parseReportCsv((await w.as.deputy.get(OCT.replace('activity', 'activity.csv'))).rawPayload)
  t.same(table(csv, 'Учитель'), TEACHERS, 'csv: teachers')
  t.same(classes(csv), ALL, 'csv: classes')
  t.same(csv.slice(0, 2), [['Активность пользователей'], ['октябрь 2026']])

  const sheets = await xlsxSheets((await w.as.deputy.get(OCT.replace('activity', 'activity.xlsx'))).rawPayload)
  t.same(Object.keys(sheets), ['Учителя', 'Ученики по классам', 'Семьи по классам'])
  // Counts and percentages are numbers there; «—» is an empty cell.
  const num = (textColumns: number) => (r: string[]) =>
    r.map((c, i) => (i < textColumns || /\d\d\.\d\d\./.test(c) ? c : c === '—' ? null : Number(c.replace(',', '.').replace(' %', ''))))
  t.same(table(sheets['Учителя'], 'Учитель'), TEACHERS.map(num(2)), 'xlsx: teachers')
  t.same(table(sheets['Ученики по классам'], 'Класс'), STUDENTS.map(num(1)), 'xlsx: students')
  t.same(table(sheets['Семьи по классам'], 'Класс'), FAMILIES.map(num(1)), 'xlsx: families')

  const pdf = await w.as.deputy.get(OCT.replace('activity', 'activity.pdf'))
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const text = pdfText(pdf.rawPayload, mkdtempSync(path.join(tmpdir(), 'activity-')))
  t.equal(linesWith(text, 'Математикова', '20.10.2026').length, 1, 'pdf: the teacher\'s row')
  t.match(linesWith(text, 'Математикова', '20.10.2026')[0], /есть\s+4\s+3\s+7\s+4\s+20\.10\.2026/)
  t.match(linesWith(text, '54,5 %')[0] ?? '', /5А\s+5\s+4\s+3\s+11\s+6\s+54,5 %/)
  t.match(linesWith(text, '40,0 %')[0] ?? '', /Итого\s+7\s+5\s+4\s+15\s+6\s+40,0 %/)
  t.ok(linesWith(text, 'Итого').some((l) => /Итого\s+8\s+3\s+3\s*$/.test(l)), 'pdf: the students\' total')
})

t.test('R-REP-2 R-REP-6 who may open the report, in every format', async (t) => {
  const cases: [keyof World['as'], number][] = [
    ['admin', 200], ['director', 200], ['deputy', 200], ['teacher', 200], ['classTeacher', 200], ['teacher2', 200],
    ['scheduler', 403], ['clerk', 403], ['student', 403], ['parent', 403], ['anonymous', 302],
  ]
  for (const [role, status] of cases) {
    for (const suffix of ['', '.csv', '.xlsx']) {
      const r = await w.as[role].get(OCT.replace('activity', `activity${suffix}`))
      t.equal(r.statusCode, status, `${role} ${suffix || 'page'}`)
      if (status === 302) t.match(r.headers.location, /^\/login/, `${role} ${suffix || 'page'} → /login`)
      if (status === 403) t.notMatch(r.body, 'Математикова', `${role} sees no figures`)
    }
  }
  for (const role of ['admin', 'director'] as const) {
    const rows = htmlRows((await w.as[role].get(OCT)).body)
    t.same(table(rows, 'Учитель'), TEACHERS, `${role}: every teacher`)
    t.same(classes(rows), ALL, `${role}: every class`)
  }
})

t.test('R-REP-2 R-REP-6 a teacher sees only their own row and no class', async (t) => {
  for (const [role, row] of [['teacher', TEACHERS[4]], ['teacher2', TEACHERS[0]]] as const) {
    const page = await w.as[role].get(OCT)
    t.equal(page.statusCode, 200)
    const rows = htmlRows(page.body)
    t.same(table(rows, 'Учитель'), [row], `${role}: own row only, no total`)
    t.same(classes(rows), { students: [], families: [] }, `${role}: no class table`)
    t.match(page.body, 'Сведения об учениках и семьях видят классные руководители')
    t.notMatch(page.body, '/audit?', `${role}: no link into the audit log`)
    const csv = parseReportCsv((await w.as[role].get(OCT.replace('activity', 'activity.csv'))).rawPayload)
    t.same(table(csv, 'Учитель'), [row], `${role}: the csv holds the same row`)
    t.notOk(csv.some((r) => r[0] === 'Классная Мария Петровна' || r[0] === '5А'), `${role}: nobody else's figures in the csv`)
    // The class filter offers them nothing: asking for one is a bad filter, not data.
    const asked = await w.as[role].get(`${OCT}&class=${w.s.c5a}`)
    t.equal(asked.statusCode, 400, `${role}: ?class=5А → 400`)
    t.notMatch(asked.body, '54,5 %')
    t.equal((await w.as[role].get(`${OCT.replace('activity', 'activity.csv')}&class=${w.s.c5a}`)).statusCode, 400)
  }
})

t.test('R-REP-2 R-REP-6 a class teacher sees their class and their own row, not 5Б', async (t) => {
  const page = await w.as.classTeacher.get(OCT)
  t.equal(page.statusCode, 200)
  const rows = htmlRows(page.body)
  t.same(table(rows, 'Учитель'), [TEACHERS[3]])
  t.same(classes(rows), pick(0), '5А only, without a total row')
  t.equal((await w.as.classTeacher.get(`${OCT}&class=${w.s.c5b}`)).statusCode, 400, '?class=5Б → 400')
  const own = await w.as.classTeacher.get(`${OCT}&class=${w.s.c5a}`)
  t.equal(own.statusCode, 200)
  t.same(classes(htmlRows(own.body)), pick(0))
  t.match(own.body, 'октябрь 2026, 5А')
  // The confirmations figure opens the class's page of the last counted week.
  const href = `/diary/class/${w.s.c5a}/acknowledgements?week=2026-10-26`
  t.match(page.body, `href="${href}"`)
  t.equal((await w.as.classTeacher.get(href)).statusCode, 200)
})

t.test('R-REP-2 the administration narrowed to a class: its teachers and its row', async (t) => {
  const page = await w.as.deputy.get(`${OCT}&class=${w.s.c5a}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'октябрь 2026, 5А')
  const rows = htmlRows(page.body)
  // Математикова (mathematics), Классная (Russian, class teacher) and Англичанова (the English subgroup).
  t.same(table(rows, 'Учитель'), [TEACHERS[0], TEACHERS[3], TEACHERS[4], ['Итого', '3 из 3', '5', '—', '9', '5', '—']])
  t.same(classes(rows), pick(0))
  t.match(page.body, 'Для выбранного класса показаны учителя')
})

t.test('R-REP-2 the logins figure opens those logins in the audit log', async (t) => {
  const page = await w.as.deputy.get(OCT)
  const href = '/audit?login=teacher&action=auth.login&from=2026-10-01&to=2026-10-31'
  t.match(page.body, `href="${href.replace(/&/g, '&amp;')}"`)
  const audit = await w.as.deputy.get(href)
  t.equal(audit.statusCode, 200)
  const body = audit.body.slice(audit.body.indexOf('<tbody>'), audit.body.indexOf('</tbody>'))
  t.equal(body.match(/<tr>/g)?.length, 4, 'the four logins of October')
})

t.test('R-REP-2 other ranges and bad input', async (t) => {
  // The week 05.10–11.10: Математикова's logins of 05.10 and 06.10, 5 entries, 3 marks. 5А: Иванов not yet
  // there; Антонов's mother logged in on Sunday 11.10; families expected that week: Антонов, Борисова, Зайцев
  // → 3, confirmed Антонов and Зайцев → 2 → 66,7 %.
  const week = htmlRows((await w.as.deputy.get('/reports/activity?range=week&week=07.10.2026')).body)
  t.same(table(week, 'Учитель')[4], ['Математикова Анна Ивановна', 'есть', '3', '2', '5', '3', '06.10.2026'])
  t.same(classes(week).students[0], ['5А', '5', '2', '1'])
  t.same(classes(week).families[0], ['5А', '4', '3', '1', '3', '2', '66,7 %'])
  // The first quarter 01.09–26.10: Математикова adds the login and the save of 30.09 and the mark of 30.09 →
  // 5 logins on 4 days, 8 entries, 5 marks. 5А has nine weeks (31.08 … 26.10): Антонов 9 + Борисова 9 + Зайцев 6
  // (to 10.10) + Иванов 2 = 26; confirmed 4 (28.09 counts now) + 1 + 2 = 7 → 26,9 %.
  const quarter = htmlRows((await w.as.deputy.get(`/reports/activity?range=period&period=${w.s.periods.q1}`)).body)
  t.same(table(quarter, 'Учитель')[4], ['Математикова Анна Ивановна', 'есть', '5', '4', '8', '5', '20.10.2026'])
  t.same(classes(quarter).families[0], ['5А', '5', '4', '3', '26', '7', '26,9 %'])
  const bad = await w.as.deputy.get('/reports/activity?range=month&month=2026-13')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Выберите месяц из списка.')
  t.equal((await w.as.deputy.get(`${OCT}&class=abc`)).statusCode, 400)
})
