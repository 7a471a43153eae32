// Opens the one SQLite file with the settings that keep saved marks safe under concurrent use.
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './types.js'

export type DB = Kysely<Database>

export function openDatabase(file: string): DB {
  const sqlite = new SQLite(file)
  // WAL lets readers proceed while a teacher saves; synchronous=FULL makes a committed mark survive power loss
  // (R-NF-3); busy_timeout makes a writer wait its turn instead of failing with SQLITE_BUSY.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}
