// The family side: acknowledgements of a week, messages, announcements, the e-mail digest and the mail log
// (R-D-2..4). Frozen: imports only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // «Ознакомлен»: a parent (or the student) confirms having read a week of the diary (R-D-2).
  await db.schema
    .createTable('acknowledgements')
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('week', 'text', (c) => c.notNull()) // the Monday
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('acknowledgements_pk', ['student_id', 'person_id', 'week'])
    .execute()
  await db.schema.createIndex('acknowledgements_week').on('acknowledgements').columns(['week', 'student_id']).execute()

  // A conversation between people; messages are never edited or deleted (R-D-3).
  await db.schema
    .createTable('threads')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_message_at', 'text', (c) => c.notNull())
    // The student the conversation is about, when a parent writes about a child.
    .addColumn('about_student_id', 'integer', (c) => c.references('persons.id'))
    .execute()

  await db.schema
    .createTable('thread_participants')
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('threads.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('last_read_at', 'text')
    .addPrimaryKeyConstraint('thread_participants_pk', ['thread_id', 'person_id'])
    .execute()
  await db.schema.createIndex('thread_participants_person').on('thread_participants').columns(['person_id', 'thread_id']).execute()

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('threads.id'))
    .addColumn('sender_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 5000`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('messages_thread').on('messages').columns(['thread_id', 'created_at']).execute()
  await db.schema.createIndex('messages_sender').on('messages').columns(['sender_id', 'created_at']).execute()

  // Announcements by the administration (school or a grade) and class teachers (their class) (R-D-3).
  await db.schema
    .createTable('announcements')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('school','grade','class')`))
    .addColumn('grade', 'integer')
    .addColumn('class_id', 'integer', (c) => c.references('classes.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('visible_until', 'text')
    .addColumn('withdrawn_at', 'text')
    .addCheckConstraint('announcements_scope', sql`(scope = 'school') or (scope = 'grade' and grade is not null) or (scope = 'class' and class_id is not null)`)
    .execute()
  await db.schema.createIndex('announcements_created').on('announcements').columns(['created_at']).execute()

  // A parent's weekly e-mail digest of one child's diary (R-D-4). Unsubscribing keeps the row.
  await db.schema
    .createTable('digest_subscriptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('parent_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('student_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('unsubscribed_at', 'text')
    .addColumn('last_sent_week', 'text')
    .execute()
  await db.schema.createIndex('digest_parent').on('digest_subscriptions').columns(['parent_id', 'student_id']).execute()

  // Every e-mail the school sends: queued, sent, or failed after retries — never lost silently.
  await db.schema
    .createTable('mail_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('ref', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','sent','outbox','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('outbox_file', 'text')
    .execute()
  await db.schema.createIndex('mail_log_status').on('mail_log').columns(['status', 'next_attempt_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['mail_log', 'digest_subscriptions', 'announcements', 'messages', 'thread_participants', 'threads', 'acknowledgements']) {
    await db.schema.dropTable(t).execute()
  }
}
