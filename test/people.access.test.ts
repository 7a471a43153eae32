// Every route of the people area for every role: who gets the page, who is refused, who is sent to log in, and
// that a class teacher never reaches a student of another class by id (R-ROLE-6,7; R-ACC-2,3; R-ORG-4,5).
import t from 'tap'
import { buildTestApp, loginAs, Client } from './helper.js'
import { makeSchool, type School, type RoleLogin } from './fixtures/rosters/school.js'

type Who = RoleLogin | 'anon'
const EVERYONE: Who[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'ct', 'ctb', 'clerk', 'student', 'parent', 'anon']

interface Case {
  method: 'GET' | 'POST' | 'UPLOAD'
  url: (s: School) => string
  form?: (s: School) => Record<string, string | string[]>
  /** Status for the roles that pass the guard; any other logged-in role gets 403, anonymous 302. */
  ok: Partial<Record<Who, number>>
}

const office = (n: number) => ({ admin: n, clerk: n })
const listers = (n: number, ctb = n) => ({ admin: n, director: n, deputy: n, clerk: n, ct: n, ctb })
const student = (s: School) => `/students/${s.sA}`
const parent = (s: School) => `/students/${s.sA}/parents/${s.pA}`

// In order: the POST that removes a parent link comes last.
const CASES: Case[] = [
  { method: 'GET', url: () => '/students', ok: listers(200) },
  { method: 'GET', url: () => '/students?departed=1&q=%D0%B8%D0%B2', ok: listers(200) },
  { method: 'GET', url: () => '/students/export.xlsx', ok: listers(200) },
  { method: 'GET', url: () => '/students/export.csv', ok: listers(200) },
  { method: 'GET', url: () => '/students/new', ok: office(200) },
  { method: 'POST', url: () => '/students/new', ok: office(400) },
  { method: 'GET', url: student, ok: listers(200, 404) },
  { method: 'GET', url: (s) => `${student(s)}/edit`, ok: office(200) },
  { method: 'POST', url: (s) => `${student(s)}/edit`, ok: office(400) },
  { method: 'GET', url: (s) => `${student(s)}/study`, ok: { ...office(200), ct: 200, ctb: 404 } },
  { method: 'POST', url: (s) => `${student(s)}/study`, ok: { ...office(400), ct: 400, ctb: 404 } },
  { method: 'GET', url: (s) => `${student(s)}/depart`, ok: office(200) },
  { method: 'POST', url: (s) => `${student(s)}/depart`, ok: office(400) },
  { method: 'GET', url: (s) => `${student(s)}/transfer`, ok: office(200) },
  { method: 'POST', url: (s) => `${student(s)}/transfer`, ok: office(400) },
  // Arrival of a student who is still enrolled: back to the card with a message.
  { method: 'GET', url: (s) => `${student(s)}/arrive`, ok: office(303) },
  { method: 'POST', url: (s) => `${student(s)}/arrive`, ok: office(400) },
  { method: 'GET', url: (s) => `${student(s)}/parents/new`, ok: { ...office(200), ct: 200, ctb: 404 } },
  { method: 'POST', url: (s) => `${student(s)}/parents/new`, ok: { ...office(400), ct: 400, ctb: 404 } },
  { method: 'GET', url: (s) => `${student(s)}/parents/link?q=%D0%A1%D0%B8`, ok: { ...office(200), ct: 200, ctb: 404 } },
  { method: 'POST', url: (s) => `${student(s)}/parents/link`, ok: { ...office(400), ct: 400, ctb: 404 } },
  { method: 'GET', url: (s) => `${parent(s)}/edit`, ok: { ...office(200), ct: 200, ctb: 404 } },
  { method: 'POST', url: (s) => `${parent(s)}/edit`, ok: { ...office(400), ct: 400, ctb: 404 } },
  { method: 'GET', url: (s) => `${parent(s)}/consent`, ok: { deputy: 200, ct: 200, ctb: 404 } },
  { method: 'POST', url: (s) => `${parent(s)}/consent`, ok: { deputy: 400, ct: 400, ctb: 404 } },
  { method: 'GET', url: (s) => `${parent(s)}/unlink`, ok: office(200) },
  { method: 'GET', url: () => '/staff', ok: { ...office(200), director: 200, deputy: 200 } },
  { method: 'GET', url: () => '/staff/new', ok: office(200) },
  { method: 'POST', url: () => '/staff/new', ok: office(400) },
  { method: 'GET', url: (s) => `/staff/${s.p.teacher.personId}`, ok: { ...office(200), director: 200, deputy: 200 } },
  { method: 'GET', url: (s) => `/staff/${s.p.teacher.personId}/edit`, ok: office(200) },
  { method: 'POST', url: (s) => `/staff/${s.p.teacher.personId}/edit`, ok: office(400) },
  { method: 'POST', url: (s) => `/staff/${s.p.teacher.personId}/roles`, form: () => ({ roles: ['teacher'] }), ok: { admin: 303 } },
  { method: 'GET', url: () => '/my-class', ok: { ct: 200, ctb: 200 } },
  { method: 'GET', url: () => '/import', ok: { ...office(200), ct: 200, ctb: 200 } },
  { method: 'GET', url: () => '/import/template.xlsx', ok: { ...office(200), ct: 200, ctb: 200 } },
  { method: 'UPLOAD', url: () => '/import', ok: { ...office(400), ct: 400, ctb: 400 } },
  { method: 'POST', url: () => `/import/${'ab'.repeat(16)}/confirm`, ok: { ...office(404), ct: 404, ctb: 404 } },
  { method: 'POST', url: () => `/import/${'ab'.repeat(16)}/cancel`, ok: { ...office(303), ct: 303, ctb: 303 } },
  { method: 'POST', url: (s) => `${parent(s)}/unlink`, ok: office(303) },
]

for (const who of EVERYONE) {
  t.test(`every people route as ${who} (R-ROLE-6,7; R-ACC-2,3)`, async (t) => {
    const { app, db } = await buildTestApp()
    t.teardown(() => app.close())
    const s = await makeSchool(db)
    const c = who === 'anon' ? new Client(app) : await loginAs(app, who)
    for (const k of CASES) {
      const url = k.url(s)
      const res = k.method === 'GET' ? await c.get(url)
        : k.method === 'UPLOAD' ? await c.upload(url, { from_date: '' }, { field: 'file', name: 'empty.csv', type: 'text/csv', data: Buffer.alloc(0) })
        : await c.post(url, k.form?.(s) ?? {})
      const expected = who === 'anon' ? 302 : k.ok[who] ?? 403
      t.equal(res.statusCode, expected, `${k.method} ${url}`)
      if (who === 'anon') t.match(String(res.headers.location), /^\/login/, `${url} sends to login`)
      if (expected === 403) t.notMatch(res.body, 'Иванов Пётр', `${url} shows no student data`)
    }
    // Roles without any write right in this area wrote nothing but their login (and the logged reads).
    if (['director', 'scheduler', 'teacher', 'student', 'parent', 'anon', 'ctb'].includes(who)) {
      const actions = (await db.selectFrom('audit_log').select('action').execute()).map((r) => r.action)
      t.same(actions.filter((a) => !['auth.login', 'person.read', 'roster.export'].includes(a)), [], 'nothing written')
      t.equal((await db.selectFrom('parent_links').selectAll().execute()).length, 2, 'links intact')
    }
  })
}
