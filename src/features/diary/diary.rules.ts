// Pure rules of the diary: who reads whose diary, who confirms a week, which class-level figures a family may
// see, and the forecast of a period mark by the finals' own rules (R-D-1, R-D-2, R-ACC-2, R-FIN-1).
import type { AbsenceReason, Role } from '../../db/types.js'
import { summarizePeriod, weightedMean, type PeriodSummary, type WeightedMark } from '../finals/finals.rules.js'

/** The part of the current user the rules look at. */
export interface Viewer { personId: number; roles: readonly Role[]; classTeacherOf: readonly number[] }

const has = (v: Viewer, ...roles: Role[]) => roles.some((r) => v.roles.includes(r))

/** Staff who read every student's diary: the administration [002 §9.2]. */
export function readsAllDiaries(v: Viewer): boolean {
  return has(v, 'admin', 'director', 'deputy')
}

/** Staff who read some diaries: the administration and class teachers (of their own classes). */
export function readsSomeDiaries(v: Viewer): boolean {
  return readsAllDiaries(v) || v.classTeacherOf.length > 0
}

export function isStaffViewer(v: Viewer): boolean {
  return has(v, 'admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk')
}

/**
 * How the viewer reaches a student's diary: as the family (the student, or a parent linked to them), as staff
 * (the administration, or the class teacher of a class the student belongs to — such reads are audited), or not
 * at all. A family member asking for anyone else gets «not found», so that ids reveal nothing (R-ACC-2); staff
 * outside their scope get «forbidden». `studentClasses` is null when the id names no student.
 */
export type DiaryAccess = 'family' | 'staff' | 'notFound' | 'forbidden'
export function diaryAccess(v: Viewer, studentId: number, f: { family: readonly number[]; studentClasses: readonly number[] | null }): DiaryAccess {
  if (f.studentClasses === null) return 'notFound'
  if (f.family.includes(studentId)) return 'family'
  if (!isStaffViewer(v)) return 'notFound'
  if (readsAllDiaries(v)) return 'staff'
  if (f.studentClasses.some((c) => v.classTeacherOf.includes(c))) return 'staff'
  return 'forbidden'
}

/**
 * Who confirms «Ознакомлен(а)» for a week: a parent linked to the student [002 §9.2, §9.4]. The regulations
 * ask the legal representative to confirm; a student's own click would let the child answer for the parent,
 * so students read their diary but do not confirm it.
 */
export function mayAcknowledge(v: Viewer, studentId: number, children: readonly number[]): boolean {
  return v.roles.includes('parent') && v.personId !== studentId && children.includes(studentId)
}

/** A week can be confirmed once it has begun: nobody has read a week that has not started. */
export function acknowledgeRefusal(monday: string, today: string): 'future' | null {
  return monday > today ? 'future' : null
}

// ---------------------------------------------------------------------------------------------------------
// Dates a student belonged to a class or group

export interface Span { from: string; to: string | null }

export function belongsOn(spans: readonly Span[], date: string): boolean {
  return spans.some((s) => s.from <= date && (s.to === null || date <= s.to))
}

// ---------------------------------------------------------------------------------------------------------
// Figures

/**
 * The class average of one control work shown to families only where the school enables it [002 §5.11] and
 * only when enough marks stand behind it: with two or three marks, a child's own mark and the average would
 * give away a classmate's mark (R-ACC-2).
 */
export const CLASS_AVERAGE_MIN = 5
export function classAverage(values: readonly string[], enabled: boolean): number | null {
  if (!enabled || values.length < CLASS_AVERAGE_MIN) return null
  return weightedMean(values.map((value) => ({ value, weight: 1 })))
}

/** A mean as the diary shows it: two decimals with a comma, «4,25». */
export function fmtMean(mean: number | null): string {
  return mean === null ? '' : mean.toFixed(2).replace('.', ',')
}

/**
 * The forecast of the period mark: exactly the finals page's proposal (summarizePeriod: the weighted mean
 * rounded by the school's threshold, «н/а» after more than half of the lessons missed), computed from the
 * lessons the student has had so far. No lesson held yet, no forecast.
 */
export function periodForecast(s: { marks: WeightedMark[]; held: number; absences: (AbsenceReason | null)[]; hoursPerWeek: number; threshold: number }): PeriodSummary | null {
  if (s.held === 0) return null
  return summarizePeriod({ marks: s.marks, lessons: s.held, absences: s.absences, hoursPerWeek: s.hoursPerWeek, threshold: s.threshold })
}

// ---------------------------------------------------------------------------------------------------------
// Acknowledgements of a class

/** The acknowledgements page of a class: its class teacher and the administration [002 §9.4]. */
export function readsClassAcknowledgements(v: Viewer, classId: number): boolean {
  return readsAllDiaries(v) || v.classTeacherOf.includes(classId)
}

export interface ParentFacts {
  personId: number
  hasAccount: boolean
  disabled: boolean
  lastLoginAt: string | null
  acknowledgedAt: string | null
}

export type AccountState = 'noAccount' | 'disabled' | 'never' | 'active'

export function accountState(p: Pick<ParentFacts, 'hasAccount' | 'disabled' | 'lastLoginAt'>): AccountState {
  if (!p.hasAccount) return 'noAccount'
  if (p.disabled) return 'disabled'
  return p.lastLoginAt === null ? 'never' : 'active'
}

/**
 * A family's state for the week: confirmed when any parent confirmed; «never logs in» when no parent has ever
 * logged in (no account, or an account never used); no parents recorded is a case of its own.
 */
export type FamilyState = 'confirmed' | 'notConfirmed' | 'neverLogsIn' | 'noParents'
export function familyState(parents: readonly ParentFacts[]): FamilyState {
  if (!parents.length) return 'noParents'
  if (parents.some((p) => p.acknowledgedAt !== null)) return 'confirmed'
  if (parents.every((p) => !p.hasAccount || p.lastLoginAt === null)) return 'neverLogsIn'
  return 'notConfirmed'
}
