// Server-side sessions in the same SQLite file, so that they survive a restart (R-ACC-4).
import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import type { DB } from '../db/connection.js'
import { prepared } from '../db/prepared.js'

type Cb = (err?: unknown) => void

/** Read for every request that carries a session cookie: a prepared query (see db/prepared.ts). */
const sessionData = prepared((db, sid: string, now: string) =>
  db.selectFrom('sessions').select('data').where('sid', '=', sid).where('expires_at', '>', now))
type GetCb = (err: unknown, result?: Session | null) => void

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly db: DB, private readonly idleMs: number) {}

  set(sid: string, session: Session, cb: Cb): void {
    const now = new Date()
    const row = {
      sid,
      user_id: session.userId ?? null,
      data: JSON.stringify(session),
      expires_at: new Date(now.getTime() + this.idleMs).toISOString(),
      created_at: now.toISOString(),
    }
    this.db
      .insertInto('sessions')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet({ user_id: row.user_id, data: row.data, expires_at: row.expires_at }))
      .execute()
      .then(() => cb(), cb)
  }

  get(sid: string, cb: GetCb): void {
    sessionData(this.db, sid, new Date().toISOString())
      .then(([row]) => cb(null, row ? JSON.parse(row.data) : null), cb)
  }

  destroy(sid: string, cb: Cb): void {
    this.db.deleteFrom('sessions').where('sid', '=', sid).execute().then(() => cb(), cb)
  }
}

export async function purgeExpiredSessions(db: DB): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).executeTakeFirst()
  return Number(r.numDeletedRows)
}
