// PAdES signatures of issued PDFs (R-ARC-4): a PDF that Chromium renders, signed with a PKCS#12 key, is valid in
// an ordinary reader (poppler's pdfsig); one changed byte makes it invalid there and in our own check.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp } from './helper.js'
import { checkPdfSignature, hasSignature, makeSelfSignedP12, readP12, signPdf, SigningError } from '../src/print/signing.js'

const dir = mkdtempSync(path.join(tmpdir(), 'signing-'))
t.setTimeout(120_000) // Chromium renders the PDFs: a few seconds each on a slow machine

/** pdfsig's report of a PDF (it exits non-zero for an invalid signature; the text says why). */
function pdfsig(pdf: Buffer, name: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, pdf)
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' })
  return `${r.stdout}${r.stderr}`
}

function errorCode(f: () => unknown): string {
  try { f(); return 'ok' } catch (e) { return e instanceof SigningError ? e.code : 'other' }
}

function openssl(args: string[]): boolean {
  return spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' }).status === 0
}

const INFO = { reason: 'Документ № 2026-000001: сводная ведомость (trailer xref)', location: 'г. Тверь, ул. Школьная, д. 1', name: 'МБОУ СОШ № 1' }

t.test('R-ARC-4: a PDF rendered by the app and signed with the school key is valid in pdfsig; one flipped byte is not', async (t) => {
  const { app } = await buildTestApp({ dataDir: dir })
  t.teardown(() => app.close())
  const p12 = makeSelfSignedP12({ commonName: 'МБОУ СОШ № 1', organization: 'МБОУ «Средняя общеобразовательная школа № 1»', unit: 'Самоподписанный' }, 'демо-пароль')
  const key = readP12(p12, 'демо-пароль')
  t.equal(key.commonName, 'МБОУ СОШ № 1', 'the Russian name reads back')
  t.match(key.subject, 'O=МБОУ «Средняя общеобразовательная школа № 1»')
  t.ok(key.selfSigned)
  t.match(key.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)

  const { pdf } = await app.renderPdf('integrity/sample', { title: 'Пробный', cert: key, madeAt: new Date().toISOString() })
  t.notOk(hasSignature(pdf), 'Chromium’s PDF carries no signature')
  const signed = await signPdf(pdf, p12, 'демо-пароль', INFO)
  t.ok(signed.subarray(0, pdf.length - 1).equals(pdf.subarray(0, pdf.length - 1)), 'an incremental update: the rendered bytes stay as they were')

  const report = pdfsig(signed, 'signed.pdf')
  t.match(report, 'Signature is Valid.', 'pdfsig: the signature is valid')
  t.match(report, 'Signature Type: ETSI.CAdES.detached', 'a PAdES (CAdES) signature')
  t.match(report, 'Signing Hash Algorithm: SHA-256')
  t.match(report, 'Total document signed', 'the signature covers the whole file')
  t.match(report, 'Signer Certificate Common Name: МБОУ СОШ № 1')
  // A self-signed certificate is not in the reader's trust store: expected, and not the document's fault.
  t.match(report, /Certificate Validation: Certificate issuer (is unknown|isn't Trusted)/)
  // Russian reason and location are written as UTF-16 text strings, readable in any reader.
  const tail = signed.subarray(pdf.length).toString('latin1')
  const hex = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`
  t.ok(tail.includes(`/Reason ${hex(INFO.reason)}`) && tail.includes(`/Location ${hex(INFO.location)}`), 'reason and location in Russian')
  t.match(checkPdfSignature(signed), { signed: true, intact: true, wholeFile: true, signer: 'МБОУ СОШ № 1' }, 'our own check agrees')

  // One byte of the signed content changed (the header's binary comment: the file still opens).
  const tampered = Buffer.from(signed)
  tampered[11] ^= 0x01
  const bad = pdfsig(tampered, 'tampered.pdf')
  t.notMatch(bad, 'Signature is Valid.', 'pdfsig: no longer valid')
  t.match(bad, /Digest Mismatch|Signature is Invalid/, 'pdfsig names the mismatch')
  t.match(checkPdfSignature(tampered), { signed: true, intact: false }, 'our check finds it broken too')

  // A byte changed inside a page's content stream, where the text is.
  const inStream = Buffer.from(signed)
  const at = signed.indexOf('stream\n', signed.indexOf('/Length')) + 40
  inStream[at] ^= 0x20
  t.notMatch(pdfsig(inStream, 'stream.pdf'), 'Signature is Valid.', 'a change inside a page stream breaks it')
  t.match(checkPdfSignature(inStream), { intact: false })

  // Something appended after signing: the signed part is intact, but it no longer covers the file.
  const appended = Buffer.concat([signed, Buffer.from('\n%% added later\n')])
  t.match(checkPdfSignature(appended), { signed: true, intact: true, wholeFile: false })
  t.same(checkPdfSignature(pdf), { signed: false }, 'an unsigned file has no signature')
})


t.test('R-ARC-4: PKCS#12 files as OpenSSL makes them (RSA and ECDSA, modern and legacy, Russian passphrase)', async (t) => {
  t.ok(openssl(['version']), 'openssl is installed (npm test installs it on a fresh machine)')
  t.ok(openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=Школа OpenSSL/O=Тест', '-utf8']))
  t.ok(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ek.pem', '-out', 'ec.pem', '-days', '30', '-subj', '/CN=EC School']))
  t.ok(openssl(['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'modern.p12', '-passout', 'pass:пароль-школы']))
  t.ok(openssl(['pkcs12', '-export', '-inkey', 'ek.pem', '-in', 'ec.pem', '-out', 'ec.p12', '-passout', 'pass:abc']))
  const legacy = openssl(['pkcs12', '-export', '-legacy', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'legacy.p12', '-passout', 'pass:abc'])

  const { app } = await buildTestApp({ dataDir: dir })
  t.teardown(() => app.close())
  const cases: [string, string, string][] = [['modern.p12', 'пароль-школы', 'rsa'], ['ec.p12', 'abc', 'ec'], ...(legacy ? [['legacy.p12', 'abc', 'rsa'] as [string, string, string]] : [])]
  for (const [file, pass, type] of cases) {
    const p12 = readFileSync(path.join(dir, file))
    const key = readP12(p12, pass)
    t.equal(key.key.asymmetricKeyType, type, `${file}: a ${type} key`)
    const { pdf } = await app.renderPdf('integrity/sample', { title: 'x', cert: key, madeAt: new Date().toISOString() })
    const report = pdfsig(await signPdf(pdf, key, '', INFO), `${file}.pdf`)
    t.match(report, 'Signature is Valid.', `${file}: pdfsig says valid`)
  }
  t.equal(errorCode(() => readP12(readFileSync(path.join(dir, 'modern.p12')), 'не тот')), 'badPassphrase', 'a wrong Russian passphrase is named as such')
})

t.test('R-ARC-4: files that are not a usable key are told apart', async (t) => {
  const p12 = makeSelfSignedP12({ commonName: 'Школа' }, 'x')
  t.equal(errorCode(() => readP12(p12, 'x')), 'ok')
  t.equal(errorCode(() => readP12(p12, 'y')), 'badPassphrase')
  t.equal(errorCode(() => readP12(Buffer.from('%PDF-1.4 not a key'), 'x')), 'notP12')
  t.equal(errorCode(() => readP12(Buffer.alloc(0), 'x')), 'notP12')
  t.equal(errorCode(() => readP12(p12.subarray(0, 200), 'x')), 'notP12', 'a truncated file')
})
