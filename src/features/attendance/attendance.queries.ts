// Queries of the weekly absence reasons: the class, its week of absences, and saving the reasons in one
// audited transaction (R-J-5; R-ACC-5). Callers have decided access with reasonsAccess() first.
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { pageRoster } from '../journal/journal.roster.js'
import { assertYearWritable, classLabel, classesOfYear, currentYear } from '../school/school.queries.js'
import type { ReasonChange } from './attendance.form.js'
import { seesAllClasses, type RosterEntry, type Viewer, type Week, type WeekAbsence } from './attendance.rules.js'
import { field, toId } from '../../lib/forms.js'

export interface ClassInfo { id: number; yearId: number; label: string; yearName: string; closed: boolean; teacherName: string | null }

export async function classInfo(db: DB, classId: number): Promise<ClassInfo | null> {
  const c = await db.selectFrom('classes as c')
    .innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .leftJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['c.id', 'c.year_id', 'c.grade', 'c.letter', 'y.name as yearName', 'y.status', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.id', '=', classId).executeTakeFirst()
  if (!c) return null
  return {
    id: c.id, yearId: c.year_id, label: classLabel(c.grade, c.letter), yearName: c.yearName, closed: c.status === 'closed',
    teacherName: c.last_name === null ? null : shortName({ last_name: c.last_name, first_name: c.first_name ?? '', middle_name: c.middle_name ?? '' }),
  }
}

/** The classes to pick from: every class of the current year, or the viewer's own classes. */
export async function classChoices(db: DB, scope: { all: true } | { all: false; classIds: number[] }, today: string) {
  if (scope.all) {
    const year = await currentYear(db, today)
    return year ? (await classesOfYear(db, year.id)).map((c) => ({ id: c.id, label: c.label })) : []
  }
  if (!scope.classIds.length) return []
  const rows = await db.selectFrom('classes').select(['id', 'grade', 'letter'])
    .where('id', 'in', scope.classIds).orderBy('grade').orderBy('letter').execute()
  return rows.map((c) => ({ id: c.id, label: classLabel(c.grade, c.letter) }))
}

/**
 * The class's students of the week and their absences: «н» on the week's held lessons of the class and of
 * any group (subgroup, cross-class or individual) its students attend. Which absences fall on days in the
 * class is decided by groupWeek().
 */
export async function weekAbsences(db: DB, classId: number, week: Week): Promise<{ roster: RosterEntry[]; absences: WeekAbsence[] }> {
  const rows = await pageRoster(db, { classId, groupId: null }, week.monday, week.saturday)
  const roster = rows.map((r) => ({
    studentId: r.studentId, spans: r.spans,
    name: fullName({ last_name: r.lastName, first_name: r.firstName, middle_name: r.middleName }),
  }))
  if (!roster.length) return { roster, absences: [] }
  const found = await db.selectFrom('absences as a')
    .innerJoin('lessons as l', 'l.id', 'a.lesson_id')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .select(['a.lesson_id as lessonId', 'a.student_id as studentId', 'a.reason', 'l.date', 'l.lesson_number as lessonNumber',
      's.name as subject', 'g.name as groupName'])
    .where('a.student_id', 'in', roster.map((r) => r.studentId))
    .where('l.date', '>=', week.monday).where('l.date', '<=', week.saturday)
    .where('l.status', '=', 'scheduled')
    .where((eb) => eb.or([eb('l.class_id', '=', classId), eb('l.group_id', 'is not', null)]))
    .orderBy('l.date').orderBy('l.lesson_number')
    .execute()
  return { roster, absences: found }
}

/** Writes the changed reasons of a week, all or nothing, with one audit record of the whole submit. */
export async function saveReasons(db: DB, actor: Actor, cls: ClassInfo, week: Week, changes: ReasonChange[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, cls.yearId)
    const at = nowIso()
    const applied: ReasonChange[] = []
    for (const c of changes) {
      const r = await trx.updateTable('absences').set({ reason: c.after, reason_set_at: at, reason_set_by: actor.personId })
        .where('lesson_id', '=', c.lessonId).where('student_id', '=', c.studentId).executeTakeFirst()
      // An «н» the teacher removed since the page was opened is simply gone: nothing to record for it.
      if (Number(r.numUpdatedRows) > 0) applied.push(c)
    }
    if (!applied.length) return
    // Keyed «lesson:student» so that the audit page shows one readable line per absence.
    const side = (pick: (c: ReasonChange) => string | null) =>
      Object.fromEntries([['week', week.monday], ...applied.map((c) => [`${c.lessonId}:${c.studentId}`, pick(c)])])
    await audit(trx, actor, {
      action: 'attendance.reasons', entity: 'class', entityId: cls.id,
      before: side((c) => c.before), after: side((c) => c.after),
    })
  })
}

/** The classes a user may pick on a class-week page: every class for the administration, their own otherwise. */
export function classChoicesFor(db: DB, user: Viewer & { classTeacherOf: number[] }, today: string) {
  return classChoices(db, seesAllClasses(user) ? { all: true } : { all: false, classIds: user.classTeacherOf }, today)
}

/**
 * The class of a class-week page (absence reasons, weekly reports) from its query string: ?class=ID, or without
 * one a class teacher's first class; 'choose' when the user has none and must pick from a list. Whether the
 * user may see that class is the page's own decision.
 */
export async function classFromQuery(db: DB, user: { classTeacherOf: number[] }, query: unknown, today: string): Promise<number | null | 'choose'> {
  const raw = field(query, 'class')
  if (raw !== '') return toId(raw)
  const own = user.classTeacherOf.length ? await classChoices(db, { all: false, classIds: user.classTeacherOf }, today) : []
  return own.length ? own[0].id : 'choose'
}
