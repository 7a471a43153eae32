// Pure rules of the class journal: what a teacher may write in a cell, and when (R-J-4..8).
import { addDays } from '../../lib/dates.js'

// ---------------------------------------------------------------- cells

/** One mark in a cell: '5', or a double mark '4/5' (dictation with a grammar task, essays) [002 §7.15]. */
export type MarkValue = string
export type CellError = 'badToken' | 'absentWithMarks' | 'tooManyMarks' | 'gradeOneNoMarks' | 'noMarkColumns'
export type Cell = { absent: boolean; marks: MarkValue[] }

const MARK = /^[1-5]$/
const DOUBLE = /^([1-5])\/([1-5])$/

/**
 * Reads what a teacher types in a student's cell, as on paper: «5», «4/5», «5 4» (one mark per kind of work,
 * in column order), «н». The key of «н» on the Russian layout is «y» on the Latin one, so «y» is read as «н».
 */
export function parseCell(input: string, opts: { columns: number; unmarked: boolean }): { ok: true; cell: Cell } | { ok: false; error: CellError } {
  const tokens = input.trim().toLowerCase().replace(/[,;]+/g, ' ').split(/\s+/).filter(Boolean)
  let absent = false
  const marks: MarkValue[] = []
  for (const tok of tokens) {
    if (tok === 'н' || tok === 'y' || tok === 'n') absent = true
    else if (MARK.test(tok)) marks.push(tok)
    else if (DOUBLE.test(tok.replace('\\', '/'))) marks.push(tok.replace('\\', '/'))
    else return { ok: false, error: 'badToken' }
  }
  if (absent && marks.length) return { ok: false, error: 'absentWithMarks' }
  if (marks.length && opts.unmarked) return { ok: false, error: 'gradeOneNoMarks' }
  if (marks.length && opts.columns === 0) return { ok: false, error: 'noMarkColumns' }
  if (marks.length > opts.columns) return { ok: false, error: 'tooManyMarks' }
  return { ok: true, cell: { absent, marks } }
}

/** The numbers a mark contributes to averages: '4/5' counts as two marks. */
export function markNumbers(value: MarkValue): number[] {
  return value.split('/').map(Number)
}

export function formatCell(cell: Cell): string {
  return cell.absent ? 'н' : cell.marks.join(' ')
}

// ---------------------------------------------------------------- deadlines

/** When marks of a kind of work must be in, counted from the lesson's date [002 §7.14; 001 App.1 §2.4]. */
export type Deadline = { kind: 'sameDay' } | { kind: 'nextLesson' } | { kind: 'days'; days: number }

export function parseDeadline(s: string): Deadline {
  if (s === 'same_day') return { kind: 'sameDay' }
  if (s === 'next_lesson') return { kind: 'nextLesson' }
  const m = /^days:(\d{1,2})$/.exec(s)
  if (m) return { kind: 'days', days: Number(m[1]) }
  throw new Error(`bad deadline rule: ${s}`)
}

/**
 * The last date on which a mark of this kind may still be entered without the deputy's approval.
 * "By the next lesson" with no next lesson yet falls back to the default week.
 */
export function lastEntryDate(lessonDate: string, rule: Deadline, nextLessonDate: string | null, defaultDays = 7): string {
  if (rule.kind === 'sameDay') return lessonDate
  if (rule.kind === 'nextLesson') return nextLessonDate ?? addDays(lessonDate, defaultDays)
  return addDays(lessonDate, rule.days)
}

export type EntryCheck =
  | { ok: true }
  | { ok: false; reason: 'future' }
  | { ok: false; reason: 'late'; deadline: string }

/** Marks and absences may not be entered for future lessons, nor after the deadline of their kind of work. */
export function checkEntryTime(today: string, lessonDate: string, deadline: string | null): EntryCheck {
  if (lessonDate > today) return { ok: false, reason: 'future' }
  if (deadline !== null && today > deadline) return { ok: false, reason: 'late', deadline }
  return { ok: true }
}

// ---------------------------------------------------------------- unsatisfactory marks

export function isUnsatisfactory(value: MarkValue): boolean {
  return markNumbers(value).some((n) => n <= 2)
}

/** No 1 or 2 during the adaptation period (by default 01.09–15.09 inclusive) [002 §7.14]. */
export function inAdaptation(lessonDate: string, yearStart: string, adaptationEnd: string | null): boolean {
  return adaptationEnd !== null && lessonDate >= yearStart && lessonDate <= adaptationEnd
}

export type Warning = 'afterAbsences' | 'afterHolidays'

/**
 * A 1 or 2 is "not recommended" — a warning the teacher confirms, not a block — on the first lessons after
 * 3+ missed lessons, or right after the holidays [002 §7.14].
 * @param missedBefore how many of this student's lessons of this subject right before this one were missed in a row
 * @param firstAfterHolidays whether this lesson is the class's first lesson of the subject after a holiday
 */
export function lowMarkWarnings(value: MarkValue, missedBefore: number, firstAfterHolidays: boolean): Warning[] {
  if (!isUnsatisfactory(value)) return []
  const w: Warning[] = []
  if (missedBefore >= 3) w.push('afterAbsences')
  if (firstAfterHolidays) w.push('afterHolidays')
  return w
}

// ---------------------------------------------------------------- absences

/**
 * Whether «н» may be put for this student in this lesson: not on distance lessons [002 §8.1], not on
 * extracurricular ones [002 §7.13], not in PE while the student is exempt [002 §7.14].
 */
export type AbsenceBlock = 'distance' | 'extracurricular' | 'peExempt'
export function absenceBlocked(l: { distance: boolean; extracurricular: boolean; isPe: boolean; date: string }, peExemptUntil: string | null): AbsenceBlock | null {
  if (l.extracurricular) return 'extracurricular'
  if (l.distance) return 'distance'
  if (l.isPe && peExemptUntil !== null && l.date <= peExemptUntil) return 'peExempt'
  return null
}

// ---------------------------------------------------------------- coverage and timeliness

/**
 * Homework is on time when entered on the lesson's day and no later than the set time after the class's
 * last lesson of that day (2 hours [001 App.1 §2.2], 1 hour [002 §9.5]: a school setting).
 */
export function homeworkOnTime(enteredAt: Date, lessonDate: string, lastLessonEnds: string, graceMinutes: number): boolean {
  const [h, m] = lastLessonEnds.split(':').map(Number)
  const [y, mo, d] = lessonDate.split('-').map(Number)
  const limit = new Date(y, mo - 1, d, h, m + graceMinutes)
  return enteredAt.getTime() <= limit.getTime()
}

/** Lessons since the student's last mark (the page shows who has gone longest without one) [002 §7.14]. */
export function lessonsWithoutMark(lessonHasMark: boolean[]): number {
  let n = 0
  for (let i = lessonHasMark.length - 1; i >= 0 && !lessonHasMark[i]; i--) n++
  return n
}

/** Every student should be assessed at least once in every 3–4 lessons. */
export const MAX_LESSONS_WITHOUT_MARK = 4
/** A quarter's marks should number at least 25 % of its lessons. */
export const MIN_MARKS_SHARE = 0.25
