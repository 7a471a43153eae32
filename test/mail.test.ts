// lib/mail and the admin's mail page (R-D-4): without SMTP a letter becomes an .eml file in DATA_DIR/outbox; a
// refused or unreachable server leaves the letter pending with its error, retried with backoff until it is marked
// failed and shown to the admin, who can retry it; the SMTP settings are validated, audited, and the password
// is kept when left blank and never shown.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { DB } from '../src/db/connection.js'
import { runDigest } from '../src/features/digest/digest.job.js'
import { addMinutes } from '../src/lib/dates.js'
import { MAX_ATTEMPTS, readMailSettings, retryPending, sendMail } from '../src/lib/mail.js'
import { closedPort, digestWorld, readLetter, startSmtp, WEEK } from './digest.seed.js'

const mails = (db: DB) => db.selectFrom('mail_log').selectAll().orderBy('id').execute()
const FROM = 'Школа № 1 <journal@school.test>'

t.test('R-D-4: with no SMTP configured the digest is an .eml file in DATA_DIR/outbox, logged as «outbox»', async (t) => {
  const w = await digestWorld(t)
  const { db, s } = w
  await w.as.parent.post(`/digest/children/${s.u.student.personId}/subscribe`, { email: 'mama@example.ru' })
  const run = await runDigest(db, w.config, { week: WEEK })
  t.equal(run.letters.length, 1)
  const [row] = await mails(db)
  t.match(row, { kind: 'digest', status: 'outbox', attempts: 1, to_address: 'mama@example.ru', last_error: null })
  const files = readdirSync(path.join(w.dataDir, 'outbox'))
  t.equal(files.length, 1)
  t.equal(row.outbox_file, path.join(w.dataDir, 'outbox', files[0]))
  t.match(files[0], /\.eml$/)
  const raw = readFileSync(row.outbox_file!, 'utf8')
  t.match(raw, /\r\n/, 'an RFC 5322 file with CRLF line ends, as mail programs open it')
  const letter = readLetter(raw)
  t.equal(letter.subject, 'Дневник: Антонов Артём, 5А — неделя 16.11–22.11.2026')
  t.equal(letter.to, 'mama@example.ru')
  t.match(letter.from, 'Электронный журнал <journal@localhost>', 'a default sender while nothing is configured')
  t.match(letter.text, 'Сложение дробей')
  t.match(letter.text, 'Отметки: 5 (Контрольная работа)')
  t.match(letter.text, '/digest/unsubscribe/')
  t.notMatch(letter.text, 'Борисова')
  t.match(letter.html, 'Дорисовать эскиз')

  const page = await w.as.admin.get('/settings/mail')
  t.match(page.body, `сохраняются в папку ${path.join(w.dataDir, 'outbox')}`)
  t.match(page.body, 'в папке')
  t.match(page.body, files[0])

  // A letter left pending by a crash (logged, never tried) goes out on the next retry pass.
  await db.insertInto('mail_log').values({ kind: 'test', to_address: 'x@example.ru', subject: 'Забытое', body_text: 'Текст', created_at: new Date().toISOString() }).execute()
  const retried = await retryPending(db, w.config)
  t.same(retried.map((m) => [m.subject, m.status]), [['Забытое', 'outbox']])
  t.equal(readdirSync(path.join(w.dataDir, 'outbox')).length, 2)
})

t.test('R-D-4: SMTP down — pending with the error, retried with backoff, failed after the last attempt, shown to the admin, retried by hand', async (t) => {
  const w = await digestWorld(t)
  const { db, s } = w
  const dead = await closedPort()
  t.equal((await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: dead, smtp_from: FROM })).statusCode, 303)
  await w.as.parent.post(`/digest/children/${s.u.student.personId}/subscribe`, { email: 'mama@example.ru' })

  const t0 = new Date('2026-11-22T18:00:00Z')
  const run = await runDigest(db, w.config, { week: WEEK, now: t0 })
  t.equal(run.letters.length, 1)
  let [row] = await mails(db)
  t.match(row, { status: 'pending', attempts: 1, sent_at: null })
  t.match(row.last_error, /ECONNREFUSED/)
  t.equal(row.next_attempt_at, addMinutes(t0, 5).toISOString(), 'the next attempt in 5 minutes')
  t.equal((await db.selectFrom('digest_subscriptions').select('last_sent_week').executeTakeFirstOrThrow()).last_sent_week, WEEK, 'the week is done: the letter waits in the queue')
  t.same((await runDigest(db, w.config, { week: WEEK, now: t0 })).letters, [], 'no second copy queued')

  t.same(await retryPending(db, w.config, addMinutes(t0, 4)), [], 'not before its time')
  let now = t0
  for (const wait of [5, 15, 60, 240]) {
    now = addMinutes(now, wait)
    const [r] = await retryPending(db, w.config, now)
    t.ok(r, `retried after ${wait} min`)
  }
  ;[row] = await mails(db)
  t.match(row, { status: 'failed', attempts: MAX_ATTEMPTS, next_attempt_at: null })
  t.match(row.last_error, /ECONNREFUSED/)
  t.same(await retryPending(db, w.config, addMinutes(now, 10_000)), [], 'a failed letter waits for the admin')

  const page = await w.as.admin.get('/settings/mail')
  t.match(page.body, 'Не отправлено писем: 1.')
  t.match(page.body, /<tr class="failed" id="mail-\d+">/)
  t.match(page.body, '<strong class="error">не отправлено</strong>')
  t.match(page.body, 'ECONNREFUSED')
  t.match(page.body, `/settings/mail/${row.id}/retry`)

  // The admin fixes the server and retries: the same letter goes out once.
  const smtp = await startSmtp(t)
  await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: FROM })
  const retry = await w.as.admin.post(`/settings/mail/${row.id}/retry`, {})
  t.equal(retry.statusCode, 303)
  t.match((await w.as.admin.get('/settings/mail')).body, `Письмо № ${row.id}: Письмо отправлено на mama@example.ru.`)
  ;[row] = await mails(db)
  t.match(row, { status: 'sent', attempts: MAX_ATTEMPTS + 1 })
  t.equal(smtp.messages.length, 1)
  t.equal(readLetter(smtp.messages[0].raw).subject, 'Дневник: Антонов Артём, 5А — неделя 16.11–22.11.2026')
  const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'digest.mail_retry').executeTakeFirstOrThrow()
  t.match(JSON.parse(audit.before!), { status: 'failed', attempts: MAX_ATTEMPTS })
  const again = await w.as.admin.post(`/settings/mail/${row.id}/retry`, {})
  t.equal(again.statusCode, 303)
  t.match((await w.as.admin.get('/settings/mail')).body, 'Это письмо уже отправлено.')
  t.equal(smtp.messages.length, 1, 'a sent letter is never sent twice')
})

t.test('R-D-4: a server that refuses the recipient — the letter stays pending with the server’s answer', async (t) => {
  const w = await digestWorld(t)
  const smtp = await startSmtp(t, { rejectRcpt: 'nobody@example.ru' })
  await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: FROM })
  const refused = await sendMail(w.db, w.config, { kind: 'test', to: 'nobody@example.ru', subject: 'Проверка', text: 'Текст' })
  t.match(refused, { status: 'pending', attempts: 1 })
  t.match(refused.last_error, /550/)
  const ok = await sendMail(w.db, w.config, { kind: 'test', to: 'mama@example.ru', subject: 'Проверка', text: 'Текст' })
  t.equal(ok.status, 'sent')
  t.equal(smtp.messages.length, 1)
  const page = await w.as.admin.get('/settings/mail')
  t.match(page.body, /<tr class="pending" id="mail-\d+">/)
  t.match(page.body, 'Mailbox unavailable')
  t.match(page.body, 'следующая попытка')
})

t.test('R-D-4: the test letter button reports where the letter went', async (t) => {
  const w = await digestWorld(t)
  await w.db.updateTable('persons').set({ email: 'admin@school.test' }).where('id', '=', w.s.u.admin.personId).execute()
  const page = await w.as.admin.get('/settings/mail')
  t.match(page.body, /name="to" type="email" value="admin@school.test"/, 'the admin’s own address is offered')
  t.match(page.body, 'Писем ещё не было.')
  const bad = await w.as.admin.post('/settings/mail/test', { to: 'admin' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Неверный адрес электронной почты')
  t.match(bad.body, 'value="admin"')
  t.same(await mails(w.db), [])

  t.equal((await w.as.admin.post('/settings/mail/test', { to: 'admin@school.test' })).statusCode, 303)
  t.match((await w.as.admin.get('/settings/mail')).body, 'Почтовый сервер не указан: письмо сохранено в файл')
  const smtp = await startSmtp(t)
  await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: FROM })
  await w.as.admin.post('/settings/mail/test', { to: 'admin@school.test' })
  t.match((await w.as.admin.get('/settings/mail')).body, 'Письмо отправлено на admin@school.test.')
  t.equal(readLetter(smtp.messages[0].raw).subject, 'Проверка почты электронного журнала')
  await w.as.admin.post('/settings/mail', { smtp_host: '127.0.0.1', smtp_port: await closedPort(), smtp_from: FROM })
  await w.as.admin.post('/settings/mail/test', { to: 'admin@school.test' })
  t.match((await w.as.admin.get('/settings/mail')).body, /Письмо не отправлено: ESOCKET: connect ECONNREFUSED/)
  t.same((await mails(w.db)).map((m) => m.status), ['outbox', 'sent', 'pending'])
  t.equal((await w.db.selectFrom('audit_log').select('id').where('action', '=', 'digest.mail_test').execute()).length, 3)
})

t.test('R-D-4: SMTP settings — validated with input kept, audited without the password, the password kept when blank and never shown', async (t) => {
  const w = await digestWorld(t)
  const { db } = w
  const smtp = await startSmtp(t, { auth: { user: 'journal', pass: 'Секрет 42' } })
  const bad = await w.as.admin.post('/settings/mail', { smtp_host: 'smtp school', smtp_port: '99999', smtp_user: 'journal', smtp_password: 'Секрет 42', smtp_from: '', site_url: 'journal' })
  t.equal(bad.statusCode, 400)
  for (const msg of ['Неверное имя сервера', 'Порт — целое число от 1 до 65535.', 'Укажите отправителя', 'Неверный адрес: нужен вид https://journal.school.ru.']) t.match(bad.body, msg)
  t.match(bad.body, 'value="smtp school"', 'the input is kept')
  t.notMatch(bad.body, 'Секрет 42', 'the password is never echoed back')
  t.same(await db.selectFrom('school_settings').selectAll().where('key', 'like', 'smtp_%').execute(), [], 'nothing written')

  const form = { smtp_host: '127.0.0.1', smtp_port: String(smtp.port), smtp_user: 'journal', smtp_password: 'Секрет 42', smtp_from: FROM, site_url: 'https://journal.school.test/' }
  t.equal((await w.as.admin.post('/settings/mail', form)).statusCode, 303)
  const page = await w.as.admin.get('/settings/mail')
  t.match(page.body, 'Настройки почты сохранены.')
  t.match(page.body, 'Пароль сохранён. Оставьте поле пустым, чтобы его не менять.')
  t.match(page.body, /name="smtp_password" type="password" value=""/)
  t.notMatch(page.body, 'Секрет 42', 'the stored password is not in the page')
  t.match(page.body, `отправляются через 127.0.0.1:${smtp.port}`)
  t.match(await readMailSettings(db), { host: '127.0.0.1', port: smtp.port, user: 'journal', password: 'Секрет 42', from: FROM, siteUrl: 'https://journal.school.test' })
  const [a] = await db.selectFrom('audit_log').selectAll().where('action', '=', 'digest.smtp').execute()
  t.notMatch(a.after!, 'Секрет', 'the audit log never holds the password')
  t.match(JSON.parse(a.after!), { smtp_host: '127.0.0.1', smtp_user: 'journal', smtp_password: '(задан)', password_changed: true })

  // Saved again with the password left blank: the stored one still logs in.
  t.equal((await w.as.admin.post('/settings/mail', { ...form, smtp_password: '', smtp_from: 'journal@school.test' })).statusCode, 303)
  t.equal((await readMailSettings(db)).password, 'Секрет 42')
  const sent = await sendMail(db, w.config, { kind: 'test', to: 'x@example.ru', subject: 'Вход', text: 'Текст' })
  t.equal(sent.status, 'sent')
  t.equal(smtp.messages[0].user, 'journal', 'the server saw the login')
  t.notMatch((await db.selectFrom('audit_log').select('after').where('action', '=', 'digest.smtp').orderBy('id', 'desc').executeTakeFirstOrThrow()).after!, 'password_changed')
  t.equal((await w.as.admin.post('/settings/mail', { ...form, smtp_password: '', smtp_from: 'journal@school.test' })).statusCode, 303)
  t.match((await w.as.admin.get('/settings/mail')).body, 'Настройки почты не изменились.')

  // A wrong password is an error the admin sees on the letter.
  await w.as.admin.post('/settings/mail', { ...form, smtp_password: 'не тот' })
  const refused = await sendMail(db, w.config, { kind: 'test', to: 'x@example.ru', subject: 'Вход', text: 'Текст' })
  t.match(refused, { status: 'pending' })
  t.match(refused.last_error, /EAUTH|Invalid/)
  await w.as.admin.post('/settings/mail', { ...form, smtp_password: '', clear_password: 'on' })
  t.equal((await readMailSettings(db)).password, '', 'the password can be removed')
  t.match((await w.as.admin.get('/settings/mail')).body, 'Пароль не задан.')
})
