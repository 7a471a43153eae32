// Pure rules of final marks: the proposed mark, attestation sufficiency, the setting window, corrections (R-FIN-1..4).
import { addDays } from '../../lib/dates.js'
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
