// The monthly activity report (R-REP-2; 000 §9.1, 003 §VIII.1): teachers' logins and journal work, and per class
// how many students and families have an account, log in and confirm the diary's weeks.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { holidaysOfYear } from '../school/school.queries.js'
import type { ReportContext, ReportDef } from './reports.routes.js'
import { pct, type Column, type ReportTable, type Row } from './report.js'
import {
  accountUsable, distinctDays, expectedWeeks, instantRange, isJournalWork, mergeTallies, tallyClass, teacherAccount,
  type SchoolWeek, type StudentFacts, type Tally,
} from './activity.rules.js'
import {
  classParents, classStays, confirmedWeeks, familyLogins, journalActions, lastLoginsBefore, loginTimes, marksEntered, teachersOf,
} from './activity.queries.js'

type DB = Kysely<Database>

const col = (key: string, kind: Column['kind']): Column => ({ key, kind, label: t(`reports.activity.columns.${key}`) })

export const activityReport: ReportDef = {
  path: '/reports/activity',
  titleKey: 'reports.activity.title',
  introKey: 'reports.activity.intro',
  ranges: ['month', 'week', 'period'],
  filters: ['class'],
  async build(db, ctx) {
    const { filters, choices } = ctx
    const cls = filters.classId === null ? null : choices.classes.find((c) => c.id === filters.classId) ?? null
    const [teachers, classes] = await Promise.all([teacherTable(db, ctx), classTables(db, ctx)])
    const notes = [t('reports.activity.notes.logins'), t('reports.activity.notes.entries'), t('reports.activity.notes.marks')]
    if (ctx.scope.all && cls) notes.push(t('reports.activity.notes.classTeachers'))
    if (classes.some((tb) => tb.rows.length)) notes.push(t('reports.activity.notes.families'), t('reports.activity.notes.weeks'))
    return {
      title: t('reports.activity.title'),
      subtitle: cls ? `${filters.range.label}, ${cls.label}` : filters.range.label,
      tables: [teachers, ...classes],
      notes,
      landscape: true,
    }
  },
}

async function teacherTable(db: DB, { scope, filters }: ReportContext): Promise<ReportTable> {
  const { start, end } = instantRange(filters.range.from, filters.range.to)
  const teachers = await teachersOf(db, scope, filters.classId)
  const userIds = teachers.flatMap((x) => (x.userId === null ? [] : [x.userId]))
  const [loginRows, actions, marks] = await Promise.all([
    loginTimes(db, userIds, start, end),
    journalActions(db, userIds, start, end),
    marksEntered(db, teachers.map((x) => x.personId), start, end),
  ])
  const logins = new Map<number, string[]>()
  for (const { userId, at } of loginRows) {
    if (userId === null) continue
    const list = logins.get(userId) ?? []
    list.push(at)
    logins.set(userId, list)
  }
  const entries = new Map<number, number>()
  for (const a of actions) if (a.userId !== null && isJournalWork(a.action)) entries.set(a.userId, (entries.get(a.userId) ?? 0) + a.n)
  // The last login up to the end of the range: within it when there was one; else the account's last login
  // when that came before the range's end, and only otherwise (a login after the range) the audit log is asked.
  const unknown = teachers.filter((x) => x.userId !== null && !logins.has(x.userId) && x.lastLoginAt !== null && x.lastLoginAt >= end)
  const earlier = await lastLoginsBefore(db, unknown.map((x) => x.userId!), start)
  const lastLogin = (x: (typeof teachers)[number]): string | null => {
    if (x.userId === null) return null
    const inRange = logins.get(x.userId)
    if (inRange) return inRange.reduce((a, b) => (a > b ? a : b))
    if (x.lastLoginAt !== null && x.lastLoginAt < end) return x.lastLoginAt
    return earlier.get(x.userId) ?? null
  }

  const rows: Row[] = teachers.map((x) => {
    const times = x.userId === null ? [] : logins.get(x.userId) ?? []
    const row: Row = {
      cells: {
        name: x.name,
        account: t(`reports.activity.account.${teacherAccount(x.account, start, end)}`),
        logins: times.length,
        days: distinctDays(times),
        entries: x.userId === null ? 0 : entries.get(x.userId) ?? 0,
        marks: marks.get(x.personId) ?? 0,
        last: lastLogin(x),
      },
    }
    // The logins themselves, in the audit log: only for its readers, the administration (the whole-school scope).
    if (scope.all && x.login) {
      row.links = { logins: `/audit?login=${encodeURIComponent(x.login)}&action=auth.login&from=${filters.range.from}&to=${filters.range.to}` }
    }
    return row
  })
  if (rows.length > 1) {
    const sum = (k: string) => rows.reduce((s, r) => s + Number(r.cells[k] ?? 0), 0)
    const withAccount = teachers.filter((x) => accountUsable(x.account, start, end)).length
    rows.push({
      strong: true,
      cells: {
        name: t('reports.activity.total'), account: t('reports.activity.accountsOf', { n: withAccount, of: teachers.length }),
        logins: sum('logins'), days: null, entries: sum('entries'), marks: sum('marks'), last: null,
      },
    })
  }
  return {
    title: t('reports.activity.teachersTitle'),
    columns: [col('name', 'text'), col('account', 'text'), col('logins', 'int'), col('days', 'int'), col('entries', 'int'), col('marks', 'int'), col('last', 'date')],
    rows,
    empty: t('reports.activity.noTeachers'),
  }
}

/** Two tables over the classes in scope, students and families, each with a total row over several classes. */
async function classTables(db: DB, { scope, filters, choices, today }: ReportContext): Promise<ReportTable[]> {
  const { range, year } = filters
  const { start, end } = instantRange(range.from, range.to)
  const classes = choices.classes.filter((c) => filters.classId === null || c.id === filters.classId)
  const students: ReportTable = {
    title: t('reports.activity.studentsTitle'),
    columns: [col('cls', 'text'), col('students', 'int'), col('studentAccounts', 'int'), col('studentsIn', 'int')],
    rows: [],
  }
  const families: ReportTable = {
    title: t('reports.activity.familiesTitle'),
    columns: [
      col('cls', 'text'), col('families', 'int'), col('familyAccounts', 'int'), col('familiesIn', 'int'),
      col('expected', 'int'), col('confirmed', 'int'), col('share', 'pct'),
    ],
    rows: [],
  }
  if (!classes.length) {
    return [{ ...students, title: t('reports.activity.classesTitle'), empty: t(scope.all ? 'reports.activity.noClasses' : 'reports.activity.notClassTeacher') }]
  }

  const holidays = await holidaysOfYear(db, year.id)
  const weeksOf = new Map<number, SchoolWeek[]>()
  for (const g of new Set(classes.map((c) => c.grade))) weeksOf.set(g, expectedWeeks(range, year, g, holidays, today))
  const mondays = [...weeksOf.values()].flat().map((w) => w.monday).sort()
  const ids = classes.map((c) => c.id)
  const [stays, parents, logins, acked] = await Promise.all([
    classStays(db, ids, range.from, range.to),
    classParents(db, ids, range.from, range.to),
    familyLogins(db, ids, range.from, range.to, start, end),
    mondays.length ? confirmedWeeks(db, ids, mondays[0], mondays[mondays.length - 1], range.from, range.to) : Promise.resolve(new Set<string>()),
  ])

  const parentsOf = new Map<number, StudentFacts['parents']>()
  for (const p of parents) {
    const list = parentsOf.get(p.studentId) ?? []
    list.push({ account: accountUsable(p.account, start, end), loggedIn: p.userId !== null && logins.has(p.userId) })
    parentsOf.set(p.studentId, list)
  }
  // One student's facts per class: a student may have several stays in one class (left and came back).
  const byClass = new Map<number, Map<number, StudentFacts>>()
  for (const s of stays) {
    const inClass = byClass.get(s.classId) ?? new Map<number, StudentFacts>()
    byClass.set(s.classId, inClass)
    const known = inClass.get(s.studentId)
    if (known) { known.spans.push({ from: s.from, to: s.to }); continue }
    inClass.set(s.studentId, {
      id: s.studentId, spans: [{ from: s.from, to: s.to }], channel: s.channel,
      account: accountUsable(s.account, start, end), loggedIn: s.userId !== null && logins.has(s.userId),
      parents: parentsOf.get(s.studentId) ?? [],
    })
  }

  const tallies: Tally[] = []
  for (const c of classes) {
    const weeks = weeksOf.get(c.grade) ?? []
    const tally = tallyClass([...(byClass.get(c.id)?.values() ?? [])], weeks, acked)
    tallies.push(tally)
    students.rows.push(studentsRow(c.label, tally))
    const row = familiesRow(c.label, tally)
    // The figure opens the class's confirmations of the range's last counted week (the diary's own page).
    const last = weeks[weeks.length - 1]
    if (last) row.links = { confirmed: `/diary/class/${c.id}/acknowledgements?week=${last.monday}` }
    families.rows.push(row)
  }
  if (classes.length > 1) {
    const total = mergeTallies(tallies)
    students.rows.push({ ...studentsRow(t('reports.activity.total'), total), strong: true })
    families.rows.push({ ...familiesRow(t('reports.activity.total'), total), strong: true })
  }
  return [students, families]
}

function studentsRow(label: string, x: Tally): Row {
  return { cells: { cls: label, students: x.students.size, studentAccounts: x.studentAccounts.size, studentsIn: x.studentsIn.size } }
}

function familiesRow(label: string, x: Tally): Row {
  return {
    cells: {
      cls: label, families: x.families.size, familyAccounts: x.familyAccounts.size, familiesIn: x.familiesIn.size,
      expected: x.expected.size, confirmed: x.confirmed.size, share: pct(x.confirmed.size, x.expected.size),
    },
  }
}
