// Pure rules of the weekly report for families without internet: who prints it, whose pages, and how one
// student's week becomes one A4 sheet — rows per subject, averages, comments, and how dense to print (R-ARC-1).
import type { AbsenceReason, Channel, Role } from '../../db/types.js'
import { weightedMean } from '../finals/finals.rules.js'
import { fmtMean } from '../diary/diary.rules.js'
import { addTo, emptyTotals, seesAllClasses, type Totals, type Week } from '../attendance/attendance.rules.js'

/** The part of the current user the rules look at. */
export interface Viewer { roles: readonly Role[]; classTeacherOf: readonly number[] }

/**
 * Who prints a class's weekly reports: its class teacher [002 §9.4], and the administration for any class
 * (a class without a class teacher, or one who is away, still gets its paper). Nobody else, families never.
 */
export function mayPrintWeekly(v: Viewer, classId: number): boolean {
  return v.classTeacherOf.includes(classId) || seesAllClasses(v)
}

export type Who = 'all' | 'paper' | 'student'
export const WHO: readonly Who[] = ['all', 'paper', 'student']

export function parseWho(s: string): Who | null {
  return (WHO as readonly string[]).includes(s) ? (s as Who) : null
}

/** The preview opens on the «paper» families when the class has any: they are who the report is for. */
export function defaultWho(channels: readonly Channel[]): Who {
  return channels.includes('paper') ? 'paper' : 'all'
}

/** The students whose pages are printed, in the roster's order; a student not in the roster selects nobody. */
export function selectStudents<T extends { studentId: number; channel: Channel }>(roster: readonly T[], who: Who, studentId: number | null): T[] {
  if (who === 'all') return [...roster]
  if (who === 'paper') return roster.filter((s) => s.channel === 'paper')
  return roster.filter((s) => s.studentId === studentId)
}

/** The registry key of a printout: printing the same selection again supersedes the earlier issue. */
export function weeklySubjectKey(classId: number, monday: string, who: Who, studentId: number | null): string {
  return `weekly:class:${classId}:${monday}:${who === 'student' ? `student:${studentId}` : who}`
}

/** The last day the report covers: Saturday when the class had lessons on it, else Friday (a five-day week). */
export function lastDay(week: Week, lessonDates: readonly string[]): string {
  return lessonDates.includes(week.saturday) ? week.saturday : week.days[4]
}

export interface PeriodLike { id: number; number: number; starts_on: string; ends_on: string }

/**
 * The period whose averages the report shows: the one the week's last day falls in, else the one its Monday
 * falls in, else (a week of holidays) the last period that has begun. Averages count up to the week's end.
 */
export function periodOfWeek<P extends PeriodLike>(periods: readonly P[], monday: string, end: string): P | null {
  const inside = (d: string) => periods.find((p) => p.starts_on <= d && d <= p.ends_on)
  return inside(end) ?? inside(monday) ?? [...periods].reverse().find((p) => p.starts_on <= end) ?? null
}

// ---------------------------------------------------------------------------------------------------------
// One student's sheet

/** What the sheet reads of a lesson of the student's week: the diary's lesson (diaryWeek) fits it as it is. */
export interface StudentLesson {
  date: string
  number: number
  subject: string
  change: 'cancelled' | 'moved' | 'transfer' | 'extra' | null
  homework: string
  individualHomework: string | null
  marks: readonly { column: number; value: string; kind: string | null }[]
  absence: { reason: AbsenceReason | null } | null
}

/** A mark entered this week for a lesson of an earlier week (a test checked later), with its subject. */
export interface LateMark { date: string; column: number; value: string; kind: string | null; subject: string }

export interface StudentWeekInput {
  studentId: number
  /** The student's lessons of the week, in timetable order (the diary's days, one after another). */
  lessons: readonly StudentLesson[]
  lateMarks: readonly LateMark[]
}

export interface PeriodMark { studentId: number; subject: string; value: string; weight: number }
export interface Correction {
  studentId: number; date: string; subject: string; column: number
  oldValue: string; newValue: string | null; reason: string; at: string
}

/** What the whole class's sheets share: the period's marks so far, the corrections, the subjects' order. */
export interface ClassData {
  periodMarks: readonly PeriodMark[]
  corrections: readonly Correction[]
  /** The school's order of subjects (subjects.sort_order), by name. */
  subjectOrder: ReadonlyMap<string, number>
}

export interface SheetRow {
  subject: string
  /** late: entered this week for a lesson of an earlier week. */
  marks: { date: string; value: string; kind: string | null; late: boolean }[]
  absences: { date: string; number: number; reason: AbsenceReason | null }[]
  homework: { date: string; text: string; individual: boolean }[]
  /** The period's weighted mean, «4,50», or '' without marks. */
  average: string
}

export interface Comment { date: string; subject: string; oldValue: string; newValue: string | null; reason: string }

export type Density = 0 | 1 | 2

export interface Sheet {
  studentId: number
  rows: SheetRow[]
  absences: Totals
  comments: Comment[]
  density: Density
  /** The length of a printed day («пн 16.11»), for the estimate of the page's height. */
  dayChars: number
}

/**
 * The teacher's own words of a mark correction: the journal appends the late-entry permission number to
 * the reason («…; разрешение № 12»), which means nothing to a family.
 */
export function teacherReason(reason: string): string {
  return reason.replace(/(^|;\s*)разрешение № \d+\s*$/u, '').replace(/;\s*$/, '').trim()
}

/** Whether a lesson of the diary was held: a cancelled lesson, or the old place of a moved one, was not. */
export function held(l: Pick<StudentLesson, 'change'>): boolean {
  return l.change !== 'cancelled' && l.change !== 'moved'
}

/**
 * One student's week by subject, as a parent reads it: the marks with their kind of work and date (marks
 * entered this week for earlier lessons too), the «н» with its reason, the homework (the class's and the
 * student's own), and the period's weighted mean so far. Only held lessons count. Comments are the teachers'
 * reasons for correcting marks: the journal records no other comment addressed to families.
 */
export function buildSheet(s: StudentWeekInput, d: ClassData, dayChars = 8): Sheet {
  const rows = new Map<string, SheetRow>()
  const row = (subject: string) => {
    let r = rows.get(subject)
    if (!r) { r = { subject, marks: [], absences: [], homework: [], average: '' }; rows.set(subject, r) }
    return r
  }
  for (const m of s.lateMarks) row(m.subject).marks.push({ date: m.date, value: m.value, kind: m.kind, late: true })
  const totals = emptyTotals()
  const lessons = s.lessons.filter(held).sort((a, b) => a.date.localeCompare(b.date) || a.number - b.number)
  for (const l of lessons) {
    const r = row(l.subject)
    for (const m of [...l.marks].sort((a, b) => a.column - b.column)) r.marks.push({ date: l.date, value: m.value, kind: m.kind, late: false })
    if (l.absence) { r.absences.push({ date: l.date, number: l.number, reason: l.absence.reason }); addTo(totals, l.absence.reason) }
    const text = l.homework.trim()
    // Two lessons of a subject on one day often carry the same homework: print it once.
    if (text && !r.homework.some((h) => h.date === l.date && h.text === text && !h.individual)) r.homework.push({ date: l.date, text, individual: false })
    const own = l.individualHomework?.trim()
    if (own) r.homework.push({ date: l.date, text: own, individual: true })
  }
  const period = d.periodMarks.filter((m) => m.studentId === s.studentId)
  for (const m of period) row(m.subject)
  for (const [subject, r] of rows) {
    r.average = fmtMean(weightedMean(period.filter((m) => m.subject === subject).map((m) => ({ value: m.value, weight: m.weight }))))
  }
  const comments = d.corrections.filter((c) => c.studentId === s.studentId && c.column > 0 && teacherReason(c.reason) !== '')
    .sort((a, b) => a.date.localeCompare(b.date) || a.at.localeCompare(b.at))
    .map((c) => ({ date: c.date, subject: c.subject, oldValue: c.oldValue, newValue: c.newValue, reason: teacherReason(c.reason) }))
  const order = (subject: string) => d.subjectOrder.get(subject) ?? Number.MAX_SAFE_INTEGER
  const sorted = [...rows.values()].sort((a, b) => order(a.subject) - order(b.subject) || a.subject.localeCompare(b.subject, 'ru'))
  return truncateToFit({ studentId: s.studentId, rows: sorted, absences: totals, comments, density: densityFor(sorted, comments, dayChars), dayChars })
}

// ---------------------------------------------------------------------------------------------------------
// Fitting one page

/**
 * The page's geometry, in millimetres, as the template draws it (views/weekly/_style.eta): the widths of the
 * text in the columns that wrap, the type size and leading of the table at each density, and the height the
 * table's rows may take once the heading, the summary, the signatures and the registry stamp have their place.
 * An average character of Russian text with digits takes about 0.47 em in Liberation Serif; 0.5 errs safe.
 */
const PT = 0.3528
const TYPE: Record<Density, { size: number; mark: number; leading: number; padding: number }> = {
  0: { size: 10.5, mark: 13, leading: 1.25, padding: 0.9 },
  1: { size: 9.5, mark: 11.5, leading: 1.25, padding: 0.7 },
  2: { size: 8.5, mark: 10.5, leading: 1.2, padding: 0.53 },
}
const TEXT_MM = { subject: 32, marks: 52, homework: 74 }
const EM = 0.44
/** The gap between two entries of a cell (1.5 pt), and the height the rows may take. */
const GAP_MM = 0.53
const BODY_MM = 180
/** A comment line is as wide as the page, in 10 pt type. */
const COMMENT_CHARS = 100

function charsPerLine(widthMm: number, d: Density): number {
  return Math.floor(widthMm / (EM * TYPE[d].size * PT))
}

const linesOf = (text: string, perLine: number) => Math.max(1, Math.ceil(text.length / perLine))

/**
 * The height, in millimetres, that a sheet's table rows and comments take at a density. Marks and absences
 * are an entry each; homework is an entry per lesson, and at the smallest density runs on in one paragraph.
 */
export function estimateHeight(rows: readonly SheetRow[], comments: readonly Comment[], d: Density, dayChars = 8): number {
  const day = 'x'.repeat(dayChars)
  const { size, mark, leading, padding } = TYPE[d]
  const line = size * leading * PT
  const markLine = mark * leading * PT
  const marksChars = charsPerLine(TEXT_MM.marks, d)
  const hwChars = charsPerLine(TEXT_MM.homework, d)
  const hwText = (h: SheetRow['homework'][number]) => `${day}: ${h.individual ? 'индивидуально: ' : ''}${h.text}`
  let mm = 0
  for (const r of rows) {
    // A mark is set larger than the text: the first line of its entry is taller.
    const marks = r.marks.reduce((n, m) => n + markLine + (linesOf(`5 ${m.kind ?? ''}, ${day}${m.late ? ' (выставлена на этой неделе)' : ''}`, marksChars) - 1) * line + GAP_MM, 0)
      + r.absences.length * (line + GAP_MM)
    const homework = d === 2
      ? linesOf(r.homework.map(hwText).join('; '), hwChars) * line
      : r.homework.reduce((n, h) => n + linesOf(hwText(h), hwChars) * line + GAP_MM, 0)
    const subject = linesOf(r.subject, charsPerLine(TEXT_MM.subject, d) - 2) * line
    mm += Math.max(subject, marks, homework, markLine) + 2 * padding + 0.3
  }
  if (comments.length) mm += 9 + comments.reduce((n, c) => n + linesOf(`${c.subject}, ${day}: отметка 0 исправлена на 0 — ${c.reason}`, COMMENT_CHARS) * 4.6, 0)
  return mm
}

/** The largest type at which the sheet fits one page; the smallest when nothing fits (see truncateToFit). */
export function densityFor(rows: readonly SheetRow[], comments: readonly Comment[], dayChars = 8): Density {
  for (const d of [0, 1, 2] as const) if (estimateHeight(rows, comments, d, dayChars) <= BODY_MM) return d
  return 2
}

/**
 * A week that does not fit even in the smallest type is, in practice, pasted-in homework: the longest
 * homework texts are cut («…») until the page fits; marks, absences and averages are never cut.
 */
export function truncateToFit(sheet: Sheet, budget = BODY_MM): Sheet {
  if (estimateHeight(sheet.rows, sheet.comments, 2, sheet.dayChars) <= budget) return sheet
  const rows = sheet.rows.map((r) => ({ ...r, homework: r.homework.map((h) => ({ ...h })) }))
  const all = rows.flatMap((r) => r.homework)
  for (let limit = 400; limit >= 20; limit -= 10) {
    for (const h of all) if (h.text.length > limit) h.text = h.text.slice(0, limit - 1).trimEnd() + '…'
    if (estimateHeight(rows, sheet.comments, 2, sheet.dayChars) <= budget) break
  }
  return { ...sheet, rows, density: 2 }
}

/**
 * One step denser: the fallback when the rendered PDF still has more pages than students (the estimate was
 * wrong for some page). Smaller type first; at the smallest, homework is cut to a tighter budget.
 */
export function denser(sheet: Sheet): Sheet {
  return sheet.density < 2 ? { ...sheet, density: (sheet.density + 1) as Density } : truncateToFit(sheet, BODY_MM * 0.85)
}
