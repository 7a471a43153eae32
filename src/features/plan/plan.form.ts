// Form posts of the КТП area → typed values or Russian field errors (nothing here touches the database).
import { t } from '../../i18n/index.js'
import { field, fields, type FieldErrors, type Parsed } from '../../lib/forms.js'
import type { TopicValue } from './plan.queries.js'
import { MAX_HOURS, MAX_NUMBER, MAX_TITLE, PLAN_COLUMNS, parseHours, parseNumber, type RawPlanRow } from './plan.rules.js'

export function parseTopicForm(body: unknown): Parsed<TopicValue> {
  const errors: FieldErrors = {}
  const number = parseNumber(field(body, 'number'))
  if (number === null) errors.number = t('plan.err.number', { max: MAX_NUMBER })
  const title = field(body, 'title').replace(/\s+/g, ' ')
  if (!title) errors.title = t('plan.err.title')
  else if (title.length > MAX_TITLE) errors.title = t('common.tooLong', { max: MAX_TITLE })
  const hours = parseHours(field(body, 'hours'))
  if (hours === null) errors.hours = t('plan.err.hours', { max: MAX_HOURS })
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { number: number!, title, hours: hours! } }
}

/**
 * The rows of a checked file, carried by the preview's confirm form as repeated hidden fields (line, number,
 * title, hours), so that nothing is stored between the check and the confirmation. They are checked again
 * before anything is written.
 */
export function parseImportRows(body: unknown): { line: number; raw: RawPlanRow }[] {
  const lines = fields(body, 'line')
  const cols = Object.fromEntries(PLAN_COLUMNS.map((c) => [c, fields(body, c)])) as Record<(typeof PLAN_COLUMNS)[number], string[]>
  return lines.map((l, i) => ({
    line: Number(l) || i + 1,
    raw: { number: cols.number[i] ?? '', title: (cols.title[i] ?? '').replace(/\s+/g, ' '), hours: cols.hours[i] ?? '' },
  }))
}
