// Queries of document integrity (R-ARC-4): the school's signing key settings, the registry of issued
// documents (for its staff page and the public verification page). The only place with Kysely code here.
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, DocumentKind, Role } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { fullName } from '../auth/auth.queries.js'

type Q = DB | Transaction<Database>

// The key file's name (under DATA_DIR/keys) and its passphrase. The passphrase sits in the database so that
// the server can sign unattended; whoever holds both the database and DATA_DIR/keys can sign as the school.
const KEY_FILE = 'signing_p12'
const KEY_PASSPHRASE = 'signing_passphrase'

export interface SigningSettings { file: string; passphrase: string }

export async function signingSettings(db: Q): Promise<SigningSettings | null> {
  const rows = await db.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', [KEY_FILE, KEY_PASSPHRASE]).execute()
  const file = rows.find((r) => r.key === KEY_FILE)?.value
  const passphrase = rows.find((r) => r.key === KEY_PASSPHRASE)?.value
  return file ? { file, passphrase: passphrase ?? '' } : null
}

/** What the audit log keeps about a certificate: never the passphrase. */
export interface CertificateFacts { file: string; subject: string; fingerprint: string; validTo: string }

/** Makes a stored key file the school's signing key; the previous one stays on disk and in the audit log. */
export async function installSigningKey(db: DB, actor: Actor, s: SigningSettings, facts: CertificateFacts, before: CertificateFacts | null, how: 'upload' | 'self_signed'): Promise<void> {
  const uploaded = how === 'upload'
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of [[KEY_FILE, s.file], [KEY_PASSPHRASE, s.passphrase]]) {
      await trx.insertInto('school_settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()
    }
    await audit(trx, actor, { action: uploaded ? 'signing.upload' : 'signing.self_signed', entity: 'signing_key', entityId: facts.fingerprint.slice(0, 23), before, after: facts })
  })
}

export async function schoolNameSetting(db: Q): Promise<{ name: string; shortName: string; address: string }> {
  const rows = await db.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', ['school_name', 'school_short_name', 'school_address']).execute()
  const v = (k: string) => rows.find((r) => r.key === k)?.value ?? ''
  return { name: v('school_name'), shortName: v('school_short_name'), address: v('school_address') }
}

// ----- the registry ---------------------------------------------------------------------------------------

export interface DocumentRow {
  id: number
  number: string
  code: string
  kind: DocumentKind
  title: string
  issued_at: string
  pages: number | null
  sha256: string | null
  stored_name: string | null
  signed: number
  year_id: number | null
  issuerId: number | null
  issuerName: string | null
  supersededNumber: string | null
}

function documentsQuery(db: Q) {
  return db.selectFrom('documents as d')
    .leftJoin('persons as p', 'p.id', 'd.issued_by')
    .leftJoin('documents as n', 'n.id', 'd.superseded_by')
    .select([
      'd.id', 'd.number', 'd.code', 'd.kind', 'd.title', 'd.issued_at', 'd.pages', 'd.sha256', 'd.stored_name', 'd.signed', 'd.year_id',
      'p.id as issuerId', 'p.last_name', 'p.first_name', 'p.middle_name', 'n.number as supersededNumber',
    ])
}

type Raw = Awaited<ReturnType<ReturnType<typeof documentsQuery>['execute']>>[number]

function toRow(r: Raw): DocumentRow {
  const { last_name, first_name, middle_name, ...rest } = r
  return { ...rest, issuerName: last_name ? fullName({ last_name, first_name: first_name ?? '', middle_name: middle_name ?? '' }) : null }
}

/** The document a verification code names (already normalised), for anyone holding the paper. */
export async function documentByCode(db: Q, code: string): Promise<DocumentRow | null> {
  const r = await documentsQuery(db).where('d.code', '=', code).executeTakeFirst()
  return r ? toRow(r) : null
}

export async function documentById(db: Q, id: number): Promise<DocumentRow | null> {
  const r = await documentsQuery(db).where('d.id', '=', id).executeTakeFirst()
  return r ? toRow(r) : null
}

/** The roles a person holds now (the verification page names the issuer's position). */
export async function rolesOf(db: Q, personId: number): Promise<{ roles: Role[]; classTeacher: boolean }> {
  const roles = (await db.selectFrom('person_roles').select('role').where('person_id', '=', personId).execute()).map((r) => r.role)
  const ct = await db.selectFrom('classes').innerJoin('academic_years as y', 'y.id', 'classes.year_id')
    .select('classes.id').where('class_teacher_id', '=', personId).where('y.status', '=', 'open').limit(1).executeTakeFirst()
  return { roles, classTeacher: ct !== undefined }
}

export interface RegistryFilter { kind: DocumentKind | null; yearId: number | null; q: string; currentOnly: boolean; page: number }
export const PAGE_SIZE = 50

/** The registry page: newest first, filtered; one extra row tells whether there is a next page. */
export async function listDocuments(db: Q, f: RegistryFilter): Promise<{ rows: DocumentRow[]; more: boolean }> {
  let q = documentsQuery(db)
  if (f.kind) q = q.where('d.kind', '=', f.kind)
  if (f.yearId) q = q.where('d.year_id', '=', f.yearId)
  if (f.currentOnly) q = q.where('d.superseded_by', 'is', null)
  if (f.q) {
    // LIKE's wildcards typed by a user are dropped rather than escaped: numbers and titles do not contain them.
    const like = `%${f.q.replace(/[%_]/g, '')}%`
    q = q.where((eb) => eb.or([eb('d.number', 'like', like), eb('d.title', 'like', like)]))
  }
  const rows = await q.orderBy('d.id', 'desc').limit(PAGE_SIZE + 1).offset((f.page - 1) * PAGE_SIZE).execute()
  return { rows: rows.slice(0, PAGE_SIZE).map(toRow), more: rows.length > PAGE_SIZE }
}

export async function yearsWithDocuments(db: Q): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('academic_years').select(['id', 'name']).orderBy('starts_on', 'desc').execute()
}

/** A staff member fetched the stored PDF: it holds students' personal data, so the read is logged. */
export async function logDownload(db: DB, actor: Actor, doc: { id: number; number: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await audit(trx, actor, { action: 'document.download', entity: 'document', entityId: doc.id, after: { number: doc.number } })
  })
}
