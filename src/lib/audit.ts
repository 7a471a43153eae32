// Writes the audit record of a change; callers pass the transaction that makes the change (R-ACC-5).
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/types.js'
import { nowIso } from './dates.js'

/** Who does something, as every query module receives it. */
export interface Actor {
  userId: number | null
  personId: number | null
  ip?: string | null
}

export const SYSTEM: Actor = { userId: null, personId: null, ip: null }

export interface AuditEntry {
  action: string
  entity: string
  entityId?: string | number | null
  before?: unknown
  after?: unknown
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v)
}

export async function audit(trx: Kysely<Database> | Transaction<Database>, actor: Actor, e: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      actor_user_id: actor.userId,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      before: json(e.before),
      after: json(e.after),
      ip: actor.ip ?? null,
    })
    .execute()
}
