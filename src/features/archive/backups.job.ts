// The backup scheduler: in the server's process, a backup is made whenever BACKUP_HOURS have passed since the last
// attempt (also one made by hand or by `npm run backup`), so a server that was off catches up when it is back (R-ARC-6).
import type { FastifyInstance } from 'fastify'
import { BackupBusyError, runBackup, type BackupSettings } from '../../lib/backup.js'
import { lastBackupStart } from './archive.queries.js'
import { backupDue } from './archive.rules.js'

/** How often the scheduler looks whether a backup is due. */
const TICK_MINUTES = 10

/**
 * Starts the scheduler; the timers are unref'd so they never keep the process alive. Call the returned stop()
 * before app.close(): it waits for a backup in progress. Does nothing when settings.everyHours is 0.
 */
export function startBackupScheduler(app: FastifyInstance, settings: BackupSettings): () => Promise<void> {
  let current: Promise<void> | null = null
  let stopped = false
  const work = async () => {
    try {
      const now = new Date()
      if (!backupDue(await lastBackupStart(app.db), now, settings.everyHours)) return
      const results = await runBackup(app.db, app.config.dbFile, settings.destinations, { keep: settings.keep, now })
      const failed = results.filter((r) => r.status === 'failed')
      app.log[failed.length ? 'error' : 'info']({ ok: results.length - failed.length, failed: failed.map((r) => `${r.destination}: ${r.error}`) }, 'backup')
    } catch (err) {
      if (!(err instanceof BackupBusyError)) app.log.error({ err }, 'backup scheduler failed')
    }
  }
  const tick = () => {
    if (current || stopped) return
    current = work().finally(() => { current = null })
  }
  if (settings.everyHours <= 0) return async () => undefined
  // A first look a minute after start, so a server that was off for the night makes its backup soon.
  const first = setTimeout(tick, 60_000)
  const timer = setInterval(tick, TICK_MINUTES * 60_000)
  first.unref()
  timer.unref()
  return async () => {
    stopped = true
    clearTimeout(first)
    clearInterval(timer)
    if (current) await current
  }
}
