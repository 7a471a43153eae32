// Students, parents, consent, movement history and group membership (R-ORG-2,4; R-ACC-7).
// Frozen: imports only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('students')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id'))
    .addColumn('study_form', 'text', (c) =>
      c.notNull().defaultTo('regular').check(sql`study_form in ('regular','individual','home')`),
    )
    .addColumn('pe_exempt_until', 'text')
    // How the family receives the diary: on screen, on paper weekly, or by e-mail digest (R-ARC-1, R-D-4).
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('diary').check(sql`channel in ('diary','paper','email')`))
    .execute()

  await db.schema
    .createTable('parents')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id'))
    .addColumn('consent', 'text', (c) => c.notNull().defaultTo('unknown').check(sql`consent in ('unknown','given','refused')`))
    .addColumn('consent_on', 'text')
    .execute()

  await db.schema
    .createTable('parent_links')
    .addColumn('parent_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull().defaultTo('parent'))
    .addPrimaryKeyConstraint('parent_links_pk', ['parent_id', 'student_id'])
    .execute()
  await db.schema.createIndex('parent_links_student').on('parent_links').columns(['student_id', 'parent_id']).execute()

  // Movement history: one row per stay in a class. A departure closes the row; a transfer closes one and
  // opens another. Rows are never deleted, so a departed student's marks and presence stay on the record.
  await db.schema
    .createTable('enrollments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('class_id', 'integer', (c) => c.notNull().references('classes.id'))
    .addColumn('from_date', 'text', (c) => c.notNull())
    .addColumn('to_date', 'text')
    .addColumn('reason_in', 'text', (c) =>
      c.notNull().check(sql`reason_in in ('initial','arrival','transfer','promotion')`),
    )
    .addColumn('reason_out', 'text', (c) => c.check(sql`reason_out in ('departure','transfer','graduation','promotion')`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addCheckConstraint('enrollments_dates', sql`to_date is null or from_date <= to_date`)
    .execute()
  await db.schema.createIndex('enrollments_class').on('enrollments').columns(['class_id', 'from_date']).execute()
  await db.schema.createIndex('enrollments_student').on('enrollments').columns(['student_id', 'from_date']).execute()

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('from_date', 'text', (c) => c.notNull())
    .addColumn('to_date', 'text')
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'student_id', 'from_date'])
    .execute()
  await db.schema.createIndex('group_members_student').on('group_members').columns(['student_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['group_members', 'enrollments', 'parent_links', 'parents', 'students']) {
    await db.schema.dropTable(t).execute()
  }
}
