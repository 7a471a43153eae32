// The weekly reasons form → the changes to write: read against the absences the page showed, so that a
// field naming anything else is ignored, never written (R-J-5).
import type { AbsenceReason } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { field, fields, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { absenceField, dayField, isReason, type WeekAbsence } from './attendance.rules.js'

export interface ReasonChange { lessonId: number; studentId: number; before: AbsenceReason | null; after: AbsenceReason | null }

/**
 * Each absence takes the reason chosen for its lesson, unless a reason is chosen for the student's whole
 * day, which then applies to every lesson of that day sent with the form. An empty choice clears a reason.
 * An absence the form did not carry (entered after the page was opened) is left as it is.
 */
export function parseReasons(body: unknown, absences: WeekAbsence[]): Parsed<ReasonChange[]> {
  const errors: FieldErrors = {}
  const bad = t('attendance.badReason')
  const dayChoice = new Map<string, AbsenceReason>()
  for (const a of absences) {
    const key = dayField(a.studentId, a.date)
    if (dayChoice.has(key) || errors[key]) continue
    const v = field(body, key)
    if (v === '') continue
    if (isReason(v)) dayChoice.set(key, v)
    else errors[key] = bad
  }
  const changes: ReasonChange[] = []
  for (const a of absences) {
    const key = absenceField(a)
    if (fields(body, key).length === 0) continue
    const v = field(body, key)
    if (v !== '' && !isReason(v)) { errors[key] = bad; continue }
    const after = dayChoice.get(dayField(a.studentId, a.date)) ?? (v === '' ? null : v as AbsenceReason)
    if (after !== a.reason) changes.push({ lessonId: a.lessonId, studentId: a.studentId, before: a.reason, after })
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: changes }
}
