// Document integrity (R-ARC-4): an issued document is registered, signed, stored as issued; its code opens a
// public page that tells what it is and whether it is current; an uploaded copy is compared with the registry.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, loginAs, makePerson, Client } from './helper.js'
import { issueDocument, reserveDocument, storeDocument, storeIssued, formatVerificationCode } from '../src/print/documents.js'
import { makeSelfSignedP12 } from '../src/print/signing.js'
import { ensureDemoCertificate } from '../src/features/integrity/integrity.service.js'
import type { DB } from '../src/db/connection.js'
import type { Actor } from '../src/lib/audit.js'

const BASE = 'http://school.test'
t.setTimeout(120_000) // Chromium renders the PDFs: a few seconds each on a slow machine

async function setup(t: { teardown(fn: () => unknown): void }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'integrity-'))
  const { app, db, config } = await buildTestApp({ dataDir })
  t.teardown(() => app.close())
  await db.insertInto('school_settings').values([
    { key: 'school_name', value: 'МБОУ «Средняя общеобразовательная школа № 7»' },
    { key: 'school_short_name', value: 'МБОУ СОШ № 7' },
    { key: 'school_address', value: 'г. Тверь, ул. Школьная, д. 7' },
  ]).execute()
  const deputy = await makePerson(db, { roles: ['deputy', 'teacher'], login: 'deputy', last: 'Завучева', first: 'Ольга', middle: 'Игоревна' })
  await makePerson(db, { roles: ['admin'], login: 'admin' })
  const actor: Actor = { userId: deputy.userId, personId: deputy.personId, ip: '127.0.0.1' }
  return { app, db, config, dataDir, deputy, actor }
}

/** Issues a one-page document the way the paper areas do: reserve, render with the stamp, sign, store. */
function issue(app: FastifyInstance, db: DB, dataDir: string, actor: Actor, title: string, subjectKey = 'class:5:year:1') {
  return issueDocument({ db, dataDir, baseUrl: BASE }, actor, { kind: 'summary_sheet', title, subjectKey, yearId: null },
    (doc) => app.renderPdf('integrity/sample', { title, doc, cert: { subject: title, issuer: '', validFrom: '', validTo: '', fingerprint: '' }, madeAt: new Date().toISOString() }))
}

function pdfsig(pdf: Buffer, dir: string): string {
  const file = path.join(dir, `check-${Math.random().toString(36).slice(2)}.pdf`)
  writeFileSync(file, pdf)
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' })
  return `${r.stdout}${r.stderr}`
}

t.test('R-ARC-4: an issued document is signed, stored as issued, and its code shows what it is', async (t) => {
  const { app, db, dataDir, actor } = await setup(t)
  await ensureDemoCertificate(db, { dataDir })
  const keyFiles = readdirSync(path.join(dataDir, 'keys'))
  t.equal(keyFiles.length, 1, 'the demo made one key file')
  t.equal(statSync(path.join(dataDir, 'keys', keyFiles[0])).mode & 0o777, 0o600, 'readable by the server only')
  await ensureDemoCertificate(db, { dataDir })
  t.equal(readdirSync(path.join(dataDir, 'keys')).length, 1, 'a second start keeps the key it has')

  const doc = await issue(app, db, dataDir, actor, 'Сводная ведомость итоговых отметок 5А, 2026/2027')
  t.ok(doc.signed, 'signed with the school key')
  const row = await db.selectFrom('documents').selectAll().where('id', '=', doc.id).executeTakeFirstOrThrow()
  const stored = readFileSync(path.join(dataDir, 'documents', row.stored_name!))
  t.ok(stored.equals(doc.pdf), 'the stored bytes are the bytes handed out')
  t.equal(row.sha256, createHash('sha256').update(stored).digest('hex'), 'the registry holds the SHA-256 of the signed bytes')
  t.equal(row.signed, 1)
  t.equal(row.pages, 1)
  t.match(pdfsig(stored, dataDir), 'Signature is Valid.', 'pdfsig: the stored document’s signature is valid')
  const text = spawnSync('pdftotext', [path.join(dataDir, 'documents', row.stored_name!), '-'], { encoding: 'utf8' }).stdout
  t.match(text, `Документ № ${doc.number}`, 'the paper shows its number')
  t.match(text, formatVerificationCode(doc.code), 'and its verification code')

  // Areas that reserve and render themselves store through storeIssued(): signed too, and they get the bytes to send.
  const own = await db.transaction().execute((trx) => reserveDocument(trx, actor, { kind: 'weekly_report', title: 'Отчёт за неделю', subjectKey: 'w:1', yearId: null }))
  const ownPdf = await app.renderPdf('integrity/sample', { title: 'w', cert: { subject: '', issuer: '', validFrom: '', validTo: '', fingerprint: '' }, madeAt: new Date().toISOString() })
  const kept = await storeIssued(db, dataDir, own, ownPdf, { log: app.log })
  t.ok(kept.signed && !kept.pdf.equals(ownPdf.pdf), 'signed: the bytes to send are not the render’s')
  t.equal(kept.sha256, createHash('sha256').update(kept.pdf).digest('hex'))
  t.match(pdfsig(kept.pdf, dataDir), 'Signature is Valid.')

  // Anyone holding the paper: no login.
  const anon = new Client(app)
  const page = await anon.get(`/verify/${doc.code}`)
  t.equal(page.statusCode, 200)
  for (const s of [doc.number, 'Сводная ведомость итоговых отметок', 'Сводная ведомость итоговых отметок 5А, 2026/2027', 'Завучева Ольга Игоревна, заместитель директора, учитель',
    row.sha256!, 'файл подписан электронной подписью школы', 'Действующая редакция', formatVerificationCode(doc.code)]) {
    t.match(page.body, s, `the page shows «${s}»`)
  }
  t.match(page.body, '<dt>Листов</dt><dd>1</dd>')
  t.notMatch(page.body, '/documents/', 'no download of the document itself for the public')

  // The code as typed from paper: lower case, dash, spaces.
  const typed = `${doc.code.slice(0, 5).toLowerCase()} - ${doc.code.slice(5).toLowerCase()}`
  const go = await anon.get(`/verify?code=${encodeURIComponent(typed)}`)
  t.equal(go.statusCode, 303)
  t.equal(go.headers.location, `/verify/${doc.code}`)
  t.equal((await anon.get(`/verify/${doc.code.toLowerCase().slice(0, 5)}-${doc.code.slice(5).toLowerCase()}`)).statusCode, 200, 'the link works in any case and with a dash')
  const form = await anon.get('/verify')
  t.equal(form.statusCode, 200)
  t.match(form.body, 'Код проверки')
  const badForm = await anon.get('/verify?code=12')
  t.equal(badForm.statusCode, 400)
  t.match(badForm.body, 'Код проверки — десять латинских букв и цифр')
  t.match(badForm.body, 'value="12"', 'what was typed stays in the field')

  // Unknown code: a Russian 404 that offers to type it again.
  const unknown = await anon.get('/verify/ZZZZZ-ZZZZZ')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, 'Документ не найден')
  t.match(unknown.body, 'в реестре школы нет')
  t.match(unknown.body, 'name="code"')
  t.equal((await anon.get('/verify/not-a-code!')).statusCode, 404)
})

t.test('R-ARC-4: an uploaded copy is the registered document only byte for byte; a tampered one fails', async (t) => {
  const { app, db, dataDir, actor } = await setup(t)
  await ensureDemoCertificate(db, { dataDir })
  const doc = await issue(app, db, dataDir, actor, 'Отчёт об успеваемости')
  const anon = new Client(app)
  await anon.get(`/verify/${doc.code}`)
  const upload = (data: Buffer, name = 'report.pdf') => anon.upload(`/verify/${doc.code}`, {}, { field: 'file', name, type: 'application/pdf', data })

  const same = await upload(doc.pdf)
  t.equal(same.statusCode, 200)
  t.match(same.body, 'Это тот самый зарегистрированный документ')
  t.match(same.body, 'Подпись в файле действительна')

  // One byte of the signed content flipped: pdfsig and the page both say no.
  const tampered = Buffer.from(doc.pdf)
  tampered[11] ^= 0x01
  t.notMatch(pdfsig(tampered, dataDir), 'Signature is Valid.', 'pdfsig: the tampered file’s signature is not valid')
  const bad = await upload(tampered, 'изменённый.pdf')
  t.equal(bad.statusCode, 200)
  t.match(bad.body, 'Это НЕ зарегистрированный документ')
  t.match(bad.body, 'Подпись в файле НЕДЕЙСТВИТЕЛЬНА')
  t.match(bad.body, 'Файл «изменённый.pdf»')

  const appended = await upload(Buffer.concat([doc.pdf, Buffer.from('\n%%EOF\n')]))
  t.match(appended.body, 'Это НЕ зарегистрированный документ')
  t.match(appended.body, 'после подписания в файл что-то дописано')

  const other = await issue(app, db, dataDir, actor, 'Другой документ', 'other')
  const wrongDoc = await upload(other.pdf)
  t.match(wrongDoc.body, 'Это НЕ зарегистрированный документ', 'another genuine document is not this one')
  t.match(wrongDoc.body, 'Подпись в файле действительна')

  const notPdf = await upload(Buffer.from('hello'), 'note.txt')
  t.equal(notPdf.statusCode, 400)
  t.match(notPdf.body, 'Это не файл PDF.')
  const none = await anon.post(`/verify/${doc.code}`, {})
  t.equal(none.statusCode, 400)
  t.match(none.body, 'Выберите файл PDF.')
  t.equal((await anon.upload('/verify/ZZZZZZZZZZ', {}, { field: 'file', name: 'a.pdf', type: 'application/pdf', data: doc.pdf })).statusCode, 404)
  t.equal(await db.selectFrom('documents').select('id').execute().then((r) => r.length), 2, 'checking stores nothing')
})

t.test('R-ARC-4: a re-issue supersedes the earlier document, which names the newer number', async (t) => {
  const { app, db, dataDir, actor } = await setup(t)
  const first = await issue(app, db, dataDir, actor, 'Сводная ведомость 5А')
  t.notOk(first.signed, 'without a certificate the document is registered unsigned')
  const second = await issue(app, db, dataDir, actor, 'Сводная ведомость 5А')
  const anon = new Client(app)
  const old = await anon.get(`/verify/${first.code}`)
  t.match(old.body, `Заменён: выдан новый документ № ${second.number}`)
  t.notMatch(old.body, 'Действующая редакция')
  t.match(old.body, 'без электронной подписи')
  t.notMatch(old.body, second.code, 'the newer document’s code is not given away')
  t.match((await anon.get(`/verify/${second.code}`)).body, 'Действующая редакция')
  const same = await anon.upload(`/verify/${first.code}`, {}, { field: 'file', name: 'a.pdf', type: 'application/pdf', data: first.pdf })
  t.match(same.body, 'Это тот самый зарегистрированный документ')
  t.match(same.body, 'В файле нет электронной подписи')

  // A render that fails takes its reservation back: the earlier issue stays current.
  await t.rejects(issueDocument({ db, dataDir, baseUrl: BASE }, actor, { kind: 'summary_sheet', title: 'x', subjectKey: 'class:5:year:1', yearId: null },
    async () => { throw new Error('Chromium died') }), /Chromium died/)
  t.match((await anon.get(`/verify/${second.code}`)).body, 'Действующая редакция', 'still current after a failed re-issue')
  t.equal((await db.selectFrom('documents').select('id').execute()).length, 2)
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'document.cancel').executeTakeFirst(), 'the cancelled number is in the audit log')

  // The older helpers (reserve … store) keep working, and the flag follows the bytes.
  const r = await db.transaction().execute((trx) => reserveDocument(trx, actor, { kind: 'report', title: 'Отчёт', subjectKey: 'r', yearId: null }))
  await storeDocument(db, dataDir, r.id, r.number, first.pdf, 1)
  t.equal((await db.selectFrom('documents').select('signed').where('id', '=', r.id).executeTakeFirstOrThrow()).signed, 0)
})

t.test('R-ARC-4: the registry lists issued documents with filters and gives the stored PDF', async (t) => {
  const { app, db, dataDir, actor } = await setup(t)
  await ensureDemoCertificate(db, { dataDir })
  const a = await issue(app, db, dataDir, actor, 'Сводная ведомость 5А')
  const b = await issue(app, db, dataDir, actor, 'Сводная ведомость 5А')
  const c = await issueDocument({ db, dataDir, baseUrl: BASE }, actor, { kind: 'weekly_report', title: 'Отчёт за неделю: Антонов Артём', subjectKey: 'w:1', yearId: null },
    (doc) => app.renderPdf('integrity/sample', { title: 'w', doc, cert: { subject: '', issuer: '', validFrom: '', validTo: '', fingerprint: '' }, madeAt: new Date().toISOString() }))
  const deputy = await loginAs(app, 'deputy')
  const all = await deputy.get('/documents')
  t.equal(all.statusCode, 200)
  for (const d of [a, b, c]) t.match(all.body, d.number)
  t.match(all.body, `заменён № ${b.number}`)
  t.notMatch(all.body, 'Сертификат электронной подписи школы', 'only the administrator is sent to the key')
  const current = await deputy.get('/documents?current=on')
  t.notMatch(current.body, `>${a.number}<`, 'the superseded one is hidden')
  t.match(current.body, b.number)
  const weekly = await deputy.get('/documents?kind=weekly_report')
  t.match(weekly.body, c.number)
  t.notMatch(weekly.body, `>${b.number}<`)
  t.match((await deputy.get('/documents?q=%D0%90%D0%BD%D1%82%D0%BE%D0%BD%D0%BE%D0%B2')).body, c.number, 'search by title')
  t.match((await deputy.get(`/documents?q=${b.number}`)).body, b.number, 'search by number')
  t.match((await deputy.get('/documents?q=nothing-like-this')).body, 'Документов не найдено.')
  t.equal((await deputy.get('/documents?kind=bogus&year=x&page=-1')).statusCode, 200, 'nonsense filters filter nothing')

  const pdf = await deputy.get(`/documents/${c.id}/pdf`)
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  t.ok(pdf.rawPayload.equals(c.pdf), 'the download is the stored, signed file')
  t.match(String(pdf.headers['content-disposition']), `${c.number}.pdf`)
  const logged = await db.selectFrom('audit_log').selectAll().where('action', '=', 'document.download').executeTakeFirstOrThrow()
  t.equal(logged.entity_id, String(c.id), 'reading a stored document is in the audit log')
  t.equal((await deputy.get('/documents/9999/pdf')).statusCode, 404)
  t.equal((await deputy.get('/documents/abc/pdf')).statusCode, 404)

  const admin = await loginAs(app, 'admin')
  t.match((await admin.get('/documents')).body, 'href="/settings/signing"')
})

t.test('R-ARC-4: the administrator loads the school certificate; a wrong passphrase stores nothing', async (t) => {
  const { app, db, dataDir } = await setup(t)
  const admin = await loginAs(app, 'admin')
  const empty = await admin.get('/settings/signing')
  t.equal(empty.statusCode, 200)
  t.match(empty.body, 'Сертификат не загружен')
  t.match(empty.body, 'enctype="multipart/form-data"')

  const p12 = makeSelfSignedP12({ commonName: 'МБОУ СОШ № 7', organization: 'МБОУ «СОШ № 7»' }, 'верный пароль')
  const send = (data: Buffer, passphrase: string, name = 'school.p12') =>
    admin.upload('/settings/signing', { passphrase }, { field: 'file', name, type: 'application/x-pkcs12', data })
  const auditBefore = (await db.selectFrom('audit_log').select('id').where('action', 'like', 'signing.%').execute()).length

  const wrong = await send(p12, 'неверный')
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, 'Неверный пароль к файлу ключа.')
  t.match(wrong.body, 'aria-invalid="true" aria-describedby="e-passphrase"', 'the message is at the passphrase field')
  t.notMatch(wrong.body, 'неверный"', 'the passphrase is not echoed')
  const garbage = await send(Buffer.from('not a key at all'), 'x')
  t.equal(garbage.statusCode, 400)
  t.match(garbage.body, 'Файл не открывается как ключ PKCS#12')
  const wrongName = await send(p12, 'верный пароль', 'school.pem')
  t.equal(wrongName.statusCode, 400)
  t.match(wrongName.body, 'Нужен файл с расширением .p12 или .pfx.')
  const noFile = await admin.post('/settings/signing', { passphrase: 'x' })
  t.equal(noFile.statusCode, 400)
  t.match(noFile.body, 'Выберите файл ключа.')
  t.notOk(existsSync(path.join(dataDir, 'keys')) && readdirSync(path.join(dataDir, 'keys')).length, 'no key file was written')
  t.notOk(await db.selectFrom('school_settings').select('key').where('key', 'like', 'signing%').executeTakeFirst(), 'no setting was written')
  t.equal((await db.selectFrom('audit_log').select('id').where('action', 'like', 'signing.%').execute()).length, auditBefore, 'nothing audited')

  const ok = await send(p12, 'верный пароль')
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/settings/signing')
  const shown = await admin.get('/settings/signing')
  t.match(shown.body, 'Сертификат «МБОУ СОШ № 7» загружен')
  t.match(shown.body, 'CN=МБОУ СОШ № 7')
  t.match(shown.body, 'Действует: документы подписываются.')
  t.match(shown.body, /([0-9A-F]{2}:){31}[0-9A-F]{2}/, 'the fingerprint')
  t.match(shown.body, 'Сертификат самоподписанный')
  const files = readdirSync(path.join(dataDir, 'keys'))
  t.equal(files.length, 1)
  t.equal(statSync(path.join(dataDir, 'keys', files[0])).mode & 0o777, 0o600)
  const audited = await db.selectFrom('audit_log').selectAll().where('action', '=', 'signing.upload').executeTakeFirstOrThrow()
  t.match(audited.after, 'CN=МБОУ СОШ № 7')
  t.notMatch(`${audited.before}${audited.after}`, 'верный пароль', 'the passphrase is never in the audit log')

  const sample = await admin.post('/settings/signing/sample')
  t.equal(sample.statusCode, 200)
  t.equal(sample.headers['content-type'], 'application/pdf')
  t.match(pdfsig(sample.rawPayload, dataDir), 'Signature is Valid.', 'the sample opens as validly signed')

  // The self-signed one goes through a confirmation page, and the earlier key stays on disk.
  const confirm = await admin.get('/settings/signing/self-signed')
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Сейчас загружен сертификат «МБОУ СОШ № 7»')
  const made = await admin.post('/settings/signing/self-signed')
  t.equal(made.statusCode, 303)
  t.match((await admin.get('/settings/signing')).body, 'Создан самоподписанный сертификат «МБОУ СОШ № 7»')
  t.match((await admin.get('/settings/signing')).body, 'OU=Самоподписанный сертификат журнала')
  t.equal(readdirSync(path.join(dataDir, 'keys')).length, 2, 'the earlier key file is kept')
  const replaced = await db.selectFrom('audit_log').selectAll().where('action', '=', 'signing.self_signed').executeTakeFirstOrThrow()
  t.match(replaced.before, 'CN=МБОУ СОШ № 7', 'the audit shows which certificate it replaced')
})

t.test('R-ARC-4: a key that no longer opens is reported, and documents are still issued (unsigned)', async (t) => {
  const { app, db, dataDir, actor } = await setup(t)
  await ensureDemoCertificate(db, { dataDir })
  await db.updateTable('school_settings').set({ value: 'changed' }).where('key', '=', 'signing_passphrase').execute()
  const admin = await loginAs(app, 'admin')
  t.match((await admin.get('/settings/signing')).body, 'Сохранённый пароль не подходит к файлу ключа')
  const doc = await issue(app, db, dataDir, actor, 'Ведомость')
  t.notOk(doc.signed, 'issued without a signature rather than not at all')
  const sample = await admin.post('/settings/signing/sample')
  t.equal(sample.statusCode, 303, 'no sample without a usable key')
})
