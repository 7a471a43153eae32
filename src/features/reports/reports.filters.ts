// The filters every report shares (R-REP-6): the year, the range (a week, a month, a period or the whole year),
// and optionally a class, a teacher, a subject or a grade. Parsing is pure; the choices offered come from the
// database, limited to what the asker may see.
import type { Kysely } from 'kysely'
import type { Database, PeriodScheme } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { addDays, fmtDate, mondayOf, parseDate } from '../../lib/dates.js'
import { field, toId, type FieldErrors } from '../../lib/forms.js'
import { fullName } from '../auth/auth.queries.js'
import { classesOfYear, type ClassRow, type Year } from '../school/school.queries.js'
import type { ReportScope } from './reports.scope.js'

type DB = Kysely<Database>

export type RangeKind = 'week' | 'month' | 'period' | 'year'
export type FilterName = 'class' | 'teacher' | 'subject' | 'grade'

export interface PeriodChoice { id: number; scheme: PeriodScheme; number: number; starts_on: string; ends_on: string; label: string }

export interface Range {
  kind: RangeKind
  from: string
  to: string
  /** «неделя 10.11.2026–15.11.2026», «1 четверть 2026/2027» … */
  label: string
  /** For kind 'period': the period chosen. */
  period: PeriodChoice | null
}

export interface Filters {
  year: Year
  range: Range
  classId: number | null
  teacherId: number | null
  subjectId: number | null
  grade: number | null
}

export interface FilterChoices {
  years: { id: number; name: string }[]
  periods: PeriodChoice[]
  classes: ClassRow[]
  teachers: { id: number; name: string }[]
  subjects: { id: number; name: string }[]
  grades: number[]
  /** The months of the year as YYYY-MM with their Russian names. */
  months: { value: string; label: string }[]
}

export function periodLabel(p: { scheme: PeriodScheme; number: number }): string {
  return t(`reports.periods.${p.scheme}`, { n: p.number })
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

function lastDayOfMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number)
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`
}

/**
 * The period holding a day, else the last one begun (in the holidays: the one just ended), else the first.
 * Quarters are preferred to trimesters and halves, being the scheme of most grades.
 */
export function periodAt(periods: PeriodChoice[], day: string): PeriodChoice | null {
  for (const scheme of ['quarter', 'trimester', 'half'] as PeriodScheme[]) {
    const own = periods.filter((p) => p.scheme === scheme).sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1))
    if (!own.length) continue
    return own.find((p) => p.starts_on <= day && p.ends_on >= day) ?? own.filter((p) => p.starts_on <= day).pop() ?? own[0]
  }
  return null
}

/**
 * The range asked for by the query string (?range=week&week=…, ?range=month&month=YYYY-MM, ?range=period&period=ID,
 * ?range=year). Without one, the first of the allowed kinds around today. A bad value is an error on its field.
 */
export function parseRange(query: unknown, allowed: RangeKind[], year: Year, periods: PeriodChoice[], today: string):
  { range: Range; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const asked = field(query, 'range') as RangeKind
  const kind: RangeKind = allowed.includes(asked) ? asked : allowed[0]
  // Today, held inside the year, so that a closed year's report opens on its own dates.
  const day = today < year.starts_on ? year.starts_on : today > year.ends_on ? year.ends_on : today
  const clip = (from: string, to: string) => ({ from: from < year.starts_on ? year.starts_on : from, to: to > year.ends_on ? year.ends_on : to })

  if (kind === 'week') {
    const raw = field(query, 'week')
    const parsed = raw === '' ? day : parseDate(raw)
    if (parsed === null) errors.week = t('reports.errors.week')
    const monday = mondayOf(parsed ?? day)
    const to = addDays(monday, 6)
    return { errors, range: { kind, from: monday, to, period: null, label: t('reports.range.week', { from: fmtDate(monday), to: fmtDate(to) }) } }
  }
  if (kind === 'month') {
    const raw = field(query, 'month')
    const ym = raw === '' ? day.slice(0, 7) : MONTH.test(raw) ? raw : null
    if (ym === null) errors.month = t('reports.errors.month')
    const m = ym ?? day.slice(0, 7)
    const { from, to } = clip(`${m}-01`, lastDayOfMonth(m))
    return { errors, range: { kind, from, to, period: null, label: t('reports.range.month', { month: t(`reports.months.${Number(m.slice(5))}`), year: m.slice(0, 4) }) } }
  }
  if (kind === 'period') {
    const raw = field(query, 'period')
    const id = raw === '' ? null : toId(raw)
    let p = id === null ? null : periods.find((x) => x.id === id) ?? null
    if (raw !== '' && !p) errors.period = t('reports.errors.period')
    p ??= periodAt(periods, day)
    if (p) return { errors, range: { kind, from: p.starts_on, to: p.ends_on, period: p, label: `${p.label} ${year.name}` } }
    // A year without periods: the whole year.
  }
  return { errors, range: { kind: 'year', from: year.starts_on, to: year.ends_on, period: null, label: t('reports.range.year', { year: year.name }) } }
}

/** The class, teacher, subject and grade filters the report offers: ids parsed, ids outside the choices refused. */
export function parseNarrowing(query: unknown, choices: FilterChoices, offered: FilterName[] = ['class', 'teacher', 'subject', 'grade']): { value: Omit<Filters, 'year' | 'range'>; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const pick = (name: FilterName, known: (id: number) => boolean): number | null => {
    // A filter the report does not offer is not applied, so it cannot be half-applied either.
    const raw = offered.includes(name) ? field(query, name) : ''
    if (raw === '') return null
    const id = toId(raw)
    if (id === null || !known(id)) { errors[name] = t(`reports.errors.${name}`); return null }
    return id
  }
  return {
    errors,
    value: {
      classId: pick('class', (id) => choices.classes.some((c) => c.id === id)),
      teacherId: pick('teacher', (id) => choices.teachers.some((c) => c.id === id)),
      subjectId: pick('subject', (id) => choices.subjects.some((c) => c.id === id)),
      grade: pick('grade', (g) => choices.grades.includes(g)),
    },
  }
}

/** The year of ?year=ID (any year, closed ones included: reports read the archive too), else the current one. */
export async function chosenYear(db: DB, query: unknown, current: Year | null): Promise<Year | null> {
  const id = toId(field(query, 'year'))
  if (id !== null) return (await db.selectFrom('academic_years').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
  return current
}

/** What the filter form offers, limited to the asker's scope. */
export async function filterChoices(db: DB, scope: ReportScope, year: Year): Promise<FilterChoices> {
  const [years, periodRows, classes, teacherRows, subjects] = await Promise.all([
    db.selectFrom('academic_years').select(['id', 'name']).orderBy('starts_on', 'desc').execute(),
    db.selectFrom('periods').select(['id', 'scheme', 'number', 'starts_on', 'ends_on']).where('year_id', '=', year.id)
      .orderBy('starts_on').orderBy('scheme').execute(),
    classesOfYear(db, year.id),
    db.selectFrom('persons as p').innerJoin('person_roles as r', 'r.person_id', 'p.id')
      .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name'])
      .where('r.role', '=', 'teacher')
      .$if(!scope.all, (q) => q.where('p.id', '=', scope.all ? 0 : scope.teacherId))
      .orderBy('p.last_name').orderBy('p.first_name').execute(),
    db.selectFrom('subjects').select(['id', 'name']).orderBy('sort_order').orderBy('name').execute(),
  ])
  const mine = scope.all ? classes : classes.filter((c) => scope.classIds.includes(c.id))
  return {
    years,
    periods: periodRows.map((p) => ({ ...p, label: periodLabel(p) })),
    classes: mine,
    teachers: teacherRows.map((r) => ({ id: r.id, name: fullName(r) })),
    subjects,
    grades: [...new Set(mine.map((c) => c.grade))].sort((a, b) => a - b),
    months: monthsOf(year),
  }
}

function monthsOf(year: Year): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = []
  for (let ym = year.starts_on.slice(0, 7); ym <= year.ends_on.slice(0, 7);) {
    out.push({ value: ym, label: t('reports.range.month', { month: t(`reports.months.${Number(ym.slice(5))}`), year: ym.slice(0, 4) }) })
    const [y, m] = ym.split('-').map(Number)
    ym = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  }
  return out
}
