// Multi-row inserts in chunks: one statement per few hundred rows instead of one round trip per row.
import type { Insertable, Kysely } from 'kysely'
import type { Database } from '../db/types.js'

// SQLite (3.32+) binds at most 32766 parameters per statement; a chunk also stays small enough that the
// query builder's work per statement does not grow without bound.
const MAX_PARAMS = 32_000
const MAX_ROWS = 500

/** Inserts the rows of one table; every row must carry the same columns (SQLite has no DEFAULT in VALUES). */
export async function insertMany<T extends keyof Database & string>(
  db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0]).length
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)))
  for (let i = 0; i < rows.length; i += size) {
    await db.insertInto(table).values(rows.slice(i, i + size)).execute()
  }
}
