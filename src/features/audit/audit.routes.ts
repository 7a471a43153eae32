// The audit log for the administration: browse and filter, never edit (R-ACC-5).
import type { FastifyInstance } from 'fastify'
import { t, hasMessage } from '../../i18n/index.js'
import { parseDate } from '../../lib/dates.js'
import { field, toId, type FieldErrors } from '../../lib/forms.js'
import { auditActions, searchAudit, type AuditFilter } from './audit.queries.js'

// Who may read the log: the administrator, the deputy who monitors the journal, and the director.
export const AUDIT_READERS = ['admin', 'deputy', 'director'] as const

export function actionLabel(action: string): string {
  const key = `audit.actions.${action.replace(/\./g, '_')}`
  return hasMessage(key) ? t(key) : action
}

export function entityLabel(entity: string): string {
  const key = `audit.entities.${entity}`
  return hasMessage(key) ? t(key) : entity
}

/** A before/after value as readable lines «key: value» instead of raw JSON. */
export function describeValue(json: string | null): string[] {
  if (json === null) return []
  let v: unknown
  try { v = JSON.parse(json) } catch { return [json] }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [JSON.stringify(v)]
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${x === null ? '—' : typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
}

export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get('/audit', { preHandler: app.requireRoles(...AUDIT_READERS) }, async (req, reply) => {
    const q = req.query
    const errors: FieldErrors = {}
    const fromRaw = field(q, 'from')
    const toRaw = field(q, 'to')
    const from = fromRaw ? parseDate(fromRaw) : null
    const to = toRaw ? parseDate(toRaw) : null
    if (fromRaw && !from) errors.from = t('common.badDate')
    if (toRaw && !to) errors.to = t('common.badDate')
    const filter: AuditFilter = {
      from, to,
      login: field(q, 'login'), action: field(q, 'action'), entity: field(q, 'entity'), entityId: field(q, 'entity_id'),
      before: toId(field(q, 'before')),
    }
    const [{ rows, nextBefore }, actions] = await Promise.all([searchAudit(app.db, filter), auditActions(app.db)])
    const params = new URLSearchParams()
    for (const k of ['from', 'to', 'login', 'action', 'entity', 'entity_id']) if (field(q, k)) params.set(k, field(q, k))
    return reply.code(Object.keys(errors).length ? 400 : 200).page('audit/index', {
      title: t('audit.title'),
      rows: rows.map((r) => ({ ...r, label: actionLabel(r.action), entityLabel: entityLabel(r.entity), beforeLines: describeValue(r.before), afterLines: describeValue(r.after) })),
      actions: actions.map((a) => ({ code: a, label: actionLabel(a) })),
      input: Object.fromEntries(['from', 'to', 'login', 'action', 'entity', 'entity_id'].map((k) => [k, field(q, k)])),
      errors,
      nextUrl: nextBefore ? `/audit?${params.toString()}${params.size ? '&' : ''}before=${nextBefore}` : null,
      firstUrl: filter.before ? `/audit?${params.toString()}` : null,
    })
  })
}
