// Pure rules of the auth area: lockout, code format and validity, login and password shape (R-ACC-1,4).

export interface LockState { failed_logins: number; locked_until: string | null }

/** Is the account locked at this moment? */
export function isLocked(u: LockState, now: Date): boolean {
  return u.locked_until !== null && new Date(u.locked_until).getTime() > now.getTime()
}

/** The state after one more failed attempt: the threshold-th failure in a row locks for lockoutMinutes. */
export function afterFailure(u: LockState, now: Date, threshold: number, lockoutMinutes: number): LockState {
  // A lock that has run out starts the count again.
  const failed = (u.locked_until && !isLocked(u, now) ? 0 : u.failed_logins) + 1
  if (failed >= threshold) {
    return { failed_logins: 0, locked_until: new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() }
  }
  return { failed_logins: failed, locked_until: u.locked_until && isLocked(u, now) ? u.locked_until : null }
}

// No 0/O, 1/I/L: a code is read off paper and typed by hand.
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

export function formatCode(raw: string): string {
  return raw.match(/.{1,4}/g)!.join('-')
}

/** What a person typed → the stored form: upper case, without spaces or dashes. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '')
}

export type CodeState = 'ok' | 'unknown' | 'used' | 'expired'

export function codeState(inv: { used_at: string | null; revoked_at: string | null; expires_at: string } | undefined, now: Date): CodeState {
  if (!inv || inv.revoked_at) return 'unknown'
  if (inv.used_at) return 'used'
  if (new Date(inv.expires_at).getTime() <= now.getTime()) return 'expired'
  return 'ok'
}

export const LOGIN_RE = /^[a-z0-9][a-z0-9._-]{2,39}$/
export const MIN_PASSWORD = 8

export function validLogin(login: string): boolean {
  return LOGIN_RE.test(login)
}
