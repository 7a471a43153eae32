// Every route the app registers, tried anonymously and as a student and a parent (R-ACC-2,3; R-ROLE 8,9).
// A new route that forgets its guard fails here even if its own area's tests forget it too.
import t from 'tap'
import { buildTestApp, makePerson, loginAs, Client } from './helper.js'

// Routes anyone may reach.
const PUBLIC = new Set(['GET /login', 'POST /login', 'GET /register', 'POST /register', 'GET /healthz', 'POST /logout', 'GET /static/*',
  // The unsubscribe link in a digest e-mail works without logging in (the token is the key).
  'GET /digest/unsubscribe/:token', 'POST /digest/unsubscribe/:token',
  // Anyone at the school may check a printed document's code (R-ARC-4).
  'GET /verify', 'GET /verify/:code', 'POST /verify/:code'])

function concrete(url: string): string {
  return url.replace(/:([a-zA-Z]+)/g, (_m, name: string) => (/token|code/i.test(name) ? 'abcdef' : '1'))
}

t.test('no route is open to anonymous visitors or to families unless meant to be', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await makePerson(db, { roles: ['student'], login: 'kid' })
  await makePerson(db, { roles: ['parent'], login: 'mum' })
  const routes = app.routeList.filter((r) => !PUBLIC.has(`${r.method} ${r.url}`))
  const family = routes.filter((r) => r.family).map((r) => `${r.method} ${r.url}`)
  t.ok(family.includes('GET /') && family.includes('GET /account'), 'families reach their start page and account')
  // Families download their child's homework files through the journal's file route (scoped by canFamilyDownload).
  const staffAreas = family.filter((r) => r !== 'GET /journal/files/:id')
  t.notOk(staffAreas.some((r) => /journal|finals|timetable|school|students|staff|admin|audit|plan|settings/.test(r)), `no staff area is marked for families: ${family.join(', ')}`)
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
      // Family routes declare config.family and are tested for scoping by their area (never another family).
      if (r.family) continue
      const url = concrete(r.url)
      const res = r.method === 'GET' ? await c.get(url) : await c.post(url, {})
      t.ok([403, 404].includes(res.statusCode), `${login}: ${r.method} ${r.url} refused (got ${res.statusCode})`)
    }
  }
  const auditAfter = await db.selectFrom('audit_log').select('id').where('action', '<>', 'auth.login').execute()
  t.equal(auditAfter.length, auditBefore.length, 'no refused request wrote anything')
})
