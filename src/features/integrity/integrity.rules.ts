// Rules of document integrity (R-ARC-4): who reaches the registry and the key, reading a typed verification code,
// what the verification page says about a document and about an uploaded file. Pure functions.
import type { Access } from '../../plugins/auth.js'
import type { DocumentKind, Role } from '../../db/types.js'
import { CODE_ALPHABET } from '../auth/auth.rules.js'
import type { SignatureCheck, SigningKey } from '../../print/signing.js'

/** The registry of issued documents: the administration. */
export const REGISTRY_ROLES: Access[] = ['admin', 'deputy', 'director']
/** The school's signing key: the administrator only. */
export const SIGNING_ROLES: Access[] = ['admin']

export const DOCUMENT_KINDS: DocumentKind[] = ['weekly_report', 'summary_sheet', 'year_journal', 'breach_act', 'report', 'archive_manifest', 'slips']

export function isDocumentKind(s: string): s is DocumentKind {
  return (DOCUMENT_KINDS as string[]).includes(s)
}

/** A code as typed from paper («abcde-12345», spaces, any case) → its stored form, or null when it cannot be one. */
export function normalizeVerificationCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s\-‐–—_.]/g, '')
  if (s.length !== 10) return null
  for (const c of s) if (!CODE_ALPHABET.includes(c)) return null
  return s
}

// Staff roles in the order that names a person's position on the verification page.
const POSITION_ORDER: (Role | 'classTeacher')[] = ['director', 'deputy', 'classTeacher', 'teacher', 'clerk', 'scheduler', 'admin']

/** The positions to print after the issuer's name: their staff roles, the most senior first. */
export function issuerPositions(roles: Role[], classTeacher: boolean): (Role | 'classTeacher')[] {
  return POSITION_ORDER.filter((r) => (r === 'classTeacher' ? classTeacher : roles.includes(r)))
}

export type CertificateState = 'valid' | 'expired' | 'notYet' | 'expiresSoon'

/** Whether documents can be signed with the certificate now; a month's warning before it expires. */
export function certificateState(k: Pick<SigningKey, 'validFrom' | 'validTo'>, now = new Date()): CertificateState {
  if (now < new Date(k.validFrom)) return 'notYet'
  const to = new Date(k.validTo)
  if (now > to) return 'expired'
  if (to.getTime() - now.getTime() < 30 * 86_400_000) return 'expiresSoon'
  return 'valid'
}

export type FileVerdict = 'same' | 'sameUnsigned' | 'different' | 'notStored'

/** What an uploaded file is, compared with the registry: only the very bytes issued are «the document». */
export function fileVerdict(uploadSha256: string, doc: { sha256: string | null; signed: number }): FileVerdict {
  if (!doc.sha256) return 'notStored'
  if (uploadSha256 !== doc.sha256) return 'different'
  return doc.signed ? 'same' : 'sameUnsigned'
}

export type SignatureVerdict = 'valid' | 'broken' | 'changedAfter' | 'none'

/** The uploaded file's own signature: intact, broken (bytes changed), or intact but with something added after it. */
export function signatureVerdict(c: SignatureCheck): SignatureVerdict {
  if (!c.signed) return 'none'
  if (!c.intact) return 'broken'
  return c.wholeFile ? 'valid' : 'changedAfter'
}

export const P12_MAX_BYTES = 64 * 1024

/** A PDF starts with «%PDF-» (possibly after a few bytes of junk, which readers tolerate). */
export function looksLikePdf(data: Buffer): boolean {
  return data.subarray(0, 1024).includes('%PDF-')
}
