// Every route the app registers, tried anonymously and as a student and a parent (R-ACC-2,3; R-ROLE 8,9).
// A new route that forgets its guard fails here even if its own area's tests forget it too.
import t from 'tap'
import { buildTestApp, makePerson, loginAs, Client } from './helper.js'

// Routes anyone may reach.
const PUBLIC = new Set(['GET /login', 'POST /login', 'GET /register', 'POST /register', 'GET /healthz', 'POST /logout', 'GET /static/*'])
// Routes a family member may reach (their own account; later: their own diary).
const FAMILY = new Set(['GET /', 'GET /account', 'GET /account/password', 'POST /account/password', 'POST /account/contacts', 'POST /logout-all'])

function concrete(url: string): string {
  return url.replace(/:([a-zA-Z]+)/g, (_m, name: string) => (/token|code/i.test(name) ? 'abcdef' : '1'))
}

t.test('no route is open to anonymous visitors or to families unless meant to be', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['student'], login: 'kid' })
  await makePerson(db, { roles: ['parent'], login: 'mum' })
  const routes = app.routeList.filter((r) => !PUBLIC.has(`${r.method} ${r.url}`))
  t.ok(routes.length > 60, `${routes.length} guarded routes`)

  const anon = new Client(app)
  await anon.get('/login')
  for (const r of routes) {
    const url = concrete(r.url)
    const res = r.method === 'GET' ? await anon.get(url) : await anon.post(url, {})
    t.ok([302, 303].includes(res.statusCode) && String(res.headers.location).startsWith('/login'),
      `anonymous ${r.method} ${r.url} → login (got ${res.statusCode})`)
  }

  const auditBefore = await db.selectFrom('audit_log').select('id').where('action', '<>', 'auth.login').execute()
  for (const login of ['kid', 'mum']) {
    const c = await loginAs(app, login)
    for (const r of routes) {
      if (FAMILY.has(`${r.method} ${r.url}`)) continue
      const url = concrete(r.url)
      const res = r.method === 'GET' ? await c.get(url) : await c.post(url, {})
      t.ok([403, 404].includes(res.statusCode), `${login}: ${r.method} ${r.url} refused (got ${res.statusCode})`)
    }
  }
  const auditAfter = await db.selectFrom('audit_log').select('id').where('action', '<>', 'auth.login').execute()
  t.equal(auditAfter.length, auditBefore.length, 'no refused request wrote anything')
})
