// Pure rules of document integrity (R-ARC-4), as tables: codes typed from paper, the issuer's position,
// the certificate's state, and what the verification page says about an uploaded file.
import t from 'tap'
import {
  certificateState, fileVerdict, issuerPositions, looksLikePdf, normalizeVerificationCode, signatureVerdict,
} from '../src/features/integrity/integrity.rules.js'
import { parseKeyUpload, parseRegistryFilter } from '../src/features/integrity/integrity.form.js'

t.test('R-ARC-4: a verification code is read as typed from paper', async (t) => {
  const cases: [string, string | null][] = [
    ['HK3MQ-7PX2R', 'HK3MQ7PX2R'],
    ['hk3mq-7px2r', 'HK3MQ7PX2R'],
    [' hk3mq 7px2r ', 'HK3MQ7PX2R'],
    ['HK3MQ–7PX2R', 'HK3MQ7PX2R'], // an en dash from a word processor
    ['HK3MQ7PX2R', 'HK3MQ7PX2R'],
    ['HK3MQ-7PX2', null], // nine characters
    ['HK3MQ-7PX2RR', null],
    ['HK3MO-7PX2R', null], // O is not in the alphabet (it reads as zero)
    ['HK3MQ-7PX21', null], // neither is 1
    ['НК3МQ-7РХ2R', null], // Cyrillic look-alikes
    ['', null],
    ['../../etc', null],
  ]
  for (const [input, want] of cases) t.equal(normalizeVerificationCode(input), want, JSON.stringify(input))
})

t.test('R-ARC-4: the issuer is named by their positions, the most senior first', async (t) => {
  t.same(issuerPositions(['teacher', 'deputy'], false), ['deputy', 'teacher'])
  t.same(issuerPositions(['teacher'], true), ['classTeacher', 'teacher'])
  t.same(issuerPositions(['admin', 'director'], false), ['director', 'admin'])
  t.same(issuerPositions(['parent', 'student'], false), [], 'family roles are not positions')
  t.same(issuerPositions([], false), [])
})

t.test('R-ARC-4: the certificate signs only while it is valid, with a month’s warning', async (t) => {
  const k = { validFrom: '2026-01-01T00:00:00Z', validTo: '2027-01-01T00:00:00Z' }
  const cases: [string, string][] = [
    ['2025-12-31T23:59:00Z', 'notYet'],
    ['2026-06-01T00:00:00Z', 'valid'],
    ['2026-12-15T00:00:00Z', 'expiresSoon'],
    ['2027-01-01T00:00:01Z', 'expired'],
  ]
  for (const [now, want] of cases) t.equal(certificateState(k, new Date(now)), want, now)
})

t.test('R-ARC-4: an uploaded file is the document only byte for byte; its signature is judged apart', async (t) => {
  const sha = 'a'.repeat(64)
  t.equal(fileVerdict(sha, { sha256: sha, signed: 1 }), 'same')
  t.equal(fileVerdict(sha, { sha256: sha, signed: 0 }), 'sameUnsigned')
  t.equal(fileVerdict(sha, { sha256: 'b'.repeat(64), signed: 1 }), 'different')
  t.equal(fileVerdict(sha, { sha256: null, signed: 0 }), 'notStored')
  t.equal(signatureVerdict({ signed: false }), 'none')
  t.equal(signatureVerdict({ signed: true, intact: true, wholeFile: true, signer: 'x', signedAt: null }), 'valid')
  t.equal(signatureVerdict({ signed: true, intact: true, wholeFile: false, signer: 'x', signedAt: null }), 'changedAfter')
  t.equal(signatureVerdict({ signed: true, intact: false, wholeFile: true, signer: null, signedAt: null }), 'broken')
  t.ok(looksLikePdf(Buffer.from('%PDF-1.7\n')))
  t.ok(looksLikePdf(Buffer.from('\r\n%PDF-1.4\n')), 'a little junk before the header is tolerated, as readers do')
  t.notOk(looksLikePdf(Buffer.from('PK\u0003\u0004')))
})

t.test('R-ARC-4: registry filters and the key upload form', async (t) => {
  t.same(parseRegistryFilter({ kind: 'weekly_report', year: '3', q: ' 2026-0001 ', current: 'on', page: '2' }).filter,
    { kind: 'weekly_report', yearId: 3, q: '2026-0001', currentOnly: true, page: 2 })
  t.same(parseRegistryFilter({ kind: 'drop table', year: '-1', page: 'x' }).filter, { kind: null, yearId: null, q: '', currentOnly: false, page: 1 })
  t.same(parseRegistryFilter({}).input, { kind: '', year: '', q: '', current: '' })
  const data = Buffer.from([0x30, 0x82])
  t.match(parseKeyUpload({ name: 'school.PFX', data, passphrase: '' }), { ok: true }, 'an empty passphrase is allowed (some files have none)')
  t.match(parseKeyUpload({ name: 'school.p12', data: null, passphrase: 'x' }), { ok: false, errors: { file: 'Выберите файл ключа.' } })
  t.match(parseKeyUpload({ name: 'school.crt', data, passphrase: 'x' }), { ok: false, errors: { file: 'Нужен файл с расширением .p12 или .pfx.' } })
  t.match(parseKeyUpload({ name: 'big.p12', data: Buffer.alloc(70_000), passphrase: 'x' }), { ok: false, errors: { file: /слишком большой/ } })
  t.match(parseKeyUpload({ name: 'k.p12', data, passphrase: 'x'.repeat(201) }), { ok: false, errors: { passphrase: /не более 200/ } })
})
