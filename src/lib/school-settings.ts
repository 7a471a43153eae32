// School-editable rules with their defaults from the regulations, stored in school_settings (key → value).
import type { DB } from '../db/connection.js'

export const JOURNAL_SETTINGS = {
  /** Minutes after the class's last lesson of the day by which homework counts as on time [001 App.1 §2.2: 120; 002 §9.5: 60]. */
  homework_grace_minutes: { default: 120, min: 0, max: 1440 },
  /** A fractional part at or above this rounds the proposed final mark up (0.5 ordinary, 0.6 common). */
  rounding_threshold: { default: 0.5, min: 0.5, max: 0.9 },
  /** Days after the lesson a mark may be entered when its kind of work sets no shorter deadline [001 App.1 §2.4]. */
  default_entry_days: { default: 7, min: 1, max: 30 },
  /** The final-mark window: days before the period's end … days after it [000 §5.3]. */
  final_days_before: { default: 6, min: 0, max: 30 },
  final_days_after: { default: 3, min: 0, max: 30 },
  /** Families see class averages (without names) of a control work: 1 yes, 0 no [002 §5.11]. */
  show_class_average: { default: 0, min: 0, max: 1 },
} as const

export type JournalSettingKey = keyof typeof JOURNAL_SETTINGS
export type JournalSettings = Record<JournalSettingKey, number>

/** All journal settings, each falling back to its default when unset or out of range. */
export async function journalSettings(db: DB): Promise<JournalSettings> {
  const keys = Object.keys(JOURNAL_SETTINGS) as JournalSettingKey[]
  const rows = await db.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', keys).execute()
  const out = {} as JournalSettings
  for (const k of keys) {
    const spec = JOURNAL_SETTINGS[k]
    const raw = rows.find((r) => r.key === k)?.value
    const n = raw === undefined ? NaN : Number(raw)
    out[k] = Number.isFinite(n) && n >= spec.min && n <= spec.max ? n : spec.default
  }
  return out
}
