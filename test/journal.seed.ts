// Shared fixture of the journal tests: a school whose year, periods and lessons lie around the real today,
// a class of students, the staff of every role, and helpers to add lessons and count rows.
import type { DB } from '../src/db/connection.js'
import type { Database } from '../src/db/types.js'
import { addDays, localDate, nowIso } from '../src/lib/dates.js'
import { makePerson } from './helper.js'

export const TODAY = localDate(new Date())
export const day = (n: number) => addDays(TODAY, n)

const LAST = ['Абрамов', 'Белова', 'Васильев', 'Григорьева', 'Дмитриев', 'Егорова', 'Жуков', 'Зайцева', 'Ильин', 'Козлова',
  'Лебедев', 'Морозова', 'Никитин', 'Орлова', 'Павлов', 'Романова', 'Сидоров', 'Тихонова', 'Уваров', 'Фёдорова',
  'Харитонов', 'Цветкова', 'Чернов', 'Шилова', 'Щукин', 'Юдина', 'Яковлев', 'Ясенева', 'Яшин', 'Ящук']
const FIRST = ['Алексей', 'Мария', 'Иван', 'Анна', 'Пётр', 'Ольга', 'Никита', 'Дарья', 'Кирилл', 'Софья']

export type Seed = Awaited<ReturnType<typeof seedJournal>>

/** Students of a class: persons, student rows and enrollments, inserted in bulk (no accounts). */
export async function addStudents(db: DB, classId: number, n: number, from: string, prefix = '') {
  const ids: number[] = []
  for (let i = 0; i < n; i++) {
    const p = await db.insertInto('persons').values({
      last_name: prefix + LAST[i % LAST.length] + (i >= LAST.length ? String(i) : ''), first_name: FIRST[i % FIRST.length], middle_name: '', created_at: nowIso(),
    }).returning('id').executeTakeFirstOrThrow()
    ids.push(p.id)
  }
  await db.insertInto('person_roles').values(ids.map((id) => ({ person_id: id, role: 'student' as const }))).execute()
  await db.insertInto('students').values(ids.map((id) => ({ person_id: id }))).execute()
  await db.insertInto('enrollments').values(ids.map((id) => ({ student_id: id, class_id: classId, from_date: from, reason_in: 'initial' as const }))).execute()
  return ids
}

/**
 * Year around today: quarters [-100,-40], [-30,+30], [+40,+120], autumn holidays [-39,-31]. Class 5А (30 students,
 * class teacher «ct»), 5Б (other teacher), 1А (grade 1). Math of 5А kept by «teacher», PE of 5А by «pe».
 */
export async function seedJournal(db: DB, opts: { students?: number } = {}) {
  const ins = <T extends keyof Database>(table: T) => db.insertInto(table)
  const yearId = (await ins('academic_years').values({ name: '2026/2027', starts_on: day(-100), ends_on: day(200), status: 'open', adaptation_ends_on: day(-86) })
    .returning('id').executeTakeFirstOrThrow()).id
  await ins('grade_bands').values({ year_id: yearId, grade_from: 1, grade_to: 11, scheme: 'quarter' }).execute()
  const periods = []
  for (const [number, s, e] of [[1, -100, -40], [2, -30, 30], [3, 40, 120]] as const) {
    periods.push((await ins('periods').values({ year_id: yearId, scheme: 'quarter', number, starts_on: day(s), ends_on: day(e) }).returning('id').executeTakeFirstOrThrow()).id)
  }
  await ins('holidays').values({ year_id: yearId, name: 'Осенние каникулы', starts_on: day(-39), ends_on: day(-31) }).execute()
  const subj = async (name: string, short_name: string, is_pe = 0) =>
    (await ins('subjects').values({ name, short_name, is_pe, sort_order: 10 }).returning('id').executeTakeFirstOrThrow()).id
  const math = await subj('Математика', 'Матем.')
  const pe = await subj('Физическая культура', 'Физ-ра', 1)

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin' }),
    director: await makePerson(db, { roles: ['director'], login: 'director' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева', first: 'Зоя' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова', first: 'Анна', middle: 'Ивановна' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Ааронов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent' }),
    other: await makePerson(db, { roles: ['teacher'], login: 'other', last: 'Другая', first: 'Ольга' }),
    substitute: await makePerson(db, { roles: ['teacher'], login: 'sub', last: 'Заменова', first: 'Зинаида' }),
    pe: await makePerson(db, { roles: ['teacher'], login: 'pe', last: 'Спортова', first: 'Светлана' }),
  }
  await ins('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()
  const cls = async (grade: number, letter: string, teacher: number | null) =>
    (await ins('classes').values({ year_id: yearId, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(5, 'А', u.classTeacher.personId)
  const c5b = await cls(5, 'Б', u.other.personId)
  const c1a = await cls(1, 'А', null)
  await ins('enrollments').values({ student_id: u.student.personId, class_id: c5a, from_date: day(-100), reason_in: 'initial' }).execute()
  const students = [u.student.personId, ...await addStudents(db, c5a, (opts.students ?? 30) - 1, day(-100))]
  const students5b = await addStudents(db, c5b, 3, day(-100), 'Б')
  const students1a = await addStudents(db, c1a, 3, day(-100), 'П')
  await ins('workload').values([
    { teacher_id: u.teacher.personId, subject_id: math, class_id: c5a, group_id: null },
    { teacher_id: u.other.personId, subject_id: math, class_id: c5b, group_id: null },
    { teacher_id: u.pe.personId, subject_id: pe, class_id: c5a, group_id: null },
    { teacher_id: u.teacher.personId, subject_id: math, class_id: c1a, group_id: null },
  ]).execute()
  await ins('bells').values([1, 2, 3, 4, 5, 6].map((n) => ({ year_id: yearId, number: n, starts_at: `${7 + n}:00`.padStart(5, '0'), ends_at: `${7 + n}:45`.padStart(5, '0') }))).execute()
  return { yearId, periods, math, pe, u, c5a, c5b, c1a, students, students5b, students1a }
}

let lessonCounter = 0
/** A scheduled lesson without a timetable slot (so that several may share a date). */
export async function addLesson(db: DB, s: Seed, o: {
  date: string; classId?: number; subjectId?: number; teacherId?: number; number?: number; substituteId?: number | null
}) {
  lessonCounter++
  const r = await db.insertInto('lessons').values({
    year_id: s.yearId, class_id: o.classId ?? s.c5a, subject_id: o.subjectId ?? s.math, teacher_id: o.teacherId ?? s.u.teacher.personId,
    date: o.date, lesson_number: o.number ?? 1 + (lessonCounter % 6), origin: 'timetable', substitute_id: o.substituteId ?? null,
  }).returning('id').executeTakeFirstOrThrow()
  return r.id
}

/** The id of a kind of work by its short name (from the migration's defaults). */
export async function kindId(db: DB, short: string): Promise<number> {
  return (await db.selectFrom('work_kinds').select('id').where('short_name', '=', short).executeTakeFirstOrThrow()).id
}

export async function count(db: DB, table: 'marks' | 'absences' | 'mark_history' | 'homework_individual' | 'lesson_columns' | 'late_approvals' | 'audit_log'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Row counts of every table a lesson save writes, to prove a refused submit wrote nothing. */
export async function snapshot(db: DB) {
  const out: Record<string, number> = {}
  for (const t of ['marks', 'absences', 'mark_history', 'homework_individual', 'lesson_columns', 'late_approvals'] as const) out[t] = await count(db, t)
  const a = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'like', 'journal.%').executeTakeFirstOrThrow()
  out.audit = Number(a.n)
  const l = await db.selectFrom('lessons').select((eb) => eb.fn.countAll<number>().as('n')).where('topic', '<>', '').executeTakeFirstOrThrow()
  out.lessonsWithTopic = Number(l.n)
  return out
}
