// Data versions for the page cache (R-NF-1, R-NF-2). Frozen: imports only kysely.
//
// Every write to the school's data bumps a version in the same transaction, by trigger, so no code path can
// forget it. A write that belongs to a lesson bumps the version of the lesson's class; any other write
// bumps the version of the whole school. A cached page is stored under the versions it was built from and
// is used only while they are unchanged.
import { Kysely, sql } from 'kysely'

/** Tables whose rows belong to one lesson: a write bumps that lesson's class (the school for a cross-class group). */
const LESSON_TABLES = ['marks', 'absences', 'lesson_columns', 'homework_individual', 'attachments', 'mark_history', 'late_approvals']

/**
 * Tables no cached page reads, so their writes bump nothing: sessions and the audit trail are written on
 * every login and on every staff read of a diary, and messages have their own unread count per request.
 */
const UNVERSIONED = ['sessions', 'audit_log', 'mail_log', 'backups', 'users', 'invitations', 'digest_subscriptions',
  'messages', 'threads', 'thread_participants', 'kysely_migration', 'kysely_migration_lock', 'sqlite_sequence', 'data_versions']

const classOfLesson = (ref: 'NEW' | 'OLD') =>
  `select coalesce('class:' || coalesce(l.class_id, g.class_id), 'school'), 1 from lessons l left join groups g on g.id = l.group_id where l.id = ${ref}.lesson_id`
const classOfLessonRow = (ref: 'NEW' | 'OLD') =>
  `select coalesce('class:' || coalesce(${ref}.class_id, (select class_id from groups where id = ${ref}.group_id)), 'school'), 1 where true`
const bump = (select: string) => `insert into data_versions (scope, v) ${select} on conflict (scope) do update set v = v + 1;`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table data_versions (scope text primary key, v integer not null)`.execute(db)
  await sql`insert into data_versions (scope, v) values ('school', 0)`.execute(db)
  // SQLite's own tables (sqlite_sequence, sqlite_stat1 after an ANALYZE) take no triggers.
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite!_%' escape '!' order by name`.execute(db)).rows.map((r) => r.name)
  for (const table of tables) {
    if (UNVERSIONED.includes(table)) continue
    for (const [event, refs] of [['insert', ['NEW']], ['update', ['OLD', 'NEW']], ['delete', ['OLD']]] as const) {
      let body: string
      if (LESSON_TABLES.includes(table)) body = refs.map((r) => bump(classOfLesson(r))).join('\n  ')
      else if (table === 'lessons') body = refs.map((r) => bump(classOfLessonRow(r))).join('\n  ')
      else body = `update data_versions set v = v + 1 where scope = 'school';`
      await sql.raw(`create trigger dv_${table}_${event} after ${event} on ${table} for each row begin\n  ${body}\nend`).execute(db)
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const triggers = (await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and name like 'dv!_%' escape '!'`.execute(db)).rows
  for (const t of triggers) await sql.raw(`drop trigger ${t.name}`).execute(db)
  await sql`drop table data_versions`.execute(db)
}
