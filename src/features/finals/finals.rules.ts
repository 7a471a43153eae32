// Pure rules of final marks: the proposed mark, attestation sufficiency, the setting window, corrections (R-FIN-1..4).
import { addDays } from '../../lib/dates.js'
import type { FinalKind } from '../../db/types.js'
import { markNumbers, type MarkValue } from '../journal/journal.rules.js'

export interface WeightedMark { value: MarkValue; weight: number }

/** Weighted mean of the period's marks; a double mark «4/5» counts as two marks of its weight. */
export function weightedMean(marks: WeightedMark[]): number | null {
  let sum = 0
  let weights = 0
  for (const m of marks) {
    for (const n of markNumbers(m.value)) {
      sum += n * m.weight
      weights += m.weight
    }
  }
  return weights === 0 ? null : sum / weights
}

/**
 * The school's rounding rule: a fractional part at or above the threshold rounds up. 0.5 is ordinary rounding
 * (3.5 → 4); many schools use 0.6 (3.5 → 3, 3.6 → 4). Computed on hundredths so 3.4999… from floating point
 * arithmetic does not turn a 3.5 into a 3.
 */
export function roundMark(mean: number, threshold = 0.5): number {
  const hundredths = Math.round(mean * 100)
  const whole = Math.floor(hundredths / 100)
  const frac = hundredths - whole * 100
  return Math.min(5, Math.max(1, frac >= Math.round(threshold * 100) ? whole + 1 : whole))
}

export type FinalValue = '1' | '2' | '3' | '4' | '5' | 'осв' | 'н/а'
export const FINAL_VALUES: FinalValue[] = ['5', '4', '3', '2', '1', 'осв', 'н/а']

/** The period mark the system proposes: the rounded weighted mean, or nothing without marks. */
export function proposePeriodMark(marks: WeightedMark[], threshold = 0.5): FinalValue | null {
  const mean = weightedMean(marks)
  return mean === null ? null : (String(roundMark(mean, threshold)) as FinalValue)
}

/**
 * The year mark: the mean of the period marks together with the intermediate attestation mark [002 §7.14].
 * «осв» periods are left out; a year with only «осв» is «осв»; any «н/а» period leaves the decision to the teacher.
 */
export function proposeYearMark(periodMarks: (FinalValue | null)[], attestation: FinalValue | null, threshold = 0.5): FinalValue | null {
  const all = [...periodMarks, attestation].filter((v): v is FinalValue => v !== null)
  if (all.length === 0) return null
  if (all.includes('н/а')) return null
  const numeric = all.filter((v) => v !== 'осв').map(Number)
  if (numeric.length === 0) return 'осв'
  return String(roundMark(numeric.reduce((a, b) => a + b, 0) / numeric.length, threshold)) as FinalValue
}

/** Marks needed to attest a student for a period, by weekly hours [002 §7.14]. */
export function minMarksForAttestation(hoursPerWeek: number, absencesAllValid: boolean): number {
  if (hoursPerWeek >= 3) return absencesAllValid ? 5 : 7
  if (hoursPerWeek >= 2) return 5
  return 3
}

export type FinalWarning = 'tooFewMarks' | 'missedOverHalf'

/** What the page warns about before a period mark is set [002 §7.14]. */
export function finalWarnings(s: { marks: number; hoursPerWeek: number; lessons: number; absences: number; absencesAllValid: boolean }): FinalWarning[] {
  const w: FinalWarning[] = []
  if (s.marks < minMarksForAttestation(s.hoursPerWeek, s.absencesAllValid)) w.push('tooFewMarks')
  if (s.lessons > 0 && s.absences * 2 > s.lessons) w.push('missedOverHalf')
  return w
}

/** Final marks are set in the last week of the period and no later than 3 days after it ends [000 §5.3]. */
export function finalWindow(periodEnd: string, daysBefore = 6, daysAfter = 3): { from: string; to: string } {
  return { from: addDays(periodEnd, -daysBefore), to: addDays(periodEnd, daysAfter) }
}

export type WindowState = 'early' | 'open' | 'closed'
export function windowState(today: string, w: { from: string; to: string }): WindowState {
  if (today < w.from) return 'early'
  if (today > w.to) return 'closed'
  return 'open'
}

/**
 * Who must approve the correction of a set (locked) final mark: the deputy; in the graduating grades 9 and 11,
 * the director's order with the teacher's written explanation [002 §7.14].
 */
export function correctionApprover(grade: number): 'deputy' | 'director' {
  return grade === 9 || grade === 11 ? 'director' : 'deputy'
}

// ---------------------------------------------------------------- the columns of the final-marks page

export interface PeriodDates { id: number; number: number; starts_on: string; ends_on: string }
export interface DateRange { from: string; to: string }

/** One column of the final-marks page: a period, the intermediate attestation, the year, the exam, the final mark. */
export interface FinalColumn<P extends PeriodDates = PeriodDates> {
  /** As used in URLs: 'p12' for the period with id 12, else the kind. */
  key: string
  kind: FinalKind
  period: P | null
  /** When marks of this column may be set. */
  window: DateRange
  /** The dates a student must have belonged to the page to get a mark in this column. */
  range: DateRange
}

/** Grades that sit state exams: their pages add the exam and the final mark [002 §7.14]. */
export function hasExams(grade: number): boolean {
  return grade === 9 || grade === 11
}

/**
 * The columns of a grade's page, in order. A period's window is its own last week … 3 days after; the year,
 * exam and final marks follow the last period's window; the intermediate attestation is held during the last
 * period, so its marks may be set from the last period's start until its window closes (a simplification: the
 * attestation timetable is not recorded). No periods, no columns.
 */
export function finalColumns<P extends PeriodDates>(periods: P[], grade: number, daysBefore = 6, daysAfter = 3): FinalColumn<P>[] {
  if (periods.length === 0) return []
  const sorted = [...periods].sort((a, b) => a.number - b.number)
  const last = sorted[sorted.length - 1]
  const lastWindow = finalWindow(last.ends_on, daysBefore, daysAfter)
  const lastRange = { from: last.starts_on, to: last.ends_on }
  const cols: FinalColumn<P>[] = sorted.map((p) => ({
    key: `p${p.id}`, kind: 'period' as const, period: p, window: finalWindow(p.ends_on, daysBefore, daysAfter), range: { from: p.starts_on, to: p.ends_on },
  }))
  cols.push({ key: 'attestation', kind: 'attestation', period: null, window: { from: last.starts_on, to: lastWindow.to }, range: lastRange })
  cols.push({ key: 'year', kind: 'year', period: null, window: lastWindow, range: lastRange })
  if (hasExams(grade)) {
    cols.push({ key: 'exam', kind: 'exam', period: null, window: lastWindow, range: lastRange })
    cols.push({ key: 'final', kind: 'final', period: null, window: lastWindow, range: lastRange })
  }
  return cols
}

// ---------------------------------------------------------------- one student's period

export type AbsenceReason = 'illness' | 'valid' | 'invalid' | null

export interface PeriodSummary {
  proposal: FinalValue | null
  mean: number | null
  marks: number
  lessons: number
  absences: number
  absencesAllValid: boolean
  /** Marks needed to attest the student. */
  required: number
  warnings: FinalWarning[]
}

/**
 * What the page shows for a student's period: the proposed mark, the counts and the warnings. Absences are
 * "all for a valid reason" only when there are some and each is illness or valid (with none, the full seven
 * marks are due). More than half of the lessons missed proposes «н/а» [002 §7.14].
 */
export function summarizePeriod(s: { marks: WeightedMark[]; lessons: number; absences: AbsenceReason[]; hoursPerWeek: number; threshold: number }): PeriodSummary {
  const absencesAllValid = s.absences.length > 0 && s.absences.every((r) => r === 'illness' || r === 'valid')
  const marks = s.marks.reduce((n, m) => n + markNumbers(m.value).length, 0)
  const warnings = finalWarnings({ marks, hoursPerWeek: s.hoursPerWeek, lessons: s.lessons, absences: s.absences.length, absencesAllValid })
  const mean = weightedMean(s.marks)
  const proposal = warnings.includes('missedOverHalf') ? 'н/а' : proposePeriodMark(s.marks, s.threshold)
  const required = minMarksForAttestation(s.hoursPerWeek, absencesAllValid)
  return { proposal, mean, marks, lessons: s.lessons, absences: s.absences.length, absencesAllValid, required, warnings }
}

/**
 * The final (итоговая) mark of a graduating grade: the mean of the year and exam marks, rounded by the school's
 * rule; without an exam in the subject, the year mark. «н/а» or a missing year mark leaves it to the teacher.
 */
export function proposeFinalMark(year: FinalValue | null, exam: FinalValue | null, threshold = 0.5): FinalValue | null {
  if (year === null || year === 'н/а' || exam === 'н/а') return null
  if (year === 'осв' || exam === null || exam === 'осв') return year
  return String(roundMark((Number(year) + Number(exam)) / 2, threshold)) as FinalValue
}

// ---------------------------------------------------------------- setting and correcting

export function isFinalValue(v: string): v is FinalValue {
  return (FINAL_VALUES as string[]).includes(v)
}

export type SetRefusal = 'locked' | 'naRequired'

/**
 * Whether the set form may write this student's cell: a set mark is locked (only a correction changes it,
 * resubmitting the same value is harmless); after missing more than half of the lessons only «н/а» is set,
 * anything else needs the deputy's decision, recorded as a correction [002 §7.14].
 */
export function setRefusal(current: string | null, wanted: FinalValue | null, warnings: FinalWarning[]): SetRefusal | null {
  if (wanted === null) return null
  if (current !== null) return current === wanted ? null : 'locked'
  if (warnings.includes('missedOverHalf') && wanted !== 'н/а') return 'naRequired'
  return null
}

/** Who may decide a correction: exactly the role it was addressed to (the director does not stand in for the deputy). */
export function mayDecide(roles: readonly string[], approverRole: 'deputy' | 'director'): boolean {
  return roles.includes(approverRole)
}
