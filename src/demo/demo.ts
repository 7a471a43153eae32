// The demo school: a deterministic, realistic school written in one transaction, with eight demo accounts.
import { sql } from 'kysely'
import type { DB } from '../db/connection.js'
import { hashPassword } from '../features/auth/auth.service.js'
import { SYSTEM, audit } from '../lib/audit.js'
import { addDays, localDate, parseDate } from '../lib/dates.js'
import { writeDecisions } from './decisions.js'
import { insertMany } from './insert.js'
import { JOURNAL_MODES, writeJournal, type JournalMode } from './journal.js'
import { planSchool, type DemoLogin, type IdBase } from './plan.js'

export const DEMO_PASSWORD = 'journal-demo'

export const DEMO_ACCOUNTS: { login: DemoLogin; what: string }[] = [
  { login: 'admin', what: 'администратор системы' },
  { login: 'director', what: 'директор школы' },
  { login: 'deputy', what: 'заместитель директора по учебно-воспитательной работе' },
  { login: 'scheduler', what: 'диспетчер расписания' },
  { login: 'clerk', what: 'делопроизводитель' },
  { login: 'teacher', what: 'учитель русского языка и литературы, классный руководитель 5А' },
  { login: 'parent', what: 'мама ученицы 5А и ученика 2А' },
  { login: 'student', what: 'ученица 5А' },
]

export interface DemoOptions {
  seed: number
  students: number
  /** The day the school's current academic year is chosen around (YYYY-MM-DD); the real today by default. */
  today?: string
  /**
   * The journal: 'toToday' (default) fills lessons up to today and leaves the future empty; 'fullYear' fills
   * every lesson of the year as if it were over (scale data for the benchmark); 'none' writes no journal at all.
   */
  journal?: JournalMode
  /**
   * Earlier academic years before the current one (0 by default, at most MAX_CLOSED_YEARS): each closed, with its
   * classes, the students who were there, and a whole year's journal, final marks and promotion decisions.
   */
  closedYears?: number
}

/** Electronic journals are kept five years after their year [002 §12.1]: more earlier years would be destroyed. */
export const MAX_CLOSED_YEARS = 5

export interface DemoSummary {
  /** The current year's name and its row counts. */
  year: string
  counts: Record<string, number>
  /** Every year, the oldest first, with the journal's row counts of that year. */
  years: { name: string; closed: boolean; counts: Record<string, number> }[]
  /** Row counts of every table of the database. */
  totals: Record<string, number>
}

export class DemoNotEmptyError extends Error { override name = 'DemoNotEmptyError' }

async function nextId(db: DB, table: 'persons' | 'users' | 'academic_years' | 'subjects' | 'classes' | 'groups'): Promise<number> {
  const r = await db.selectFrom(table).select(sql<number | null>`max(id)`.as('m')).executeTakeFirstOrThrow()
  return (r.m ?? 0) + 1
}

/**
 * Fills an empty, migrated database with a demo school of exactly `students` students. The same seed (and
 * the same `today`) gives byte-identical rows, apart from the password hashes' salt and the audit time.
 */
export async function createDemoSchool(db: DB, opts: DemoOptions): Promise<DemoSummary> {
  const today = opts.today ?? localDate(new Date())
  if (parseDate(today) !== today) throw new RangeError(`today must be YYYY-MM-DD, got ${today}`)
  if (!Number.isInteger(opts.students) || opts.students < 2) throw new RangeError('a demo school needs at least 2 students')
  const journal = opts.journal ?? 'toToday'
  if (!JOURNAL_MODES.includes(journal)) throw new RangeError(`journal must be one of ${JOURNAL_MODES.join(', ')}, got ${journal}`)
  const closedYears = opts.closedYears ?? 0
  if (!Number.isInteger(closedYears) || closedYears < 0 || closedYears > MAX_CLOSED_YEARS) {
    throw new RangeError(`closedYears must be 0…${MAX_CLOSED_YEARS}, got ${closedYears}`)
  }

  // Hashing is deliberately slow: once, outside the transaction (all demo accounts share the password).
  const hash = await hashPassword(DEMO_PASSWORD)
  return db.transaction().execute(async (trx) => {
    for (const table of ['persons', 'academic_years', 'subjects'] as const) {
      const any = await trx.selectFrom(table).select('id').limit(1).executeTakeFirst()
      if (any) throw new DemoNotEmptyError(`the database already has ${table}: a demo school goes into an empty one`)
    }
    const base: IdBase = {
      person: await nextId(trx, 'persons'), user: await nextId(trx, 'users'), year: await nextId(trx, 'academic_years'),
      subject: await nextId(trx, 'subjects'), class: await nextId(trx, 'classes'), group: await nextId(trx, 'groups'),
    }
    const plan = planSchool({ seed: opts.seed, students: opts.students, today, closedYears }, base)
    // In foreign-key order; ids were assigned by the plan, so nothing needs reading back.
    const r = plan.rows
    await insertMany(trx, 'school_settings', r.school_settings)
    await insertMany(trx, 'persons', r.persons)
    await insertMany(trx, 'person_roles', r.person_roles)
    await insertMany(trx, 'users', DEMO_ACCOUNTS.map((a, i) => ({
      id: base.user + i, person_id: plan.accounts[a.login], login: a.login, password_hash: hash, failed_logins: 0,
      locked_until: null, disabled_at: null, last_login_at: null, created_at: plan.createdAt, password_changed_at: plan.createdAt,
    })))
    await insertMany(trx, 'academic_years', r.academic_years)
    await insertMany(trx, 'grade_bands', r.grade_bands)
    await insertMany(trx, 'periods', r.periods)
    await insertMany(trx, 'holidays', r.holidays)
    await insertMany(trx, 'subjects', r.subjects)
    await insertMany(trx, 'classes', r.classes)
    await insertMany(trx, 'groups', r.groups)
    await insertMany(trx, 'curriculum', r.curriculum)
    await insertMany(trx, 'workload', r.workload)
    await insertMany(trx, 'students', r.students)
    await insertMany(trx, 'parents', r.parents)
    await insertMany(trx, 'parent_links', r.parent_links)
    await insertMany(trx, 'enrollments', r.enrollments)
    await insertMany(trx, 'group_members', r.group_members)
    // The years in order, the oldest first: a closed year is over, whatever the mode asks of the current one.
    const years: DemoSummary['years'] = []
    for (const y of plan.years) {
      const journalCounts = await writeJournal(trx, plan, y, {
        seed: yearSeed(opts.seed, y.yearsAgo), schoolSeed: opts.seed,
        today: y.closed ? addDays(y.plan.endsOn, 1) : today, mode: y.closed && journal !== 'none' ? 'fullYear' : journal,
      })
      if (y.closed) journalCounts.promotion_decisions = await writeDecisions(trx, plan, y)
      years.push({ name: y.plan.name, closed: y.closed, counts: journalCounts })
    }
    const counts = { ...plan.counts, ...years[years.length - 1].counts }
    await audit(trx, SYSTEM, {
      action: 'demo.create', entity: 'school', entityId: null,
      after: { seed: opts.seed, students: opts.students, year: plan.year.name, journal, closedYears, accounts: DEMO_ACCOUNTS.length, ...counts },
    })
    return { year: plan.year.name, counts, years, totals: await tableCounts(trx) }
  })
}

/** The seed of a year's journal: the current year's is the school's, so that adding earlier years leaves it as it was. */
function yearSeed(seed: number, yearsAgo: number): number {
  return (seed + Math.imul(yearsAgo, 0x2545f491)) >>> 0
}

/** Rows in every table of the school (not the migrations' own). */
export async function tableCounts(db: DB): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'
    and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)
  const out: Record<string, number> = {}
  for (const { name } of tables.rows) {
    out[name] = Number((await sql<{ n: number }>`select count(*) n from ${sql.table(name)}`.execute(db)).rows[0].n)
  }
  return out
}
