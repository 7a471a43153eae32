// Who reaches which journal URL, for every role, and the boundaries that matter most: another teacher's page,
// a substitute's one lesson, the class teacher's read-only view, families never (R-ACC-3, R-TT-2, R-ROLE, R-J-1).
import t from 'tap'
import { buildTestApp, loginAs, Client } from './helper.js'
import { addLesson, day, kindId, seedJournal, snapshot } from './journal.seed.js'

const ROLES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'ct', 'clerk', 'student', 'parent', 'anonymous'] as const
type Role = (typeof ROLES)[number]

async function clients(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<Record<Role, Client>> {
  const out = {} as Record<Role, Client>
  for (const r of ROLES) {
    if (r === 'anonymous') { out[r] = new Client(app); await out[r].get('/login') } else out[r] = await loginAs(app, r)
  }
  return out
}

t.test('R-ROLE every journal route for every role', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const group = (await db.insertInto('groups').values({ year_id: s.yearId, name: 'Математика, 1 гр.', kind: 'subgroup', class_id: s.c5a, subject_id: s.math, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('workload').values({ teacher_id: s.u.teacher.personId, subject_id: s.math, class_id: null, group_id: group }).execute()
  await db.insertInto('group_members').values({ group_id: group, student_id: s.students[0], from_date: day(-100) }).execute()
  const lesson = await addLesson(db, s, { date: day(0) })
  const c = await clients(app)
  const form = { kind_1: String(await kindId(db, 'Отв')), [`c_${s.students[0]}`]: '5', topic: 'Тема' }

  // Expected status per role: [admin, director, deputy, scheduler, teacher, ct, clerk, student, parent, anonymous]
  const table: [string, 'GET' | 'POST', number[], Record<string, string>?][] = [
    ['/journal', 'GET', [200, 200, 200, 403, 200, 200, 403, 403, 403, 302]],
    [`/journal/class/${s.c5a}/${s.math}`, 'GET', [200, 200, 200, 403, 200, 200, 403, 403, 403, 302]],
    [`/journal/group/${group}`, 'GET', [200, 200, 200, 403, 200, 200, 403, 403, 403, 302]],
    [`/journal/lessons/${lesson}`, 'GET', [200, 200, 200, 403, 200, 200, 403, 403, 403, 302]],
    [`/journal/lessons/${lesson}`, 'POST', [403, 403, 403, 403, 303, 403, 403, 403, 403, 302], form],
    ['/journal/approvals', 'GET', [403, 403, 200, 403, 403, 403, 403, 403, 403, 302]],
  ]
  for (const [url, method, want, body] of table) {
    for (const [i, role] of ROLES.entries()) {
      // Writes by the refused roles first, so that the teacher's successful save comes last.
      if (role === 'teacher' && method === 'POST') continue
      const before = await snapshot(db)
      const res = method === 'GET' ? await c[role].get(url) : await c[role].post(url, body ?? {})
      t.equal(res.statusCode, want[i], `${role} ${method} ${url}`)
      if (want[i] === 302) t.match(String(res.headers.location), /^\/login/)
      if (method === 'POST') t.same(await snapshot(db), before, `${role}: nothing written`)
    }
    if (method === 'POST') t.equal((await c.teacher.post(url, body ?? {})).statusCode, 303, `teacher ${method} ${url}`)
  }

  await c.teacher.post(`/journal/lessons/${lesson}`, { action: 'request', late_reason: 'причина' })
  const approvalId = (await db.insertInto('late_approvals').values({ lesson_id: lesson, requested_by: s.u.teacher.personId, requested_at: day(0), reason: 'x' })
    .returning('id').executeTakeFirstOrThrow()).id
  for (const verb of ['approve', 'refuse']) {
    for (const [i, role] of ROLES.entries()) {
      if (role === 'deputy') continue
      const res = await c[role].post(`/journal/approvals/${approvalId}/${verb}`, { days: '3' })
      t.equal(res.statusCode, i === 9 ? 302 : 403, `${role} POST ${verb}`)
    }
  }
  t.equal((await db.selectFrom('late_approvals').select('status').where('id', '=', approvalId).executeTakeFirstOrThrow()).status, 'pending', 'nobody but the deputy decided')
  t.equal((await c.deputy.post(`/journal/approvals/${approvalId}/approve`, { days: '3' })).statusCode, 303)
  t.equal((await c.deputy.get('/journal/approvals/99999/approve')).statusCode, 404, 'no GET of a verb URL')
  t.equal((await c.deputy.post('/journal/approvals/99999/approve', { days: '3' })).statusCode, 404)
  t.equal((await c.teacher.get('/journal/lessons/99999')).statusCode, 404)
  t.equal((await c.teacher.get('/journal/class/99999/1')).statusCode, 404)
  t.equal((await c.teacher.get('/journal/lessons/abc')).statusCode, 404)
})

t.test('R-J-1 a teacher cannot read or write another teacher\'s page', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const lesson = await addLesson(db, s, { date: day(0) })
  const other = await loginAs(app, 'other')
  t.equal((await other.get(`/journal/class/${s.c5a}/${s.math}`)).statusCode, 403)
  t.equal((await other.get(`/journal/lessons/${lesson}`)).statusCode, 403)
  const before = await snapshot(db)
  const res = await other.post(`/journal/lessons/${lesson}`, { kind_1: String(await kindId(db, 'Отв')), [`c_${s.students[0]}`]: '2', topic: 'Чужая тема' })
  t.equal(res.statusCode, 403)
  t.same(await snapshot(db), before, 'nothing written')
  t.equal((await other.get(`/journal/class/${s.c5b}/${s.math}`)).statusCode, 200, 'their own page opens')
  const teacher = await loginAs(app, 'teacher')
  t.equal((await teacher.get(`/journal/class/${s.c5a}/${s.pe}`)).statusCode, 403, 'a subject outside the workload of the same class is closed')
})

t.test('R-TT-2 a substitute fills exactly the substituted lesson', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const substituted = await addLesson(db, s, { date: day(0), number: 2, substituteId: s.u.substitute.personId })
  const next = await addLesson(db, s, { date: day(0), number: 4 })
  const sub = await loginAs(app, 'sub')
  const home = await sub.get('/journal')
  t.equal(home.statusCode, 200)
  t.match(home.body, `href="/journal/lessons/${substituted}"`, 'today\'s substitution is on the substitute\'s start page')
  t.match(home.body, 'замена: вы заменяете')
  const form = await sub.get(`/journal/lessons/${substituted}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, 'замена: урок ведёт Заменова З. П.')
  t.match(form.body, `name="c_${s.students[0]}"`, 'the substitute gets the fields')
  const kind = String(await kindId(db, 'Отв'))
  t.equal((await sub.post(`/journal/lessons/${substituted}`, { kind_1: kind, [`c_${s.students[0]}`]: '5', topic: 'Замена' })).statusCode, 303)
  t.equal((await db.selectFrom('marks').select('entered_by').executeTakeFirstOrThrow()).entered_by, s.u.substitute.personId)
  const before = await snapshot(db)
  t.equal((await sub.post(`/journal/lessons/${next}`, { kind_1: kind, [`c_${s.students[0]}`]: '5' })).statusCode, 403, 'not the next lesson')
  t.same(await snapshot(db), before)
  t.equal((await sub.get(`/journal/lessons/${next}`)).statusCode, 403)
  t.equal((await sub.get(`/journal/class/${s.c5a}/${s.math}`)).statusCode, 403, 'not the absent teacher\'s page')
  const teacher = await loginAs(app, 'teacher')
  const page = await teacher.get(`/journal/class/${s.c5a}/${s.math}`)
  t.match(page.body, /<span class="mark-sub">з<\/span>/, 'the page marks the replacement')
  t.match(page.body, 'замена: Заменова З. П.')
  t.match((await teacher.get('/journal')).body, 'замена: урок ведёт Заменова З. П.', 'the scheduled teacher sees who took the lesson')
})

t.test('R-J-1 R-ROLE-6 the class teacher reads every subject page of the class but writes none', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const lesson = await addLesson(db, s, { date: day(0) })
  const teacher = await loginAs(app, 'teacher')
  await teacher.post(`/journal/lessons/${lesson}`, { kind_1: String(await kindId(db, 'Отв')), [`c_${s.students[0]}`]: '5', topic: 'Дроби' })
  const ct = await loginAs(app, 'ct')
  const home = await ct.get('/journal')
  t.match(home.body, 'Журнал моего класса 5А (просмотр)')
  t.match(home.body, `href="/journal/class/${s.c5a}/${s.math}"`)
  t.match(home.body, `href="/journal/class/${s.c5a}/${s.pe}"`)
  const page = await ct.get(`/journal/class/${s.c5a}/${s.math}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Только просмотр')
  t.match(page.body, /<td class="c">5<\/td>/, 'the marks are shown')
  t.notMatch(page.body, '/journal/lessons/', 'no links to lesson forms')
  t.equal((await ct.get(`/journal/class/${s.c5a}/${s.pe}`)).statusCode, 200)
  t.equal((await ct.get(`/journal/class/${s.c5b}/${s.math}`)).statusCode, 403, 'not another class')
  const form = await ct.get(`/journal/lessons/${lesson}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, 'Только просмотр')
  t.notMatch(form.body, 'name="c_', 'read-only: no fields')
  t.match(form.body, 'Дроби')
  const before = await snapshot(db)
  t.equal((await ct.post(`/journal/lessons/${lesson}`, { [`c_${s.students[0]}`]: '2' })).statusCode, 403)
  t.same(await snapshot(db), before)
})

t.test('R-J-1 the administration picks a class, then its subject pages, read-only', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const director = await loginAs(app, 'director')
  const home = await director.get('/journal')
  t.match(home.body, `href="/journal?class=${s.c5a}"`)
  const picked = await director.get(`/journal?class=${s.c5a}`)
  t.match(picked.body, 'Журналы класса 5А')
  t.match(picked.body, `href="/journal/class/${s.c5a}/${s.math}"`)
  t.match(picked.body, 'Математикова А. И.')
  const page = await director.get(`/journal/class/${s.c5a}/${s.math}`)
  t.match(page.body, 'Только просмотр')
})
