// Test helper: a migrated app on a fresh database, factories for people, and a client that logs in through
// the real login form and carries cookies and the CSRF token like a browser.
import { hashPassword } from '../src/features/auth/auth.service.js'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { openDatabase, type DB } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Role } from '../src/db/types.js'
import { nowIso } from '../src/lib/dates.js'
import { BrowserPool } from '../src/print/browser.js'

export const PASSWORD = 'test-password-1'
let passwordHash: Promise<string> | null = null
/** One argon2id hash per test process: hashing is deliberately slow, tests make many users. */
export function testPasswordHash(): Promise<string> {
  passwordHash ??= hashPassword(PASSWORD)
  return passwordHash
}

export interface TestApp { app: FastifyInstance; db: DB; config: Config }

export async function buildTestApp(overrides: Partial<Config> = {}, dbFile = ':memory:'): Promise<TestApp> {
  const config = loadConfig({}, { dataDir: overrides.dataDir ?? '/tmp/journal-test-data', dbFile, logLevel: 'silent', ...overrides })
  const db = openDatabase(dbFile)
  await migrateToLatest(db)
  const app = await buildApp({ config, db, secret: 'test-secret-test-secret-test-secret-0123', logger: false })
  await app.ready()
  return { app, db, config }
}

/** A migrated app listening on loopback, and a Chromium with JavaScript off to drive it; both closed at teardown. */
export async function buildBrowserApp(t: { teardown(fn: () => unknown): void }, overrides: Partial<Config> = {}) {
  const built = await buildTestApp(overrides)
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`
  const pool = new BrowserPool(built.config.chromiumPath, 1, false)
  t.teardown(async () => { await pool.close(); await built.app.close() })
  return { ...built, base, pool }
}

let counter = 0
export interface PersonSpec { last?: string; first?: string; middle?: string; roles?: Role[]; login?: string | null; email?: string }

/** A person with roles and (unless login is null) an account with PASSWORD. */
export async function makePerson(db: DB, spec: PersonSpec = {}): Promise<{ personId: number; userId: number | null; login: string | null }> {
  counter++
  const p = await db.insertInto('persons').values({
    last_name: spec.last ?? `Тестов${counter}`, first_name: spec.first ?? 'Иван', middle_name: spec.middle ?? 'Петрович',
    email: spec.email ?? null, created_at: nowIso(),
  }).returning('id').executeTakeFirstOrThrow()
  for (const role of spec.roles ?? []) await db.insertInto('person_roles').values({ person_id: p.id, role }).execute()
  if (spec.roles?.includes('student')) await db.insertInto('students').values({ person_id: p.id }).execute()
  if (spec.roles?.includes('parent')) await db.insertInto('parents').values({ person_id: p.id }).execute()
  if (spec.login === null) return { personId: p.id, userId: null, login: null }
  const login = spec.login ?? `user${counter}`
  const u = await db.insertInto('users').values({
    person_id: p.id, login, password_hash: await testPasswordHash(), created_at: nowIso(), password_changed_at: nowIso(),
  }).returning('id').executeTakeFirstOrThrow()
  return { personId: p.id, userId: u.id, login }
}

type Form = Record<string, string | number | boolean | (string | number)[] | undefined>

export function encodeForm(form: Form): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined || v === false) continue
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)))
    else p.append(k, v === true ? 'on' : String(v))
  }
  return p.toString()
}

/** A browser-like client: keeps cookies, reads the CSRF token from a page, follows nothing by itself. */
export class Client {
  cookies = new Map<string, string>()
  csrfToken: string | null = null
  constructor(readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keep(res: { headers: Record<string, unknown> }): void {
    const set = res.headers['set-cookie']
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const [pair, ...attrs] = c.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0\b/i.test(a.trim()))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...headers, cookie: this.cookieHeader() } })
    this.keep(res)
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (m) this.csrfToken = m[1]
    return res
  }

  async token(): Promise<string> {
    if (!this.csrfToken) await this.get('/login')
    if (!this.csrfToken) await this.get('/account')
    return this.csrfToken!
  }

  async post(url: string, form: Form = {}, opts: { csrf?: boolean } = {}) {
    const body = opts.csrf === false ? form : { _csrf: await this.token(), ...form }
    const res = await this.app.inject({
      method: 'POST', url, payload: encodeForm(body),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    })
    this.keep(res)
    return res
  }

  /** Multipart upload (files and fields); the CSRF token travels in the query string. */
  async upload(url: string, fields: Record<string, string>, file: { field: string; name: string; type: string; data: Buffer }) {
    const boundary = '----test' + Math.random().toString(16).slice(2)
    const parts: Buffer[] = []
    for (const [k, v] of Object.entries(fields)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
    }
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
    parts.push(file.data, Buffer.from(`\r\n--${boundary}--\r\n`))
    const sep = url.includes('?') ? '&' : '?'
    const res = await this.app.inject({
      method: 'POST', url: `${url}${sep}_csrf=${encodeURIComponent(await this.token())}`, payload: Buffer.concat(parts),
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    })
    this.keep(res)
    return res
  }
}

/** Logs in through the real form; throws when the form does not accept the credentials. */
export async function loginAs(app: FastifyInstance, login: string, password = PASSWORD): Promise<Client> {
  const c = new Client(app)
  await c.get('/login')
  const res = await c.post('/login', { login, password })
  if (res.statusCode !== 303) throw new Error(`login as ${login} failed: ${res.statusCode}`)
  return c
}

/**
 * A logged-in client per role of a fixture (the login of each from loginOf; 'anonymous' only visits /login),
 * for the tests that try every route as every role.
 */
export async function clientsByRole<R extends string>(app: FastifyInstance, roles: readonly R[], loginOf: (role: R) => string = (r) => r): Promise<Record<R, Client>> {
  const as = {} as Record<R, Client>
  for (const r of roles) {
    as[r] = r === 'anonymous' ? new Client(app) : await loginAs(app, loginOf(r))
    if (r === 'anonymous') await as[r].get('/login')
  }
  return as
}
