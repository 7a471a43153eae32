// Every migration runs up and down and up again on a fresh database; the audit log refuses edits (R-ACC-5).
import t from 'tap'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/connection.js'
import { migrator } from '../src/db/migrate.js'

async function tables(db: ReturnType<typeof openDatabase>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)
  return r.rows.map((x) => x.name)
}

t.test('all migrations go up, down one by one, and up again', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.destroy())
  const m = migrator(db)
  const up = await m.migrateToLatest()
  t.error(up.error)
  const names = up.results!.map((r) => r.migrationName)
  t.ok(names.length >= 3, `${names.length} migrations`)
  t.ok(names.every((n) => /^\d{8}T\d{4}_[a-z0-9_]+$/.test(n)), 'timestamped names')
  const full = await tables(db)
  for (let i = 0; i < names.length; i++) {
    const down = await m.migrateDown()
    t.error(down.error, `down ${names[names.length - 1 - i]}`)
  }
  t.same(await tables(db), [], 'nothing left after all downs')
  const again = await m.migrateToLatest()
  t.error(again.error)
  t.same(await tables(db), full, 'same schema after up again')
})

t.test('pragmas: foreign keys on, busy timeout set, WAL on a file', async (t) => {
  const file = `/tmp/journal-mig-${process.pid}.sqlite`
  const db = openDatabase(file)
  t.teardown(() => db.destroy())
  const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)
  t.equal(fk.rows[0].foreign_keys, 1)
  const jm = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)
  t.equal(jm.rows[0].journal_mode, 'wal')
  const bt = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)
  t.ok(bt.rows[0].timeout >= 1000)
})

t.test('the audit log is append-only at the storage level', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.destroy())
  await migrator(db).migrateToLatest()
  await db.insertInto('audit_log').values({ at: new Date().toISOString(), actor_user_id: null, action: 'x', entity: 'y', entity_id: null, before: null, after: null, ip: null }).execute()
  await t.rejects(db.updateTable('audit_log').set({ action: 'z' }).execute(), /append-only/)
  await t.rejects(db.deleteFrom('audit_log').execute(), /append-only/)
  t.equal((await db.selectFrom('audit_log').selectAll().execute()).length, 1)
})
