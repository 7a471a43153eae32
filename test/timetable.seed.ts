// Shared fixture of the timetable tests: the school year containing today (periods over all of it, bells 1–6),
// a closed previous year, classes 5А (two English subgroups) and 5Б, teachers with workload, and clients per role.
import { buildTestApp, makePerson, loginAs, Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import type { Database } from '../src/db/types.js'
import { addDays, localDate, weekday } from '../src/lib/dates.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]
export const TODAY = localDate(new Date())
export const READERS: RoleName[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher']
export const SCHEDULER: RoleName[] = ['scheduler']

export function expectFor(allowed: RoleName[], role: RoleName, ok = 200): number {
  if (role === 'anonymous') return 302
  return allowed.includes(role) ? ok : 403
}

/** The first date on or after `from` that falls on the ISO weekday (1 = Monday). */
export function nextWeekday(from: string, wd: number): string {
  return addDays(from, (wd - weekday(from) + 7) % 7)
}

export async function auditCount(db: DB, prefix = 'timetable.'): Promise<number> {
  const r = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'like', `${prefix}%`).executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function audits(db: DB, action: string) {
  const rows = await db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()
  return rows.map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }))
}

export async function seed(db: DB) {
  const ins = <T extends keyof Database>(table: T) => db.insertInto(table)
  const y = Number(TODAY.slice(0, 4)) - (Number(TODAY.slice(5, 7)) >= 9 ? 0 : 1)
  const starts = `${y}-09-01`
  const ends = `${y + 1}-08-31`
  const subj = async (name: string, short_name: string, sort_order: number) =>
    (await ins('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const subjects = {
    math: await subj('Математика', 'Матем.', 10), russian: await subj('Русский язык', 'Рус. яз.', 20),
    english: await subj('Английский язык', 'Англ. яз.', 30), pe: await subj('Физическая культура', 'Физ-ра', 40),
  }
  const year = (await ins('academic_years').values({ name: `${y}/${y + 1}`, starts_on: starts, ends_on: ends, status: 'open', adaptation_ends_on: `${y}-09-15` })
    .returning('id').executeTakeFirstOrThrow()).id
  const old = (await ins('academic_years').values({ name: `${y - 1}/${y}`, starts_on: `${y - 1}-09-01`, ends_on: `${y}-08-31`, status: 'closed' })
    .returning('id').executeTakeFirstOrThrow()).id
  for (const yr of [year, old]) await ins('grade_bands').values({ year_id: yr, grade_from: 1, grade_to: 11, scheme: 'quarter' }).execute()
  // Periods over the whole year, so that tests relative to today find lessons whatever the month.
  await ins('periods').values([
    { year_id: year, scheme: 'quarter', number: 1, starts_on: starts, ends_on: `${y}-10-31` },
    { year_id: year, scheme: 'quarter', number: 2, starts_on: `${y}-11-01`, ends_on: `${y}-12-31` },
    { year_id: year, scheme: 'quarter', number: 3, starts_on: `${y + 1}-01-01`, ends_on: `${y + 1}-03-31` },
    { year_id: year, scheme: 'quarter', number: 4, starts_on: `${y + 1}-04-01`, ends_on: ends },
    { year_id: old, scheme: 'quarter', number: 1, starts_on: `${y - 1}-09-01`, ends_on: `${y}-08-31` },
  ]).execute()
  const times = ['08:30', '09:15', '09:25', '10:10', '10:30', '11:15', '11:35', '12:20', '12:30', '13:15', '13:25', '14:10']
  for (const yr of [year, old]) {
    await ins('bells').values([1, 2, 3, 4, 5, 6].map((n) => ({ year_id: yr, number: n, starts_at: times[(n - 1) * 2], ends_at: times[(n - 1) * 2 + 1] }))).execute()
  }

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin', last: 'Админова' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler', last: 'Диспетчерова' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова', first: 'Анна', middle: 'Ивановна' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария', middle: 'Петровна' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk', last: 'Делова' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent', last: 'Антонова' }),
  }
  const eng = await makePerson(db, { roles: ['teacher'], login: 'eng', last: 'Англичанова', first: 'Елена', middle: 'Сергеевна' })
  const other = await makePerson(db, { roles: ['teacher'], login: 'other', last: 'Другова', first: 'Ольга', middle: 'Олеговна' })
  const spare = await makePerson(db, { roles: ['teacher'], login: 'spare', last: 'Запасова', first: 'Вера', middle: 'Андреевна' })
  await ins('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()

  const cls = async (yr: number, grade: number, letter: string, teacher: number | null) =>
    (await ins('classes').values({ year_id: yr, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(year, 5, 'А', u.classTeacher.personId)
  const c5b = await cls(year, 5, 'Б', null)
  const oldClass = await cls(old, 4, 'А', null)
  await ins('enrollments').values({ student_id: u.student.personId, class_id: c5a, from_date: starts, reason_in: 'initial' }).execute()

  const grp = async (name: string, classId: number, subject: number) =>
    (await ins('groups').values({ year_id: year, name, kind: 'subgroup', class_id: classId, subject_id: subject, grade: 5 }).returning('id').executeTakeFirstOrThrow()).id
  const g1 = await grp('Английский язык, 1 гр.', c5a, subjects.english)
  const g2 = await grp('Английский язык, 2 гр.', c5a, subjects.english)

  await ins('workload').values([
    { teacher_id: u.teacher.personId, subject_id: subjects.math, class_id: c5a, group_id: null },
    { teacher_id: u.classTeacher.personId, subject_id: subjects.russian, class_id: c5a, group_id: null },
    { teacher_id: eng.personId, subject_id: subjects.english, class_id: null, group_id: g1 },
    { teacher_id: other.personId, subject_id: subjects.english, class_id: null, group_id: g2 },
    { teacher_id: other.personId, subject_id: subjects.math, class_id: c5b, group_id: null },
    { teacher_id: u.teacher.personId, subject_id: subjects.math, class_id: oldClass, group_id: null },
  ]).execute()

  // A closed year's timetable and one lesson in it: every write there must be refused.
  const oldSlot = (await ins('timetable_slots').values({ year_id: old, class_id: oldClass, subject_id: subjects.math, teacher_id: u.teacher.personId,
    weekday: 1, lesson_number: 1, valid_from: `${y - 1}-09-01` }).returning('id').executeTakeFirstOrThrow()).id
  const oldLesson = (await ins('lessons').values({ year_id: old, slot_id: oldSlot, class_id: oldClass, subject_id: subjects.math, teacher_id: u.teacher.personId,
    date: nextWeekday(`${y - 1}-09-07`, 1), lesson_number: 1 }).returning('id').executeTakeFirstOrThrow()).id

  return { u, eng, other, spare, subjects, year, old, starts, ends, c5a, c5b, oldClass, g1, g2, oldSlot, oldLesson }
}

export type Seed = Awaited<ReturnType<typeof seed>>
export interface World extends TestApp { s: Seed; as: Record<RoleName, Client> }

/** Line keys as the grid form sends them. */
export const key = (teacher: number, subject: number, target: { c?: number; g?: number }) => `${teacher}.${subject}.${target.c ? `c${target.c}` : `g${target.g}`}`

export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly RoleName[] = ROLE_NAMES): Promise<World> {
  const ta = await buildTestApp()
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = {} as Record<RoleName, Client>
  for (const r of roles) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, r === 'classTeacher' ? 'ct' : r)
  }
  return { ...ta, s, as }
}

/** A lesson row inserted directly (as generation would), for the change tests. */
export async function lesson(db: DB, v: { year: number; classId?: number; groupId?: number; subject: number; teacher: number; date: string; n: number; slot?: number }) {
  return (await db.insertInto('lessons').values({
    year_id: v.year, slot_id: v.slot ?? null, class_id: v.classId ?? null, group_id: v.groupId ?? null, subject_id: v.subject, teacher_id: v.teacher,
    date: v.date, lesson_number: v.n, origin: 'timetable',
  }).returning('id').executeTakeFirstOrThrow()).id
}
