// Pure rules of the accounts area: code states and lifetime, what the admin may do to a person, class scope (R-ACC-1).
import type { Role } from '../../db/types.js'

export const STAFF_ROLES: readonly Role[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk']

export function isStaffRole(role: Role): boolean {
  return STAFF_ROLES.includes(role)
}

export type CodeStatus = 'active' | 'used' | 'expired' | 'revoked'

export interface CodeDates { used_at: string | null; revoked_at: string | null; expires_at: string }

/** What the admin sees for a code: revocation and use are final, expiry depends on the moment. */
export function codeStatus(inv: CodeDates, now: Date): CodeStatus {
  if (inv.revoked_at) return 'revoked'
  if (inv.used_at) return 'used'
  if (new Date(inv.expires_at).getTime() <= now.getTime()) return 'expired'
  return 'active'
}

/**
 * A code issued today for `days` days works until the end of that local day, so that «действует до 06.12.2026»
 * on a slip means what a parent reads: the whole of the 6th.
 */
export function codeExpiry(now: Date, days: number): string {
  const d = new Date(now.getTime())
  d.setDate(d.getDate() + days)
  d.setHours(23, 59, 59, 999)
  return d.toISOString()
}

export interface AccountTarget {
  roles: Role[]
  /** The person's account, if any. */
  user: { id: number; disabled: boolean } | null
}

export interface PersonActions { register: boolean; reset: boolean; disable: boolean; enable: boolean }

/**
 * What the admin may do on a person's page. Registration codes from the admin are for staff only (families get
 * theirs from the class teacher); an admin cannot disable their own account and so lock everybody out.
 */
export function personActions(target: AccountTarget, actorUserId: number): PersonActions {
  const u = target.user
  return {
    register: !u && target.roles.some(isStaffRole),
    reset: !!u && !u.disabled,
    disable: !!u && !u.disabled && u.id !== actorUserId,
    enable: !!u && u.disabled,
  }
}

/** Who the admin list shows: everybody with a staff role and every account holder. */
export function inAdminScope(target: AccountTarget): boolean {
  return target.user !== null || target.roles.some(isStaffRole)
}

export interface ClassScopeUser { roles: Role[]; classTeacherOf: number[] }

/** The admin reaches every class; a class teacher only the classes they lead. */
export function mayManageClass(user: ClassScopeUser, classId: number): boolean {
  return user.roles.includes('admin') || user.classTeacherOf.includes(classId)
}

/** A family member gets a new code only when they have neither an account nor a code still valid. */
export function needsCode(m: { login: string | null; code: unknown | null }): boolean {
  return m.login === null && m.code === null
}

export function classLabel(c: { grade: number; letter: string }): string {
  return `${c.grade}${c.letter}`
}

export const ACCOUNT_FILTERS = ['', 'yes', 'no', 'disabled'] as const
export type AccountFilter = (typeof ACCOUNT_FILTERS)[number]

/** Where a person registers, as printed on a slip: the address this server was reached at. */
export function registerUrl(protocol: string, host: string): string {
  return `${protocol}://${host}/register`
}
