// Pure rules of the school area: who may do what, and the validation of years, bands, periods, holidays,
// classes, curriculum hours and group membership (R-ORG-1..3, R-ROLE).
import type { Access } from '../../plugins/auth.js'
import type { PeriodScheme, Role } from '../../db/types.js'
import type { FieldErrors } from '../../lib/forms.js'
import { t } from '../../i18n/index.js'

// ---------------------------------------------------------------------------------------------------------
// Who may do what: the one table of this area. Routes guard with app.requireRoles(...ROLES_FOR[x]) and
// decide per object with the functions below, so the two can never disagree.

export type SchoolAction = 'read' | 'edit' | 'settings' | 'members'

export const ROLES_FOR: Record<SchoolAction, Access[]> = {
  // The whole structure is open to the administration and to the clerk, who enrols students into classes.
  read: ['admin', 'director', 'deputy', 'scheduler', 'clerk'],
  edit: ['admin', 'deputy'],
  // The school's own name and address are a technical setting of the administrator (R-ROLE-1).
  settings: ['admin'],
  // A class teacher sets the subgroups of their class (R-ORG-2); checked per group by canEditMembers.
  members: ['admin', 'deputy', 'classTeacher'],
}

/** The part of the current user that the rules look at. */
export interface Who { roles: readonly Role[]; classTeacherOf: readonly number[] }

export function canDo(user: Who | null, action: SchoolAction): boolean {
  if (!user) return false
  return ROLES_FOR[action].some((r) => (r === 'classTeacher' ? user.classTeacherOf.length > 0 : user.roles.includes(r)))
}

export const canReadStructure = (user: Who | null): boolean => canDo(user, 'read')
export const canEditStructure = (user: Who | null): boolean => canDo(user, 'edit')
export const canEditSettings = (user: Who | null): boolean => canDo(user, 'settings')

/** Editors change any group's members; a class teacher only those of a subgroup or individual group of their class. */
export function canEditMembers(user: Who | null, group: { kind: GroupKind; class_id: number | null }): boolean {
  if (!user) return false
  if (canEditStructure(user)) return true
  return group.kind !== 'cross' && group.class_id !== null && user.classTeacherOf.includes(group.class_id)
}

/** Which classes' groups a user sees: null means all; otherwise only the listed classes (a class teacher's). */
export function groupScope(user: Who): number[] | null {
  return canReadStructure(user) ? null : [...user.classTeacherOf]
}

// ---------------------------------------------------------------------------------------------------------
// Years

export type YearStatus = 'draft' | 'open' | 'closed'

/** A closed year is archived and read-only (R-ARC-5): nothing in it may change. */
export function isYearWritable(status: YearStatus): boolean {
  return status !== 'closed'
}

/** R-ORG-1: the adaptation period runs 01.09–15.09 by default. */
export function defaultAdaptationEnd(startsOn: string): string {
  return `${startsOn.slice(0, 4)}-09-15`
}

export function validYearName(name: string): boolean {
  const m = /^(\d{4})\/(\d{4})$/.exec(name)
  return m !== null && Number(m[2]) === Number(m[1]) + 1
}

export interface YearDates { starts_on: string; ends_on: string; adaptation_ends_on: string }

export function yearDateErrors(y: YearDates): FieldErrors {
  const errors: FieldErrors = {}
  if (y.ends_on <= y.starts_on) errors.ends_on = t('school.years.endBeforeStart')
  else if (daysBetween(y.starts_on, y.ends_on) > 366) errors.ends_on = t('school.years.tooLong')
  if (y.adaptation_ends_on < y.starts_on || y.adaptation_ends_on > y.ends_on) errors.adaptation_ends_on = t('school.years.adaptationOutside')
  return errors
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000
}

/** The suggested next year after the latest one (or after the calendar year of today). */
export function suggestYear(latestName: string | null, today: string): { name: string; starts_on: string; ends_on: string } {
  const m = latestName ? /^(\d{4})\//.exec(latestName) : null
  const first = m ? Number(m[1]) + 1 : Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) < 7 ? 1 : 0)
  return { name: `${first}/${first + 1}`, starts_on: `${first}-09-01`, ends_on: `${first + 1}-08-31` }
}

// ---------------------------------------------------------------------------------------------------------
// Grade bands and periods

export const SCHEMES: readonly PeriodScheme[] = ['quarter', 'trimester', 'half']
export const PERIOD_COUNT: Record<PeriodScheme, number> = { quarter: 4, trimester: 3, half: 2 }

export interface Band { grade_from: number; grade_to: number; scheme: PeriodScheme }

/** The usual Russian layout: quarters up to grade 9, half-years in 10–11. */
export const DEFAULT_BANDS: Band[] = [
  { grade_from: 1, grade_to: 9, scheme: 'quarter' },
  { grade_from: 10, grade_to: 11, scheme: 'half' },
]

/** Bands must together cover grades 1–11, each grade exactly once. Returns the messages (empty when valid). */
export function bandErrors(bands: Band[]): string[] {
  const out: string[] = []
  const owner = new Map<number, Band>()
  for (const b of bands) {
    if (b.grade_from < 1 || b.grade_to > 11 || b.grade_from > b.grade_to) {
      out.push(t('school.bands.badRange', { from: b.grade_from, to: b.grade_to }))
      continue
    }
    for (let g = b.grade_from; g <= b.grade_to; g++) {
      const other = owner.get(g)
      if (other) {
        const msg = t('school.bands.overlap', { a: rangeText(other), b: rangeText(b) })
        if (!out.includes(msg)) out.push(msg)
      } else owner.set(g, b)
    }
  }
  const missing = [...Array(11).keys()].map((i) => i + 1).filter((g) => !owner.has(g))
  if (missing.length) out.push(t('school.bands.missing', { grades: missing.join(', ') }))
  return out
}

export function rangeText(r: { grade_from: number; grade_to: number }): string {
  return r.grade_from === r.grade_to ? String(r.grade_from) : `${r.grade_from}–${r.grade_to}`
}

export function schemeOfGrade(bands: Band[], grade: number): PeriodScheme | null {
  return bands.find((b) => grade >= b.grade_from && grade <= b.grade_to)?.scheme ?? null
}

export interface PeriodRow { number: number; starts_on: string; ends_on: string }

/**
 * Periods of one scheme: each ends on or after it starts, lies inside the year, and starts after the
 * previous one ends (numbered in order, no overlap). Errors are keyed by the form's field names.
 */
export function periodErrors(rows: PeriodRow[], year: { starts_on: string; ends_on: string }): FieldErrors {
  const errors: FieldErrors = {}
  const sorted = [...rows].sort((a, b) => a.number - b.number)
  sorted.forEach((p, i) => {
    if (p.ends_on < p.starts_on) errors[`end_${p.number}`] = t('school.periods.endBeforeStart')
    else if (p.starts_on < year.starts_on || p.ends_on > year.ends_on) errors[`start_${p.number}`] = t('school.periods.outsideYear')
    const prev = sorted[i - 1]
    if (prev && !errors[`start_${p.number}`] && p.starts_on <= prev.ends_on) {
      errors[`start_${p.number}`] = t('school.periods.overlap', { n: prev.number })
    }
  })
  return errors
}

// ---------------------------------------------------------------------------------------------------------
// Holidays

export interface HolidayValue { name: string; starts_on: string; ends_on: string; grade_from: number; grade_to: number }

export function holidayErrors(h: HolidayValue, year: { starts_on: string; ends_on: string }): FieldErrors {
  const errors: FieldErrors = {}
  if (h.ends_on < h.starts_on) errors.ends_on = t('school.holidays.endBeforeStart')
  else if (h.starts_on < year.starts_on || h.ends_on > year.ends_on) errors.starts_on = t('school.holidays.outsideYear')
  if (h.grade_from > h.grade_to) errors.grade_to = t('school.holidays.badGrades')
  return errors
}

// ---------------------------------------------------------------------------------------------------------
// Classes, curriculum, groups

/** «5А» */
export function classLabel(grade: number, letter: string): string {
  return `${grade}${letter}`
}

/** What a person types as a class letter → the stored form («а» → «А»); null when it is not a letter or two. */
export function normalizeLetter(input: string): string | null {
  const s = input.trim().toUpperCase()
  return /^[А-ЯЁA-Z0-9]{1,3}$/.test(s) ? s : null
}

export const MAX_HOURS = 10

/** Hours per week as typed («2», «1,5», «0.5»): blank means not taught (null); else a half-hour step in (0; 10]. */
export function parseHours(input: string): { ok: true; value: number | null } | { ok: false } {
  const s = input.trim().replace(',', '.')
  if (s === '') return { ok: true, value: null }
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(s)) return { ok: false }
  const n = Number(s)
  if (n <= 0 || n > MAX_HOURS || Math.round(n * 2) !== n * 2) return { ok: false }
  return { ok: true, value: n }
}

export type GroupKind = 'subgroup' | 'cross' | 'individual'
export const GROUP_KINDS: readonly GroupKind[] = ['subgroup', 'cross', 'individual']

/** «Английский язык, 1 гр.», «Информатика, 10 кл. (сводная)», «Математика, инд. план». */
export function defaultGroupName(kind: GroupKind, subject: string, n: number, grade: number): string {
  if (kind === 'subgroup') return t('school.groups.defaultSubgroup', { subject, n })
  if (kind === 'cross') return t('school.groups.defaultCross', { subject, grade })
  return t('school.groups.defaultIndividual', { subject })
}

/** Who joins and who leaves when the wanted members replace the current ones. */
export function membershipChanges(current: number[], wanted: number[]): { add: number[]; remove: number[] } {
  const cur = new Set(current)
  const want = new Set(wanted)
  return {
    add: [...want].filter((id) => !cur.has(id)).sort((a, b) => a - b),
    remove: [...cur].filter((id) => !want.has(id)).sort((a, b) => a - b),
  }
}

/** An individual-plan group is one student's own page (R-ORG-2). */
export function memberCountError(kind: GroupKind, count: number): string | null {
  return kind === 'individual' && count > 1 ? t('school.members.individualOne') : null
}
