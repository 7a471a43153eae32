// Pure rules of the missed-lessons and failures report (R-REP-4): which marks count as unsatisfactory, how missed
// lessons are counted by reason, when the per-student lists are drawn, and how they are ordered, grouped and capped.
import type { AbsenceReason } from '../../db/types.js'
import { fmtDate } from '../../lib/dates.js'
import { isUnsatisfactory } from '../journal/journal.rules.js'
import type { Filters } from './reports.filters.js'

// ---------------------------------------------------------------- reasons

/** The reason of a missed lesson, «not stated» being its own kind (the class teacher has not yet set it). */
export type ReasonKey = AbsenceReason | 'none'
export const REASON_KEYS: readonly ReasonKey[] = ['illness', 'valid', 'invalid', 'none']

export type ReasonCounts = Record<ReasonKey, number> & { total: number }

export function reasonKey(r: AbsenceReason | null): ReasonKey {
  return r ?? 'none'
}

export function noCounts(): ReasonCounts {
  return { illness: 0, valid: 0, invalid: 0, none: 0, total: 0 }
}

export function addReason(c: ReasonCounts, r: AbsenceReason | null): void {
  c[reasonKey(r)]++
  c.total++
}

/** The reasons that occur, in the fixed order, for a heading like «по болезни — 3, не указана — 1». */
export function reasonsPresent(c: ReasonCounts): { key: ReasonKey; n: number }[] {
  return REASON_KEYS.filter((k) => c[k] > 0).map((k) => ({ key: k, n: c[k] }))
}

// ---------------------------------------------------------------- unsatisfactory marks

/**
 * A mark is unsatisfactory when it is a 1 or a 2, or a double mark one of whose halves is (2/3, 5/2, 1/4): the
 * journal's own rule. The database holds only '1'…'5' and 'a/b' of those, so the SQL pre-filter below selects
 * exactly these values; the report applies `unsatisfactory` again so that the rule lives in one place.
 */
export const unsatisfactory = isUnsatisfactory
export const UNSATISFACTORY_GLOB = '*[12]*'

// ---------------------------------------------------------------- when lists are drawn

/**
 * Lists per student run to thousands of rows for the whole school (about 20,000 missed lessons a quarter in a
 * school of 1,500), which nobody reads; the deputy hands them out class by class. So school-wide the report is the
 * summary by class, each class linking to its lists; a teacher's or class teacher's report is already narrow.
 */
export function listsShown(schoolWide: boolean, classId: number | null): boolean {
  return !schoolWide || classId !== null
}

/** The most rows (headings included) one list holds; whole students only, so nobody's list is cut in half. */
export const LIST_CAP = 3000

// ---------------------------------------------------------------- ordering and grouping

export interface ListItem {
  studentId: number
  lastName: string
  firstName: string
  middleName: string
  grade: number
  letter: string
  subjectOrder: number
  subjectName: string
  date: string
  lessonNumber: number
  /** The mark column within the lesson (0 for a missed lesson). */
  column: number
}

// One collator: localeCompare(…, 'ru') builds one per call, which dominates sorting a few thousand rows.
const ru = new Intl.Collator('ru').compare

/** The teacher's catch-up order: class, student (surname, name), subject, date, lesson, column. */
export function compareItems(a: ListItem, b: ListItem): number {
  return a.grade - b.grade || ru(a.letter, b.letter)
    || ru(a.lastName, b.lastName) || ru(a.firstName, b.firstName) || ru(a.middleName, b.middleName) || a.studentId - b.studentId
    || a.subjectOrder - b.subjectOrder || ru(a.subjectName, b.subjectName)
    || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || a.lessonNumber - b.lessonNumber || a.column - b.column
}

export interface StudentGroup<T> { first: T; items: T[] }

export interface Grouped<T> {
  groups: StudentGroup<T>[]
  /** All students and item rows found, before the cap. */
  students: number
  items: number
  /** Fewer groups shown than found. */
  truncated: boolean
}

/**
 * Sorts the items and groups them by student (a student in two classes in one range — a transfer — gets a group
 * per class). Groups are kept whole while heading + items fit into `cap` rows (the first one always shows).
 */
export function groupByStudent<T extends ListItem>(items: T[], cap = LIST_CAP): Grouped<T> {
  const sorted = [...items].sort(compareItems)
  const all: StudentGroup<T>[] = []
  for (const it of sorted) {
    const last = all[all.length - 1]
    if (last && last.first.studentId === it.studentId && last.first.grade === it.grade && last.first.letter === it.letter) last.items.push(it)
    else all.push({ first: it, items: [it] })
  }
  const groups: StudentGroup<T>[] = []
  let rows = 0
  for (const g of all) {
    if (groups.length && rows + 1 + g.items.length > cap) break
    rows += 1 + g.items.length
    groups.push(g)
  }
  return { groups, students: all.length, items: items.length, truncated: groups.length < all.length }
}

// ---------------------------------------------------------------- the summary by class

export interface ClassTotals {
  classId: number
  missed: ReasonCounts
  studentsMissing: number
  failing: number
  studentsFailing: number
}

export function noTotals(classId: number): ClassTotals {
  return { classId, missed: noCounts(), studentsMissing: 0, failing: 0, studentsFailing: 0 }
}

/** Adds a class's line to a total (students with missed lessons or 2s are counted per class, then summed). */
export function addTotals(into: ClassTotals, l: ClassTotals): void {
  for (const r of REASON_KEYS) into.missed[r] += l.missed[r]
  into.missed.total += l.missed.total
  into.studentsMissing += l.studentsMissing
  into.failing += l.failing
  into.studentsFailing += l.studentsFailing
}

/** Sums missed lessons and unsatisfactory marks (one row each) into one line per class; a student counts once per class. */
export function classTotals(
  absences: { classId: number; studentId: number; reason: AbsenceReason | null }[],
  marks: { classId: number; studentId: number }[],
): Map<number, ClassTotals> {
  const out = new Map<number, ClassTotals & { missing: Set<number>; failingIds: Set<number> }>()
  const line = (classId: number) => {
    let l = out.get(classId)
    if (!l) {
      l = { ...noTotals(classId), missing: new Set(), failingIds: new Set() }
      out.set(classId, l)
    }
    return l
  }
  for (const a of absences) {
    const l = line(a.classId)
    addReason(l.missed, a.reason)
    l.missing.add(a.studentId)
  }
  for (const m of marks) {
    const l = line(m.classId)
    l.failing++
    l.failingIds.add(m.studentId)
  }
  return new Map([...out].map(([id, { missing, failingIds, ...l }]) => [id, { ...l, studentsMissing: missing.size, studentsFailing: failingIds.size }]))
}

// ---------------------------------------------------------------- drill-down

/** The report for one class with the same range and subject: where a class in the summary links to. */
export function classLink(path: string, f: Pick<Filters, 'year' | 'range' | 'subjectId'>, classId: number): string {
  const q = new URLSearchParams({ year: String(f.year.id), range: f.range.kind })
  if (f.range.kind === 'period' && f.range.period) q.set('period', String(f.range.period.id))
  if (f.range.kind === 'month') q.set('month', f.range.from.slice(0, 7))
  if (f.range.kind === 'week') q.set('week', fmtDate(f.range.from))
  q.set('class', String(classId))
  if (f.subjectId !== null) q.set('subject', String(f.subjectId))
  return `${path}?${q.toString()}`
}
