// Who may write or read which journal page and lesson: decided here, once, for every area that needs it
// (journal, final marks, reports). A page is a class or a group × a subject (R-J-1, R-TT-2, R-ROLE).
import type { DB } from '../../db/connection.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { hasAccess } from '../../plugins/auth.js'

export type Target = { classId: number; groupId: null } | { classId: null; groupId: number }
export interface PageRef { target: Target; subjectId: number }
export type Access = 'edit' | 'read' | null

/** Staff who read every page of the school: the administration. */
export function readsEverything(user: CurrentUser): boolean {
  return hasAccess(user, 'admin', 'director', 'deputy')
}

/** The class a page belongs to (a subgroup's class), or null for cross-class groups. */
export async function classOfTarget(db: DB, target: Target): Promise<number | null> {
  if (target.classId !== null) return target.classId
  const g = await db.selectFrom('groups').select('class_id').where('id', '=', target.groupId).executeTakeFirst()
  return g?.class_id ?? null
}

/**
 * Access to a whole page: 'edit' for a teacher whose workload covers it; 'read' for the administration and
 * the class teacher of the page's class [002 §9.4]; otherwise none. Students and parents never reach a
 * journal page (R-ACC-3), whatever else they are.
 */
export async function pageAccess(db: DB, user: CurrentUser, page: PageRef): Promise<Access> {
  if (!hasAccess(user, 'admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk')) return null
  if (hasAccess(user, 'teacher')) {
    let q = db.selectFrom('workload').select('id').where('teacher_id', '=', user.personId).where('subject_id', '=', page.subjectId)
    q = page.target.classId !== null ? q.where('class_id', '=', page.target.classId) : q.where('group_id', '=', page.target.groupId)
    if (await q.executeTakeFirst()) return 'edit'
  }
  if (readsEverything(user)) return 'read'
  const classId = await classOfTarget(db, page.target)
  if (classId !== null && user.classTeacherOf.includes(classId)) return 'read'
  return null
}

/**
 * Access to one lesson: the page's access, plus 'edit' for the substitute of exactly that lesson [002 §7.12].
 * A substitute teaching the lesson may fill it even without the page's workload; nothing else of the absent
 * teacher's page opens to them.
 */
export async function lessonAccess(db: DB, user: CurrentUser, lessonId: number): Promise<{ access: Access; lesson: LessonRef } | null> {
  const l = await db.selectFrom('lessons').select(['id', 'class_id', 'group_id', 'subject_id', 'substitute_id', 'status', 'date', 'year_id'])
    .where('id', '=', lessonId).executeTakeFirst()
  if (!l) return null
  const target = (l.class_id !== null ? { classId: l.class_id, groupId: null } : { classId: null, groupId: l.group_id! }) as Target
  const lesson: LessonRef = { id: l.id, target, subjectId: l.subject_id, substituteId: l.substitute_id, status: l.status, date: l.date, yearId: l.year_id }
  if (l.substitute_id !== null && l.substitute_id === user.personId && hasAccess(user, 'teacher')) return { access: 'edit', lesson }
  return { access: await pageAccess(db, user, { target, subjectId: l.subject_id }), lesson }
}

export interface LessonRef {
  id: number
  target: Target
  subjectId: number
  substituteId: number | null
  status: 'scheduled' | 'cancelled' | 'moved'
  date: string
  yearId: number
}

/** The pages a teacher keeps (their workload), for their start page and menus. */
export async function pagesOfTeacher(db: DB, personId: number, yearId: number) {
  return db.selectFrom('workload as w')
    .innerJoin('subjects as s', 's.id', 'w.subject_id')
    .leftJoin('classes as c', 'c.id', 'w.class_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .leftJoin('classes as gc', 'gc.id', 'g.class_id')
    .select(['w.id', 'w.class_id', 'w.group_id', 'w.subject_id', 's.name as subject', 'c.grade', 'c.letter', 'g.name as group_name',
      'gc.grade as group_grade', 'gc.letter as group_letter'])
    .where('w.teacher_id', '=', personId)
    .where((eb) => eb.or([eb('c.year_id', '=', yearId), eb('g.year_id', '=', yearId)]))
    .orderBy('s.sort_order').orderBy('c.grade').orderBy('c.letter').orderBy('gc.grade')
    .execute()
}
