// Pure rules of the people area: who may see and change what, and which movements of a student are valid
// (R-ORG-4; R-ACC-7,8; R-ROLE-6,7).
import type { Role } from '../../db/types.js'
import { addDays } from '../../lib/dates.js'

/** The part of the current user the rules look at. */
export interface Viewer { personId: number; roles: Role[]; classTeacherOf: number[] }

/** Which students a viewer reaches: the whole school, or the students of some classes. */
export type StudentScope = { all: true } | { all: false; classIds: number[] }

const has = (v: Viewer, ...roles: Role[]) => roles.some((r) => v.roles.includes(r))

export function studentScope(v: Viewer): StudentScope {
  if (has(v, 'admin', 'clerk', 'deputy', 'director')) return { all: true }
  return { all: false, classIds: v.classTeacherOf }
}

/** Create students, edit their personal data, record movement (R-ROLE-7). */
export const canManageStudents = (v: Viewer) => has(v, 'admin', 'clerk')

/** A class teacher of one of these classes (the student's classes). */
export const leadsAnyOf = (v: Viewer, classIds: number[]) => classIds.some((id) => v.classTeacherOf.includes(id))

/** Study form, PE exemption and diary channel: the office, or the class teacher of the current class. */
export function canEditStudy(v: Viewer, currentClassId: number | null): boolean {
  return canManageStudents(v) || (currentClassId !== null && v.classTeacherOf.includes(currentClassId))
}

/** Add, link and edit parents: the office, or the class teacher of the student's current class (R-ROLE-6). */
export const canManageParents = canEditStudy

/** Removing a wrong parent link is an office correction. */
export const canUnlinkParents = canManageStudents

/** Consent is registered by the deputy or the class teacher of the student (R-ACC-7). */
export function canRegisterConsent(v: Viewer, currentClassId: number | null): boolean {
  return has(v, 'deputy') || (currentClassId !== null && v.classTeacherOf.includes(currentClassId))
}

/**
 * Contacts of someone who chose to hide them are shown only to the admin, the clerk and the class teacher
 * of the student concerned (R-ACC-8). studentClassIds: the classes of the student the page is about.
 */
export function seesContacts(v: Viewer, hideContacts: boolean, studentClassIds: number[] = []): boolean {
  if (!hideContacts) return true
  return has(v, 'admin', 'clerk') || leadsAnyOf(v, studentClassIds)
}

export const STAFF_ROLES: readonly Role[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk']
export const canReadStaff = (v: Viewer) => has(v, 'admin', 'clerk', 'director', 'deputy')
export const canEditStaff = (v: Viewer) => has(v, 'admin', 'clerk')
export const canAssignRoles = (v: Viewer) => has(v, 'admin')

/** An admin cannot take the admin role away from themselves: the school would be left without one. */
export function rolesChangeError(actorPersonId: number, targetPersonId: number, before: Role[], after: Role[]): string | null {
  if (actorPersonId === targetPersonId && before.includes('admin') && !after.includes('admin')) return 'ownAdmin'
  return null
}

// ---- Movement (R-ORG-4) ----------------------------------------------------------------------------------
// An enrollment is a stay in a class from from_date to to_date, both days included; to_date null = still there.
// A transfer on day D closes the old stay on D-1 and opens the new one on D, so stays never overlap.

export interface Stay { id: number; classId: number; yearId: number; from: string; to: string | null }
export interface ClassYear { id: number; yearId: number; starts: string; ends: string }

/** The stay still open (no end date), if any. */
export function openStay(history: Stay[]): Stay | null {
  return history.find((s) => s.to === null) ?? null
}

/** The last day of any closed stay. */
function lastEnd(history: Stay[]): string | null {
  return history.reduce<string | null>((m, s) => (s.to && (!m || s.to > m) ? s.to : m), null)
}

/** Error keys (people.movement.*) or null when the movement may be recorded. */
export function checkFirstEnrollment(history: Stay[], target: ClassYear, date: string): string | null {
  if (history.length) return 'alreadyEnrolled'
  if (date < target.starts || date > target.ends) return 'outsideYear'
  return null
}

export function checkDeparture(history: Stay[], date: string): string | null {
  const open = openStay(history)
  if (!open) return 'notEnrolled'
  if (date < open.from) return 'beforeStart'
  return null
}

export function checkTransfer(history: Stay[], target: ClassYear, date: string): string | null {
  const open = openStay(history)
  if (!open) return 'notEnrolled'
  if (target.id === open.classId) return 'sameClass'
  if (target.yearId !== open.yearId) return 'otherYear'
  // The old stay must keep at least one day: it ends on date-1.
  if (date <= open.from) return 'beforeStart'
  if (date < target.starts || date > target.ends) return 'outsideYear'
  return null
}

export function checkArrival(history: Stay[], target: ClassYear, date: string): string | null {
  if (openStay(history)) return 'stillEnrolled'
  const end = lastEnd(history)
  if (end && date <= end) return 'overlaps'
  if (date < target.starts || date > target.ends) return 'outsideYear'
  return null
}

/** The day an old stay ends when the student moves on `date`. */
export const dayBefore = (date: string) => addDays(date, -1)

/** Is the stay current on a day (for greying departed students)? */
export function activeOn(stay: { from: string; to: string | null }, day: string): boolean {
  return stay.from <= day && (stay.to === null || stay.to >= day)
}

/** «5А» */
export function className(c: { grade: number; letter: string }): string {
  return `${c.grade}${c.letter}`
}

/** For comparing names typed by different people: case, ё/е and extra spaces do not matter. */
export function nameKey(...parts: (string | null | undefined)[]): string {
  return parts.map((p) => (p ?? '').trim().toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ')).join('|')
}
