// A closed year refuses every write (R-ARC-5): each POST route the application registers is either tried against
// the closed year's objects — and must answer 409 — or listed below with the reason it does not touch a year's data.
// A new POST route that is in neither list fails this test until someone decides which it is.
import t from 'tap'
import { sql } from 'kysely'
import type { DB } from '../src/db/connection.js'
import { nowIso, mondayOf } from '../src/lib/dates.js'
import { buildTestApp, loginAs, type Client } from './helper.js'
import { addLesson, kindId, seedJournal, TODAY } from './journal.seed.js'

/** POST routes that write no year-bound data, with the reason (the left side is the route as registered). */
const NOT_YEAR_BOUND: Record<string, string> = {
  'POST /login': 'signing in', 'POST /logout': 'signing out', 'POST /logout-all': 'signing out', 'POST /register': 'accounts',
  'POST /account/contacts': 'own account', 'POST /account/password': 'own account',
  'POST /school/settings': 'school-wide settings', 'POST /school/years/new': 'creates a new year',
  'POST /school/subjects/new': 'subjects are school-wide', 'POST /school/subjects/:id/edit': 'subjects are school-wide',
  'POST /school/subjects/:id/delete': 'subjects are school-wide (refused while in use)',
  'POST /students/new': 'people', 'POST /students/:id/edit': 'people', 'POST /students/:id/study': 'people',
  'POST /students/:id/depart': 'enrolments in the current year', 'POST /students/:id/transfer': 'enrolments in the current year',
  'POST /students/:id/arrive': 'enrolments in the current year',
  'POST /students/:id/parents/new': 'people', 'POST /students/:id/parents/:pid/edit': 'people', 'POST /students/:id/parents/link': 'people',
  'POST /students/:id/parents/:pid/unlink': 'people', 'POST /students/:id/parents/:pid/consent': 'people',
  'POST /staff/new': 'people', 'POST /staff/:id/edit': 'people', 'POST /staff/:id/roles': 'people',
  'POST /import': 'roster import into the current year', 'POST /import/:token/confirm': 'roster import into the current year',
  'POST /import/:token/cancel': 'roster import',
  'POST /admin/users/:personId/code': 'accounts', 'POST /admin/users/:personId/reset': 'accounts', 'POST /admin/users/:personId/disable': 'accounts',
  'POST /admin/users/:personId/enable': 'accounts', 'POST /admin/users/:personId/codes/:codeId/revoke': 'accounts',
  'POST /my-class/codes/generate': 'accounts', 'POST /diary/:studentId/acknowledge': 'a family has seen a week',
  'POST /settings/journal': 'school-wide journal settings', 'POST /settings/journal/kinds/new': 'kinds of work are school-wide',
  'POST /settings/journal/kinds/:id/edit': 'kinds of work are school-wide', 'POST /settings/journal/kinds/:id/delete': 'kinds of work are school-wide',
  'POST /settings/signing': 'the school\'s signing certificate', 'POST /settings/signing/self-signed': 'the school\'s signing certificate',
  'POST /settings/signing/sample': 'the school\'s signing certificate',
  'POST /settings/mail': 'mail settings', 'POST /settings/mail/test': 'mail settings', 'POST /settings/mail/:id/retry': 'mail',
  'POST /messages/new': 'messages', 'POST /messages/:threadId/reply': 'messages', 'POST /announcements/new': 'announcements',
  'POST /announcements/:id/withdraw': 'announcements',
  'POST /digest/children/:studentId/subscribe': 'mail', 'POST /digest/children/:studentId/unsubscribe': 'mail', 'POST /digest/unsubscribe/:token': 'mail',
  'POST /verify/:code': 'looks a document up', 'POST /admin/backups/run': 'backups copy, never change',
  'POST /archive/years/:yearId/verify': 'reads the archive', 'POST /archive/years/:yearId/close': 'the closing itself (refused twice: archive.test)',
}

type Attempt = { as: 'deputy' | 'scheduler' | 'teacher'; url: string; form?: Record<string, string>; upload?: boolean }

async function fixture(db: DB) {
  const s = await seedJournal(db, { students: 4 })
  const [student, second] = s.students
  const ins = db.insertInto.bind(db)
  await ins('curriculum').values({ class_id: s.c5a, subject_id: s.math, hours_per_week: 5 }).execute()
  const slot = (await ins('timetable_slots').values({ year_id: s.yearId, class_id: s.c5a, subject_id: s.math, teacher_id: s.u.teacher.personId, weekday: 1, lesson_number: 1, valid_from: TODAY })
    .returning('id').executeTakeFirstOrThrow()).id
  const lesson = await addLesson(db, s, { date: TODAY, number: 2 })
  await ins('lesson_columns').values({ lesson_id: lesson, column_no: 1, work_kind_id: await kindId(db, 'Отв') }).execute()
  await ins('marks').values({ lesson_id: lesson, student_id: student, column_no: 1, value: '4', entered_at: nowIso(), entered_by: s.u.teacher.personId }).execute()
  // The absence is on this week's Monday: the weekly reasons form shows school days only (today may be a Sunday).
  const monday = await addLesson(db, s, { date: mondayOf(TODAY), number: 3 })
  await ins('absences').values({ lesson_id: monday, student_id: second, reason: null, entered_at: nowIso(), entered_by: s.u.teacher.personId }).execute()
  const approval = (await ins('late_approvals').values({ lesson_id: lesson, requested_by: s.u.teacher.personId, requested_at: nowIso(), reason: 'болел' })
    .returning('id').executeTakeFirstOrThrow()).id
  const attachment = (await ins('attachments').values({
    lesson_id: lesson, purpose: 'lesson', file_name: 'задание.pdf', stored_name: 'x.pdf', mime: 'application/pdf', size: 10, sha256: 'a'.repeat(64),
    uploaded_by: s.u.teacher.personId, uploaded_at: nowIso(),
  }).returning('id').executeTakeFirstOrThrow()).id
  const holiday = (await db.selectFrom('holidays').select('id').where('year_id', '=', s.yearId).executeTakeFirstOrThrow()).id
  const workload = (await db.selectFrom('workload').select('id').where('class_id', '=', s.c5a).where('subject_id', '=', s.math).executeTakeFirstOrThrow()).id
  const group = (await ins('groups').values({ year_id: s.yearId, name: 'Математика, 1 гр.', kind: 'subgroup', class_id: s.c5a, subject_id: s.math, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await ins('group_members').values([{ group_id: group, student_id: student, from_date: TODAY }]).execute()
  await ins('workload').values({ teacher_id: s.u.teacher.personId, subject_id: s.math, class_id: null, group_id: group }).execute()
  const topic = (await ins('plan_topics').values({ year_id: s.yearId, subject_id: s.math, grade: 5, number: 1, title: 'Натуральные числа' })
    .returning('id').executeTakeFirstOrThrow()).id
  const final = async (studentId: number) => (await ins('final_marks').values({
    year_id: s.yearId, student_id: studentId, subject_id: s.math, kind: 'period', period_id: s.periods[0], value: '4', proposed: '4',
    set_by: s.u.teacher.personId, set_at: nowIso(), locked: 1,
  }).returning('id').executeTakeFirstOrThrow()).id
  const mark = await final(student)
  const otherMark = await final(second)
  const correction = (await ins('final_corrections').values({
    final_mark_id: otherMark, old_value: '4', new_value: '5', requested_by: s.u.teacher.personId, requested_at: nowIso(), explanation: 'ошибка', approver_role: 'deputy',
  }).returning('id').executeTakeFirstOrThrow()).id
  return { s, student, second, slot, lesson, monday, approval, attachment, holiday, workload, group, topic, mark, correction }
}

/** The fixture, the requests to try (route → who and what) and a way to send them as that user. */
async function scene(t: { teardown(fn: () => unknown): void }) {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const f = await fixture(db)
  const { s } = f
  const y = s.yearId
  const week = mondayOf(TODAY)
  const q1 = `p${s.periods[0]}`

  const tries: Record<string, Attempt> = {
    // Timetable
    'POST /timetable/years/:yearId/bells': { as: 'scheduler', url: `/timetable/years/${y}/bells`, form: { b1s: '08:30', b1e: '09:15' } },
    'POST /timetable/years/:yearId/generate': { as: 'scheduler', url: `/timetable/years/${y}/generate` },
    'POST /timetable/classes/:classId/edit': { as: 'scheduler', url: `/timetable/classes/${s.c5a}/edit`, form: { valid_from: TODAY } },
    'POST /timetable/lessons/:lessonId/cancel': { as: 'scheduler', url: `/timetable/lessons/${f.lesson}/cancel`, form: { note: 'болезнь' } },
    'POST /timetable/lessons/:lessonId/unsubstitute': { as: 'scheduler', url: `/timetable/lessons/${f.lesson}/unsubstitute`, form: { note: 'вернулась' } },
    'POST /timetable/lessons/:lessonId/move': { as: 'scheduler', url: `/timetable/lessons/${f.lesson}/move`, form: { date: TODAY, lesson_number: '5' } },
    'POST /timetable/lessons/:lessonId/substitute': { as: 'scheduler', url: `/timetable/lessons/${f.lesson}/substitute`, form: { teacher_id: String(s.u.substitute.personId) } },
    'POST /timetable/extra': { as: 'scheduler', url: '/timetable/extra', form: { class_id: String(s.c5a), date: TODAY, lesson_number: '6' } },
    // Journal, files, absences, approvals
    'POST /journal/lessons/:lessonId': { as: 'teacher', url: `/journal/lessons/${f.lesson}`, form: { topic: 'Новая тема', homework: '№ 5', [`m_${f.student}`]: '5' } },
    'POST /journal/approvals/:id/approve': { as: 'deputy', url: `/journal/approvals/${f.approval}/approve`, form: { days: '3' } },
    'POST /journal/approvals/:id/refuse': { as: 'deputy', url: `/journal/approvals/${f.approval}/refuse` },
    'POST /journal/lessons/:lessonId/files': { as: 'teacher', url: `/journal/lessons/${f.lesson}/files`, upload: true },
    'POST /journal/files/:id/remove': { as: 'teacher', url: `/journal/files/${f.attachment}/remove` },
    // The deputy: a closed year's class has no class teacher any more (class teachers are those of the current year).
    'POST /my-class/absences': { as: 'deputy', url: `/my-class/absences?class=${s.c5a}&week=${week}`, form: { [`r_${f.monday}_${f.second}`]: '', [`d_${f.second}_${week}`]: 'illness' } },
    // КТП
    'POST /plan/topics/:id/edit': { as: 'teacher', url: `/plan/topics/${f.topic}/edit`, form: { number: '1', title: 'Числа', hours: '1' } },
    'POST /plan/topics/:id/delete': { as: 'teacher', url: `/plan/topics/${f.topic}/delete` },
    // Final marks and their corrections
    'POST /finals/class/:classId/:subjectId/set/:column': { as: 'teacher', url: `/finals/class/${s.c5a}/${s.math}/set/${q1}`, form: { [`m_${f.second}`]: '5' } },
    'POST /finals/class/:classId/:subjectId/correct/:markId': { as: 'teacher', url: `/finals/class/${s.c5a}/${s.math}/correct/${f.mark}`, form: { new_value: '5', explanation: 'ошибка' } },
    'POST /finals/group/:groupId/set/:column': { as: 'teacher', url: `/finals/group/${f.group}/set/${q1}`, form: { [`m_${f.student}`]: '5' } },
    'POST /finals/group/:groupId/correct/:markId': { as: 'teacher', url: `/finals/group/${f.group}/correct/${f.mark}`, form: { new_value: '5', explanation: 'ошибка' } },
    'POST /finals/corrections/:id/approve': { as: 'deputy', url: `/finals/corrections/${f.correction}/approve`, form: { order_number: '12', note: '' } },
    'POST /finals/corrections/:id/refuse': { as: 'deputy', url: `/finals/corrections/${f.correction}/refuse`, form: { note: 'нет' } },
    // Promotion decisions and the issue of the summary sheet and the year's journal (R-ARC-2,3)
    'POST /summary/:classId/decisions': { as: 'deputy', url: `/summary/${s.c5a}/decisions`, form: { [`d_${f.student}`]: 'promoted', council_date: TODAY, protocol: '7' } },
    'POST /summary/:classId/issue': { as: 'deputy', url: `/summary/${s.c5a}/issue` },
    'POST /summary/:classId/journal/issue': { as: 'deputy', url: `/summary/${s.c5a}/journal/issue` },
    // School structure (last: removing the workload would close the teacher's pages in the control run)
    'POST /school/years/:id/edit': { as: 'deputy', url: `/school/years/${y}/edit`, form: { name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-08-31', adaptation_ends_on: '2026-09-15', status: 'open' } },
    'POST /school/years/:id/bands': { as: 'deputy', url: `/school/years/${y}/bands`, form: { from_1: '1', to_1: '11', scheme_1: 'quarter' } },
    'POST /school/years/:id/periods/:scheme': { as: 'deputy', url: `/school/years/${y}/periods/quarter`, form: { start_1: '2026-09-01', end_1: '2026-10-25' } },
    'POST /school/years/:id/holidays/new': { as: 'deputy', url: `/school/years/${y}/holidays/new`, form: { name: 'Зимние', starts_on: '2026-12-29', ends_on: '2027-01-08' } },
    'POST /school/holidays/:id/edit': { as: 'deputy', url: `/school/holidays/${f.holiday}/edit`, form: { name: 'Осенние', starts_on: '2026-10-26', ends_on: '2026-11-03' } },
    'POST /school/holidays/:id/delete': { as: 'deputy', url: `/school/holidays/${f.holiday}/delete` },
    'POST /school/years/:id/classes/new': { as: 'deputy', url: `/school/years/${y}/classes/new`, form: { grade: '6', letter: 'В' } },
    'POST /school/classes/:id/edit': { as: 'deputy', url: `/school/classes/${s.c5a}/edit`, form: { grade: '5', letter: 'Д' } },
    'POST /school/classes/:id/curriculum': { as: 'deputy', url: `/school/classes/${s.c5a}/curriculum`, form: { [`h_${s.math}`]: '6' } },
    'POST /school/years/:id/workload/new': { as: 'deputy', url: `/school/years/${y}/workload/new`, form: { teacher_id: String(s.u.other.personId), subject_id: String(s.pe), target: `c:${s.c5b}` } },
    'POST /school/workload/:id/delete': { as: 'deputy', url: `/school/workload/${f.workload}/delete` },
    'POST /school/years/:id/groups/new': { as: 'deputy', url: `/school/years/${y}/groups/new`, form: { kind: 'subgroup', class_id: String(s.c5a), subject_id: String(s.pe) } },
    'POST /school/groups/:id/edit': { as: 'deputy', url: `/school/groups/${f.group}/edit`, form: { name: 'Математика, 2 гр.' } },
    'POST /school/groups/:id/members': { as: 'deputy', url: `/school/groups/${f.group}/members`, form: { student: String(f.second) } },
  }
  // Plans are opened in the current year only: with the one year closed there is none, and nothing can be written.
  const currentYearOnly: Record<string, Attempt> = {
    'POST /plan/:subjectId/:grade/new': { as: 'teacher', url: `/plan/${s.math}/5/new`, form: { number: '2', title: 'Дроби', hours: '1' } },
    'POST /plan/:subjectId/:grade/renumber': { as: 'teacher', url: `/plan/${s.math}/5/renumber` },
    'POST /plan/:subjectId/:grade/import': { as: 'teacher', url: `/plan/${s.math}/5/import`, upload: true },
    'POST /plan/:subjectId/:grade/import/confirm': { as: 'teacher', url: `/plan/${s.math}/5/import/confirm` },
  }

  const as: Record<Attempt['as'], Client> = {
    deputy: await loginAs(app, 'deputy'), scheduler: await loginAs(app, 'scheduler'), teacher: await loginAs(app, 'teacher'),
  }
  const send = (a: Attempt) => a.upload
    ? as[a.as].upload(a.url, { purpose: 'lesson', mode: 'replace' }, { field: 'file', name: 'задание.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4 x') })
    : as[a.as].post(a.url, a.form ?? {})
  return { app, db, y, tries, currentYearOnly, send }
}

t.test('R-ARC-5: a closed year refuses every write route (409) and nothing is written', async (t) => {
  const { app, db, y, tries, currentYearOnly, send } = await scene(t)
  const posts = app.routeList.filter((r) => r.method === 'POST').map((r) => `${r.method} ${r.url}`)
  const unclassified = posts.filter((r) => !(r in tries) && !(r in currentYearOnly) && !(r in NOT_YEAR_BOUND))
  t.same(unclassified, [], 'every POST route is tried here or listed with the reason it touches no year')
  t.same(Object.keys(tries).filter((r) => !posts.includes(r)), [], 'every route tried exists')

  // Closed as the closing does it (archive.test closes through the page); from here on the year is read-only.
  await db.updateTable('academic_years').set({ status: 'closed' }).where('id', '=', y).execute()
  const dump = async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'sessions' order by name`.execute(db)
    const out: Record<string, unknown[]> = {}
    for (const { name } of tables.rows) out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)} order by rowid`.execute(db)).rows
    return out
  }
  const before = await dump()
  for (const [route, a] of Object.entries(tries)) {
    const res = await send(a)
    t.equal(res.statusCode, 409, `${route} as ${a.as}: 409`)
    t.match(res.body, '2026/2027', `${route}: the refusal names the year`)
  }
  for (const [route, a] of Object.entries(currentYearOnly)) {
    const res = await send(a)
    t.ok([404, 409].includes(res.statusCode), `${route}: refused (${res.statusCode})`)
  }
  t.same(await dump(), before, 'not one row of any table changed')
  t.equal(Object.keys(tries).length, 39, 'every write route of school structure, timetable, journal, files, absences, КТП, final marks and archive prints')
})

t.test('R-ARC-5: control — with the year open, the same requests are not refused as closed', async (t) => {
  const { tries, send } = await scene(t)
  for (const [route, a] of Object.entries(tries)) {
    const res = await send(a)
    t.not(res.statusCode, 409, `${route}: ${res.statusCode}`)
    t.ok(res.statusCode < 500, `${route}: no server error`)
  }
})
