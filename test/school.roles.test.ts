// The school area answered for every role: each route, each role, GET and POST (R-ROLE, R-ACC-2,3).
import t from 'tap'
import { auditCount, expectFor, world, EDITORS, READERS, ROLE_NAMES, type RoleName } from './school.seed.js'

t.test('R-ROLE: every GET route answers each role as it should', async (t) => {
  const w = await world(t)
  const { s } = w
  const routes: [string, RoleName[], number?][] = [
    ['/school', READERS],
    ['/school/settings', ['admin']],
    ['/school/years', READERS],
    [`/school/years/${s.year}`, READERS],
    ['/school/years/new', EDITORS],
    [`/school/years/${s.year}/edit`, EDITORS],
    [`/school/years/${s.year}/bands`, EDITORS],
    [`/school/years/${s.year}/periods/quarter`, EDITORS],
    [`/school/years/${s.year}/holidays/new`, EDITORS],
    [`/school/holidays/${s.holiday}/edit`, EDITORS],
    [`/school/holidays/${s.holiday}/delete`, EDITORS],
    ['/school/subjects', READERS],
    ['/school/subjects/new', EDITORS],
    [`/school/subjects/${s.subjects.art}/edit`, EDITORS],
    [`/school/subjects/${s.subjects.art}/delete`, EDITORS],
    [`/school/years/${s.year}/classes`, READERS],
    [`/school/years/${s.year}/classes/new`, EDITORS],
    [`/school/classes/${s.c5a}`, READERS],
    [`/school/classes/${s.c5a}/edit`, EDITORS],
    [`/school/classes/${s.c5a}/curriculum`, EDITORS],
    [`/school/years/${s.year}/workload`, READERS],
    [`/school/years/${s.year}/workload/new`, EDITORS],
    [`/school/workload/${s.w}/delete`, EDITORS],
    [`/school/years/${s.year}/groups`, [...READERS, 'classTeacher']],
    ['/school/groups', [...READERS, 'classTeacher'], 302],
    [`/school/years/${s.year}/groups/new`, EDITORS],
    [`/school/groups/${s.g5aEng}/edit`, EDITORS],
    [`/school/groups/${s.g5aEng}/members`, [...READERS, 'classTeacher']],
    [`/school/groups/${s.g5bEng}/members`, READERS],
    [`/school/groups/${s.gCross}/members`, READERS],
  ]
  for (const [url, allowed, ok] of routes) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(allowed, role, ok), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
})

t.test('R-ROLE: every POST route refuses the roles that may not write, and writes nothing', async (t) => {
  const w = await world(t)
  const { s } = w
  const routes: [string, Record<string, string | string[]>, RoleName[]][] = [
    ['/school/settings', { school_name: 'Школа' }, ['admin']],
    ['/school/years/new', { name: '2027/2028', starts_on: '2027-09-01', ends_on: '2028-08-31' }, EDITORS],
    [`/school/years/${s.year}/edit`, { name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-08-31' }, EDITORS],
    [`/school/years/${s.year}/bands`, { from_1: '1', to_1: '11', scheme_1: 'trimester' }, EDITORS],
    [`/school/years/${s.year}/periods/half`, { start_1: '2026-09-01', end_1: '2026-12-20', start_2: '2027-01-09', end_2: '2027-05-26' }, EDITORS],
    [`/school/years/${s.year}/holidays/new`, { name: 'Зимние', starts_on: '2026-12-29', ends_on: '2027-01-08' }, EDITORS],
    [`/school/holidays/${s.holiday}/edit`, { name: 'Осенние', starts_on: '2026-10-26', ends_on: '2026-11-04' }, EDITORS],
    [`/school/holidays/${s.holiday}/delete`, {}, EDITORS],
    ['/school/subjects/new', { name: 'Химия', short_name: 'Хим.' }, EDITORS],
    [`/school/subjects/${s.subjects.art}/edit`, { name: 'ИЗО', short_name: 'ИЗО' }, EDITORS],
    [`/school/subjects/${s.subjects.art}/delete`, {}, EDITORS],
    [`/school/years/${s.year}/classes/new`, { grade: '6', letter: 'А' }, EDITORS],
    [`/school/classes/${s.c5a}/edit`, { grade: '5', letter: 'А' }, EDITORS],
    [`/school/classes/${s.c5a}/curriculum`, { [`h_${s.subjects.math}`]: '4' }, EDITORS],
    [`/school/years/${s.year}/workload/new`, { teacher_id: String(s.u.teacher.personId), subject_id: String(s.subjects.english), target: `c:${s.c5b}` }, EDITORS],
    [`/school/workload/${s.w}/delete`, {}, EDITORS],
    [`/school/years/${s.year}/groups/new`, { kind: 'subgroup', class_id: String(s.c5a), subject_id: String(s.subjects.english) }, EDITORS],
    [`/school/groups/${s.g5aEng}/edit`, { name: 'Англ. 1' }, EDITORS],
    [`/school/groups/${s.g5aEng}/members`, { student: String(s.s2.personId) }, [...EDITORS, 'classTeacher']],
    [`/school/groups/${s.g5bEng}/members`, { student: String(s.s3.personId) }, EDITORS],
    [`/school/groups/${s.gCross}/members`, { student: String(s.s3.personId) }, EDITORS],
  ]
  for (const [url, form, allowed] of routes) {
    for (const role of ROLE_NAMES) {
      if (allowed.includes(role)) continue
      const before = await auditCount(w.db)
      const res = await w.as[role].post(url, form)
      t.equal(res.statusCode, expectFor(allowed, role), `${role} POST ${url}`)
      t.equal(await auditCount(w.db), before, `${role} POST ${url} wrote nothing`)
    }
  }
  t.ok(await w.db.selectFrom('holidays').select('id').where('id', '=', s.holiday).executeTakeFirst(), 'the holiday is still there')
  t.ok(await w.db.selectFrom('workload').select('id').where('id', '=', s.w).executeTakeFirst(), 'the workload is still there')
  t.equal((await w.db.selectFrom('group_members').selectAll().execute()).length, 0, 'no membership written')
})
