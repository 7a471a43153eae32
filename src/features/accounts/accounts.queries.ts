// Queries of the accounts area: the admin's list of people and accounts, invitation codes, a class's families.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, Role } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { fullName, type CurrentUser } from '../auth/auth.queries.js'
import { generateCode } from '../auth/auth.service.js'
import type { UserFilter } from './accounts.form.js'
import { STAFF_ROLES, classLabel, codeExpiry, codeStatus, inAdminScope, needsCode, type CodeStatus } from './accounts.rules.js'

type Q = Kysely<Database>

export const PAGE_SIZE = 100

function rolesOf(s: string | null): Role[] {
  return (s ? s.split(',') : []) as Role[]
}

const rolesSql = sql<string | null>`(select group_concat(r.role) from person_roles r where r.person_id = p.id)`

/** A condition "still usable" for invitations aliased i, as of now. */
function activeCode(now: Date) {
  return sql<boolean>`i.used_at is null and i.revoked_at is null and i.expires_at > ${nowIso(now)}`
}

/** SQLite's LIKE folds ASCII case only; names are Cyrillic, so the usual spellings are tried. */
function namePatterns(q: string): string[] {
  const esc = q.replace(/[\\%_]/g, (c) => `\\${c}`)
  const lower = esc.toLowerCase()
  const capital = lower.charAt(0).toUpperCase() + lower.slice(1)
  return [...new Set([esc, lower, capital])].map((s) => `%${s}%`)
}

// ---------------------------------------------------------------------------------------------------- admin list

export interface AccountRow {
  personId: number
  fullName: string
  roles: Role[]
  login: string | null
  disabledAt: string | null
  lastLoginAt: string | null
  codeExpiresAt: string | null
}

/** Everybody with a staff role and every account holder, filtered and paged (the admin's view). */
export async function listAccounts(db: DB, f: UserFilter, now = new Date()): Promise<{ rows: AccountRow[]; total: number }> {
  let q = db.selectFrom('persons as p').leftJoin('users as u', 'u.person_id', 'p.id')
    .where((eb) => eb.or([
      eb('u.id', 'is not', null),
      eb.exists(eb.selectFrom('person_roles as r').select('r.person_id').whereRef('r.person_id', '=', 'p.id').where('r.role', 'in', STAFF_ROLES)),
    ]))
  if (f.role) {
    const role = f.role
    q = q.where((eb) => eb.exists(eb.selectFrom('person_roles as r').select('r.person_id').whereRef('r.person_id', '=', 'p.id').where('r.role', '=', role)))
  }
  if (f.account === 'yes') q = q.where('u.id', 'is not', null)
  if (f.account === 'no') q = q.where('u.id', 'is', null)
  if (f.account === 'disabled') q = q.where('u.disabled_at', 'is not', null)
  if (f.q) {
    const pats = namePatterns(f.q)
    q = q.where((eb) => eb.or([
      ...pats.map((pat) => sql<boolean>`(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) like ${pat} escape '\\'`),
      sql<boolean>`u.login like ${pats[pats.length - 1].toLowerCase()} escape '\\'`,
    ]))
  }
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const rows = await q
    .select([
      'p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'u.login', 'u.disabled_at', 'u.last_login_at',
      rolesSql.as('roles'),
      sql<string | null>`(select max(i.expires_at) from invitations i where i.person_id = p.id and ${activeCode(now)})`.as('code_expires'),
    ])
    .orderBy('p.last_name').orderBy('p.first_name').orderBy('p.middle_name').orderBy('p.id')
    .limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)
    .execute()
  return {
    total: Number(n),
    rows: rows.map((r) => ({
      personId: r.id, fullName: fullName(r), roles: rolesOf(r.roles), login: r.login, disabledAt: r.disabled_at,
      lastLoginAt: r.last_login_at, codeExpiresAt: r.code_expires,
    })),
  }
}

// ---------------------------------------------------------------------------------------------------- one person

export interface CodeRow {
  id: number
  code: string
  purpose: 'register' | 'reset'
  createdAt: string
  createdBy: string | null
  expiresAt: string
  usedAt: string | null
  revokedAt: string | null
  status: CodeStatus
}

export interface AccountPerson {
  personId: number
  fullName: string
  roles: Role[]
  user: { id: number; login: string; disabledAt: string | null; lastLoginAt: string | null; createdAt: string; lockedUntil: string | null } | null
  codes: CodeRow[]
}

/** A person as the admin manages them, or undefined when they are outside the admin's list (a family member without account). */
export async function getAccountPerson(db: Q, personId: number, now = new Date()): Promise<AccountPerson | undefined> {
  const p = await db.selectFrom('persons as p')
    .leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', rolesSql.as('roles'),
      'u.id as user_id', 'u.login', 'u.disabled_at', 'u.last_login_at', 'u.created_at', 'u.locked_until'])
    .where('p.id', '=', personId)
    .executeTakeFirst()
  if (!p) return undefined
  const user = p.user_id !== null && p.login !== null && p.created_at !== null
    ? { id: p.user_id, login: p.login, disabledAt: p.disabled_at, lastLoginAt: p.last_login_at, createdAt: p.created_at, lockedUntil: p.locked_until }
    : null
  const roles = rolesOf(p.roles)
  if (!inAdminScope({ roles, user: user && { id: user.id, disabled: !!user.disabledAt } })) return undefined
  const codes = await db.selectFrom('invitations as i')
    .leftJoin('users as c', 'c.id', 'i.created_by')
    .select(['i.id', 'i.code', 'i.purpose', 'i.created_at', 'i.expires_at', 'i.used_at', 'i.revoked_at', 'c.login as creator'])
    .where('i.person_id', '=', personId)
    .orderBy('i.created_at', 'desc').orderBy('i.id', 'desc')
    .execute()
  return {
    personId: p.id, fullName: fullName(p), roles, user,
    codes: codes.map((c) => ({
      id: c.id, code: c.code, purpose: c.purpose, createdAt: c.created_at, createdBy: c.creator, expiresAt: c.expires_at,
      usedAt: c.used_at, revokedAt: c.revoked_at, status: codeStatus(c, now),
    })),
  }
}

// ---------------------------------------------------------------------------------------------------- writes

/** A new code that no stored invitation has (a clash is astronomically rare, but a unique index would throw). */
async function freshCode(trx: Q): Promise<string> {
  for (;;) {
    const code = generateCode()
    const clash = await trx.selectFrom('invitations').select('id').where('code', '=', code).executeTakeFirst()
    if (!clash) return code
  }
}

async function insertCode(trx: Q, actor: Actor, personId: number, purpose: 'register' | 'reset', days: number, now: Date) {
  const code = await freshCode(trx)
  const row = { code, person_id: personId, purpose, created_by: actor.userId, created_at: nowIso(now), expires_at: codeExpiry(now, days) }
  const { id } = await trx.insertInto('invitations').values(row).returning('id').executeTakeFirstOrThrow()
  // The code itself stays out of the audit log: the log is read by more people than the code is meant for.
  await audit(trx, actor, {
    action: 'invitation.issue', entity: 'invitation', entityId: id,
    after: { person_id: personId, purpose, expires_at: row.expires_at },
  })
  return { id, code, expiresAt: row.expires_at }
}

/**
 * The admin issues a code to one person (a registration code for staff, a reset code for an account holder).
 * The person's earlier codes still usable are revoked, so only the latest slip works.
 */
export async function issueCode(
  db: DB, actor: Actor, personId: number, purpose: 'register' | 'reset', days: number, now = new Date(),
): Promise<{ id: number; code: string; revoked: number }> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('invitations as i').select('i.id').where('i.person_id', '=', personId).where(activeCode(now)).execute()
    for (const o of old) {
      await trx.updateTable('invitations').set({ revoked_at: nowIso(now) }).where('id', '=', o.id).execute()
      await audit(trx, actor, {
        action: 'invitation.revoke', entity: 'invitation', entityId: o.id,
        before: { revoked_at: null }, after: { revoked_at: nowIso(now), reason: 'replaced' },
      })
    }
    const created = await insertCode(trx, actor, personId, purpose, days, now)
    return { id: created.id, code: created.code, revoked: old.length }
  })
}

/** Revokes a code of this person if it can still be used; false when there is nothing to revoke. */
export async function revokeCode(db: DB, actor: Actor, personId: number, codeId: number, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('invitations').set({ revoked_at: nowIso(now) })
      .where('id', '=', codeId).where('person_id', '=', personId)
      .where('used_at', 'is', null).where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) return false
    await audit(trx, actor, {
      action: 'invitation.revoke', entity: 'invitation', entityId: codeId,
      before: { revoked_at: null }, after: { revoked_at: nowIso(now) },
    })
    return true
  })
}

/** Disables an account (ending all its sessions) or enables it again; null when it already was so, else the sessions ended. */
export async function setDisabled(db: DB, actor: Actor, userId: number, disable: boolean, now = new Date()): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').select('disabled_at').where('id', '=', userId).executeTakeFirstOrThrow()
    if (disable === (before.disabled_at !== null)) return null
    const disabledAt = disable ? nowIso(now) : null
    await trx.updateTable('users').set({ disabled_at: disabledAt }).where('id', '=', userId).execute()
    let sessions = 0
    if (disable) {
      const r = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
      sessions = Number(r.numDeletedRows)
    }
    await audit(trx, actor, {
      action: disable ? 'user.disable' : 'user.enable', entity: 'user', entityId: userId,
      before, after: disable ? { disabled_at: disabledAt, sessions_ended: sessions } : { disabled_at: null },
    })
    return sessions
  })
}

export async function schoolName(db: DB): Promise<string | null> {
  const r = await db.selectFrom('school_settings').select('value').where('key', '=', 'school_name').executeTakeFirst()
  return r?.value.trim() || null
}

// ---------------------------------------------------------------------------------------------------- classes

export interface ClassInfo { id: number; label: string; yearName: string }

/** The classes this user may hand out codes for: all current ones for the admin, their own for a class teacher. */
export async function classesFor(db: DB, user: CurrentUser): Promise<ClassInfo[]> {
  let q = db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['c.id', 'c.grade', 'c.letter', 'y.name as year'])
    .where('y.status', '<>', 'closed')
  if (!user.roles.includes('admin')) {
    if (!user.classTeacherOf.length) return []
    q = q.where('c.id', 'in', user.classTeacherOf)
  }
  const rows = await q.orderBy('y.starts_on').orderBy('c.grade').orderBy('c.letter').execute()
  return rows.map((r) => ({ id: r.id, label: classLabel(r), yearName: r.year }))
}

/** One class if this user may manage it (see mayManageClass, checked by the caller), or undefined. */
export async function findClass(db: DB, classId: number): Promise<ClassInfo | undefined> {
  const r = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['c.id', 'c.grade', 'c.letter', 'y.name as year']).where('c.id', '=', classId).executeTakeFirst()
  return r && { id: r.id, label: classLabel(r), yearName: r.year }
}

export interface FamilyMember {
  personId: number
  kind: 'student' | 'parent'
  fullName: string
  /** For a parent: their children currently in this class. */
  children: string[]
  login: string | null
  disabled: boolean
  /** The newest registration code still usable. */
  code: { id: number; code: string; expiresAt: string } | null
}

/**
 * The students currently enrolled in the class, each followed by their parents (a parent of two children of the
 * class appears once, after the first). Only these people are within a class teacher's reach for codes.
 */
export async function classFamily(db: Q, classId: number, now = new Date()): Promise<FamilyMember[]> {
  const students = await db.selectFrom('enrollments as e')
    .innerJoin('persons as p', 'p.id', 'e.student_id')
    .leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'u.login', 'u.disabled_at'])
    .where('e.class_id', '=', classId).where('e.to_date', 'is', null)
    .distinct()
    .orderBy('p.last_name').orderBy('p.first_name').orderBy('p.middle_name').orderBy('p.id')
    .execute()
  if (!students.length) return []
  const parents = await db.selectFrom('parent_links as l')
    .innerJoin('persons as p', 'p.id', 'l.parent_id')
    .leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['l.student_id', 'p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'u.login', 'u.disabled_at'])
    .where('l.student_id', 'in', students.map((s) => s.id))
    .orderBy('p.last_name').orderBy('p.first_name').orderBy('p.id')
    .execute()
  const ids = [...students.map((s) => s.id), ...parents.map((p) => p.id)]
  const codes = await db.selectFrom('invitations as i').select(['i.id', 'i.person_id', 'i.code', 'i.expires_at'])
    .where('i.person_id', 'in', ids).where('i.purpose', '=', 'register').where(activeCode(now))
    .orderBy('i.created_at', 'desc').orderBy('i.id', 'desc')
    .execute()
  const codeOf = new Map<number, FamilyMember['code']>()
  for (const c of codes) if (!codeOf.has(c.person_id)) codeOf.set(c.person_id, { id: c.id, code: c.code, expiresAt: c.expires_at })
  const studentName = new Map(students.map((s) => [s.id, fullName(s)]))

  const out: FamilyMember[] = []
  const seen = new Set<number>()
  const member = (r: (typeof students)[number], kind: FamilyMember['kind'], children: string[]): FamilyMember => ({
    personId: r.id, kind, fullName: fullName(r), children, login: r.login, disabled: r.disabled_at !== null, code: codeOf.get(r.id) ?? null,
  })
  for (const s of students) {
    if (seen.has(s.id)) continue
    seen.add(s.id)
    out.push(member(s, 'student', []))
    for (const p of parents.filter((x) => x.student_id === s.id)) {
      if (seen.has(p.id)) continue
      seen.add(p.id)
      const children = parents.filter((x) => x.id === p.id).map((x) => studentName.get(x.student_id)!)
      out.push(member(p, 'parent', children))
    }
  }
  return out
}

export class OutOfScopeError extends Error {}

/**
 * Creates registration codes for the class's family members who have neither an account nor a usable code
 * (all of them, or only the ticked ones). Nothing is revoked. A ticked id outside the class refuses the whole
 * request before anything is written.
 */
export async function generateClassCodes(
  db: DB, actor: Actor, classId: number, personIds: number[] | null, days: number, now = new Date(),
): Promise<{ created: number; skipped: number }> {
  return db.transaction().execute(async (trx) => {
    const family = await classFamily(trx, classId, now)
    const inClass = new Set(family.map((m) => m.personId))
    if (personIds && personIds.some((id) => !inClass.has(id))) throw new OutOfScopeError()
    const wanted = personIds ? family.filter((m) => personIds.includes(m.personId)) : family
    const todo = wanted.filter(needsCode)
    for (const m of todo) await insertCode(trx, actor, m.personId, 'register', days, now)
    return { created: todo.length, skipped: wanted.length - todo.length }
  })
}
