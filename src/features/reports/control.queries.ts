// Queries of the journal-keeping control report and its drill-down (R-REP-1): the held lessons of a range within
// the asker's scope, and what the figures need about them — a fixed handful of set queries whatever the range.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, LessonsTable } from '../../db/types.js'
import { shortName } from '../auth/auth.queries.js'
import { classLabel } from '../school/school.rules.js'
import type { PlanTopic } from '../plan/plan.rules.js'
import { lessonInScope, TAUGHT_BY, type ReportScope } from './reports.scope.js'
import type { PageRef } from './control.rules.js'

type L = Database & { l: LessonsTable }

/** The lessons a report covers: a range of one year, the asker's scope and the narrowing asked for. */
export interface LessonSet {
  scope: ReportScope
  yearId: number
  from: string
  /** Inclusive; the caller has already cut it at today (a later lesson is not held yet). */
  to: string
  /** The teacher who taught (the substitute for a substituted lesson, R-REP-5). */
  teacherId: number | null
  /** A class: its own lessons and its subgroups'. */
  classId: number | null
  subjectId: number | null
  page: PageRef | null
}

/** The person who gave a lesson (R-REP-5). */
const taughtBy = sql<number>`${sql.raw(TAUGHT_BY)}`
const json = (v: unknown) => JSON.stringify(v)

/** A list of ids as a subquery over one JSON parameter: the statement's text stays the same whatever the list's length. */
const listOf = (db: DB, ids: number[]) => db.selectFrom(sql<{ value: number }>`json_each(${json(ids)})`.as('j')).select('j.value')

/** The class, group or whole class of a page reference, on lessons aliased l. */
function onPage(eb: ExpressionBuilder<L, 'l'>, p: PageRef): Expression<SqlBool> {
  if (p.kind === 'class') return eb('l.class_id', '=', p.id)
  if (p.kind === 'group') return eb('l.group_id', '=', p.id)
  return eb.or([eb('l.class_id', '=', p.id), eb('l.group_id', 'in', eb.selectFrom('groups').select('groups.id').where('groups.class_id', '=', p.id))])
}

/**
 * The scope of R-REP-6 (lessonInScope), narrowed for a teacher to the lessons they gave: a lesson handed to a
 * substitute is the substitute's (R-REP-5), so a teacher never sees a row of someone else's outside the classes
 * they lead.
 */
function inScope(eb: ExpressionBuilder<L, 'l'>, scope: ReportScope): Expression<SqlBool> {
  if (scope.all) return eb.lit(true)
  const mine: Expression<SqlBool>[] = [eb(taughtBy, '=', scope.teacherId)]
  for (const id of scope.classIds) mine.push(onPage(eb, { kind: 'classAll', id }))
  return eb.and([lessonInScope(scope)(eb), eb.or(mine)])
}

/** Scope and narrowing, whatever the dates. */
function narrowed(s: Omit<LessonSet, 'from' | 'to'>) {
  return (eb: ExpressionBuilder<L, 'l'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [eb('l.year_id', '=', s.yearId), inScope(eb, s.scope)]
    if (s.teacherId !== null) all.push(eb(taughtBy, '=', s.teacherId))
    if (s.classId !== null) all.push(onPage(eb, { kind: 'classAll', id: s.classId }))
    if (s.subjectId !== null) all.push(eb('l.subject_id', '=', s.subjectId))
    if (s.page) all.push(onPage(eb, s.page))
    return eb.and(all)
  }
}

/** A held lesson of the set: scheduled (a cancelled or moved one was not given), within the dates. */
function held(s: LessonSet) {
  return (eb: ExpressionBuilder<L, 'l'>): Expression<SqlBool> =>
    eb.and([narrowed(s)(eb), eb('l.status', '=', 'scheduled'), eb('l.date', '>=', s.from), eb('l.date', '<=', s.to)])
}

/** Whether any lesson of the year within scope matches the narrowing: a drill-down beyond reach answers 404. */
export async function reachable(db: DB, s: Omit<LessonSet, 'from' | 'to'>): Promise<boolean> {
  const r = await db.selectFrom('lessons as l').select('l.id').where(narrowed(s)).limit(1).executeTakeFirst()
  return r !== undefined
}

/**
 * The held lessons in journal order. For a teacher's lessons (not every teacher's), also the date of the next
 * scheduled lesson of the same page within the range, whoever gave it — the window runs over the pages' lessons of
 * every teacher, so that the next lesson is the journal's own, as the lesson form computes it; for every teacher's
 * lessons the caller finds it among the lessons themselves (nextOfPage). With details, the topic and homework texts.
 */
export async function heldLessons(db: DB, s: LessonSet, details: boolean) {
  const everyTeacher = s.scope.all && s.teacherId === null
  const next = db.selectFrom('lessons as l')
    .select(['l.id', sql<string | null>`lead(l.date) over (partition by l.class_id, l.group_id, l.subject_id order by l.date, l.lesson_number, l.id)`.as('next_date')])
    .where('l.year_id', '=', s.yearId).where('l.status', '=', 'scheduled').where('l.date', '>=', s.from).where('l.date', '<=', s.to)
    .$if(s.subjectId !== null, (q) => q.where('l.subject_id', '=', s.subjectId!))
    .$if(s.classId !== null, (q) => q.where((eb) => onPage(eb, { kind: 'classAll', id: s.classId! })))
    .$if(s.page !== null, (q) => q.where((eb) => onPage(eb, s.page!)))
    .where('l.subject_id', 'in', db.selectFrom('lessons as l').select('l.subject_id').where(held(s)))
    .where((eb) => eb.or([
      eb('l.class_id', 'in', db.selectFrom('lessons as l').select('l.class_id').where(held(s))),
      eb('l.group_id', 'in', db.selectFrom('lessons as l').select('l.group_id').where(held(s))),
    ]))
  // The yes/no facts travel as one number of bit flags: a year has some 57,000 lessons, and every column of every
  // row costs as much to read as the query itself.
  const rows = await db.selectFrom('lessons as l')
    .$if(!everyTeacher, (q) => q.innerJoin(next.as('n'), 'n.id', 'l.id'))
    .select(['l.id', 'l.date', 'l.lesson_number', 'l.class_id', 'l.group_id', 'l.subject_id', taughtBy.as('teacher_id'), 'l.homework_entered_at', 'l.plan_topic_id',
      everyTeacher ? sql<string | null>`null`.as('next_date') : sql<string | null>`n.next_date`.as('next_date'),
      // (In SQLite << and | bind equally, left to right: each shift in its own brackets.)
      sql<number>`(l.topic <> '') | ((l.homework <> '') << 1) | ((l.entered_by is not null) << 2)
        | (exists (select 1 from absences a where a.lesson_id = l.id) << 3) | ((l.distance <> 0) << 4) | ((l.extracurricular <> 0) << 5)`.as('flags')])
    .$if(details, (q) => q.select(['l.topic', 'l.homework', 'l.topic_entered_at']))
    .where(held(s))
    .orderBy('l.date').orderBy('l.lesson_number').orderBy('l.id')
    .execute()
  return rows.map((r) => ({
    id: r.id, date: r.date, lessonNumber: r.lesson_number, classId: r.class_id, groupId: r.group_id, subjectId: r.subject_id,
    teacherId: Number(r.teacher_id), nextDate: r.next_date, homeworkAt: r.homework_entered_at, planTopicId: r.plan_topic_id,
    hasTopic: (r.flags & 1) !== 0, hasHomework: (r.flags & 2) !== 0, saved: (r.flags & 4) !== 0, hasAbsence: (r.flags & 8) !== 0,
    distance: (r.flags & 16) !== 0, extracurricular: (r.flags & 32) !== 0,
    topic: r.topic ?? '', homework: r.homework ?? '', topicAt: r.topic_entered_at ?? null,
  }))
}

/**
 * The first scheduled lesson after a day of each page (class × subject, or group), keyed c<class>:<subject> or
 * g<group>:<subject>: one index seek per page (lessons_class, lessons_group).
 */
export async function nextAfter(db: DB, pages: { classId: number | null; groupId: number | null; subjectId: number }[], after: string): Promise<Map<string, string>> {
  if (!pages.length) return new Map()
  const { rows } = await sql<{ class_id: number | null; group_id: number | null; subject_id: number; next_date: string | null }>`
    select p.value ->> 0 as class_id, p.value ->> 1 as group_id, p.value ->> 2 as subject_id,
      case when p.value ->> 0 is not null
        then (select min(x.date) from lessons x where x.class_id = p.value ->> 0 and x.subject_id = p.value ->> 2 and x.date > ${after} and x.status = 'scheduled')
        else (select min(x.date) from lessons x where x.group_id = p.value ->> 1 and x.date > ${after} and x.status = 'scheduled') end as next_date
    from json_each(${json(pages.map((p) => [p.classId, p.groupId, p.subjectId]))}) p`.execute(db)
  const out = new Map<string, string>()
  for (const r of rows) if (r.next_date !== null) out.set(pageKey(r.class_id, r.group_id, r.subject_id), r.next_date)
  return out
}

/** The key of a journal page: c<class>:<subject> or g<group>:<subject>. */
export function pageKey(classId: number | null, groupId: number | null, subjectId: number): string {
  return `${classId !== null ? `c${classId}` : `g${groupId}`}:${subjectId}`
}

export type HeldLesson = Awaited<ReturnType<typeof heldLessons>>[number]

/** The number of the last lesson of each class (or class-less group) on each day of the range, whoever gave it. */
export async function lastLessonOfDay(db: DB, yearId: number, from: string, to: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('lessons as l').leftJoin('groups as g', 'g.id', 'l.group_id')
    .select([sql<string>`coalesce('c' || coalesce(l.class_id, g.class_id), 'g' || l.group_id)`.as('owner'), 'l.date',
      (eb) => eb.fn.max('l.lesson_number').as('last')])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('l.date', '>=', from).where('l.date', '<=', to)
    .groupBy(['owner', 'l.date'])
    .execute()
  return new Map(rows.map((r) => [`${r.owner}|${r.date}`, Number(r.last)]))
}

/** The key lastLessonOfDay uses for a lesson: its class (a subgroup's class), else its group. */
export function dayKey(classId: number | null, groupId: number | null, date: string): string {
  return `${classId !== null ? `c${classId}` : `g${groupId}`}|${date}`
}

export async function bellEnds(db: DB, yearId: number): Promise<Map<number, string>> {
  const rows = await db.selectFrom('bells').select(['number', 'ends_at']).where('year_id', '=', yearId).execute()
  return new Map(rows.map((r) => [r.number, r.ends_at]))
}

/** The mark columns of the held lessons with their kind of work. */
export async function columnsOf(db: DB, s: LessonSet) {
  return db.selectFrom('lesson_columns as c')
    .innerJoin('lessons as l', 'l.id', 'c.lesson_id')
    .select(['c.lesson_id', 'c.column_no', 'c.work_kind_id'])
    .where(held(s))
    .execute()
}

/** The deadline rule of each kind of work. */
export async function kindDeadlines(db: DB): Promise<Map<number, string>> {
  const rows = await db.selectFrom('work_kinds').select(['id', 'deadline']).execute()
  return new Map(rows.map((r) => [r.id, r.deadline]))
}

/**
 * How many marks of each lesson were entered late: limits holds, per lesson and column, the instant from which
 * a mark is late (computed by the journal's own deadline rules). Passed as one JSON list, so the statement's
 * text stays the same whatever the number of lessons; only late marks come back.
 */
export async function lateMarks(db: DB, limits: [lessonId: number, column: number, lateFrom: string][]): Promise<Map<number, number>> {
  if (!limits.length) return new Map()
  const { rows } = await sql<{ lesson_id: number; n: number }>`
    with lim(lesson_id, column_no, late_from) as materialized (
      select j.value ->> 0, j.value ->> 1, j.value ->> 2 from json_each(${json(limits)}) j)
    select m.lesson_id, count(*) as n
    from lim join marks m on m.lesson_id = lim.lesson_id and m.column_no = lim.column_no
    where m.entered_at >= lim.late_from
    group by m.lesson_id`.execute(db)
  return new Map(rows.map((r) => [r.lesson_id, Number(r.n)]))
}

/**
 * The students marked in each held lesson, as a list (a student appears once per mark): the primary key of marks
 * (lesson_id, student_id, column_no) answers it in lesson order without reading the marks table or sorting.
 */
export async function markedStudents(db: DB, s: LessonSet): Promise<{ lessonId: number; students: string }[]> {
  const rows = await db.selectFrom('marks as m')
    .select(['m.lesson_id', sql<string>`group_concat(m.student_id)`.as('students')])
    .where('m.lesson_id', 'in', db.selectFrom('lessons as l').select('l.id').where(held(s)))
    .groupBy('m.lesson_id').execute()
  return rows.map((r) => ({ lessonId: r.lesson_id, students: r.students }))
}

/** The number of marks of each held lesson (for the drill-down; the report counts them in markedStudents' pass). */
export async function markCounts(db: DB, s: LessonSet): Promise<Map<number, number>> {
  const rows = await db.selectFrom('marks as m').innerJoin('lessons as l', 'l.id', 'm.lesson_id')
    .select(['m.lesson_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where(held(s)).groupBy('m.lesson_id').execute()
  return new Map(rows.map((r) => [r.lesson_id, Number(r.n)]))
}

export interface RosterSpan { key: string; studentId: number; from: string; to: string }

/**
 * Who belonged to the pages over the range: enrollments of the classes (key c<id>) and memberships of the
 * groups (key g<id>), each cut to the range.
 */
export async function rosters(db: DB, classIds: number[], groupIds: number[], from: string, to: string): Promise<RosterSpan[]> {
  const cut = (r: { id: number; student_id: number; from_date: string; to_date: string | null }, k: string): RosterSpan =>
    ({ key: `${k}${r.id}`, studentId: r.student_id, from: r.from_date < from ? from : r.from_date, to: r.to_date === null || r.to_date > to ? to : r.to_date })
  const classes = classIds.length ? await db.selectFrom('enrollments').select(['class_id as id', 'student_id', 'from_date', 'to_date'])
    .where('class_id', 'in', listOf(db, classIds))
    .where('from_date', '<=', to).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', from)])).execute() : []
  const groups = groupIds.length ? await db.selectFrom('group_members').select(['group_id as id', 'student_id', 'from_date', 'to_date'])
    .where('group_id', 'in', listOf(db, groupIds))
    .where('from_date', '<=', to).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', from)])).execute() : []
  return [...classes.map((r) => cut(r, 'c')), ...groups.map((r) => cut(r, 'g'))]
}

/** The КТП topics of a year's plans (subject × grade). Titles are not read: the report shows counts. */
export async function planTopics(db: DB, yearId: number): Promise<(PlanTopic & { subjectId: number; grade: number })[]> {
  const rows = await db.selectFrom('plan_topics').select(['id', 'number', 'hours', 'subject_id', 'grade']).where('year_id', '=', yearId).execute()
  return rows.map((r) => ({ id: r.id, number: r.number, title: '', hours: r.hours, subjectId: r.subject_id, grade: r.grade }))
}

/**
 * The КТП state of pages from the year's start to a day, whoever gave the lessons (the plan is the page's):
 * per page and plan topic, the lessons held (not counting extracurricular ones, as planProgress does). For the
 * whole school ('all') the page lists are left out: they would name every page anyway.
 */
export async function planCoverage(db: DB, year: { id: number; starts_on: string }, asOf: string, pages: { classIds: number[]; groupIds: number[] } | 'all') {
  if (pages !== 'all' && !pages.classIds.length && !pages.groupIds.length) return []
  const rows = await db.selectFrom('lessons as l')
    .select(['l.class_id', 'l.group_id', 'l.subject_id', 'l.plan_topic_id', sql<number>`sum(l.extracurricular = 0)`.as('held')])
    // The year's first day as well as its id: through lessons_date the read is this year's lessons only, not
    // every year's up to today (72 ms on the 5-year bench file, 1.7x the one-year figure).
    .where('l.year_id', '=', year.id).where('l.status', '=', 'scheduled').where('l.date', '>=', year.starts_on).where('l.date', '<=', asOf)
    .$if(pages !== 'all', (q) => q.where((eb) => eb.or([
      eb('l.class_id', 'in', listOf(db, pages === 'all' ? [] : pages.classIds)),
      eb('l.group_id', 'in', listOf(db, pages === 'all' ? [] : pages.groupIds)),
    ])))
    .groupBy(['l.class_id', 'l.group_id', 'l.subject_id', 'l.plan_topic_id'])
    .execute()
  return rows.map((r) => ({ classId: r.class_id, groupId: r.group_id, subjectId: r.subject_id, planTopicId: r.plan_topic_id, held: Number(r.held) }))
}

export interface Labels {
  classes: Map<number, { label: string; grade: number }>
  groups: Map<number, { name: string; classId: number | null; classLabel: string | null; grade: number }>
  teachers: Map<number, string>
}

/** Names of the classes, groups and teachers the rows mention. */
export async function labels(db: DB, classIds: number[], groupIds: number[], teacherIds: number[]): Promise<Labels> {
  const groups = groupIds.length ? await db.selectFrom('groups as g').leftJoin('classes as c', 'c.id', 'g.class_id')
    .select(['g.id', 'g.name', 'g.class_id', 'g.grade', 'c.grade as cGrade', 'c.letter'])
    .where('g.id', 'in', listOf(db, groupIds)).execute() : []
  const allClassIds = [...new Set([...classIds, ...groups.flatMap((g) => (g.class_id === null ? [] : [g.class_id]))])]
  const classes = allClassIds.length ? await db.selectFrom('classes').select(['id', 'grade', 'letter']).where('id', 'in', listOf(db, allClassIds)).execute() : []
  const people = teacherIds.length ? await db.selectFrom('persons').select(['id', 'last_name', 'first_name', 'middle_name'])
    .where('id', 'in', listOf(db, teacherIds)).execute() : []
  return {
    classes: new Map(classes.map((c) => [c.id, { label: classLabel(c.grade, c.letter), grade: c.grade }])),
    groups: new Map(groups.map((g) => [g.id, {
      name: g.name, classId: g.class_id, grade: g.grade, classLabel: g.cGrade !== null && g.letter !== null ? classLabel(g.cGrade, g.letter) : null,
    }])),
    teachers: new Map(people.map((p) => [p.id, shortName(p)])),
  }
}
