// Pure rules of the curriculum fulfilment report (R-REP-5): a grade's school weeks, planned hours, the journal
// pages the plan is owed to, and who is credited with a lesson held.
import { addDays, weekday } from '../../lib/dates.js'
import { isHoliday, type HolidaySpan } from '../timetable/timetable.rules.js'

export type { HolidaySpan }
export interface DateSpan { starts_on: string; ends_on: string }

/** The school days of a range for one grade, and the length of that grade's school week. */
export interface SchoolTime { days: number; perWeek: 5 | 6 }

/**
 * The school days of a grade in [from, to]: Monday–Friday (Monday–Saturday for a six-day week) inside the
 * grade's study periods and outside the holidays that apply to the grade. A grade without periods is taken
 * to study the whole range. Days between two periods are not school days even when no holiday is entered.
 */
export function schoolTime(from: string, to: string, grade: number, periods: readonly DateSpan[], holidays: HolidaySpan[], perWeek: 5 | 6 = 5): SchoolTime {
  const spans = periods.length ? periods : [{ starts_on: from, ends_on: to }]
  let days = 0
  for (const p of spans) {
    const start = p.starts_on > from ? p.starts_on : from
    const end = p.ends_on < to ? p.ends_on : to
    for (let d = start; d <= end; d = addDays(d, 1)) {
      const wd = weekday(d)
      if (wd === 7 || (wd === 6 && perWeek === 5)) continue
      if (!isHoliday(d, grade, holidays)) days++
    }
  }
  return { days, perWeek }
}

/** Weeks of study: school days over the days of a school week (40 days of a five-day week → 8). */
export function weeksOf(t: SchoolTime): number {
  return t.days / t.perWeek
}

/**
 * Planned hours: the curriculum's hours a week × the weeks of study, rounded to a whole lesson (half up).
 * Computed as hours × days / days-a-week so that no fraction is lost before rounding.
 */
export function plannedHours(hoursPerWeek: number, t: SchoolTime): number {
  return Math.round((hoursPerWeek * t.days) / t.perWeek)
}

/** The last day whose lessons count as held: the range's end, or today while the range is not over. */
export function heldUpTo(to: string, today: string): string {
  return today < to ? today : to
}

// ---------------------------------------------------------------------------------------------------------
// Who taught

export interface HeldCount { teacherId: number; substituteId: number | null; n: number }

/** The person credited with a lesson: the substitute when there was one (R-REP-5, as TAUGHT_BY in SQL). */
export function taughtBy(l: { teacherId: number; substituteId: number | null }): number {
  return l.substituteId ?? l.teacherId
}

/** A lesson taken by someone other than its timetabled teacher. */
const substituted = (l: HeldCount) => l.substituteId !== null && l.substituteId !== l.teacherId

export interface TeacherTally {
  /** Lessons the person taught themselves, substitutions for colleagues included. */
  taught: number
  /** Of those, lessons taught for a colleague. */
  gave: number
  /** Lessons of the person's own timetable that a colleague taught instead. */
  gaveAway: number
}

/** The lessons held, credited per person: to the one who taught, a substitution counted on both sides. */
export function tallyTeachers(rows: readonly HeldCount[]): Map<number, TeacherTally> {
  const out = new Map<number, TeacherTally>()
  const of = (id: number) => {
    let t = out.get(id)
    if (!t) out.set(id, (t = { taught: 0, gave: 0, gaveAway: 0 }))
    return t
  }
  for (const r of rows) {
    const by = of(taughtBy(r))
    by.taught += r.n
    if (substituted(r)) {
      by.gave += r.n
      of(r.teacherId).gaveAway += r.n
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Journal pages and what each is owed

export interface ClassIn { id: number; grade: number }
export interface GroupIn { id: number; kind: 'subgroup' | 'cross' | 'individual'; class_id: number | null; subject_id: number; grade: number }
export interface CurriculumIn { class_id: number; subject_id: number; hours_per_week: number }
export interface WorkloadIn { teacher_id: number; subject_id: number; class_id: number | null; group_id: number | null }
export interface HeldIn extends HeldCount { classId: number | null; groupId: number | null; subjectId: number }

export interface Page {
  key: string
  classId: number | null
  groupId: number | null
  subjectId: number
  /** The class the page belongs to (a subgroup's class); null for a cross-class group. */
  ofClass: number | null
  grade: number
  /** Hours a week owed by the curriculum, or null when the page is outside the class's curriculum. */
  hours: number | null
  /** The teachers given the page in the workload. */
  workload: number[]
  /** Lessons held, by timetabled teacher and substitute. */
  held: HeldCount[]
}

export const pageKey = (classId: number | null, groupId: number | null, subjectId: number) =>
  groupId !== null ? `g${groupId}` : `c${classId}:${subjectId}`

/**
 * The journal pages the curriculum is owed to, each with the lessons held on it. A class's subject gives one
 * page; when the class is taught that subject in subgroups, each subgroup is owed the class's full hours and
 * the class's own lessons of the subject (taught to everyone together) count for every subgroup. A group of
 * an individual plan is owed its class's hours; a cross-class group and lessons of a subject outside the
 * curriculum get a page with no plan.
 */
export function pagesOf(input: {
  classes: readonly ClassIn[]; groups: readonly GroupIn[]; curriculum: readonly CurriculumIn[]
  workload: readonly WorkloadIn[]; held: readonly HeldIn[]
}): Page[] {
  const grade = new Map(input.classes.map((c) => [c.id, c.grade]))
  const groups = new Map(input.groups.map((g) => [g.id, g]))
  const hours = new Map(input.curriculum.map((c) => [`${c.class_id}:${c.subject_id}`, c.hours_per_week]))
  const subgroups = new Map<string, number[]>()
  for (const g of input.groups) {
    if (g.kind !== 'subgroup' || g.class_id === null) continue
    const k = `${g.class_id}:${g.subject_id}`
    subgroups.set(k, [...(subgroups.get(k) ?? []), g.id])
  }
  const pages = new Map<string, Page>()
  const page = (classId: number | null, groupId: number | null, subjectId: number): Page | null => {
    const key = pageKey(classId, groupId, subjectId)
    const known = pages.get(key)
    if (known) return known
    const g = groupId !== null ? groups.get(groupId) : undefined
    if (groupId !== null && !g) return null
    const ofClass = g ? g.class_id : classId
    const gradeOf = g ? g.grade : ofClass !== null ? grade.get(ofClass) : undefined
    if (gradeOf === undefined) return null
    const h = g?.kind === 'cross' || ofClass === null ? null : hours.get(`${ofClass}:${g ? g.subject_id : subjectId}`) ?? null
    const p: Page = { key, classId: g ? null : classId, groupId, subjectId: g ? g.subject_id : subjectId, ofClass, grade: gradeOf, hours: h, workload: [], held: [] }
    pages.set(key, p)
    return p
  }
  // Pages owed by the curriculum: the class's, or each of its subgroups'.
  for (const c of input.curriculum) {
    const split = subgroups.get(`${c.class_id}:${c.subject_id}`)
    if (split) for (const g of split) page(null, g, c.subject_id)
    else page(c.class_id, null, c.subject_id)
  }
  for (const g of input.groups) if (g.kind !== 'subgroup') page(null, g.id, g.subject_id)
  for (const w of input.workload) {
    const p = w.group_id !== null ? page(null, w.group_id, w.subject_id) : page(w.class_id, null, w.subject_id)
    if (p && !p.workload.includes(w.teacher_id)) p.workload.push(w.teacher_id)
  }
  for (const h of input.held) {
    const count = { teacherId: h.teacherId, substituteId: h.substituteId, n: h.n }
    const split = h.groupId === null ? subgroups.get(`${h.classId}:${h.subjectId}`) : undefined
    const targets = split ? split.map((g) => page(null, g, h.subjectId)) : [page(h.classId, h.groupId, h.subjectId)]
    for (const p of targets) p?.held.push(count)
  }
  return [...pages.values()]
}

/** Lessons held on a page. */
export const heldOn = (p: Page) => p.held.reduce((s, h) => s + h.n, 0)

/** The teachers answerable for a page's plan: those given it in the workload, else those timetabled for it. */
export function ownersOf(p: Page): number[] {
  if (p.workload.length) return p.workload
  return [...new Set(p.held.map((h) => h.teacherId))]
}
