// HTTP tests of the accounts area: the admin's users page, codes, reset, disabling, class code sheets (R-ACC-1,4,5).
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, makePerson, loginAs, Client, PASSWORD } from './helper.js'
import type { DB } from '../src/db/connection.js'
import { nowIso } from '../src/lib/dates.js'

// ------------------------------------------------------------------------------------------------ fixtures

async function makeYear(db: DB): Promise<number> {
  const y = await db.insertInto('academic_years')
    .values({ name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-05-31', status: 'open' })
    .returning('id').executeTakeFirstOrThrow()
  return y.id
}

async function makeClass(db: DB, yearId: number, grade: number, letter: string, teacherId: number | null): Promise<number> {
  const c = await db.insertInto('classes').values({ year_id: yearId, grade, letter, class_teacher_id: teacherId })
    .returning('id').executeTakeFirstOrThrow()
  return c.id
}

async function enrol(db: DB, studentId: number, classId: number, toDate: string | null = null): Promise<void> {
  await db.insertInto('enrollments').values({ student_id: studentId, class_id: classId, from_date: '2026-09-01', to_date: toDate, reason_in: 'initial' }).execute()
}

async function link(db: DB, parentId: number, studentId: number): Promise<void> {
  await db.insertInto('parent_links').values({ parent_id: parentId, student_id: studentId }).execute()
}

/**
 * A small school: one account per role, class 5А (class teacher «ct») with two families without accounts,
 * class 6Б (class teacher «ct2») with one family, and a teacher without an account.
 */
async function school(db: DB) {
  const year = await makeYear(db)
  const admin = await makePerson(db, { roles: ['admin'], login: 'admin', last: 'Админова' })
  await makePerson(db, { roles: ['director'], login: 'director' })
  await makePerson(db, { roles: ['deputy'], login: 'deputy' })
  await makePerson(db, { roles: ['scheduler'], login: 'scheduler' })
  const teacher = await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Смирнова', first: 'Анна' })
  const ct = await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Вера' })
  const ct2 = await makePerson(db, { roles: ['teacher'], login: 'ct2' })
  await makePerson(db, { roles: ['clerk'], login: 'clerk' })
  const newTeacher = await makePerson(db, { roles: ['teacher'], login: null, last: 'Новикова', first: 'Елена', middle: 'Игоревна' })
  const a = await makeClass(db, year, 5, 'А', ct.personId)
  const b = await makeClass(db, year, 6, 'Б', ct2.personId)
  // 5А: a family with accounts, a family without, a parent of two children, and a student who has left.
  const student = await makePerson(db, { roles: ['student'], login: 'student', last: 'Петров', first: 'Пётр' })
  const parent = await makePerson(db, { roles: ['parent'], login: 'parent', last: 'Петрова', first: 'Мария' })
  await enrol(db, student.personId, a)
  await link(db, parent.personId, student.personId)
  const s2 = await makePerson(db, { roles: ['student'], login: null, last: 'Кузнецов', first: 'Илья', middle: 'Олегович' })
  const s3 = await makePerson(db, { roles: ['student'], login: null, last: 'Кузнецова', first: 'Дарья', middle: 'Олеговна' })
  const p2 = await makePerson(db, { roles: ['parent'], login: null, last: 'Кузнецова', first: 'Ольга', middle: 'Ивановна' })
  await enrol(db, s2.personId, a)
  await enrol(db, s3.personId, a)
  await link(db, p2.personId, s2.personId)
  await link(db, p2.personId, s3.personId)
  const gone = await makePerson(db, { roles: ['student'], login: null, last: 'Ушедший' })
  const goneParent = await makePerson(db, { roles: ['parent'], login: null, last: 'Ушедшая' })
  await enrol(db, gone.personId, a, '2026-10-01')
  await link(db, goneParent.personId, gone.personId)
  // 6Б
  const s4 = await makePerson(db, { roles: ['student'], login: null, last: 'Чужой', first: 'Антон' })
  const p4 = await makePerson(db, { roles: ['parent'], login: null, last: 'Чужая', first: 'Нина' })
  await enrol(db, s4.personId, b)
  await link(db, p4.personId, s4.personId)
  return { year, admin, teacher, ct, ct2, newTeacher, classA: a, classB: b, student, parent, s2, s3, p2, gone, goneParent, s4, p4 }
}

async function codesOf(db: DB, personId: number) {
  return db.selectFrom('invitations').selectAll().where('person_id', '=', personId).orderBy('id').execute()
}

async function auditRows(db: DB, action: string) {
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).execute()
}

/** Registers through the real two-step /register form, as a person holding the slip would. */
async function registerWith(app: FastifyInstance, code: string, login: string, password = 'new-secret-1') {
  const c = new Client(app)
  const step = await c.get(`/register?code=${encodeURIComponent(code)}`)
  const res = await c.post('/register', { code, login, password, password2: password })
  return { step, res }
}

const codeOnPage = (body: string) => /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(body)?.[0] ?? null

// ------------------------------------------------------------------------------------------------ every route × every role

t.test('R-ACC-1 every accounts route for every role', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const victim = await makePerson(db, { roles: ['teacher'], login: 'victim' })
  const code = await db.insertInto('invitations').values({
    code: 'ABCDEFGHJKMN', person_id: w.newTeacher.personId, purpose: 'register', created_at: nowIso(), expires_at: '2099-01-01T00:00:00Z',
  }).returning('id').executeTakeFirstOrThrow()
  const nt = w.newTeacher.personId
  const A = w.classA

  // [method, url, form, status for admin, status for the class teacher of 5А]
  const routes: [string, string, Record<string, string> | null, number, number][] = [
    ['GET', '/admin/users', null, 200, 403],
    ['GET', `/admin/users/${nt}`, null, 200, 403],
    ['GET', `/admin/users/${nt}/slip`, null, 200, 403],
    ['GET', `/admin/users/${nt}/codes/${code.id}/revoke`, null, 200, 403],
    ['POST', `/admin/users/${nt}/codes/${code.id}/revoke`, {}, 303, 403],
    ['POST', `/admin/users/${nt}/code`, {}, 303, 403],
    ['POST', `/admin/users/${w.teacher.personId}/reset`, {}, 303, 403],
    ['GET', `/admin/users/${victim.personId}/disable`, null, 200, 403],
    ['POST', `/admin/users/${victim.personId}/disable`, {}, 303, 403],
    ['POST', `/admin/users/${victim.personId}/enable`, {}, 303, 403],
    ['GET', `/my-class/codes?class=${A}`, null, 200, 200],
    ['GET', `/my-class/codes/print?class=${A}`, null, 200, 200],
    ['POST', '/my-class/codes/generate', { class: String(A), scope: 'ticked', person: String(w.s2.personId) }, 303, 303],
  ]
  const roles = ['director', 'deputy', 'scheduler', 'teacher', 'clerk', 'student', 'parent', 'ct', 'admin'] as const
  for (const role of roles) {
    const c = await loginAs(app, role)
    for (const [method, url, form, adminStatus, ctStatus] of routes) {
      const expected = role === 'admin' ? adminStatus : role === 'ct' ? ctStatus : 403
      const res = method === 'GET' ? await c.get(url) : await c.post(url, form ?? {})
      t.equal(res.statusCode, expected, `${role}: ${method} ${url}`)
      if (expected === 403) t.match(res.body, 'Доступ запрещён')
    }
  }
  const anon = new Client(app)
  for (const [method, url, form] of routes) {
    const res = method === 'GET' ? await anon.get(url) : await anon.post(url, form ?? {})
    t.equal(res.statusCode, 302, `anonymous: ${method} ${url}`)
    t.match(res.headers.location, /^\/login/)
  }
  // Only the admin's and the class teacher's requests changed anything.
  t.equal((await auditRows(db, 'user.disable')).length, 1)
  t.equal((await auditRows(db, 'user.enable')).length, 1)
  t.equal((await codesOf(db, w.s2.personId)).length, 1, 'the class teacher created one code; the admin found it made')
  t.equal((await codesOf(db, w.teacher.personId)).length, 1, 'one reset code, by the admin')
})

// ------------------------------------------------------------------------------------------------ the admin's page

t.test('R-ACC-1 users page lists staff and account holders, filters by role, account and name', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'admin')
  const all = await c.get('/admin/users')
  t.equal(all.statusCode, 200)
  t.match(all.body, 'Новикова Елена Игоревна', 'staff without an account')
  t.match(all.body, 'Петрова Мария', 'a parent with an account')
  t.notMatch(all.body, 'Кузнецова Ольга', 'a parent without an account is the class teacher\'s business')
  const noAcc = await c.get('/admin/users?account=no')
  t.match(noAcc.body, 'Новикова')
  t.notMatch(noAcc.body, 'Смирнова')
  t.match(noAcc.body, 'Найдено: 1')
  const parents = await c.get('/admin/users?role=parent')
  t.match(parents.body, 'Петрова')
  t.notMatch(parents.body, 'Смирнова')
  const byName = await c.get('/admin/users?q=' + encodeURIComponent('новик'))
  t.match(byName.body, 'Новикова', 'lower-case Cyrillic finds a capitalised name')
  t.notMatch(byName.body, 'Смирнова')
  const byLogin = await c.get('/admin/users?q=ct2')
  t.match(byLogin.body, 'Найдено: 1')
  const odd = await c.get('/admin/users?role=nonsense&account=maybe&q=' + encodeURIComponent('%_'))
  t.equal(odd.statusCode, 200, 'unknown filter values are ignored')
  t.match(odd.body, 'Никого не найдено')
  // A family member without an account, an unknown id and a malformed id are all out of reach.
  t.equal((await c.get(`/admin/users/${w.p2.personId}`)).statusCode, 404)
  t.equal((await c.post(`/admin/users/${w.p2.personId}/code`)).statusCode, 404)
  t.equal((await c.get('/admin/users/999999')).statusCode, 404)
  t.equal((await c.get('/admin/users/abc')).statusCode, 404)
  t.equal((await codesOf(db, w.p2.personId)).length, 0)
})

t.test('R-ACC-1 a staff code from the admin registers through /register and binds to its person; single use', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  await db.insertInto('school_settings').values({ key: 'school_name', value: 'МБОУ «Школа № 7»' }).execute()
  const c = await loginAs(app, 'admin')
  const page = await c.get(`/admin/users/${w.newTeacher.personId}`)
  t.match(page.body, 'Выдать код регистрации')
  t.notMatch(page.body, 'Выдать код сброса пароля', 'no reset without an account')
  const res = await c.post(`/admin/users/${w.newTeacher.personId}/code`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/admin/users/${w.newTeacher.personId}/slip`)
  const slip = await c.get(res.headers.location as string)
  t.equal(slip.statusCode, 200)
  const code = codeOnPage(slip.body)
  t.ok(code, 'the code is shown formatted XXXX-XXXX-XXXX')
  t.match(slip.body, 'Код выдан: ' + code, 'flash repeats the code')
  t.match(slip.body, 'МБОУ «Школа № 7»')
  t.match(slip.body, 'Новикова Елена Игоревна')
  t.match(slip.body, 'http://localhost:80/register')
  t.match(slip.body, /Действует до \d{2}\.\d{2}\.\d{4} включительно/)
  t.match(slip.body, '/static/css/slips.css')
  const [inv] = await codesOf(db, w.newTeacher.personId)
  t.equal(inv.code, code!.replace(/-/g, ''), 'stored normalised')
  t.equal(inv.created_by, (await db.selectFrom('users').select('id').where('login', '=', 'admin').executeTakeFirstOrThrow()).id)
  const issued = await auditRows(db, 'invitation.issue')
  t.equal(issued.length, 1)
  t.notMatch(issued[0].after ?? '', inv.code, 'the code itself is not written to the audit log')

  const { step, res: done } = await registerWith(app, code!.toLowerCase(), 'e.novikova')
  t.match(step.body, 'Новикова Елена Игоревна')
  t.equal(done.statusCode, 303)
  const u = await db.selectFrom('users').select(['person_id']).where('login', '=', 'e.novikova').executeTakeFirstOrThrow()
  t.equal(u.person_id, w.newTeacher.personId, 'the account belongs to the person the code was issued to')
  const nc = await loginAs(app, 'e.novikova', 'new-secret-1')
  t.equal((await nc.get('/')).statusCode, 200)
  const again = await registerWith(app, code!, 'someone.else')
  t.equal(again.res.statusCode, 400)
  t.match(again.res.body, 'уже использован')
  t.equal((await db.selectFrom('users').select('id').where('login', '=', 'someone.else').execute()).length, 0)
  const after = await c.get(`/admin/users/${w.newTeacher.personId}`)
  t.match(after.body, 'использован ')
  t.match(after.body, 'Выдать код сброса пароля', 'now an account holder')
  t.notMatch(after.body, 'Выдать код регистрации')
  const refused = await c.post(`/admin/users/${w.newTeacher.personId}/code`)
  t.equal(refused.statusCode, 303)
  t.match((await c.get(refused.headers.location as string)).body, 'Это действие сейчас недоступно')
  t.equal((await codesOf(db, w.newTeacher.personId)).length, 1, 'no registration code for an account holder')
})

t.test('R-ACC-1 the slip page falls back to the app name and says when there is no code', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'admin')
  const none = await c.get(`/admin/users/${w.newTeacher.personId}/slip`)
  t.equal(none.statusCode, 200)
  t.match(none.body, 'нет действующего кода')
  await c.post(`/admin/users/${w.newTeacher.personId}/code`)
  const slip = await c.get(`/admin/users/${w.newTeacher.personId}/slip`)
  t.match(slip.body, '<div class="slip-school">Электронный журнал</div>')
})

t.test('R-ACC-4 a reset code replaces earlier codes, sets a new password and ends old sessions', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const anna = await loginAs(app, 'teacher')
  const c = await loginAs(app, 'admin')
  await c.post(`/admin/users/${w.teacher.personId}/reset`)
  const first = (await codesOf(db, w.teacher.personId))[0]
  const res = await c.post(`/admin/users/${w.teacher.personId}/reset`)
  const slip = await c.get(res.headers.location as string)
  t.match(slip.body, 'Код для смены пароля')
  t.match(slip.body, 'Логин прежний: teacher')
  const codes = await codesOf(db, w.teacher.personId)
  t.equal(codes.length, 2)
  t.ok(codes[0].revoked_at, 'the earlier unused code is revoked')
  t.equal(codes[1].purpose, 'reset')
  t.equal(codeOnPage(slip.body)?.replace(/-/g, ''), codes[1].code, 'the slip shows the new code')
  const revokes = await auditRows(db, 'invitation.revoke')
  t.equal(revokes.length, 1)
  t.equal(revokes[0].entity_id, String(first.id))
  t.equal((await registerWith(app, first.code, 'x')).res.statusCode, 400, 'the replaced code no longer works')

  t.equal((await anna.get('/')).statusCode, 200, 'still logged in before the reset is used')
  const { step, res: done } = await registerWith(app, codes[1].code, '')
  t.match(step.body, 'Логин останется прежним: teacher')
  t.equal(done.statusCode, 303)
  t.match(done.headers.location, 'passwordReset')
  t.equal((await anna.get('/')).statusCode, 302, 'the old session ended')
  await t.rejects(loginAs(app, 'teacher', PASSWORD), 'the old password no longer works')
  const fresh = await loginAs(app, 'teacher', 'new-secret-1')
  t.equal((await fresh.get('/')).statusCode, 200)
})

t.test('R-ACC-5 revoking a code goes through a confirmation page and is audited; the code is refused', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'admin')
  await c.post(`/admin/users/${w.newTeacher.personId}/code`)
  const [inv] = await codesOf(db, w.newTeacher.personId)
  const person = await c.get(`/admin/users/${w.newTeacher.personId}`)
  t.match(person.body, `/admin/users/${w.newTeacher.personId}/codes/${inv.id}/revoke`)
  const confirm = await c.get(`/admin/users/${w.newTeacher.personId}/codes/${inv.id}/revoke`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Отозвать код?')
  t.equal((await codesOf(db, w.newTeacher.personId))[0].revoked_at, null, 'showing the question changes nothing')
  // The code id must belong to the person in the URL.
  t.equal((await c.post(`/admin/users/${w.teacher.personId}/codes/${inv.id}/revoke`)).statusCode, 404)
  const res = await c.post(`/admin/users/${w.newTeacher.personId}/codes/${inv.id}/revoke`)
  t.equal(res.statusCode, 303)
  t.match((await c.get(res.headers.location as string)).body, 'Код отозван.')
  const row = (await codesOf(db, w.newTeacher.personId))[0]
  t.ok(row.revoked_at)
  const [a] = await auditRows(db, 'invitation.revoke')
  t.same(JSON.parse(a.before!), { revoked_at: null })
  t.equal(JSON.parse(a.after!).revoked_at, row.revoked_at)
  const reg = await registerWith(app, inv.code, 'e.novikova')
  t.equal(reg.res.statusCode, 400)
  t.match(reg.res.body, 'Код не найден')
  t.equal((await db.selectFrom('users').select('id').where('person_id', '=', w.newTeacher.personId).execute()).length, 0)
  const twice = await c.post(`/admin/users/${w.newTeacher.personId}/codes/${inv.id}/revoke`)
  t.match((await c.get(twice.headers.location as string)).body, 'уже использован, истёк или отозван')
  t.equal((await auditRows(db, 'invitation.revoke')).length, 1)
})

t.test('R-ACC-4 a disabled account loses its sessions and cannot log in; enabling restores it (audited)', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const anna = await loginAs(app, 'teacher')
  const c = await loginAs(app, 'admin')
  const confirm = await c.get(`/admin/users/${w.teacher.personId}/disable`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Отключить учётную запись?')
  t.match(confirm.body, '«teacher»')
  t.equal((await anna.get('/')).statusCode, 200, 'the confirmation page changes nothing')
  const res = await c.post(`/admin/users/${w.teacher.personId}/disable`)
  t.equal(res.statusCode, 303)
  t.match((await c.get(res.headers.location as string)).body, 'Завершено сеансов: 1')
  t.equal((await anna.get('/')).statusCode, 302, 'the session ended')
  const login = await new Client(app).post('/login', { login: 'teacher', password: PASSWORD })
  t.equal(login.statusCode, 401)
  t.match(login.body, 'Учётная запись отключена')
  const [d] = await auditRows(db, 'user.disable')
  t.same(JSON.parse(d.before!), { disabled_at: null })
  t.equal(JSON.parse(d.after!).sessions_ended, 1)
  t.equal(d.entity_id, String(w.teacher.userId))
  const list = await c.get('/admin/users?account=disabled')
  t.match(list.body, 'Смирнова')
  t.match(list.body, 'Найдено: 1')
  const page = await c.get(`/admin/users/${w.teacher.personId}`)
  t.match(page.body, 'Включить учётную запись')
  t.notMatch(page.body, 'Выдать код сброса пароля', 'no reset code for a disabled account')
  t.equal((await c.post(`/admin/users/${w.teacher.personId}/enable`)).statusCode, 303)
  const [e] = await auditRows(db, 'user.enable')
  t.same(JSON.parse(e.after!), { disabled_at: null })
  t.ok(JSON.parse(e.before!).disabled_at)
  t.equal((await (await loginAs(app, 'teacher')).get('/')).statusCode, 200)
})

t.test('R-ACC-4 the admin cannot disable their own account', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'admin')
  const page = await c.get(`/admin/users/${w.admin.personId}`)
  t.match(page.body, 'Свою учётную запись отключить нельзя')
  const res = await c.post(`/admin/users/${w.admin.personId}/disable`)
  t.equal(res.statusCode, 303)
  t.equal((await c.get('/admin/users')).statusCode, 200, 'still logged in')
  t.equal((await auditRows(db, 'user.disable')).length, 0)
})

// ------------------------------------------------------------------------------------------------ class codes

t.test('R-ACC-1 the class teacher generates codes for the families of the class, nothing in use is revoked', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'ct')
  const page = await c.get('/my-class/codes')
  t.equal(page.statusCode, 200, 'one class: no need to choose')
  t.match(page.body, 'Коды приглашения, класс 5А')
  t.match(page.body, 'Кузнецова Ольга Ивановна')
  t.match(page.body, 'родитель: Кузнецов Илья Олегович, Кузнецова Дарья Олеговна', 'a parent of two appears once')
  t.equal(page.body.split('</span> Кузнецова Ольга Ивановна</td>').length - 1, 1, 'one row for her')
  t.notMatch(page.body, 'Ушедш', 'a student who left and their parent are not in the class')
  t.notMatch(page.body, 'Чуж', 'another class is not shown')
  t.match(page.body, 'Учеников: 3, родителей: 2. С учётной записью: 2. С действующим кодом: 0.')

  const res = await c.post('/my-class/codes/generate', { class: w.classA, scope: 'all' })
  t.equal(res.statusCode, 303)
  t.match((await c.get(res.headers.location as string)).body, 'Создано кодов: 3.')
  for (const p of [w.s2, w.s3, w.p2]) t.equal((await codesOf(db, p.personId)).length, 1)
  for (const p of [w.student, w.parent, w.gone, w.goneParent, w.s4, w.p4]) t.equal((await codesOf(db, p.personId)).length, 0)
  t.equal((await auditRows(db, 'invitation.issue')).length, 3, 'one audit row per code')
  const before = await db.selectFrom('invitations').selectAll().orderBy('id').execute()
  const again = await c.post('/my-class/codes/generate', { class: w.classA, scope: 'all' })
  t.match((await c.get(again.headers.location as string)).body, 'Новых кодов не понадобилось')
  t.same(await db.selectFrom('invitations').selectAll().orderBy('id').execute(), before, 'codes already handed out stay as they are')
  const ticked = await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked', person: [w.s2.personId, w.student.personId] })
  t.match((await c.get(ticked.headers.location as string)).body, 'Новых кодов не понадобилось')
  t.equal((await db.selectFrom('invitations').select('id').execute()).length, 3)
})

t.test('R-ACC-1 codes for the ticked family members only; none ticked is an error', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'ct')
  const none = await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked' })
  t.equal(none.statusCode, 400)
  t.match(none.body, 'Отметьте хотя бы одного человека')
  t.equal((await db.selectFrom('invitations').select('id').execute()).length, 0)
  const res = await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked', person: [w.p2.personId, w.student.personId] })
  t.match((await c.get(res.headers.location as string)).body, 'Создано кодов: 1. Пропущено (уже есть учётная запись или действующий код): 1.')
  t.equal((await codesOf(db, w.p2.personId)).length, 1)
  t.equal((await codesOf(db, w.s2.personId)).length, 0)
})

t.test('R-ACC-1 a parent\'s class code registers the parent: the account is that parent, linked to their children', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'ct')
  await c.post('/my-class/codes/generate', { class: w.classA, scope: 'all' })
  const sheet = await c.get(`/my-class/codes/print?class=${w.classA}&person=${w.p2.personId}`)
  const code = codeOnPage(sheet.body)
  t.ok(code)
  t.equal(sheet.body.split('class="slip"').length - 1, 1, 'one slip for the one person asked for')
  const { step, res } = await registerWith(app, code!, 'olga.k')
  t.match(step.body, 'Кузнецова Ольга Ивановна')
  t.equal(res.statusCode, 303)
  const u = await db.selectFrom('users').select('person_id').where('login', '=', 'olga.k').executeTakeFirstOrThrow()
  t.equal(u.person_id, w.p2.personId)
  const children = await db.selectFrom('parent_links').select('student_id').where('parent_id', '=', u.person_id).orderBy('student_id').execute()
  t.same(children.map((r) => r.student_id), [w.s2.personId, w.s3.personId])
  const olga = await loginAs(app, 'olga.k', 'new-secret-1')
  t.equal((await olga.get('/')).statusCode, 200)
  t.equal((await olga.get(`/my-class/codes?class=${w.classA}`)).statusCode, 403)
  const page = await c.get(`/my-class/codes?class=${w.classA}`)
  t.match(page.body, 'olga.k', 'the class page shows the new account')
  t.equal((await registerWith(app, code!, 'olga.two')).res.statusCode, 400, 'a used code cannot be reused')
})

t.test('R-ACC-1 the printable sheet: one slip per family member with a code, everything a family needs', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  await db.insertInto('school_settings').values({ key: 'school_name', value: 'Гимназия № 3' }).execute()
  const c = await loginAs(app, 'ct')
  const empty = await c.get(`/my-class/codes/print?class=${w.classA}`)
  t.match(empty.body, 'Действующих кодов для печати нет')
  await c.post('/my-class/codes/generate', { class: w.classA, scope: 'all' })
  const sheet = await c.get(`/my-class/codes/print?class=${w.classA}`)
  t.equal(sheet.statusCode, 200)
  t.equal(sheet.body.split('class="slip"').length - 1, 3, 'three slips: two children and one parent')
  t.equal(sheet.body.split('Гимназия № 3').length - 1, 3)
  t.match(sheet.body, 'Кузнецов Илья Олегович')
  t.match(sheet.body, 'родитель: Кузнецов Илья Олегович, Кузнецова Дарья Олеговна')
  t.match(sheet.body, 'Класс: 5А')
  t.equal(sheet.body.match(/[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/g)?.length, 3)
  t.match(sheet.body, /Действует до \d{2}\.\d{2}\.\d{4} включительно/)
  t.match(sheet.body, 'http://localhost:80/register')
  t.match(sheet.body, 'Введите код и нажмите «Проверить код»')
  t.match(sheet.body, '/static/css/slips.css')
  t.notMatch(sheet.body, '<script')
  t.notMatch(sheet.body, 'Петров Пётр', 'a student with an account gets no slip')
  const css = await app.inject({ method: 'GET', url: '/static/css/slips.css' })
  t.equal(css.statusCode, 200)
  t.match(css.body, 'page-break-inside: avoid')
  t.match(css.body, 'dashed')
})

t.test('R-ACC-1 a class teacher cannot list, issue or print codes for another class (every route)', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const c = await loginAs(app, 'ct')
  t.equal((await c.get(`/my-class/codes?class=${w.classB}`)).statusCode, 404)
  t.equal((await c.get(`/my-class/codes/print?class=${w.classB}`)).statusCode, 404)
  t.equal((await c.post('/my-class/codes/generate', { class: w.classB, scope: 'all' })).statusCode, 404)
  t.equal((await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked', person: [w.s2.personId, w.p4.personId] })).statusCode, 404,
    'a ticked person of another class refuses the whole request')
  t.equal((await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked', person: [w.goneParent.personId] })).statusCode, 404,
    'nor the parent of a student who left')
  t.equal((await c.post('/my-class/codes/generate', { class: w.classA, scope: 'ticked', person: ['x1'] })).statusCode, 404)
  t.equal((await c.get(`/my-class/codes?class=abc`)).statusCode, 404)
  t.equal((await db.selectFrom('invitations').select('id').execute()).length, 0, 'nothing written')
  // Codes of 6Б exist (made by its class teacher), but 5А's teacher cannot print them.
  const other = await loginAs(app, 'ct2')
  await other.post('/my-class/codes/generate', { class: w.classB, scope: 'all' })
  t.equal((await db.selectFrom('invitations').select('id').execute()).length, 2)
  t.equal((await c.get(`/my-class/codes/print?class=${w.classA}&person=${w.p4.personId}`)).statusCode, 404)
  const mine = await c.get(`/my-class/codes/print?class=${w.classA}`)
  t.notMatch(mine.body, 'Чуж')
})

t.test('R-ACC-1 the admin chooses any class; a teacher of two classes chooses between them', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const w = await school(db)
  const third = await makeClass(db, w.year, 7, 'В', w.ct.personId)
  const admin = await loginAs(app, 'admin')
  const list = await admin.get('/my-class/codes')
  t.match(list.body, 'выберите класс')
  for (const id of [w.classA, w.classB, third]) t.match(list.body, `/my-class/codes?class=${id}`)
  t.equal((await admin.get(`/my-class/codes?class=${w.classB}`)).statusCode, 200)
  const res = await admin.post('/my-class/codes/generate', { class: w.classB, scope: 'all' })
  t.equal(res.statusCode, 303)
  t.equal((await codesOf(db, w.p4.personId)).length, 1)
  t.equal((await admin.post('/my-class/codes/generate', { scope: 'all' })).statusCode, 404, 'a POST without a class does nothing')
  const ct = await loginAs(app, 'ct')
  const choose = await ct.get('/my-class/codes')
  t.match(choose.body, `/my-class/codes?class=${w.classA}`)
  t.match(choose.body, `/my-class/codes?class=${third}`)
  t.notMatch(choose.body, `/my-class/codes?class=${w.classB}"`)
  t.equal((await ct.get(`/my-class/codes?class=${third}`)).statusCode, 200)
})
