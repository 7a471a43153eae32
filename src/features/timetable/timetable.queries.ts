// Reads of the timetable area: bells, a class's workload lines and weekly slots, lesson instances with their
// changes (for the week views, the day's changes, and the journal and the diary), and clash lookups (R-TT-1,2).
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, LessonStatus } from '../../db/types.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { classLabel } from '../school/school.queries.js'
import { addDays } from '../../lib/dates.js'
import { lineKey, type Bell, type ExistingSlot } from './timetable.rules.js'

type Q = DB | Transaction<Database>

// ---------------------------------------------------------------------------------------------------------
// Bells

export async function bellsOfYear(db: Q, yearId: number): Promise<Bell[]> {
  return db.selectFrom('bells').select(['number', 'starts_at', 'ends_at']).where('year_id', '=', yearId).orderBy('number').execute()
}

// ---------------------------------------------------------------------------------------------------------
// Names

const person = (p: { last_name: string | null; first_name: string | null; middle_name: string | null }) =>
  p.last_name === null ? null : shortName({ last_name: p.last_name, first_name: p.first_name ?? '', middle_name: p.middle_name ?? '' })

/** «Английский язык, 1 гр.» → «Англ. яз., 1 гр.»: the cell of a grid has little room. */
export function shortGroupName(groupName: string, subject: string, subjectShort: string): string {
  return groupName.startsWith(subject) ? subjectShort + groupName.slice(subject.length) : `${subjectShort}: ${groupName}`
}

/** What a lesson or slot is given to: «5А», «5А, Английский язык, 1 гр.», or a cross-class group's name. */
function targetLabel(r: { grade: number | null; letter: string | null; groupName: string | null; gcGrade: number | null; gcLetter: string | null }): string {
  if (r.groupName === null) return classLabel(r.grade ?? 0, r.letter ?? '')
  return r.gcGrade !== null && r.gcLetter !== null ? `${classLabel(r.gcGrade, r.gcLetter)}, ${r.groupName}` : r.groupName
}

export async function personName(db: Q, id: number): Promise<string | null> {
  const p = await db.selectFrom('persons').select(['last_name', 'first_name', 'middle_name']).where('id', '=', id).executeTakeFirst()
  return p ? fullName(p) : null
}

// ---------------------------------------------------------------------------------------------------------
// A class's workload lines and weekly slots

/** A line of a class's workload that a weekly cell may hold: subject + teacher, for the class or one of its groups. */
export interface Line {
  key: string; teacher_id: number; subject_id: number; class_id: number | null; group_id: number | null
  subject: string; subjectShort: string; teacher: string; groupName: string | null
  /** The short text of a cell: «Матем.», «Англ. яз., 1 гр.». */
  what: string
  /** The option text of the grid form: «Англ. яз., 1 гр. — Петрова А. И.» */
  label: string
}

function toLine(r: {
  teacher_id: number; subject_id: number; class_id: number | null; group_id: number | null; subject: string; subjectShort: string
  groupName: string | null; last_name: string; first_name: string; middle_name: string
}): Line {
  const teacher = shortName(r)
  const what = r.groupName === null ? r.subjectShort : shortGroupName(r.groupName, r.subject, r.subjectShort)
  return {
    key: lineKey(r), teacher_id: r.teacher_id, subject_id: r.subject_id, class_id: r.class_id, group_id: r.group_id,
    subject: r.subject, subjectShort: r.subjectShort, teacher, groupName: r.groupName, what, label: `${what} — ${teacher}`,
  }
}

/** The workload of a class: its whole-class lines first, then its groups', in the subjects' order. */
export async function classLines(db: Q, classId: number): Promise<Line[]> {
  const rows = await db.selectFrom('workload as w')
    .innerJoin('persons as p', 'p.id', 'w.teacher_id')
    .innerJoin('subjects as s', 's.id', 'w.subject_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(['w.teacher_id', 'w.subject_id', 'w.class_id', 'w.group_id', 's.name as subject', 's.short_name as subjectShort',
      'g.name as groupName', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where((eb) => eb.or([eb('w.class_id', '=', classId), eb('g.class_id', '=', classId)]))
    .orderBy('s.sort_order').orderBy('s.name').orderBy('g.name').orderBy('p.last_name')
    .execute()
  return rows.map(toLine)
}

export interface SlotRow extends ExistingSlot { line: Line; room: string }

/**
 * The weekly slots of a class and its groups: valid on a date (`on`), or valid on or after a date (`from`).
 * Slots closed before they began (a timetable replaced before it took effect) are never valid.
 */
export async function classSlots(db: Q, classId: number, f: { on?: string; from?: string }): Promise<SlotRow[]> {
  let q = db.selectFrom('timetable_slots as t')
    .innerJoin('persons as p', 'p.id', 't.teacher_id')
    .innerJoin('subjects as s', 's.id', 't.subject_id')
    .leftJoin('groups as g', 'g.id', 't.group_id')
    .select(['t.id', 't.weekday', 't.lesson_number', 't.teacher_id', 't.subject_id', 't.class_id', 't.group_id', 't.valid_from', 't.valid_to',
      't.room', 's.name as subject', 's.short_name as subjectShort', 'g.name as groupName', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where((eb) => eb.or([eb('t.class_id', '=', classId), eb('g.class_id', '=', classId)]))
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', eb.ref('t.valid_from'))]))
  if (f.on) q = q.where('t.valid_from', '<=', f.on).where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', f.on!)]))
  if (f.from) q = q.where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', f.from!)]))
  const rows = await q.orderBy('t.weekday').orderBy('t.lesson_number').orderBy('s.sort_order').orderBy('g.name').orderBy('t.id').execute()
  return rows.map((r) => ({
    id: r.id, weekday: r.weekday, lesson_number: r.lesson_number, teacher_id: r.teacher_id, subject_id: r.subject_id,
    class_id: r.class_id, group_id: r.group_id, valid_from: r.valid_from, valid_to: r.valid_to, room: r.room, line: toLine(r),
  }))
}

export interface ElsewhereSlot { weekday: number; lesson_number: number; teacher_id: number; teacher: string; target: string; subject: string; valid_from: string }

/** Slots of these teachers outside the class (other classes and groups), valid on or after the date. */
export async function teacherSlotsElsewhere(db: Q, yearId: number, teacherIds: number[], from: string, classId: number): Promise<ElsewhereSlot[]> {
  if (!teacherIds.length) return []
  const rows = await db.selectFrom('timetable_slots as t')
    .innerJoin('persons as p', 'p.id', 't.teacher_id')
    .innerJoin('subjects as s', 's.id', 't.subject_id')
    .leftJoin('classes as c', 'c.id', 't.class_id')
    .leftJoin('groups as g', 'g.id', 't.group_id')
    .leftJoin('classes as gc', 'gc.id', 'g.class_id')
    .select(['t.weekday', 't.lesson_number', 't.teacher_id', 't.valid_from', 's.name as subject', 'p.last_name', 'p.first_name', 'p.middle_name',
      'c.grade', 'c.letter', 'g.name as groupName', 'gc.grade as gcGrade', 'gc.letter as gcLetter'])
    .where('t.year_id', '=', yearId).where('t.teacher_id', 'in', teacherIds)
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', from)]))
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', eb.ref('t.valid_from'))]))
    // coalesce: a cross-class group has no class, and NULL <> id would drop it.
    .where(sql<number>`coalesce(t.class_id, g.class_id, 0)`, '<>', classId)
    .execute()
  return rows.map((r) => ({
    weekday: r.weekday, lesson_number: r.lesson_number, teacher_id: r.teacher_id, teacher: shortName(r), subject: r.subject,
    target: targetLabel(r), valid_from: r.valid_from,
  }))
}

/** The classes a teacher teaches in a year: whole-class workload or a group of the class. */
export async function taughtClassIds(db: Q, personId: number): Promise<number[]> {
  const rows = await db.selectFrom('workload as w').leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(sql<number | null>`coalesce(w.class_id, g.class_id)`.as('cid'))
    .where('w.teacher_id', '=', personId).execute()
  return [...new Set(rows.map((r) => r.cid).filter((c): c is number => c !== null))]
}

/** The grade a class or group is taught in (for holidays and periods). */
export async function gradeOfTarget(db: Q, t: { class_id: number | null; group_id: number | null }): Promise<number | null> {
  if (t.class_id !== null) return (await db.selectFrom('classes').select('grade').where('id', '=', t.class_id).executeTakeFirst())?.grade ?? null
  if (t.group_id !== null) return (await db.selectFrom('groups').select('grade').where('id', '=', t.group_id).executeTakeFirst())?.grade ?? null
  return null
}

// ---------------------------------------------------------------------------------------------------------
// Lesson instances

export type Change = 'cancelled' | 'moved' | 'transfer' | 'extra' | null

export interface LessonView {
  id: number; yearId: number; slotId: number | null; date: string; lessonNumber: number
  startsAt: string | null; endsAt: string | null
  classId: number | null; groupId: number | null
  /** The class the lesson belongs to (a subgroup's class too); null for a cross-class group. */
  ownerClassId: number | null
  target: string; subjectId: number; subject: string; subjectShort: string
  /** «Матем.» or «Англ. яз., 1 гр.». */
  what: string
  teacherId: number; teacher: string; substituteId: number | null; substitute: string | null
  status: LessonStatus; origin: 'timetable' | 'extra' | 'transfer'; change: Change; changeNote: string
  movedTo: { date: string; lessonNumber: number } | null
  movedFrom: { date: string; lessonNumber: number } | null
  topic: string; homework: string
}

function lessonSelect(db: Q) {
  return db.selectFrom('lessons as l')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('persons as tp', 'tp.id', 'l.teacher_id')
    .leftJoin('persons as sp', 'sp.id', 'l.substitute_id')
    .leftJoin('classes as c', 'c.id', 'l.class_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('classes as gc', 'gc.id', 'g.class_id')
    .leftJoin('bells as b', (j) => j.onRef('b.year_id', '=', 'l.year_id').onRef('b.number', '=', 'l.lesson_number'))
    .leftJoin('lessons as mt', 'mt.id', 'l.moved_to_id')
    .leftJoin('lessons as mf', 'mf.moved_to_id', 'l.id')
    .select([
      'l.id', 'l.year_id', 'l.slot_id', 'l.date', 'l.lesson_number', 'l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id',
      'l.substitute_id', 'l.status', 'l.origin', 'l.change_note', 'l.topic', 'l.homework',
      's.name as subject', 's.short_name as subjectShort', 'b.starts_at', 'b.ends_at',
      'tp.last_name', 'tp.first_name', 'tp.middle_name',
      'sp.last_name as subLast', 'sp.first_name as subFirst', 'sp.middle_name as subMiddle',
      'c.grade', 'c.letter', 'g.name as groupName', 'g.class_id as groupClassId', 'gc.grade as gcGrade', 'gc.letter as gcLetter',
      'mt.date as movedToDate', 'mt.lesson_number as movedToNumber', 'mf.date as movedFromDate', 'mf.lesson_number as movedFromNumber',
    ])
}

type LessonRow = Awaited<ReturnType<ReturnType<typeof lessonSelect>['execute']>>[number]

function toLessonView(r: LessonRow): LessonView {
  const change: Change = r.status === 'cancelled' ? 'cancelled' : r.status === 'moved' ? 'moved'
    : r.origin === 'transfer' ? 'transfer' : r.origin === 'extra' ? 'extra' : null
  return {
    id: r.id, yearId: r.year_id, slotId: r.slot_id, date: r.date, lessonNumber: r.lesson_number, startsAt: r.starts_at, endsAt: r.ends_at,
    classId: r.class_id, groupId: r.group_id, ownerClassId: r.class_id ?? r.groupClassId,
    target: targetLabel(r), subjectId: r.subject_id, subject: r.subject, subjectShort: r.subjectShort,
    what: r.groupName === null ? r.subjectShort : shortGroupName(r.groupName, r.subject, r.subjectShort),
    teacherId: r.teacher_id, teacher: shortName(r), substituteId: r.substitute_id,
    substitute: person({ last_name: r.subLast, first_name: r.subFirst, middle_name: r.subMiddle }),
    status: r.status, origin: r.origin, change, changeNote: r.change_note,
    movedTo: r.movedToDate !== null && r.movedToNumber !== null ? { date: r.movedToDate, lessonNumber: r.movedToNumber } : null,
    movedFrom: r.movedFromDate !== null && r.movedFromNumber !== null ? { date: r.movedFromDate, lessonNumber: r.movedFromNumber } : null,
    topic: r.topic, homework: r.homework,
  }
}

export async function lessonView(db: Q, id: number): Promise<LessonView | null> {
  const r = await lessonSelect(db).where('l.id', '=', id).executeTakeFirst()
  return r ? toLessonView(r) : null
}

const byTime = (a: LessonView, b: LessonView) => a.date.localeCompare(b.date) || a.lessonNumber - b.lessonNumber || a.what.localeCompare(b.what, 'ru')

/**
 * A teacher's lessons of a day, for the journal's «today»: their own lessons and the lessons they substitute,
 * without cancelled and moved ones. An own lesson that someone else substitutes is included (the teacher still
 * keeps the page) with `substituteId` set; `asSubstitute` marks the lessons this teacher takes for another.
 */
export async function lessonsOfTeacherOn(db: Q, personId: number, date: string): Promise<(LessonView & { asSubstitute: boolean })[]> {
  const rows = await lessonSelect(db).where('l.date', '=', date).where('l.status', '=', 'scheduled')
    .where((eb) => eb.or([eb('l.teacher_id', '=', personId), eb('l.substitute_id', '=', personId)])).execute()
  return rows.map(toLessonView).map((l) => ({ ...l, asSubstitute: l.substituteId === personId && l.teacherId !== personId })).sort(byTime)
}

/**
 * A class's lessons (whole class and its groups) of the week starting on `monday`, Monday to Saturday, with
 * their changes: cancelled and moved lessons (with where to), transfers in (with where from), extra lessons,
 * substitutes. For the journal and the diary (R-D-1, R-TT-3).
 */
export async function classWeek(db: Q, classId: number, monday: string): Promise<LessonView[]> {
  // Written as two indexable terms (the class's lessons by lessons_class_date, its groups' by lessons_group):
  // filtering on the joined group's class made SQLite read the whole school's week first.
  const rows = await lessonSelect(db).where('l.date', '>=', monday).where('l.date', '<=', addDays(monday, 5))
    .where((eb) => eb.or([
      eb('l.class_id', '=', classId),
      eb('l.group_id', 'in', eb.selectFrom('groups').select('groups.id').where('groups.class_id', '=', classId)),
    ])).execute()
  return rows.map(toLessonView).sort(byTime)
}

/** A teacher's week: the lessons they are scheduled for (with any change) and those they substitute. */
export async function teacherWeek(db: Q, personId: number, monday: string): Promise<LessonView[]> {
  const rows = await lessonSelect(db).where('l.date', '>=', monday).where('l.date', '<=', addDays(monday, 5))
    .where((eb) => eb.or([eb('l.teacher_id', '=', personId), eb('l.substitute_id', '=', personId)])).execute()
  return rows.map(toLessonView).sort(byTime)
}

/** The day's changes across the school, for the staff room (R-TT-2). */
export async function changesOn(db: Q, date: string): Promise<LessonView[]> {
  const rows = await lessonSelect(db).where('l.date', '=', date)
    .where((eb) => eb.or([eb('l.status', '<>', 'scheduled'), eb('l.origin', '<>', 'timetable'), eb('l.substitute_id', 'is not', null)]))
    .execute()
  return rows.map(toLessonView).sort((a, b) => a.target.localeCompare(b.target, 'ru', { numeric: true }) || a.lessonNumber - b.lessonNumber)
}

/** A day's lessons of one teacher (own or substituted) or one class, for the scheduler to change. */
export async function lessonsOfDay(db: Q, date: string, f: { teacherId?: number; classId?: number }): Promise<LessonView[]> {
  let q = lessonSelect(db).where('l.date', '=', date)
  if (f.teacherId) q = q.where((eb) => eb.or([eb('l.teacher_id', '=', f.teacherId!), eb('l.substitute_id', '=', f.teacherId!)]))
  if (f.classId) q = q.where((eb) => eb.or([eb('l.class_id', '=', f.classId!), eb('g.class_id', '=', f.classId!)]))
  return (await q.execute()).map(toLessonView).sort(byTime)
}

/** Lessons held (scheduled) at one date and lesson number, to find who is busy then. */
export async function lessonsAt(db: Q, date: string, lessonNumber: number, exceptId: number | null = null): Promise<LessonView[]> {
  let q = lessonSelect(db).where('l.date', '=', date).where('l.lesson_number', '=', lessonNumber).where('l.status', '=', 'scheduled')
  if (exceptId !== null) q = q.where('l.id', '<>', exceptId)
  return (await q.execute()).map(toLessonView)
}

/**
 * Which of the lessons have an entry a teacher made: topic, КТП topic, homework (for all or individual),
 * notes, mark columns, marks (or their history), absences, files, late-entry approvals. Such a lesson is never
 * removed or cancelled by a timetable change.
 */
export async function lessonsWithEntries(db: Q, ids: number[]): Promise<Set<number>> {
  const out = new Set<number>()
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    const rows = await db.selectFrom('lessons as l').select('l.id').where('l.id', 'in', chunk)
      .where((eb) => eb.or([
        eb('l.topic', '<>', ''), eb('l.homework', '<>', ''), eb('l.plan_topic_id', 'is not', null),
        eb('l.distance', '<>', 0), eb('l.extracurricular', '<>', 0),
        eb.exists(eb.selectFrom('marks as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('mark_history as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('absences as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('lesson_columns as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('homework_individual as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('attachments as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
        eb.exists(eb.selectFrom('late_approvals as x').select('x.lesson_id').whereRef('x.lesson_id', '=', 'l.id')),
      ])).execute()
    for (const r of rows) out.add(r.id)
  }
  return out
}

/** The academic year a date belongs to (the newest one if years touch). */
export async function yearOfDate(db: Q, date: string) {
  return (await db.selectFrom('academic_years').selectAll().where('starts_on', '<=', date).where('ends_on', '>=', date)
    .orderBy('starts_on', 'desc').executeTakeFirst()) ?? null
}
