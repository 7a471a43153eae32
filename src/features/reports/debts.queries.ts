// Queries of the missed-lessons and failures report (R-REP-4): missed lessons and unsatisfactory marks of the
// students enrolled at the time, within the asker's scope; three or four set queries, whatever the range or school.
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { AbsenceReason, Database, EnrollmentsTable, LessonsTable } from '../../db/types.js'
import { shortName } from '../auth/auth.queries.js'
import { classLabel } from '../school/school.rules.js'
import { TAUGHT_BY, type ReportScope } from './reports.scope.js'
import { UNSATISFACTORY_GLOB, type ListItem } from './debts.rules.js'

export interface DebtsQuery {
  yearId: number
  from: string
  to: string
  classId: number | null
  subjectId: number | null
  scope: ReportScope
}

/** What every row (a missed lesson or a mark, aliased x) must satisfy, with its lesson l and enrollment e. */
type Joined = Database & { x: { lesson_id: number; student_id: number }; l: LessonsTable; e: EnrollmentsTable }

/**
 * A held lesson (a cancelled or moved one was not, so nobody missed it) of the range, the student enrolled in the
 * lesson's class that day (or, for a group lesson, in the group that day), within the asker's scope: a teacher's
 * own lessons (timetabled or substituted), and every lesson of a student of a class they lead.
 */
function rowWhere(q: DebtsQuery) {
  return (eb: ExpressionBuilder<Joined, 'x' | 'l' | 'e'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [
      eb('l.year_id', '=', q.yearId),
      eb('l.date', '>=', q.from),
      eb('l.date', '<=', q.to),
      eb('l.status', '=', 'scheduled'),
      eb.or([eb('l.class_id', 'is', null), eb('l.class_id', '=', eb.ref('e.class_id'))]),
      eb.or([eb('l.group_id', 'is', null), eb.exists(eb.selectFrom('group_members as m').select('m.student_id')
        .whereRef('m.group_id', '=', 'l.group_id').whereRef('m.student_id', '=', 'x.student_id').whereRef('m.from_date', '<=', 'l.date')
        .where((w) => w.or([w('m.to_date', 'is', null), w('m.to_date', '>=', w.ref('l.date'))])))]),
    ]
    // The students of a class, ever: a superset repeated on the row's own indexes (by student, by lesson), so
    // that SQLite starts from the few rows asked for instead of every lesson of the range. The exact
    // conditions on e and l stay beside them.
    const studentsOf = (ids: number[]) => eb('x.student_id', 'in', eb.selectFrom('enrollments').select('student_id').where('class_id', 'in', ids))
    if (q.classId !== null) all.push(eb('e.class_id', '=', q.classId), studentsOf([q.classId]))
    if (q.subjectId !== null) all.push(eb('l.subject_id', '=', q.subjectId))
    if (!q.scope.all) {
      const me = q.scope.teacherId
      const mine = [eb('l.teacher_id', '=', me), eb('l.substitute_id', '=', me)]
      const hint = [eb('x.lesson_id', 'in', eb.selectFrom('lessons').select('id').where('teacher_id', '=', me)
        .unionAll(eb.selectFrom('lessons').select('id').where('substitute_id', '=', me)))]
      if (q.scope.classIds.length) {
        mine.push(eb('e.class_id', 'in', q.scope.classIds))
        hint.push(studentsOf(q.scope.classIds))
      }
      all.push(eb.or(mine), eb.or(hint))
    }
    return eb.and(all)
  }
}

// Both start from the rows (a cross join fixes SQLite's order), so that the hints above pick a class's or a
// teacher's few rows by index; school-wide, one pass over a year's absences or marks.
function absencesBase(db: DB, q: DebtsQuery) {
  return db.selectFrom('absences as x')
    .crossJoin('lessons as l')
    .whereRef('l.id', '=', 'x.lesson_id')
    .innerJoin('enrollments as e', (j) => j.onRef('e.student_id', '=', 'x.student_id').onRef('e.from_date', '<=', 'l.date')
      .on((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', eb.ref('l.date'))])))
    .where(rowWhere(q))
}

function marksBase(db: DB, q: DebtsQuery) {
  // One pass over the marks keeps the 2 % that match, where starting from a year's lessons reads all 860,000
  // marks of the demo school through the lesson index, three times slower.
  return db.selectFrom('marks as x')
    .crossJoin('lessons as l')
    .whereRef('l.id', '=', 'x.lesson_id')
    .innerJoin('enrollments as e', (j) => j.onRef('e.student_id', '=', 'x.student_id').onRef('e.from_date', '<=', 'l.date')
      .on((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', eb.ref('l.date'))])))
    .where(sql<SqlBool>`x.value glob ${UNSATISFACTORY_GLOB}`)
    .where(rowWhere(q))
}

// ---------------------------------------------------------------- the summary by class

// Neither is grouped in SQL: a GROUP BY on the student makes SQLite walk every absence or mark in student order
// through an index, ten times slower than reading them straight and counting the rows (80,000 missed lessons and
// 18,000 unsatisfactory marks in the demo school's year) here.

/** Missed lessons, one row each with the student's class and the reason. */
export async function absenceCounts(db: DB, q: DebtsQuery) {
  return absencesBase(db, q).select(['e.class_id as classId', 'x.student_id as studentId', 'x.reason']).execute()
}

/** Unsatisfactory marks (by the SQL pre-filter), one row each with the class and the value; the caller applies the rule. */
export async function failingCounts(db: DB, q: DebtsQuery) {
  return marksBase(db, q).select(['e.class_id as classId', 'x.student_id as studentId', 'x.value']).execute()
}

export interface SummaryClass { id: number; label: string; grade: number; letter: string; students: number }

/**
 * The classes of the summary with their size over the range (everyone enrolled on any day of it): the whole
 * school or the chosen class; for a teacher, the classes they lead, those they taught in the range and those
 * (alsoIds) whose students turned up in their group lessons.
 */
export async function summaryClasses(db: DB, q: DebtsQuery, alsoIds: number[]): Promise<SummaryClass[]> {
  let ids: number[] | null = null
  if (q.classId !== null) ids = [q.classId]
  else if (!q.scope.all) {
    const scope = q.scope
    const taught = await db.selectFrom('lessons as l').leftJoin('groups as g', 'g.id', 'l.group_id')
      .select((eb) => eb.fn.coalesce('l.class_id', 'g.class_id').as('classId')).distinct()
      .where('l.year_id', '=', q.yearId).where('l.date', '>=', q.from).where('l.date', '<=', q.to).where('l.status', '=', 'scheduled')
      .where((eb) => eb.or([eb('l.teacher_id', '=', scope.teacherId), eb('l.substitute_id', '=', scope.teacherId)]))
      .$if(q.subjectId !== null, (w) => w.where('l.subject_id', '=', q.subjectId!))
      .execute()
    ids = [...new Set([...scope.classIds, ...alsoIds, ...taught.map((r) => r.classId).filter((id): id is number => id !== null)])]
    if (!ids.length) return []
  }
  const rows = await db.selectFrom('classes as c')
    .leftJoin('enrollments as e', (j) => j.onRef('e.class_id', '=', 'c.id').on('e.from_date', '<=', q.to)
      .on((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', q.from)])))
    .select(['c.id', 'c.grade', 'c.letter', (eb) => eb.fn.count<number>('e.student_id').distinct().as('students')])
    .where('c.year_id', '=', q.yearId)
    .$if(ids !== null, (w) => w.where('c.id', 'in', ids!))
    .groupBy(['c.id', 'c.grade', 'c.letter'])
    .execute()
  return rows.map((r) => ({ id: r.id, grade: r.grade, letter: r.letter, label: classLabel(r.grade, r.letter), students: Number(r.students) }))
    .sort((a, b) => a.grade - b.grade || a.letter.localeCompare(b.letter, 'ru'))
}

// ---------------------------------------------------------------- the lists

/** A list row: the student, their class then, the lesson, its topic (the КТП topic if none was typed), who taught it. */
export interface MissedRow extends ListItem {
  classId: number
  classLabel: string
  subject: string
  topic: string
  reason: AbsenceReason | null
  teacher: string
}

export interface FailingRow extends ListItem {
  classId: number
  classLabel: string
  subject: string
  topic: string
  value: string
  kind: string | null
  teacher: string
}

export async function missedLessons(db: DB, q: DebtsQuery): Promise<MissedRow[]> {
  const rows = await absencesBase(db, q)
    .innerJoin('classes as c', 'c.id', 'e.class_id')
    .innerJoin('persons as p', 'p.id', 'x.student_id')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('persons as tp', (j) => j.on(sql<SqlBool>`tp.id = ${sql.raw(TAUGHT_BY)}`))
    .leftJoin('plan_topics as pt', 'pt.id', 'l.plan_topic_id')
    .select([
      'x.student_id as studentId', 'p.last_name as lastName', 'p.first_name as firstName', 'p.middle_name as middleName',
      'e.class_id as classId', 'c.grade', 'c.letter', 's.sort_order as subjectOrder', 's.name as subject', 'l.date', 'l.lesson_number as lessonNumber',
      'l.topic', 'pt.title as planTitle', 'x.reason', 'tp.last_name as tLast', 'tp.first_name as tFirst', 'tp.middle_name as tMiddle',
    ])
    .execute()
  return rows.map(({ tLast, tFirst, tMiddle, planTitle, ...r }) => ({
    ...r, subjectName: r.subject, column: 0, classLabel: classLabel(r.grade, r.letter), topic: r.topic || planTitle || '',
    teacher: shortName({ last_name: tLast, first_name: tFirst, middle_name: tMiddle }),
  }))
}

export async function failingMarks(db: DB, q: DebtsQuery): Promise<FailingRow[]> {
  const rows = await marksBase(db, q)
    .innerJoin('classes as c', 'c.id', 'e.class_id')
    .innerJoin('persons as p', 'p.id', 'x.student_id')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('persons as tp', (j) => j.on(sql<SqlBool>`tp.id = ${sql.raw(TAUGHT_BY)}`))
    .leftJoin('plan_topics as pt', 'pt.id', 'l.plan_topic_id')
    .leftJoin('lesson_columns as lc', (j) => j.onRef('lc.lesson_id', '=', 'x.lesson_id').onRef('lc.column_no', '=', 'x.column_no'))
    .leftJoin('work_kinds as wk', 'wk.id', 'lc.work_kind_id')
    .select([
      'x.student_id as studentId', 'p.last_name as lastName', 'p.first_name as firstName', 'p.middle_name as middleName',
      'e.class_id as classId', 'c.grade', 'c.letter', 's.sort_order as subjectOrder', 's.name as subject', 'l.date', 'l.lesson_number as lessonNumber',
      'x.column_no as column', 'l.topic', 'pt.title as planTitle', 'x.value', 'wk.name as kind', 'tp.last_name as tLast', 'tp.first_name as tFirst', 'tp.middle_name as tMiddle',
    ])
    .execute()
  return rows.map(({ tLast, tFirst, tMiddle, planTitle, ...r }) => ({
    ...r, subjectName: r.subject, classLabel: classLabel(r.grade, r.letter), topic: r.topic || planTitle || '',
    teacher: shortName({ last_name: tLast, first_name: tFirst, middle_name: tMiddle }),
  }))
}
