// Document integrity answered for every role (R-ROLE, R-ACC-2,3, R-ARC-4): verification is open to anyone,
// even without an account; the registry is the administration's; the signing key is the administrator's alone.
import t from 'tap'
import { mkdtempSync, readdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, loginAs, Client, type TestApp } from './helper.js'
import { seed, ROLE_NAMES, type RoleName } from './school.seed.js'
import { issueDocument } from '../src/print/documents.js'
import { makeSelfSignedP12 } from '../src/print/signing.js'

t.setTimeout(120_000)

async function world(t: { teardown(fn: () => unknown): void }): Promise<TestApp & { as: Record<RoleName, Client>; s: Awaited<ReturnType<typeof seed>> }> {
  const ta = await buildTestApp({ dataDir: mkdtempSync(path.join(tmpdir(), 'integrity-roles-')) })
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = {} as Record<RoleName, Client>
  for (const r of ROLE_NAMES) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, r === 'classTeacher' ? 'ct' : r)
  }
  return { ...ta, as, s }
}

function expected(allowed: readonly RoleName[] | 'all', who: RoleName, ok = 200): number {
  if (allowed === 'all') return ok
  if (who === 'anonymous') return 302
  return allowed.includes(who) ? ok : 403
}

const REGISTRY: RoleName[] = ['admin', 'director', 'deputy']
const SIGNING: RoleName[] = ['admin']

t.test('R-ARC-4, R-ROLE: verification by code answers everyone, logged in or not, students and parents included', async (t) => {
  const w = await world(t)
  const doc = await issueDocument({ db: w.db, dataDir: w.config.dataDir, baseUrl: 'http://x' }, { userId: w.s.u.deputy.userId, personId: w.s.u.deputy.personId },
    { kind: 'report', title: 'Отчёт для проверки', subjectKey: 'r', yearId: null }, async () => ({ pdf: Buffer.from('%PDF-1.4\n%%EOF\n'), pages: 1 }))
  for (const who of ROLE_NAMES) {
    const form = await w.as[who].get('/verify')
    t.equal(form.statusCode, 200, `${who} GET /verify`)
    const page = await w.as[who].get(`/verify/${doc.code}`)
    t.equal(page.statusCode, 200, `${who} GET /verify/:code`)
    t.match(page.body, 'Отчёт для проверки')
    const check = await w.as[who].upload(`/verify/${doc.code}`, {}, { field: 'file', name: 'a.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') })
    t.equal(check.statusCode, 200, `${who} POST /verify/:code`)
    t.match(check.body, 'Это тот самый зарегистрированный документ')
  }
  const routes = w.app.routeList.filter((r) => r.url.startsWith('/verify'))
  t.ok(routes.length === 3 && routes.every((r) => r.family), 'the verification routes are declared open to families')
})

t.test('R-ARC-4: verification is rate-limited per address, apart from the login attempts', async (t) => {
  const { app } = await buildTestApp({ dataDir: mkdtempSync(path.join(tmpdir(), 'integrity-rl-')) })
  t.teardown(() => app.close())
  const anon = new Client(app)
  const codes: number[] = []
  for (let i = 0; i < 31; i++) codes.push((await anon.get('/verify/AAAAABBBBB')).statusCode)
  t.same([...new Set(codes.slice(0, 30))], [404], 'thirty lookups a minute are answered')
  t.equal(codes[30], 429, 'the thirty-first is refused')
  const refused = await anon.get('/verify')
  t.match(refused.body, 'Слишком много запросов')
  t.equal((await anon.get('/login')).statusCode, 200, 'the login page is still there')
})

t.test('R-ROLE: the registry and the signing key answer each role as they should', async (t) => {
  const w = await world(t)
  const doc = await issueDocument({ db: w.db, dataDir: w.config.dataDir, baseUrl: 'http://x' }, { userId: null, personId: null },
    { kind: 'report', title: 'Отчёт', subjectKey: 'r', yearId: w.s.year }, async () => ({ pdf: Buffer.from('%PDF-1.4\n%%EOF\n'), pages: 1 }))
  const routes: [string, RoleName[]][] = [
    ['/documents', REGISTRY],
    [`/documents/${doc.id}/pdf`, REGISTRY],
    ['/settings/signing', SIGNING],
    ['/settings/signing/self-signed', SIGNING],
  ]
  for (const [url, allowed] of routes) {
    for (const who of ROLE_NAMES) {
      const res = await w.as[who].get(url)
      t.equal(res.statusCode, expected(allowed, who), `${who} GET ${url}`)
      if (who === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
})

t.test('R-ROLE: only the administrator changes the signing key; refused requests write nothing', async (t) => {
  const w = await world(t)
  const keys = path.join(w.config.dataDir, 'keys')
  const snapshot = async () => [
    existsSync(keys) ? readdirSync(keys).length : 0,
    (await w.db.selectFrom('school_settings').select('key').where('key', 'like', 'signing%').execute()).length,
    (await w.db.selectFrom('audit_log').select('id').where('action', 'like', 'signing.%').execute()).length,
  ]
  const p12 = makeSelfSignedP12({ commonName: 'Школа' }, 'pw')
  const before = await snapshot()
  for (const who of ROLE_NAMES.filter((r) => r !== 'admin')) {
    const up = await w.as[who].upload('/settings/signing', { passphrase: 'pw' }, { field: 'file', name: 'k.p12', type: 'application/x-pkcs12', data: p12 })
    t.equal(up.statusCode, expected([], who), `${who} POST /settings/signing`)
    t.equal((await w.as[who].post('/settings/signing/self-signed')).statusCode, expected([], who), `${who} POST /settings/signing/self-signed`)
    t.equal((await w.as[who].post('/settings/signing/sample')).statusCode, expected([], who), `${who} POST /settings/signing/sample`)
  }
  t.same(await snapshot(), before, 'refused requests wrote nothing')
  const up = await w.as.admin.upload('/settings/signing', { passphrase: 'pw' }, { field: 'file', name: 'k.p12', type: 'application/x-pkcs12', data: p12 })
  t.equal(up.statusCode, 303, 'admin POST /settings/signing')
  t.equal((await w.as.admin.post('/settings/signing/self-signed')).statusCode, 303, 'admin POST /settings/signing/self-signed')
  t.same(await snapshot(), [2, 2, 2], 'the administrator’s two keys are stored and audited')
})
