// Documents that go to the archive are stored signed when the school has a key (R-ARC-4): the summary sheet's
// issue path and the weekly report's both keep the signed bytes, which pdfsig validates.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp } from './helper.js'
import { ensureDemoCertificate } from '../src/features/integrity/integrity.service.js'
import { issueDocument as issueArchivePrint } from '../src/features/archive-print/archive-print.service.js'
import { reserveWeekly, storeWeekly } from '../src/features/reports-weekly/weekly.queries.js'
import { documentStamp } from '../src/print/documents.js'

function pdfsig(file: string): string {
  try { return execFileSync('pdfsig', [file], { encoding: 'utf8' }) } catch (e) { return String((e as { stdout?: string }).stdout ?? e) }
}

t.test('R-ARC-4 the summary sheet and the weekly report are stored signed', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'journal-signed-'))
  const { app, db, config } = await buildTestApp({ dataDir })
  t.teardown(() => app.close())
  await db.insertInto('school_settings').values({ key: 'school_name', value: 'МБОУ СОШ № 1' }).execute()
  await ensureDemoCertificate(db, config)
  const year = await db.insertInto('academic_years').values({ name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-05-31', status: 'open', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()
  const actor = { userId: null, personId: null }

  const summary = await issueArchivePrint(db, dataDir, actor, { kind: 'summary_sheet', title: 'Сводная ведомость 5А', subjectKey: 'summary:class:1:year:1', yearId: year.id },
    async (doc) => app.renderPdf('print/_doc-id', { doc: await documentStamp(doc, 'http://school.local') }))
  const weeklyDoc = await reserveWeekly(db, actor, { title: 'Еженедельный отчёт 5А', subjectKey: 'weekly:test', yearId: year.id })
  const weeklyOut = await app.renderPdf('print/_doc-id', { doc: await documentStamp(weeklyDoc, 'http://school.local') })
  const weekly = await storeWeekly(db, dataDir, weeklyDoc, weeklyOut, 'http://school.local/verify/x')

  for (const [name, id, handedOut] of [['summary', summary.doc.id, summary.pdf], ['weekly', weeklyDoc.id, weekly.pdf]] as const) {
    const row = await db.selectFrom('documents').select(['stored_name', 'signed', 'sha256']).where('id', '=', id).executeTakeFirstOrThrow()
    t.equal(row.signed, 1, `${name}: recorded as signed`)
    const file = path.join(dataDir, 'documents', row.stored_name!)
    t.ok(readFileSync(file).equals(Buffer.from(handedOut)), `${name}: the bytes handed out are the stored ones`)
    t.match(pdfsig(file), /Signature is Valid/, `${name}: pdfsig validates the stored file`)
  }
})
