// Queries of the auth area: the current user, credentials, lockout, sessions, invitations.
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'
import { prepared } from '../../db/prepared.js'
import type { Role } from '../../db/types.js'

export interface CurrentUser {
  userId: number
  personId: number
  login: string
  fullName: string
  shortName: string
  roles: Role[]
  /** Classes (in a year not yet closed) whose class teacher this person is. */
  classTeacherOf: number[]
}

/** One query per request: the account, its person, roles and class-teacher classes. */
const currentUserRow = prepared((db, userId: number) => db
  .selectFrom('users as u')
  .innerJoin('persons as p', 'p.id', 'u.person_id')
  .select([
    'u.id as userId',
    'u.person_id as personId',
    'u.login',
    'p.last_name',
    'p.first_name',
    'p.middle_name',
    sql<string | null>`(select group_concat(role) from person_roles r where r.person_id = p.id)`.as('roles'),
    sql<string | null>`(select group_concat(c.id) from classes c join academic_years y on y.id = c.year_id
                         where c.class_teacher_id = p.id and y.status <> 'closed')`.as('classes'),
  ])
  .where('u.id', '=', userId)
  .where('u.disabled_at', 'is', null))

/** The logged-in user, read for every request (a prepared query: see db/prepared.ts). */
export async function loadCurrentUser(db: DB, userId: number): Promise<CurrentUser | null> {
  const [row] = await currentUserRow(db, userId)
  if (!row) return null
  return {
    userId: row.userId,
    personId: row.personId,
    login: row.login,
    fullName: fullName(row),
    shortName: shortName(row),
    roles: (row.roles ? row.roles.split(',') : []) as Role[],
    classTeacherOf: row.classes ? row.classes.split(',').map(Number) : [],
  }
}

export interface NameParts { last_name: string; first_name: string; middle_name: string }

export function fullName(p: NameParts): string {
  return [p.last_name, p.first_name, p.middle_name].filter(Boolean).join(' ')
}

/** «Иванова А. П.» */
export function shortName(p: NameParts): string {
  const initials = [p.first_name, p.middle_name].filter(Boolean).map((s) => `${s[0]}.`).join(' ')
  return initials ? `${p.last_name} ${initials}` : p.last_name
}

export async function findUserByLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select(['id', 'person_id', 'login', 'password_hash', 'failed_logins', 'locked_until', 'disabled_at'])
    .where('login', '=', login.toLowerCase())
    .executeTakeFirst()
}

export async function countSessions(db: DB, userId: number): Promise<number> {
  const r = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('expires_at', '>', new Date().toISOString()).executeTakeFirstOrThrow()
  return Number(r.n)
}
