// Writes of the timetable area, each in one transaction with its audit record and the closed-year check:
// bells, a class's weekly timetable, generated lesson instances, and the changes for a date (R-TT-1,2).
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { audit, type Actor } from '../../lib/audit.js'
import { fmtDate } from '../../lib/dates.js'
import type { FieldErrors } from '../../lib/forms.js'
import { assertYearWritable, holidaysOfYear, isTeacher, periodsForGrade } from '../school/school.queries.js'
import {
  classSlots, gradeOfTarget, lessonView, lessonsAt, lessonsWithEntries, personName, teacherSlotsElsewhere, type LessonView,
} from './timetable.queries.js'
import {
  clashKind, lessonDateError, lessonDates, lineKey, slotChanges, validFromError, type Bell, type DateRange, type LineRef, type Occupant, type SlotLine,
} from './timetable.rules.js'

// The week and day reads the journal and the diary use, exported here beside the writes they follow from.
export { classWeek, lessonsOfTeacherOn } from './timetable.queries.js'

type Q = DB | Transaction<Database>
type Refused = { ok: false; errors: FieldErrors }

const lessonNo = (n: number) => t('timetable.lessonNo', { n })
const dayName = (wd: number) => t(`timetable.weekdaysLong.${wd}`)

// ---------------------------------------------------------------------------------------------------------
// Bells

/** The bell schedule of a year is one setting: replaced as a whole (lessons refer to numbers, not rows). */
export async function saveBells(db: DB, actor: Actor, yearId: number, bells: Bell[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const before = await trx.selectFrom('bells').select(['number', 'starts_at', 'ends_at']).where('year_id', '=', yearId).orderBy('number').execute()
    await trx.deleteFrom('bells').where('year_id', '=', yearId).execute()
    if (bells.length) await trx.insertInto('bells').values(bells.map((b) => ({ year_id: yearId, ...b }))).execute()
    await audit(trx, actor, { action: 'timetable.bells.save', entity: 'academic_year', entityId: yearId, before, after: bells })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Lesson instances

export interface Generated { created: number; gradesWithoutPeriods: number[] }

/**
 * Creates the missing lesson instances (origin 'timetable') of every slot of the year for every date in
 * [from, to] that the slot is taught on: its weekday, inside its validity and its grade's study periods,
 * outside that grade's holidays. Idempotent: a (slot, date) that has a lesson — in any status — is skipped.
 */
export async function generateLessons(trx: Q, actor: Actor, yearId: number, from: string, to: string): Promise<Generated> {
  await assertYearWritable(trx, yearId)
  const slots = await trx.selectFrom('timetable_slots as t')
    .leftJoin('classes as c', 'c.id', 't.class_id').leftJoin('groups as g', 'g.id', 't.group_id')
    .select(['t.id', 't.class_id', 't.group_id', 't.subject_id', 't.teacher_id', 't.weekday', 't.lesson_number', 't.valid_from', 't.valid_to',
      'c.grade as classGrade', 'g.grade as groupGrade'])
    .where('t.year_id', '=', yearId).where('t.valid_from', '<=', to)
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', from)]))
    .execute()
  if (!slots.length) return { created: 0, gradesWithoutPeriods: [] }
  const holidays = await holidaysOfYear(trx, yearId)
  const periods = new Map<number, DateRange[]>()
  const existing = new Set((await trx.selectFrom('lessons').select(['slot_id', 'date'])
    .where('year_id', '=', yearId).where('origin', '=', 'timetable').where('slot_id', 'is not', null)
    .where('date', '>=', from).where('date', '<=', to).execute()).map((l) => `${l.slot_id}@${l.date}`))

  const rows: { year_id: number; slot_id: number; class_id: number | null; group_id: number | null; subject_id: number; teacher_id: number; date: string; lesson_number: number }[] = []
  for (const s of slots) {
    const grade = s.classGrade ?? s.groupGrade ?? 0
    if (!periods.has(grade)) periods.set(grade, await periodsForGrade(trx, yearId, grade))
    for (const date of lessonDates(s, periods.get(grade)!, from, to, grade, holidays)) {
      if (existing.has(`${s.id}@${date}`)) continue
      rows.push({ year_id: yearId, slot_id: s.id, class_id: s.class_id, group_id: s.group_id, subject_id: s.subject_id, teacher_id: s.teacher_id, date, lesson_number: s.lesson_number })
    }
  }
  // Batches keep each statement well under SQLite's limit of bound variables.
  for (let i = 0; i < rows.length; i += 400) await trx.insertInto('lessons').values(rows.slice(i, i + 400)).execute()
  if (rows.length) {
    await audit(trx, actor, { action: 'timetable.lessons.generate', entity: 'academic_year', entityId: yearId, after: { from, to, created: rows.length } })
  }
  const gradesWithoutPeriods = [...periods].filter(([, p]) => !p.length).map(([g]) => g).sort((a, b) => a - b)
  return { created: rows.length, gradesWithoutPeriods }
}

/** The scheduler's «generate lessons for the year». */
export async function generateYear(db: DB, actor: Actor, yearId: number): Promise<Generated> {
  return db.transaction().execute(async (trx) => {
    const year = await assertYearWritable(trx, yearId)
    return generateLessons(trx, actor, yearId, year.starts_on, year.ends_on)
  })
}

// ---------------------------------------------------------------------------------------------------------
// A class's weekly timetable

export interface KeptLesson { id: number; date: string; lessonNumber: number; what: string }

export type SaveResult = Refused | {
  ok: true; opened: number; closed: number; removed: number; kept: KeptLesson[]; generated: Generated
}

/** «Пн, 3-й урок»: where in the week a clash is. */
const cellName = (wd: number, n: number) => `${dayName(wd)}, ${lessonNo(n)}`

/**
 * Saves a class's weekly timetable from a date. Refused, writing nothing, when the date is not allowed or a
 * line clashes: the class (or the same group) twice in one cell, or a teacher in two places at once (in the
 * cell, or in another class's timetable valid then). Otherwise closes the changed slots (valid_to = from − 1),
 * opens the new ones, removes the future generated lessons of closed slots that have no entry (kept ones are
 * reported), and generates the year's missing lessons — all in one transaction.
 */
export async function saveClassTimetable(
  db: DB, actor: Actor, cls: { id: number; year_id: number }, from: string, wanted: SlotLine[], labels: Map<string, string>, today: string,
): Promise<SaveResult> {
  return db.transaction().execute(async (trx): Promise<SaveResult> => {
    const year = await assertYearWritable(trx, cls.year_id)
    const existing = await classSlots(trx, cls.id, { from })
    const diff = slotChanges(existing, wanted, from)
    const errors: FieldErrors = {}
    const fromError = validFromError(from, today, year, diff.close.length > 0)
    if (fromError) errors.valid_from = fromError

    const add = (wd: number, n: number, msg: string) => {
      const k = `c${wd}_${n}`
      errors[k] = errors[k] ? `${errors[k]} ${msg}` : msg
    }
    const label = (l: SlotLine) => labels.get(lineKey(l)) ?? ''
    const occupant = (l: SlotLine): Occupant => ({ teacherId: l.teacher_id, classId: cls.id, groupId: l.group_id })
    wanted.forEach((a, i) => {
      for (const b of wanted.slice(0, i)) {
        if (a.weekday !== b.weekday || a.lesson_number !== b.lesson_number) continue
        const kind = clashKind(occupant(a), occupant(b))
        if (kind === 'class') add(a.weekday, a.lesson_number, t('timetable.clash.cellTwice', { cell: cellName(a.weekday, a.lesson_number), a: label(b), b: label(a) }))
        if (kind === 'teacher') add(a.weekday, a.lesson_number, t('timetable.clash.teacherInCell', { cell: cellName(a.weekday, a.lesson_number), a: label(b), b: label(a) }))
      }
    })
    const elsewhere = await teacherSlotsElsewhere(trx, cls.year_id, [...new Set(wanted.map((w) => w.teacher_id))], from, cls.id)
    for (const w of wanted) {
      for (const e of elsewhere) {
        if (e.teacher_id !== w.teacher_id || e.weekday !== w.weekday || e.lesson_number !== w.lesson_number) continue
        add(w.weekday, w.lesson_number, t('timetable.clash.teacherElsewhere', {
          cell: cellName(w.weekday, w.lesson_number), teacher: e.teacher, target: e.target, subject: e.subject, from: fmtDate(e.valid_from > from ? e.valid_from : from),
        }))
      }
    }
    if (Object.keys(errors).length) return { ok: false, errors }

    const closeIds = diff.close.map((s) => s.id)
    if (closeIds.length) await trx.updateTable('timetable_slots').set({ valid_to: diff.closeOn }).where('id', 'in', closeIds).execute()
    if (diff.open.length) {
      await trx.insertInto('timetable_slots').values(diff.open.map((s) => ({ ...s, year_id: cls.year_id, valid_from: from, valid_to: null }))).execute()
    }

    // Future generated lessons of the closed slots go, unless a teacher has already written something in them.
    const orphans = closeIds.length
      ? await trx.selectFrom('lessons').selectAll().where('slot_id', 'in', closeIds).where('origin', '=', 'timetable')
        .where('status', 'in', ['scheduled', 'cancelled']).where('date', '>', today).where('date', '>=', from).orderBy('date').orderBy('lesson_number').execute()
      : []
    const filled = await lessonsWithEntries(trx, orphans.map((l) => l.id))
    const removed = orphans.filter((l) => !filled.has(l.id))
    const kept: KeptLesson[] = []
    for (const l of orphans.filter((o) => filled.has(o.id))) {
      const v = await lessonView(trx, l.id)
      kept.push({ id: l.id, date: l.date, lessonNumber: l.lesson_number, what: v ? `${v.target}, ${v.subject}` : '' })
    }
    for (let i = 0; i < removed.length; i += 500) {
      await trx.deleteFrom('lessons').where('id', 'in', removed.slice(i, i + 500).map((l) => l.id)).execute()
    }

    await audit(trx, actor, {
      action: 'timetable.slots.save', entity: 'class', entityId: cls.id,
      before: { closed: diff.close },
      after: { valid_from: from, closed_on: diff.closeOn, opened: diff.open, kept_slots: diff.keep, kept_lessons: kept.map((k) => k.id) },
    })
    if (removed.length) {
      await audit(trx, actor, { action: 'timetable.lessons.remove', entity: 'class', entityId: cls.id, before: removed, after: { reason: 'timetable.slots.save', valid_from: from } })
    }
    const generated = await generateLessons(trx, actor, cls.year_id, year.starts_on, year.ends_on)
    return { ok: true, opened: diff.open.length, closed: closeIds.length, removed: removed.length, kept, generated }
  })
}

// ---------------------------------------------------------------------------------------------------------
// Changes for a date (R-TT-2)

export type ChangeResult = Refused | { ok: true; lessonId: number }

/** A lesson the scheduler changes: it exists, its year is open, it is still scheduled. */
async function changeable(trx: Q, lessonId: number): Promise<LessonView | Refused> {
  const l = await lessonView(trx, lessonId)
  if (!l) return { ok: false, errors: { form: t('timetable.change.noLesson') } }
  await assertYearWritable(trx, l.yearId)
  if (l.status !== 'scheduled') return { ok: false, errors: { form: t('timetable.change.notScheduled') } }
  return l
}

const refused = (x: LessonView | Refused): x is Refused => 'ok' in x

/** What is already taught at a date and lesson number that a lesson (or a substitute) would clash with. */
async function clashesAt(trx: Q, date: string, n: number, who: Occupant, exceptId: number | null, field: string): Promise<FieldErrors> {
  for (const o of await lessonsAt(trx, date, n, exceptId)) {
    const other: Occupant = { teacherId: o.substituteId ?? o.teacherId, classId: o.ownerClassId, groupId: o.groupId }
    const kind = clashKind(who, other)
    const when = `${fmtDate(date)}, ${lessonNo(n)}`
    if (kind === 'class') return { [field]: t('timetable.clash.classBusy', { when, target: o.target, subject: o.subject }) }
    if (kind === 'teacher') {
      const name = (await personName(trx, who.teacherId)) ?? ''
      return { [field]: t('timetable.clash.teacherBusy', { when, teacher: name, target: o.target, subject: o.subject }) }
    }
  }
  return {}
}

async function dateError(trx: Q, l: { yearId: number; classId: number | null; groupId: number | null }, date: string): Promise<string | null> {
  const year = await assertYearWritable(trx, l.yearId)
  const grade = (await gradeOfTarget(trx, { class_id: l.classId, group_id: l.groupId })) ?? 0
  return lessonDateError(date, year, grade, await holidaysOfYear(trx, l.yearId))
}

/** Cancellation: the lesson stays, with its status and note; refused when the lesson already has an entry. */
export async function cancelLesson(db: DB, actor: Actor, lessonId: number, note: string): Promise<ChangeResult> {
  return db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const l = await changeable(trx, lessonId)
    if (refused(l)) return l
    if ((await lessonsWithEntries(trx, [l.id])).size) return { ok: false, errors: { form: t('timetable.change.hasEntryCancel') } }
    await trx.updateTable('lessons').set({ status: 'cancelled', change_note: note }).where('id', '=', l.id).execute()
    await audit(trx, actor, { action: 'timetable.lesson.cancel', entity: 'lesson', entityId: l.id,
      before: { status: l.status, change_note: l.changeNote }, after: { status: 'cancelled', change_note: note } })
    return { ok: true, lessonId: l.id }
  })
}

/**
 * Transfer to another date and lesson number: the lesson keeps its row as 'moved' and points to a new lesson
 * (origin 'transfer') of the same class or group, subject and teacher. Refused for a lesson with an entry (its
 * marks belong to its date), on holidays and Sundays, and on a clash at the new time.
 */
export async function moveLesson(db: DB, actor: Actor, lessonId: number, to: { date: string; lessonNumber: number; note: string }): Promise<ChangeResult> {
  return db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const l = await changeable(trx, lessonId)
    if (refused(l)) return l
    if ((await lessonsWithEntries(trx, [l.id])).size) return { ok: false, errors: { form: t('timetable.change.hasEntryMove') } }
    if (to.date === l.date && to.lessonNumber === l.lessonNumber) return { ok: false, errors: { date: t('timetable.change.sameTime') } }
    const bad = await dateError(trx, l, to.date)
    if (bad) return { ok: false, errors: { date: bad } }
    const clash = await clashesAt(trx, to.date, to.lessonNumber, { teacherId: l.teacherId, classId: l.ownerClassId, groupId: l.groupId }, l.id, 'lesson_number')
    if (Object.keys(clash).length) return { ok: false, errors: clash }
    const created = await trx.insertInto('lessons').values({
      year_id: l.yearId, slot_id: null, class_id: l.classId, group_id: l.groupId, subject_id: l.subjectId, teacher_id: l.teacherId,
      date: to.date, lesson_number: to.lessonNumber, origin: 'transfer', change_note: to.note,
    }).returning('id').executeTakeFirstOrThrow()
    await trx.updateTable('lessons').set({ status: 'moved', moved_to_id: created.id, change_note: to.note }).where('id', '=', l.id).execute()
    await audit(trx, actor, { action: 'timetable.lesson.move', entity: 'lesson', entityId: l.id,
      before: { status: l.status, date: l.date, lesson_number: l.lessonNumber },
      after: { status: 'moved', moved_to_id: created.id, date: to.date, lesson_number: to.lessonNumber, change_note: to.note } })
    return { ok: true, lessonId: created.id }
  })
}

export interface ExtraLesson { classId: number; yearId: number; line: LineRef; date: string; lessonNumber: number; note: string }

/** An extra lesson (origin 'extra', no slot) of a line of the class's workload, with the same clash checks. */
export async function addExtraLesson(db: DB, actor: Actor, x: ExtraLesson): Promise<ChangeResult> {
  return db.transaction().execute(async (trx): Promise<ChangeResult> => {
    await assertYearWritable(trx, x.yearId)
    const bad = await dateError(trx, { yearId: x.yearId, classId: x.line.class_id, groupId: x.line.group_id }, x.date)
    if (bad) return { ok: false, errors: { date: bad } }
    const clash = await clashesAt(trx, x.date, x.lessonNumber, { teacherId: x.line.teacher_id, classId: x.classId, groupId: x.line.group_id }, null, 'lesson_number')
    if (Object.keys(clash).length) return { ok: false, errors: clash }
    const v = {
      year_id: x.yearId, slot_id: null, class_id: x.line.class_id, group_id: x.line.group_id, subject_id: x.line.subject_id,
      teacher_id: x.line.teacher_id, date: x.date, lesson_number: x.lessonNumber, origin: 'extra' as const, change_note: x.note,
    }
    const { id } = await trx.insertInto('lessons').values(v).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'timetable.lesson.extra', entity: 'lesson', entityId: id, after: v })
    return { ok: true, lessonId: id }
  })
}

/** Substitution: another teacher takes exactly this lesson (and may fill its entry, R-TT-2); they must be free then. */
export async function substitute(db: DB, actor: Actor, lessonId: number, teacherId: number, note: string): Promise<ChangeResult> {
  return db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const l = await changeable(trx, lessonId)
    if (refused(l)) return l
    if (teacherId === l.teacherId) return { ok: false, errors: { teacher_id: t('timetable.change.sameTeacher') } }
    if (!(await isTeacher(trx, teacherId))) return { ok: false, errors: { teacher_id: t('common.badChoice') } }
    const clash = await clashesAt(trx, l.date, l.lessonNumber, { teacherId, classId: null, groupId: null }, l.id, 'teacher_id')
    if (Object.keys(clash).length) return { ok: false, errors: clash }
    await trx.updateTable('lessons').set({ substitute_id: teacherId, change_note: note }).where('id', '=', l.id).execute()
    await audit(trx, actor, { action: 'timetable.lesson.substitute', entity: 'lesson', entityId: l.id,
      before: { substitute_id: l.substituteId, change_note: l.changeNote }, after: { substitute_id: teacherId, change_note: note } })
    return { ok: true, lessonId: l.id }
  })
}

/** Withdrawing a substitution; refused once the lesson has an entry (it records who taught it). */
export async function withdrawSubstitution(db: DB, actor: Actor, lessonId: number, note: string): Promise<ChangeResult> {
  return db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const l = await changeable(trx, lessonId)
    if (refused(l)) return l
    if (l.substituteId === null) return { ok: false, errors: { form: t('timetable.change.noSubstitute') } }
    if ((await lessonsWithEntries(trx, [l.id])).size) return { ok: false, errors: { form: t('timetable.change.hasEntryWithdraw') } }
    await trx.updateTable('lessons').set({ substitute_id: null, change_note: note }).where('id', '=', l.id).execute()
    await audit(trx, actor, { action: 'timetable.lesson.unsubstitute', entity: 'lesson', entityId: l.id,
      before: { substitute_id: l.substituteId, change_note: l.changeNote }, after: { substitute_id: null, change_note: note } })
    return { ok: true, lessonId: l.id }
  })
}
