// Every route of messages and announcements for every role: who gets the page, who is refused, anonymous goes
// to login, and a refused POST writes nothing (R-D-3; R-ACC-2,3).
import t from 'tap'
import { count, expectFor, thread, world, ROLE_NAMES, type RoleName } from './messages.seed.js'

const EVERYONE: RoleName[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent']
const ANNOUNCERS: RoleName[] = ['admin', 'director', 'deputy', 'classTeacher']
const ADMINISTRATION: RoleName[] = ['admin', 'director', 'deputy']

t.test('R-D-3: every GET route answers each role as it should', async (t) => {
  const w = await world(t)
  const { s, db } = w
  const th = await thread(db, s.u.parent.personId, s.u.classTeacher.personId, 'Вопрос', 'Текст')
  const ann = (await db.insertInto('announcements').values({ author_id: s.u.director.personId, scope: 'school', title: 'Собрание', body: 'Текст', created_at: new Date().toISOString() })
    .returning('id').executeTakeFirstOrThrow()).id
  const routes: [string, RoleName[], number?][] = [
    ['/messages', EVERYONE],
    ['/messages/sent', EVERYONE],
    ['/messages/new', EVERYONE],
    [`/messages/new?to=${s.u.director.personId}`, EVERYONE],
    [`/messages/new?class=${s.c5a}`, EVERYONE],
    // A thread is private: to anyone not taking part it does not exist.
    [`/messages/${th}`, ['parent', 'classTeacher'], 404],
    ['/announcements', EVERYONE],
    ['/announcements/new', ANNOUNCERS],
    [`/announcements/${ann}/withdraw`, ADMINISTRATION],
  ]
  for (const [url, allowed, refused] of routes) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(allowed, role, 200, refused), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
  t.equal((await w.as.parent.get('/messages')).body.includes('<script'), false, 'no script on the page')
})

t.test('R-D-3: every POST route refuses the roles that may not write, and writes nothing', async (t) => {
  const w = await world(t)
  const { s, db } = w
  const th = await thread(db, s.u.parent.personId, s.u.classTeacher.personId, 'Вопрос', 'Текст')
  const ann = (await db.insertInto('announcements').values({ author_id: s.u.director.personId, scope: 'school', title: 'Собрание', body: 'Текст', created_at: new Date().toISOString() })
    .returning('id').executeTakeFirstOrThrow()).id
  const audits = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '<>', 'auth.login').executeTakeFirstOrThrow()).n)

  // Anyone may write to the director; the POST of each role is accepted and audited.
  for (const role of ROLE_NAMES) {
    if (role === 'director') continue
    const before = await count(db, 'messages')
    const res = await w.as[role].post('/messages/new', { to: s.u.director.personId, subject: `От ${role}`, body: 'Здравствуйте' })
    t.equal(res.statusCode, role === 'anonymous' ? 302 : 303, `${role} POST /messages/new to the director`)
    t.equal(await count(db, 'messages'), before + (role === 'anonymous' ? 0 : 1))
  }
  // Writing to a parent of 5А: the staff who work with 5А and the administration only.
  const toParent: RoleName[] = ['admin', 'director', 'deputy', 'teacher', 'classTeacher']
  for (const role of ROLE_NAMES) {
    if (role === 'parent') continue
    const before = await audits()
    const res = await w.as[role].post('/messages/new', { to: s.u.parent.personId, subject: 'Родителю', body: 'Здравствуйте' })
    t.equal(res.statusCode, expectFor(toParent, role, 303), `${role} POST /messages/new to a 5А parent`)
    if (!toParent.includes(role)) t.equal(await audits(), before, `${role}: nothing written`)
  }
  const routes: [string, Record<string, string>, RoleName[], number][] = [
    [`/messages/${th}/reply`, { body: 'Ответ' }, ['parent', 'classTeacher'], 404],
    ['/announcements/new', { target: 'school', title: 'Объявление', body: 'Текст' }, ADMINISTRATION, 403],
    [`/announcements/${ann}/withdraw`, {}, ADMINISTRATION, 403],
  ]
  for (const [url, form, allowed, refused] of routes) {
    for (const role of ROLE_NAMES) {
      if (allowed.includes(role)) continue
      const before = await audits()
      const res = await w.as[role].post(url, form)
      t.equal(res.statusCode, expectFor(allowed, role, 303, refused), `${role} POST ${url}`)
      t.equal(await audits(), before, `${role} POST ${url} wrote nothing`)
    }
  }
  t.equal((await w.as.classTeacher.post(`/messages/${th}/reply`, { body: 'Ответ' })).statusCode, 303, 'a participant replies')
  t.equal((await w.as.admin.post('/announcements/new', { target: 'school', title: 'Объявление', body: 'Текст' })).statusCode, 303, 'the admin announces')
  t.equal((await w.as.deputy.post(`/announcements/${ann}/withdraw`)).statusCode, 303, 'the deputy withdraws')
  t.equal((await db.selectFrom('announcements').select('withdrawn_at').where('id', '=', ann).executeTakeFirstOrThrow()).withdrawn_at !== null, true)
})
