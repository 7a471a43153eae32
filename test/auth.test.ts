// HTTP tests of the auth area: login, lockout, CSRF, sessions, registration by code (R-ACC-1,4,5).
import t from 'tap'
import argon2 from 'argon2'
import { buildTestApp, makePerson, loginAs, Client, PASSWORD } from './helper.js'
import { nowIso, addDays } from '../src/lib/dates.js'
import { failedLoginMs, generateCode } from '../src/features/auth/auth.service.js'

t.test('login through the form, then logout (R-ACC-4)', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna', first: 'Анна', last: 'Смирнова', middle: 'Олеговна' })
  const c = await loginAs(app, 'anna')
  const home = await c.get('/')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'Смирнова Анна Олеговна')
  t.equal((await db.selectFrom('audit_log').select('action').where('action', '=', 'auth.login').execute()).length, 1, 'login audited')
  const out = await c.post('/logout')
  t.equal(out.statusCode, 303)
  t.equal((await c.get('/')).statusCode, 302, 'after logout the home page sends to login')
})

t.test('wrong password gives a Russian message, keeps the login, no session', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna' })
  const c = new Client(app)
  await c.get('/login')
  const res = await c.post('/login', { login: 'anna', password: 'nope-nope' })
  t.equal(res.statusCode, 401)
  t.match(res.body, 'Неверный логин или пароль.')
  t.match(res.body, 'value="anna"')
  t.equal((await db.selectFrom('sessions').selectAll().execute()).length, 0)
})

t.test('anonymous pages create no server session', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const c = new Client(app)
  for (const url of ['/login', '/register', '/healthz', '/nope']) await c.get(url)
  t.equal((await db.selectFrom('sessions').selectAll().execute()).length, 0)
})

t.test('lockout after repeated failures (R-ACC-4)', async (t) => {
  const { app, db } = await buildTestApp({ lockoutThreshold: 3, lockoutMinutes: 10 })
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna' })
  const c = new Client(app)
  await c.get('/login')
  for (let i = 0; i < 3; i++) await c.post('/login', { login: 'anna', password: 'wrong-password' })
  const res = await c.post('/login', { login: 'anna', password: PASSWORD })
  t.equal(res.statusCode, 423, 'even the right password is refused while locked')
  t.match(res.body, 'временно заблокирована')
  const u = await db.selectFrom('users').select('locked_until').where('login', '=', 'anna').executeTakeFirstOrThrow()
  t.ok(u.locked_until && new Date(u.locked_until) > new Date())
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'auth.locked').executeTakeFirst(), 'lock audited')
})

t.test('login is rate-limited per address', async (t) => {
  const { app } = await buildTestApp({ loginRateLimit: 5 })
  t.teardown(() => app.close())
  const c = new Client(app)
  await c.get('/login')
  const codes: number[] = []
  for (let i = 0; i < 7; i++) codes.push((await c.post('/login', { login: 'ghost', password: 'whatever1' })).statusCode)
  t.same(codes.slice(0, 5), [401, 401, 401, 401, 401])
  t.equal(codes[6], 429)
})

t.test('a POST without a CSRF token is refused and changes nothing', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna' })
  const c = await loginAs(app, 'anna')
  const res = await c.post('/account/contacts', { hide_contacts: true }, { csrf: false })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'Форма устарела')
  const bad = await c.post('/account/contacts', { hide_contacts: true, _csrf: 'forged' }, { csrf: false })
  t.equal(bad.statusCode, 403)
  const p = await db.selectFrom('persons').select('hide_contacts').executeTakeFirstOrThrow()
  t.equal(p.hide_contacts, 0)
  const ok = await c.post('/account/contacts', { hide_contacts: true })
  t.equal(ok.statusCode, 303)
  t.equal((await db.selectFrom('persons').select('hide_contacts').executeTakeFirstOrThrow()).hide_contacts, 1)
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'person.hide_contacts').executeTakeFirst())
})

t.test('registration with a code: single use, bound to its person (R-ACC-1)', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const p = await makePerson(db, { roles: ['parent'], login: null, last: 'Кузнецова', first: 'Ольга', middle: 'Ивановна' })
  const code = generateCode()
  await db.insertInto('invitations').values({ code, person_id: p.personId, purpose: 'register', created_at: nowIso(), expires_at: addDays(nowIso().slice(0, 10), 3) + 'T00:00:00Z' }).execute()
  const c = new Client(app)
  const step2 = await c.get(`/register?code=${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8).toLowerCase()}`)
  t.match(step2.body, 'Кузнецова Ольга Ивановна', 'the code shows whose it is')
  const bad = await c.post('/register', { code, login: 'ольга', password: 'short', password2: 'short' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Логин может содержать')
  t.match(bad.body, 'не короче 8')
  t.equal((await db.selectFrom('users').selectAll().execute()).length, 0, 'nothing written on bad input')
  const ok = await c.post('/register', { code, login: 'olga.k', password: 'secret-pass', password2: 'secret-pass' })
  t.equal(ok.statusCode, 303)
  const u = await db.selectFrom('users').select(['person_id', 'login']).executeTakeFirstOrThrow()
  t.same(u, { person_id: p.personId, login: 'olga.k' })
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'auth.register').executeTakeFirst())
  const again = await new Client(app).post('/register', { code, login: 'olga2', password: 'secret-pass', password2: 'secret-pass' })
  t.equal(again.statusCode, 400)
  t.match(again.body, 'уже использован')
  t.equal((await db.selectFrom('users').selectAll().execute()).length, 1, 'reuse refused')
  await loginAs(app, 'olga.k', 'secret-pass')
})

t.test('expired code refused', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const p = await makePerson(db, { roles: ['student'], login: null })
  await db.insertInto('invitations').values({ code: 'ABCDABCDABCD', person_id: p.personId, purpose: 'register', created_at: nowIso(), expires_at: '2020-01-01T00:00:00Z' }).execute()
  const res = await new Client(app).get('/register?code=ABCD-ABCD-ABCD')
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Срок действия кода истёк')
})

t.test('password change ends other sessions; log out everywhere ends all', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna' })
  const a = await loginAs(app, 'anna')
  const b = await loginAs(app, 'anna')
  const wrong = await a.post('/account/password', { current: 'bad', next: 'new-password-1', next2: 'new-password-1' })
  t.match(wrong.body, 'Текущий пароль введён неверно')
  const res = await a.post('/account/password', { current: PASSWORD, next: 'new-password-1', next2: 'new-password-1' })
  t.equal(res.statusCode, 303)
  t.equal((await a.get('/')).statusCode, 200, 'this session continues')
  t.equal((await b.get('/')).statusCode, 302, 'the other one ended')
  const c = await loginAs(app, 'anna', 'new-password-1')
  await a.post('/logout-all')
  t.equal((await c.get('/')).statusCode, 302)
  t.equal((await a.get('/')).statusCode, 302)
})

t.test('sessions survive a restart (stored in SQLite)', async (t) => {
  const file = `/tmp/journal-test-${process.pid}-${Date.now()}.sqlite`
  const first = await buildTestApp({}, file)
  await makePerson(first.db, { roles: ['teacher'], login: 'anna' })
  const c = await loginAs(first.app, 'anna')
  await first.app.close()
  const second = await buildTestApp({}, file)
  t.teardown(() => second.app.close())
  const again = new Client(second.app)
  again.cookies = c.cookies
  t.equal((await again.get('/')).statusCode, 200)
})

t.test('an idle session ends after the configured time', async (t) => {
  const { app, db } = await buildTestApp({ idleTimeoutMinutes: 1 })
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'anna' })
  const c = await loginAs(app, 'anna')
  // Age the session as if the user had walked away two minutes ago.
  const row = await db.selectFrom('sessions').select(['sid', 'data']).executeTakeFirstOrThrow()
  const data = JSON.parse(row.data)
  data.lastSeen = Date.now() - 120_000
  await db.updateTable('sessions').set({ data: JSON.stringify(data) }).where('sid', '=', row.sid).execute()
  const res = await c.get('/')
  t.equal(res.statusCode, 302)
  t.match(res.headers.location, 'm=expired')
})

t.test('R-NF-2: passwords are hashed at 19 MiB; an older, heavier hash is replaced at its next good login only', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const p = await makePerson(db, { roles: ['teacher'], login: 'old' })
  // The library's default, used before: 64 MiB, 3 passes, 4 lanes.
  const heavy = await argon2.hash(PASSWORD, { type: argon2.argon2id })
  await db.updateTable('users').set({ password_hash: heavy }).where('id', '=', p.userId!).execute()
  const hashOf = async () => (await db.selectFrom('users').select('password_hash').where('id', '=', p.userId!).executeTakeFirstOrThrow()).password_hash
  t.match(heavy, /^\$argon2id\$v=19\$m=65536,t=3,p=4\$/)

  const c = new Client(app)
  await c.get('/login')
  t.equal((await c.post('/login', { login: 'old', password: 'wrong-password' })).statusCode, 401, 'a wrong password is refused')
  t.equal(await hashOf(), heavy, 'a failed login changes nothing')
  await loginAs(app, 'old')
  const light = await hashOf()
  t.match(light, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'replaced at the good login')
  t.ok(await argon2.verify(light, PASSWORD))
  await loginAs(app, 'old')
  t.equal(await hashOf(), light, 'and kept from then on')

  // Many logins at once: all answered, none refused by the limit on hashing at once.
  const results = await Promise.all(Array.from({ length: 6 }, () => loginAs(app, 'old').then(() => true, () => false)))
  t.same(results, [true, true, true, true, true, true])
})

t.test('R-ACC-4: a refused login takes as long whether the login is unknown, disabled, or has an old or a new hash', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['teacher'], login: 'fresh' })
  const old = await makePerson(db, { roles: ['teacher'], login: 'legacy' })
  await db.updateTable('users').set({ password_hash: await argon2.hash(PASSWORD, { type: argon2.argon2id }) }).where('id', '=', old.userId!).execute()
  const off = await makePerson(db, { roles: ['teacher'], login: 'off' })
  await db.updateTable('users').set({ disabled_at: nowIso() }).where('id', '=', off.userId!).execute()
  const floor = await failedLoginMs()
  t.ok(floor > 0, `a refusal takes at least ${Math.round(floor)} ms`)
  const c = new Client(app)
  await c.get('/login')
  for (const login of ['nobody-here', 'fresh', 'legacy', 'off']) {
    const started = performance.now()
    const res = await c.post('/login', { login, password: 'wrong-password' })
    const took = performance.now() - started
    t.equal(res.statusCode, 401, `${login} refused`)
    t.ok(took >= floor, `${login}: ${Math.round(took)} ms, not less than ${Math.round(floor)} ms`)
  }
})
