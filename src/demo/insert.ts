// Multi-row inserts in chunks: one statement per few hundred rows instead of one round trip per row.
import { CompiledQuery, type Insertable, type Kysely } from 'kysely'
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

/**
 * A streaming multi-row insert for the big tables (lessons, marks, absences): rows go in as value arrays in
 * the given column order and are written a chunk at a time, so a million marks never sit in memory at once.
 * The statement text is built once per chunk size and bypasses the query builder, whose per-value work would
 * dominate at this scale.
 */
export class RowWriter {
  private params: unknown[] = []
  private rows = 0
  private readonly chunk: number
  private readonly head: string
  private readonly tuple: string
  private fullSql: string | null = null
  written = 0

  constructor(private readonly db: Kysely<Database>, table: keyof Database & string, private readonly columns: readonly string[]) {
    this.chunk = Math.max(1, Math.min(2000, Math.floor(MAX_PARAMS / columns.length)))
    this.head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `
    this.tuple = `(${columns.map(() => '?').join(', ')})`
  }

  /** Adds one row (values in the constructor's column order); writes a chunk when one is full. */
  async add(values: readonly unknown[]): Promise<void> {
    if (values.length !== this.columns.length) throw new Error(`${this.head}: ${values.length} values for ${this.columns.length} columns`)
    for (const v of values) this.params.push(v)
    if (++this.rows === this.chunk) await this.flush()
  }

  /** Writes what is buffered; call once at the end. */
  async flush(): Promise<void> {
    if (this.rows === 0) return
    const full = this.rows === this.chunk
    const text = full ? (this.fullSql ??= this.statement(this.rows)) : this.statement(this.rows)
    await this.db.executeQuery(CompiledQuery.raw(text, this.params))
    this.written += this.rows
    this.params = []
    this.rows = 0
  }

  private statement(rows: number): string {
    return this.head + new Array<string>(rows).fill(this.tuple).join(', ')
  }
}
