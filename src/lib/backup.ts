// Online backups of the SQLite file (R-ARC-6): SQLite's backup API into every destination, each copy opened and
// checked before it counts, every attempt recorded in `backups`, old copies rotated; and the restore of a copy.
import { createHash } from 'node:crypto'
import { accessSync, constants, copyFileSync, createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import type { DB } from '../db/connection.js'
import { t } from '../i18n/index.js'
import { audit, SYSTEM, type Actor } from './audit.js'
import { nowIso } from './dates.js'

// ----- settings -------------------------------------------------------------------------------------------

export interface BackupSettings {
  /** Absolute folders, at least one; two (two media, two rooms) is what the regulations ask [001 App.1 §2.5]. */
  destinations: string[]
  /** A backup is due this many hours after the previous attempt; 0 switches the scheduler off. */
  everyHours: number
  /** Good copies kept per destination; older ones are removed. */
  keep: number
  /** The admin is warned when a destination's newest good copy is older than this. */
  warnHours: number
}

/** The part of the configuration backups read (BACKUP_DIRS, BACKUP_HOURS, BACKUP_KEEP, BACKUP_WARN_HOURS). */
export interface BackupConfig {
  dataDir: string
  backupDirs?: string
  backupHours?: number
  backupKeep?: number
  backupWarnHours?: number
}

export const BACKUP_DEFAULTS = { everyHours: 12, keep: 14, warnHours: 36 } as const

/** Resolves the settings; without BACKUP_DIRS, two folders in DATA_DIR (the page warns that they share a disk). */
export function backupSettings(c: BackupConfig): BackupSettings {
  const listed = (c.backupDirs ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const dirs = listed.length ? listed : [path.join(c.dataDir, 'backups'), path.join(c.dataDir, 'backups-2')]
  return {
    destinations: [...new Set(dirs.map((d) => path.resolve(d)))],
    everyHours: c.backupHours ?? BACKUP_DEFAULTS.everyHours,
    keep: Math.max(1, c.backupKeep ?? BACKUP_DEFAULTS.keep),
    warnHours: c.backupWarnHours ?? BACKUP_DEFAULTS.warnHours,
  }
}

// ----- errors in words ------------------------------------------------------------------------------------

/** A copy that opened but failed `pragma integrity_check`. */
export class IntegrityError extends Error {
  constructor(readonly detail: string) { super(`integrity_check: ${detail}`) }
}

const ERROR_KEYS: Record<string, string> = {
  EACCES: 'denied', EPERM: 'denied', ENOTDIR: 'notDir', EEXIST: 'notDir', ENOENT: 'notFound', ENOSPC: 'noSpace',
  SQLITE_FULL: 'noSpace', EROFS: 'readOnly', SQLITE_READONLY: 'readOnly', SQLITE_CANTOPEN: 'cantOpen',
  SQLITE_CORRUPT: 'corrupt', SQLITE_NOTADB: 'corrupt', SQLITE_BUSY: 'busy', EIO: 'io', SQLITE_IOERR: 'io',
}

/** What went wrong, in words the admin understands first, with the system's own code after it for a technician. */
export function backupErrorText(e: unknown, where: string): string {
  if (e instanceof IntegrityError) return t('archive.backupErrors.integrity', { detail: e.detail })
  const err = e as { code?: string; message?: string }
  const code = err.code ?? ''
  const key = ERROR_KEYS[code] ?? (code.startsWith('SQLITE_IOERR') ? 'io' : code.startsWith('SQLITE_CANTOPEN') ? 'cantOpen' : null)
  if (key) return `${t(`archive.backupErrors.${key}`, { path: where })} (${code})`
  return t('archive.backupErrors.other', { path: where, message: err.message ?? String(e) })
}

// ----- one copy -------------------------------------------------------------------------------------------

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/**
 * Opens a database file and runs the full integrity check; returns the tables it holds. Throws IntegrityError.
 * `standalone` turns a copy into one self-contained file (no -wal beside it, whatever mode its source was in);
 * without it the file is only read.
 */
export function checkDatabaseFile(file: string, opts: { standalone: boolean } = { standalone: true }): string[] {
  const db = new SQLite(file, { fileMustExist: true, timeout: 5000, readonly: !opts.standalone })
  try {
    if (opts.standalone) db.pragma('journal_mode = DELETE')
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    const result = rows.map((r) => r.integrity_check).join('; ')
    if (result !== 'ok') throw new IntegrityError(result.slice(0, 300))
    return (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).all() as { name: string }[]).map((r) => r.name)
  } finally {
    db.close()
  }
}

/** Makes sure the folder exists and can be written to; the system's error (with its code) otherwise. */
export function ensureWritableDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' })
  mkdirSync(dir, { recursive: true })
  accessSync(dir, constants.W_OK)
}

/**
 * A consistent copy of the live database through SQLite's online backup API: a second connection reads the file
 * while the application keeps writing (WAL lets both go on). All pages are copied in one step, so the copy is one
 * moment of the database and never restarts because of a write in between. The copy is written beside the target
 * as .partial, checked, and only then renamed, so a half-written file never looks like a backup.
 */
export async function snapshotDatabase(dbFile: string, target: string): Promise<{ bytes: number; sha256: string }> {
  // better-sqlite3 would open ':memory:' as a new empty database and "back up" nothing.
  if (dbFile === ':memory:' || !existsSync(dbFile)) throw Object.assign(new Error(`no database file ${dbFile}`), { code: 'ENOENT' })
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.partial`)
  rmSync(partial, { force: true })
  const source = new SQLite(dbFile, { fileMustExist: true, timeout: 5000 })
  try {
    await source.backup(partial, { progress: () => 0x7fffffff })
  } catch (e) {
    rmSync(partial, { force: true })
    throw e
  } finally {
    source.close()
  }
  try {
    checkDatabaseFile(partial)
    renameSync(partial, target)
  } catch (e) {
    rmSync(partial, { force: true })
    throw e
  }
  return { bytes: statSync(target).size, sha256: await sha256File(target) }
}

// ----- a backup run ---------------------------------------------------------------------------------------

const FILE_RE = /^school-\d{8}-\d{6}(-\d+)?\.sqlite$/

const pad = (n: number) => String(n).padStart(2, '0')

/** school-YYYYMMDD-HHMMSS.sqlite in the server's local time (what the admin sees on the clock). */
export function backupFileName(now: Date): string {
  return `school-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}.sqlite`
}

function freeName(dir: string, now: Date): string {
  const base = backupFileName(now)
  if (!existsSync(path.join(dir, base))) return base
  for (let i = 2; ; i++) {
    const name = base.replace(/\.sqlite$/, `-${i}.sqlite`)
    if (!existsSync(path.join(dir, name))) return name
  }
}

export interface BackupResult {
  id: number
  destination: string
  status: 'ok' | 'failed'
  file: string | null
  bytes: number | null
  sha256: string | null
  error: string | null
  /** Older copies removed by the rotation. */
  removed: string[]
}

/** Raised when a backup is asked for while this process is already making one. */
export class BackupBusyError extends Error {}

let running = false

/** Attempts still 'running' after this long were cut off (the process stopped); they are recorded as failed. */
const STALE_MS = 60 * 60_000

/**
 * Backs the database up into every destination. A destination that cannot be written is recorded 'failed' with the
 * reason and the others still get their copy; nothing is skipped silently. Returns one result per destination.
 * The `backups` rows are the record of each attempt (written as it goes, so a crash leaves a 'running' row behind);
 * one audit row per run says who asked for it and what came of it.
 */
export async function runBackup(db: DB, dbFile: string, destinations: readonly string[],
  opts: { keep: number; now?: Date; actor?: Actor }): Promise<BackupResult[]> {
  if (running) throw new BackupBusyError()
  running = true
  try {
    const now = opts.now ?? new Date()
    await db.updateTable('backups').set({ status: 'failed', error: t('archive.backupErrors.interrupted'), finished_at: nowIso() })
      .where('status', '=', 'running').where('started_at', '<', new Date(Date.now() - STALE_MS).toISOString()).execute()
    const results: BackupResult[] = []
    for (const raw of destinations) {
      const destination = path.resolve(raw)
      const row = await db.insertInto('backups').values({ destination, started_at: nowIso(now), status: 'running' })
        .returning('id').executeTakeFirstOrThrow()
      let result: BackupResult
      try {
        ensureWritableDir(destination)
        const file = freeName(destination, now)
        const { bytes, sha256 } = await snapshotDatabase(dbFile, path.join(destination, file))
        await db.updateTable('backups').set({ status: 'ok', file, bytes, sha256, finished_at: nowIso() }).where('id', '=', row.id).execute()
        result = { id: row.id, destination, status: 'ok', file, bytes, sha256, error: null, removed: await rotate(db, destination, opts.keep) }
      } catch (e) {
        const error = backupErrorText(e, destination)
        await db.updateTable('backups').set({ status: 'failed', error, finished_at: nowIso() }).where('id', '=', row.id).execute()
        result = { id: row.id, destination, status: 'failed', file: null, bytes: null, sha256: null, error, removed: [] }
      }
      results.push(result)
    }
    await db.transaction().execute(async (trx) => {
      await audit(trx, opts.actor ?? SYSTEM, {
        action: 'backup.run', entity: 'backup',
        after: results.map((r) => ({ destination: r.destination, status: r.status, file: r.file, error: r.error, removed: r.removed })),
      })
    })
    return results
  } finally {
    running = false
  }
}

/** Keeps the newest `keep` good copies that still exist in the destination and removes the older ones. */
async function rotate(db: DB, destination: string, keep: number): Promise<string[]> {
  const rows = await db.selectFrom('backups').select(['file']).where('destination', '=', destination).where('status', '=', 'ok')
    .orderBy('started_at', 'desc').orderBy('id', 'desc').execute()
  const present = rows.map((r) => r.file).filter((f): f is string => f !== null && FILE_RE.test(f) && existsSync(path.join(destination, f)))
  const removed: string[] = []
  for (const f of present.slice(keep)) {
    unlinkSync(path.join(destination, f))
    removed.push(f)
  }
  return removed
}

// ----- restore --------------------------------------------------------------------------------------------

/** A restore refused or failed, with the reason in words for the command's output. */
export class RestoreError extends Error {}

/** Tables that only this application's database has: a file without them is not one of our backups. */
const OUR_TABLES = ['academic_years', 'persons', 'marks']

function stamp(now: Date): string {
  return backupFileName(now).replace(/^school-|\.sqlite$/g, '')
}

/**
 * Puts a backup in place of the database file. Refuses a copy that fails the integrity check, an existing target
 * without `force`, and a target some process still has open (the server): SQLite cannot leave WAL mode while another
 * connection uses the file. The replaced file is kept beside it as .before-restore-<time>, never deleted.
 */
export function restoreBackup(from: string, to: string, opts: { force: boolean; now?: Date }): { kept: string | null } {
  const now = opts.now ?? new Date()
  if (!existsSync(from) || !statSync(from).isFile()) throw new RestoreError(t('archive.restore.noFile', { file: from }))
  if (path.resolve(from) === path.resolve(to)) throw new RestoreError(t('archive.restore.same'))
  let tables: string[]
  try {
    tables = checkDatabaseFile(from, { standalone: false })
  } catch (e) {
    throw new RestoreError(t('archive.restore.badCopy', { file: from, reason: backupErrorText(e, from) }))
  }
  if (!OUR_TABLES.every((x) => tables.includes(x))) throw new RestoreError(t('archive.restore.notOurs', { file: from }))

  const exists = existsSync(to)
  if (exists && !opts.force) throw new RestoreError(t('archive.restore.exists', { file: to }))
  if (exists) assertNotInUse(to)
  mkdirSync(path.dirname(path.resolve(to)), { recursive: true })

  const incoming = `${to}.restoring`
  try {
    copyFileSync(from, incoming)
    checkDatabaseFile(incoming)
  } catch (e) {
    rmSync(incoming, { force: true })
    throw new RestoreError(t('archive.restore.copyFailed', { reason: backupErrorText(e, path.dirname(path.resolve(to))) }))
  }
  const aside = `${to}.before-restore-${stamp(now)}`
  if (exists) renameSync(to, aside)
  // A -wal left beside a missing database by a crash would be replayed into the restored file: it goes aside too.
  for (const suffix of ['-wal', '-shm']) if (existsSync(`${to}${suffix}`)) renameSync(`${to}${suffix}`, `${aside}${suffix}`)
  renameSync(incoming, to)
  return { kept: exists ? aside : null }
}

/** Throws when another connection has the file open; leaves it in rollback-journal mode otherwise (it is replaced next). */
function assertNotInUse(file: string): void {
  let db: SQLite.Database | null = null
  try {
    db = new SQLite(file, { fileMustExist: true, timeout: 0 })
    db.pragma('journal_mode = DELETE')
  } catch (e) {
    const code = (e as { code?: string }).code ?? ''
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new RestoreError(t('archive.restore.inUse', { file }))
    // A damaged or foreign file is replaced all the same: that is what --force asked for.
  } finally {
    db?.close()
  }
  if (existsSync(`${file}-wal`) || existsSync(`${file}-shm`)) throw new RestoreError(t('archive.restore.inUse', { file }))
}
