// Shared fixture of the messages tests: a school with 5А, 5Б and 6Б, their teachers and families, and clients
// logged in per role.
import { buildTestApp, makePerson, loginAs, Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import { addDays, localDate, nowIso } from '../src/lib/dates.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]
export const TODAY = localDate(new Date())
const LOGIN: Record<Exclude<RoleName, 'anonymous'>, string> = {
  admin: 'admin', director: 'director', deputy: 'deputy', scheduler: 'scheduler', teacher: 'teacher', classTeacher: 'ct',
  clerk: 'clerk', student: 'student', parent: 'parent',
}

export async function count(db: DB, table: 'threads' | 'messages' | 'announcements' | 'thread_participants'): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
}

export async function auditRows(db: DB, action: string) {
  const rows = await db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()
  return rows.map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }))
}

/**
 * 5А: class teacher «ct» (also teaches Russian there), subject teacher «teacher» (maths in 5А, English in a 5А
 * subgroup), student «student» and parent «parent», and a second family (Борисова, parent «parent2»).
 * 6Б: class teacher «ct6», teacher «teacher6», student «student6» and parent «parent6». 5Б exists with no one.
 */
export async function seed(db: DB) {
  const year = (await db.insertInto('academic_years').values({ name: '2026/2027', starts_on: addDays(TODAY, -60), ends_on: addDays(TODAY, 240), status: 'open', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()).id
  const subject = async (name: string, short_name: string, sort_order: number) =>
    (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const math = await subject('Математика', 'Матем.', 10)
  const english = await subject('Английский язык', 'Англ.', 20)
  const russian = await subject('Русский язык', 'Рус.', 5)

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin', last: 'Админов', first: 'Сергей', middle: 'Олегович' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова', first: 'Елена', middle: 'Викторовна' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева', first: 'Ирина', middle: 'Павловна' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler', last: 'Диспетчерова', first: 'Нина', middle: 'Ивановна' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk', last: 'Секретарёва', first: 'Ольга', middle: 'Юрьевна' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Предметникова', first: 'Анна', middle: 'Ивановна', email: 'anna@example.org' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария', middle: 'Петровна', email: 'maria@example.org' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём', middle: 'Сергеевич' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent', last: 'Антонова', first: 'Светлана', middle: 'Игоревна' }),
  }
  const ct6 = await makePerson(db, { roles: ['teacher'], login: 'ct6', last: 'Шестакова', first: 'Галина', middle: 'Фёдоровна' })
  const teacher6 = await makePerson(db, { roles: ['teacher'], login: 'teacher6', last: 'Чужой', first: 'Виктор', middle: 'Андреевич' })
  const student2 = await makePerson(db, { roles: ['student'], login: 'student2', last: 'Борисова', first: 'Вера', middle: 'Олеговна' })
  const parent2 = await makePerson(db, { roles: ['parent'], login: 'parent2', last: 'Борисов', first: 'Олег', middle: 'Романович' })
  const student6 = await makePerson(db, { roles: ['student'], login: 'student6', last: 'Шестов', first: 'Пётр', middle: 'Ильич' })
  const parent6 = await makePerson(db, { roles: ['parent'], login: 'parent6', last: 'Шестова', first: 'Дарья', middle: 'Николаевна' })
  // Teachers' contacts hidden: the messages pages never show contacts anyway (R-ACC-8).
  await db.updateTable('persons').set({ hide_contacts: 1, phone: '+7 900 111-22-33' }).where('id', 'in', [u.teacher.personId, u.classTeacher.personId]).execute()

  const cls = async (grade: number, letter: string, teacher: number | null) =>
    (await db.insertInto('classes').values({ year_id: year, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(5, 'А', u.classTeacher.personId)
  const c5b = await cls(5, 'Б', null)
  const c6b = await cls(6, 'Б', ct6.personId)
  const from = addDays(TODAY, -60)
  await db.insertInto('enrollments').values([
    { student_id: u.student.personId, class_id: c5a, from_date: from, reason_in: 'initial' },
    { student_id: student2.personId, class_id: c5a, from_date: from, reason_in: 'initial' },
    { student_id: student6.personId, class_id: c6b, from_date: from, reason_in: 'initial' },
  ]).execute()
  await db.insertInto('parent_links').values([
    { parent_id: u.parent.personId, student_id: u.student.personId, relation: 'mother' },
    { parent_id: parent2.personId, student_id: student2.personId, relation: 'father' },
    { parent_id: parent6.personId, student_id: student6.personId, relation: 'mother' },
  ]).execute()
  const g5aEng = (await db.insertInto('groups').values({ year_id: year, name: 'Английский язык, 1 гр.', kind: 'subgroup', class_id: c5a, subject_id: english, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('group_members').values({ group_id: g5aEng, student_id: u.student.personId, from_date: from }).execute()
  await db.insertInto('workload').values([
    { teacher_id: u.teacher.personId, subject_id: math, class_id: c5a, group_id: null },
    { teacher_id: u.teacher.personId, subject_id: english, class_id: null, group_id: g5aEng },
    { teacher_id: u.classTeacher.personId, subject_id: russian, class_id: c5a, group_id: null },
    { teacher_id: teacher6.personId, subject_id: math, class_id: c6b, group_id: null },
  ]).execute()
  return { u, ct6, teacher6, student2, parent2, student6, parent6, year, c5a, c5b, c6b, g5aEng, subjects: { math, english, russian } }
}

export type Seed = Awaited<ReturnType<typeof seed>>
export interface World extends TestApp { s: Seed; as: Record<RoleName, Client> }

export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly RoleName[] = ROLE_NAMES): Promise<World> {
  const ta = await buildTestApp()
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = {} as Record<RoleName, Client>
  for (const r of roles) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, LOGIN[r])
  }
  return { ...ta, s, as }
}

/** A thread written straight into the database (for tests about reading, not writing). */
export async function thread(db: DB, from: number, to: number, subject: string, body: string): Promise<number> {
  const at = nowIso()
  const t = await db.insertInto('threads').values({ subject, created_by: from, created_at: at, last_message_at: at, about_student_id: null }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('thread_participants').values([{ thread_id: t.id, person_id: from, last_read_at: at }, { thread_id: t.id, person_id: to, last_read_at: null }]).execute()
  await db.insertInto('messages').values({ thread_id: t.id, sender_id: from, body, created_at: at }).execute()
  return t.id
}

export function expectFor(allowed: readonly RoleName[], role: RoleName, ok = 200, refused = 403): number {
  if (role === 'anonymous') return 302
  return allowed.includes(role) ? ok : refused
}
