// Dates are stored as ISO 'YYYY-MM-DD' and shown as ДД.ММ.ГГГГ; timestamps are ISO UTC strings.

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/
const RU = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/

export function isValidIsoDate(s: string): boolean {
  const m = ISO.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]
}

/** Accepts what a person types (01.09.2026, 1.9.2026) or what a date input sends (2026-09-01). */
export function parseDate(input: string): string | null {
  const s = input.trim()
  if (ISO.test(s)) return isValidIsoDate(s) ? s : null
  const m = RU.exec(s)
  if (!m) return null
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`
  return isValidIsoDate(iso) ? iso : null
}

/** '2026-09-01' → '01.09.2026'; a timestamp shows its local date. */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  if (!m) return iso
  if (iso.length > 10) return fmtDate(localDate(new Date(iso)))
  return `${m[3]}.${m[2]}.${m[1]}`
}

/** A timestamp as ДД.ММ.ГГГГ ЧЧ:ММ in the server's local time (the school's clock). */
export function fmtDateTime(ts: string | null | undefined): string {
  if (!ts) return ''
  const d = new Date(ts)
  if (Number.isNaN(d.getTime())) return ts
  const hh = String(d.getHours()).padStart(2, '0')
  const mm = String(d.getMinutes()).padStart(2, '0')
  return `${fmtDate(localDate(d))} ${hh}:${mm}`
}

export function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString()
}

// Day arithmetic on the proleptic Gregorian calendar without Date objects (H. Hinnant's days_from_civil and
// civil_from_days): every page computes weeks and periods, and a Date built and formatted per step was a
// measurable part of a kept diary week's cost.
function dayNumber(iso: string): number {
  let y = +iso.slice(0, 4)
  const m = +iso.slice(5, 7)
  const d = +iso.slice(8, 10)
  if (m <= 2) y--
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function isoOfDay(n: number): string {
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}

export function addDays(iso: string, days: number): string {
  return isoOfDay(dayNumber(iso) + days)
}

export function addMinutes(ts: Date, minutes: number): Date {
  return new Date(ts.getTime() + minutes * 60_000)
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function weekday(iso: string): number {
  // Day 0 of the count (1970-01-01) was a Thursday.
  return ((((dayNumber(iso) + 3) % 7) + 7) % 7) + 1
}

/** The Monday of the week containing the date. */
export function mondayOf(iso: string): string {
  return addDays(iso, 1 - weekday(iso))
}
