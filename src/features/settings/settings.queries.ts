// Queries of the settings area: kinds of work and the school's journal rules; every write runs in one
// transaction with its audit record (before and after) (R-J-4, R-J-6).
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { journalSettings, type JournalSettings } from '../../lib/school-settings.js'
import { canDeleteKind, SETTING_KEYS } from './settings.rules.js'

type Q = DB | Transaction<Database>

export interface WorkKindValue { name: string; short_name: string; weight: number; deadline: string; is_control: number; sort_order: number }
export interface WorkKindRow extends WorkKindValue { id: number; used: number }

const usedSql = sql<number>`(select count(*) from lesson_columns lc where lc.work_kind_id = k.id)`

export async function listWorkKinds(db: Q): Promise<WorkKindRow[]> {
  const rows = await db.selectFrom('work_kinds as k').selectAll('k').select(usedSql.as('used'))
    .orderBy('k.sort_order').orderBy('k.name').execute()
  return rows.map((r) => ({ ...r, used: Number(r.used) }))
}

export async function getWorkKind(db: Q, id: number): Promise<WorkKindRow | null> {
  const r = await db.selectFrom('work_kinds as k').selectAll('k').select(usedSql.as('used')).where('k.id', '=', id).executeTakeFirst()
  return r ? { ...r, used: Number(r.used) } : null
}

/** Names are unique regardless of letter case: «Диктант» and «диктант» would look like one kind in a list. */
async function nameTaken(db: Q, name: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('work_kinds').select(['id', 'name'])
  if (exceptId) q = q.where('id', '<>', exceptId)
  const key = name.toLocaleLowerCase('ru')
  return (await q.execute()).some((k) => k.name.toLocaleLowerCase('ru') === key)
}

export type KindWrite = { ok: true; id: number } | { ok: false; error: 'nameTaken' | 'gone' }

export async function createWorkKind(db: DB, actor: Actor, v: WorkKindValue): Promise<KindWrite> {
  return db.transaction().execute(async (trx): Promise<KindWrite> => {
    if (await nameTaken(trx, v.name, null)) return { ok: false, error: 'nameTaken' }
    const { id } = await trx.insertInto('work_kinds').values(v).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'settings.work_kind.create', entity: 'work_kind', entityId: id, after: v })
    return { ok: true, id }
  })
}

export async function updateWorkKind(db: DB, actor: Actor, id: number, v: WorkKindValue): Promise<KindWrite> {
  return db.transaction().execute(async (trx): Promise<KindWrite> => {
    const before = await getWorkKind(trx, id)
    if (!before) return { ok: false, error: 'gone' }
    if (await nameTaken(trx, v.name, id)) return { ok: false, error: 'nameTaken' }
    await trx.updateTable('work_kinds').set(v).where('id', '=', id).execute()
    const { used: _used, id: _id, ...was } = before
    await audit(trx, actor, { action: 'settings.work_kind.update', entity: 'work_kind', entityId: id, before: was, after: v })
    return { ok: true, id }
  })
}

export type KindDelete = { ok: true; name: string } | { ok: false; used: number; name: string } | { ok: false; gone: true }

/** Deletes a kind no lesson uses (checked inside the transaction, so a lesson saved meanwhile still wins). */
export async function deleteWorkKind(db: DB, actor: Actor, id: number): Promise<KindDelete> {
  return db.transaction().execute(async (trx): Promise<KindDelete> => {
    const k = await getWorkKind(trx, id)
    if (!k) return { ok: false, gone: true }
    if (!canDeleteKind(k.used)) return { ok: false, used: k.used, name: k.name }
    await trx.deleteFrom('work_kinds').where('id', '=', id).execute()
    const { used: _used, id: _id, ...was } = k
    await audit(trx, actor, { action: 'settings.work_kind.delete', entity: 'work_kind', entityId: id, before: was })
    return { ok: true, name: k.name }
  })
}

/** Saves every journal rule; returns false (and writes nothing, not even an audit row) when nothing changed. */
export async function saveJournalSettings(db: DB, actor: Actor, values: JournalSettings): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await journalSettings(trx)
    if (SETTING_KEYS.every((k) => before[k] === values[k])) return false
    for (const key of SETTING_KEYS) {
      const value = String(values[key])
      await trx.insertInto('school_settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()
    }
    await audit(trx, actor, { action: 'settings.journal', entity: 'school_settings', before, after: values })
    return true
  })
}
