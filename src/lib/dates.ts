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

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return t.toISOString().slice(0, 10)
}

export function addMinutes(ts: Date, minutes: number): Date {
  return new Date(ts.getTime() + minutes * 60_000)
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function weekday(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number)
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return wd === 0 ? 7 : wd
}

/** The Monday of the week containing the date. */
export function mondayOf(iso: string): string {
  return addDays(iso, 1 - weekday(iso))
}
