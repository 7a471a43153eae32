// Reading the append-only audit log with filters; newest first, keyset-paged by id.
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'

export interface AuditFilter {
  from: string | null // ISO date, inclusive
  to: string | null // ISO date, inclusive
  login: string
  action: string // prefix: 'auth' or 'auth.login'
  entity: string
  entityId: string
  before: number | null // page: rows with id < before
}

export interface AuditRow {
  id: number
  at: string
  login: string | null
  actorName: string | null
  action: string
  entity: string
  entity_id: string | null
  before: string | null
  after: string | null
  ip: string | null
}

export const PAGE_SIZE = 100

export async function searchAudit(db: DB, f: AuditFilter): Promise<{ rows: AuditRow[]; nextBefore: number | null }> {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .leftJoin('persons as p', 'p.id', 'u.person_id')
    .select(['a.id', 'a.at', 'u.login', 'a.action', 'a.entity', 'a.entity_id', 'a.before', 'a.after', 'a.ip'])
    .select(sql<string | null>`p.last_name || ' ' || p.first_name`.as('actorName'))
  if (f.from) q = q.where('a.at', '>=', new Date(`${f.from}T00:00:00`).toISOString())
  if (f.to) q = q.where('a.at', '<', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString())
  if (f.login) q = q.where('u.login', '=', f.login.toLowerCase())
  if (f.action) q = q.where((eb) => eb.or([eb('a.action', '=', f.action), eb('a.action', 'like', `${f.action.replace(/[%_]/g, '')}.%`)]))
  if (f.entity) q = q.where('a.entity', '=', f.entity)
  if (f.entityId) q = q.where('a.entity_id', '=', f.entityId)
  if (f.before) q = q.where('a.id', '<', f.before)
  const rows = (await q.orderBy('a.id', 'desc').limit(PAGE_SIZE + 1).execute()) as AuditRow[]
  const more = rows.length > PAGE_SIZE
  if (more) rows.pop()
  return { rows, nextBefore: more ? rows[rows.length - 1].id : null }
}

/** The distinct action codes present, for the filter's list. */
export async function auditActions(db: DB): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute()
  return rows.map((r) => r.action)
}
