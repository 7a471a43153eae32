// Paper and archive: the registry of issued documents, promotion decisions, year archives and backups
// (R-ARC-2..6). Frozen: imports only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Every printed document as issued: its number, what it is, who issued it, its bytes' SHA-256 and the short
  // code (and QR) that opens its verification page. A re-issue supersedes, never overwrites (R-ARC-4).
  await db.schema
    .createTable('documents')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('weekly_report','summary_sheet','year_journal','breach_act','report','archive_manifest','slips')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull()) // what it is about, e.g. 'class:12:year:1'; re-issues share it
    .addColumn('year_id', 'integer', (c) => c.references('academic_years.id'))
    .addColumn('issued_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('stored_name', 'text')
    .addColumn('signed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('superseded_by', 'integer', (c) => c.references('documents.id'))
    .execute()
  await db.schema.createIndex('documents_subject').on('documents').columns(['subject_key', 'issued_at']).execute()
  await db.schema.createIndex('documents_year').on('documents').columns(['year_id', 'kind']).execute()

  // The teachers' council decision on each student at the year's end (R-ARC-2).
  await db.schema
    .createTable('promotion_decisions')
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('promoted','conditional','retained','graduated')`))
    .addColumn('council_date', 'text', (c) => c.notNull())
    .addColumn('protocol_number', 'text', (c) => c.notNull())
    .addColumn('set_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('set_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('promotion_decisions_pk', ['year_id', 'student_id'])
    .execute()

  // A closed year's archive: where it is, its manifest's SHA-256, and when it was last verified (R-ARC-5).
  await db.schema
    .createTable('year_archives')
    .addColumn('year_id', 'integer', (c) => c.primaryKey().references('academic_years.id'))
    .addColumn('closed_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('electronic_keep_until', 'text', (c) => c.notNull())
    .addColumn('paper_keep_until', 'text', (c) => c.notNull())
    .execute()

  // Every backup attempt per destination, checked by opening the copy (R-ARC-6).
  await db.schema
    .createTable('backups')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('bytes', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','ok','failed')`))
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('backups_destination').on('backups').columns(['destination', 'started_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['backups', 'year_archives', 'promotion_decisions', 'documents']) await db.schema.dropTable(t).execute()
}
