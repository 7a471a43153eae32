// Fixture of the finals tests: a year around today with quarters placed so that one window is closed, one is
// open and the rest are early; classes 5А and 9А with known marks and absences; a closed year; users per role.
import { buildTestApp, makePerson, loginAs, Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import { addDays, localDate } from '../src/lib/dates.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]
export const TODAY = localDate(new Date())
export const day = (n: number) => addDays(TODAY, n)

export async function seed(db: DB) {
  const subject = async (name: string, short_name: string, sort_order: number) =>
    (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const math = await subject('Математика', 'Матем.', 10)
  const english = await subject('Английский язык', 'Англ. яз.', 20)

  const year = (await db.insertInto('academic_years').values({ name: '2026/2027', starts_on: day(-150), ends_on: day(200), status: 'open', adaptation_ends_on: day(-140) })
    .returning('id').executeTakeFirstOrThrow()).id
  const old = (await db.insertInto('academic_years').values({ name: '2025/2026', starts_on: day(-515), ends_on: day(-151), status: 'closed', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('grade_bands').values([{ year_id: year, grade_from: 1, grade_to: 11, scheme: 'quarter' }, { year_id: old, grade_from: 1, grade_to: 11, scheme: 'quarter' }]).execute()
  const period = async (y: number, number: number, from: number, to: number) =>
    (await db.insertInto('periods').values({ year_id: y, scheme: 'quarter', number, starts_on: day(from), ends_on: day(to) }).returning('id').executeTakeFirstOrThrow()).id
  // Q1 ended 60 days ago (window closed), Q2 ends in 2 days (window open), Q3 and Q4 are ahead (early).
  const q1 = await period(year, 1, -150, -60)
  const q2 = await period(year, 2, -59, 2)
  const q3 = await period(year, 3, 3, 80)
  const q4 = await period(year, 4, 81, 190)
  const oldQ4 = await period(old, 4, -240, -160)

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова', first: 'Анна', middle: 'Ивановна' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent' }),
  }
  const englishTeacher = await makePerson(db, { roles: ['teacher'], login: 'teacher2', last: 'Англичанова' })
  await db.insertInto('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()

  const cls = async (y: number, grade: number, letter: string, teacher: number | null) =>
    (await db.insertInto('classes').values({ year_id: y, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(year, 5, 'А', u.classTeacher.personId)
  const c9a = await cls(year, 9, 'А', null)
  const oldClass = await cls(old, 4, 'А', null)

  const s2 = await makePerson(db, { roles: ['student'], login: null, last: 'Борисова', first: 'Вера' })
  const s3 = await makePerson(db, { roles: ['student'], login: null, last: 'Волков', first: 'Глеб' })
  const s9 = await makePerson(db, { roles: ['student'], login: null, last: 'Гришин', first: 'Денис' })
  await db.insertInto('enrollments').values([
    { student_id: u.student.personId, class_id: c5a, from_date: day(-150), reason_in: 'initial' },
    { student_id: s2.personId, class_id: c5a, from_date: day(-150), reason_in: 'initial' },
    { student_id: s3.personId, class_id: c5a, from_date: day(-150), reason_in: 'initial' },
    { student_id: s9.personId, class_id: c9a, from_date: day(-150), reason_in: 'initial' },
    { student_id: u.student.personId, class_id: oldClass, from_date: day(-515), to_date: day(-151), reason_in: 'initial', reason_out: 'promotion' },
  ]).execute()
  const g5aEng = (await db.insertInto('groups').values({ year_id: year, name: 'Английский язык, 1 гр.', kind: 'subgroup', class_id: c5a, subject_id: english, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('group_members').values([{ group_id: g5aEng, student_id: u.student.personId, from_date: day(-150) }, { group_id: g5aEng, student_id: s2.personId, from_date: day(-150) }]).execute()
  await db.insertInto('curriculum').values([
    { class_id: c5a, subject_id: math, hours_per_week: 2 }, { class_id: c9a, subject_id: math, hours_per_week: 5 },
    { class_id: c5a, subject_id: english, hours_per_week: 3 },
  ]).execute()
  await db.insertInto('workload').values([
    { teacher_id: u.teacher.personId, subject_id: math, class_id: c5a }, { teacher_id: u.teacher.personId, subject_id: math, class_id: c9a },
    { teacher_id: u.teacher.personId, subject_id: math, class_id: oldClass }, { teacher_id: englishTeacher.personId, subject_id: english, group_id: g5aEng },
  ]).execute()

  const kind = async (short: string) => (await db.selectFrom('work_kinds').select('id').where('short_name', '=', short).executeTakeFirstOrThrow()).id
  const kinds = { oral: await kind('Отв'), home: await kind('ДР'), test: await kind('КР') }
  const lesson = async (classId: number, date: string, workKind: number) => {
    const { id } = await db.insertInto('lessons').values({ year_id: year, class_id: classId, subject_id: math, teacher_id: u.teacher.personId, date, lesson_number: 2 })
      .returning('id').executeTakeFirstOrThrow()
    await db.insertInto('lesson_columns').values({ lesson_id: id, column_no: 1, work_kind_id: workKind }).execute()
    return id
  }
  // Ten held lessons of 5А in Q2; the fourth is a control work (weight 2).
  const l5: number[] = []
  for (let i = 0; i < 10; i++) l5.push(await lesson(c5a, day(-30 + 3 * i), i === 3 ? kinds.test : kinds.oral))
  const mark = (lessonId: number, studentId: number, value: string) =>
    db.insertInto('marks').values({ lesson_id: lessonId, student_id: studentId, column_no: 1, value, entered_at: new Date().toISOString(), entered_by: u.teacher.personId }).execute()
  const absent = (lessonId: number, studentId: number, reason: 'illness' | 'valid' | 'invalid' | null) =>
    db.insertInto('absences').values({ lesson_id: lessonId, student_id: studentId, reason, entered_at: new Date().toISOString(), entered_by: u.teacher.personId }).execute()
  // Антонов: 5, 4, 4 and a control work 3 (weight 2) → (5+4+4+6)/5 = 3.8 → «4»; 4 marks where 2 h/week need 5.
  await mark(l5[0], u.student.personId, '5')
  await mark(l5[1], u.student.personId, '4')
  await mark(l5[2], u.student.personId, '4')
  await mark(l5[3], u.student.personId, '3')
  // Борисова: missed 6 of 10 lessons (ill) → «н/а» proposed; four 5s on the others.
  for (let i = 0; i < 6; i++) await absent(l5[i], s2.personId, 'illness')
  for (let i = 6; i < 10; i++) await mark(l5[i], s2.personId, '5')
  // Волков: five 3s → «3», no warnings.
  for (let i = 4; i < 9; i++) await mark(l5[i], s3.personId, '3')
  // 9А: seven 4s in Q2.
  for (let i = 0; i < 7; i++) await mark(await lesson(c9a, day(-20 + 2 * i), kinds.oral), s9.personId, '4')

  return {
    u, englishTeacher, subjects: { math, english }, year, old, q1, q2, q3, q4, oldQ4, c5a, c9a, oldClass, g5aEng, s2, s3, s9, kinds, l5,
  }
}

export type Seed = Awaited<ReturnType<typeof seed>>
export interface World extends TestApp { s: Seed; as: Record<RoleName | 'teacher2', Client> }

export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly (RoleName | 'teacher2')[] = ROLE_NAMES): Promise<World> {
  const ta = await buildTestApp()
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = {} as Record<RoleName | 'teacher2', Client>
  for (const r of roles) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, r === 'classTeacher' ? 'ct' : r)
  }
  return { ...ta, s, as }
}

export async function count(db: DB, table: 'final_marks' | 'final_corrections'): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
}

export async function finalsAudit(db: DB): Promise<number> {
  return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'like', 'finals.%').executeTakeFirstOrThrow()).n)
}
