// Rendered parts of the busiest pages (the journal page, the diary week), each kept under the data versions it
// was built from (R-NF-1, R-NF-2). Triggers bump a version in the same transaction as every write to the
// school's data (migration 20261122T1500_data_versions): a write to a lesson's marks, absences, columns,
// homework or files bumps that lesson's class; any other write bumps the whole school. A part is served only
// while the versions it names are the ones stored now, so a saved mark is on the next page view, whoever
// saved it and from whichever process.
import { sql } from 'kysely'
import type { DB } from '../db/connection.js'
import { prepared } from '../db/prepared.js'

export type Scope = 'school' | `class:${number}`

/** Read for every request of a cached page; the scopes come as one JSON array, so the SQL is always the same. */
const versionsOf = prepared((db, scopes: string) => db.selectFrom('data_versions').select(['scope', 'v'])
  .where('scope', 'in', sql<string>`(select value from json_each(${scopes}))`))

/**
 * A kept part: its HTML (with a slot for the CSRF token) and the whole pages last sent with it, each for one
 * browser's CSRF cookie (filled by reply.pagePart in plugins/view.ts).
 */
export interface KeptPart { html: string; title: string; pages?: Map<string, KeptPage> }

/** A whole page as sent, and its compressed forms once a browser has asked for them. */
export interface KeptPage { raw: Buffer; br?: Buffer; gzip?: Buffer }

/** Whole pages kept with a part: the last browsers that asked. */
export const PAGES_PER_PART = 2

interface Entry { stamp: string; value: { html: string }; bytes: number }

/**
 * What one entry weighs at most: its strings (two bytes a character in V8 at worst), its whole pages (UTF-8,
 * at most two bytes a character, plus the layout) and the entry itself; charged when the entry is kept.
 */
function weigh(key: string, value: { html: string }): number {
  const n = value.html.length
  // A page compresses to a tenth or less of itself; both forms are charged as a fifth.
  return 2 * (key.length + n) + PAGES_PER_PART * Math.ceil(1.4 * (2 * n + 16_384)) + 512
}

export class PageCache {
  private readonly entries = new Map<string, Entry>()
  private used = 0
  hits = 0
  misses = 0

  /** maxBytes 0 switches the cache off: every request builds its page. */
  constructor(private readonly db: DB, private readonly maxBytes: number) {}

  /** The current versions of the scopes, as one string. */
  private async stamp(db: DB, scopes: Scope[]): Promise<string> {
    const rows = await versionsOf(db, JSON.stringify(scopes))
    const v = new Map(rows.map((r) => [r.scope, r.v]))
    return scopes.map((s) => `${s}=${v.get(s) ?? 0}`).join(' ')
  }

  /**
   * The part under `key` if it was built from the scopes' current versions; otherwise builds it and keeps it.
   * The versions are read before the build, so what is kept is never older than the versions it is stored
   * under. A build that answers null (not found, not allowed) is not kept.
   *
   * Scopes, versions and build run in one turn on the database connection: a page is a dozen small reads,
   * and taking a turn for each made pages wait a dozen times behind the saves of a busy minute (`npm run
   * bench`: a journal page p99 of 7 s while 50 teachers saved). All of it is reads, so the turn is short.
   */
  async through<T extends { html: string }>(key: string, scopes: (db: DB) => Promise<Scope[]>, build: (db: DB) => Promise<T | null>): Promise<T | null> {
    return this.db.connection().execute(async (db) => {
      if (this.maxBytes === 0) return build(db)
      const stamp = await this.stamp(db, await scopes(db))
      const found = this.entries.get(key)
      if (found && found.stamp === stamp) {
        // Most recently used goes last; eviction takes from the front.
        this.entries.delete(key)
        this.entries.set(key, found)
        this.hits++
        return found.value as T
      }
      this.misses++
      const value = await build(db)
      this.drop(key)
      if (value === null) return null
      const bytes = weigh(key, value)
      if (bytes > this.maxBytes / 4) return value
      this.entries.set(key, { stamp, value, bytes })
      this.used += bytes
      while (this.used > this.maxBytes) this.drop(this.entries.keys().next().value!)
      return value
    })
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.used }
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.used -= e.bytes
  }
}
