// The audit log page: who may read it, filters, and that it offers no way to change anything (R-ACC-5).
import t from 'tap'
import { buildTestApp, makePerson, loginAs, Client } from './helper.js'

t.test('audit log: readers, filters, paging, no write routes', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const logins: Record<string, string> = {}
  for (const role of ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk', 'student', 'parent'] as const) {
    const p = await makePerson(db, { roles: [role], login: role, last: `Фамилия${role}` })
    logins[role] = p.login!
  }
  for (const role of ['admin', 'director', 'deputy']) {
    const c = await loginAs(app, role)
    const res = await c.get('/audit')
    t.equal(res.statusCode, 200, `${role} reads the log`)
    t.match(res.body, 'Вход в систему')
  }
  for (const role of ['scheduler', 'teacher', 'clerk', 'student', 'parent']) {
    const c = await loginAs(app, role)
    t.equal((await c.get('/audit')).statusCode, 403, `${role} is refused`)
  }
  t.equal((await new Client(app).get('/audit')).statusCode, 302, 'anonymous goes to login')

  const admin = await loginAs(app, 'admin')
  const byLogin = await admin.get('/audit?login=teacher')
  t.match(byLogin.body, 'Фамилияteacher')
  t.notMatch(byLogin.body, 'Фамилияdirector')
  const bad = await admin.get('/audit?from=32.13.2026')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'ДД.ММ.ГГГГ')
  t.match(bad.body, 'value="32.13.2026"', 'input kept')
  const escaped = await admin.get('/audit?login=%3Cscript%3E')
  t.notMatch(escaped.body, '<script>', 'filters are escaped')

  // Paging: 100 per page, older rows behind a link.
  const values = Array.from({ length: 150 }, (_, i) => ({ at: new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString(), actor_user_id: null, action: 'demo.create', entity: 'school', entity_id: String(i), before: null, after: null, ip: null }))
  await db.insertInto('audit_log').values(values).execute()
  const page1 = await admin.get('/audit?action=demo')
  const next = /href="(\/audit\?[^"]*before=\d+)"/.exec(page1.body)
  t.ok(next, 'a link to older rows')
  const page2 = await admin.get(next![1].replace(/&amp;/g, '&'))
  t.equal((page2.body.match(/Создание демонстрационной школы/g) ?? []).length - 1, 50, 'the remaining 50 rows (plus the filter option)')
  for (const method of ['POST', 'PUT', 'DELETE'] as const) {
    const res = await app.inject({ method, url: '/audit' })
    t.ok([403, 404].includes(res.statusCode), `${method} /audit does not exist or is refused`)
  }
})

t.test('every action the code writes has a Russian label; values read as «key: value»', async (t) => {
  const { readFileSync, readdirSync, statSync } = await import('node:fs')
  const path = await import('node:path')
  const { projectRoot } = await import('../src/lib/paths.js')
  const { actionLabel, describeValue } = await import('../src/features/audit/audit.routes.js')
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => {
    const p = path.join(d, f)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })
  const actions = new Set<string>()
  for (const f of walk(path.join(projectRoot, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/action: (?:[^'\n]*\? )?'([a-z_]+\.[a-z_.]+)'(?: : '([a-z_]+\.[a-z_.]+)')?/g)) {
      actions.add(m[1])
      if (m[2]) actions.add(m[2])
    }
  }
  t.ok(actions.size > 30, `${actions.size} actions found`)
  for (const a of actions) t.not(actionLabel(a), a, `${a} has a label`)
  const { entityLabel } = await import('../src/features/audit/audit.routes.js')
  const entities = new Set<string>()
  for (const f of walk(path.join(projectRoot, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/entity: '([a-z_]+)'/g)) entities.add(m[1])
  }
  for (const e of entities) t.not(entityLabel(e), e, `entity ${e} has a label`)
  t.same(describeValue('{"login":"anna","locked_until":null}'), ['login: anna', 'locked_until: —'])
  t.same(describeValue(null), [])
  t.same(describeValue('not json'), ['not json'])
})
