// Reads of the diary: one student's week (shared with the e-mail digest), the lessons, marks and absences of a
// period, final marks, teachers and holidays, and the acknowledgements of a week (R-D-1, R-D-2, R-FIN-5).
// Every function takes the student whose diary is read; the routes decide first who may read it.
import type { DB } from '../../db/connection.js'
import { prepared } from '../../db/prepared.js'
import type { AbsenceReason } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import type { Scope } from '../../lib/page-cache.js'
import { addDays, nowIso, weekday } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { assertYearWritable, classLabel } from '../school/school.queries.js'
import { classWeek, lessonView, yearOfDate, type LessonView } from '../timetable/timetable.queries.js'
import { belongsOn, type Span } from './diary.rules.js'

// ---------------------------------------------------------------------------------------------------------
// The shape of a diary week: plain data, shared by the diary page and the e-mail digest. Keep it stable.

/** A mark as a family sees it: the value, its kind of work and the lesson's date. */
export interface DiaryMark {
  lessonId: number
  /** The lesson's date (a mark belongs to the lesson's column, whenever it was entered). */
  date: string
  column: number
  /** '5', or a double mark '4/5'. */
  value: string
  /** «Ответ на уроке», «Контрольная работа»; null when the teacher set no kind for the column. */
  kind: string | null
  kindShort: string | null
  weight: number
  isControl: boolean
  enteredAt: string
}

/** A homework file: families download it through /journal/files/:id (which checks they may). */
export interface DiaryFile { id: number; name: string; size: number; href: string }

/** How a lesson differs from the timetable. 'transfer' is the new lesson of a moved one. */
export type DiaryChange = 'cancelled' | 'moved' | 'transfer' | 'extra' | null

export interface DiaryLesson {
  id: number
  date: string
  /** The lesson number of the bell schedule, with its times when the bells are set. */
  number: number
  startsAt: string | null
  endsAt: string | null
  subjectId: number
  subject: string
  subjectShort: string
  /** The group's name for a group lesson («Английский язык, 1 гр.»), else null. */
  group: string | null
  /** The scheduled teacher (short name). */
  teacher: string
  /** The replacement teacher of this one lesson, or null. */
  substitute: string | null
  change: DiaryChange
  /** A moved lesson: where it went; a transferred one: where it came from. */
  movedTo: { date: string; number: number } | null
  movedFrom: { date: string; number: number } | null
  distance: boolean
  /** The order number of distance learning, when given. */
  distanceOrder: string
  /** «Внеурочное занятие»: no marks, no absences. */
  extracurricular: boolean
  topic: string
  /** The homework for everyone. */
  homework: string
  /** This student's individual homework, or null. */
  individualHomework: string | null
  files: DiaryFile[]
  marks: DiaryMark[]
  /** «н» with its reason (null until the class teacher sets it). */
  absence: { reason: AbsenceReason | null } | null
}

export interface DiaryDay {
  date: string
  /** ISO weekday, Monday = 1 … Saturday = 6. */
  weekday: number
  /** The holiday's name when the day falls in the student's grade's holidays. */
  holiday: string | null
  lessons: DiaryLesson[]
}

export interface DiaryWeek {
  studentId: number
  monday: string
  saturday: string
  /** The student's class that week («5А»); null when not enrolled. */
  classLabel: string | null
  /** Monday to Saturday. */
  days: DiaryDay[]
  /** Marks entered this week for lessons of earlier weeks (a test checked late), with their subject. */
  lateMarks: (DiaryMark & { subject: string })[]
}

// ---------------------------------------------------------------------------------------------------------
// Where a student belonged

export interface ClassSpan extends Span { classId: number; yearId: number; grade: number; letter: string }
export interface GroupSpan extends Span { groupId: number; classId: number | null; name: string }

/** The student's enrollments and group memberships that overlap [from, to]. Two queries. */
export async function placements(db: DB, studentId: number, from: string, to: string): Promise<{ classes: ClassSpan[]; groups: GroupSpan[] }> {
  const classes = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['e.class_id', 'e.from_date', 'e.to_date', 'c.year_id', 'c.grade', 'c.letter'])
    .where('e.student_id', '=', studentId).where('e.from_date', '<=', to)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', from)]))
    .orderBy('e.from_date').execute()
  const groups = await db.selectFrom('group_members as m').innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.group_id', 'm.from_date', 'm.to_date', 'g.class_id', 'g.name'])
    .where('m.student_id', '=', studentId).where('m.from_date', '<=', to)
    .where((eb) => eb.or([eb('m.to_date', 'is', null), eb('m.to_date', '>=', from)]))
    .execute()
  return {
    classes: classes.map((c) => ({ classId: c.class_id, yearId: c.year_id, grade: c.grade, letter: c.letter, from: c.from_date, to: c.to_date })),
    groups: groups.map((g) => ({ groupId: g.group_id, classId: g.class_id, name: g.name, from: g.from_date, to: g.to_date })),
  }
}

/** Whether a lesson of a class or group is the student's: they belonged to that class or group on its date. */
function isStudents(l: { classId: number | null; groupId: number | null; date: string }, p: { classes: ClassSpan[]; groups: GroupSpan[] }): boolean {
  return l.groupId !== null
    ? belongsOn(p.groups.filter((g) => g.groupId === l.groupId), l.date)
    : belongsOn(p.classes.filter((c) => c.classId === l.classId), l.date)
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)]
}

/** Midnight of a date in the school's (server's) time zone, as an ISO timestamp to compare entered_at with. */
function localMidnight(date: string): string {
  return new Date(`${date}T00:00:00`).toISOString()
}

// ---------------------------------------------------------------------------------------------------------
// The week

/**
 * A student's week, Monday to Saturday: per day the student's lessons in timetable order (the class's and those
 * of the groups the student was in on that date) with their changes, topic, homework (general, individual,
 * files), the student's marks with their kinds and absences; holidays by name; and marks entered this week for
 * earlier lessons. One query per kind of data, whatever the number of lessons. Nothing about other students.
 */
export async function diaryWeek(db: DB, studentId: number, monday: string): Promise<DiaryWeek> {
  const saturday = addDays(monday, 5)
  const place = await placements(db, studentId, monday, saturday)
  const classIds = unique(place.classes.map((c) => c.classId))
  const views: LessonView[] = []
  for (const id of classIds) views.push(...await classWeek(db, id, monday))
  // Groups of no class of the student's (cross-class electives) are not in the class's week.
  const crossGroups = unique(place.groups.filter((g) => g.classId === null || !classIds.includes(g.classId)).map((g) => g.groupId))
  if (crossGroups.length) {
    const ids = await db.selectFrom('lessons').select('id').where('group_id', 'in', crossGroups)
      .where('date', '>=', monday).where('date', '<=', saturday).execute()
    for (const { id } of ids) {
      const v = await lessonView(db, id)
      if (v) views.push(v)
    }
  }
  const lessons = views.filter((l) => isStudents(l, place))
  const ids = lessons.map((l) => l.id)

  const [notes, marks, absences, individual, files, holidays, lateMarks] = await Promise.all([
    lessonNotes(db, ids), studentMarks(db, studentId, ids), studentAbsences(db, studentId, ids), individualHomework(db, studentId, ids),
    homeworkFiles(db, ids), holidaysOf(db, unique(place.classes.map((c) => c.yearId)), monday, saturday),
    marksEnteredBetween(db, studentId, localMidnight(monday), localMidnight(addDays(monday, 7)), monday),
  ])
  const noteOf = new Map(notes.map((n) => [n.id, n]))
  const absenceOf = new Map(absences.map((a) => [a.lesson_id, a.reason]))
  const individualOf = new Map(individual.map((h) => [h.lesson_id, h.text]))

  const diaryLessons: DiaryLesson[] = lessons.map((l) => {
    const n = noteOf.get(l.id)
    return {
      id: l.id, date: l.date, number: l.lessonNumber, startsAt: l.startsAt, endsAt: l.endsAt,
      subjectId: l.subjectId, subject: l.subject, subjectShort: l.subjectShort, group: n?.groupName ?? null,
      teacher: l.teacher, substitute: l.substitute, change: l.change,
      movedTo: l.movedTo ? { date: l.movedTo.date, number: l.movedTo.lessonNumber } : null,
      movedFrom: l.movedFrom ? { date: l.movedFrom.date, number: l.movedFrom.lessonNumber } : null,
      distance: n?.distance === 1, distanceOrder: n?.distance_order ?? '', extracurricular: n?.extracurricular === 1,
      topic: l.topic, homework: l.homework, individualHomework: individualOf.get(l.id) ?? null,
      files: files.filter((f) => f.lessonId === l.id).map((f) => ({ id: f.id, name: f.name, size: f.size, href: f.href })),
      marks: marks.filter((m) => m.lessonId === l.id),
      absence: absenceOf.has(l.id) ? { reason: absenceOf.get(l.id) ?? null } : null,
    }
  })

  // The grade decides which holidays apply (a school may give first-graders extra holidays).
  const gradeOn = (date: string) => place.classes.find((c) => belongsOn([c], date))?.grade ?? null
  const days: DiaryDay[] = [0, 1, 2, 3, 4, 5].map((i) => {
    const date = addDays(monday, i)
    const grade = gradeOn(date)
    const holiday = grade === null ? undefined
      : holidays.find((h) => h.starts_on <= date && date <= h.ends_on && h.grade_from <= grade && grade <= h.grade_to)
    return { date, weekday: weekday(date), holiday: holiday?.name ?? null, lessons: diaryLessons.filter((l) => l.date === date) }
  })
  const current = place.classes.find((c) => belongsOn([c], monday)) ?? place.classes[place.classes.length - 1]
  return {
    studentId, monday, saturday, classLabel: current ? classLabel(current.grade, current.letter) : null, days, lateMarks,
  }
}

/** What classWeek leaves out of a lesson: distance learning, «Внеурочное занятие», the group's name. */
async function lessonNotes(db: DB, ids: number[]) {
  if (!ids.length) return []
  return db.selectFrom('lessons as l').leftJoin('groups as g', 'g.id', 'l.group_id')
    .select(['l.id', 'l.distance', 'l.distance_order', 'l.extracurricular', 'g.name as groupName'])
    .where('l.id', 'in', ids).execute()
}

function markQuery(db: DB, studentId: number) {
  return db.selectFrom('marks as m').innerJoin('lessons as l', 'l.id', 'm.lesson_id')
    .leftJoin('lesson_columns as lc', (j) => j.onRef('lc.lesson_id', '=', 'm.lesson_id').onRef('lc.column_no', '=', 'm.column_no'))
    .leftJoin('work_kinds as wk', 'wk.id', 'lc.work_kind_id')
    .select(['m.lesson_id', 'l.date', 'm.column_no', 'm.value', 'm.entered_at', 'wk.name as kind', 'wk.short_name as kindShort', 'wk.weight', 'wk.is_control'])
    .where('m.student_id', '=', studentId)
}

type MarkRow = Awaited<ReturnType<ReturnType<typeof markQuery>['execute']>>[number]

function toMark(r: MarkRow): DiaryMark {
  return {
    lessonId: r.lesson_id, date: r.date, column: r.column_no, value: r.value, kind: r.kind, kindShort: r.kindShort,
    // A column without a kind weighs 1, as on the finals page.
    weight: r.weight ?? 1, isControl: r.is_control === 1, enteredAt: r.entered_at,
  }
}

/** The student's marks on these lessons, in column order. */
export async function studentMarks(db: DB, studentId: number, lessonIds: number[]): Promise<DiaryMark[]> {
  if (!lessonIds.length) return []
  const rows = await markQuery(db, studentId).where('m.lesson_id', 'in', lessonIds).orderBy('l.date').orderBy('l.lesson_number').orderBy('m.column_no').execute()
  return rows.map(toMark)
}

/** Marks entered in [fromTs, toTs) for lessons before `before`: what a week brought for earlier lessons. */
async function marksEnteredBetween(db: DB, studentId: number, fromTs: string, toTs: string, before: string) {
  const rows = await markQuery(db, studentId).innerJoin('subjects as s', 's.id', 'l.subject_id').select('s.name as subject')
    .where('m.entered_at', '>=', fromTs).where('m.entered_at', '<', toTs).where('l.date', '<', before).where('l.status', '=', 'scheduled')
    .orderBy('l.date').orderBy('l.lesson_number').orderBy('m.column_no').execute()
  return rows.map((r) => ({ ...toMark(r), subject: r.subject }))
}

export async function studentAbsences(db: DB, studentId: number, lessonIds: number[]) {
  if (!lessonIds.length) return []
  return db.selectFrom('absences').select(['lesson_id', 'reason']).where('student_id', '=', studentId).where('lesson_id', 'in', lessonIds).execute()
}

async function individualHomework(db: DB, studentId: number, lessonIds: number[]) {
  if (!lessonIds.length) return []
  return db.selectFrom('homework_individual').select(['lesson_id', 'text']).where('student_id', '=', studentId).where('lesson_id', 'in', lessonIds).execute()
}

/** Homework files (not lesson materials, not removed) of these lessons. */
async function homeworkFiles(db: DB, lessonIds: number[]): Promise<(DiaryFile & { lessonId: number })[]> {
  if (!lessonIds.length) return []
  const rows = await db.selectFrom('attachments').select(['id', 'lesson_id', 'file_name', 'size'])
    .where('lesson_id', 'in', lessonIds).where('purpose', '=', 'homework').where('removed_at', 'is', null)
    .orderBy('uploaded_at').orderBy('id').execute()
  return rows.map((r) => ({ id: r.id, lessonId: r.lesson_id, name: r.file_name, size: r.size, href: `/journal/files/${r.id}` }))
}

/** Holidays of these years that overlap [from, to] (for every grade: callers pick the grade's). */
export async function holidaysOf(db: DB, yearIds: number[], from: string, to: string) {
  if (!yearIds.length) return []
  return db.selectFrom('holidays').select(['name', 'starts_on', 'ends_on', 'grade_from', 'grade_to'])
    .where('year_id', 'in', yearIds).where('starts_on', '<=', to).where('ends_on', '>=', from).orderBy('starts_on').execute()
}

// ---------------------------------------------------------------------------------------------------------
// Who the student is, and who their family is

export interface StudentCard {
  id: number
  name: string
  /** The class the student is in on the day asked (else their latest class), with its year. */
  classId: number | null
  classLabel: string | null
  grade: number | null
  yearId: number | null
  /** Every class the student has ever been enrolled in (for the class teacher's access). */
  classIds: number[]
}

/** The student of an id, or null when the id names no student. */
export async function studentCard(db: DB, studentId: number, today: string): Promise<StudentCard | null> {
  const p = await db.selectFrom('persons as p').innerJoin('students as s', 's.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name']).where('p.id', '=', studentId).executeTakeFirst()
  if (!p) return null
  const enr = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['e.class_id', 'e.from_date', 'e.to_date', 'c.grade', 'c.letter', 'c.year_id'])
    .where('e.student_id', '=', studentId).orderBy('e.from_date', 'desc').execute()
  const now = enr.find((e) => e.from_date <= today && (e.to_date === null || e.to_date >= today)) ?? enr[0]
  return {
    id: p.id, name: fullName(p), classId: now?.class_id ?? null, classLabel: now ? classLabel(now.grade, now.letter) : null,
    grade: now?.grade ?? null, yearId: now?.year_id ?? null, classIds: unique(enr.map((e) => e.class_id)),
  }
}

/** The children linked to a parent. */
export async function childrenOf(db: DB, parentId: number): Promise<number[]> {
  const rows = await db.selectFrom('parent_links').select('student_id').where('parent_id', '=', parentId).execute()
  return rows.map((r) => r.student_id)
}

/**
 * The data versions a student's diary is built from: the school's and those of every class the student was
 * ever in or has a subgroup in, since a mark entered this week may be for a lesson of an earlier class.
 */
export async function studentScopes(db: DB, studentId: number): Promise<Scope[]> {
  return (await classesEver(db, studentId)).map((r) => `class:${r.id}` as const as Scope).concat('school')
}
const classesEver = prepared((db, studentId: number) => db.selectFrom('enrollments').select('class_id as id').where('student_id', '=', studentId)
  .union(db.selectFrom('group_members as m').innerJoin('groups as g', 'g.id', 'm.group_id').select('g.class_id as id')
    .where('m.student_id', '=', studentId).where('g.class_id', 'is not', null).$narrowType<{ id: number }>()))

/** Records a staff member's read of a diary (R-ACC-5: who opened whose diary). */
export async function auditRead(db: DB, actor: Actor, studentId: number, what: Record<string, string>): Promise<void> {
  await audit(db, actor, { action: 'diary.read', entity: 'person', entityId: studentId, after: what })
}

// ---------------------------------------------------------------------------------------------------------
// A period: the student's lessons with their kinds of work, marks and absences

export interface PeriodLesson {
  id: number
  date: string
  number: number
  classId: number | null
  groupId: number | null
  subjectId: number
  subject: string
  subjectShort: string
  sortOrder: number
  group: string | null
  status: 'scheduled' | 'cancelled' | 'moved'
  extracurricular: boolean
}

/**
 * The lessons in [from, to] of the classes and groups the student belonged to, only on the dates they
 * belonged (a student who changed class sees each class's lessons for their own dates). One query.
 */
export async function periodLessons(db: DB, studentId: number, from: string, to: string): Promise<{ lessons: PeriodLesson[]; place: Awaited<ReturnType<typeof placements>> }> {
  const place = await placements(db, studentId, from, to)
  const classIds = unique(place.classes.map((c) => c.classId))
  const groupIds = unique(place.groups.map((g) => g.groupId))
  if (!classIds.length && !groupIds.length) return { lessons: [], place }
  const rows = await db.selectFrom('lessons as l').innerJoin('subjects as s', 's.id', 'l.subject_id').leftJoin('groups as g', 'g.id', 'l.group_id')
    .select(['l.id', 'l.date', 'l.lesson_number', 'l.class_id', 'l.group_id', 'l.subject_id', 'l.status', 'l.extracurricular',
      's.name as subject', 's.short_name as subjectShort', 's.sort_order', 'g.name as groupName'])
    .where('l.date', '>=', from).where('l.date', '<=', to)
    .where((eb) => {
      const or = []
      if (classIds.length) or.push(eb.and([eb('l.class_id', 'in', classIds), eb('l.group_id', 'is', null)]))
      if (groupIds.length) or.push(eb('l.group_id', 'in', groupIds))
      return eb.or(or)
    })
    .orderBy('l.date').orderBy('l.lesson_number').execute()
  const lessons = rows.map((r) => ({
    id: r.id, date: r.date, number: r.lesson_number, classId: r.class_id, groupId: r.group_id, subjectId: r.subject_id,
    subject: r.subject, subjectShort: r.subjectShort, sortOrder: r.sort_order, group: r.groupName, status: r.status, extracurricular: r.extracurricular === 1,
  })).filter((l) => isStudents(l, place))
  return { lessons, place }
}

/** Kinds of work of the mark columns of some lessons. */
export async function columnKinds(db: DB, lessonIds: number[]) {
  if (!lessonIds.length) return []
  return db.selectFrom('lesson_columns as lc').innerJoin('work_kinds as wk', 'wk.id', 'lc.work_kind_id')
    .select(['lc.lesson_id', 'lc.column_no', 'wk.name', 'wk.short_name', 'wk.weight', 'wk.is_control'])
    .where('lc.lesson_id', 'in', lessonIds).orderBy('lc.lesson_id').orderBy('lc.column_no').execute()
}

/**
 * The marks of some lesson columns, as bare values: no student, so nothing here can name anyone. For the class
 * average of a control work, which the rules show only where the school allows it (R-ACC-2).
 */
export async function columnValues(db: DB, lessonIds: number[]): Promise<{ lessonId: number; column: number; value: string }[]> {
  if (!lessonIds.length) return []
  const rows = await db.selectFrom('marks').select(['lesson_id', 'column_no', 'value']).where('lesson_id', 'in', lessonIds).execute()
  return rows.map((r) => ({ lessonId: r.lesson_id, column: r.column_no, value: r.value }))
}

/** Weekly hours per subject: of the class itself, and the largest in the grade (for cross-class groups). */
export async function curriculumHours(db: DB, yearId: number, grade: number) {
  return db.selectFrom('curriculum as cu').innerJoin('classes as c', 'c.id', 'cu.class_id')
    .select(['cu.class_id', 'cu.subject_id', 'cu.hours_per_week'])
    .where('c.year_id', '=', yearId).where('c.grade', '=', grade).execute()
}

// ---------------------------------------------------------------------------------------------------------
// The class: teachers and holidays

export interface TeacherRow { personId: number; name: string; subjects: string[]; classTeacher: boolean; email: string | null; phone: string | null }

/**
 * The teachers who work with the student: the class's workload and that of the student's groups, and the class
 * teacher. Contacts only of those who have not hidden them (R-ACC-8).
 */
export async function teachersOf(db: DB, classId: number, groupIds: number[]): Promise<TeacherRow[]> {
  const rows = await db.selectFrom('workload as w').innerJoin('persons as p', 'p.id', 'w.teacher_id').innerJoin('subjects as s', 's.id', 'w.subject_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.email', 'p.phone', 'p.hide_contacts', 's.name as subject', 's.sort_order'])
    .where((eb) => {
      const or = [eb('w.class_id', '=', classId)]
      if (groupIds.length) or.push(eb('w.group_id', 'in', groupIds))
      return eb.or(or)
    })
    .orderBy('s.sort_order').orderBy('s.name').execute()
  const ct = await db.selectFrom('classes as c').innerJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.email', 'p.phone', 'p.hide_contacts'])
    .where('c.id', '=', classId).executeTakeFirst()
  const byId = new Map<number, TeacherRow>()
  const add = (p: { id: number; last_name: string; first_name: string; middle_name: string; email: string | null; phone: string | null; hide_contacts: number }) => {
    let row = byId.get(p.id)
    if (!row) {
      const hidden = p.hide_contacts === 1
      row = { personId: p.id, name: fullName(p), subjects: [], classTeacher: false, email: hidden ? null : p.email, phone: hidden ? null : p.phone }
      byId.set(p.id, row)
    }
    return row
  }
  if (ct) add(ct).classTeacher = true
  for (const r of rows) {
    const row = add(r)
    if (!row.subjects.includes(r.subject)) row.subjects.push(r.subject)
  }
  return [...byId.values()]
}

/** The holidays of a year that apply to a grade, in date order. */
export async function holidaysForGrade(db: DB, yearId: number, grade: number) {
  return db.selectFrom('holidays').select(['name', 'starts_on', 'ends_on'])
    .where('year_id', '=', yearId).where('grade_from', '<=', grade).where('grade_to', '>=', grade).orderBy('starts_on').execute()
}

// ---------------------------------------------------------------------------------------------------------
// Acknowledgements

export interface AckRow { personId: number; name: string; at: string }

/** Who of the family confirmed a week of a student's diary, and when. */
export async function acknowledgementsOf(db: DB, studentId: number, monday: string): Promise<AckRow[]> {
  const rows = await db.selectFrom('acknowledgements as a').innerJoin('persons as p', 'p.id', 'a.person_id')
    .select(['a.person_id', 'a.at', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('a.student_id', '=', studentId).where('a.week', '=', monday).orderBy('a.at').execute()
  return rows.map((r) => ({ personId: r.person_id, name: shortName(r), at: r.at }))
}

/**
 * A parent's «Ознакомлен(а)» for a week, once: a second confirmation changes nothing and writes no second audit
 * record. Returns the moment of the (first) confirmation and whether this call made it. A week of a closed year
 * is refused (YearClosedError).
 */
export async function acknowledge(db: DB, actor: Actor & { personId: number }, studentId: number, monday: string): Promise<{ at: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const year = await yearOfDate(trx, monday)
    if (year) await assertYearWritable(trx, year.id)
    const found = await trx.selectFrom('acknowledgements').select('at')
      .where('student_id', '=', studentId).where('person_id', '=', actor.personId).where('week', '=', monday).executeTakeFirst()
    if (found) return { at: found.at, created: false }
    const at = nowIso()
    await trx.insertInto('acknowledgements').values({ student_id: studentId, person_id: actor.personId, week: monday, at }).execute()
    await audit(trx, actor, { action: 'diary.acknowledge', entity: 'person', entityId: studentId, before: null, after: { week: monday, at } })
    return { at, created: true }
  })
}

export interface ClassParent {
  studentId: number
  personId: number
  name: string
  relation: string
  login: string | null
  disabled: boolean
  lastLoginAt: string | null
}

/** The parents of these students with their accounts (a parent may have none). */
export async function parentsOfStudents(db: DB, studentIds: number[]): Promise<ClassParent[]> {
  if (!studentIds.length) return []
  const rows = await db.selectFrom('parent_links as pl').innerJoin('persons as p', 'p.id', 'pl.parent_id')
    .leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['pl.student_id', 'pl.relation', 'p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'u.login', 'u.disabled_at', 'u.last_login_at'])
    .where('pl.student_id', 'in', studentIds).orderBy('p.last_name').orderBy('p.first_name').execute()
  return rows.map((r) => ({
    studentId: r.student_id, personId: r.id, name: fullName(r), relation: r.relation,
    login: r.login, disabled: r.disabled_at !== null, lastLoginAt: r.last_login_at,
  }))
}

/** The confirmations of a week for these students. */
export async function weekAcknowledgements(db: DB, studentIds: number[], monday: string) {
  if (!studentIds.length) return []
  return db.selectFrom('acknowledgements').select(['student_id', 'person_id', 'at'])
    .where('week', '=', monday).where('student_id', 'in', studentIds).execute()
}

/** How each student's family gets reports: the diary, paper or e-mail (paper families are not expected to confirm online). */
export async function channelsOf(db: DB, studentIds: number[]): Promise<Map<number, string>> {
  if (!studentIds.length) return new Map()
  const rows = await db.selectFrom('students').select(['person_id', 'channel']).where('person_id', 'in', studentIds).execute()
  return new Map(rows.map((r) => [r.person_id, r.channel]))
}

/** A class with its year, for the acknowledgements page. */
export async function classInfo(db: DB, classId: number) {
  const c = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['c.id', 'c.grade', 'c.letter', 'c.year_id', 'y.status']).where('c.id', '=', classId).executeTakeFirst()
  return c ? { id: c.id, label: classLabel(c.grade, c.letter), yearId: c.year_id, closed: c.status === 'closed' } : null
}
