// The archive area's routes answered for every role: GET and POST, who passes, who gets 403, anonymous goes to
// login, refused requests write nothing; unknown years answer 404 (R-ROLE, R-ACC-2,3; R-ARC-5, R-ARC-6).
import t from 'tap'
import { expectFor, world, ROLE_NAMES, type RoleName, type World } from './archive.seed.js'

const ARCHIVE: RoleName[] = ['admin', 'director', 'deputy']
const CHECKLIST: RoleName[] = ['director', 'deputy']

async function writes(w: World): Promise<number> {
  const a = await w.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('action', 'like', 'archive.%'), eb('action', 'like', 'backup.%')])).executeTakeFirstOrThrow()
  const b = await w.db.selectFrom('backups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(a.n) + Number(b.n)
}

t.test('R-ROLE: every GET route of the archive area answers each role as it should', async (t) => {
  const w = await world(t)
  const routes: [string, RoleName[]][] = [
    ['/archive', ARCHIVE],
    [`/archive/years/${w.s.old}`, ARCHIVE],
    [`/archive/years/${w.s.year}`, ARCHIVE],
    [`/archive/years/${w.s.year}/close`, CHECKLIST],
    ['/admin/backups', ARCHIVE],
  ]
  for (const [url, allowed] of routes) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(allowed, role), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
  for (const url of ['/archive/years/999', '/archive/years/abc', '/archive/years/999/close']) {
    t.equal((await w.as.deputy.get(url)).statusCode, 404, `deputy GET ${url}: 404`)
  }
})

t.test('R-ROLE: every POST route refuses the roles that may not write, and writes nothing', async (t) => {
  const w = await world(t)
  const routes: [string, Record<string, string>, RoleName[], number][] = [
    [`/archive/years/${w.s.old}/verify`, {}, ARCHIVE, 303],
    [`/archive/years/${w.s.year}/close`, { confirm: 'on' }, ['deputy'], 409],
    ['/admin/backups/run', {}, ['admin'], 303],
  ]
  for (const [url, form, allowed, ok] of routes) {
    for (const role of ROLE_NAMES) {
      if (allowed.includes(role)) continue
      const before = await writes(w)
      const res = await w.as[role].post(url, form)
      t.equal(res.statusCode, expectFor(allowed, role), `${role} POST ${url}`)
      t.equal(await writes(w), before, `${role} POST ${url} wrote nothing`)
    }
    // The allowed: the verification of an archive whose folder is gone is reported; the red year is not closed;
    // the backup is made.
    for (const role of allowed) t.equal((await w.as[role].post(url, form)).statusCode, ok, `${role} POST ${url}: ${ok}`)
  }
  t.equal((await w.db.selectFrom('academic_years').select('status').where('id', '=', w.s.year).executeTakeFirstOrThrow()).status, 'open')
  const page = await w.as.director.get(`/archive/years/${w.s.old}`)
  t.match(page.body, 'архив не совпадает с записанным при закрытии года', 'a missing archive folder is reported')
  t.match(page.body, '/srv/journal/archive/2019-2020</span> — отсутствует')
  t.equal((await w.as.deputy.post('/archive/years/999/verify')).statusCode, 404)
  t.equal((await w.as.deputy.post(`/archive/years/${w.s.year}/verify`)).statusCode, 404, 'an open year has no archive to verify')
})
