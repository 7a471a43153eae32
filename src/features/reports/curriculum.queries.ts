// Queries of the curriculum fulfilment report (R-REP-5): the year's plan (curriculum, groups, workload,
// calendar, КТП sizes) and the lessons held, counted in SQL per journal page and teacher.
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { PeriodScheme } from '../../db/types.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { lessonInScope, type ReportScope } from './reports.scope.js'
import type { CurriculumIn, DateSpan, GroupIn, HeldIn, HolidaySpan, WorkloadIn } from './curriculum.rules.js'

export interface Calendar {
  holidays: HolidaySpan[]
  bands: { grade_from: number; grade_to: number; scheme: PeriodScheme }[]
  periods: (DateSpan & { scheme: PeriodScheme })[]
  /** Classes (and cross-class groups) with a lesson on Saturdays in the timetable: a six-day week. */
  sixDayClasses: Set<number>
  sixDayGroups: Set<number>
}

/** The year's holidays, study periods per grade band, and which classes study six days a week in [from, to]. */
export async function calendarOf(db: DB, yearId: number, from: string, to: string): Promise<Calendar> {
  const [holidays, bands, periods, saturdays] = await Promise.all([
    db.selectFrom('holidays').select(['starts_on', 'ends_on', 'grade_from', 'grade_to']).where('year_id', '=', yearId).execute(),
    db.selectFrom('grade_bands').select(['grade_from', 'grade_to', 'scheme']).where('year_id', '=', yearId).execute(),
    db.selectFrom('periods').select(['scheme', 'starts_on', 'ends_on']).where('year_id', '=', yearId).orderBy('starts_on').execute(),
    db.selectFrom('timetable_slots as t').leftJoin('groups as g', 'g.id', 't.group_id')
      .select([sql<number | null>`coalesce(t.class_id, g.class_id)`.as('classId'), 't.group_id as groupId'])
      .distinct()
      .where('t.year_id', '=', yearId).where('t.weekday', '=', 6)
      .where('t.valid_from', '<=', to).where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', from)]))
      .execute(),
  ])
  return {
    holidays, bands, periods,
    sixDayClasses: new Set(saturdays.map((s) => s.classId).filter((id): id is number => id !== null)),
    sixDayGroups: new Set(saturdays.map((s) => s.groupId).filter((id): id is number => id !== null)),
  }
}

export interface Plan {
  classes: { id: number; grade: number; letter: string }[]
  groups: (GroupIn & { name: string })[]
  curriculum: CurriculumIn[]
  workload: WorkloadIn[]
  subjects: Map<number, { name: string; short: string; sort: number }>
  /** Topics in the КТП of a subject for a grade, by `${subjectId}:${grade}`. */
  topics: Map<string, number>
}

/** What the year owes: classes, groups, the curriculum, the workload, subjects, and the size of each КТП. */
export async function planOf(db: DB, yearId: number): Promise<Plan> {
  const [classes, groups, curriculum, workload, subjects, topics] = await Promise.all([
    db.selectFrom('classes').select(['id', 'grade', 'letter']).where('year_id', '=', yearId).execute(),
    db.selectFrom('groups').select(['id', 'name', 'kind', 'class_id', 'subject_id', 'grade']).where('year_id', '=', yearId).execute(),
    db.selectFrom('curriculum as cu').innerJoin('classes as c', 'c.id', 'cu.class_id')
      .select(['cu.class_id', 'cu.subject_id', 'cu.hours_per_week']).where('c.year_id', '=', yearId).execute(),
    db.selectFrom('workload as w').leftJoin('classes as c', 'c.id', 'w.class_id').leftJoin('groups as g', 'g.id', 'w.group_id')
      .select(['w.teacher_id', 'w.subject_id', 'w.class_id', 'w.group_id'])
      .where(sql<number>`coalesce(c.year_id, g.year_id)`, '=', yearId).execute(),
    db.selectFrom('subjects').select(['id', 'name', 'short_name', 'sort_order']).execute(),
    db.selectFrom('plan_topics').select(['subject_id', 'grade', (eb) => eb.fn.countAll<number>().as('n')])
      .where('year_id', '=', yearId).groupBy(['subject_id', 'grade']).execute(),
  ])
  return {
    classes, groups, curriculum, workload,
    subjects: new Map(subjects.map((s) => [s.id, { name: s.name, short: s.short_name, sort: s.sort_order }])),
    topics: new Map(topics.map((r) => [`${r.subject_id}:${r.grade}`, Number(r.n)])),
  }
}

/**
 * The lessons held in [from, to] within the asker's scope — not cancelled, not moved away (extra lessons,
 * lessons moved in and extracurricular ones count) — counted per page, timetabled teacher and substitute.
 */
export async function heldCounts(db: DB, scope: ReportScope, yearId: number, from: string, to: string): Promise<HeldIn[]> {
  if (from > to) return []
  const rows = await db.selectFrom('lessons as l')
    .select(['l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id', 'l.substitute_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled')
    .where('l.date', '>=', from).where('l.date', '<=', to)
    .where(lessonInScope(scope))
    .groupBy(['l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id', 'l.substitute_id'])
    .execute()
  return rows.map((r) => ({
    classId: r.class_id, groupId: r.group_id, subjectId: r.subject_id, teacherId: r.teacher_id, substituteId: r.substitute_id, n: Number(r.n),
  }))
}

/**
 * КТП topics taken so far per page: distinct plan topics of the lessons held from the start of the year to
 * `to`. A class's lesson of a subject it is taught in subgroups counts for each subgroup, as in pagesOf.
 */
export async function topicsDone(db: DB, scope: ReportScope, yearId: number, to: string): Promise<Map<string, number>> {
  // The page key of pagesOf: a group's (its own lessons, or its class's shared ones), else the class's.
  const page = sql<string>`case when coalesce(l.group_id, g.id) is not null then 'g' || coalesce(l.group_id, g.id)
    else 'c' || l.class_id || ':' || l.subject_id end`
  const rows = await db.selectFrom('lessons as l')
    .leftJoin('groups as g', (j) => j.on((eb) => eb.and([
      eb('l.group_id', 'is', null), eb('g.kind', '=', 'subgroup'), eb('g.class_id', '=', eb.ref('l.class_id')), eb('g.subject_id', '=', eb.ref('l.subject_id')),
    ])))
    .select([page.as('page'), sql<number>`count(distinct l.plan_topic_id)`.as('n')])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('l.date', '<=', to)
    .where('l.plan_topic_id', 'is not', null)
    .where(lessonInScope(scope))
    .groupBy(page)
    .execute()
  return new Map(rows.map((r) => [r.page, Number(r.n)]))
}

/** Short and full names of people, by id. */
export async function namesOf(db: DB, ids: number[]): Promise<Map<number, { short: string; full: string }>> {
  if (!ids.length) return new Map()
  const rows = await db.selectFrom('persons').select(['id', 'last_name', 'first_name', 'middle_name']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, { short: shortName(r), full: fullName(r) }]))
}
