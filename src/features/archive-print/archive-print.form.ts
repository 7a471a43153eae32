// The promotion decisions form → typed value with a Russian error per field: one decision per student
// (d_<studentId>), the council's date and protocol number once for the class (R-ARC-2).
import type { PromotionDecision } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { parseDate } from '../../lib/dates.js'
import { field, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { councilDateRefusal, decisionRefusal, DECISIONS } from './archive-print.rules.js'
import type { DecisionWrite } from './archive-print.queries.js'

export const MAX_PROTOCOL = 30

export interface DecisionsInput { writes: DecisionWrite[]; council: { date: string; protocol: string } }

export interface DecisionsContext {
  /** The students the form lists, with the decision already recorded for each. */
  students: { id: number; current: PromotionDecision | null }[]
  grade: number
  year: { starts_on: string; ends_on: string }
  today: string
}

const isDecision = (v: string): v is PromotionDecision => (DECISIONS as readonly string[]).includes(v)

export function decisionField(studentId: number): string {
  return `d_${studentId}`
}

/**
 * One decision per student; `all` (optional) is the decision for every student left without one below — the
 * usual «переведён» for a whole class with a few exceptions, without choosing it thirty times.
 */
export function parseDecisionsForm(body: unknown, ctx: DecisionsContext): Parsed<DecisionsInput> {
  const errors: FieldErrors = {}
  const writes: DecisionWrite[] = []
  const all = field(body, 'all')
  if (all !== '') {
    if (!isDecision(all)) errors.all = t('common.badChoice')
    else {
      const refusal = decisionRefusal(all, ctx.grade)
      if (refusal) errors.all = t(`summary.decisions.${refusal}`)
    }
  }
  const fallback = all !== '' && !errors.all ? all : ''
  for (const s of ctx.students) {
    const name = decisionField(s.id)
    const v = field(body, name) || (s.current === null ? fallback : '')
    if (v === '') {
      // A recorded decision is changed, never silently removed.
      if (s.current !== null) errors[name] = t('summary.decisions.cannotClear')
      continue
    }
    if (!isDecision(v)) { errors[name] = t('common.badChoice'); continue }
    const refusal = decisionRefusal(v, ctx.grade)
    if (refusal) { errors[name] = t(`summary.decisions.${refusal}`); continue }
    writes.push({ studentId: s.id, decision: v })
  }
  if (!writes.length && !Object.keys(errors).length && !ctx.students.some((s) => s.current !== null)) {
    errors.decisions = t('summary.decisions.noneChosen')
  }

  const rawDate = field(body, 'council_date')
  const date = rawDate ? parseDate(rawDate) : null
  if (!rawDate) errors.council_date = t('summary.decisions.dateRequired')
  else if (!date) errors.council_date = t('summary.decisions.dateInvalid')
  else {
    const r = councilDateRefusal(date, ctx.year, ctx.today)
    if (r) errors.council_date = t(`summary.decisions.date_${r}`)
  }
  const protocol = field(body, 'protocol')
  if (!protocol) errors.protocol = t('summary.decisions.protocolRequired')
  else if (protocol.length > MAX_PROTOCOL) errors.protocol = t('common.tooLong', { max: MAX_PROTOCOL })

  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { writes, council: { date: date!, protocol: protocol.replace(/^№\s*/, '') } } }
}
