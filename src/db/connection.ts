// Opens the one SQLite file with the settings that keep saved marks safe under concurrent use.
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'
import type { Database } from './types.js'

export type DB = Kysely<Database>

/** Distinct statements kept compiled; a page runs a few dozen, the whole application a few hundred. */
const STATEMENTS_KEPT = 500

/**
 * Kysely's SQLite driver prepares every query anew, and compiling a statement costs as much as running a
 * small one (a tenth of a journal page's time, measured by `npm run bench`). The same SQL text reuses its
 * compiled statement, least recently used dropped first. Safe because better-sqlite3 runs one statement at a time
 * on this connection (and Kysely reads rows with all(), never holding an iterator open).
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

export function openDatabase(file: string): DB {
  const sqlite = new SQLite(file)
  // WAL lets readers proceed while a teacher saves; synchronous=FULL makes a committed mark survive power loss
  // (R-NF-3); busy_timeout makes a writer wait its turn instead of failing with SQLITE_BUSY.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}
