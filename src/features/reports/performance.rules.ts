// Pure rules of the performance report (R-REP-3): what counts as success and quality, how a student is
// classed by their final marks, the forecast of a mark not yet set (the finals page's own proposal, from sums
// the database adds up), and the tallies behind each row of the report.
import { finalWarnings, proposeYearMark, roundMark, type FinalValue } from '../finals/finals.rules.js'
import { avg, pct } from './report.js'
import type { ReportScope } from './reports.scope.js'

/** Grade 1 is taught without marks («безотметочное обучение», R-J-4): it has no performance figures. */
export function isUnmarkedGrade(grade: number): boolean {
  return grade === 1
}

/**
 * A final value that fails: «2» and «1» are unsatisfactory [002 §7.14], «н/а» — not attested — is an academic
 * debt just the same (273-ФЗ, ст. 58), so neither leaves the student «успевающий».
 */
export function isFailing(v: FinalValue): boolean {
  return v === '1' || v === '2' || v === 'н/а'
}

/** «осв» (exempt) is no result at all: it counts neither for nor against anybody. */
export function counts(v: FinalValue): boolean {
  return v !== 'осв'
}

/** A mark that enters the average: 1–5. */
export function numeric(v: FinalValue): number | null {
  return v === 'осв' || v === 'н/а' ? null : Number(v)
}

/**
 * excellent: only 5s; good: only 4s and 5s with at least one 4; oneThree: exactly one 3, the rest 4s and 5s;
 * satisfactory: two 3s or more; failing: any 2, 1 or «н/а». Null when nothing counts (no marks, or all «осв»).
 */
export type Category = 'excellent' | 'good' | 'oneThree' | 'satisfactory' | 'failing'

export function classify(values: readonly FinalValue[]): Category | null {
  const counted = values.filter(counts)
  if (!counted.length) return null
  if (counted.some(isFailing)) return 'failing'
  const threes = counted.filter((v) => v === '3').length
  if (threes === 0) return counted.every((v) => v === '5') ? 'excellent' : 'good'
  return threes === 1 ? 'oneThree' : 'satisfactory'
}

/** Success («успеваемость»): not failing. Quality («качество знаний»): only 4s and 5s. */
export function isSuccess(c: Category): boolean {
  return c !== 'failing'
}
export function isQuality(c: Category): boolean {
  return c === 'excellent' || c === 'good'
}

/** A student × subject as the scope sees it: the student's class and grade, the subject, its page's teachers. */
export interface PairView { classId: number; grade: number; subjectId: number; teachers: ReadonlySet<number> }
export interface Narrowing { classId: number | null; grade: number | null; subjectId: number | null; teacherId: number | null }

/**
 * Whose marks the asker reads (R-REP-6): the administration everybody's; a class teacher every subject of their
 * class; a teacher the pages they teach (of record or by the timetable) — only their subject's marks. The
 * filters narrow further.
 */
export function mayReadPair(scope: ReportScope, f: Narrowing, p: PairView): boolean {
  if (f.classId !== null && p.classId !== f.classId) return false
  if (f.grade !== null && p.grade !== f.grade) return false
  if (f.subjectId !== null && p.subjectId !== f.subjectId) return false
  if (f.teacherId !== null && !p.teachers.has(f.teacherId)) return false
  return scope.all || scope.classIds.includes(p.classId) || p.teachers.has(scope.teacherId)
}

// ---------------------------------------------------------------------------------------------------------
// The forecast of a mark that is not set yet

/** What the database adds up for one student, subject and period: weighted sums of the marks, lessons, absences. */
export interface PeriodSums {
  /** Σ mark × weight over every number of every mark (a double «4/5» gives two numbers). */
  sum: number
  /** Σ weight over the same numbers. */
  weight: number
  /** Lessons of the student's pages held so far in the period while the student belonged to them. */
  held: number
  /** Absences («н») on those pages in the period. */
  absences: number
}

/**
 * The finals page's proposal (summarizePeriod) from sums instead of the list of marks: nothing before a lesson
 * is held, «н/а» after more than half of the lessons missed, else the weighted mean rounded by the school's
 * threshold; no marks, no proposal. The weighted mean is the same division of the same sums.
 */
export function forecastPeriod(s: PeriodSums, threshold: number): FinalValue | null {
  if (s.held === 0) return null
  const w = finalWarnings({ marks: 0, hoursPerWeek: 1, lessons: s.held, absences: s.absences, absencesAllValid: false })
  if (w.includes('missedOverHalf')) return 'н/а'
  if (s.weight === 0) return null
  return String(roundMark(s.sum / s.weight, threshold)) as FinalValue
}

/**
 * The year mark while it is not set: the finals page's proposal from the period marks (set, or forecast for the
 * periods under way) and the attestation. Where the page leaves it to the teacher because a period is «н/а», the
 * report counts «н/а»: the student is not attested for part of the year, which is what the deputy must see.
 */
export function forecastYear(periods: readonly (FinalValue | null)[], attestation: FinalValue | null, threshold: number): FinalValue | null {
  if (periods.includes('н/а') || attestation === 'н/а') return 'н/а'
  return proposeYearMark([...periods], attestation, threshold)
}

// ---------------------------------------------------------------------------------------------------------
// Dates

/** The boundaries cutting the given periods into pieces: every start and every day after an end, sorted. */
export function segmentBounds(periods: readonly { starts_on: string; ends_on: string }[], dayAfter: (d: string) => string): string[] {
  const set = new Set<string>()
  for (const p of periods) { set.add(p.starts_on); set.add(dayAfter(p.ends_on)) }
  return [...set].sort()
}

/** The pieces (indexes into the bounds) making up a period: [first, last] inclusive. */
export function segmentsOf(bounds: readonly string[], p: { starts_on: string; ends_on: string }, dayAfter: (d: string) => string): [number, number] {
  return [bounds.indexOf(p.starts_on), bounds.indexOf(dayAfter(p.ends_on)) - 1]
}

/** How many of the sorted dates lie in [from, to]. */
export function countBetween(sorted: readonly string[], from: string, to: string): number {
  if (from > to) return 0
  const lower = (x: string, strict: boolean) => {
    let lo = 0, hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (strict ? sorted[mid] <= x : sorted[mid] < x) lo = mid + 1; else hi = mid
    }
    return lo
  }
  return lower(to, true) - lower(from, false)
}

// ---------------------------------------------------------------------------------------------------------
// Tallies

/** One student's final values in the report's range, each with whether it is a forecast. */
export interface Valued { value: FinalValue; forecast: boolean }

/** Figures of a group of students (a class, a grade, the school). */
export interface StudentTally {
  /** Students on the roll. */
  students: number
  /** Students with something that counts (a mark or «н/а»): the base of the percentages. */
  counted: number
  excellent: number
  good: number
  oneThree: number
  failing: number
  success: number
  quality: number
  markSum: number
  marks: number
  /** Values that are forecasts, not set marks. */
  forecasts: number
}

export function studentTally(): StudentTally {
  return { students: 0, counted: 0, excellent: 0, good: 0, oneThree: 0, failing: 0, success: 0, quality: 0, markSum: 0, marks: 0, forecasts: 0 }
}

export function addStudent(t: StudentTally, values: readonly Valued[]): void {
  t.students++
  const c = classify(values.map((v) => v.value))
  for (const v of values) {
    const n = numeric(v.value)
    if (n !== null) { t.markSum += n; t.marks++ }
    if (v.forecast) t.forecasts++
  }
  if (c === null) return
  t.counted++
  if (c === 'excellent') t.excellent++
  if (c === 'good') t.good++
  if (c === 'oneThree') t.oneThree++
  if (c === 'failing') t.failing++
  if (isSuccess(c)) t.success++
  if (isQuality(c)) t.quality++
}

/** Figures of a set of final values (a subject, a teacher, a class × subject): each value is one student's. */
export interface MarkTally {
  /** Values that count (not «осв»): the base of the percentages. */
  values: number
  five: number
  four: number
  three: number
  /** 2 or 1. */
  two: number
  na: number
  markSum: number
  marks: number
  forecasts: number
}

export function markTally(): MarkTally {
  return { values: 0, five: 0, four: 0, three: 0, two: 0, na: 0, markSum: 0, marks: 0, forecasts: 0 }
}

export function addValue(t: MarkTally, v: Valued): void {
  if (v.forecast) t.forecasts++
  if (!counts(v.value)) return
  t.values++
  if (v.value === '5') t.five++
  else if (v.value === '4') t.four++
  else if (v.value === '3') t.three++
  else if (v.value === 'н/а') t.na++
  else t.two++
  const n = numeric(v.value)
  if (n !== null) { t.markSum += n; t.marks++ }
}

export interface Figures { success: number | null; quality: number | null; average: number | null }

export function studentFigures(t: StudentTally): Figures {
  return { success: pct(t.success, t.counted), quality: pct(t.quality, t.counted), average: avg(t.markSum, t.marks) }
}

export function markFigures(t: MarkTally): Figures {
  return { success: pct(t.values - t.two - t.na, t.values), quality: pct(t.five + t.four, t.values), average: avg(t.markSum, t.marks) }
}

/** now − before, rounded as the figures are (a percentage to 0.1, an average to 0.01); null when either is missing. */
export function change(now: number | null, before: number | null, decimals: 1 | 2): number | null {
  if (now === null || before === null) return null
  const f = decimals === 1 ? 10 : 100
  return Math.round((now - before) * f) / f
}

/** The period before this one in the same scheme; none for the first. */
export function previousPeriod<P extends { scheme: string; number: number }>(periods: readonly P[], p: P): P | null {
  return periods.find((x) => x.scheme === p.scheme && x.number === p.number - 1) ?? null
}
