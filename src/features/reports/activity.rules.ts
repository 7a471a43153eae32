// Pure rules of the monthly activity report (R-REP-2): what counts as journal work, which weeks a family is
// expected to confirm, when an account counted, and the per-class tallies of students and families.
import type { Channel } from '../../db/types.js'
import { addDays, localDate, mondayOf } from '../../lib/dates.js'
import { schoolDays, type HolidaySpan } from '../timetable/timetable.rules.js'

/** The audit actions that are a teacher's work in the journal: lessons, attendance, the КТП, final marks, files. */
const JOURNAL_WORK = ['journal.', 'attendance.', 'plan.', 'finals.', 'files.']

/**
 * Whether an audited action is journal work. The administration's decisions on the same pages (approving a late
 * entry, a correction of a final mark) are not a teacher's entry, even when the deputy also teaches.
 */
export function isJournalWork(action: string): boolean {
  if (!JOURNAL_WORK.some((p) => action.startsWith(p))) return false
  return !action.endsWith('.approve') && !action.endsWith('.refuse')
}

/** The ISO instants bounding the local days [from, to]: audit times are UTC, the report's days are the school's. */
export function instantRange(from: string, to: string): { start: string; end: string } {
  return { start: new Date(`${from}T00:00:00`).toISOString(), end: new Date(`${addDays(to, 1)}T00:00:00`).toISOString() }
}

/** How many different local days the timestamps fall on. */
export function distinctDays(timestamps: readonly string[]): number {
  return new Set(timestamps.map((ts) => localDate(new Date(ts)))).size
}

export interface AccountFacts { created_at: string; disabled_at: string | null }

/** An account counts for a range when it existed before the range ended and was not disabled before it began. */
export function accountUsable(a: AccountFacts | null | undefined, start: string, end: string): boolean {
  return !!a && a.created_at < end && (a.disabled_at === null || a.disabled_at >= start)
}

export type TeacherAccount = 'active' | 'disabled' | 'none'
export function teacherAccount(a: AccountFacts | null | undefined, start: string, end: string): TeacherAccount {
  if (!a || a.created_at >= end) return 'none'
  return accountUsable(a, start, end) ? 'active' : 'disabled'
}

export interface SchoolWeek {
  /** The week's key in acknowledgements. */
  monday: string
  /** Monday to Saturday: who was in the class in these days belongs to the week. */
  saturday: string
}

/**
 * The weeks whose confirmation is expected in a range, for a grade: a week with at least one school day of the
 * year (not the grade's holidays) belongs to the range holding its first school day, so that each week falls in
 * exactly one month, the first and last weeks of the year included; and only once it is over (its Sunday before
 * today), since families confirm a week after reading it.
 */
export function expectedWeeks(
  range: { from: string; to: string }, year: { starts_on: string; ends_on: string }, grade: number,
  holidays: HolidaySpan[], today: string,
): SchoolWeek[] {
  const out: SchoolWeek[] = []
  // From the Monday of the range's first day: a week begun before the range may have its first school day in it.
  for (let monday = mondayOf(range.from); monday <= range.to; monday = addDays(monday, 7)) {
    const saturday = addDays(monday, 5)
    if (addDays(monday, 6) >= today) break
    const from = monday < year.starts_on ? year.starts_on : monday
    const to = saturday > year.ends_on ? year.ends_on : saturday
    const first = from <= to ? schoolDays(from, to, grade, holidays)[0] : undefined
    if (first !== undefined && first >= range.from && first <= range.to) out.push({ monday, saturday })
  }
  return out
}

export interface Span { from: string; to: string | null }

export interface StudentFacts {
  id: number
  /** The student's stays in the class that overlap the range. */
  spans: Span[]
  account: boolean
  loggedIn: boolean
  channel: Channel
  /** The student's recorded parents: whether each had an account in the range and logged in. */
  parents: { account: boolean; loggedIn: boolean }[]
}

/** Sets rather than counts, so that a total over classes counts a student who changed class once. */
export interface Tally {
  students: Set<number>
  studentAccounts: Set<number>
  studentsIn: Set<number>
  families: Set<number>
  familyAccounts: Set<number>
  familiesIn: Set<number>
  /** 'studentId:monday' of the family-weeks expected to be confirmed, and of those confirmed. */
  expected: Set<string>
  confirmed: Set<string>
}

const inWeek = (spans: Span[], w: SchoolWeek) => spans.some((s) => s.from <= w.saturday && (s.to === null || s.to >= w.monday))

/**
 * The figures of one class. A family is a student with at least one parent recorded; it is expected to confirm
 * each week it was in the class when it reads the electronic diary (paper and e-mail families get their reports
 * otherwise); a week is confirmed when any parent confirmed it (acked holds 'studentId:monday').
 */
export function tallyClass(students: readonly StudentFacts[], weeks: readonly SchoolWeek[], acked: ReadonlySet<string>): Tally {
  const t = emptyTally()
  for (const s of students) {
    t.students.add(s.id)
    if (s.account) t.studentAccounts.add(s.id)
    if (s.loggedIn) t.studentsIn.add(s.id)
    if (!s.parents.length) continue
    t.families.add(s.id)
    if (s.parents.some((p) => p.account)) t.familyAccounts.add(s.id)
    if (s.parents.some((p) => p.loggedIn)) t.familiesIn.add(s.id)
    if (s.channel !== 'diary') continue
    for (const w of weeks) {
      if (!inWeek(s.spans, w)) continue
      const key = `${s.id}:${w.monday}`
      t.expected.add(key)
      if (acked.has(key)) t.confirmed.add(key)
    }
  }
  return t
}

export function emptyTally(): Tally {
  return {
    students: new Set(), studentAccounts: new Set(), studentsIn: new Set(), families: new Set(), familyAccounts: new Set(),
    familiesIn: new Set(), expected: new Set(), confirmed: new Set(),
  }
}

const PEOPLE = ['students', 'studentAccounts', 'studentsIn', 'families', 'familyAccounts', 'familiesIn'] as const
const WEEKS = ['expected', 'confirmed'] as const

/** The school's (or the shown classes') total: the union of the classes' sets. */
export function mergeTallies(tallies: readonly Tally[]): Tally {
  const t = emptyTally()
  for (const x of tallies) {
    for (const k of PEOPLE) for (const id of x[k]) t[k].add(id)
    for (const k of WEEKS) for (const key of x[k]) t[k].add(key)
  }
  return t
}

