// The database connection (R-NF-2): requests waiting for the one SQLite connection are served first come, first
// served, and reused compiled statements stay correct, streamed or not.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/connection.js'

function tempDb(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conn-test-'))
  const db = openDatabase(path.join(dir, 'x.sqlite'))
  t.teardown(async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }) })
  return db
}

t.test('R-NF-2: queries queued behind a transaction run in the order they asked', async (t) => {
  const db = tempDb(t)
  await sql`create table n (v integer)`.execute(db)
  const order: string[] = []
  let release!: () => void
  const held = new Promise<void>((r) => { release = r })
  const trx = db.transaction().execute(async (tx) => {
    await sql`insert into n values (1)`.execute(tx)
    await held
  })
  await new Promise((r) => setTimeout(r, 10))
  const waiting = ['a', 'b', 'c', 'd', 'e'].map((name) => sql<{ c: number }>`select count(*) as c from n`.execute(db).then((r) => { order.push(name); return r.rows[0].c }))
  await new Promise((r) => setTimeout(r, 10))
  t.same(order, [], 'nobody overtakes the open transaction')
  release()
  await trx
  const counts = await Promise.all(waiting)
  t.same(order, ['a', 'b', 'c', 'd', 'e'], 'served first come, first served')
  t.same(counts, [1, 1, 1, 1, 1], 'each sees the committed row')
})

t.test('R-NF-2: a reused statement gives fresh results, streamed or not', async (t) => {
  const db = tempDb(t)
  await sql`create table n (v integer)`.execute(db)
  for (let i = 1; i <= 5; i++) await sql`insert into n values (${i})`.execute(db)
  const q = () => db.selectFrom('n' as never).select(sql<number>`v`.as('v')).where(sql`v`, '>', 2)
  t.same((await q().execute()).map((r) => r.v), [3, 4, 5])
  await sql`insert into n values (6)`.execute(db)
  t.same((await q().execute()).map((r) => r.v), [3, 4, 5, 6], 'the same SQL text again, the new row included')
  const seen: number[] = []
  for await (const row of q().stream()) seen.push(row.v)
  t.same(seen, [3, 4, 5, 6], 'streamed through the kept statement')
  t.same((await q().execute()).map((r) => r.v), [3, 4, 5, 6], 'and reused after the stream')
})
