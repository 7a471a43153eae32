// Queries of the digest area: a parent's subscriptions (scoped to their own linked children), unsubscribing by
// the letter's token, the SMTP settings and the admin's actions on the mail log; every write audited (R-D-4).
import { randomBytes } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { MAIL_KEYS, queueMail, readMailSettings, requeueMail, type Letter, type MailKey } from '../../lib/mail.js'
import type { MailSettingsValue } from './digest.form.js'

type Q = DB | Transaction<Database>

export interface Subscription { id: number; email: string; created_at: string; last_sent_week: string | null }
export interface ChildDigest { studentId: number; name: string; classLabel: string | null; subscription: Subscription | null }

/** The classes a student is enrolled in on a day (normally one), as «5А». */
async function classLabelOn(db: Q, studentId: number, day: string): Promise<string | null> {
  const r = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id').select(['c.grade', 'c.letter'])
    .where('e.student_id', '=', studentId).where('e.from_date', '<=', day)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', day)]))
    .orderBy('e.from_date', 'desc').executeTakeFirst()
  return r ? `${r.grade}${r.letter}` : null
}

/** The parent's linked children, each with their active subscription. */
export async function childrenOf(db: Q, parentId: number, today: string): Promise<ChildDigest[]> {
  const kids = await db.selectFrom('parent_links as pl').innerJoin('persons as s', 's.id', 'pl.student_id')
    .select(['s.id', 's.last_name', 's.first_name']).where('pl.parent_id', '=', parentId)
    .orderBy('s.last_name').orderBy('s.first_name').execute()
  const subs = await db.selectFrom('digest_subscriptions').select(['id', 'student_id', 'email', 'created_at', 'last_sent_week'])
    .where('parent_id', '=', parentId).where('unsubscribed_at', 'is', null).execute()
  const out: ChildDigest[] = []
  for (const k of kids) {
    const s = subs.find((x) => x.student_id === k.id)
    out.push({
      studentId: k.id, name: `${k.last_name} ${k.first_name}`, classLabel: await classLabelOn(db, k.id, today),
      subscription: s ? { id: s.id, email: s.email, created_at: s.created_at, last_sent_week: s.last_sent_week } : null,
    })
  }
  return out
}

export async function personEmail(db: Q, personId: number): Promise<string> {
  const r = await db.selectFrom('persons').select('email').where('id', '=', personId).executeTakeFirst()
  return r?.email ?? ''
}

async function isLinked(db: Q, parentId: number, studentId: number): Promise<boolean> {
  return Boolean(await db.selectFrom('parent_links').select('student_id').where('parent_id', '=', parentId).where('student_id', '=', studentId).executeTakeFirst())
}

async function activeSubscription(db: Q, parentId: number, studentId: number) {
  return db.selectFrom('digest_subscriptions').selectAll().where('parent_id', '=', parentId).where('student_id', '=', studentId)
    .where('unsubscribed_at', 'is', null).executeTakeFirst()
}

export type SubscribeResult = 'notFound' | 'created' | 'changed' | 'unchanged'

/** Subscribes a parent to their own child's digest, or changes the address of the subscription they have. */
export async function subscribe(db: DB, actor: Actor, parentId: number, studentId: number, email: string, now = new Date()): Promise<SubscribeResult> {
  return db.transaction().execute(async (trx): Promise<SubscribeResult> => {
    if (!(await isLinked(trx, parentId, studentId))) return 'notFound'
    const current = await activeSubscription(trx, parentId, studentId)
    if (current && current.email === email) return 'unchanged'
    if (current) {
      await trx.updateTable('digest_subscriptions').set({ email }).where('id', '=', current.id).execute()
      await audit(trx, actor, { action: 'digest.email', entity: 'digest_subscription', entityId: current.id, before: { email: current.email }, after: { email } })
      return 'changed'
    }
    const row = { parent_id: parentId, student_id: studentId, email, token: randomBytes(24).toString('base64url'), created_at: nowIso(now) }
    const { id } = await trx.insertInto('digest_subscriptions').values(row).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'digest.subscribe', entity: 'digest_subscription', entityId: id, after: { student_id: studentId, email } })
    return 'created'
  })
}

/** Ends a parent's subscription to their child's digest; the row stays, with the time it ended. */
export async function unsubscribeChild(db: DB, actor: Actor, parentId: number, studentId: number, now = new Date()): Promise<'notFound' | 'done' | 'none'> {
  return db.transaction().execute(async (trx) => {
    if (!(await isLinked(trx, parentId, studentId))) return 'notFound' as const
    const current = await activeSubscription(trx, parentId, studentId)
    if (!current) return 'none' as const
    await trx.updateTable('digest_subscriptions').set({ unsubscribed_at: nowIso(now) }).where('id', '=', current.id).execute()
    await audit(trx, actor, { action: 'digest.unsubscribe', entity: 'digest_subscription', entityId: current.id, before: { email: current.email }, after: { via: 'page' } })
    return 'done' as const
  })
}

export interface TokenSubscription { id: number; email: string; studentName: string; unsubscribed_at: string | null }

/** The subscription a letter's unsubscribe link names; the token is the only key (no login needed). */
export async function subscriptionByToken(db: Q, token: string): Promise<TokenSubscription | null> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null
  const r = await db.selectFrom('digest_subscriptions as d').innerJoin('persons as s', 's.id', 'd.student_id')
    .select(['d.id', 'd.email', 'd.unsubscribed_at', 's.last_name', 's.first_name']).where('d.token', '=', token).executeTakeFirst()
  return r ? { id: r.id, email: r.email, studentName: `${r.last_name} ${r.first_name}`, unsubscribed_at: r.unsubscribed_at } : null
}

export async function unsubscribeByToken(db: DB, actor: Actor, token: string, now = new Date()): Promise<TokenSubscription | null> {
  return db.transaction().execute(async (trx) => {
    const sub = await subscriptionByToken(trx, token)
    if (!sub || sub.unsubscribed_at) return sub
    await trx.updateTable('digest_subscriptions').set({ unsubscribed_at: nowIso(now) }).where('id', '=', sub.id).execute()
    await audit(trx, actor, { action: 'digest.unsubscribe', entity: 'digest_subscription', entityId: sub.id, before: { email: sub.email }, after: { via: 'link' } })
    return sub
  })
}

export async function activeSubscriptionCount(db: Q): Promise<number> {
  const r = await db.selectFrom('digest_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('unsubscribed_at', 'is', null).executeTakeFirstOrThrow()
  return Number(r.n)
}

// ----- the job ------------------------------------------------------------------------------------------------

export interface DueSubscription { id: number; parent_id: number; student_id: number; email: string; token: string }

/**
 * Active subscriptions not yet sent for the week whose parent is still linked to the child: a parent unlinked
 * from a child (a change of custody) stops receiving the child's diary at once.
 */
export async function dueSubscriptions(db: Q, week: string): Promise<DueSubscription[]> {
  return db.selectFrom('digest_subscriptions as d')
    .innerJoin('parent_links as pl', (j) => j.onRef('pl.parent_id', '=', 'd.parent_id').onRef('pl.student_id', '=', 'd.student_id'))
    .select(['d.id', 'd.parent_id', 'd.student_id', 'd.email', 'd.token'])
    .where('d.unsubscribed_at', 'is', null)
    .where((eb) => eb.or([eb('d.last_sent_week', 'is', null), eb('d.last_sent_week', '<', week)]))
    .orderBy('d.id').execute()
}

/** Records the week as done for a subscription; false when another run already took it. */
export async function claimWeek(trx: Q, subscriptionId: number, week: string): Promise<boolean> {
  const r = await trx.updateTable('digest_subscriptions').set({ last_sent_week: week }).where('id', '=', subscriptionId)
    .where('unsubscribed_at', 'is', null)
    .where((eb) => eb.or([eb('last_sent_week', 'is', null), eb('last_sent_week', '<', week)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** The child's name and class in the letter's subject: the class they were in on the week's last day. */
export async function studentHeader(db: Q, studentId: number, sunday: string): Promise<{ name: string; classLabel: string | null }> {
  const p = await db.selectFrom('persons').select(['last_name', 'first_name']).where('id', '=', studentId).executeTakeFirstOrThrow()
  return { name: `${p.last_name} ${p.first_name}`, classLabel: await classLabelOn(db, studentId, sunday) }
}

// ----- SMTP settings and the mail log ------------------------------------------------------------------------

/** What the audit log keeps of the settings: never the password, only whether there is one. */
function auditable(v: Record<MailKey, string>) {
  const { smtp_password: pw, ...rest } = v
  return { ...rest, smtp_password: pw ? '(задан)' : '' }
}

/** Saves the SMTP settings; a blank password keeps the stored one. Returns false when nothing changed. */
export async function saveMailSettings(db: DB, actor: Actor, v: MailSettingsValue): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const cur = await readMailSettings(trx)
    const stored = await trx.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', [...MAIL_KEYS]).execute()
    const before = Object.fromEntries(MAIL_KEYS.map((k) => [k, stored.find((r) => r.key === k)?.value ?? ''])) as Record<MailKey, string>
    const after: Record<MailKey, string> = {
      smtp_host: v.host, smtp_port: v.port === null ? '' : String(v.port), smtp_secure: v.secure ? '1' : '', smtp_user: v.user,
      smtp_password: v.clearPassword ? '' : v.password ?? cur.password, smtp_from: v.from, site_url: v.siteUrl,
    }
    if (MAIL_KEYS.every((k) => before[k] === after[k])) return false
    for (const key of MAIL_KEYS) {
      const value = after[key]
      await trx.insertInto('school_settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()
    }
    const pwChanged = before.smtp_password !== after.smtp_password
    await audit(trx, actor, { action: 'digest.smtp', entity: 'school_settings', before: auditable(before), after: { ...auditable(after), ...(pwChanged ? { password_changed: true } : {}) } })
    return true
  })
}

/** The admin's «повторить»: a failed (or waiting) message goes back to the queue, audited. */
export async function requeueByAdmin(db: DB, actor: Actor, mailId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('mail_log').select(['status', 'attempts', 'last_error']).where('id', '=', mailId).executeTakeFirst()
    if (!before || !(await requeueMail(trx, mailId))) return false
    await audit(trx, actor, { action: 'digest.mail_retry', entity: 'mail_log', entityId: mailId, before, after: { status: 'pending' } })
    return true
  })
}

/** Queues the admin's test letter with its audit record; the caller then delivers it. */
export async function queueTestMail(db: DB, actor: Actor, letter: Letter, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await queueMail(trx, letter, now)
    await audit(trx, actor, { action: 'digest.mail_test', entity: 'mail_log', entityId: id, after: { to: letter.to } })
    return id
  })
}
