// Indexes found missing by `npm run bench` on a full year of a 1,500-student school (R-NF-2). Frozen: imports
// only kysely.
import { Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Every week view (diary, timetable, journal) joins a lesson to the one moved onto it; without this index
  // SQLite builds a temporary one over all lessons for each query — 20 ms of a 27 ms diary page.
  await sql`create index lessons_moved_to on lessons (moved_to_id) where moved_to_id is not null`.execute(db)
  // A class's week (diary, weekly report, timetable): lessons_class leads with the subject after the class.
  await sql`create index lessons_class_date on lessons (class_id, date)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index lessons_class_date`.execute(db)
  await sql`drop index lessons_moved_to`.execute(db)
}
