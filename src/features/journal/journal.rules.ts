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

// ---------------------------------------------------------------- the lesson form (R-J-1,2,4..6)

/** The period a page opens on: the one asked for, else the one containing today, else the last begun, else the first. */
export function choosePeriod<P extends { id: number; starts_on: string; ends_on: string }>(periods: P[], asked: number | null, day: string): P | null {
  return periods.find((p) => p.id === asked)
    ?? periods.find((p) => p.starts_on <= day && day <= p.ends_on)
    ?? [...periods].reverse().find((p) => p.starts_on <= day)
    ?? periods[0] ?? null
}

/** A student's cell by mark column: marks[0] is column 1; null is an empty column before a filled one. */
export type Entry = { absent: boolean; marks: (MarkValue | null)[] }
export const EMPTY_ENTRY: Entry = { absent: false, marks: [] }

const PLACEHOLDER = /^[-–—_]$/
const ABSENT = /^[нyn]$/

/**
 * parseCell with column positions: «5 4» fills columns 1 and 2, «- 4» only column 2 (a dash keeps a column
 * empty, as a teacher leaves a box blank on paper).
 */
export function parseEntry(input: string, opts: { columns: number; unmarked: boolean }): { ok: true; entry: Entry } | { ok: false; error: CellError } {
  const tokens = input.trim().toLowerCase().replace(/[,;]+/g, ' ').split(/\s+/).filter(Boolean)
  const real = tokens.filter((t) => !PLACEHOLDER.test(t))
  const r = parseCell(real.join(' '), opts)
  if (!r.ok) return r
  const normalized = [...r.cell.marks]
  const marks: (MarkValue | null)[] = []
  if (!r.cell.absent) for (const tok of tokens) if (!ABSENT.test(tok)) marks.push(PLACEHOLDER.test(tok) ? null : normalized.shift()!)
  while (marks.length && marks[marks.length - 1] === null) marks.pop()
  if (marks.length > opts.columns) return { ok: false, error: 'tooManyMarks' }
  return { ok: true, entry: { absent: r.cell.absent, marks } }
}

/** A stored cell (its «н» and its marks by column number) as an Entry. */
export function entryFrom(absent: boolean, marks: { column: number; value: MarkValue }[]): Entry {
  const width = Math.max(0, ...marks.map((m) => m.column))
  const out: (MarkValue | null)[] = Array.from({ length: width }, () => null)
  for (const m of marks) out[m.column - 1] = m.value
  return { absent, marks: out }
}

/** The text of a stored cell as the form shows it again: «н», «5 4», «- 4». */
export function formatEntry(e: Entry): string {
  if (e.absent) return 'н'
  const marks = [...e.marks]
  while (marks.length && marks[marks.length - 1] === null) marks.pop()
  return marks.map((m) => m ?? '-').join(' ')
}

/** Lessons missed in a row right before this one (flags in lesson order, oldest first). */
export function missedInRow(absentFlags: boolean[]): number {
  return lessonsWithoutMark(absentFlags.map((a) => !a))
}

/** Whether holidays of the class's grade fall between the previous lesson of the page and this one. */
export function isFirstAfterHolidays(lessonDate: string, prevLessonDate: string | null, holidays: { starts_on: string; ends_on: string }[]): boolean {
  if (prevLessonDate === null) return false
  return holidays.some((h) => h.starts_on > prevLessonDate && h.ends_on < lessonDate)
}

/**
 * The КТП topic a new lesson takes by default: the first, in plan order, not yet taught for all its hours
 * on this page [002 §6].
 */
export function nextPlanTopic(topics: { id: number; number: number; hours: number }[], used: Map<number, number>): number | null {
  const sorted = [...topics].sort((a, b) => a.number - b.number)
  return sorted.find((t) => (used.get(t.id) ?? 0) < Math.max(1, t.hours))?.id ?? null
}

/** What the checks of a submitted lesson need to know about the lesson (all dates ISO). */
export interface LessonFacts {
  today: string
  date: string
  grade: number
  isPe: boolean
  distance: boolean
  extracurricular: boolean
  /** Distance or extracurricular was switched in this submit: unchanged cells are checked again. */
  flagsChanged: boolean
  yearStart: string
  adaptationEnd: string | null
  firstAfterHolidays: boolean
  /** An approved, unexpired late-entry permission of the deputy exists for this lesson. */
  hasApproval: boolean
}

/**
 * A mark column of the submitted lesson: its kind of work, the last date for its marks, whether its kind
 * changed. A column taken away in this submit keeps its old kind (removed), so clearing its marks is checked too.
 */
export interface ColumnFacts { kindName: string; lastDate: string; kindChanged: boolean; removed: boolean }

export interface CellInput {
  studentId: number
  raw: string
  old: Entry
  peExemptUntil: string | null
  /** Lessons of this page the student missed in a row right before this one. */
  missedBefore: number
}

export type CellProblem =
  | { rule: 'parse'; error: CellError }
  | { rule: 'future' }
  | { rule: 'late'; column: number; kindName: string; deadline: string }
  | { rule: 'adaptation'; until: string }
  | { rule: 'absence'; block: AbsenceBlock; until: string | null }
  | { rule: 'extracurricularMarks' }

/** One changed value of a cell: column 0 is the «н». */
export interface CellChange { studentId: number; column: number; oldValue: string | null; newValue: string | null; late: boolean }

export interface CellsCheck {
  entries: Map<number, Entry>
  problems: Map<number, CellProblem[]>
  warnings: Map<number, Warning[]>
  changes: CellChange[]
  /** A change after the deadline was let through by the deputy's approval (which is then used up). */
  usesApproval: boolean
}

function markAt(e: Entry, col: number): MarkValue | null {
  return e.marks[col - 1] ?? null
}

/**
 * Checks every student's cell of a lesson submit against the rules of R-J-4..6, looking only at what changed
 * (an old mark left as it is is not refused again): parse errors, nothing for a future lesson, no change of a
 * mark after its kind's deadline without the deputy's approval, no 1 or 2 in the adaptation period, no «н»
 * where it is not put, no marks on an extracurricular lesson; warnings for a 1 or 2 after absences or holidays.
 */
export function checkCells(f: LessonFacts, columns: ColumnFacts[], cells: CellInput[]): CellsCheck {
  const out: CellsCheck = { entries: new Map(), problems: new Map(), warnings: new Map(), changes: [], usesApproval: false }
  const unmarked = f.grade === 1
  const kept = columns.filter((c) => !c.removed).length
  for (const c of cells) {
    const parsed = parseEntry(c.raw, { columns: kept, unmarked })
    if (!parsed.ok) { out.problems.set(c.studentId, [{ rule: 'parse', error: parsed.error }]); continue }
    const e = parsed.entry
    out.entries.set(c.studentId, e)
    const problems: CellProblem[] = []
    const warnings = new Set<Warning>()
    const changes: CellChange[] = []
    if (e.absent !== c.old.absent) changes.push({ studentId: c.studentId, column: 0, oldValue: c.old.absent ? 'н' : null, newValue: e.absent ? 'н' : null, late: false })
    const width = Math.max(e.marks.length, c.old.marks.length, columns.length)
    const touchedCols: number[] = []
    for (let col = 1; col <= width; col++) {
      const before = markAt(c.old, col)
      const after = markAt(e, col)
      if (before !== after) {
        changes.push({ studentId: c.studentId, column: col, oldValue: before, newValue: after, late: false })
        touchedCols.push(col)
      } else if (after !== null && columns[col - 1]?.kindChanged) touchedCols.push(col)
    }
    if (changes.length && f.date > f.today) problems.push({ rule: 'future' })
    else {
      if (e.absent && (e.absent !== c.old.absent || f.flagsChanged)) {
        const block = absenceBlocked({ distance: f.distance, extracurricular: f.extracurricular, isPe: f.isPe, date: f.date }, c.peExemptUntil)
        if (block) problems.push({ rule: 'absence', block, until: block === 'peExempt' ? c.peExemptUntil : null })
      }
      if (f.extracurricular && e.marks.some((m) => m !== null) && (touchedCols.length || f.flagsChanged)) problems.push({ rule: 'extracurricularMarks' })
      for (const col of touchedCols) {
        const after = markAt(e, col)
        const column = columns[col - 1]
        if (after !== null && isUnsatisfactory(after) && inAdaptation(f.date, f.yearStart, f.adaptationEnd)) {
          problems.push({ rule: 'adaptation', until: f.adaptationEnd! })
        }
        if (column && checkEntryTime(f.today, f.date, column.lastDate).ok === false) {
          if (f.hasApproval) {
            out.usesApproval = true
            changes.filter((ch) => ch.column === col).forEach((ch) => { ch.late = true })
          } else problems.push({ rule: 'late', column: col, kindName: column.kindName, deadline: column.lastDate })
        }
        if (after !== null && markAt(c.old, col) !== after) for (const w of lowMarkWarnings(after, c.missedBefore, f.firstAfterHolidays)) warnings.add(w)
      }
    }
    if (problems.length) out.problems.set(c.studentId, problems)
    if (warnings.size) out.warnings.set(c.studentId, [...warnings])
    out.changes.push(...changes)
  }
  return out
}
