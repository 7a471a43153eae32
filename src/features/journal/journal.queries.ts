// Queries of the journal area: the start page, the journal page (one query per kind of data, whatever the size
// of the class), the lesson form and its save, late-entry approvals (R-J-1,2,4..8). The only Kysely code here.
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import { prepared } from '../../db/prepared.js'
import type { Database } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { classLabel } from '../school/school.rules.js'
import type { Target } from './journal.access.js'

type Q = DB | Transaction<Database>

const nameOf = (p: { last_name: string | null; first_name: string | null; middle_name: string | null }) =>
  p.last_name === null ? null : shortName({ last_name: p.last_name, first_name: p.first_name ?? '', middle_name: p.middle_name ?? '' })

// ---------------------------------------------------------------------------------------------- start page

/** A teacher's lessons over some days: their own (also when given to a substitute) and those they substitute. */
export async function lessonsOfTeacher(db: Q, personId: number, from: string, to: string) {
  const rows = await db.selectFrom('lessons as l')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .leftJoin('classes as c', 'c.id', 'l.class_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('classes as gc', 'gc.id', 'g.class_id')
    .leftJoin('bells as b', (j) => j.onRef('b.year_id', '=', 'l.year_id').onRef('b.number', '=', 'l.lesson_number'))
    .leftJoin('persons as sp', 'sp.id', 'l.substitute_id')
    .select(['l.id', 'l.date', 'l.lesson_number', 'l.topic', 'l.homework', 'l.substitute_id', 'l.teacher_id', 's.name as subject',
      'c.grade', 'c.letter', 'g.name as groupName', 'gc.grade as gGrade', 'gc.letter as gLetter', 'b.starts_at', 'b.ends_at',
      'sp.last_name', 'sp.first_name', 'sp.middle_name'])
    .where('l.date', '>=', from).where('l.date', '<=', to).where('l.status', '=', 'scheduled')
    // The scheduled teacher still sees a lesson given to a substitute, marked as such.
    .where((eb) => eb.or([eb('l.teacher_id', '=', personId), eb('l.substitute_id', '=', personId)]))
    .orderBy('l.date').orderBy('l.lesson_number').execute()
  return rows.map((r) => ({
    id: r.id, date: r.date, lessonNumber: r.lesson_number, subject: r.subject, startsAt: r.starts_at, endsAt: r.ends_at,
    target: r.grade !== null ? classLabel(r.grade, r.letter!) : r.gGrade !== null ? `${classLabel(r.gGrade, r.gLetter!)}, ${r.groupName}` : r.groupName ?? '',
    hasTopic: r.topic !== '', hasHomework: r.homework !== '',
    substitutes: r.substitute_id === personId,
    givenAway: r.substitute_id !== null && r.substitute_id !== personId ? nameOf(r) : null,
  }))
}

/** The subject pages of a class: its whole-class pages and its subgroups' pages, from the workload. */
export async function pagesOfClass(db: Q, classId: number) {
  const rows = await db.selectFrom('workload as w')
    .innerJoin('subjects as s', 's.id', 'w.subject_id')
    .innerJoin('persons as p', 'p.id', 'w.teacher_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(['w.class_id', 'w.group_id', 'w.subject_id', 's.name as subject', 's.sort_order', 'g.name as groupName',
      'p.last_name', 'p.first_name', 'p.middle_name'])
    .where((eb) => eb.or([eb('w.class_id', '=', classId), eb('g.class_id', '=', classId)]))
    .orderBy('s.sort_order').orderBy('s.name').orderBy('g.name').orderBy('p.last_name').execute()
  const pages = new Map<string, { href: string; subject: string; groupName: string | null; teachers: string[] }>()
  for (const r of rows) {
    const href = r.group_id !== null ? `/journal/group/${r.group_id}` : `/journal/class/${r.class_id}/${r.subject_id}`
    const p = pages.get(href) ?? { href, subject: r.subject, groupName: r.groupName, teachers: [] }
    p.teachers.push(nameOf(r)!)
    pages.set(href, p)
  }
  return [...pages.values()]
}

// ---------------------------------------------------------------------------------------------- page header

/** The class a subgroup belongs to; null for a cross-class group or an unknown id. */
export async function classOfGroup(db: DB, groupId: number): Promise<number | null> {
  const [r] = await groupClass(db, groupId)
  return r?.class_id ?? null
}
const groupClass = prepared((db, groupId: number) => db.selectFrom('groups').select('class_id').where('id', '=', groupId))

export interface PageInfo {
  target: Target
  subjectId: number
  subject: string
  isPe: boolean
  yearId: number
  grade: number
  /** The page's class (a subgroup's class), null for a cross-class group. */
  classId: number | null
  label: string
  groupName: string | null
  year: { starts_on: string; ends_on: string; status: string }
}

/** What a page is: class or group, its subject, year and grade; null when the ids name nothing. */
export async function pageInfo(db: Q, target: Target, subjectId: number | null): Promise<PageInfo | null> {
  if (target.classId !== null) {
    if (subjectId === null) return null
    const r = await db.selectFrom('classes as c').innerJoin('subjects as s', (j) => j.on('s.id', '=', subjectId))
      .innerJoin('academic_years as y', 'y.id', 'c.year_id')
      .select(['c.id', 'c.year_id', 'c.grade', 'c.letter', 's.id as sid', 's.name', 's.is_pe', 'y.starts_on', 'y.ends_on', 'y.status'])
      .where('c.id', '=', target.classId).executeTakeFirst()
    if (!r) return null
    return { target, subjectId: r.sid, subject: r.name, isPe: r.is_pe === 1, yearId: r.year_id, grade: r.grade, classId: r.id,
      label: classLabel(r.grade, r.letter), groupName: null, year: { starts_on: r.starts_on, ends_on: r.ends_on, status: r.status } }
  }
  const r = await db.selectFrom('groups as g').innerJoin('subjects as s', 's.id', 'g.subject_id')
    .innerJoin('academic_years as y', 'y.id', 'g.year_id')
    .leftJoin('classes as c', 'c.id', 'g.class_id')
    .select(['g.id', 'g.year_id', 'g.grade', 'g.name as groupName', 'g.class_id', 'c.letter', 's.id as sid', 's.name', 's.is_pe',
      'y.starts_on', 'y.ends_on', 'y.status'])
    .where('g.id', '=', target.groupId).executeTakeFirst()
  if (!r) return null
  return { target, subjectId: r.sid, subject: r.name, isPe: r.is_pe === 1, yearId: r.year_id, grade: r.grade, classId: r.class_id,
    label: r.letter !== null ? `${classLabel(r.grade, r.letter)}, ${r.groupName}` : r.groupName, groupName: r.groupName,
    year: { starts_on: r.starts_on, ends_on: r.ends_on, status: r.status } }
}

// ---------------------------------------------------------------------------------------------- page data

/** The scheduled lessons of a page between two dates, in journal order. */
export async function lessonsOfPage(db: Q, target: Target, subjectId: number, from: string, to: string) {
  let q = db.selectFrom('lessons as l').leftJoin('persons as sp', 'sp.id', 'l.substitute_id')
    .select(['l.id', 'l.date', 'l.lesson_number', 'l.origin', 'l.substitute_id', 'l.topic', 'l.homework', 'l.distance',
      'l.distance_order', 'l.extracurricular', 'sp.last_name', 'sp.first_name', 'sp.middle_name'])
    .where('l.status', '=', 'scheduled').where('l.date', '>=', from).where('l.date', '<=', to)
  q = target.classId !== null
    ? q.where('l.class_id', '=', target.classId).where('l.subject_id', '=', subjectId)
    : q.where('l.group_id', '=', target.groupId)
  const rows = await q.orderBy('l.date').orderBy('l.lesson_number').orderBy('l.id').execute()
  return rows.map((r) => ({
    id: r.id, date: r.date, lessonNumber: r.lesson_number, origin: r.origin, topic: r.topic, homework: r.homework,
    distance: r.distance === 1, distanceOrder: r.distance_order, extracurricular: r.extracurricular === 1,
    substitute: r.substitute_id !== null ? nameOf(r) : null,
  }))
}

export async function workKinds(db: Q) {
  return db.selectFrom('work_kinds').select(['id', 'name', 'short_name', 'weight', 'deadline', 'is_control'])
    .orderBy('sort_order').orderBy('name').execute()
}

/** The kinds of work of the mark columns of some lessons. */
export async function columnsOf(db: Q, lessonIds: number[]) {
  if (!lessonIds.length) return []
  return db.selectFrom('lesson_columns').select(['lesson_id', 'column_no', 'work_kind_id'])
    .where('lesson_id', 'in', lessonIds).orderBy('lesson_id').orderBy('column_no').execute()
}

export async function marksOf(db: Q, lessonIds: number[]) {
  if (!lessonIds.length) return []
  // Only what the page and the form show: a quarter's page reads about 1,250 marks, and two more text columns
  // made reading them take twice as long.
  return db.selectFrom('marks').select(['lesson_id', 'student_id', 'column_no', 'value'])
    .where('lesson_id', 'in', lessonIds).execute()
}

export async function absencesOf(db: Q, lessonIds: number[]) {
  if (!lessonIds.length) return []
  return db.selectFrom('absences').select(['lesson_id', 'student_id', 'reason']).where('lesson_id', 'in', lessonIds).execute()
}

/** Every change of marks and absences of some lessons, oldest first, with who made it. */
export async function historyOf(db: Q, lessonIds: number[]) {
  if (!lessonIds.length) return []
  const rows = await db.selectFrom('mark_history as h').leftJoin('persons as p', 'p.id', 'h.by')
    .select(['h.id', 'h.lesson_id', 'h.student_id', 'h.column_no', 'h.old_value', 'h.new_value', 'h.at', 'h.reason',
      'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('h.lesson_id', 'in', lessonIds).orderBy('h.id').execute()
  return rows.map((r) => ({ id: r.id, lessonId: r.lesson_id, studentId: r.student_id, column: r.column_no, oldValue: r.old_value,
    newValue: r.new_value, at: r.at, reason: r.reason, by: nameOf(r) ?? '' }))
}

// ---------------------------------------------------------------------------------------------- lesson form

/** One lesson with everything its form shows about it; null when the id names nothing. */
export async function lessonRow(db: Q, lessonId: number) {
  const r = await db.selectFrom('lessons as l')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('academic_years as y', 'y.id', 'l.year_id')
    .innerJoin('persons as t', 't.id', 'l.teacher_id')
    .leftJoin('persons as sp', 'sp.id', 'l.substitute_id')
    .leftJoin('persons as ent', 'ent.id', 'l.entered_by')
    .leftJoin('bells as b', (j) => j.onRef('b.year_id', '=', 'l.year_id').onRef('b.number', '=', 'l.lesson_number'))
    .selectAll('l')
    .select(['s.name as subject', 's.is_pe', 'y.starts_on as yearStart', 'y.adaptation_ends_on', 'y.status as yearStatus',
      't.last_name as tLast', 't.first_name as tFirst', 't.middle_name as tMiddle',
      'sp.last_name', 'sp.first_name', 'sp.middle_name', 'b.starts_at', 'b.ends_at',
      'ent.last_name as entLast', 'ent.first_name as entFirst', 'ent.middle_name as entMiddle'])
    .where('l.id', '=', lessonId).executeTakeFirst()
  if (!r) return null
  return {
    ...r,
    isPe: r.is_pe === 1,
    teacherName: shortName({ last_name: r.tLast, first_name: r.tFirst, middle_name: r.tMiddle }),
    substituteName: nameOf(r),
    enteredByName: nameOf({ last_name: r.entLast, first_name: r.entFirst, middle_name: r.entMiddle }),
  }
}

export async function individualHomeworkOf(db: Q, lessonId: number) {
  return db.selectFrom('homework_individual').select(['student_id', 'text']).where('lesson_id', '=', lessonId).execute()
}

/** The КТП of a subject and grade in a year, in plan order. */
export async function planTopics(db: Q, yearId: number, subjectId: number, grade: number) {
  return db.selectFrom('plan_topics').select(['id', 'number', 'title', 'hours'])
    .where('year_id', '=', yearId).where('subject_id', '=', subjectId).where('grade', '=', grade).orderBy('number').execute()
}

function pageLessonsQuery(db: Q, target: Target, subjectId: number) {
  const q = db.selectFrom('lessons as l').where('l.status', '=', 'scheduled')
  return target.classId !== null
    ? q.where('l.class_id', '=', target.classId).where('l.subject_id', '=', subjectId)
    : q.where('l.group_id', '=', target.groupId)
}

/** How many other lessons of the page already took each КТП topic. */
export async function planTopicUses(db: Q, target: Target, subjectId: number, yearId: number, exceptLessonId: number): Promise<Map<number, number>> {
  const rows = await pageLessonsQuery(db, target, subjectId)
    .select(['l.plan_topic_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('l.year_id', '=', yearId).where('l.plan_topic_id', 'is not', null).where('l.id', '<>', exceptLessonId)
    .groupBy('l.plan_topic_id').execute()
  return new Map(rows.map((r) => [r.plan_topic_id!, Number(r.n)]))
}

/** The page's lessons right before a lesson (the latest first, at most `limit`) and the one right after it. */
export async function neighbours(db: Q, target: Target, subjectId: number, l: { id: number; date: string; lesson_number: number }, limit: number) {
  const before = await pageLessonsQuery(db, target, subjectId).select(['l.id', 'l.date'])
    .where((eb) => eb.or([eb('l.date', '<', l.date), eb.and([eb('l.date', '=', l.date), eb('l.lesson_number', '<', l.lesson_number)])]))
    .orderBy('l.date', 'desc').orderBy('l.lesson_number', 'desc').limit(limit).execute()
  const next = await pageLessonsQuery(db, target, subjectId).select(['l.id', 'l.date'])
    .where((eb) => eb.or([eb('l.date', '>', l.date), eb.and([eb('l.date', '=', l.date), eb('l.lesson_number', '>', l.lesson_number)])]))
    .orderBy('l.date').orderBy('l.lesson_number').limit(1).executeTakeFirst()
  return { before, next: next ?? null }
}

export async function holidaysForGrade(db: Q, yearId: number, grade: number) {
  return db.selectFrom('holidays').select(['starts_on', 'ends_on'])
    .where('year_id', '=', yearId).where('grade_from', '<=', grade).where('grade_to', '>=', grade).execute()
}

/** The late-entry requests of a lesson, newest first. */
export async function approvalsOfLesson(db: Q, lessonId: number) {
  return db.selectFrom('late_approvals').select(['id', 'status', 'requested_at', 'valid_until', 'reason', 'decided_at'])
    .where('lesson_id', '=', lessonId).orderBy('id', 'desc').execute()
}

// ---------------------------------------------------------------------------------------------- lesson save

export interface LessonUpdate {
  plan_topic_id: number | null
  topic: string
  homework: string
  distance: number
  distance_order: string
  extracurricular: number
  topic_entered_at: string | null
  homework_entered_at: string | null
  entered_by: number | null
}

export interface MarkWrite { studentId: number; column: number; value: string | null; lateApprovalId: number | null }
export interface HistoryWrite { studentId: number; column: number; oldValue: string | null; newValue: string | null; reason: string }

/** Writes a checked lesson entry; the caller runs it inside its transaction together with the audit record. */
export async function writeLessonEntry(trx: Transaction<Database>, actor: Actor, lessonId: number, w: {
  lesson: LessonUpdate
  columns: { column: number; kindId: number | null }[]
  marks: MarkWrite[]
  absences: { studentId: number; absent: boolean }[]
  individual: { studentId: number; text: string | null }[]
  history: HistoryWrite[]
  useApprovalId: number | null
  now: string
}): Promise<void> {
  const by = actor.personId!
  await trx.updateTable('lessons').set(w.lesson).where('id', '=', lessonId).execute()
  for (const c of w.columns) {
    if (c.kindId === null) await trx.deleteFrom('lesson_columns').where('lesson_id', '=', lessonId).where('column_no', '=', c.column).execute()
    else {
      await trx.insertInto('lesson_columns').values({ lesson_id: lessonId, column_no: c.column, work_kind_id: c.kindId })
        .onConflict((oc) => oc.columns(['lesson_id', 'column_no']).doUpdateSet({ work_kind_id: c.kindId! })).execute()
    }
  }
  for (const m of w.marks) {
    if (m.value === null) {
      await trx.deleteFrom('marks').where('lesson_id', '=', lessonId).where('student_id', '=', m.studentId).where('column_no', '=', m.column).execute()
    } else {
      const row = { value: m.value, entered_at: w.now, entered_by: by, late_approval_id: m.lateApprovalId }
      await trx.insertInto('marks').values({ lesson_id: lessonId, student_id: m.studentId, column_no: m.column, ...row })
        .onConflict((oc) => oc.columns(['lesson_id', 'student_id', 'column_no']).doUpdateSet(row)).execute()
    }
  }
  for (const a of w.absences) {
    if (a.absent) {
      await trx.insertInto('absences').values({ lesson_id: lessonId, student_id: a.studentId, entered_at: w.now, entered_by: by })
        .onConflict((oc) => oc.columns(['lesson_id', 'student_id']).doNothing()).execute()
    } else {
      await trx.deleteFrom('absences').where('lesson_id', '=', lessonId).where('student_id', '=', a.studentId).execute()
    }
  }
  for (const h of w.individual) {
    if (h.text === null) await trx.deleteFrom('homework_individual').where('lesson_id', '=', lessonId).where('student_id', '=', h.studentId).execute()
    else {
      await trx.insertInto('homework_individual').values({ lesson_id: lessonId, student_id: h.studentId, text: h.text, entered_at: w.now })
        .onConflict((oc) => oc.columns(['lesson_id', 'student_id']).doUpdateSet({ text: h.text!, entered_at: w.now })).execute()
    }
  }
  if (w.history.length) {
    await trx.insertInto('mark_history').values(w.history.map((h) => ({
      lesson_id: lessonId, student_id: h.studentId, column_no: h.column, old_value: h.oldValue, new_value: h.newValue, at: w.now, by, reason: h.reason,
    }))).execute()
  }
  if (w.useApprovalId !== null) await trx.updateTable('late_approvals').set({ status: 'used' }).where('id', '=', w.useApprovalId).execute()
}

// ---------------------------------------------------------------------------------------------- approvals

/** Records a teacher's request for a lesson, unless one is already waiting (checked in the same transaction). */
export async function addLateRequest(trx: Transaction<Database>, actor: Actor, lessonId: number, reason: string, now: string): Promise<number | null> {
  const waiting = await trx.selectFrom('late_approvals').select('id').where('lesson_id', '=', lessonId).where('status', '=', 'pending').executeTakeFirst()
  if (waiting) return null
  const { id } = await trx.insertInto('late_approvals')
    .values({ lesson_id: lessonId, requested_by: actor.personId!, requested_at: now, reason, status: 'pending' })
    .returning('id').executeTakeFirstOrThrow()
  await audit(trx, actor, { action: 'journal.late.request', entity: 'late_approval', entityId: id, after: { lesson_id: lessonId, reason } })
  return id
}

function approvalsQuery(db: Q) {
  return db.selectFrom('late_approvals as a')
    .innerJoin('lessons as l', 'l.id', 'a.lesson_id')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('persons as r', 'r.id', 'a.requested_by')
    .leftJoin('persons as d', 'd.id', 'a.decided_by')
    .leftJoin('classes as c', 'c.id', 'l.class_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('classes as gc', 'gc.id', 'g.class_id')
    .select(['a.id', 'a.lesson_id', 'a.status', 'a.reason', 'a.requested_at', 'a.decided_at', 'a.valid_until', 'l.date', 'l.lesson_number',
      'l.year_id', 's.name as subject', 'c.grade', 'c.letter', 'g.name as groupName', 'gc.grade as gGrade', 'gc.letter as gLetter',
      'r.last_name', 'r.first_name', 'r.middle_name', 'd.last_name as dLast', 'd.first_name as dFirst', 'd.middle_name as dMiddle'])
}

type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalsQuery>['execute']>>[number]
function approvalView(r: ApprovalRow) {
  return {
    id: r.id, lessonId: r.lesson_id, status: r.status, reason: r.reason, requestedAt: r.requested_at, decidedAt: r.decided_at,
    validUntil: r.valid_until, date: r.date, lessonNumber: r.lesson_number, subject: r.subject, yearId: r.year_id,
    target: r.grade !== null ? classLabel(r.grade, r.letter!) : r.gGrade !== null ? `${classLabel(r.gGrade, r.gLetter!)}, ${r.groupName}` : r.groupName ?? '',
    requestedBy: fullName({ last_name: r.last_name, first_name: r.first_name, middle_name: r.middle_name }),
    decidedBy: nameOf({ last_name: r.dLast, first_name: r.dFirst, middle_name: r.dMiddle }),
  }
}
export type ApprovalView = ReturnType<typeof approvalView>

export async function pendingApprovals(db: Q): Promise<ApprovalView[]> {
  return (await approvalsQuery(db).where('a.status', '=', 'pending').orderBy('a.requested_at').execute()).map(approvalView)
}

export async function decidedApprovals(db: Q, limit: number): Promise<ApprovalView[]> {
  return (await approvalsQuery(db).where('a.status', '<>', 'pending').orderBy('a.decided_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute()).map(approvalView)
}

export async function getApproval(db: Q, id: number): Promise<ApprovalView | null> {
  const r = await approvalsQuery(db).where('a.id', '=', id).executeTakeFirst()
  return r ? approvalView(r) : null
}

/** Records the deputy's decision on a pending request; false when it was no longer pending. */
export async function decideApproval(trx: Transaction<Database>, actor: Actor, id: number, d: { status: 'approved' | 'refused'; validUntil: string | null; now: string }): Promise<boolean> {
  const r = await trx.updateTable('late_approvals')
    .set({ status: d.status, decided_by: actor.personId, decided_at: d.now, valid_until: d.validUntil })
    .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return false
  await audit(trx, actor, { action: `journal.late.${d.status === 'approved' ? 'approve' : 'refuse'}`, entity: 'late_approval', entityId: id,
    before: { status: 'pending' }, after: { status: d.status, valid_until: d.validUntil } })
  return true
}

/** The approved, unexpired permission of a lesson, if any. */
export async function activeApproval(db: Q, lessonId: number, today: string): Promise<{ id: number; valid_until: string | null } | null> {
  return (await db.selectFrom('late_approvals').select(['id', 'valid_until'])
    .where('lesson_id', '=', lessonId).where('status', '=', 'approved')
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', today)]))
    .orderBy('id').executeTakeFirst()) ?? null
}
