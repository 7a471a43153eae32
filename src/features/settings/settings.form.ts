// Form posts of the settings area → typed values or Russian field errors (nothing here touches the database).
import { t } from '../../i18n/index.js'
import { checkbox, field, type FieldErrors, type Parsed } from '../../lib/forms.js'
import type { JournalSettings } from '../../lib/school-settings.js'
import { JOURNAL_SETTINGS } from '../../lib/school-settings.js'
import type { WorkKindValue } from './settings.queries.js'
import {
  deadlineCode, fmtNumber, isFlag, parseSetting, parseWeight,
  DAYS_MAX, DAYS_MIN, DEADLINE_KINDS, NAME_MAX, SETTING_KEYS, SHORT_MAX, WEIGHT_MAX, WEIGHT_MIN, type DeadlineKind,
} from './settings.rules.js'

function text(body: unknown, name: string, errors: FieldErrors, max: number): string {
  const v = field(body, name).replace(/\s+/g, ' ')
  if (!v) errors[name] = t('common.required')
  else if (v.length > max) errors[name] = t('common.tooLong', { max })
  return v
}

export function parseWorkKindForm(body: unknown): Parsed<WorkKindValue> {
  const errors: FieldErrors = {}
  const name = text(body, 'name', errors, NAME_MAX)
  const short_name = text(body, 'short_name', errors, SHORT_MAX)
  const weight = parseWeight(field(body, 'weight'))
  if (weight === null) errors.weight = t('settings.err.weight', { min: fmtNumber(WEIGHT_MIN), max: WEIGHT_MAX })
  const kind = field(body, 'deadline_kind') as DeadlineKind
  let days: number | null = null
  if (!DEADLINE_KINDS.includes(kind)) errors.deadline_kind = t('common.badChoice')
  else if (kind === 'days') {
    const raw = field(body, 'deadline_days')
    days = /^\d{1,2}$/.test(raw) ? Number(raw) : null
    if (days === null || days < DAYS_MIN || days > DAYS_MAX) errors.deadline_days = t('settings.err.days', { min: DAYS_MIN, max: DAYS_MAX })
  }
  const rawOrder = field(body, 'sort_order')
  const sort_order = rawOrder === '' ? 100 : /^\d{1,4}$/.test(rawOrder) ? Number(rawOrder) : null
  if (sort_order === null) errors.sort_order = t('settings.err.order')
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: { name, short_name, weight: weight!, deadline: deadlineCode(kind, days), is_control: checkbox(body, 'is_control') ? 1 : 0, sort_order: sort_order! },
  }
}

/** Every journal rule from the form; a flag left unticked is sent as nothing and means 0. */
export function parseJournalSettingsForm(body: unknown): Parsed<JournalSettings> {
  const errors: FieldErrors = {}
  const value = {} as JournalSettings
  for (const key of SETTING_KEYS) {
    if (isFlag(JOURNAL_SETTINGS[key])) { value[key] = checkbox(body, key) ? 1 : 0; continue }
    const raw = field(body, key)
    if (!raw) { errors[key] = t('common.required'); continue }
    const p = parseSetting(key, raw)
    if (p.ok) value[key] = p.value
    else errors[key] = p.error
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value }
}
