// Pure rules of the weekly digest: which week a run sends, when the scheduler runs it, how a week is named (R-D-4).
import { addDays, fmtDate, localDate, mondayOf, weekday } from '../../lib/dates.js'

/**
 * The digest goes out on Sunday from 18:00 (school time) for the week ending that day, so that a family reads it
 * before the new week starts. A server that was off then catches up later in the week with the same letter.
 */
export const DIGEST_WEEKDAY = 7
export const DIGEST_HOUR = 18
/** The scheduler wakes this often; sending is idempotent per subscription and week (last_sent_week). */
export const SCHEDULER_MINUTES = 10

/** The Monday of the week a run at `now` sends: the week ending today on Sunday evening, else the last full week. */
export function digestWeekFor(now: Date): string {
  const today = localDate(now)
  const monday = mondayOf(today)
  if (weekday(today) === DIGEST_WEEKDAY && now.getHours() >= DIGEST_HOUR) return monday
  return addDays(monday, -7)
}

/** '16.11–22.11.2026'; across a new year both years are shown: '28.12.2026–03.01.2027'. */
export function weekLabel(monday: string): string {
  const sunday = addDays(monday, 6)
  const from = fmtDate(monday)
  const to = fmtDate(sunday)
  return monday.slice(0, 4) === sunday.slice(0, 4) ? `${from.slice(0, 5)}–${to}` : `${from}–${to}`
}

/** The week given on the command line or by the admin: any day of it, as YYYY-MM-DD → its Monday. */
export function weekOf(date: string): string {
  return mondayOf(date)
}

export const EMAIL_MAX = 120
const EMAIL_RE = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/

/** A plain address (no name, no list): what a parent types for the digest. */
export function validEmail(s: string): boolean {
  return s.length <= EMAIL_MAX && EMAIL_RE.test(s)
}

/** The sender as the admin types it: an address, or «Name <address>». */
export function validFrom(s: string): boolean {
  const m = /^(.{1,120}?)\s*<([^<>]+)>$/.exec(s)
  return s.length <= 200 && (m ? validEmail(m[2]) && !/[<>"]/.test(m[1]) : validEmail(s))
}

/** A host name or an IPv4/IPv6 address, as nodemailer accepts it. */
export function validHost(s: string): boolean {
  return s.length <= 253 && (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(s) || /^[0-9a-fA-F:]+$/.test(s) && s.includes(':'))
}

/** The journal's public address for links in letters: http(s), no query or fragment. */
export function validSiteUrl(s: string): boolean {
  if (s.length > 200 || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(s)) return false
  try { return Boolean(new URL(s).host) } catch { return false }
}
