// The registry of issued documents (R-ARC-4): each printout gets a number, a short verification code and a QR
// that opens /verify/<code>; its bytes are stored as issued with their SHA-256. A re-issue of the same thing
// supersedes the earlier document, which stays in the registry. issueDocument() is the whole flow: reserve,
// render with the stamp, sign with the school's key when it has one, store.
import { createHash, randomInt } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import QRCode from 'qrcode'
import type { Transaction } from 'kysely'
import type { DB } from '../db/connection.js'
import type { Database, DocumentKind } from '../db/types.js'
import { audit, type Actor } from '../lib/audit.js'
import { nowIso } from '../lib/dates.js'
import { CODE_ALPHABET } from '../features/auth/auth.rules.js'
import { currentSigningKey } from '../features/integrity/integrity.service.js'
import { schoolNameSetting } from '../features/integrity/integrity.queries.js'
import { t } from '../i18n/index.js'
import { hasSignature, signPdf } from './signing.js'

export interface ReservedDocument { id: number; number: string; code: string }

/** A code short enough to type from paper: 10 characters without look-alikes, shown as XXXXX-XXXXX. */
export function newVerificationCode(): string {
  let s = ''
  for (let i = 0; i < 10; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return s
}

export function formatVerificationCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

/** Takes the next registry number (year-sequence) and a code, before the PDF is rendered with them. */
export async function reserveDocument(
  trx: Transaction<Database> | DB, actor: Actor,
  d: { kind: DocumentKind; title: string; subjectKey: string; yearId: number | null },
): Promise<ReservedDocument> {
  const issuedAt = nowIso()
  const code = newVerificationCode()
  const row = await trx.insertInto('documents').values({
    number: `tmp-${code}`, code, kind: d.kind, title: d.title, subject_key: d.subjectKey, year_id: d.yearId,
    issued_by: actor.personId, issued_at: issuedAt,
  }).returning('id').executeTakeFirstOrThrow()
  const number = `${issuedAt.slice(0, 4)}-${String(row.id).padStart(6, '0')}`
  await trx.updateTable('documents').set({ number }).where('id', '=', row.id).execute()
  await trx.updateTable('documents').set({ superseded_by: row.id })
    .where('subject_key', '=', d.subjectKey).where('id', '<>', row.id).where('superseded_by', 'is', null).execute()
  await audit(trx, actor, { action: 'document.issue', entity: 'document', entityId: row.id, after: { number, kind: d.kind, title: d.title } })
  return { id: row.id, number, code }
}

/** Stores the issued bytes under DATA_DIR/documents and records their SHA-256 and page count (signed: whether
 *  the bytes carry a signature, found by looking when not told). */
export async function storeDocument(db: DB | Transaction<Database>, dataDir: string, id: number, number: string, pdf: Buffer, pages: number, signed = hasSignature(pdf)): Promise<string> {
  const dir = path.join(dataDir, 'documents')
  mkdirSync(dir, { recursive: true })
  const storedName = `${number}.pdf`
  writeFileSync(path.join(dir, storedName), pdf, { flag: 'w', mode: 0o640 })
  const sha256 = createHash('sha256').update(pdf).digest('hex')
  await db.updateTable('documents').set({ sha256, stored_name: storedName, pages, signed: signed ? 1 : 0 }).where('id', '=', id).execute()
  return sha256
}

export type DocumentStamp = Awaited<ReturnType<typeof documentStamp>>

/** What a printout shows to be checked: number, code, the address and a QR of it (an SVG data URL, crisp in print). */
export async function documentStamp(doc: ReservedDocument, baseUrl: string) {
  const url = `${baseUrl.replace(/\/$/, '')}/verify/${doc.code}`
  const svg = await QRCode.toString(url, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' })
  return { number: doc.number, code: formatVerificationCode(doc.code), url, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }
}

export interface Logger { warn(obj: object, msg: string): void }

/** The PDF signed with the school's key (PAdES), or as it was when the school has no usable key: issuing a
 *  paper never waits for a certificate, the settings page shows what is wrong with it. */
export async function signForRegistry(db: DB, dataDir: string, pdf: Buffer, doc: { number: string; title: string; url: string }, log?: Logger): Promise<{ pdf: Buffer; signed: boolean }> {
  const installed = await currentSigningKey(db, dataDir)
  if (!installed) return { pdf, signed: false }
  if (!installed.ok) {
    log?.warn({ document: doc.number, problem: installed.problem }, 'signing key unusable: document stored unsigned')
    return { pdf, signed: false }
  }
  const k = installed.key
  const now = new Date()
  if (now < new Date(k.validFrom) || now > new Date(k.validTo)) {
    log?.warn({ document: doc.number, validTo: k.validTo }, 'signing certificate not valid now: document stored unsigned')
    return { pdf, signed: false }
  }
  const school = await schoolNameSetting(db)
  const signed = await signPdf(pdf, k, '', {
    reason: t('integrity.signature.reason', { number: doc.number, title: doc.title }),
    location: school.address || school.name,
    name: k.commonName,
    ...(doc.url ? { contactInfo: doc.url } : {}),
  }, now)
  return { pdf: signed, signed: true }
}

/** Signs (when the school has a key) and stores a rendered document; returns the bytes as stored, which are
 *  what the user must be sent: their SHA-256 is the registry's. For callers that reserve and render themselves. */
export async function storeIssued(
  db: DB, dataDir: string, doc: ReservedDocument, rendered: { pdf: Buffer; pages: number }, opts: { url?: string; log?: Logger } = {},
): Promise<{ pdf: Buffer; pages: number; sha256: string; signed: boolean }> {
  const row = await db.selectFrom('documents').select('title').where('id', '=', doc.id).executeTakeFirstOrThrow()
  const { pdf, signed } = await signForRegistry(db, dataDir, rendered.pdf, { number: doc.number, title: row.title, url: opts.url ?? '' }, opts.log)
  const sha256 = await storeDocument(db, dataDir, doc.id, doc.number, pdf, rendered.pages, signed)
  return { pdf, pages: rendered.pages, sha256, signed }
}

export interface IssuedDocument extends ReservedDocument { pdf: Buffer; pages: number; sha256: string; signed: boolean }

/** Issues a printout: reserves its number and code, renders it with the stamp (QR, number, code), signs it when
 *  the school has a key, and stores the bytes as issued. Returns the stored bytes: send these, not the render's.
 *  A render that fails takes its reservation back, so that the earlier issue stays the current one. */
export async function issueDocument(
  deps: { db: DB; dataDir: string; baseUrl: string; log?: Logger }, actor: Actor,
  d: { kind: DocumentKind; title: string; subjectKey: string; yearId: number | null },
  render: (stamp: DocumentStamp, doc: ReservedDocument) => Promise<{ pdf: Buffer; pages: number }>,
): Promise<IssuedDocument> {
  const { db, dataDir } = deps
  const doc = await db.transaction().execute((trx) => reserveDocument(trx, actor, d))
  const stamp = await documentStamp(doc, deps.baseUrl)
  let rendered: { pdf: Buffer; pages: number }
  try {
    rendered = await render(stamp, doc)
  } catch (e) {
    await cancelReservation(db, actor, doc)
    throw e
  }
  return { ...doc, ...(await storeIssued(db, dataDir, doc, rendered, { url: stamp.url, log: deps.log })) }
}

/** Undoes a reservation whose document was never made: the superseded issue becomes current again. */
async function cancelReservation(db: DB, actor: Actor, doc: ReservedDocument): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('documents').set({ superseded_by: null }).where('superseded_by', '=', doc.id).execute()
    await trx.deleteFrom('documents').where('id', '=', doc.id).execute()
    await audit(trx, actor, { action: 'document.cancel', entity: 'document', entityId: doc.id, before: { number: doc.number } })
  })
}
