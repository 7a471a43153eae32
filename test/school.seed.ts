// Shared fixture of the school tests: a school with an open and a closed year, and clients logged in per role.
import { buildTestApp, makePerson, loginAs, Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import type { Database } from '../src/db/types.js'
import { localDate } from '../src/lib/dates.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]
export const TODAY = localDate(new Date())

export async function auditCount(db: DB, action?: string): Promise<number> {
  let q = db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'like', 'school.%')
  if (action) q = q.where('action', '=', action)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

export async function lastAudit(db: DB, action: string) {
  const row = await db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').executeTakeFirstOrThrow()
  return { ...row, before: row.before ? JSON.parse(row.before) : null, after: row.after ? JSON.parse(row.after) : null }
}

/** A school with an open year (containing today) and a closed one, classes, students, groups, workload. */
export async function seed(db: DB) {
  const ins = <T extends keyof Database>(table: T) => db.insertInto(table)
  const subj = async (name: string, short_name: string, sort_order: number, is_pe = 0) =>
    (await ins('subjects').values({ name, short_name, sort_order, is_pe }).returning('id').executeTakeFirstOrThrow()).id
  const math = await subj('Математика', 'Матем.', 10)
  const english = await subj('Английский язык', 'Англ. яз.', 20)
  const pe = await subj('Физическая культура', 'Физ-ра', 30, 1)
  const art = await subj('Изобразительное искусство', 'ИЗО', 40)

  const year = (await ins('academic_years').values({ name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-08-31', status: 'open', adaptation_ends_on: '2026-09-15' })
    .returning('id').executeTakeFirstOrThrow()).id
  const old = (await ins('academic_years').values({ name: '2025/2026', starts_on: '2025-09-01', ends_on: '2026-08-31', status: 'closed', adaptation_ends_on: '2025-09-15' })
    .returning('id').executeTakeFirstOrThrow()).id
  for (const y of [year, old]) {
    await ins('grade_bands').values([{ year_id: y, grade_from: 1, grade_to: 9, scheme: 'quarter' }, { year_id: y, grade_from: 10, grade_to: 11, scheme: 'half' }]).execute()
  }
  await ins('periods').values([
    { year_id: year, scheme: 'half', number: 1, starts_on: '2026-09-01', ends_on: '2026-12-28' },
    { year_id: year, scheme: 'half', number: 2, starts_on: '2027-01-09', ends_on: '2027-05-26' },
  ]).execute()

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin', last: 'Админова' }),
    director: await makePerson(db, { roles: ['director'], login: 'director' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Предметникова', first: 'Анна', middle: 'Ивановна' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария', middle: 'Петровна' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent' }),
  }
  const other = await makePerson(db, { roles: ['teacher'], login: 'ct2', last: 'Другая', first: 'Ольга' })
  await ins('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()

  const cls = async (y: number, grade: number, letter: string, teacher: number | null) =>
    (await ins('classes').values({ year_id: y, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(year, 5, 'А', u.classTeacher.personId)
  const c5b = await cls(year, 5, 'Б', other.personId)
  const c10 = await cls(year, 10, 'А', null)
  const oldClass = await cls(old, 4, 'А', u.classTeacher.personId)

  const s2 = await makePerson(db, { roles: ['student'], login: null, last: 'Борисова', first: 'Вера' })
  const s3 = await makePerson(db, { roles: ['student'], login: null, last: 'Волков', first: 'Глеб' })
  const gone = await makePerson(db, { roles: ['student'], login: null, last: 'Ушедший', first: 'Дмитрий' })
  await ins('enrollments').values([
    { student_id: u.student.personId, class_id: c5a, from_date: '2026-09-01', reason_in: 'initial' },
    { student_id: s2.personId, class_id: c5a, from_date: '2026-09-01', reason_in: 'initial' },
    { student_id: gone.personId, class_id: c5a, from_date: '2026-09-01', to_date: '2026-10-15', reason_in: 'initial', reason_out: 'departure' },
    { student_id: s3.personId, class_id: c5b, from_date: '2026-09-01', reason_in: 'initial' },
  ]).execute()

  const grp = async (y: number, name: string, kind: 'subgroup' | 'cross' | 'individual', class_id: number | null, subject_id: number, grade: number) =>
    (await ins('groups').values({ year_id: y, name, kind, class_id, subject_id, grade }).returning('id').executeTakeFirstOrThrow()).id
  const g5aEng = await grp(year, 'Английский язык, 1 гр.', 'subgroup', c5a, english, 5)
  const g5bEng = await grp(year, 'Английский язык, 1 гр.', 'subgroup', c5b, english, 5)
  const gCross = await grp(year, 'Математика, 5 кл. (сводная)', 'cross', null, math, 5)
  const oldGroup = await grp(old, 'Английский язык, 1 гр.', 'subgroup', oldClass, english, 4)

  await ins('curriculum').values([{ class_id: c5a, subject_id: math, hours_per_week: 5 }, { class_id: c5a, subject_id: english, hours_per_week: 3 }]).execute()
  const w = (await ins('workload').values({ teacher_id: u.teacher.personId, subject_id: math, class_id: c5a }).returning('id').executeTakeFirstOrThrow()).id
  const wOld = (await ins('workload').values({ teacher_id: u.teacher.personId, subject_id: math, class_id: oldClass }).returning('id').executeTakeFirstOrThrow()).id
  const holiday = (await ins('holidays').values({ year_id: year, name: 'Осенние каникулы', starts_on: '2026-10-26', ends_on: '2026-11-03' }).returning('id').executeTakeFirstOrThrow()).id
  const oldHoliday = (await ins('holidays').values({ year_id: old, name: 'Осенние каникулы', starts_on: '2025-10-27', ends_on: '2025-11-04' }).returning('id').executeTakeFirstOrThrow()).id
  return {
    u, other, subjects: { math, english, pe, art }, year, old, c5a, c5b, c10, oldClass, s2, s3, gone,
    g5aEng, g5bEng, gCross, oldGroup, w, wOld, holiday, oldHoliday,
  }
}

export type Seed = Awaited<ReturnType<typeof seed>>
export interface World extends TestApp { s: Seed; as: Record<RoleName, Client> }

/** A seeded app with clients logged in as the given roles (each login costs an argon2 check, so only those asked). */
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

export const READERS: RoleName[] = ['admin', 'director', 'deputy', 'scheduler', 'clerk']
export const EDITORS: RoleName[] = ['admin', 'deputy']

export function expectFor(allowed: RoleName[], role: RoleName, ok = 200): number {
  if (role === 'anonymous') return 302
  return allowed.includes(role) ? ok : 403
}
