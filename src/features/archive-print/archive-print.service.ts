// Issuing a printout (R-ARC-4 as used by R-ARC-2,3): reserve its registry number and code (audited), render the
// PDF with them, sign and store the bytes as issued. A closed year issues nothing: its archive is final.
import type { DB } from '../../db/connection.js'
import type { DocumentKind } from '../../db/types.js'
import type { Actor } from '../../lib/audit.js'
import type { PdfResult } from '../../plugins/pdf.js'
import { reserveDocument, storeIssued, type ReservedDocument } from '../../print/documents.js'
import { assertYearWritable } from '../school/school.queries.js'

export interface IssueSpec { kind: DocumentKind; title: string; subjectKey: string; yearId: number }

export const summaryKey = (classId: number, yearId: number) => `summary:class:${classId}:year:${yearId}`
export const journalKey = (classId: number, yearId: number) => `journal:class:${classId}:year:${yearId}`

export async function issueDocument(db: DB, dataDir: string, actor: Actor, spec: IssueSpec,
  make: (doc: ReservedDocument) => Promise<PdfResult>): Promise<{ doc: ReservedDocument } & PdfResult> {
  const doc = await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, spec.yearId)
    return reserveDocument(trx, actor, spec)
  })
  const out = await make(doc)
  // Archived documents are signed when the school has a key; the stored (signed) bytes are the document.
  const stored = await storeIssued(db, dataDir, doc, out)
  return { doc, pdf: stored.pdf, pages: stored.pages }
}
