// The finals area answered for every role: each route, GET and POST, with refused requests writing nothing
// (R-ROLE, R-ACC-2,3, R-FIN-4). A teacher writes only their own pages; the class teacher and the administration read.
import t from 'tap'
import { count, finalsAudit, world, ROLE_NAMES, type RoleName } from './finals.seed.js'

type Who = RoleName | 'teacher2'
const ALL: Who[] = [...ROLE_NAMES, 'teacher2']
const READERS: Who[] = ['teacher', 'classTeacher', 'admin', 'director', 'deputy']

function expected(allowed: Who[], who: Who, ok = 200): number {
  if (who === 'anonymous') return 302
  return allowed.includes(who) ? ok : 403
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const w = await world(t, ALL)
  const { s, db } = w
  // A set mark with a pending correction (grade 5: the deputy's).
  await w.as.teacher.post(`/finals/class/${s.c5a}/${s.subjects.math}/set/p${s.q2}`, { [`m_${s.u.student.personId}`]: '4' })
  const mark = await db.selectFrom('final_marks').select('id').executeTakeFirstOrThrow()
  await w.as.teacher.post(`/finals/class/${s.c5a}/${s.subjects.math}/correct/${mark.id}`, { new_value: '5', explanation: 'Пересдача.' })
  const corr = await db.selectFrom('final_corrections').select('id').executeTakeFirstOrThrow()
  return { w, markId: mark.id, corrId: corr.id }
}
t.test('R-ROLE: every GET route of the finals area answers each role as it should', async (t) => {
  const { w, markId, corrId } = await setup(t)
  const { s } = w
  const page5 = `/finals/class/${s.c5a}/${s.subjects.math}`
  const routes: [string, Who[]][] = [
    ['/finals', [...READERS, 'teacher2']],
    [page5, READERS],
    [`${page5}?history=1`, READERS],
    [`/finals/class/${s.c9a}/${s.subjects.math}`, ['teacher', 'admin', 'director', 'deputy']],
    [`/finals/group/${s.g5aEng}`, ['teacher2', 'classTeacher', 'admin', 'director', 'deputy']],
    [`${page5}/set/p${s.q2}`, ['teacher']],
    [`/finals/group/${s.g5aEng}/set/p${s.q2}`, ['teacher2']],
    [`${page5}/correct/${markId}`, ['teacher']],
    ['/finals/corrections', ['deputy', 'director']],
    [`/finals/corrections/${corrId}`, ['deputy']],
  ]
  for (const [url, allowed] of routes) {
    for (const who of ALL) {
      const res = await w.as[who].get(url)
      t.equal(res.statusCode, expected(allowed, who), `${who} GET ${url}`)
      if (who === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
  // teacher2 keeps an English group and nothing of 5А's mathematics; the class teacher reads 5А only.
  t.match((await w.as.teacher2.get('/finals')).body, `/finals/group/${s.g5aEng}`)
  t.match((await w.as.classTeacher.get('/finals')).body, page5, 'the class teacher finds the class’s pages')
  t.notMatch((await w.as.classTeacher.get(page5)).body, '/set/', 'read only: no set links')
  t.match((await w.as.deputy.get(`/finals?class=${s.c5a}`)).body, page5)
  t.equal((await w.as.classTeacher.get(`/finals?class=${s.c9a}`)).statusCode, 404, 'not their class')
  t.equal((await w.as.teacher.get(`/finals/class/999/${s.subjects.math}`)).statusCode, 404)
  t.equal((await w.as.teacher.get(`${page5}/set/p999`)).statusCode, 404)
  t.equal((await w.as.teacher.get(`${page5}/correct/999`)).statusCode, 404)
  t.equal((await w.as.deputy.get('/finals/corrections/999')).statusCode, 404)
  t.equal((await w.as.teacher.get(`/finals/class/${s.c5a}/${s.subjects.english}`)).statusCode, 403, 'not the teacher’s subject')
})

t.test('R-ROLE: every POST route refuses the roles that may not write, and writes nothing', async (t) => {
  const { w, markId, corrId } = await setup(t)
  const { s, db } = w
  const page5 = `/finals/class/${s.c5a}/${s.subjects.math}`
  const routes: [string, Record<string, string>, Who][] = [
    [`${page5}/set/p${s.q2}`, { [`m_${s.s3.personId}`]: '3' }, 'teacher'],
    [`/finals/group/${s.g5aEng}/set/p${s.q2}`, { [`m_${s.s2.personId}`]: 'н/а' }, 'teacher2'],
    [`/finals/corrections/${corrId}/refuse`, { note: 'Нет оснований.' }, 'deputy'],
    // After the refusal the mark has no pending correction: a new request can be made.
    [`${page5}/correct/${markId}`, { new_value: '3', explanation: 'Ошибка.' }, 'teacher'],
  ]
  for (const [url, form, allowed] of routes) {
    const before = [await count(db, 'final_marks'), await count(db, 'final_corrections'), await finalsAudit(db)]
    for (const who of ALL.filter((x) => x !== allowed)) {
      const res = await w.as[who].post(url, form)
      t.equal(res.statusCode, expected([], who), `${who} POST ${url}`)
    }
    t.same([await count(db, 'final_marks'), await count(db, 'final_corrections'), await finalsAudit(db)], before, `refused POSTs to ${url} wrote nothing`)
    t.equal((await w.as[allowed].post(url, form)).statusCode, 303, `${allowed} POST ${url}`)
  }
  // The other decision route, for each role, on a fresh pending correction.
  const pending = await db.selectFrom('final_corrections').select('id').where('status', '=', 'pending').executeTakeFirstOrThrow()
  const before = await finalsAudit(db)
  for (const who of ALL.filter((x) => x !== 'deputy')) {
    t.equal((await w.as[who].post(`/finals/corrections/${pending.id}/approve`, {})).statusCode, expected([], who), `${who} POST approve`)
  }
  t.equal(await finalsAudit(db), before, 'nothing written')
  t.equal((await w.as.deputy.post(`/finals/corrections/${pending.id}/approve`, {})).statusCode, 303, 'deputy POST approve')
  t.equal((await db.selectFrom('final_marks').select('value').where('id', '=', markId).executeTakeFirstOrThrow()).value, '3')
})
