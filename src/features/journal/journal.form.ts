// The lesson form and the late-entry forms, parsed into typed values with a Russian message per field.
import { t } from '../../i18n/index.js'
import { checkbox, field, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'

export const MAX_COLUMNS = 3
export const LIMITS = { topic: 500, homework: 2000, individual: 1000, order: 100, reason: 500 } as const

/** Field names of the per-student inputs. */
export const cellName = (studentId: number) => `c_${studentId}`
export const individualName = (studentId: number) => `hw_${studentId}`

export interface LessonFormValue {
  planTopicId: number | null
  topic: string
  homework: string
  /** Work kind ids of mark columns 1..n (no gaps). */
  kinds: number[]
  distance: boolean
  distanceOrder: string
  extracurricular: boolean
  /** Why marks were changed (kept in their history); optional. */
  reason: string
  confirmWarnings: boolean
  /** The raw cell text of every student of the form (only those who had a field). */
  cells: Map<number, string>
  individual: Map<number, string>
}

export interface LessonFormContext {
  studentIds: number[]
  kindIds: Set<number>
  planTopicIds: Set<number>
  /** Grade 1 is unmarked: the form has no kinds of work. */
  unmarked: boolean
}

function tooLong(errors: FieldErrors, name: string, value: string, max: number): void {
  if (value.length > max) errors[name] = t('common.tooLong', { max })
}

export function parseLessonForm(body: unknown, ctx: LessonFormContext): Parsed<LessonFormValue> {
  const errors: FieldErrors = {}
  const planRaw = field(body, 'plan_topic')
  let planTopicId: number | null = null
  if (planRaw) {
    planTopicId = toId(planRaw)
    if (planTopicId === null || !ctx.planTopicIds.has(planTopicId)) errors.plan_topic = t('common.badChoice')
  }
  const topic = field(body, 'topic')
  const homework = field(body, 'homework')
  tooLong(errors, 'topic', topic, LIMITS.topic)
  tooLong(errors, 'homework', homework, LIMITS.homework)

  const kinds: number[] = []
  if (!ctx.unmarked) {
    let gap = false
    for (let col = 1; col <= MAX_COLUMNS; col++) {
      const raw = field(body, `kind_${col}`)
      if (!raw) { gap = true; continue }
      const id = toId(raw)
      if (id === null || !ctx.kindIds.has(id)) errors[`kind_${col}`] = t('common.badChoice')
      else if (gap) errors[`kind_${col}`] = t('journal.form.kindGap', { n: col - 1 })
      else kinds.push(id)
    }
  }

  const distance = checkbox(body, 'distance')
  const distanceOrder = field(body, 'distance_order')
  tooLong(errors, 'distance_order', distanceOrder, LIMITS.order)
  if (distance && !distanceOrder) errors.distance_order = t('journal.form.orderRequired')
  const extracurricular = checkbox(body, 'extracurricular')
  const reason = field(body, 'reason')
  tooLong(errors, 'reason', reason, LIMITS.reason)

  const cells = new Map<number, string>()
  const individual = new Map<number, string>()
  for (const id of ctx.studentIds) {
    cells.set(id, field(body, cellName(id)))
    const hw = field(body, individualName(id))
    tooLong(errors, individualName(id), hw, LIMITS.individual)
    individual.set(id, hw)
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: { planTopicId, topic, homework, kinds, distance, distanceOrder, extracurricular, reason, confirmWarnings: checkbox(body, 'confirm'), cells, individual },
  }
}

/** The teacher's reason for a late-entry request. */
export function parseLateRequest(body: unknown): Parsed<{ reason: string }> {
  const reason = field(body, 'late_reason')
  if (!reason) return { ok: false, errors: { late_reason: t('journal.late.reasonRequired') } }
  if (reason.length > LIMITS.reason) return { ok: false, errors: { late_reason: t('common.tooLong', { max: LIMITS.reason }) } }
  return { ok: true, value: { reason } }
}

export const APPROVAL_DAYS = { default: 3, min: 1, max: 30 }

/** The deputy's approval: how many days it stays valid. */
export function parseApproval(body: unknown): Parsed<{ days: number }> {
  const raw = field(body, 'days') || String(APPROVAL_DAYS.default)
  const n = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN
  if (!(n >= APPROVAL_DAYS.min && n <= APPROVAL_DAYS.max)) {
    return { ok: false, errors: { days: t('journal.approvals.badDays', { min: APPROVAL_DAYS.min, max: APPROVAL_DAYS.max }) } }
  }
  return { ok: true, value: { days: n } }
}
