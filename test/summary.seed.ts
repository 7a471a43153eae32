// Fixture of the summary sheet and year journal tests: a year around today with four quarters; 5А (three
// students, three subjects, known period and year marks, absences with reasons, lessons with topics, marks and
// a subgroup page); 9А (two students, ten subjects: landscape, with exam and final marks); a closed year's class;
// users for every role. Every document is stored in a folder of its own test.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, makePerson, loginAs, Client, type TestApp } from './helper.js'
import type { DB } from '../src/db/connection.js'
import type { FinalKind } from '../src/db/types.js'
import { addDays, localDate } from '../src/lib/dates.js'

export const ROLE_NAMES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
export type RoleName = (typeof ROLE_NAMES)[number]
export const TODAY = localDate(new Date())
export const day = (n: number) => addDays(TODAY, n)

export async function seed(db: DB) {
  const subject = async (name: string, short_name: string, sort_order: number) =>
    (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  const russian = await subject('Русский язык', 'Рус. яз.', 10)
  const math = await subject('Математика', 'Матем.', 20)
  const english = await subject('Английский язык', 'Англ. яз.', 30)
  const more: number[] = []
  for (const [i, [name, short]] of ([['Литература', 'Лит-ра'], ['История', 'История'], ['Обществознание', 'Общ.'], ['География', 'Геогр.'],
    ['Биология', 'Биол.'], ['Физика', 'Физика'], ['Химия', 'Химия']] as const).entries()) more.push(await subject(name, short, 40 + i))

  const year = (await db.insertInto('academic_years').values({ name: '2026/2027', starts_on: day(-200), ends_on: day(100), status: 'open', adaptation_ends_on: day(-190) })
    .returning('id').executeTakeFirstOrThrow()).id
  const old = (await db.insertInto('academic_years').values({ name: '2025/2026', starts_on: day(-565), ends_on: day(-201), status: 'closed', adaptation_ends_on: null })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('grade_bands').values([{ year_id: year, grade_from: 1, grade_to: 11, scheme: 'quarter' }, { year_id: old, grade_from: 1, grade_to: 11, scheme: 'quarter' }]).execute()
  const period = async (y: number, number: number, from: number, to: number) =>
    (await db.insertInto('periods').values({ year_id: y, scheme: 'quarter', number, starts_on: day(from), ends_on: day(to) }).returning('id').executeTakeFirstOrThrow()).id
  const q = [await period(year, 1, -200, -130), await period(year, 2, -120, -60), await period(year, 3, -50, 20), await period(year, 4, 30, 100)]
  const oldQ = [await period(old, 1, -565, -480), await period(old, 2, -470, -400), await period(old, 3, -390, -300), await period(old, 4, -290, -201)]

  const u = {
    admin: await makePerson(db, { roles: ['admin'], login: 'admin' }),
    director: await makePerson(db, { roles: ['director'], login: 'director', last: 'Директорова', first: 'Анна', middle: 'Сергеевна' }),
    deputy: await makePerson(db, { roles: ['deputy'], login: 'deputy', last: 'Завучева', first: 'Елена', middle: 'Петровна' }),
    scheduler: await makePerson(db, { roles: ['scheduler'], login: 'scheduler' }),
    teacher: await makePerson(db, { roles: ['teacher'], login: 'teacher', last: 'Математикова', first: 'Ольга', middle: 'Ивановна' }),
    classTeacher: await makePerson(db, { roles: ['teacher'], login: 'ct', last: 'Классная', first: 'Мария', middle: 'Ивановна' }),
    clerk: await makePerson(db, { roles: ['clerk'], login: 'clerk' }),
    student: await makePerson(db, { roles: ['student'], login: 'student', last: 'Антонов', first: 'Артём', middle: 'Сергеевич' }),
    parent: await makePerson(db, { roles: ['parent'], login: 'parent' }),
  }
  // A class teacher of another class (9А), for "never another class".
  const ct9 = await makePerson(db, { roles: ['teacher'], login: 'ct9', last: 'Девятова', first: 'Нина', middle: 'Львовна' })
  const englishTeacher = await makePerson(db, { roles: ['teacher'], login: 'teacher2', last: 'Англичанова', first: 'Ирина', middle: 'Олеговна' })
  await db.insertInto('parent_links').values({ parent_id: u.parent.personId, student_id: u.student.personId }).execute()

  const cls = async (y: number, grade: number, letter: string, teacher: number | null) =>
    (await db.insertInto('classes').values({ year_id: y, grade, letter, class_teacher_id: teacher }).returning('id').executeTakeFirstOrThrow()).id
  const c5a = await cls(year, 5, 'А', u.classTeacher.personId)
  const c9a = await cls(year, 9, 'А', ct9.personId)
  const oldClass = await cls(old, 4, 'А', u.classTeacher.personId)

  const s2 = await makePerson(db, { roles: ['student'], login: null, last: 'Борисова', first: 'Вера', middle: 'Павловна' })
  const s3 = await makePerson(db, { roles: ['student'], login: null, last: 'Волков', first: 'Глеб', middle: 'Ильич' })
  const g1 = await makePerson(db, { roles: ['student'], login: null, last: 'Гришин', first: 'Денис', middle: 'Олегович' })
  const g2 = await makePerson(db, { roles: ['student'], login: null, last: 'Дмитриева', first: 'Ева', middle: 'Андреевна' })
  await db.insertInto('enrollments').values([
    { student_id: u.student.personId, class_id: c5a, from_date: day(-200), reason_in: 'initial' },
    { student_id: s2.personId, class_id: c5a, from_date: day(-200), reason_in: 'initial' },
    { student_id: s3.personId, class_id: c5a, from_date: day(-200), reason_in: 'initial' },
    { student_id: g1.personId, class_id: c9a, from_date: day(-200), reason_in: 'initial' },
    { student_id: g2.personId, class_id: c9a, from_date: day(-200), reason_in: 'initial' },
    { student_id: u.student.personId, class_id: oldClass, from_date: day(-565), to_date: day(-201), reason_in: 'initial', reason_out: 'promotion' },
  ]).execute()
  const group = (await db.insertInto('groups').values({ year_id: year, name: 'Англ. яз. (1 гр.)', kind: 'subgroup', class_id: c5a, subject_id: english, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('group_members').values([{ group_id: group, student_id: u.student.personId, from_date: day(-200) }, { group_id: group, student_id: s2.personId, from_date: day(-200) }]).execute()
  await db.insertInto('curriculum').values([
    { class_id: c5a, subject_id: russian, hours_per_week: 5 }, { class_id: c5a, subject_id: math, hours_per_week: 5 }, { class_id: c5a, subject_id: english, hours_per_week: 3 },
    ...[russian, math, english, ...more].map((s) => ({ class_id: c9a, subject_id: s, hours_per_week: 2 })),
    { class_id: oldClass, subject_id: math, hours_per_week: 4 },
  ]).execute()
  await db.insertInto('workload').values([
    { teacher_id: u.teacher.personId, subject_id: math, class_id: c5a }, { teacher_id: u.classTeacher.personId, subject_id: russian, class_id: c5a },
    { teacher_id: englishTeacher.personId, subject_id: english, group_id: group }, { teacher_id: u.teacher.personId, subject_id: math, class_id: c9a },
  ]).execute()

  // Final marks. 5А: quarters then year per subject, chosen so that every row reads differently.
  const at = new Date().toISOString()
  const finals: { student: number; subject: number; kind: FinalKind; period: number | null; value: string; yearId?: number }[] = []
  const row = (student: number, subject: number, values: string[]) => {
    values.slice(0, 4).forEach((value, i) => finals.push({ student, subject, kind: 'period', period: q[i], value }))
    finals.push({ student, subject, kind: 'year', period: null, value: values[4] })
  }
  row(u.student.personId, russian, ['5', '4', '4', '5', '5']); row(u.student.personId, math, ['3', '3', '4', '3', '3']); row(u.student.personId, english, ['4', '5', '5', '5', '5'])
  row(s2.personId, russian, ['4', '4', '4', '4', '4']); row(s2.personId, math, ['5', '5', '5', '4', '5']); row(s2.personId, english, ['3', '4', '3', '4', '4'])
  row(s3.personId, russian, ['3', '2', '3', '2', '2']); row(s3.personId, math, ['4', '4', '3', '4', '4']); row(s3.personId, english, ['осв', 'осв', 'осв', 'осв', 'осв'])
  // 9А: year, exam and final in mathematics and Russian.
  for (const [student, r, m] of [[g1.personId, ['4', '5', '5'], ['3', '4', '4']], [g2.personId, ['5', '5', '5'], ['4', '3', '4']]] as const) {
    for (const [subjectId, v] of [[russian, r], [math, m]] as const) {
      finals.push({ student, subject: subjectId, kind: 'year', period: null, value: v[0] })
      finals.push({ student, subject: subjectId, kind: 'exam', period: null, value: v[1] })
      finals.push({ student, subject: subjectId, kind: 'final', period: null, value: v[2] })
    }
  }
  finals.push({ student: u.student.personId, subject: math, kind: 'year', period: null, value: '4', yearId: old })
  await db.insertInto('final_marks').values(finals.map((f) => ({
    year_id: f.yearId ?? year, student_id: f.student, subject_id: f.subject, kind: f.kind, period_id: f.period, value: f.value, proposed: null,
    set_by: u.teacher.personId, set_at: at, locked: 1,
  }))).execute()

  // Lessons of 5А: mathematics (class page) in quarters 1 and 2, English (subgroup page) in quarter 1.
  const lesson = async (v: { subject: number; classId?: number; groupId?: number; teacher: number; date: string; n: number; topic: string; homework: string }) =>
    (await db.insertInto('lessons').values({
      year_id: year, class_id: v.classId ?? null, group_id: v.groupId ?? null, subject_id: v.subject, teacher_id: v.teacher, date: v.date,
      lesson_number: v.n, topic: v.topic, homework: v.homework,
    }).returning('id').executeTakeFirstOrThrow()).id
  const mathLessons: number[] = []
  for (let i = 0; i < 6; i++) {
    mathLessons.push(await lesson({ subject: math, classId: c5a, teacher: u.teacher.personId, date: day(-190 + 7 * i), n: 2,
      topic: `Натуральные числа, урок ${i + 1}`, homework: `№ ${101 + i}` }))
  }
  for (let i = 0; i < 2; i++) {
    mathLessons.push(await lesson({ subject: math, classId: c5a, teacher: u.teacher.personId, date: day(-110 + 7 * i), n: 3,
      topic: `Дроби, урок ${i + 1}`, homework: `№ ${201 + i}` }))
  }
  const englishLesson = await lesson({ subject: english, groupId: group, teacher: englishTeacher.personId, date: day(-185), n: 4, topic: 'Greetings', homework: 'Ex. 5' })
  const mark = (lessonId: number, studentId: number, value: string, column = 1) =>
    db.insertInto('marks').values({ lesson_id: lessonId, student_id: studentId, column_no: column, value, entered_at: at, entered_by: u.teacher.personId }).execute()
  const absent = (lessonId: number, studentId: number, reason: 'illness' | 'valid' | 'invalid' | null) =>
    db.insertInto('absences').values({ lesson_id: lessonId, student_id: studentId, reason, entered_at: at, entered_by: u.teacher.personId }).execute()
  await mark(mathLessons[0], u.student.personId, '5')
  await mark(mathLessons[0], s2.personId, '4')
  await mark(mathLessons[0], s2.personId, '3', 2)
  await mark(mathLessons[6], s3.personId, '2')
  await mark(englishLesson, s2.personId, '4/5')
  // Антонов missed three lessons (two ill, one without a valid reason), Борисова one (ill), Волков none.
  await absent(mathLessons[1], u.student.personId, 'illness')
  await absent(mathLessons[2], u.student.personId, 'illness')
  await absent(mathLessons[3], u.student.personId, 'invalid')
  await absent(mathLessons[4], s2.personId, 'illness')

  return {
    u, ct9, englishTeacher, subjects: { russian, math, english, more }, year, old, q, oldQ, c5a, c9a, oldClass, group, s2, s3, g1, g2,
    mathLessons, englishLesson,
  }
}

export type Seed = Awaited<ReturnType<typeof seed>>
export type Who = RoleName | 'teacher2' | 'ct9'
export interface World extends TestApp { s: Seed; as: Record<Who, Client> }

export async function world(t: { teardown(fn: () => unknown): void }, roles: readonly Who[] = ROLE_NAMES): Promise<World> {
  const ta = await buildTestApp({ dataDir: mkdtempSync(path.join(tmpdir(), 'summary-test-')) })
  t.teardown(() => ta.app.close())
  const s = await seed(ta.db)
  const as = {} as Record<Who, Client>
  for (const r of roles) {
    if (r === 'anonymous') { as[r] = new Client(ta.app); await as[r].get('/login'); continue }
    as[r] = await loginAs(ta.app, r === 'classTeacher' ? 'ct' : r)
  }
  return { ...ta, s, as }
}

/** The text of a PDF as pdftotext lays it out, and its page size and count as pdfinfo reports them. */
export function pdfText(pdf: Buffer, dir: string): string {
  const file = path.join(dir, `t-${Date.now()}-${Math.random().toString(16).slice(2)}.pdf`)
  writeFileSync(file, pdf)
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
}

export function pdfInfo(pdf: Buffer): { pages: number; width: number; height: number } {
  const out = execFileSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' })
  const pages = Number(/Pages:\s+(\d+)/.exec(out)?.[1])
  const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(out)
  return { pages, width: Number(size?.[1]), height: Number(size?.[2]) }
}

/** Lines of the text holding all the given fragments. */
export const linesWith = (text: string, ...parts: string[]) => text.split('\n').filter((l) => parts.every((p) => l.includes(p)))
