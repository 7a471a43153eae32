// The `backup` and `restore` commands: a backup by hand into the configured folders (or others given with --to),
// and the restore of a checked copy in place of the database file while the server is stopped (R-ARC-6).
import { existsSync } from 'node:fs'
import { ConfigError, loadConfig } from '../../config.js'
import { openDatabase } from '../../db/connection.js'
import { t } from '../../i18n/index.js'
import { backupSettings, restoreBackup, runBackup, RestoreError } from '../../lib/backup.js'
import { sizeText } from './archive.rules.js'

type Out = (s: string) => void

export class UsageError extends Error { override name = 'UsageError' }

export interface BackupArgs { to: string[]; help: boolean }
export interface RestoreArgs { from: string; to: string | null; force: boolean; help: boolean }

function reader(argv: readonly string[]) {
  let i = 0
  return {
    next: () => (i < argv.length ? argv[i++] : undefined),
    value: (flag: string) => {
      const v = argv[i++]
      if (v === undefined || v.startsWith('--')) throw new UsageError(`после ${flag} нужно значение`)
      return v
    },
  }
}

export function parseBackupArgs(argv: readonly string[]): BackupArgs {
  const out: BackupArgs = { to: [], help: false }
  const r = reader(argv)
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (a === '--to') out.to.push(r.value(a))
    else if (a === '--help' || a === '-h') out.help = true
    else throw new UsageError(`неизвестный параметр «${a}»`)
  }
  return out
}

export function parseRestoreArgs(argv: readonly string[]): RestoreArgs {
  const out: RestoreArgs = { from: '', to: null, force: false, help: false }
  const r = reader(argv)
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (a === '--from') out.from = r.value(a)
    else if (a === '--to') out.to = r.value(a)
    else if (a === '--force') out.force = true
    else if (a === '--help' || a === '-h') out.help = true
    else throw new UsageError(`неизвестный параметр «${a}»`)
  }
  if (!out.help && !out.from) throw new UsageError('нужен --from ФАЙЛ_КОПИИ')
  return out
}

/** `npm run backup [-- --to DIR ...]`: one backup now; exit code 1 when any destination failed. */
export async function runBackupCommand(argv: readonly string[], env: Record<string, string | undefined> = process.env,
  log: Out = console.log, fail: Out = console.error): Promise<number> {
  let args: BackupArgs
  let config
  try {
    args = parseBackupArgs(argv)
    config = loadConfig(env)
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof ConfigError)) throw e
    fail(`Ошибка: ${e.message}\n${t('archive.backupCli.usage')}`)
    return 2
  }
  if (args.help) { log(t('archive.backupCli.usage')); return 0 }
  if (!existsSync(config.dbFile)) { fail(t('archive.backupCli.noDatabase', { file: config.dbFile })); return 1 }
  const settings = backupSettings(config)
  const destinations = args.to.length ? args.to : settings.destinations
  const db = openDatabase(config.dbFile)
  try {
    const results = await runBackup(db, config.dbFile, destinations, { keep: settings.keep })
    for (const r of results) {
      log(`${r.destination}:`)
      if (r.status === 'ok') log(`  ${t('archive.backupCli.ok', { file: r.file ?? '', size: sizeText(r.bytes), sha: r.sha256 ?? '' })}`)
      else fail(`  ${t('archive.backupCli.failed', { error: r.error ?? '' })}`)
      if (r.removed.length) log(`  ${t('archive.backupCli.removed', { files: r.removed.join(', ') })}`)
    }
    const ok = results.filter((r) => r.status === 'ok').length
    log(t('archive.backupCli.summary', { ok, all: results.length }))
    return ok === results.length ? 0 : 1
  } finally {
    await db.destroy()
  }
}

/** `npm run restore -- --from FILE [--to DBFILE] [--force]`: exit code 1 when refused. */
export async function runRestoreCommand(argv: readonly string[], env: Record<string, string | undefined> = process.env,
  log: Out = console.log, fail: Out = console.error): Promise<number> {
  let args: RestoreArgs
  let config
  try {
    args = parseRestoreArgs(argv)
    config = loadConfig(env)
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof ConfigError)) throw e
    fail(`Ошибка: ${e.message}\n${t('archive.restore.usage')}`)
    return 2
  }
  if (args.help) { log(t('archive.restore.usage')); return 0 }
  const to = args.to ?? config.dbFile
  try {
    const { kept } = restoreBackup(args.from, to, { force: args.force })
    log(t('archive.restore.done', { from: args.from, to }))
    if (kept) log(t('archive.restore.kept', { file: kept }))
    return 0
  } catch (e) {
    if (!(e instanceof RestoreError)) throw e
    fail(e.message)
    return 1
  }
}
