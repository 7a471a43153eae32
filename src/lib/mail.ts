// Sends every e-mail of the school: logged in mail_log first, then through SMTP (nodemailer) when the admin has
// configured it, else written as an .eml file to DATA_DIR/outbox; a failure is retried with backoff, never dropped (R-D-4).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { Config } from '../config.js'
import type { DB } from '../db/connection.js'
import type { Database, MailLogTable } from '../db/types.js'
import { addMinutes, nowIso } from './dates.js'

type Q = DB | Transaction<Database> | Kysely<Database>

/**
 * The SMTP settings, kept in school_settings. The password is stored as the admin typed it (SMTP needs it in the
 * clear to log in); whoever can read the database file can read it, so the file must stay the admin's alone.
 */
export const MAIL_KEYS = ['smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user', 'smtp_password', 'smtp_from', 'site_url'] as const
export type MailKey = (typeof MAIL_KEYS)[number]

export interface MailSettings {
  host: string
  port: number
  /** TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean
  user: string
  password: string
  from: string
  /** The journal's address as families reach it, for links in letters (unsubscribe). */
  siteUrl: string
}

export const DEFAULT_FROM = 'Электронный журнал <journal@localhost>'

export async function readMailSettings(db: Q): Promise<MailSettings> {
  const rows = await db.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', [...MAIL_KEYS]).execute()
  const v = (k: MailKey) => rows.find((r) => r.key === k)?.value ?? ''
  const secure = v('smtp_secure') === '1'
  const port = Number(v('smtp_port'))
  return {
    host: v('smtp_host'),
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : secure ? 465 : 587,
    secure,
    user: v('smtp_user'),
    password: v('smtp_password'),
    from: v('smtp_from'),
    siteUrl: v('site_url'),
  }
}

export function smtpConfigured(s: MailSettings): boolean {
  return s.host !== ''
}

/** The address links in letters start with: the configured one, else this server on localhost. */
export function siteUrl(s: MailSettings, config: Config): string {
  return (s.siteUrl || `http://localhost:${config.port}`).replace(/\/+$/, '')
}

// ----- retries ---------------------------------------------------------------------------------------------

/** A message that failed this many times is marked 'failed' and waits for the admin. */
export const MAX_ATTEMPTS = 5
/** Minutes to wait after the 1st, 2nd, … failed attempt: a mail server being restarted or a dropped line recovers. */
export const RETRY_MINUTES = [5, 15, 60, 240] as const
/** How long a message being sent is held back from other senders (the scheduler and the admin's button). */
const LEASE_MINUTES = 10

/** After `attempts` failed attempts: when to try again, or null when the message has failed for good. */
export function nextAttempt(attempts: number, now: Date): Date | null {
  if (attempts >= MAX_ATTEMPTS) return null
  return addMinutes(now, RETRY_MINUTES[Math.min(attempts, RETRY_MINUTES.length) - 1])
}

// ----- sending ---------------------------------------------------------------------------------------------

export interface Letter {
  kind: string
  to: string
  subject: string
  text: string
  html?: string | null
  /** What the letter is about, e.g. 'digest:12:2026-11-16' (subscription and week). */
  ref?: string | null
}

export type MailRow = Selectable<MailLogTable>
export type MailStatus = MailRow['status']

/** Logs the letter as 'pending' (in the caller's transaction, beside what it records as sent); deliverMail sends it. */
export async function queueMail(trx: Q, letter: Letter, now = new Date()): Promise<number> {
  const { id } = await trx.insertInto('mail_log').values({
    kind: letter.kind, to_address: letter.to, subject: letter.subject, body_text: letter.text, body_html: letter.html ?? null,
    ref: letter.ref ?? null, status: 'pending', attempts: 0, created_at: nowIso(now), next_attempt_at: null,
  }).returning('id').executeTakeFirstOrThrow()
  return id
}

/** Logs the letter as 'pending' (so that nothing is lost if the process dies now), then tries to send it once. */
export async function sendMail(db: DB, config: Config, letter: Letter, now = new Date()): Promise<MailRow> {
  return deliverMail(db, config, await queueMail(db, letter, now), now)
}

/**
 * One attempt at a pending message: claimed first (so two senders never send it twice), then sent or written
 * to the outbox; a failure counts an attempt and sets the next one, or 'failed' after MAX_ATTEMPTS.
 */
export async function deliverMail(db: DB, config: Config, id: number, now = new Date()): Promise<MailRow> {
  const claimed = await db.updateTable('mail_log')
    .set({ next_attempt_at: nowIso(addMinutes(now, LEASE_MINUTES)) })
    .where('id', '=', id).where('status', '=', 'pending')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso(now))]))
    .executeTakeFirst()
  const row = await db.selectFrom('mail_log').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  if (Number(claimed.numUpdatedRows) === 0) return row

  const settings = await readMailSettings(db)
  const message = {
    from: settings.from || settings.user || DEFAULT_FROM,
    to: row.to_address,
    subject: row.subject,
    text: row.body_text,
    ...(row.body_html ? { html: row.body_html } : {}),
    headers: { 'X-Mail-Log-Id': String(row.id) },
  }
  try {
    if (smtpConfigured(settings)) {
      await smtpTransport(settings).sendMail(message)
      await db.updateTable('mail_log').set({ status: 'sent', attempts: row.attempts + 1, sent_at: nowIso(now), next_attempt_at: null })
        .where('id', '=', id).execute()
    } else {
      const file = await writeOutbox(config, row.id, message, now)
      await db.updateTable('mail_log').set({ status: 'outbox', attempts: row.attempts + 1, sent_at: nowIso(now), next_attempt_at: null, outbox_file: file })
        .where('id', '=', id).execute()
    }
  } catch (e) {
    const attempts = row.attempts + 1
    const next = nextAttempt(attempts, now)
    await db.updateTable('mail_log').set({
      status: next ? 'pending' : 'failed', attempts, last_error: errorText(e), next_attempt_at: next ? nowIso(next) : null,
    }).where('id', '=', id).execute()
  }
  return db.selectFrom('mail_log').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

function smtpTransport(s: MailSettings) {
  return nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password } } : {}),
    // A school's line can be slow, but a dead server must not hold the scheduler for minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  })
}

/** The message as an RFC 5322 file, built by nodemailer exactly as it would go over SMTP. */
async function writeOutbox(config: Config, id: number, message: Parameters<ReturnType<typeof smtpTransport>['sendMail']>[0], now: Date): Promise<string> {
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(message)
  const dir = path.join(config.dataDir, 'outbox')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${nowIso(now).replace(/[:.]/g, '-')}-${id}.eml`)
  writeFileSync(file, info.message as Buffer)
  return file
}

function errorText(e: unknown): string {
  const err = e as { code?: unknown; responseCode?: unknown; message?: unknown }
  const code = typeof err.code === 'string' ? `${err.code}: ` : ''
  const msg = typeof err.message === 'string' ? err.message : String(e)
  return (code + msg).slice(0, 500)
}

/** Sends every pending message whose time has come (never tried yet, or its retry is due). */
export async function retryPending(db: DB, config: Config, now = new Date()): Promise<MailRow[]> {
  const due = await db.selectFrom('mail_log').select('id').where('status', '=', 'pending')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso(now))]))
    .orderBy('id').execute()
  const out: MailRow[] = []
  for (const { id } of due) out.push(await deliverMail(db, config, id, now))
  return out
}

// ----- what the admin sees ---------------------------------------------------------------------------------

export async function recentMail(db: Q, limit = 100): Promise<MailRow[]> {
  return db.selectFrom('mail_log').selectAll().orderBy('id', 'desc').limit(limit).execute()
}

export async function getMail(db: Q, id: number): Promise<MailRow | null> {
  return (await db.selectFrom('mail_log').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
}

/** Messages the school failed to send, for a warning wherever the admin looks. */
export async function failedMailCount(db: Q): Promise<number> {
  const r = await db.selectFrom('mail_log').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Puts a failed message back in the queue for one more attempt (the admin's «повторить»). */
export async function requeueMail(trx: Q, id: number): Promise<boolean> {
  const r = await trx.updateTable('mail_log').set({ status: 'pending', next_attempt_at: null })
    .where('id', '=', id).where('status', 'in', ['failed', 'pending']).executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}
