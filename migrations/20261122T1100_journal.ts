// The class journal: bells, timetable, lesson instances and their changes, КТП, kinds of work, marks, absences,
// homework, attachments, late-entry approvals, final marks and their corrections (R-TT, R-J, R-FIN).
// Frozen: imports only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bells')
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number between 0 and 12`))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bells_pk', ['year_id', 'number'])
    .execute()

  // КТП: numbered topics per subject and grade (optionally per teacher).
  await db.schema
    .createTable('plan_topics')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('grade', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('hours', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('plan_topics_unique', ['year_id', 'subject_id', 'grade', 'number'])
    .execute()

  // The weekly timetable: one row per weekly slot of a class or group, valid over a date range.
  await db.schema
    .createTable('timetable_slots')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('class_id', 'integer', (c) => c.references('classes.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('teacher_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('weekday', 'integer', (c) => c.notNull().check(sql`weekday between 1 and 6`))
    .addColumn('lesson_number', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addColumn('room', 'text', (c) => c.notNull().defaultTo(''))
    .addCheckConstraint('slots_target', sql`(class_id is null) <> (group_id is null)`)
    .execute()
  await db.schema.createIndex('slots_class').on('timetable_slots').columns(['class_id', 'weekday', 'lesson_number']).execute()
  await db.schema.createIndex('slots_group').on('timetable_slots').columns(['group_id', 'weekday', 'lesson_number']).execute()
  await db.schema.createIndex('slots_teacher').on('timetable_slots').columns(['teacher_id', 'weekday']).execute()

  // A lesson instance: one slot on one date (or an extra lesson). Its entry (topic, homework, notes) lives here.
  // Cancelled and moved lessons are kept with their status; a transfer points to the new lesson.
  await db.schema
    .createTable('lessons')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('slot_id', 'integer', (c) => c.references('timetable_slots.id'))
    .addColumn('class_id', 'integer', (c) => c.references('classes.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('teacher_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('lesson_number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled').check(sql`status in ('scheduled','cancelled','moved')`))
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('timetable').check(sql`origin in ('timetable','extra','transfer')`))
    .addColumn('moved_to_id', 'integer', (c) => c.references('lessons.id'))
    .addColumn('substitute_id', 'integer', (c) => c.references('persons.id'))
    .addColumn('change_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('plan_topic_id', 'integer', (c) => c.references('plan_topics.id'))
    .addColumn('topic', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('homework', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('distance', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('distance_order', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('extracurricular', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('topic_entered_at', 'text')
    .addColumn('homework_entered_at', 'text')
    .addColumn('entered_by', 'integer', (c) => c.references('persons.id'))
    .addCheckConstraint('lessons_target', sql`(class_id is null) <> (group_id is null)`)
    .execute()
  await db.schema.createIndex('lessons_class').on('lessons').columns(['class_id', 'subject_id', 'date', 'lesson_number']).execute()
  await db.schema.createIndex('lessons_group').on('lessons').columns(['group_id', 'date', 'lesson_number']).execute()
  await db.schema.createIndex('lessons_teacher').on('lessons').columns(['teacher_id', 'date']).execute()
  await db.schema.createIndex('lessons_substitute').on('lessons').columns(['substitute_id', 'date']).execute()
  await db.schema.createIndex('lessons_date').on('lessons').columns(['date', 'lesson_number']).execute()
  await sql`create unique index lessons_slot_date on lessons (slot_id, date) where slot_id is not null and origin = 'timetable'`.execute(db)

  // Kinds of work with their weight and checking deadline ('same_day', 'next_lesson', 'days:N').
  await db.schema
    .createTable('work_kinds')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('short_name', 'text', (c) => c.notNull())
    .addColumn('weight', 'real', (c) => c.notNull().defaultTo(1).check(sql`weight > 0 and weight <= 10`))
    .addColumn('deadline', 'text', (c) => c.notNull().defaultTo('days:7'))
    .addColumn('is_control', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(100))
    .execute()

  // Defaults from the regulations; the school edits names, weights and deadlines [002 §7.14; 001 App.1 §2.4].
  await db.insertInto('work_kinds').values([
    { name: 'Ответ на уроке', short_name: 'Отв', weight: 1, deadline: 'same_day', is_control: 0, sort_order: 10 },
    { name: 'Домашняя работа', short_name: 'ДР', weight: 1, deadline: 'next_lesson', is_control: 0, sort_order: 20 },
    { name: 'Самостоятельная работа', short_name: 'СР', weight: 1, deadline: 'next_lesson', is_control: 0, sort_order: 30 },
    { name: 'Проверочная работа', short_name: 'ПР', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 40 },
    { name: 'Диктант', short_name: 'Дикт', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 50 },
    { name: 'Практическая работа', short_name: 'Практ', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 60 },
    { name: 'Лабораторная работа', short_name: 'ЛР', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 70 },
    { name: 'Творческая работа (5–9 классы)', short_name: 'Твор', weight: 1.5, deadline: 'days:7', is_control: 0, sort_order: 80 },
    { name: 'Сочинение (10–11 классы)', short_name: 'Соч', weight: 2, deadline: 'days:10', is_control: 0, sort_order: 90 },
    { name: 'Контрольная работа', short_name: 'КР', weight: 2, deadline: 'days:3', is_control: 1, sort_order: 100 },
    { name: 'Контрольный диктант', short_name: 'КД', weight: 2, deadline: 'days:3', is_control: 1, sort_order: 110 },
    { name: 'Зачёт', short_name: 'Зач', weight: 2, deadline: 'days:3', is_control: 1, sort_order: 120 },
  ]).execute()

  // The kind of work of each mark column of a lesson (column 1, 2 …).
  await db.schema
    .createTable('lesson_columns')
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('column_no', 'integer', (c) => c.notNull().check(sql`column_no between 1 and 5`))
    .addColumn('work_kind_id', 'integer', (c) => c.notNull().references('work_kinds.id'))
    .addPrimaryKeyConstraint('lesson_columns_pk', ['lesson_id', 'column_no'])
    .execute()

  // Current marks. A removed mark is a change to nothing: the row goes, its history stays in mark_history.
  await db.schema
    .createTable('marks')
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('column_no', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull().check(sql`value glob '[1-5]' or value glob '[1-5]/[1-5]'`))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('entered_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('late_approval_id', 'integer')
    .addPrimaryKeyConstraint('marks_pk', ['lesson_id', 'student_id', 'column_no'])
    .execute()
  await db.schema.createIndex('marks_student').on('marks').columns(['student_id', 'lesson_id']).execute()

  await db.schema
    .createTable('absences')
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('reason', 'text', (c) => c.check(sql`reason in ('illness','valid','invalid')`))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('entered_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('reason_set_at', 'text')
    .addColumn('reason_set_by', 'integer', (c) => c.references('persons.id'))
    .addPrimaryKeyConstraint('absences_pk', ['lesson_id', 'student_id'])
    .execute()
  await db.schema.createIndex('absences_student').on('absences').columns(['student_id', 'lesson_id']).execute()

  // Every change of a mark or an absence: who, when, old → new, why (R-FIN-4 asks the same of final marks).
  await db.schema
    .createTable('mark_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('lesson_id', 'integer', (c) => c.notNull())
    .addColumn('student_id', 'integer', (c) => c.notNull())
    .addColumn('column_no', 'integer', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.createIndex('mark_history_lesson').on('mark_history').columns(['lesson_id', 'student_id']).execute()

  await db.schema
    .createTable('homework_individual')
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('homework_individual_pk', ['lesson_id', 'student_id'])
    .execute()
  await db.schema.createIndex('homework_individual_student').on('homework_individual').columns(['student_id']).execute()

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('lesson','homework')`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('stored_name', 'text', (c) => c.notNull().unique())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .execute()
  await db.schema.createIndex('attachments_lesson').on('attachments').columns(['lesson_id']).execute()

  // The deputy's recorded permission to enter marks of a lesson after the checking deadline (R-J-6).
  await db.schema
    .createTable('late_approvals')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id'))
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','approved','refused','used')`))
    .addColumn('decided_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('decided_at', 'text')
    .addColumn('valid_until', 'text')
    .execute()
  await db.schema.createIndex('late_approvals_lesson').on('late_approvals').columns(['lesson_id', 'status']).execute()

  // Period, year, attestation, exam and final marks of a student in a subject (R-FIN).
  await db.schema
    .createTable('final_marks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year_id', 'integer', (c) => c.notNull().references('academic_years.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('period','attestation','year','exam','final')`))
    .addColumn('period_id', 'integer', (c) => c.references('periods.id'))
    .addColumn('value', 'text', (c) => c.notNull().check(sql`value in ('1','2','3','4','5','осв','н/а')`))
    .addColumn('proposed', 'text')
    .addColumn('set_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('set_at', 'text', (c) => c.notNull())
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('final_marks_period', sql`(kind = 'period') = (period_id is not null)`)
    .execute()
  await sql`create unique index final_marks_unique on final_marks (student_id, subject_id, kind, ifnull(period_id, 0), year_id)`.execute(db)
  await db.schema.createIndex('final_marks_year').on('final_marks').columns(['year_id', 'subject_id']).execute()

  // A correction of a locked final mark, with its approval: the deputy's, or in grades 9 and 11 the
  // director's order with the teacher's written explanation attached [002 §7.14].
  await db.schema
    .createTable('final_corrections')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('final_mark_id', 'integer', (c) => c.notNull().references('final_marks.id'))
    .addColumn('old_value', 'text', (c) => c.notNull())
    .addColumn('new_value', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('approver_role', 'text', (c) => c.notNull().check(sql`approver_role in ('deputy','director')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','approved','refused')`))
    .addColumn('decided_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('decided_at', 'text')
    .addColumn('order_number', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decision_note', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.createIndex('final_corrections_mark').on('final_corrections').columns(['final_mark_id']).execute()
  await db.schema.createIndex('final_corrections_status').on('final_corrections').columns(['status', 'approver_role']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['final_corrections', 'final_marks', 'late_approvals', 'attachments', 'homework_individual',
    'mark_history', 'absences', 'marks', 'lesson_columns', 'work_kinds', 'lessons', 'timetable_slots', 'plan_topics', 'bells']) {
    await db.schema.dropTable(t).execute()
  }
}
