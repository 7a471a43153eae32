// Pure rules of the timetable: who may do what, bells, clashes, what a save changes, and which dates a weekly
// slot falls on (R-TT-1,2).
import type { Role } from '../../db/types.js'
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { addDays, fmtDate, weekday } from '../../lib/dates.js'

export interface HolidaySpan { starts_on: string; ends_on: string; grade_from: number; grade_to: number }

/** Whether a date is inside a holiday that applies to the grade. */
export function isHoliday(date: string, grade: number, holidays: HolidaySpan[]): boolean {
  return holidays.some((h) => h.starts_on <= date && date <= h.ends_on && h.grade_from <= grade && grade <= h.grade_to)
}

/**
 * The dates in [from, to] on which a weekly slot (weekday 1–6) is taught for a grade: its weekday, inside the
 * slot's validity, not in that grade's holidays. Sundays never; a six-day week is the school's choice.
 */
export function slotDates(
  slot: { weekday: number; valid_from: string; valid_to: string | null },
  from: string, to: string, grade: number, holidays: HolidaySpan[],
): string[] {
  const start = slot.valid_from > from ? slot.valid_from : from
  const end = slot.valid_to !== null && slot.valid_to < to ? slot.valid_to : to
  const out: string[] = []
  if (start > end) return out
  // Step to the first date with the slot's weekday, then week by week.
  let d = addDays(start, (slot.weekday - weekday(start) + 7) % 7)
  for (; d <= end; d = addDays(d, 7)) if (!isHoliday(d, grade, holidays)) out.push(d)
  return out
}

/** The school days (Monday–Saturday or Monday–Friday) of a grade in [from, to], holidays excluded. */
export function schoolDays(from: string, to: string, grade: number, holidays: HolidaySpan[], sixDayWeek = false): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const wd = weekday(d)
    if (wd === 7 || (wd === 6 && !sixDayWeek)) continue
    if (!isHoliday(d, grade, holidays)) out.push(d)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Who may do what: the one table of this area. Routes guard with app.requireRoles(...ROLES_FOR[x]) and decide
// per class or teacher with the functions below.

export type TimetableAction = 'read' | 'edit'

export const ROLES_FOR: Record<TimetableAction, Access[]> = {
  // A teacher reads only their own week and their classes' (canReadClass, canReadTeacher).
  read: ['admin', 'director', 'deputy', 'scheduler', 'teacher'],
  // The timetable, its changes and substitutions are the scheduler's [002 §9.3].
  edit: ['scheduler'],
}

export interface Who { personId: number; roles: readonly Role[]; classTeacherOf: readonly number[] }

const has = (u: Who, ...roles: Role[]) => roles.some((r) => u.roles.includes(r))

export function canEditTimetable(u: Who | null): boolean {
  return u !== null && has(u, 'scheduler')
}

/** The administration and the scheduler read every class's and every teacher's timetable. */
export function readsAllTimetables(u: Who | null): boolean {
  return u !== null && has(u, 'admin', 'director', 'deputy', 'scheduler')
}

/** A teacher reads the classes they teach (whole class or a subgroup of it) and the classes they lead. */
export function canReadClass(u: Who | null, classId: number, taughtClassIds: readonly number[]): boolean {
  if (!u) return false
  if (readsAllTimetables(u)) return true
  return has(u, 'teacher') && (taughtClassIds.includes(classId) || u.classTeacherOf.includes(classId))
}

/** A teacher reads their own week only. */
export function canReadTeacher(u: Who | null, personId: number): boolean {
  if (!u) return false
  return readsAllTimetables(u) || (has(u, 'teacher') && u.personId === personId)
}

// ---------------------------------------------------------------------------------------------------------
// Bells

export interface Bell { number: number; starts_at: string; ends_at: string }

/** Lesson numbers a bell schedule may have (the schema allows a «zero» lesson and up to 12). */
export const BELL_NUMBERS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

/** '8:30', '08:30', '8.30' → '08:30'; anything else (or an impossible time) → null. */
export function parseTime(input: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(input.trim())
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  if (h > 23 || min > 59) return null
  return `${String(h).padStart(2, '0')}:${m[2]}`
}

/**
 * Errors of a whole bell schedule, keyed by lesson number: each lesson ends after it starts, and the lessons
 * follow one another in the order of their numbers without overlapping (a break may be zero minutes).
 */
export function bellErrors(bells: readonly Bell[]): Record<number, string> {
  const errors: Record<number, string> = {}
  const sorted = [...bells].sort((a, b) => a.number - b.number)
  sorted.forEach((b, i) => {
    if (b.ends_at <= b.starts_at) { errors[b.number] = t('timetable.bells.endBeforeStart', { n: b.number }); return }
    const prev = sorted[i - 1]
    if (prev && b.starts_at < prev.ends_at) {
      errors[b.number] = t('timetable.bells.overlap', { n: b.number, prev: prev.number, end: prev.ends_at })
    }
  })
  return errors
}

// ---------------------------------------------------------------------------------------------------------
// Clashes: who is where at one lesson time

/**
 * Who a lesson occupies: its teacher, and its class (classId is the class of a subgroup too; null for a
 * cross-class group) or group. A whole-class lesson occupies every subgroup of the class; two different
 * subgroups may share a lesson time (English 1 and English 2).
 */
export interface Occupant { teacherId: number; classId: number | null; groupId: number | null }

export function clashKind(a: Occupant, b: Occupant): 'class' | 'teacher' | null {
  const sameGroup = a.groupId !== null && a.groupId === b.groupId
  const wholeClass = a.classId !== null && a.classId === b.classId && (a.groupId === null || b.groupId === null)
  if (sameGroup || wholeClass) return 'class'
  if (a.teacherId === b.teacherId) return 'teacher'
  return null
}

// ---------------------------------------------------------------------------------------------------------
// The weekly timetable of a class: what a save changes

/** A line of a class's workload: subject and teacher, for the class or one of its groups. */
export interface LineRef { teacher_id: number; subject_id: number; class_id: number | null; group_id: number | null }
/** A line placed in a weekly cell. */
export interface SlotLine extends LineRef { weekday: number; lesson_number: number }
export interface ExistingSlot extends SlotLine { id: number; valid_from: string; valid_to: string | null }

/** What a workload line is, independent of the cell: «teacher.subject.c5» or «teacher.subject.g12». */
export function lineKey(l: LineRef): string {
  return `${l.teacher_id}.${l.subject_id}.${l.class_id !== null ? `c${l.class_id}` : `g${l.group_id}`}`
}

export function parseLineKey(key: string): LineRef | null {
  const m = /^(\d{1,12})\.(\d{1,12})\.([cg])(\d{1,12})$/.exec(key)
  if (!m) return null
  const id = Number(m[4])
  return { teacher_id: Number(m[1]), subject_id: Number(m[2]), class_id: m[3] === 'c' ? id : null, group_id: m[3] === 'g' ? id : null }
}

const slotKey = (s: SlotLine) => `${s.weekday}.${s.lesson_number}.${lineKey(s)}`

/**
 * A save of the timetable from a date: slots valid from then on that are still wanted and open-ended are
 * kept; every other slot valid on or after the date is closed (valid_to = from − 1, never rewritten); wanted
 * lines not kept are opened from the date. History before the date is untouched.
 */
export function slotChanges(existing: readonly ExistingSlot[], wanted: readonly SlotLine[], from: string) {
  const want = new Set(wanted.map(slotKey))
  const kept = new Set<string>()
  const keep: number[] = []
  const close: ExistingSlot[] = []
  for (const e of existing) {
    if (e.valid_to !== null && e.valid_to < from) continue
    const k = slotKey(e)
    if (want.has(k) && !kept.has(k) && e.valid_from <= from && e.valid_to === null) { kept.add(k); keep.push(e.id) } else close.push(e)
  }
  const open: SlotLine[] = []
  const placed = new Set(kept)
  for (const w of wanted) {
    const k = slotKey(w)
    if (!placed.has(k)) { placed.add(k); open.push(w) }
  }
  return { keep, close, open, closeOn: addDays(from, -1) }
}

/**
 * The first day a new timetable may take effect: inside the year; and when it ends slots, not before
 * tomorrow, so that today's and past lessons stay as they were (a change for one day is a «change for a date»).
 */
export function validFromError(from: string, today: string, year: { starts_on: string; ends_on: string }, closesSlots: boolean): string | null {
  if (from < year.starts_on || from > year.ends_on) return t('timetable.grid.fromOutsideYear', { from: fmtDate(year.starts_on), to: fmtDate(year.ends_on) })
  if (closesSlots && from <= today) return t('timetable.grid.fromNotFuture', { date: fmtDate(addDays(today, 1)) })
  return null
}

// ---------------------------------------------------------------------------------------------------------
// Lesson instances and the dates of changes

export interface DateRange { starts_on: string; ends_on: string }

/**
 * The dates a slot is taught in [from, to]: inside the study periods of its grade (not in summer or between
 * periods), on its weekday, inside its validity, outside the grade's holidays.
 */
export function lessonDates(
  slot: { weekday: number; valid_from: string; valid_to: string | null },
  periods: readonly DateRange[], from: string, to: string, grade: number, holidays: HolidaySpan[],
): string[] {
  const out: string[] = []
  for (const p of periods) {
    const a = p.starts_on > from ? p.starts_on : from
    const b = p.ends_on < to ? p.ends_on : to
    if (a <= b) out.push(...slotDates(slot, a, b, grade, holidays))
  }
  return [...new Set(out)].sort()
}

/** Why a lesson may not be held on a date (a transfer or an extra lesson), or null. */
export function lessonDateError(date: string, year: DateRange, grade: number, holidays: HolidaySpan[]): string | null {
  if (date < year.starts_on || date > year.ends_on) return t('timetable.change.dateOutsideYear')
  if (weekday(date) === 7) return t('timetable.change.sunday')
  if (isHoliday(date, grade, holidays)) return t('timetable.change.holiday', { date: fmtDate(date) })
  return null
}

/** Monday … Saturday of the week containing the date. */
export function weekDates(date: string): string[] {
  const monday = addDays(date, 1 - weekday(date))
  return [0, 1, 2, 3, 4, 5].map((i) => addDays(monday, i))
}

/** The lesson numbers a timetable page shows: the year's bells, plus any number in use; 1–7 when no bells are set. */
export function shownNumbers(bells: readonly { number: number }[], used: Iterable<number>): number[] {
  const set = new Set<number>(bells.map((b) => b.number))
  if (!set.size) for (let n = 1; n <= 7; n++) set.add(n)
  for (const n of used) set.add(n)
  return [...set].sort((a, b) => a - b)
}

/** The date a new timetable takes effect unless the scheduler says otherwise: tomorrow, kept inside the year. */
export function defaultValidFrom(today: string, year: DateRange): string {
  const tomorrow = addDays(today, 1)
  if (tomorrow < year.starts_on) return year.starts_on
  return tomorrow > year.ends_on ? year.ends_on : tomorrow
}

/** Places per cell of the grid form: one, or enough for every subgroup of a split subject to share a lesson time. */
export function placesPerCell(groupsPerSubject: readonly number[], usedInCell: readonly number[]): number {
  const split = groupsPerSubject.some((n) => n > 0) ? Math.max(2, ...groupsPerSubject) : 1
  return Math.min(MAX_PLACES, Math.max(split, ...usedInCell, 1))
}
export const MAX_PLACES = 4

/** Lessons laid out by day (Monday–Saturday of the week) and lesson number, for the week pages. */
export function weekGrid<L extends { date: string; lessonNumber: number }>(dates: readonly string[], numbers: readonly number[], lessons: readonly L[]) {
  return dates.map((date) => ({
    date,
    weekday: weekday(date),
    cells: numbers.map((n) => lessons.filter((l) => l.date === date && l.lessonNumber === n)),
  }))
}
