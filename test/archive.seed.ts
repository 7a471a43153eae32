// Fixture of the archive tests: an app on a database FILE in its own DATA_DIR (backups and snapshots need a file),
// a finished year 2025/2026 with two classes whose closing checklist is red in known places, a long-closed year
// whose electronic archive may be destroyed, users per role, and helpers to make the checklist green.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import type { DB } from '../src/db/connection.js'
import { reserveDocument, storeDocument } from '../src/print/documents.js'
import { buildTestApp, loginAs, makePerson, Client, type TestApp } from './helper.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]

/** A fresh DATA_DIR, removed when the test ends. */
export function tempDir(t: { teardown(fn: () => unknown): void }, prefix = 'archive-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The app on DATA_DIR/school.sqlite. */
export async function fileApp(t: { teardown(fn: () => unknown): void }, dataDir = tempDir(t)): Promise<TestApp & { dataDir: string }> {
  const ta = await buildTestApp({ dataDir }, path.join(dataDir, 'school.sqlite'))
  t.teardown(() => ta.app.close())
  return { ...ta, dataDir }
}

const MARK_TIME = '2026-05-20T10:00:00.000Z'

export async function seed(db: DB) {
  const subject = async (name: string, short_name: string, sort_order: number) =>
    (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const math = await subject('Математика', 'Матем.', 10)
  const russian = await subject('Русский язык', 'Рус. яз.', 5)
  await db.insertInto('school_settings').values({ key: 'school_name', value: 'МБОУ «Школа № 7»' }).execute()

  const year = (await db.insertInto('academic_years').values({ name: '2025/2026', starts_on: '2025-09-01', ends_on: '2026-05-31', status: 'open', adaptation_ends_on: '2025-09-15' })
    .returning('id').executeTakeFirstOrThrow()).id
  const old = (await db.insertInto('academic_years').values({ name: '2019/2020', starts_on: '2019-09-01', ends_on: '2020-05-31', status: 'closed', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()).id

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева', first: 'Зоя', middle: 'Петровна' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent' }),
  }
  await db.insertInto('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()
  await db.insertInto('year_archives').values({
    year_id: old, closed_by: u.deputy.personId, closed_at: '2020-06-25T09:00:00.000Z', folder: '/srv/journal/archive/2019-2020',
    manifest_sha256: 'a'.repeat(64), verified_at: null, electronic_keep_until: '2025-12-31', paper_keep_until: '2045-12-31',
  }).execute()

  const cls = async (grade: number, letter: string, teacher: number | null) =>
    (await db.insertInto('classes').values({ year_id: year, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(5, 'А', u.classTeacher.personId)
  const c6a = await cls(6, 'А', null)
  const pupil = async (last: string, first: string) => (await makePerson(db, { roles: ['student'], login: null, last, first, middle: '' })).personId
  const borisova = await pupil('Борисова', 'Вера')
  const volkov = await pupil('Волков', 'Глеб')
  const gone = await pupil('Ушедший', 'Дмитрий')
  const grishin = await pupil('Гришин', 'Денис')
  const dmitrieva = await pupil('Дмитриева', 'Ева')
  await db.insertInto('enrollments').values([
    { student_id: u.student.personId, class_id: c5a, from_date: '2025-09-01', reason_in: 'initial' },
    { student_id: borisova, class_id: c5a, from_date: '2025-09-01', reason_in: 'initial' },
    { student_id: volkov, class_id: c5a, from_date: '2025-09-01', reason_in: 'initial' },
    // Left in winter: needs no year mark and no decision.
    { student_id: gone, class_id: c5a, from_date: '2025-09-01', to_date: '2026-01-20', reason_in: 'initial', reason_out: 'departure' },
    { student_id: grishin, class_id: c6a, from_date: '2025-09-01', reason_in: 'initial' },
    { student_id: dmitrieva, class_id: c6a, from_date: '2025-09-01', reason_in: 'initial' },
  ]).execute()
  await db.insertInto('curriculum').values([
    { class_id: c5a, subject_id: math, hours_per_week: 5 }, { class_id: c5a, subject_id: russian, hours_per_week: 5 },
    { class_id: c6a, subject_id: math, hours_per_week: 5 },
  ]).execute()

  const mark = (student: number, subjectId: number, value: string) => db.insertInto('final_marks').values({
    year_id: year, student_id: student, subject_id: subjectId, kind: 'year', period_id: null, value, proposed: value,
    set_by: u.teacher.personId, set_at: MARK_TIME, locked: 1,
  }).execute()
  // Red on purpose: 5А Russian lacks Борисова's and Волков's year marks.
  for (const s of [u.student.personId, borisova, volkov]) await mark(s, math, '4')
  await mark(u.student.personId, russian, '5')
  for (const s of [grishin, dmitrieva]) await mark(s, math, '3')
  const decide = (student: number, decision: 'promoted' | 'conditional' | 'retained' | 'graduated') => db.insertInto('promotion_decisions').values({
    year_id: year, student_id: student, decision, council_date: '2026-05-28', protocol_number: '7', set_by: u.deputy.personId, set_at: MARK_TIME,
  }).execute()
  // Red on purpose: no decision on Дмитриева (6А).
  for (const s of [u.student.personId, borisova, volkov, grishin]) await decide(s, 'promoted')

  return { u, subjects: { math, russian }, year, old, c5a, c6a, students: { borisova, volkov, gone, grishin, dmitrieva }, mark, decide }
}

export type Seed = Awaited<ReturnType<typeof seed>>

/** A summary sheet issued through the registry with stand-in PDF bytes, stored under DATA_DIR/documents. */
export async function issueSheet(db: DB, dataDir: string, s: Seed, classId: number, label: string) {
  const actor = { userId: s.u.deputy.userId, personId: s.u.deputy.personId, ip: null }
  const doc = await reserveDocument(db, actor, { kind: 'summary_sheet', title: `Сводная ведомость итоговых отметок ${label}`, subjectKey: `summary:class:${classId}:year:${s.year}`, yearId: s.year })
  const pdf = Buffer.from(`%PDF-1.4\n% stand-in of the summary sheet of ${label}, document ${doc.number}\n%%EOF\n`)
  await storeDocument(db, dataDir, doc.id, doc.number, pdf, 1)
  return doc
}

/** Everything the red checklist lacks: the two marks, the decision, both classes' sheets (issued after them). */
export async function makeGreen(db: DB, dataDir: string, s: Seed) {
  await s.mark(s.students.borisova, s.subjects.russian, '4')
  await s.mark(s.students.volkov, s.subjects.russian, '3')
  await s.decide(s.students.dmitrieva, 'conditional')
  return [await issueSheet(db, dataDir, s, s.c5a, '5А'), await issueSheet(db, dataDir, s, s.c6a, '6А')]
}

export interface World extends TestApp { dataDir: string; s: Seed; as: Record<RoleName, Client> }

export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly RoleName[] = ROLE_NAMES): Promise<World> {
  const ta = await fileApp(t)
  const s = await seed(ta.db)
  const as = {} as Record<RoleName, Client>
  for (const r of roles) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, r === 'classTeacher' ? 'ct' : r)
  }
  return { ...ta, s, as }
}

/** Every row of every table, ordered by rowid: the row-by-row picture two databases are compared by. */
export async function dumpAll(db: DB, except: string[] = []): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
  const out: Record<string, unknown[]> = {}
  for (const { name } of tables.rows) {
    if (except.includes(name)) continue
    out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)} order by rowid`.execute(db)).rows
  }
  return out
}

export function expectFor(allowed: readonly RoleName[], role: RoleName, ok = 200): number {
  if (role === 'anonymous') return 302
  return allowed.includes(role) ? ok : 403
}
