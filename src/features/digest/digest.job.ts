// The weekly digest job: one letter per active subscription and week through lib/mail, the retries of letters
// that failed, and the in-process scheduler that runs both (R-D-4).
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.js'
import type { DB } from '../../db/connection.js'
import { deliverMail, queueMail, readMailSettings, retryPending, siteUrl, type MailRow } from '../../lib/mail.js'
import { claimWeek, dueSubscriptions } from './digest.queries.js'
import { isEmptyWeek, renderDigest } from './digest.render.js'
import { digestWeekFor, SCHEDULER_MINUTES } from './digest.rules.js'
import { digestWeek } from './digest.week.js'

export interface DigestRun {
  week: string
  /** Letters handed to lib/mail, with their state after the first attempt. */
  letters: MailRow[]
  /** Subscriptions whose child had no lesson that week (holidays): marked done, nothing sent. */
  empty: number
}

/**
 * Sends the digest of `week` (a Monday; by default the week digestWeekFor(now) names) to every active subscription
 * that has not had it. The week is recorded on the subscription in the same transaction that logs the letter, so a
 * second run sends nothing and a crash between the two loses nothing (the pending letter is retried).
 */
export async function runDigest(db: DB, config: Config, opts: { week?: string; now?: Date } = {}): Promise<DigestRun> {
  const now = opts.now ?? new Date()
  const week = opts.week ?? digestWeekFor(now)
  const site = siteUrl(await readMailSettings(db), config)
  const run: DigestRun = { week, letters: [], empty: 0 }
  for (const sub of await dueSubscriptions(db, week)) {
    const data = await digestWeek(db, sub.student_id, week)
    if (isEmptyWeek(data)) {
      if (await claimWeek(db, sub.id, week)) run.empty++
      continue
    }
    const letter = renderDigest(data, { diary: `${site}/diary/${sub.student_id}?week=${week}`, unsubscribe: `${site}/digest/unsubscribe/${sub.token}` })
    const id = await db.transaction().execute(async (trx) => {
      if (!(await claimWeek(trx, sub.id, week))) return null
      return queueMail(trx, { kind: 'digest', to: sub.email, subject: letter.subject, text: letter.text, html: letter.html, ref: `digest:${sub.id}:${week}` }, now)
    })
    if (id !== null) run.letters.push(await deliverMail(db, config, id, now))
  }
  return run
}

/**
 * Starts the in-process scheduler: every SCHEDULER_MINUTES it retries the letters whose retry is due and runs the
 * digest for the week digestWeekFor(now) names — so the letters go out on Sunday from 18:00, and a server that
 * was off then sends them when it is back (each subscription gets each week once). The timers are unref'd, so
 * they never keep the process alive. Call the returned stop() before app.close(): it waits for a running tick.
 */
export function startMailScheduler(app: FastifyInstance): () => Promise<void> {
  let current: Promise<void> | null = null
  let stopped = false
  const work = async () => {
    try {
      const now = new Date()
      const retried = await retryPending(app.db, app.config, now)
      const run = await runDigest(app.db, app.config, { now })
      const all = [...retried, ...run.letters]
      if (all.length) {
        const failed = all.filter((r) => r.status === 'pending' || r.status === 'failed')
        app.log[failed.length ? 'warn' : 'info']({ week: run.week, letters: all.length, notSent: failed.map((r) => r.id) }, 'mail scheduler')
      }
    } catch (err) {
      app.log.error({ err }, 'mail scheduler failed')
    }
  }
  const tick = () => {
    if (current || stopped) return
    current = work().finally(() => { current = null })
  }
  // A first look a minute after start: letters left pending by a restart go out without waiting a full period.
  const first = setTimeout(tick, 60_000)
  const timer = setInterval(tick, SCHEDULER_MINUTES * 60_000)
  first.unref()
  timer.unref()
  return async () => {
    stopped = true
    clearTimeout(first)
    clearInterval(timer)
    await current
  }
}
