// The base fixture of the monitoring report tests (R-REP): a fixed year 2026/2027 with quarters and the autumn
// holidays, classes 5А (class teacher «ct») and 5Б, three subjects, three teachers, six students, bells, and a
// client per role. It holds no lessons: each report's test adds the lessons, marks and absences whose answers
// it writes down, with the helpers below, so that every figure in a test can be counted by hand.
import { buildTestApp, makePerson, clientsByRole, type Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import type { AbsenceReason, LessonStatus } from '../src/db/types.js'
import ExcelJS from 'exceljs'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'teacher2', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]

/** Quarter dates of the fixture year (Q1 ends before the autumn holidays 27.10–04.11). */
export const Q = {
  q1: { from: '2026-09-01', to: '2026-10-26' },
  q2: { from: '2026-11-05', to: '2026-12-28' },
  q3: { from: '2027-01-11', to: '2027-03-20' },
  q4: { from: '2027-03-30', to: '2027-05-31' },
}

export async function seed(db: DB) {
  const subject = async (name: string, short_name: string, sort_order: number) =>
    (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const subjects = {
    math: await subject('Математика', 'Матем.', 10),
    russian: await subject('Русский язык', 'Рус. яз.', 20),
    english: await subject('Английский язык', 'Англ. яз.', 30),
  }
  const year = (await db.insertInto('academic_years').values({ name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-05-31', status: 'open', adaptation_ends_on: '2026-09-14' })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('grade_bands').values({ year_id: year, grade_from: 1, grade_to: 11, scheme: 'quarter' }).execute()
  const periods = {} as Record<keyof typeof Q, number>
  for (const [i, k] of (['q1', 'q2', 'q3', 'q4'] as const).entries()) {
    periods[k] = (await db.insertInto('periods').values({ year_id: year, scheme: 'quarter', number: i + 1, starts_on: Q[k].from, ends_on: Q[k].to })
      .returning('id').executeTakeFirstOrThrow()).id
  }
  await db.insertInto('holidays').values({ year_id: year, name: 'Осенние каникулы', starts_on: '2026-10-27', ends_on: '2026-11-04' }).execute()
  await db.insertInto('bells').values([
    { year_id: year, number: 1, starts_at: '08:30', ends_at: '09:15' },
    { year_id: year, number: 2, starts_at: '09:25', ends_at: '10:10' },
    { year_id: year, number: 3, starts_at: '10:30', ends_at: '11:15' },
    { year_id: year, number: 4, starts_at: '11:25', ends_at: '12:10' },
  ]).execute()

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    /** Mathematics in 5А and 5Б. */
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова', first: 'Анна', middle: 'Ивановна' }),
    /** Russian in 5А; class teacher of 5А. */
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария', middle: 'Петровна' }),
    /** English to the 5А subgroup. */
    teacher2: await makePerson(db, { roles: ['teacher'], login: 'teacher2', last: 'Англичанова', first: 'Ольга', middle: 'Сергеевна' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    /** Антонов Артём, 5А, with a login; his parent is «parent». */
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent', last: 'Антонова', first: 'Елена' }),
  }
  await db.insertInto('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()

  const cls = async (grade: number, letter: string, teacher: number | null) =>
    (await db.insertInto('classes').values({ year_id: year, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(5, 'А', u.classTeacher.personId)
  const c5b = await cls(5, 'Б', null)

  const pupil = (last: string, first: string) => makePerson(db, { roles: ['student'], login: null, last, first })
  /** 5А in alphabetical order: Антонов, Борисова, Волков, Галкина. */
  const a = [u.student, await pupil('Борисова', 'Вера'), await pupil('Волков', 'Глеб'), await pupil('Галкина', 'Дарья')].map((p) => p.personId)
  /** 5Б: Дёмин, Егорова. */
  const b = [await pupil('Дёмин', 'Евгений'), await pupil('Егорова', 'Жанна')].map((p) => p.personId)
  await db.insertInto('enrollments').values([
    ...a.map((id) => ({ student_id: id, class_id: c5a, from_date: '2026-09-01', reason_in: 'initial' as const })),
    ...b.map((id) => ({ student_id: id, class_id: c5b, from_date: '2026-09-01', reason_in: 'initial' as const })),
  ]).execute()
  /** The English subgroup of 5А: Антонов and Борисова. */
  const g5aEng = (await db.insertInto('groups').values({ year_id: year, name: 'Английский язык, 1 гр.', kind: 'subgroup', class_id: c5a, subject_id: subjects.english, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('group_members').values([a[0], a[1]].map((id) => ({ group_id: g5aEng, student_id: id, from_date: '2026-09-01' }))).execute()

  await db.insertInto('curriculum').values([
    { class_id: c5a, subject_id: subjects.math, hours_per_week: 5 },
    { class_id: c5a, subject_id: subjects.russian, hours_per_week: 4 },
    { class_id: c5a, subject_id: subjects.english, hours_per_week: 2 },
    { class_id: c5b, subject_id: subjects.math, hours_per_week: 5 },
  ]).execute()
  await db.insertInto('workload').values([
    { teacher_id: u.teacher.personId, subject_id: subjects.math, class_id: c5a },
    { teacher_id: u.teacher.personId, subject_id: subjects.math, class_id: c5b },
    { teacher_id: u.classTeacher.personId, subject_id: subjects.russian, class_id: c5a },
    { teacher_id: u.teacher2.personId, subject_id: subjects.english, group_id: g5aEng },
  ]).execute()

  const kind = async (short: string) => (await db.selectFrom('work_kinds').select('id').where('short_name', '=', short).executeTakeFirstOrThrow()).id
  /** oral: same day; home: by the next lesson; test (КР): 3 days, weight 2. */
  const kinds = { oral: await kind('Отв'), home: await kind('ДР'), test: await kind('КР') }

  return { u, subjects, year, periods, c5a, c5b, a, b, g5aEng, kinds }
}

export type Seed = Awaited<ReturnType<typeof seed>>

export interface LessonSpec {
  cls?: number | null
  group?: number | null
  subject: number
  teacher: number
  date: string
  number?: number
  topic?: string
  /** When the topic was entered (ISO timestamp); default: on the lesson's day at 12:00 local. */
  topicAt?: string | null
  homework?: string
  homeworkAt?: string | null
  substitute?: number | null
  status?: LessonStatus
  planTopic?: number | null
}

/** Local noon of a date as an ISO timestamp — «entered during the school day». */
export const noon = (date: string) => new Date(`${date}T12:00:00`).toISOString()

export async function addLesson(db: DB, s: Seed, l: LessonSpec): Promise<number> {
  const { id } = await db.insertInto('lessons').values({
    year_id: s.year, class_id: l.group ? null : (l.cls ?? null), group_id: l.group ?? null, subject_id: l.subject,
    teacher_id: l.teacher, substitute_id: l.substitute ?? null, date: l.date, lesson_number: l.number ?? 2,
    status: l.status ?? 'scheduled', topic: l.topic ?? '', homework: l.homework ?? '', plan_topic_id: l.planTopic ?? null,
    topic_entered_at: l.topic ? (l.topicAt === undefined ? noon(l.date) : l.topicAt) : null,
    homework_entered_at: l.homework ? (l.homeworkAt === undefined ? noon(l.date) : l.homeworkAt) : null,
  }).returning('id').executeTakeFirstOrThrow()
  return id
}

/** A mark in a lesson's column (the column gets its kind of work on first use). enteredAt defaults to the lesson's noon. */
export async function addMark(db: DB, s: Seed, lessonId: number, studentId: number, value: string,
  o: { column?: number; kind?: number; enteredAt?: string; by?: number } = {}): Promise<void> {
  const column = o.column ?? 1
  const lesson = await db.selectFrom('lessons').select(['date', 'teacher_id']).where('id', '=', lessonId).executeTakeFirstOrThrow()
  await db.insertInto('lesson_columns').values({ lesson_id: lessonId, column_no: column, work_kind_id: o.kind ?? s.kinds.oral })
    .onConflict((oc) => oc.doNothing()).execute()
  await db.insertInto('marks').values({
    lesson_id: lessonId, student_id: studentId, column_no: column, value,
    entered_at: o.enteredAt ?? noon(lesson.date), entered_by: o.by ?? lesson.teacher_id,
  }).execute()
}

export async function addAbsence(db: DB, lessonId: number, studentId: number, reason: AbsenceReason | null, enteredAt?: string): Promise<void> {
  const lesson = await db.selectFrom('lessons').select(['date', 'teacher_id']).where('id', '=', lessonId).executeTakeFirstOrThrow()
  await db.insertInto('absences').values({ lesson_id: lessonId, student_id: studentId, reason, entered_at: enteredAt ?? noon(lesson.date), entered_by: lesson.teacher_id }).execute()
}

export interface World extends TestApp { s: Seed; as: Record<RoleName, Client> }

/** The app with the base fixture and a logged-in client per role (the anonymous one has only visited /login). */
export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly RoleName[] = ROLE_NAMES): Promise<World> {
  const ta = await buildTestApp()
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = await clientsByRole(ta.app, roles, (r) => (r === 'classTeacher' ? 'ct' : r))
  return { ...ta, s, as }
}

/** Parses a report's CSV (BOM, ';', CRLF, quoted cells) back to rows of text. */
export function parseReportCsv(body: Buffer | string): string[][] {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '')
  const rows: string[][] = []
  let row: string[] = [], cell = '', quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false; else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ';') { row.push(cell); cell = '' }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ }
    else cell += ch
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row) }
  return rows
}

/** Every worksheet of a report's .xlsx as rows of cell values (numbers stay numbers), by sheet name. */
export async function xlsxSheets(buf: Buffer): Promise<Record<string, (string | number | null)[][]>> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer)
  const out: Record<string, (string | number | null)[][]> = {}
  for (const ws of wb.worksheets) {
    const rows: (string | number | null)[][] = []
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: (string | number | null)[] = []
      row.eachCell({ includeEmpty: true }, (c, col) => {
        const v = c.value
        cells[col - 1] = v === null || v === undefined ? null : typeof v === 'number' ? v : String(v)
      })
      rows[n - 1] = Array.from(cells, (c) => c ?? null)
    })
    out[ws.name] = Array.from(rows, (r) => r ?? [])
  }
  return out
}

export { pdfText, linesWith } from './summary.seed.js'
