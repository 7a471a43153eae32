// HTTP tests of staff: the list and card (office, director, deputy), creating and editing a staff person
// (office), and roles handed out only by the admin, audited (R-ROLE-1..7; R-ACC-5,8).
import t from 'tap'
import { buildTestApp, loginAs } from './helper.js'
import { auditRows, makeSchool } from './fixtures/rosters/school.js'

async function setup(t: { teardown: (fn: () => unknown) => void }) {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  return { app, db, s: await makeSchool(db) }
}
const rolesOf = async (db: Awaited<ReturnType<typeof setup>>['db'], id: number) =>
  (await db.selectFrom('person_roles').select('role').where('person_id', '=', id).orderBy('role').execute()).map((r) => r.role)

t.test('the staff list: roles, led classes; no students or parents', async (t) => {
  const { app } = await setup(t)
  const res = await (await loginAs(app, 'director')).get('/staff')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Классная Ольга Петровна')
  t.match(res.body, /Классная Ольга Петровна<\/a><\/td>\s*<td>Учитель<\/td>\s*<td>5А<\/td>/)
  t.match(res.body, 'Делопроизводитель')
  t.notMatch(res.body, 'Иванов Пётр')
  t.notMatch(res.body, 'Сидоров Олег')
  t.notMatch(res.body, 'href="/staff/new"', 'the director reads only')
  t.match((await (await loginAs(app, 'clerk')).get('/staff')).body, 'href="/staff/new"')
})

t.test('a staff card is logged when read; a student\'s id is not a staff card', async (t) => {
  const { app, db, s } = await setup(t)
  const c = await loginAs(app, 'deputy')
  const res = await c.get(`/staff/${s.p.ct.personId}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, 'классный руководитель 5А')
  t.notMatch(res.body, `/staff/${s.p.ct.personId}/roles`, 'the deputy sees no role form')
  t.equal((await auditRows(db, 'person.read')).length, 1)
  t.equal((await c.get(`/staff/${s.sA}`)).statusCode, 404)
  t.equal((await c.get(`/staff/${s.pA}`)).statusCode, 404)
})

t.test('the clerk creates and edits a staff person, but cannot hand out roles', async (t) => {
  const { app, db } = await setup(t)
  const c = await loginAs(app, 'clerk')
  const form = await c.get('/staff/new')
  t.notMatch(form.body, 'name="roles"')
  t.match(form.body, 'Роли назначит администратор.')
  const bad = await c.post('/staff/new', { last_name: 'Новый', first_name: '', email: 'x' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Заполните это поле.')
  t.match(bad.body, 'name@example.ru')
  const ok = await c.post('/staff/new', { last_name: 'Новый', first_name: 'Олег', phone: '+7 900 123-45-67', roles: ['admin'] })
  t.equal(ok.statusCode, 303)
  const id = Number(/\/staff\/(\d+)/.exec(String(ok.headers.location))![1])
  t.same(await rolesOf(db, id), [], 'roles sent by the clerk are ignored')
  t.match((await c.get('/staff')).body, /Новый Олег<\/a><\/td>\s*<td>ролей нет/, 'listed as awaiting roles')
  t.equal((await c.post(`/staff/${id}/roles`, { roles: ['admin'] })).statusCode, 403)
  t.same(await rolesOf(db, id), [])
  const edit = await c.post(`/staff/${id}/edit`, { last_name: 'Новый', first_name: 'Олег', middle_name: 'Ильич', phone: '' })
  t.equal(edit.statusCode, 303)
  t.equal((await db.selectFrom('persons').select('middle_name').where('id', '=', id).executeTakeFirstOrThrow()).middle_name, 'Ильич')
  t.equal((await auditRows(db, 'staff.create')).length, 1)
  const [u] = await auditRows(db, 'staff.update')
  t.match(JSON.parse(u.before!), { middle_name: '', phone: '+7 900 123-45-67' })
})

t.test('the admin assigns roles; audited; cannot drop their own admin role', async (t) => {
  const { app, db, s } = await setup(t)
  const c = await loginAs(app, 'admin')
  const created = await c.post('/staff/new', { last_name: 'Методистова', first_name: 'Вера', roles: ['scheduler', 'teacher'] })
  const id = Number(/\/staff\/(\d+)/.exec(String(created.headers.location))![1])
  t.same(await rolesOf(db, id), ['scheduler', 'teacher'])
  const res = await c.post(`/staff/${s.p.ct.personId}/roles`, { roles: ['teacher', 'deputy'] })
  t.equal(res.statusCode, 303)
  t.same(await rolesOf(db, s.p.ct.personId), ['deputy', 'teacher'])
  const [a] = await auditRows(db, 'person.roles')
  t.same(JSON.parse(a.before!), { roles: ['teacher'] })
  t.same(JSON.parse(a.after!), { roles: ['deputy', 'teacher'] })
  const bad = await c.post(`/staff/${s.p.ct.personId}/roles`, { roles: ['teacher', 'student'] })
  t.equal(bad.statusCode, 303)
  t.match((await c.get(`/staff/${s.p.ct.personId}`)).body, 'Выберите роли из списка.')
  t.same(await rolesOf(db, s.p.ct.personId), ['deputy', 'teacher'], 'a family role is not handed out here')
  await c.post(`/staff/${s.p.admin.personId}/roles`, { roles: ['teacher'] })
  t.match((await c.get(`/staff/${s.p.admin.personId}`)).body, 'Нельзя снять роль администратора с самого себя.')
  t.same(await rolesOf(db, s.p.admin.personId), ['admin'])
  // A teacher who is also a parent keeps the parent role when the staff roles change.
  await db.insertInto('person_roles').values({ person_id: s.p.teacher.personId, role: 'parent' }).execute()
  await c.post(`/staff/${s.p.teacher.personId}/roles`, { roles: ['teacher', 'clerk'] })
  t.same(await rolesOf(db, s.p.teacher.personId), ['clerk', 'parent', 'teacher'])
  t.equal((await auditRows(db, 'person.roles')).length, 2)
})

t.test('a staff member\'s hidden contacts reach only the admin and the clerk (R-ACC-8)', async (t) => {
  const { app, db, s } = await setup(t)
  await db.updateTable('persons').set({ phone: '+7 900 777-77-77', hide_contacts: 1 }).where('id', '=', s.p.teacher.personId).execute()
  for (const [login, sees] of [['admin', true], ['clerk', true], ['director', false], ['deputy', false]] as const) {
    const c = await loginAs(app, login)
    t.equal((await c.get('/staff')).body.includes('+7 900 777-77-77'), sees, `${login}: list`)
    t.equal((await c.get(`/staff/${s.p.teacher.personId}`)).body.includes('+7 900 777-77-77'), sees, `${login}: card`)
  }
})
