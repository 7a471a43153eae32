// Every route of the summary sheet and year journal, answered for every role (R-ROLE, R-ACC-2,3, R-ARC-2,3):
// the class's own class teacher and the administration read, a class teacher never another class, families and
// other staff never; refused requests write nothing.
import t from 'tap'
import { fmtDate } from '../src/lib/dates.js'
import { day, ROLE_NAMES, world, type Who } from './summary.seed.js'

const ALL: Who[] = [...ROLE_NAMES, 'teacher2', 'ct9']

function expected(allowed: Who[], who: Who, ok: number): number {
  if (who === 'anonymous') return 302
  return allowed.includes(who) ? ok : 403
}

t.test('R-ROLE: every route of the area answers each role as it should', async (t) => {
  const w = await world(t, ALL)
  const { s, db } = w
  const c = s.c5a
  // Issued documents exist, so that the .pdf routes have something to send.
  t.equal((await w.as.deputy.post(`/summary/${c}/issue`)).statusCode, 303)
  t.equal((await w.as.deputy.post(`/summary/${c}/journal/issue`)).statusCode, 303)

  const readers: Who[] = ['admin', 'director', 'deputy', 'classTeacher']
  const gets: [string, Who[], number][] = [
    ['/summary', ['admin', 'director', 'deputy', 'classTeacher', 'ct9'], 200],
    [`/summary/${c}`, readers, 200],
    [`/summary/${c}.pdf`, readers, 200],
    [`/summary/${c}/decisions`, ['deputy', 'classTeacher'], 200],
    [`/summary/${c}/journal`, readers, 200],
    [`/summary/${c}/journal/preview`, readers, 200],
    [`/summary/${c}/journal/preview?page=g${s.group}`, readers, 200],
    [`/summary/${c}/journal.pdf`, ['admin', 'director', 'deputy'], 200],
    [`/summary/${s.c9a}`, ['admin', 'director', 'deputy', 'ct9'], 200],
  ]
  for (const [url, allowed, ok] of gets) {
    for (const who of ALL) {
      const res = await w.as[who].get(url)
      t.equal(res.statusCode, expected(allowed, who, ok), `${who} GET ${url}`)
      if (who === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
      if (res.statusCode === 200 && url.endsWith('.pdf')) t.match(res.headers['content-type'], 'application/pdf', `${who} gets the PDF of ${url}`)
    }
  }
  // The list shows each class teacher only their own class.
  t.match((await w.as.classTeacher.get('/summary')).body, `/summary/${c}"`)
  t.notMatch((await w.as.classTeacher.get('/summary')).body, `/summary/${s.c9a}"`, 'the class teacher of 5А does not see 9А')
  t.match((await w.as.deputy.get('/summary')).body, `/summary/${s.c9a}"`, 'the deputy sees every class')
  // Ids that name nothing answer 404; an unknown page of the journal too.
  t.equal((await w.as.deputy.get('/summary/99999')).statusCode, 404)
  t.equal((await w.as.deputy.get('/summary/abc')).statusCode, 404)
  t.equal((await w.as.deputy.get(`/summary/${c}/journal/preview?page=g99999`)).statusCode, 404)
  t.equal((await w.as.deputy.get('/summary?year=99999')).statusCode, 404)

  // POST routes: refused ones write nothing; allowed ones do their work.
  const count = async () => ({
    audit: (await db.selectFrom('audit_log').select('id').where('action', '<>', 'auth.login').execute()).length,
    docs: (await db.selectFrom('documents').select('id').execute()).length,
    decisions: (await db.selectFrom('promotion_decisions').selectAll().execute()).length,
  })
  const decisionForm = { [`d_${s.u.student.personId}`]: 'promoted', council_date: fmtDate(day(-1)), protocol: '5' }
  const posts: [string, Record<string, string>, Who[]][] = [
    [`/summary/${c}/issue`, {}, readers],
    [`/summary/${c}/decisions`, decisionForm, ['deputy', 'classTeacher']],
    [`/summary/${c}/journal/issue`, {}, ['admin', 'director', 'deputy']],
  ]
  for (const [url, form, allowed] of posts) {
    for (const who of ALL) {
      const before = await count()
      const res = await w.as[who].post(url, form)
      t.equal(res.statusCode, expected(allowed, who, 303), `${who} POST ${url}`)
      if (res.statusCode !== 303) t.same(await count(), before, `${who} POST ${url} wrote nothing`)
    }
  }
  const after = await count()
  t.equal(after.docs, 2 + readers.length + 3, 'each allowed issue made one document')
  t.equal(after.decisions, 1)
})

t.test('R-ARC-2: a class teacher reaches only their own class, whatever the URL', async (t) => {
  const w = await world(t, ['ct9', 'classTeacher'])
  const { s, db } = w
  for (const url of [`/summary/${s.c5a}`, `/summary/${s.c5a}/decisions`, `/summary/${s.c5a}/journal`, `/summary/${s.c5a}/journal/preview`, `/summary/${s.c5a}.pdf`]) {
    const res = await w.as.ct9.get(url)
    t.equal(res.statusCode, 403, `9А’s class teacher: GET ${url}`)
    t.notMatch(res.body, 'Антонов', 'no names of another class')
  }
  const res = await w.as.ct9.post(`/summary/${s.c5a}/decisions`, { [`d_${s.u.student.personId}`]: 'retained', council_date: fmtDate(day(-1)), protocol: '1' })
  t.equal(res.statusCode, 403)
  t.equal((await db.selectFrom('promotion_decisions').selectAll().execute()).length, 0)
  t.equal((await w.as.classTeacher.post(`/summary/${s.c5a}/journal/issue`)).statusCode, 403, 'the class teacher previews the year journal but does not issue it')
  t.equal((await w.as.classTeacher.get(`/summary/${s.c5a}/journal.pdf`)).statusCode, 403)
  const page = await w.as.classTeacher.get(`/summary/${s.c5a}/journal`)
  t.notMatch(page.body, `action="/summary/${s.c5a}/journal/issue"`, 'no issue button for the class teacher')
  t.match(page.body, 'классный руководитель может его просмотреть')
})
