// The reads behind the monthly activity report (R-REP-2): teachers with their accounts, audit and marks; the
// students and parents of classes with their accounts, logins and weekly confirmations. A fixed number of set
// queries per report, whatever the size of the school.
import type { Kysely } from 'kysely'
import type { Channel, Database } from '../../db/types.js'
import { fullName } from '../auth/auth.queries.js'
import type { ReportScope } from './reports.scope.js'
import type { AccountFacts } from './activity.rules.js'

type DB = Kysely<Database>

/** The families of audit actions that may be journal work (activity.rules decides which are). */
const TEACHER_ACTIONS = ['journal.%', 'attendance.%', 'plan.%', 'finals.%', 'files.%']

export interface TeacherRow {
  personId: number
  name: string
  login: string | null
  userId: number | null
  account: AccountFacts | null
  lastLoginAt: string | null
}

/**
 * The teachers listed: for the administration every teacher (with a class chosen, those with workload in the
 * class or its subgroups and its class teacher); for anyone else only themselves.
 */
export async function teachersOf(db: DB, scope: ReportScope, classId: number | null): Promise<TeacherRow[]> {
  let q = db.selectFrom('persons as p').leftJoin('users as u', 'u.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'u.id as userId', 'u.login', 'u.created_at', 'u.disabled_at', 'u.last_login_at'])
  if (!scope.all) q = q.where('p.id', '=', scope.teacherId)
  else {
    q = q.where('p.id', 'in', db.selectFrom('person_roles').select('person_id').where('role', '=', 'teacher'))
    if (classId !== null) {
      q = q.where((eb) => eb.or([
        eb('p.id', 'in', eb.selectFrom('workload').select('teacher_id').where((w) => w.or([
          w('class_id', '=', classId),
          w('group_id', 'in', w.selectFrom('groups').select('id').where('class_id', '=', classId)),
        ]))),
        eb('p.id', 'in', eb.selectFrom('classes').select('class_teacher_id').where('id', '=', classId).where('class_teacher_id', 'is not', null)),
      ]))
    }
  }
  const rows = await q.orderBy('p.last_name').orderBy('p.first_name').orderBy('p.middle_name').execute()
  return rows.map((r) => ({
    personId: r.id, name: fullName(r), login: r.login, userId: r.userId,
    account: r.userId === null || r.created_at === null ? null : { created_at: r.created_at, disabled_at: r.disabled_at },
    lastLoginAt: r.last_login_at,
  }))
}

/** The login times of these accounts in [start, end). */
export async function loginTimes(db: DB, userIds: number[], start: string, end: string) {
  if (!userIds.length) return []
  return db.selectFrom('audit_log').select(['actor_user_id as userId', 'at'])
    .where('actor_user_id', 'in', userIds).where('action', '=', 'auth.login').where('at', '>=', start).where('at', '<', end)
    .execute()
}

/** How many records of each journal-like action these accounts left in [start, end) (activity.rules picks the work). */
export async function journalActions(db: DB, userIds: number[], start: string, end: string) {
  if (!userIds.length) return []
  const rows = await db.selectFrom('audit_log').select(['actor_user_id as userId', 'action']).select((eb) => eb.fn.countAll<number>().as('n'))
    .where('actor_user_id', 'in', userIds).where('at', '>=', start).where('at', '<', end)
    .where((eb) => eb.or(TEACHER_ACTIONS.map((p) => eb('action', 'like', p))))
    .groupBy(['actor_user_id', 'action']).execute()
  return rows.map((r) => ({ ...r, n: Number(r.n) }))
}

/** The last login of each of these accounts before an instant (for those who did not log in within the range). */
export async function lastLoginsBefore(db: DB, userIds: number[], before: string): Promise<Map<number, string>> {
  if (!userIds.length) return new Map()
  const rows = await db.selectFrom('audit_log').select(['actor_user_id as userId']).select((eb) => eb.fn.max('at').as('at'))
    .where('actor_user_id', 'in', userIds).where('action', '=', 'auth.login').where('at', '<', before)
    .groupBy('actor_user_id').execute()
  return new Map(rows.filter((r) => r.userId !== null).map((r) => [r.userId!, r.at]))
}

/** Marks in the journal now whose entry (or last change) in [start, end) was made by each of these persons. */
export async function marksEntered(db: DB, personIds: number[], start: string, end: string): Promise<Map<number, number>> {
  if (!personIds.length) return new Map()
  const rows = await db.selectFrom('marks').select('entered_by').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('entered_at', '>=', start).where('entered_at', '<', end).where('entered_by', 'in', personIds)
    .groupBy('entered_by').execute()
  return new Map(rows.map((r) => [r.entered_by, Number(r.n)]))
}

export interface StayRow { classId: number; studentId: number; from: string; to: string | null; channel: Channel; userId: number | null; account: AccountFacts | null }

/** The stays in these classes overlapping [from, to], with the student's diary channel and account. */
export async function classStays(db: DB, classIds: number[], from: string, to: string): Promise<StayRow[]> {
  if (!classIds.length) return []
  const rows = await db.selectFrom('enrollments as e')
    .innerJoin('students as s', 's.person_id', 'e.student_id')
    .leftJoin('users as u', 'u.person_id', 'e.student_id')
    .select(['e.class_id', 'e.student_id', 'e.from_date', 'e.to_date', 's.channel', 'u.id as userId', 'u.created_at', 'u.disabled_at'])
    .where('e.class_id', 'in', classIds).where('e.from_date', '<=', to)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', from)]))
    .execute()
  return rows.map((r) => ({
    classId: r.class_id, studentId: r.student_id, from: r.from_date, to: r.to_date, channel: r.channel, userId: r.userId,
    account: r.userId === null || r.created_at === null ? null : { created_at: r.created_at, disabled_at: r.disabled_at },
  }))
}

export interface ParentRow { studentId: number; parentId: number; userId: number | null; account: AccountFacts | null }

/** The recorded parents of the students in these classes during [from, to], with their accounts. */
export async function classParents(db: DB, classIds: number[], from: string, to: string): Promise<ParentRow[]> {
  if (!classIds.length) return []
  const rows = await db.selectFrom('parent_links as pl')
    .leftJoin('users as u', 'u.person_id', 'pl.parent_id')
    .select(['pl.student_id', 'pl.parent_id', 'u.id as userId', 'u.created_at', 'u.disabled_at'])
    .where('pl.student_id', 'in', studentsOf(db, classIds, from, to))
    .execute()
  return rows.map((r) => ({
    studentId: r.student_id, parentId: r.parent_id, userId: r.userId,
    account: r.userId === null || r.created_at === null ? null : { created_at: r.created_at, disabled_at: r.disabled_at },
  }))
}

function studentsOf(db: DB, classIds: number[], from: string, to: string) {
  return db.selectFrom('enrollments as e').select('e.student_id')
    .where('e.class_id', 'in', classIds).where('e.from_date', '<=', to)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', from)]))
}

/**
 * The accounts of the students of these classes in [from, to] and of their parents that logged in at least once
 * in [start, end). Asked per account (audit_actor index), stopping at its first login: a whole year costs no
 * more than a month.
 */
export async function familyLogins(db: DB, classIds: number[], from: string, to: string, start: string, end: string): Promise<Set<number>> {
  if (!classIds.length) return new Set()
  const students = studentsOf(db, classIds, from, to)
  const rows = await db.selectFrom('users as u').select('u.id')
    .where((eb) => eb.or([
      eb('u.person_id', 'in', students),
      eb('u.person_id', 'in', eb.selectFrom('parent_links').select('parent_id').where('student_id', 'in', students)),
    ]))
    .where((eb) => eb.exists(eb.selectFrom('audit_log as a').select('a.id').whereRef('a.actor_user_id', '=', 'u.id')
      .where('a.at', '>=', start).where('a.at', '<', end).where('a.action', '=', 'auth.login')))
    .execute()
  return new Set(rows.map((r) => r.id))
}

/**
 * 'studentId:monday' of the weeks in [firstMonday, lastMonday] confirmed for students of these classes. Only a
 * family member's confirmation counts (the diary lets only parents confirm; the student's own never would).
 */
export async function confirmedWeeks(db: DB, classIds: number[], firstMonday: string, lastMonday: string, from: string, to: string): Promise<Set<string>> {
  if (!classIds.length) return new Set()
  const rows = await db.selectFrom('acknowledgements as a').select(['a.student_id', 'a.week']).distinct()
    .where('a.week', '>=', firstMonday).where('a.week', '<=', lastMonday)
    .whereRef('a.person_id', '<>', 'a.student_id')
    .where('a.student_id', 'in', studentsOf(db, classIds, from, to))
    .execute()
  return new Set(rows.map((r) => `${r.student_id}:${r.week}`))
}
