// Who sees which figures (R-REP-6): the deputy, the director and the administrator see the whole school; a class
// teacher their classes and their own lessons; a teacher their own lessons. One rule, used by every report.
import type { ExpressionBuilder, Expression, SqlBool } from 'kysely'
import type { Database } from '../../db/types.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { hasAccess, type Access } from '../../plugins/auth.js'

/** The roles that reach the monitoring reports at all. */
export const REPORT_ROLES: Access[] = ['admin', 'director', 'deputy', 'teacher', 'classTeacher']

export type ReportScope =
  | { all: true }
  /** teacherId: the person whose own lessons are seen; classIds: the classes they lead. */
  | { all: false; teacherId: number; classIds: number[] }

export function reportScope(user: CurrentUser): ReportScope {
  if (hasAccess(user, 'admin', 'director', 'deputy')) return { all: true }
  return { all: false, teacherId: user.personId, classIds: user.classTeacherOf }
}

/** The person who taught a lesson: the substitute when there was one (R-REP-5). */
export const TAUGHT_BY = 'coalesce(l.substitute_id, l.teacher_id)'

/**
 * The lessons (aliased `l`) within the scope: those the person taught or was timetabled for, and every lesson
 * of their classes (the class's own lessons and its subgroups').
 */
export function lessonInScope(scope: ReportScope) {
  return (eb: ExpressionBuilder<Database & { l: Database['lessons'] }, 'l'>): Expression<SqlBool> => {
    if (scope.all) return eb.lit(true)
    const own = eb.or([eb('l.teacher_id', '=', scope.teacherId), eb('l.substitute_id', '=', scope.teacherId)])
    if (!scope.classIds.length) return own
    return eb.or([
      own,
      eb('l.class_id', 'in', scope.classIds),
      eb('l.group_id', 'in', eb.selectFrom('groups').select('groups.id').where('groups.class_id', 'in', scope.classIds)),
    ])
  }
}

/** May the user see this class as a whole (its students' marks and absences in every subject)? */
export function seesClass(scope: ReportScope, classId: number): boolean {
  return scope.all || scope.classIds.includes(classId)
}

/** May the user see this teacher's figures? */
export function seesTeacher(scope: ReportScope, teacherId: number): boolean {
  return scope.all || scope.teacherId === teacherId
}
