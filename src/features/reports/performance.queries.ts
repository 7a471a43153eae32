// Queries of the performance report (R-REP-3): a few set queries for the whole school — who was enrolled where,
// which pages (class or group × subject) held lessons and who taught them, the final marks set, and for the
// marks not set yet the sums a forecast needs, added up in SQL per student × subject × piece of the year.
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, FinalKind, PeriodScheme } from '../../db/types.js'
import type { FinalValue } from '../finals/finals.rules.js'

export interface EnrollmentRow { studentId: number; classId: number; grade: number; fromDate: string; toDate: string | null; reasonOut: string | null }

/** Enrollments in the year's classes overlapping [from, to]. */
export async function enrollments(db: DB, yearId: number, from: string, to: string): Promise<EnrollmentRow[]> {
  return db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['e.student_id as studentId', 'e.class_id as classId', 'c.grade', 'e.from_date as fromDate', 'e.to_date as toDate', 'e.reason_out as reasonOut'])
    .where('c.year_id', '=', yearId).where('e.from_date', '<=', to)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', from)]))
    .execute()
}

export interface MembershipRow { studentId: number; groupId: number; subjectId: number; fromDate: string; toDate: string | null }

/** Memberships of the year's groups overlapping [from, to]. */
export async function memberships(db: DB, yearId: number, from: string, to: string): Promise<MembershipRow[]> {
  return db.selectFrom('group_members as m').innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.student_id as studentId', 'm.group_id as groupId', 'g.subject_id as subjectId', 'm.from_date as fromDate', 'm.to_date as toDate'])
    .where('g.year_id', '=', yearId).where('m.from_date', '<=', to)
    .where((eb) => eb.or([eb('m.to_date', 'is', null), eb('m.to_date', '>=', from)]))
    .execute()
}

export interface PageTeacher { classId: number | null; groupId: number | null; subjectId: number; teacherId: number }

/** The pages (class or group × subject) that held lessons in [from, to] and who was timetabled for them. */
export async function pageTeachers(db: DB, yearId: number, from: string, to: string): Promise<PageTeacher[]> {
  return db.selectFrom('lessons as l')
    .select(['l.class_id as classId', 'l.group_id as groupId', 'l.subject_id as subjectId', 'l.teacher_id as teacherId'])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('l.extracurricular', '=', 0)
    .where('l.date', '>=', from).where('l.date', '<=', to)
    .groupBy(['l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id'])
    .execute()
}

export interface PageDates { classId: number | null; groupId: number | null; subjectId: number; dates: string }

/**
 * The dates of the journal columns that count (scheduled lessons, not «Внеурочное занятие», as on the finals
 * page) in [from, to], per page, joined by commas: what «lessons held» is counted from.
 */
export async function pageDates(db: DB, yearId: number, from: string, to: string): Promise<PageDates[]> {
  return db.selectFrom('lessons as l')
    .select(['l.class_id as classId', 'l.group_id as groupId', 'l.subject_id as subjectId', sql<string>`group_concat(l.date)`.as('dates')])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('l.extracurricular', '=', 0)
    .where('l.date', '>=', from).where('l.date', '<=', to)
    .groupBy(['l.class_id', 'l.group_id', 'l.subject_id'])
    .execute()
}

export interface WorkloadRow { teacherId: number; subjectId: number; classId: number | null; groupId: number | null }

/** Who teaches what to whom in the year (the teachers of record). */
export async function workload(db: DB, yearId: number): Promise<WorkloadRow[]> {
  return db.selectFrom('workload as w').leftJoin('classes as c', 'c.id', 'w.class_id').leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(['w.teacher_id as teacherId', 'w.subject_id as subjectId', 'w.class_id as classId', 'w.group_id as groupId'])
    .where((eb) => eb.or([eb('c.year_id', '=', yearId), eb('g.year_id', '=', yearId)]))
    .execute()
}

export interface GroupRow { id: number; name: string; classId: number | null; subjectId: number }

export async function groups(db: DB, yearId: number): Promise<GroupRow[]> {
  return db.selectFrom('groups').select(['id', 'name', 'class_id as classId', 'subject_id as subjectId']).where('year_id', '=', yearId).execute()
}

export interface FinalRow { studentId: number; subjectId: number; kind: FinalKind; periodId: number | null; value: FinalValue }

/** The period marks set for these periods. */
export async function periodMarks(db: DB, yearId: number, periodIds: number[]): Promise<FinalRow[]> {
  if (!periodIds.length) return []
  return db.selectFrom('final_marks')
    .select(['student_id as studentId', 'subject_id as subjectId', 'kind', 'period_id as periodId', 'value'])
    .where('year_id', '=', yearId).where('kind', '=', 'period').where('period_id', 'in', periodIds)
    .$castTo<FinalRow>().execute()
}

/** The year marks set. */
export async function yearMarks(db: DB, yearId: number): Promise<FinalRow[]> {
  return db.selectFrom('final_marks')
    .select(['student_id as studentId', 'subject_id as subjectId', 'kind', 'period_id as periodId', 'value'])
    .where('year_id', '=', yearId).where('kind', '=', 'year')
    .$castTo<FinalRow>().execute()
}

/** What a year mark not set yet is proposed from: the period marks and the attestation (of these students, or all). */
export async function yearComponents(db: DB, yearId: number, studentIds: number[] | null): Promise<FinalRow[]> {
  if (studentIds?.length === 0) return []
  return db.selectFrom('final_marks')
    .select(['student_id as studentId', 'subject_id as subjectId', 'kind', 'period_id as periodId', 'value'])
    .where('year_id', '=', yearId).where('kind', 'in', ['period', 'attestation'])
    .$if(studentIds !== null, (q) => q.where('student_id', 'in', studentIds ?? []))
    .$castTo<FinalRow>().execute()
}

/** CASE sorting a lesson's date into the pieces cut by the bounds (0 … bounds.length − 2). */
function pieceOf(bounds: string[]): RawBuilder<number> {
  if (bounds.length <= 2) return sql<number>`0`
  const whens = bounds.slice(1, -1).map((b, i) => sql`when l.date < ${b} then ${sql.lit(i)}`)
  return sql<number>`case ${sql.join(whens, sql` `)} else ${sql.lit(bounds.length - 2)} end`
}

/**
 * Which marks and absences a forecast reads: the lessons of these classes and groups in these subjects, and
 * of them only these students' rows. The lessons lead (by class or group and date, through their indexes);
 * the unary plus keeps SQLite from starting at the students instead, which would read each one's every mark.
 */
export interface ForecastScope { studentIds: number[]; classIds: number[]; groupIds: number[]; subjectIds: number[] }

function countedLessons(yearId: number, bounds: string[], scope: ForecastScope) {
  return (eb: ExpressionBuilder<Database & { l: Database['lessons'] }, 'l'>) => eb.and([
    eb('l.year_id', '=', yearId), eb('l.status', '=', 'scheduled'), eb('l.extracurricular', '=', 0),
    eb('l.date', '>=', bounds[0]), eb('l.date', '<', bounds[bounds.length - 1]),
    eb.or([
      ...(scope.classIds.length ? [eb('l.class_id', 'in', scope.classIds)] : []),
      ...(scope.groupIds.length ? [eb('l.group_id', 'in', scope.groupIds)] : []),
    ]),
    eb('l.subject_id', 'in', scope.subjectIds),
  ])
}

/** A forecast over no period, no students or no classes reads nothing. */
const readsNothing = (bounds: string[], scope: ForecastScope) =>
  bounds.length < 2 || !scope.studentIds.length || !(scope.classIds.length + scope.groupIds.length)

export interface SumRow { studentId: number; subjectId: number; piece: number; sum: number; weight: number }

/**
 * Per student × subject × piece of [bounds[0], last bound): Σ mark × weight and Σ weight over every number
 * of every mark in the lessons that count (a double «4/5» is two numbers; a column without a kind weighs 1,
 * as on the finals page). One grouped query over the marks.
 */
export async function markSums(db: DB, yearId: number, bounds: string[], scope: ForecastScope): Promise<SumRow[]> {
  if (readsNothing(bounds, scope)) return []
  return db.selectFrom('lessons as l').innerJoin('marks as m', 'm.lesson_id', 'l.id')
    .leftJoin('lesson_columns as lc', (j) => j.onRef('lc.lesson_id', '=', 'm.lesson_id').onRef('lc.column_no', '=', 'm.column_no'))
    .leftJoin('work_kinds as wk', 'wk.id', 'lc.work_kind_id')
    .select(['m.student_id as studentId', 'l.subject_id as subjectId', pieceOf(bounds).as('piece'),
      sql<number>`sum(coalesce(wk.weight, 1) * (cast(substr(m.value, 1, 1) as integer) + case when length(m.value) = 3 then cast(substr(m.value, 3, 1) as integer) else 0 end))`.as('sum'),
      sql<number>`sum(coalesce(wk.weight, 1) * case when length(m.value) = 3 then 2 else 1 end)`.as('weight')])
    .where(countedLessons(yearId, bounds, scope))
    .where(sql<number>`+m.student_id`, 'in', scope.studentIds)
    .groupBy(['m.student_id', 'l.subject_id', sql`piece`])
    .execute()
}

export interface AbsenceCountRow { studentId: number; subjectId: number; piece: number; n: number }

/** Per student × subject × piece: the absences in the lessons that count. */
export async function absenceCounts(db: DB, yearId: number, bounds: string[], scope: ForecastScope): Promise<AbsenceCountRow[]> {
  if (readsNothing(bounds, scope)) return []
  return db.selectFrom('lessons as l').innerJoin('absences as a', 'a.lesson_id', 'l.id')
    .select(['a.student_id as studentId', 'l.subject_id as subjectId', pieceOf(bounds).as('piece'), (eb) => eb.fn.countAll<number>().as('n')])
    .where(countedLessons(yearId, bounds, scope))
    .where(sql<number>`+a.student_id`, 'in', scope.studentIds)
    .groupBy(['a.student_id', 'l.subject_id', sql`piece`])
    .execute()
}

export interface PersonName { id: number; last_name: string; first_name: string; middle_name: string }

export async function names(db: DB, ids: number[]): Promise<PersonName[]> {
  if (!ids.length) return []
  return db.selectFrom('persons').select(['id', 'last_name', 'first_name', 'middle_name']).where('id', 'in', ids).execute()
}

export interface YearRow { id: number; name: string; starts_on: string; ends_on: string }

/** The academic year before this one, for the comparison of year figures. */
export async function previousYear(db: DB, startsOn: string): Promise<YearRow | null> {
  return (await db.selectFrom('academic_years').select(['id', 'name', 'starts_on', 'ends_on'])
    .where('starts_on', '<', startsOn).orderBy('starts_on', 'desc').limit(1).executeTakeFirst()) ?? null
}

export interface PeriodRow { id: number; scheme: PeriodScheme; number: number; starts_on: string; ends_on: string }
export interface BandRow { grade_from: number; grade_to: number; scheme: PeriodScheme }

export async function calendar(db: DB, yearId: number): Promise<{ periods: PeriodRow[]; bands: BandRow[] }> {
  const [periods, bands] = await Promise.all([
    db.selectFrom('periods').select(['id', 'scheme', 'number', 'starts_on', 'ends_on']).where('year_id', '=', yearId).orderBy('starts_on').execute(),
    db.selectFrom('grade_bands').select(['grade_from', 'grade_to', 'scheme']).where('year_id', '=', yearId).execute(),
  ])
  return { periods, bands }
}

export interface ClassInfo { id: number; grade: number; letter: string }

export async function classes(db: DB, yearId: number): Promise<ClassInfo[]> {
  return db.selectFrom('classes').select(['id', 'grade', 'letter']).where('year_id', '=', yearId).execute()
}
