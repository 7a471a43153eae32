// Account writes of the auth area, each in one transaction with its audit record.
import { randomInt } from 'node:crypto'
import argon2 from 'argon2'
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { Limiter } from '../../lib/limiter.js'
import { nowIso } from '../../lib/dates.js'
import { CODE_ALPHABET, afterFailure, codeState, isLocked, normalizeCode, type CodeState } from './auth.rules.js'
import { findUserByLogin } from './auth.queries.js'
import { fullName } from './auth.queries.js'

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane). A login holds this memory while
 * its password is checked: the library's default (64 MiB, 4 lanes) made one login the largest item of the
 * server's peak memory (R-NF-2; `npm run bench`: 116 MB at start, 185 MB at peak from logins alone). A hash made
 * with other settings is checked as it is and replaced at its next successful login.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

/** At most two passwords are hashed at once, so that a wave of logins cannot take the memory of many. */
const hashing = new Limiter(2)

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2.hash(password, HASH_OPTIONS))
}

function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashing.run(() => argon2.verify(hash, password)).catch(() => false)
}

// Verified against when the login does not exist, so that the work done does not reveal which logins exist.
let dummyHash: Promise<string> | null = null

/** The settings hashes were made with before (the library's default): checking one takes the longest. */
const LEGACY_OPTIONS = { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 } as const
let slowestCheck: Promise<number> | null = null

/**
 * How long a failed login takes at least: a quarter more than checking a wrong password against a hash of the
 * old settings (measured once, at the first failed login). Accounts keep their old hash until they next log in,
 * so without this the time of a refusal would tell an old account from a new one or from no account at all.
 */
export function failedLoginMs(): Promise<number> {
  slowestCheck ??= (async () => {
    const legacy = await hashing.run(() => argon2.hash('not-a-real-password', LEGACY_OPTIONS))
    const started = performance.now()
    await verifyPassword(legacy, 'a-wrong-password')
    return 1.25 * (performance.now() - started)
  })()
  return slowestCheck
}

async function refusedAfter<T>(started: number, result: T): Promise<T> {
  const wait = (await failedLoginMs()) - (performance.now() - started)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  return result
}

export type LoginResult =
  | { ok: true; userId: number }
  | { ok: false; reason: 'failed' | 'disabled' }
  | { ok: false; reason: 'locked'; until: string }

export async function attemptLogin(
  db: DB, login: string, password: string, ip: string,
  policy: { threshold: number; lockoutMinutes: number }, now = new Date(),
): Promise<LoginResult> {
  const started = performance.now()
  const user = await findUserByLogin(db, login)
  if (!user) {
    dummyHash ??= hashPassword('not-a-real-password')
    await verifyPassword(await dummyHash, password)
    return refusedAfter(started, { ok: false, reason: 'failed' })
  }
  const actor: Actor = { userId: user.id, personId: user.person_id, ip }
  if (user.disabled_at) return refusedAfter(started, { ok: false, reason: 'disabled' })
  if (isLocked(user, now)) return refusedAfter(started, { ok: false, reason: 'locked', until: user.locked_until! })
  const good = await verifyPassword(user.password_hash, password)
  if (!good) {
    const next = afterFailure(user, now, policy.threshold, policy.lockoutMinutes)
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set(next).where('id', '=', user.id).execute()
      await audit(trx, actor, {
        action: next.locked_until && !isLocked(user, now) ? 'auth.locked' : 'auth.login_failed',
        entity: 'user', entityId: user.id,
        before: { failed_logins: user.failed_logins, locked_until: user.locked_until }, after: next,
      })
    })
    if (next.locked_until && isLocked(next, now)) return refusedAfter(started, { ok: false, reason: 'locked', until: next.locked_until })
    return refusedAfter(started, { ok: false, reason: 'failed' })
  }
  const rehashed = argon2.needsRehash(user.password_hash, HASH_OPTIONS) ? await hashPassword(password) : null
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: nowIso(now), ...(rehashed ? { password_hash: rehashed } : {}) })
      .where('id', '=', user.id).execute()
    await audit(trx, actor, { action: 'auth.login', entity: 'user', entityId: user.id })
  })
  return { ok: true, userId: user.id }
}

export function generateCode(): string {
  let s = ''
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return s
}

export interface InvitationView {
  id: number
  personId: number
  purpose: 'register' | 'reset'
  personName: string
  state: CodeState
  existingLogin: string | null
}

export async function lookupInvitation(db: DB, rawCode: string, now = new Date()): Promise<InvitationView | { state: CodeState }> {
  const code = normalizeCode(rawCode)
  if (!code) return { state: 'unknown' }
  const inv = await db
    .selectFrom('invitations as i')
    .innerJoin('persons as p', 'p.id', 'i.person_id')
    .leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['i.id', 'i.person_id', 'i.purpose', 'i.used_at', 'i.revoked_at', 'i.expires_at',
      'p.last_name', 'p.first_name', 'p.middle_name', 'u.login'])
    .where('i.code', '=', code)
    .executeTakeFirst()
  const state = codeState(inv, now)
  if (!inv || state !== 'ok') return { state }
  return { id: inv.id, personId: inv.person_id, purpose: inv.purpose, personName: fullName(inv), state, existingLogin: inv.login }
}

export class LoginTakenError extends Error {}
export class CodeNotUsableError extends Error { constructor(public state: CodeState) { super(state) } }

/**
 * Uses a code: creates the account of its person (register) or sets a new password (reset). The code is
 * claimed by a conditional update inside the transaction, so two simultaneous uses cannot both succeed.
 */
export async function redeemInvitation(
  db: DB, rawCode: string, login: string, password: string, ip: string, now = new Date(),
): Promise<{ userId: number; purpose: 'register' | 'reset'; login: string }> {
  const code = normalizeCode(rawCode)
  const hash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const inv = await trx.selectFrom('invitations').selectAll().where('code', '=', code).executeTakeFirst()
    const state = codeState(inv, now)
    if (!inv || state !== 'ok') throw new CodeNotUsableError(state)
    const claimed = await trx.updateTable('invitations').set({ used_at: nowIso(now) })
      .where('id', '=', inv.id).where('used_at', 'is', null).executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) throw new CodeNotUsableError('used')
    const existing = await trx.selectFrom('users').select(['id', 'login']).where('person_id', '=', inv.person_id).executeTakeFirst()
    if (inv.purpose === 'reset' || existing) {
      if (!existing) throw new CodeNotUsableError('unknown')
      await trx.updateTable('users')
        .set({ password_hash: hash, password_changed_at: nowIso(now), failed_logins: 0, locked_until: null })
        .where('id', '=', existing.id).execute()
      await trx.deleteFrom('sessions').where('user_id', '=', existing.id).execute()
      await audit(trx, { userId: existing.id, personId: inv.person_id, ip }, {
        action: 'auth.password_reset', entity: 'user', entityId: existing.id, after: { invitation: inv.id },
      })
      return { userId: existing.id, purpose: 'reset' as const, login: existing.login }
    }
    const taken = await trx.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst()
    if (taken) throw new LoginTakenError()
    const ts = nowIso(now)
    const user = await trx.insertInto('users')
      .values({ person_id: inv.person_id, login, password_hash: hash, created_at: ts, password_changed_at: ts })
      .returning('id').executeTakeFirstOrThrow()
    await audit(trx, { userId: user.id, personId: inv.person_id, ip }, {
      action: 'auth.register', entity: 'user', entityId: user.id, after: { login, person_id: inv.person_id, invitation: inv.id },
    })
    return { userId: user.id, purpose: 'register' as const, login }
  })
}

export async function changePassword(db: DB, actor: Actor & { userId: number }, current: string, next: string, keepSid: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', actor.userId).executeTakeFirstOrThrow()
  if (!(await verifyPassword(row.password_hash, current))) return false
  const hash = await hashPassword(next)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, password_changed_at: nowIso() }).where('id', '=', actor.userId).execute()
    // Other devices must log in again with the new password.
    await trx.deleteFrom('sessions').where('user_id', '=', actor.userId).where('sid', '<>', keepSid).execute()
    await audit(trx, actor, { action: 'auth.password_changed', entity: 'user', entityId: actor.userId })
  })
  return true
}

export async function logoutEverywhere(db: DB, actor: Actor & { userId: number }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('sessions').where('user_id', '=', actor.userId).executeTakeFirst()
    await audit(trx, actor, { action: 'auth.logout_everywhere', entity: 'user', entityId: actor.userId, after: { sessions: Number(r.numDeletedRows) } })
    return Number(r.numDeletedRows)
  })
}

export async function setHideContacts(db: DB, actor: Actor & { personId: number }, hide: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('persons').select('hide_contacts').where('id', '=', actor.personId).executeTakeFirstOrThrow()
    await trx.updateTable('persons').set({ hide_contacts: hide ? 1 : 0 }).where('id', '=', actor.personId).execute()
    await audit(trx, actor, { action: 'person.hide_contacts', entity: 'person', entityId: actor.personId, before, after: { hide_contacts: hide ? 1 : 0 } })
  })
}
