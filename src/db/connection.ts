// Opens the one SQLite file with the settings that keep saved marks safe under concurrent use.
import SQLite from 'better-sqlite3'
import {
  Kysely, SqliteDialect, type DatabaseConnection, type Driver, type QueryCompiler, type SqliteDatabase, type SqliteStatement,
  type TransactionSettings,
} from 'kysely'
import type { Database } from './types.js'

export type DB = Kysely<Database>

/** Distinct statements kept compiled; a page runs a few dozen, the whole application a few hundred. */
const STATEMENTS_KEPT = 500

/**
 * Kysely's SQLite driver prepares every query anew, and compiling a statement costs as much as running a
 * small one (a tenth of a journal page's time, measured by `npm run bench`). The same SQL text reuses its
 * compiled statement, least recently used dropped first. A kept statement is never in use twice: better-sqlite3
 * runs one statement at a time on a connection and refuses any other while one is still iterating (a stream).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>()
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let st = kept.get(sql)
      if (st) {
        kept.delete(sql)
      } else {
        st = sqlite.prepare(sql) as unknown as SqliteStatement
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!)
      }
      kept.set(sql, st)
      return st
    },
  }
}

/**
 * Kysely's SQLite driver guards its one connection with a lock that wakes every waiter at once and lets them
 * race: under load (50 teachers saving while parents read diaries, `npm run bench`) some requests lost every
 * race and waited 8 s or more. This driver queues requests for the connection first come, first served, so the
 * inner lock never has more than one waiter.
 */
class FifoDriver implements Driver {
  private busy = false
  private readonly queue: (() => void)[] = []

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> { return this.inner.init() }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.queue.push(resolve))
    this.busy = true
    return this.inner.acquireConnection()
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection)
    // Handed straight to the next in line, so no newcomer can overtake it.
    const next = this.queue.shift()
    if (next) next()
    else this.busy = false
  }

  beginTransaction(c: DatabaseConnection, s: TransactionSettings): Promise<void> { return this.inner.beginTransaction(c, s) }
  commitTransaction(c: DatabaseConnection): Promise<void> { return this.inner.commitTransaction(c) }
  rollbackTransaction(c: DatabaseConnection): Promise<void> { return this.inner.rollbackTransaction(c) }
  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> { await this.inner.savepoint?.(c, name, compile) }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> { await this.inner.rollbackToSavepoint?.(c, name, compile) }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> { await this.inner.releaseSavepoint?.(c, name, compile) }
  destroy(): Promise<void> {
    // Whoever still waits goes on to the inner driver, which answers that the database is closed.
    for (const next of this.queue.splice(0)) next()
    return this.inner.destroy()
  }
}

class FifoSqliteDialect extends SqliteDialect {
  override createDriver(): Driver { return new FifoDriver(super.createDriver()) }
}

export function openDatabase(file: string): DB {
  const sqlite = new SQLite(file)
  // WAL lets readers proceed while a teacher saves; synchronous=FULL makes a committed mark survive power loss
  // (R-NF-3); busy_timeout makes a writer wait its turn instead of failing with SQLITE_BUSY.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }) })
}
