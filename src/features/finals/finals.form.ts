// Forms of the finals area → typed values with Russian errors per field: the set form, a correction request,
// the approver's decision.
import { t } from '../../i18n/index.js'
import { field, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { isFinalValue, type FinalValue } from './finals.rules.js'

const MAX_TEXT = 2000
const MAX_ORDER = 60

/** The set form: one select per student, named m_<studentId>; '' leaves the student's mark unset. */
export function parseSetForm(body: unknown, studentIds: number[]): Parsed<Map<number, FinalValue | null>> {
  const out = new Map<number, FinalValue | null>()
  const errors: FieldErrors = {}
  for (const id of studentIds) {
    const v = field(body, `m_${id}`)
    if (v === '') out.set(id, null)
    else if (isFinalValue(v)) out.set(id, v)
    else errors[`m_${id}`] = t('common.badChoice')
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: out }
}

export interface CorrectionInput { newValue: FinalValue; explanation: string }

/** A correction request: a new value different from the current one, and the reason (always; in grades 9 and 11 the written explanation). */
export function parseCorrectionForm(body: unknown, current: string, writtenExplanation: boolean): Parsed<CorrectionInput> {
  const newValue = field(body, 'new_value')
  const explanation = field(body, 'explanation')
  const errors: FieldErrors = {}
  if (!isFinalValue(newValue)) errors.new_value = newValue ? t('common.badChoice') : t('finals.correct.chooseValue')
  else if (newValue === current) errors.new_value = t('finals.correct.sameValue')
  if (!explanation) errors.explanation = writtenExplanation ? t('finals.correct.explanationRequired') : t('finals.correct.reasonRequired')
  else if (explanation.length > MAX_TEXT) errors.explanation = t('common.tooLong', { max: MAX_TEXT })
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { newValue: newValue as FinalValue, explanation } }
}

export interface DecisionInput { orderNumber: string; note: string }

/** The approver's decision: the director approves by an order («распоряжение №»), which is required then. */
export function parseDecisionForm(body: unknown, approve: boolean, orderRequired: boolean): Parsed<DecisionInput> {
  const orderNumber = field(body, 'order_number')
  const note = field(body, 'note')
  const errors: FieldErrors = {}
  if (approve && orderRequired && !orderNumber) errors.order_number = t('finals.decide.orderRequired')
  else if (orderNumber.length > MAX_ORDER) errors.order_number = t('common.tooLong', { max: MAX_ORDER })
  if (!approve && !note) errors.note = t('finals.decide.refuseNoteRequired')
  else if (note.length > MAX_TEXT) errors.note = t('common.tooLong', { max: MAX_TEXT })
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { orderNumber: approve ? orderNumber : '', note } }
}
