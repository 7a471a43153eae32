// Pure figures of the journal-keeping control report (R-REP-1; R-J-7, R-J-8): what a held lesson lacks, and how
// the lessons and students of a row add up to the counts and percentages the deputy checks every week.
import { homeworkOnTime, MAX_LESSONS_WITHOUT_MARK } from '../journal/journal.rules.js'
import { pct } from './report.js'

// ---------------------------------------------------------------------------------------------- drill-down

/** What a drill-down lists: every lesson held, or those falling short of one figure. */
export const METRICS = ['held', 'no_topic', 'no_homework', 'homework_late', 'marks_late', 'no_attendance'] as const
export type Metric = (typeof METRICS)[number]
/** The shortfalls a lesson can have (every metric but 'held'). */
export type Shortfall = Exclude<Metric, 'held'>

/** ?metric=…: empty means every lesson held; an unknown value is null. */
export function parseMetric(raw: string): Metric | null {
  if (raw === '') return 'held'
  return (METRICS as readonly string[]).includes(raw) ? (raw as Metric) : null
}

/**
 * Which lessons a drill-down shows, as the report's own narrowing: a class's own lessons (c), a group's (g), or
 * a class with all its subgroups (k). The main report writes these into its links; anything else is null.
 */
export type PageRef = { kind: 'class' | 'group' | 'classAll'; id: number }

export function parsePageRef(raw: string): PageRef | null | undefined {
  if (raw === '') return undefined
  const m = /^([cgk])([1-9]\d{0,9})$/.exec(raw)
  if (!m) return null
  return { kind: m[1] === 'c' ? 'class' : m[1] === 'g' ? 'group' : 'classAll', id: Number(m[2]) }
}

export function pageRefParam(p: PageRef): string {
  return `${p.kind === 'class' ? 'c' : p.kind === 'group' ? 'g' : 'k'}${p.id}`
}

// ---------------------------------------------------------------------------------------------- one lesson

/** What the report reads about a held lesson. */
export interface LessonInput {
  date: string
  hasTopic: boolean
  hasHomework: boolean
  /** When the homework was written (ISO timestamp), null when unknown. */
  homeworkAt: string | null
  /** The lesson's entry was saved in the journal at least once. */
  saved: boolean
  hasAbsence: boolean
  distance: boolean
  extracurricular: boolean
  /** A grade-1 class: no marks at all [R-J-4]. */
  unmarked: boolean
  /** The end (HH:MM) of the class's last lesson that day: homework is due within the grace time after it. */
  dayEnds: string
}

export interface LessonFacts {
  topic: boolean
  /** Homework is expected of every held lesson except an extracurricular one. */
  homeworkDue: boolean
  homework: boolean
  homeworkOnTime: boolean
  /** «н» may be put: not on distance and extracurricular lessons [002 §7.13, §8.1]. */
  attendanceDue: boolean
  attendance: boolean
  marksDue: boolean
  marks: number
  lateMarks: number
}

/**
 * The facts of a held lesson. The journal keeps only the «н»s, so a lesson where everyone was present looks
 * like one where nobody took the register: attendance counts as recorded when the lesson has an «н» or its
 * entry (whose form holds the «н» column) was saved — the most honest reading the data allows.
 */
export function lessonFacts(l: LessonInput, graceMinutes: number, marks: number, lateMarks: number): LessonFacts {
  const homeworkDue = !l.extracurricular
  const attendanceDue = !l.distance && !l.extracurricular
  const marksDue = !l.extracurricular && !l.unmarked
  return {
    topic: l.hasTopic,
    homeworkDue,
    homework: homeworkDue && l.hasHomework,
    homeworkOnTime: homeworkDue && l.hasHomework && l.homeworkAt !== null && homeworkOnTime(new Date(l.homeworkAt), l.date, l.dayEnds, graceMinutes),
    attendanceDue,
    attendance: attendanceDue && (l.hasAbsence || l.saved),
    marksDue,
    marks: marksDue ? marks : 0,
    lateMarks: marksDue ? lateMarks : 0,
  }
}

/** The shortfalls of a lesson, in the order the drill-down names them. */
export function shortfalls(f: LessonFacts): Shortfall[] {
  const out: Shortfall[] = []
  if (!f.topic) out.push('no_topic')
  if (f.homeworkDue && !f.homework) out.push('no_homework')
  if (f.homework && !f.homeworkOnTime) out.push('homework_late')
  if (f.lateMarks > 0) out.push('marks_late')
  if (f.attendanceDue && !f.attendance) out.push('no_attendance')
  return out
}

export function matchesMetric(metric: Metric, f: LessonFacts): boolean {
  return metric === 'held' || shortfalls(f).includes(metric)
}

/**
 * The start of the day after a date in the school's time, as an ISO instant like the marks' stamps: a mark stamped
 * at or after the start of the day after the last day its kind of work allows (lastEntryDate) is late [R-J-6].
 */
export function startOfDayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y, m - 1, d + 1).toISOString()
}

/**
 * The date of the next lesson of the same page for each lesson of a list in journal order (date, lesson number),
 * null for a page's last: "by the next lesson" deadlines count from it [R-J-6].
 */
export function nextOfPage(lessons: readonly { page: string; date: string }[]): (string | null)[] {
  const out: (string | null)[] = new Array(lessons.length).fill(null)
  const later = new Map<string, string>()
  for (let i = lessons.length - 1; i >= 0; i--) {
    out[i] = later.get(lessons[i].page) ?? null
    later.set(lessons[i].page, lessons[i].date)
  }
  return out
}

/** The end of the last lesson of a day: its bell, else the last bell of the day, else the end of the day. */
export function lessonEnds(bells: ReadonlyMap<number, string>, lessonNumber: number): string {
  const own = bells.get(lessonNumber)
  if (own) return own
  const earlier = [...bells.keys()].filter((n) => n < lessonNumber).sort((a, b) => b - a)[0]
  return earlier !== undefined ? bells.get(earlier)! : '23:59'
}

// ---------------------------------------------------------------------------------------------- lessons of a row

export interface Tally {
  held: number
  topic: number
  homeworkDue: number
  homework: number
  homeworkOnTime: number
  attendanceDue: number
  attendance: number
  marks: number
  lateMarks: number
  /** Held lessons where marks may be given. */
  marksDue: number
}

export function emptyTally(): Tally {
  return { held: 0, topic: 0, homeworkDue: 0, homework: 0, homeworkOnTime: 0, attendanceDue: 0, attendance: 0, marks: 0, lateMarks: 0, marksDue: 0 }
}

export function addFacts(t: Tally, f: LessonFacts): void {
  t.held++
  if (f.topic) t.topic++
  if (f.homeworkDue) t.homeworkDue++
  if (f.homework) t.homework++
  if (f.homeworkOnTime) t.homeworkOnTime++
  if (f.attendanceDue) t.attendanceDue++
  if (f.attendance) t.attendance++
  if (f.marksDue) t.marksDue++
  t.marks += f.marks
  t.lateMarks += f.lateMarks
}

export function addTally(into: Tally, t: Tally): void {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += t[k]
}

export interface LessonFigures {
  held: number
  /** Shares of the lessons that should have them; null (shown «—») when none should. */
  topic: number | null
  homework: number | null
  homeworkOnTime: number | null
  /** Share of the marks entered by their kind of work's deadline. */
  marksOnTime: number | null
  attendance: number | null
}

export function lessonFigures(t: Tally): LessonFigures {
  return {
    held: t.held,
    topic: pct(t.topic, t.held),
    homework: pct(t.homework, t.homeworkDue),
    homeworkOnTime: pct(t.homeworkOnTime, t.homeworkDue),
    marksOnTime: pct(t.marks - t.lateMarks, t.marks),
    attendance: pct(t.attendance, t.attendanceDue),
  }
}

// ---------------------------------------------------------------------------------------------- students of a row

export interface Span { from: string; to: string }

/** A student of a row: when they belonged to the page, how many marks they got there, and in which lesson the last. */
export interface StudentMarks {
  id: number
  spans: readonly Span[]
  marks: number
  /** Index (in the row's lessons) of the last lesson with a mark of theirs; -1 when none. */
  last: number
}

/** Who is counted, and who falls short, among the students of a row (sets, so that a class can join its pages). */
export interface StudentTally {
  /** Students who belonged to the page on at least one of the lessons. */
  students: Set<number>
  none: Set<number>
  one: Set<number>
  /** Whose last MAX_LESSONS_WITHOUT_MARK or more lessons passed without a mark (by the range's end). */
  stale: Set<number>
  marks: number
  studentLessons: number
}

export function emptyStudentTally(): StudentTally {
  return { students: new Set(), none: new Set(), one: new Set(), stale: new Set(), marks: 0, studentLessons: 0 }
}

/** The number of sorted dates within [from, to]: the first index after `to` less the first index at `from`. */
function firstIndex(dates: readonly string[], date: string, after: boolean): number {
  let lo = 0, hi = dates.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (dates[mid] < date || (after && dates[mid] === date)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The students of a page from its lessons where marks are given (dates in the order held): who has no mark, who
 * only one, who has gone 4+ lessons without one, and the marks per student-lesson [R-J-8; 002 §7.14]. A student
 * counts for the lessons while they belonged to the page.
 */
export function studentTally(lessonDates: readonly string[], students: readonly StudentMarks[]): StudentTally {
  const out = emptyStudentTally()
  for (const s of students) {
    let present = 0
    let since = 0
    for (const span of s.spans) {
      const from = firstIndex(lessonDates, span.from, false)
      const to = firstIndex(lessonDates, span.to, true)
      if (to <= from) continue
      present += to - from
      since += to - Math.max(from, s.last + 1) > 0 ? to - Math.max(from, s.last + 1) : 0
    }
    if (!present) continue
    out.students.add(s.id)
    out.studentLessons += present
    out.marks += s.marks
    if (s.marks === 0) out.none.add(s.id)
    if (s.marks === 1) out.one.add(s.id)
    if (since >= MAX_LESSONS_WITHOUT_MARK) out.stale.add(s.id)
  }
  return out
}

/** A class's students over its pages: a student short in any subject counts once. */
export function addStudentTally(into: StudentTally, t: StudentTally): void {
  for (const k of ['students', 'none', 'one', 'stale'] as const) t[k].forEach((id) => into[k].add(id))
  into.marks += t.marks
  into.studentLessons += t.studentLessons
}

export interface StudentFigures {
  students: number
  none: number
  one: number
  /** Marks as a share of student-lessons: R-J-8 asks for at least 25 %. */
  marksShare: number | null
  stale: number
}

export function studentFigures(t: StudentTally): StudentFigures {
  return { students: t.students.size, none: t.none.size, one: t.one.size, marksShare: pct(t.marks, t.studentLessons), stale: t.stale.size }
}
