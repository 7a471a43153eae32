// HTTP and job tests of the weekly e-mail digest (R-D-4): a parent subscribes on /digest, the job delivers the
// child's week to a real SMTP server on loopback (content checked, no other child's data), a second run sends
// nothing, the letter's link unsubscribes without logging in, and every route answers every role as it should.
import t from 'tap'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { DB } from '../src/db/connection.js'
import { runDigest } from '../src/features/digest/digest.job.js'
import { runDigestCommand } from '../src/features/digest/digest.cli.js'
import { buildTestApp, Client, loginAs, makePerson } from './helper.js'
import { expectFor, ROLE_NAMES, seed } from './school.seed.js'
import { digestWorld, fillWeek, NEXT_WEEK, readLetter, startSmtp, WEEK } from './digest.seed.js'

const subs = (db: DB) => db.selectFrom('digest_subscriptions').selectAll().orderBy('id').execute()
const digestAudit = (db: DB) => db.selectFrom('audit_log').selectAll().where('action', 'like', 'digest.%').orderBy('id').execute()

t.test('R-D-4: a parent subscribes on /digest and the week reaches a real SMTP server on loopback — that child only, once', async (t) => {
  const w = await digestWorld(t)
  const { db, s } = w
  const smtp = await startSmtp(t)
  const saved = await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: 'Школа № 1 <journal@school.test>' })
  t.equal(saved.statusCode, 303, 'the admin configures SMTP')

  // A second family in the same class, subscribed too: each letter must carry its own child only.
  await makePerson(db, { roles: ['parent'], login: 'parent2', email: 'papa@example.ru' }).then((p) =>
    db.insertInto('parent_links').values({ parent_id: p.personId, student_id: s.s2.personId }).execute())
  const parent2 = await loginAs(w.app, 'parent2')
  t.equal((await parent2.post(`/digest/children/${s.s2.personId}/subscribe`, { email: 'papa@example.ru' })).statusCode, 303)

  const page = await w.as.parent.get('/digest')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Антонов Артём, 5А класс')
  t.match(page.body, 'value="mama@example.ru"', 'the address on file is offered')
  t.match(page.body, 'Письма не приходят.')
  t.notMatch(page.body, 'Борисова', 'another family’s child is not listed')

  const res = await w.as.parent.post(`/digest/children/${s.u.student.personId}/subscribe`, { email: 'Mama@Example.ru' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/digest')
  const after = await w.as.parent.get('/digest')
  t.match(after.body, 'Подписка оформлена: письма о дневнике (Антонов Артём) будут приходить на mama@example.ru.')
  t.match(after.body, 'Письма приходят на mama@example.ru.')
  const [mine] = (await subs(db)).filter((x) => x.parent_id === s.u.parent.personId)
  t.match(mine, { student_id: s.u.student.personId, email: 'mama@example.ru', unsubscribed_at: null, last_sent_week: null })
  t.ok(mine.token.length >= 32, 'an unguessable token')
  const a = (await digestAudit(db)).find((r) => r.action === 'digest.subscribe' && r.entity_id === String(mine.id))
  t.ok(a, 'the subscription is audited')
  t.match(JSON.parse(a!.after!), { student_id: s.u.student.personId, email: 'mama@example.ru' })

  const run = await runDigest(db, w.config, { week: WEEK })
  t.equal(run.week, WEEK)
  t.same(run.letters.map((l) => l.status), ['sent', 'sent'])
  t.equal(smtp.messages.length, 2, 'two letters received by the SMTP server')
  const msg = smtp.messages.find((m) => m.to.includes('mama@example.ru'))!
  t.same(msg.to, ['mama@example.ru'])
  t.equal(msg.from, 'journal@school.test')
  const letter = readLetter(msg.raw)
  t.equal(letter.subject, 'Дневник: Антонов Артём, 5А — неделя 16.11–22.11.2026')
  for (const text of ['Антонов Артём', 'Математика: 5\n', 'Сложение дробей', 'Домашнее задание: № 245, 247', 'Отметки: 5 (Контрольная работа)',
    'Английский язык', 'Отсутствовал(а): по болезни', 'Индивидуальное задание: Дорисовать эскиз', 'Домашнее задание: Принести краски',
    `http://localhost:3000/digest/unsubscribe/${mine.token}`, `http://localhost:3000/diary/${s.u.student.personId}?week=${WEEK}`]) {
    t.ok(letter.text.includes(text), `the text has «${text.trim()}»`)
  }
  for (const text of ['Борисова', 'Вера', 'Секретное задание', 'Волков', 'пятого Б', 'Вычитание дробей']) {
    t.notOk(letter.text.includes(text) || letter.html.includes(text), `no «${text}»: not this child or not this week`)
  }
  t.match(letter.html, 'Сложение дробей')
  t.match(letter.html, '5 (Контрольная работа)')
  t.match(letter.html, `href="http://localhost:3000/digest/unsubscribe/${mine.token}"`)
  const other = readLetter(smtp.messages.find((m) => m.to.includes('papa@example.ru'))!.raw)
  t.match(other.subject, 'Борисова Вера')
  t.match(other.text, 'Математика: 3\n')
  t.match(other.text, 'Секретное задание Веры')
  t.notOk(other.text.includes('Антонов') || other.text.includes('Дорисовать'), 'the other letter has nothing of Артём')

  const log = await db.selectFrom('mail_log').selectAll().orderBy('id').execute()
  t.match(log.find((l) => l.to_address === 'mama@example.ru'), { kind: 'digest', status: 'sent', attempts: 1, ref: `digest:${mine.id}:${WEEK}`, subject: letter.subject })
  t.equal((await subs(db)).find((x) => x.id === mine.id)!.last_sent_week, WEEK)

  const again = await runDigest(db, w.config, { week: WEEK })
  t.same(again.letters, [], 'a second run of the same week sends nothing')
  t.equal(smtp.messages.length, 2)

  // The letter's link works without logging in: a GET asks, a POST unsubscribes.
  const stranger = new Client(w.app)
  const url = `/digest/unsubscribe/${mine.token}`
  const ask = await stranger.get(url)
  t.equal(ask.statusCode, 200)
  t.match(ask.body, 'Больше не присылать на mama@example.ru еженедельные письма о дневнике (Антонов Артём)?')
  t.equal((await subs(db)).find((x) => x.id === mine.id)!.unsubscribed_at, null, 'a GET changes nothing')
  const done = await stranger.post(url, {})
  t.equal(done.statusCode, 200)
  t.match(done.body, 'Готово: письма о дневнике (Антонов Артём) больше не будут приходить на mama@example.ru.')
  t.ok((await subs(db)).find((x) => x.id === mine.id)!.unsubscribed_at, 'unsubscribed')
  const un = (await digestAudit(db)).find((r) => r.action === 'digest.unsubscribe')!
  t.equal(un.actor_user_id, null, 'audited, with no account behind it')
  t.match(JSON.parse(un.after!), { via: 'link' })
  t.match((await stranger.get(url)).body, 'уже отписан', 'the link again says it is done')
  t.equal((await stranger.post(url, {})).statusCode, 200, 'posting twice is harmless')
  t.equal((await digestAudit(db)).filter((r) => r.action === 'digest.unsubscribe').length, 1)
  t.match((await w.as.parent.get('/digest')).body, 'Письма не приходят.')

  const next = await runDigest(db, w.config, { week: NEXT_WEEK })
  t.same(next.letters.map((l) => l.to_address), ['papa@example.ru'], 'the next week goes only to the family still subscribed')
  t.equal(smtp.messages.filter((m) => m.to.includes('mama@example.ru')).length, 1, 'nothing more for the unsubscribed address')
})

t.test('R-D-4: the /digest page: bad addresses refused with input kept, the address changed, unsubscribing on the page, another child → 404', async (t) => {
  const w = await digestWorld(t)
  const { db, s } = w
  const kid = s.u.student.personId
  const bad = await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: 'mama(at)example' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Неверный адрес электронной почты')
  t.match(bad.body, 'value="mama(at)example"', 'the input is kept')
  t.match((await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: '' })).body, 'Укажите адрес электронной почты.')
  t.same(await subs(db), [], 'nothing written')

  for (const id of [s.s2.personId, s.s3.personId, s.u.teacher.personId, 999999, 'abc']) {
    t.equal((await w.as.parent.post(`/digest/children/${id}/subscribe`, { email: 'mama@example.ru' })).statusCode, 404, `subscribe for ${id} → 404`)
    t.equal((await w.as.parent.post(`/digest/children/${id}/unsubscribe`, {})).statusCode, 404, `unsubscribe ${id} → 404`)
  }
  t.same(await subs(db), [], 'no subscription for a child not one’s own')

  await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: 'mama@example.ru' })
  const same = await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: 'mama@example.ru' })
  t.equal(same.statusCode, 303)
  t.match((await w.as.parent.get('/digest')).body, 'Подписка уже оформлена на этот адрес.')
  await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: 'new@example.ru' })
  const rows = await subs(db)
  t.equal(rows.length, 1, 'changing the address keeps one subscription')
  t.equal(rows[0].email, 'new@example.ru')
  const change = (await digestAudit(db)).find((r) => r.action === 'digest.email')!
  t.same([JSON.parse(change.before!), JSON.parse(change.after!)], [{ email: 'mama@example.ru' }, { email: 'new@example.ru' }])

  const stop = await w.as.parent.post(`/digest/children/${kid}/unsubscribe`, {})
  t.equal(stop.statusCode, 303)
  t.match((await w.as.parent.get('/digest')).body, 'Письма о дневнике (Антонов Артём) больше не будут приходить.')
  t.ok((await subs(db))[0].unsubscribed_at, 'the row stays, with the time it ended')
  t.match(JSON.parse((await digestAudit(db)).find((r) => r.action === 'digest.unsubscribe')!.after!), { via: 'page' })
  const run = await runDigest(db, w.config, { week: WEEK })
  t.same(run.letters, [], 'an unsubscribed parent gets nothing')

  // Subscribing again makes a new subscription with a new link; the old link stays dead.
  await w.as.parent.post(`/digest/children/${kid}/subscribe`, { email: 'mama@example.ru' })
  const [old, renewed] = await subs(db)
  t.not(renewed.token, old.token)
  t.equal((await new Client(w.app).get(`/digest/unsubscribe/${renewed.token}`)).statusCode, 200)
  t.equal((await w.as.parent.get('/digest/unsubscribe/not-a-real-token-at-all')).statusCode, 404)
})

t.test('R-D-4/R-ACC-2: a parent unlinked from the child gets no more letters; a week without lessons sends none', async (t) => {
  const w = await digestWorld(t)
  const { db, s } = w
  await w.as.parent.post(`/digest/children/${s.u.student.personId}/subscribe`, { email: 'mama@example.ru' })
  const empty = await runDigest(db, w.config, { week: '2026-11-02' })
  t.same(empty.letters, [])
  t.equal(empty.empty, 1, 'a week of holidays is marked done without a letter')
  await db.deleteFrom('parent_links').where('parent_id', '=', s.u.parent.personId).execute()
  const run = await runDigest(db, w.config, { week: WEEK })
  t.same(run.letters, [], 'no letter about a child the parent is no longer linked to')
  t.equal((await w.as.parent.post(`/digest/children/${s.u.student.personId}/unsubscribe`, {})).statusCode, 404)
})

t.test('R-D-4/R-ROLE: every digest route answers each role as it should', async (t) => {
  const w = await digestWorld(t, ROLE_NAMES)
  const { db, s } = w
  const kid = s.u.student.personId
  for (const role of ROLE_NAMES) {
    const before = (await digestAudit(db)).length
    const get = await w.as[role].get('/digest')
    t.equal(get.statusCode, expectFor(['parent'], role), `${role} GET /digest`)
    if (role === 'anonymous') t.match(get.headers.location, /^\/login/)
    const sub = await w.as[role].post(`/digest/children/${kid}/subscribe`, { email: `${role}@example.ru` })
    t.equal(sub.statusCode, expectFor(['parent'], role, 303), `${role} POST subscribe`)
    const unsub = await w.as[role].post(`/digest/children/${kid}/unsubscribe`, {})
    t.equal(unsub.statusCode, expectFor(['parent'], role, 303), `${role} POST unsubscribe`)
    t.equal((await digestAudit(db)).length, before + (role === 'parent' ? 2 : 0), `${role}: audited only when allowed`)
  }
  t.same((await subs(db)).map((x) => x.email), ['parent@example.ru'], 'only the parent subscribed')

  // The letter's link is for whoever holds it, logged in or not; it reveals nothing without the token.
  const token = (await subs(db))[0].token
  for (const role of ROLE_NAMES) {
    t.equal((await w.as[role].get(`/digest/unsubscribe/${token}`)).statusCode, 200, `${role} GET the link`)
    t.equal((await w.as[role].get('/digest/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAA')).statusCode, 404, `${role} GET a wrong link`)
    t.equal((await w.as[role].post('/digest/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAA', {})).statusCode, 404, `${role} POST a wrong link`)
  }
  t.equal((await w.as.clerk.post(`/digest/unsubscribe/${token}`, {})).statusCode, 200)

  await db.insertInto('mail_log').values({ kind: 'digest', to_address: 'x@example.ru', subject: 'Письмо', body_text: 'Текст', status: 'failed', attempts: 5, last_error: 'ECONNREFUSED', created_at: new Date().toISOString() }).execute()
  const failedId = (await db.selectFrom('mail_log').select('id').executeTakeFirstOrThrow()).id
  for (const role of ROLE_NAMES) {
    const get = await w.as[role].get('/settings/mail')
    t.equal(get.statusCode, expectFor(['admin'], role), `${role} GET /settings/mail`)
    if (role === 'anonymous') t.match(get.headers.location, /^\/login/)
    const before = (await digestAudit(db)).length
    t.equal((await w.as[role].post('/settings/mail', { smtp_from: `${role}@school.test` })).statusCode, expectFor(['admin'], role, 303), `${role} POST /settings/mail`)
    t.equal((await w.as[role].post('/settings/mail/test', { to: 'x@example.ru' })).statusCode, expectFor(['admin'], role, 303), `${role} POST test letter`)
    t.equal((await w.as[role].post(`/settings/mail/${failedId}/retry`, {})).statusCode, expectFor(['admin'], role, 303), `${role} POST retry`)
    t.equal((await digestAudit(db)).length, before + (role === 'admin' ? 3 : 0), `${role}: audited only when allowed`)
  }
  t.equal((await w.as.admin.post('/settings/mail/999999/retry', {})).statusCode, 404)
  t.equal((await w.as.admin.post('/settings/mail/abc/retry', {})).statusCode, 404)
})

t.test('R-D-4: the digest command sends by hand from a database file and says what happened', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digest-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'school.sqlite')
  const { app, db } = await buildTestApp({ dataDir: dir }, file)
  const s = await seed(db)
  await fillWeek({ db, s })
  await db.insertInto('digest_subscriptions').values({ parent_id: s.u.parent.personId, student_id: s.u.student.personId, email: 'mama@example.ru', token: 'x'.repeat(32), created_at: new Date().toISOString() }).execute()
  await app.close()

  const out: string[] = []
  const err: string[] = []
  const io = { env: { DATA_DIR: dir }, log: (l: string) => out.push(l), fail: (l: string) => err.push(l) }
  t.equal(await runDigestCommand(['--week', '19.11.2026', '--file', file], io), 0)
  t.match(out.join('\n'), 'Письма о дневнике за неделю 16.11–22.11.2026: 1')
  t.match(out.join('\n'), /mama@example\.ru: сохранено в папку → .*outbox.*\.eml/)
  const emls = readdirSync(path.join(dir, 'outbox'))
  t.equal(emls.length, 1, 'no SMTP configured: the letter is in DATA_DIR/outbox')
  t.match(readLetter(readFileSync(path.join(dir, 'outbox', emls[0]), 'utf8')).subject, 'Антонов Артём')
  out.length = 0
  t.equal(await runDigestCommand(['--week', '2026-11-16', '--file', file], io), 0)
  t.match(out.join('\n'), 'за неделю 16.11–22.11.2026: 0', 'a second run sends nothing')
  t.same(err, [])

  t.equal(await runDigestCommand(['--week', 'завтра'], io), 2)
  t.match(err.join('\n'), 'Использование')
  t.equal(await runDigestCommand(['--file', path.join(dir, 'none.sqlite')], io), 1)
  t.notOk(existsSync(path.join(dir, 'none.sqlite')), 'no empty database is created by a typo')
})
