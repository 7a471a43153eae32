// Pure rules of the settings area: who edits the journal settings, kinds of work (weight, checking deadline)
// and the values of the school-editable journal rules (R-J-4, R-J-6).
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { JOURNAL_SETTINGS, type JournalSettingKey } from '../../lib/school-settings.js'

/** The administrator and the deputy keep the journal's settings; nobody else reaches them. */
export const SETTINGS_ROLES: Access[] = ['admin', 'deputy']

export const WEIGHT_MIN = 0.5
export const WEIGHT_MAX = 10
export const DAYS_MIN = 1
export const DAYS_MAX = 30
export const NAME_MAX = 100
export const SHORT_MAX = 10

/** «1,5», «1.5», «2» → a number with at most `decimals` places; anything else → null. */
export function parseDecimal(s: string, decimals = 2): number | null {
  const v = s.trim().replace(',', '.')
  const re = new RegExp(`^\\d{1,5}(\\.\\d{1,${decimals}})?$`)
  return re.test(v) ? Number(v) : null
}

/** 1.5 → «1,5», as Russian writes decimals. */
export function fmtNumber(n: number): string {
  return String(n).replace('.', ',')
}

export function parseWeight(s: string): number | null {
  const n = parseDecimal(s)
  return n !== null && n >= WEIGHT_MIN && n <= WEIGHT_MAX ? n : null
}

// ---------------------------------------------------------------------------------------------------------
// Checking deadlines: stored as 'same_day' | 'next_lesson' | 'days:N' (see parseDeadline in journal.rules).

export type DeadlineKind = 'same_day' | 'next_lesson' | 'days'
export const DEADLINE_KINDS: readonly DeadlineKind[] = ['same_day', 'next_lesson', 'days']

export function deadlineCode(kind: DeadlineKind, days: number | null): string {
  return kind === 'days' ? `days:${days}` : kind
}

/** A stored deadline back into the form's two fields. */
export function splitDeadline(code: string): { kind: DeadlineKind; days: number | null } {
  const m = /^days:(\d{1,2})$/.exec(code)
  if (m) return { kind: 'days', days: Number(m[1]) }
  return { kind: code === 'same_day' ? 'same_day' : 'next_lesson', days: null }
}

export function deadlineText(code: string): string {
  const d = splitDeadline(code)
  return d.kind === 'days' ? t('settings.deadline.daysN', { n: d.days ?? 0 }) : t(`settings.deadline.${d.kind}`)
}

/** A kind of work that lessons have used keeps its row (their marks need its weight): rename or reweight only. */
export function canDeleteKind(used: number): boolean {
  return used === 0
}

// ---------------------------------------------------------------------------------------------------------
// Journal rules, rendered and checked from the one table JOURNAL_SETTINGS.

type Spec = (typeof JOURNAL_SETTINGS)[JournalSettingKey]

export const SETTING_KEYS = Object.keys(JOURNAL_SETTINGS) as JournalSettingKey[]

/** A 0/1 setting is a yes/no question: shown as a checkbox. */
export function isFlag(spec: Spec): boolean {
  return spec.min === 0 && spec.max === 1 && Number.isInteger(spec.default)
}

/** A setting whose default and bounds are whole numbers takes whole numbers only. */
export function isWhole(spec: Spec): boolean {
  return [spec.default, spec.min, spec.max].every(Number.isInteger)
}

export type SettingParse = { ok: true; value: number } | { ok: false; error: string }

export function parseSetting(key: JournalSettingKey, raw: string): SettingParse {
  const spec = JOURNAL_SETTINGS[key]
  const bounds = { min: fmtNumber(spec.min), max: fmtNumber(spec.max) }
  const whole = isWhole(spec)
  const n = whole ? (/^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : null) : parseDecimal(raw)
  if (n === null || n < spec.min || n > spec.max) {
    return { ok: false, error: t(whole ? 'settings.err.integer' : 'settings.err.number', bounds) }
  }
  return { ok: true, value: n }
}
