// Reading HTML form posts: every field is a string (or absent); parsers turn them into typed values + errors.
export type FieldErrors = Record<string, string>
export type Body = Record<string, unknown>

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

/** A trimmed text field ('' when absent; the first value when a field was sent twice). */
export function field(body: unknown, name: string): string {
  const v = (body as Body | undefined)?.[name]
  if (Array.isArray(v)) return String(v[0] ?? '').trim()
  return v === undefined || v === null ? '' : String(v).trim()
}

/** All values of a repeated field (checkbox lists, multi-selects). */
export function fields(body: unknown, name: string): string[] {
  const v = (body as Body | undefined)?.[name]
  if (v === undefined || v === null) return []
  return (Array.isArray(v) ? v : [v]).map((x) => String(x).trim())
}

export function checkbox(body: unknown, name: string): boolean {
  const v = field(body, name)
  return v === 'on' || v === '1' || v === 'true'
}

/** The form's raw input, kept to re-render the form after an error (passwords are never echoed). */
export function keepInput(body: unknown, omit: string[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries((body as Body) ?? {})) {
    if (k === '_csrf' || omit.includes(k)) continue
    out[k] = Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '')
  }
  return out
}

/** A positive integer id from a URL or form, or null. */
export function toId(v: unknown): number | null {
  const s = String(v ?? '')
  if (!/^\d{1,15}$/.test(s)) return null
  const n = Number(s)
  return n > 0 ? n : null
}

/** A safe place to return to after login: a path on this site only. */
export function safeNext(next: unknown): string {
  const s = typeof next === 'string' ? next : ''
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/\\') ? s : '/'
}
