// Pure rules of the weekly absence reasons: who may set them, which week is shown, and how a week's
// absences group per student and day with their totals (R-J-5 [002 §9.4]; R-ROLE-6).
import type { AbsenceReason, Role } from '../../db/types.js'
import { addDays, mondayOf, parseDate } from '../../lib/dates.js'

export const REASONS: readonly AbsenceReason[] = ['illness', 'valid', 'invalid']

export function isReason(s: string): s is AbsenceReason {
  return (REASONS as readonly string[]).includes(s)
}

/** The part of the current user the rules look at. */
export interface Viewer { roles: readonly Role[]; classTeacherOf: readonly number[] }

export type ReasonsAccess = 'edit' | 'read' | null

/**
 * Who reaches the reasons of a class. The class teacher sets them [002 §9.4]. The deputy, who monitors the
 * journal weekly and answers for it [002 §9.2], may set them too: a class may have no class teacher, or the
 * class teacher may be away, and every change records who made it. The admin and the director read.
 */
export function reasonsAccess(v: Viewer, classId: number): ReasonsAccess {
  if (v.classTeacherOf.includes(classId)) return 'edit'
  if (v.roles.includes('deputy')) return 'edit'
  if (v.roles.includes('admin') || v.roles.includes('director')) return 'read'
  return null
}

/** Whether the viewer may pick any class of the school (otherwise only their own classes). */
export function seesAllClasses(v: Viewer): boolean {
  return v.roles.some((r) => r === 'admin' || r === 'director' || r === 'deputy')
}

export interface Week { monday: string; saturday: string; days: string[]; prev: string; next: string }

/** The school week (Monday to Saturday) containing the asked date, or the current one when none or bad is given. */
export function weekOf(input: string, today: string): Week {
  const monday = mondayOf(parseDate(input) ?? today)
  const days = [0, 1, 2, 3, 4, 5].map((n) => addDays(monday, n))
  return { monday, saturday: days[5], days, prev: addDays(monday, -7), next: addDays(monday, 7) }
}

export interface WeekAbsence {
  lessonId: number
  studentId: number
  date: string
  lessonNumber: number
  subject: string
  groupName: string | null
  reason: AbsenceReason | null
}

export interface RosterEntry {
  studentId: number
  name: string
  /** The dates of the week the student belonged to the class (inclusive). */
  spans: { from: string; to: string }[]
}

export interface Totals { total: number; illness: number; valid: number; invalid: number; none: number }

export interface StudentWeek {
  studentId: number
  name: string
  /** The first and last day in the class when the student was not there the whole week. */
  partial: { from: string; to: string } | null
  days: { date: string; absences: WeekAbsence[] }[]
  totals: Totals
}

export function emptyTotals(): Totals {
  return { total: 0, illness: 0, valid: 0, invalid: 0, none: 0 }
}

export function addTo(totals: Totals, reason: AbsenceReason | null): void {
  totals.total++
  totals[reason ?? 'none']++
}

/**
 * The week per student: only the students enrolled in the class some day of the week, each with the days
 * on which they missed lessons (lessons in order) and their totals by reason. An absence on a day the
 * student was not in the class is not this class teacher's to explain and is left out.
 */
export function groupWeek(roster: RosterEntry[], absences: WeekAbsence[], week: Week): { students: StudentWeek[]; totals: Totals } {
  const all = emptyTotals()
  const students = roster.map((r): StudentWeek => {
    const inClass = (d: string) => r.spans.some((s) => s.from <= d && d <= s.to)
    const from = r.spans.reduce((m, s) => (s.from < m ? s.from : m), week.saturday)
    const to = r.spans.reduce((m, s) => (s.to > m ? s.to : m), week.monday)
    const mine = absences.filter((a) => a.studentId === r.studentId && inClass(a.date))
      .sort((a, b) => a.date.localeCompare(b.date) || a.lessonNumber - b.lessonNumber || a.lessonId - b.lessonId)
    const totals = emptyTotals()
    for (const a of mine) { addTo(totals, a.reason); addTo(all, a.reason) }
    const days = week.days.map((date) => ({ date, absences: mine.filter((a) => a.date === date) })).filter((d) => d.absences.length > 0)
    const whole = week.days.every(inClass)
    return { studentId: r.studentId, name: r.name, partial: whole ? null : { from, to }, days, totals }
  })
  return { students, totals: all }
}

/** Form field names: one per absence, one per student-day for "the same reason for the whole day". */
export const absenceField = (a: { lessonId: number; studentId: number }) => `r_${a.lessonId}_${a.studentId}`
export const dayField = (studentId: number, date: string) => `d_${studentId}_${date}`
