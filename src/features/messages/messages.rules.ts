// Pure rules of messages and announcements: who may write to whom, who may announce to whom and withdraw,
// and the shape of a message (R-D-3, R-ACC-2).
import type { Role } from '../../db/types.js'

export const MAX_BODY = 5000
export const MAX_SUBJECT = 200
export const MAX_TITLE = 200

/** The roles that form the administration families may always write to and that may write to any family. */
export const ADMINISTRATION: readonly Role[] = ['director', 'deputy', 'admin']
export const STAFF: readonly Role[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk']
const FAMILY: readonly Role[] = ['student', 'parent']

/**
 * What the write rule needs to know about a person, as of today (current enrollments, group memberships and
 * the workload of years not closed). A person may be staff and family at once (a teacher who is a parent).
 */
export interface Party {
  personId: number
  roles: readonly Role[]
  /** Classes this person leads as class teacher. */
  classTeacherOf: readonly number[]
  /** Classes taught through the workload: the class itself or one of its subgroups. */
  teachesClasses: readonly number[]
  /** Groups taught through the workload (subgroups and cross-class groups). */
  teachesGroups: readonly number[]
  /** The family's classes: the student's own, or the children's for a parent. */
  familyClasses: readonly number[]
  /** The family's groups: the student's, or the children's. */
  familyGroups: readonly number[]
}

const has = (p: Party, roles: readonly Role[]) => p.roles.some((r) => roles.includes(r))
const meets = (a: readonly number[], b: readonly number[]) => a.some((x) => b.includes(x))

export const isStaffParty = (p: Party) => has(p, STAFF)
export const isFamilyParty = (p: Party) => has(p, FAMILY)
export const isAdministration = (p: Party) => has(p, ADMINISTRATION)

/** The staff member works with the family: class teacher of its class, or teaches its class or one of its groups. */
function worksWith(staff: Party, family: Party): boolean {
  return meets(staff.classTeacherOf, family.familyClasses)
    || (has(staff, ['teacher']) && (meets(staff.teachesClasses, family.familyClasses) || meets(staff.teachesGroups, family.familyGroups)))
}

/**
 * May `from` start a conversation with `to`? Staff write to any staff; the administration to any family; a
 * class teacher and a subject teacher to the families of the classes and groups they work with. A student or
 * parent writes to the administration and to the staff who work with their class; never to another family.
 */
export function mayWrite(from: Party, to: Party): boolean {
  if (from.personId === to.personId) return false
  if (isStaffParty(from)) {
    if (isStaffParty(to)) return true
    if (isFamilyParty(to) && (isAdministration(from) || worksWith(from, to))) return true
  }
  if (isFamilyParty(from) && isStaffParty(to)) return isAdministration(to) || worksWith(to, from)
  return false
}

/** A student of a family, with the class and groups they are in today. */
export interface Child { id: number; classId: number | null; groups: readonly number[] }

/**
 * The student a conversation between a staff member and a family is about: the child in the given class, or
 * the child the staff member works with, or the only child; null when it cannot be told.
 */
export function childConcerned(staff: Party, family: Party, children: readonly Child[], classId: number | null = null): number | null {
  const inClass = classId === null ? undefined : children.find((c) => c.classId === classId)
  if (inClass) return inClass.id
  const worked = children.find((c) => worksWith(staff, { ...family, familyClasses: c.classId === null ? [] : [c.classId], familyGroups: c.groups }))
  if (worked) return worked.id
  return children.length === 1 ? children[0].id : null
}

/** Line breaks as the browser sends them (CRLF) become plain LF; the text is otherwise kept as typed. */
export function normalizeText(s: string): string {
  return s.replace(/\r\n?/g, '\n').trim()
}

/** The error key (messages.errors.*) of a message body, or null. */
export function bodyError(body: string): 'required' | 'tooLong' | null {
  if (!body) return 'required'
  if (body.length > MAX_BODY) return 'tooLong'
  return null
}

// ---- Announcements ----------------------------------------------------------------------------------------

export type AnnouncementTarget = { scope: 'school' } | { scope: 'grade'; grade: number } | { scope: 'class'; classId: number }

export interface Announcer { roles: readonly Role[]; classTeacherOf: readonly number[] }

/** The administration announces to the school or a grade; a class teacher to their own class only. */
export function mayAnnounce(a: Announcer, target: AnnouncementTarget): boolean {
  const admin = a.roles.some((r) => ADMINISTRATION.includes(r))
  if (target.scope === 'class') return a.classTeacherOf.includes(target.classId)
  return admin
}

/** Anyone who may announce at all (reaches the form). */
export function announces(a: Announcer): boolean {
  return a.roles.some((r) => ADMINISTRATION.includes(r)) || a.classTeacherOf.length > 0
}

/** The last day an announcement shows may be left empty (until withdrawn) but not lie in the past. */
export function visibleUntilError(until: string | null, today: string): 'past' | null {
  return until !== null && until < today ? 'past' : null
}

/** The author withdraws their announcement; the administration any announcement. */
export function mayWithdraw(a: Announcer & { personId: number }, ann: { author_id: number }): boolean {
  return ann.author_id === a.personId || a.roles.some((r) => ADMINISTRATION.includes(r))
}
