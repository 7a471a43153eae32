// School structure: years, periods per grade band, holidays, subjects, classes, groups, curriculum,
// workload (R-ORG-1..3). Frozen: imports only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('academic_years')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('draft','open','closed')`))
    .addColumn('adaptation_ends_on', 'text')
    .execute()

  // Which period scheme a band of grades follows in a year (quarters for 2–9, half-years for 10–11 …).
  await db.schema
    .createTable('grade_bands')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id').onDelete('cascade'))
    .addColumn('grade_from', 'integer', (c) => c.notNull())
    .addColumn('grade_to', 'integer', (c) => c.notNull())
    .addColumn('scheme', 'text', (c) => c.notNull().check(sql`scheme in ('quarter','trimester','half')`))
    .addCheckConstraint('grade_bands_range', sql`grade_from between 1 and 11 and grade_to between grade_from and 11`)
    .execute()

  await db.schema
    .createTable('periods')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id').onDelete('cascade'))
    .addColumn('scheme', 'text', (c) => c.notNull().check(sql`scheme in ('quarter','trimester','half')`))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addUniqueConstraint('periods_unique', ['year_id', 'scheme', 'number'])
    .addCheckConstraint('periods_dates', sql`starts_on <= ends_on`)
    .execute()

  await db.schema
    .createTable('holidays')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('grade_from', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('grade_to', 'integer', (c) => c.notNull().defaultTo(11))
    .addCheckConstraint('holidays_dates', sql`starts_on <= ends_on`)
    .execute()
  await db.schema.createIndex('holidays_year').on('holidays').columns(['year_id', 'starts_on']).execute()

  await db.schema
    .createTable('subjects')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('short_name', 'text', (c) => c.notNull())
    .addColumn('is_pe', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(100))
    .execute()

  await db.schema
    .createTable('classes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('grade', 'integer', (c) => c.notNull().check(sql`grade between 1 and 11`))
    .addColumn('letter', 'text', (c) => c.notNull())
    .addColumn('class_teacher_id', 'integer', (c) => c.references('persons.id'))
    .addUniqueConstraint('classes_unique', ['year_id', 'grade', 'letter'])
    .execute()
  await db.schema.createIndex('classes_teacher').on('classes').columns(['class_teacher_id', 'year_id']).execute()

  // A subgroup of one class for one subject (English 1/2), or a cross-class group (electives, profiles),
  // or an individual plan / home schooling page with one student.
  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('subgroup','cross','individual')`))
    .addColumn('class_id', 'integer', (c) => c.references('classes.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('grade', 'integer', (c) => c.notNull())
    .addCheckConstraint('groups_class', sql`kind = 'cross' or class_id is not null`)
    .execute()
  await db.schema.createIndex('groups_class').on('groups').columns(['class_id', 'subject_id']).execute()

  await db.schema
    .createTable('curriculum')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('class_id', 'integer', (c) => c.notNull().references('classes.id').onDelete('cascade'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('hours_per_week', 'real', (c) => c.notNull().check(sql`hours_per_week > 0 and hours_per_week <= 10`))
    .addUniqueConstraint('curriculum_unique', ['class_id', 'subject_id'])
    .execute()

  await db.schema
    .createTable('workload')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('teacher_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('class_id', 'integer', (c) => c.references('classes.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addCheckConstraint('workload_target', sql`(class_id is null) <> (group_id is null)`)
    .execute()
  await db.schema.createIndex('workload_teacher').on('workload').columns(['teacher_id']).execute()
  await db.schema.createIndex('workload_class').on('workload').columns(['class_id', 'subject_id']).execute()
  await db.schema.createIndex('workload_group').on('workload').columns(['group_id']).execute()
  await sql`create unique index workload_unique on workload (teacher_id, subject_id, ifnull(class_id, 0), ifnull(group_id, 0))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['workload', 'curriculum', 'groups', 'classes', 'subjects', 'holidays', 'periods', 'grade_bands', 'academic_years']) {
    await db.schema.dropTable(t).execute()
  }
}
