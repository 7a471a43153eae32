// Queries of the archive printouts: a class with its year and students, its curriculum, final marks, absences
// and promotion decisions, the signatories, the journal pages of a year, and the issued documents (R-ARC-2,3).
// The only Kysely code of the area; every write runs in one transaction with its audit record.
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { AbsenceReason, Database, DocumentKind, FinalKind, PromotionDecision } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { shortName, type NameParts } from '../auth/auth.queries.js'
import { assertYearWritable, classLabel } from '../school/school.queries.js'

type Q = DB | Transaction<Database>

// ---------------------------------------------------------------------------------------------- the class

export interface ClassInfo {
  id: number
  grade: number
  letter: string
  label: string
  yearId: number
  yearName: string
  yearStatus: 'draft' | 'open' | 'closed'
  yearStarts: string
  yearEnds: string
  classTeacherId: number | null
  classTeacher: NameParts | null
}

export async function classInfo(db: Q, classId: number): Promise<ClassInfo | null> {
  const r = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .leftJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['c.id', 'c.grade', 'c.letter', 'c.year_id', 'c.class_teacher_id', 'y.name', 'y.status', 'y.starts_on', 'y.ends_on',
      'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.id', '=', classId).executeTakeFirst()
  if (!r) return null
  return {
    id: r.id, grade: r.grade, letter: r.letter, label: classLabel(r.grade, r.letter), yearId: r.year_id, yearName: r.name,
    yearStatus: r.status, yearStarts: r.starts_on, yearEnds: r.ends_on, classTeacherId: r.class_teacher_id,
    classTeacher: r.last_name === null ? null : { last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' },
  }
}

export interface Span { from: string; to: string | null; reasonIn: string; reasonOut: string | null }
export interface ClassStudent extends NameParts { id: number; spans: Span[] }

/** Everyone enrolled in the class at any time of its year, in the order of the class list (surname, name). */
export async function classStudents(db: Q, classId: number): Promise<ClassStudent[]> {
  const rows = await db.selectFrom('enrollments as e').innerJoin('persons as p', 'p.id', 'e.student_id')
    .select(['e.student_id', 'e.from_date', 'e.to_date', 'e.reason_in', 'e.reason_out', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('e.class_id', '=', classId).orderBy('e.from_date').execute()
  const byId = new Map<number, ClassStudent>()
  for (const r of rows) {
    const s = byId.get(r.student_id) ?? { id: r.student_id, last_name: r.last_name, first_name: r.first_name, middle_name: r.middle_name, spans: [] }
    s.spans.push({ from: r.from_date, to: r.to_date, reasonIn: r.reason_in, reasonOut: r.reason_out })
    byId.set(r.student_id, s)
  }
  return [...byId.values()].sort((a, b) => a.last_name.localeCompare(b.last_name, 'ru')
    || a.first_name.localeCompare(b.first_name, 'ru') || a.middle_name.localeCompare(b.middle_name, 'ru') || a.id - b.id)
}

export interface SubjectRow { id: number; name: string; short: string }

/** The class's curriculum subjects in the school's subject order. */
export async function curriculumSubjects(db: Q, classId: number): Promise<SubjectRow[]> {
  return db.selectFrom('curriculum as x').innerJoin('subjects as s', 's.id', 'x.subject_id')
    .select(['s.id', 's.name', 's.short_name as short'])
    .where('x.class_id', '=', classId).orderBy('s.sort_order').orderBy('s.name').execute()
}

export interface FinalRow { studentId: number; subjectId: number; kind: FinalKind; periodId: number | null; value: string }

export async function finalMarks(db: Q, yearId: number, studentIds: number[]): Promise<FinalRow[]> {
  if (!studentIds.length) return []
  return db.selectFrom('final_marks').select(['student_id as studentId', 'subject_id as subjectId', 'kind', 'period_id as periodId', 'value'])
    .where('year_id', '=', yearId).where('student_id', 'in', studentIds).execute()
}

export interface AbsenceRow { studentId: number; date: string; reason: AbsenceReason | null }

/** Every missed lesson of these students in the year (lessons that took place), with its reason. */
export async function absencesOfYear(db: Q, yearId: number, studentIds: number[]): Promise<AbsenceRow[]> {
  if (!studentIds.length) return []
  return db.selectFrom('absences as a').innerJoin('lessons as l', 'l.id', 'a.lesson_id')
    .select(['a.student_id as studentId', 'l.date', 'a.reason'])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('a.student_id', 'in', studentIds).execute()
}

export interface DecisionRow { studentId: number; decision: PromotionDecision; councilDate: string; protocol: string; setAt: string }

export async function decisionsOf(db: Q, yearId: number, studentIds: number[]): Promise<DecisionRow[]> {
  if (!studentIds.length) return []
  return db.selectFrom('promotion_decisions')
    .select(['student_id as studentId', 'decision', 'council_date as councilDate', 'protocol_number as protocol', 'set_at as setAt'])
    .where('year_id', '=', yearId).where('student_id', 'in', studentIds).execute()
}

export interface PersonRow extends NameParts { id: number }

/** People holding a role (the deputy, the director), by surname: the sheet names the first. */
export async function peopleWithRole(db: Q, role: 'deputy' | 'director'): Promise<PersonRow[]> {
  return db.selectFrom('person_roles as r').innerJoin('persons as p', 'p.id', 'r.person_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('r.role', '=', role).orderBy('p.last_name').orderBy('p.first_name').orderBy('p.id').execute()
}

export async function personName(db: Q, personId: number): Promise<NameParts | null> {
  return (await db.selectFrom('persons').select(['last_name', 'first_name', 'middle_name']).where('id', '=', personId).executeTakeFirst()) ?? null
}

// ---------------------------------------------------------------------------------------------- decisions

/** Per class of a year: students who stay to the year's end (a decision is due for them) and how many have one. */
export async function decisionCounts(db: Q, yearId: number): Promise<Map<number, { students: number; decided: number }>> {
  const rows = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .leftJoin('promotion_decisions as d', (j) => j.onRef('d.student_id', '=', 'e.student_id').onRef('d.year_id', '=', 'c.year_id'))
    .select(['e.class_id', (eb) => eb.fn.count<number>('e.student_id').distinct().as('students'),
      (eb) => eb.fn.count<number>('d.student_id').distinct().as('decided')])
    .where('c.year_id', '=', yearId)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.reason_out', 'in', ['promotion', 'graduation']), eb('e.to_date', '>=', eb.ref('y.ends_on'))]))
    .groupBy('e.class_id').execute()
  return new Map(rows.map((r) => [r.class_id, { students: Number(r.students), decided: Number(r.decided) }]))
}

export interface DecisionWrite { studentId: number; decision: PromotionDecision }

/**
 * Writes the class's decisions: each student's decision with the council's date and protocol, which are the
 * class's and so are applied to every decided student of it. One audit record per student whose row changed.
 * Refuses a closed year. Returns how many rows changed.
 */
export async function saveDecisions(db: DB, actor: Actor & { personId: number }, yearId: number, classStudentIds: number[],
  writes: DecisionWrite[], council: { date: string; protocol: string }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const before = new Map((await decisionsOf(trx, yearId, classStudentIds)).map((d) => [d.studentId, d]))
    const wanted = new Map(writes.map((w) => [w.studentId, w.decision]))
    // Students decided earlier keep their decision and take the class's (new) date and protocol.
    for (const id of before.keys()) if (!wanted.has(id)) wanted.set(id, before.get(id)!.decision)
    const at = nowIso()
    let changed = 0
    for (const [studentId, decision] of wanted) {
      const old = before.get(studentId)
      if (old && old.decision === decision && old.councilDate === council.date && old.protocol === council.protocol) continue
      const row = { decision, council_date: council.date, protocol_number: council.protocol, set_by: actor.personId, set_at: at }
      await trx.insertInto('promotion_decisions').values({ year_id: yearId, student_id: studentId, ...row })
        .onConflict((oc) => oc.columns(['year_id', 'student_id']).doUpdateSet(row)).execute()
      await audit(trx, actor, {
        action: 'summary.decision.set', entity: 'promotion_decision', entityId: `${yearId}:${studentId}`,
        before: old ? { decision: old.decision, council_date: old.councilDate, protocol_number: old.protocol } : null,
        after: { decision, council_date: council.date, protocol_number: council.protocol },
      })
      changed++
    }
    return changed
  })
}

// ---------------------------------------------------------------------------------------------- year journal

export interface JournalPageRow {
  key: string
  classId: number | null
  groupId: number | null
  subjectId: number
  subject: string
  groupName: string | null
  teachers: string[]
}

/**
 * The subject pages of a class in its year: its whole-class pages and its subgroups' pages, from the workload
 * and from the lessons held (a page with lessons but no workload row is still printed), in subject order.
 */
export async function journalPages(db: Q, classId: number, yearId: number): Promise<JournalPageRow[]> {
  const groups = await db.selectFrom('groups').select('id').where('class_id', '=', classId).execute()
  const groupIds = groups.map((g) => g.id)
  const fromLessons = await db.selectFrom('lessons as l')
    .select(['l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id'])
    .where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled')
    .where((eb) => eb.or([eb('l.class_id', '=', classId), ...(groupIds.length ? [eb('l.group_id', 'in', groupIds)] : [])]))
    .groupBy(['l.class_id', 'l.group_id', 'l.subject_id', 'l.teacher_id']).execute()
  const fromWorkload = await db.selectFrom('workload as w')
    .select(['w.class_id', 'w.group_id', 'w.subject_id', 'w.teacher_id'])
    .where((eb) => eb.or([eb('w.class_id', '=', classId), ...(groupIds.length ? [eb('w.group_id', 'in', groupIds)] : [])])).execute()
  const subjects = new Map((await db.selectFrom('subjects').select(['id', 'name', 'sort_order']).execute()).map((s) => [s.id, s]))
  const groupInfo = new Map((groupIds.length
    ? await db.selectFrom('groups').select(['id', 'name', 'subject_id']).where('id', 'in', groupIds).execute() : []).map((g) => [g.id, g]))
  const teacherIds = [...new Set([...fromWorkload, ...fromLessons].map((r) => r.teacher_id))]
  const names = new Map((teacherIds.length
    ? await db.selectFrom('persons').select(['id', 'last_name', 'first_name', 'middle_name']).where('id', 'in', teacherIds).execute() : [])
    .map((p) => [p.id, shortName(p)]))

  const pages = new Map<string, JournalPageRow & { order: number; fromWorkload: Set<string>; fromLessons: Set<string> }>()
  const add = (r: { class_id: number | null; group_id: number | null; subject_id: number; teacher_id: number }, workload: boolean) => {
    const group = r.group_id !== null ? groupInfo.get(r.group_id) : undefined
    const subjectId = group ? group.subject_id : r.subject_id
    const key = group ? `g${group.id}` : `c${classId}s${subjectId}`
    const s = subjects.get(subjectId)
    const page = pages.get(key) ?? {
      key, classId: group ? null : classId, groupId: group ? group.id : null, subjectId, subject: s?.name ?? '', groupName: group?.name ?? null,
      teachers: [], order: s?.sort_order ?? 0, fromWorkload: new Set<string>(), fromLessons: new Set<string>(),
    }
    const name = names.get(r.teacher_id)
    if (name) (workload ? page.fromWorkload : page.fromLessons).add(name)
    pages.set(key, page)
  }
  for (const r of fromWorkload) add(r, true)
  for (const r of fromLessons) add(r, false)
  return [...pages.values()]
    .sort((a, b) => a.order - b.order || a.subject.localeCompare(b.subject, 'ru') || (a.groupName ?? '').localeCompare(b.groupName ?? '', 'ru'))
    .map(({ order: _o, fromWorkload, fromLessons, ...p }) => ({ ...p, teachers: [...(fromWorkload.size ? fromWorkload : fromLessons)] }))
}

function classLessons(db: Q, yearId: number, classId: number, groupIds: number[]) {
  return db.selectFrom('lessons as l').where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled')
    .where((eb) => eb.or([eb('l.class_id', '=', classId), ...(groupIds.length ? [eb('l.group_id', 'in', groupIds)] : [])]))
}

export interface LessonRow {
  id: number
  classId: number | null
  groupId: number | null
  subjectId: number
  date: string
  lessonNumber: number
  topic: string
  homework: string
  distance: boolean
  distanceOrder: string
  extracurricular: boolean
  substitute: string | null
}

/** The year's lessons of the class and its groups, in journal order. */
export async function yearLessons(db: Q, yearId: number, classId: number, groupIds: number[]): Promise<LessonRow[]> {
  const rows = await classLessons(db, yearId, classId, groupIds).leftJoin('persons as sp', 'sp.id', 'l.substitute_id')
    .select(['l.id', 'l.class_id', 'l.group_id', 'l.subject_id', 'l.date', 'l.lesson_number', 'l.topic', 'l.homework', 'l.distance',
      'l.distance_order', 'l.extracurricular', 'sp.last_name', 'sp.first_name', 'sp.middle_name'])
    .orderBy('l.date').orderBy('l.lesson_number').orderBy('l.id').execute()
  return rows.map((r) => ({
    id: r.id, classId: r.class_id, groupId: r.group_id, subjectId: r.subject_id, date: r.date, lessonNumber: r.lesson_number,
    topic: r.topic, homework: r.homework, distance: r.distance === 1, distanceOrder: r.distance_order, extracurricular: r.extracurricular === 1,
    substitute: r.last_name === null ? null : shortName({ last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' }),
  }))
}

export async function yearMarks(db: Q, yearId: number, classId: number, groupIds: number[]) {
  return classLessons(db, yearId, classId, groupIds).innerJoin('marks as m', 'm.lesson_id', 'l.id')
    .select(['m.lesson_id as lessonId', 'm.student_id as studentId', 'm.column_no as column', 'm.value']).execute()
}

export async function yearAbsences(db: Q, yearId: number, classId: number, groupIds: number[]) {
  return classLessons(db, yearId, classId, groupIds).innerJoin('absences as a', 'a.lesson_id', 'l.id')
    .select(['a.lesson_id as lessonId', 'a.student_id as studentId']).execute()
}

// ---------------------------------------------------------------------------------------------- documents

export interface IssuedDocument {
  id: number
  number: string
  issuedAt: string
  pages: number | null
  storedName: string | null
  issuedBy: string
}

/** The current (not superseded) issued document about something, if it was issued and stored. */
export async function currentDocument(db: Q, kind: DocumentKind, subjectKey: string): Promise<IssuedDocument | null> {
  const r = await db.selectFrom('documents as d').leftJoin('persons as p', 'p.id', 'd.issued_by')
    .select(['d.id', 'd.number', 'd.issued_at', 'd.pages', 'd.stored_name', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('d.kind', '=', kind).where('d.subject_key', '=', subjectKey).where('d.superseded_by', 'is', null).where('d.stored_name', 'is not', null)
    .orderBy('d.id', 'desc').executeTakeFirst()
  if (!r) return null
  return {
    id: r.id, number: r.number, issuedAt: r.issued_at, pages: r.pages, storedName: r.stored_name,
    issuedBy: r.last_name === null ? '' : shortName({ last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' }),
  }
}
