// Queries of the finals area: the data of a final-marks page, setting marks, corrections and their approval,
// the history of each final mark (from the audit log) and a student's final marks for the diary (R-FIN-1..5).
// Every write runs in one transaction with its audit record and refuses a closed year.
import type { Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database, FinalKind } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import type { Target } from '../journal/journal.access.js'
import { assertYearWritable, classLabel } from '../school/school.queries.js'
import type { AbsenceReason, FinalValue } from './finals.rules.js'

type Q = DB | Transaction<Database>

/** A set mark changed under the form (another window, another teacher): the submit is refused, nothing written. */
export class LockedError extends Error {
  constructor(readonly studentIds: number[]) { super('final mark already set') }
}
/** A correction that is no longer pending, or whose mark changed since the request. */
export class StaleCorrectionError extends Error {}
/** A mark with a correction already waiting for a decision. */
export class PendingCorrectionError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// The page

export interface PageInfo {
  target: Target
  subjectId: number
  subject: string
  yearId: number
  yearName: string
  yearStatus: 'draft' | 'open' | 'closed'
  yearStarts: string
  yearEnds: string
  grade: number
  /** The class of the page (a subgroup's class), null for a cross-class group. */
  classId: number | null
  label: string
  /** Weekly hours of the subject in the class's curriculum; null when not recorded. */
  hoursPerWeek: number | null
}

/** What a page is: its class or group, subject, year and weekly hours; null when the ids name nothing. */
export async function pageInfo(db: Q, target: Target, subjectId: number | null): Promise<PageInfo | null> {
  if (target.classId !== null) {
    const r = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
      .select(['c.id', 'c.grade', 'c.letter', 'c.year_id', 'y.name', 'y.status', 'y.starts_on', 'y.ends_on']).where('c.id', '=', target.classId).executeTakeFirst()
    const s = subjectId === null ? undefined
      : await db.selectFrom('subjects').select(['id', 'name']).where('id', '=', subjectId).executeTakeFirst()
    if (!r || !s) return null
    return {
      target, subjectId: s.id, subject: s.name, yearId: r.year_id, yearName: r.name, yearStatus: r.status, yearStarts: r.starts_on, yearEnds: r.ends_on,
      grade: r.grade, classId: r.id, label: classLabel(r.grade, r.letter), hoursPerWeek: await hoursPerWeek(db, r.id, s.id),
    }
  }
  const g = await db.selectFrom('groups as g').innerJoin('academic_years as y', 'y.id', 'g.year_id')
    .innerJoin('subjects as s', 's.id', 'g.subject_id').leftJoin('classes as c', 'c.id', 'g.class_id')
    .select(['g.id', 'g.name', 'g.grade', 'g.class_id', 'g.subject_id', 'g.year_id', 'y.name as year_name', 'y.status', 'y.starts_on', 'y.ends_on', 's.name as subject',
      'c.grade as class_grade', 'c.letter'])
    .where('g.id', '=', target.groupId).executeTakeFirst()
  if (!g) return null
  return {
    target, subjectId: g.subject_id, subject: g.subject, yearId: g.year_id, yearName: g.year_name, yearStatus: g.status, yearStarts: g.starts_on, yearEnds: g.ends_on,
    grade: g.grade, classId: g.class_id,
    label: g.class_grade !== null && g.letter !== null ? `${classLabel(g.class_grade, g.letter)}, ${g.name}` : g.name,
    hoursPerWeek: g.class_id !== null ? await hoursPerWeek(db, g.class_id, g.subject_id) : await gradeHours(db, g.year_id, g.grade, g.subject_id),
  }
}

async function hoursPerWeek(db: Q, classId: number, subjectId: number): Promise<number | null> {
  const r = await db.selectFrom('curriculum').select('hours_per_week').where('class_id', '=', classId).where('subject_id', '=', subjectId).executeTakeFirst()
  return r?.hours_per_week ?? null
}

/** A cross-class group follows the curriculum of its grade's classes (the largest, when they differ). */
async function gradeHours(db: Q, yearId: number, grade: number, subjectId: number): Promise<number | null> {
  const r = await db.selectFrom('curriculum as cu').innerJoin('classes as c', 'c.id', 'cu.class_id')
    .select((eb) => eb.fn.max('cu.hours_per_week').as('h'))
    .where('c.year_id', '=', yearId).where('c.grade', '=', grade).where('cu.subject_id', '=', subjectId).executeTakeFirst()
  return r?.h ?? null
}

/** Journal columns of the page that were held: scheduled, not «Внеурочное занятие», up to the date given. */
function pageLessons(db: Q, target: Target, subjectId: number, yearId: number) {
  let q = db.selectFrom('lessons as l').where('l.year_id', '=', yearId).where('l.status', '=', 'scheduled').where('l.extracurricular', '=', 0)
  q = target.classId !== null
    ? q.where('l.class_id', '=', target.classId).where('l.subject_id', '=', subjectId)
    : q.where('l.group_id', '=', target.groupId)
  return q
}

export async function lessonDates(db: Q, page: PageInfo, upTo: string): Promise<string[]> {
  const rows = await pageLessons(db, page.target, page.subjectId, page.yearId).select('l.date').where('l.date', '<=', upTo).orderBy('l.date').execute()
  return rows.map((r) => r.date)
}

export interface MarkRow { studentId: number; date: string; value: string; weight: number }

/** The page's marks with the weight of their kind of work (a column without a kind weighs 1). */
export async function pageMarks(db: Q, page: PageInfo, studentIds: number[]): Promise<MarkRow[]> {
  if (!studentIds.length) return []
  return pageLessons(db, page.target, page.subjectId, page.yearId)
    .innerJoin('marks as m', 'm.lesson_id', 'l.id')
    .leftJoin('lesson_columns as lc', (j) => j.onRef('lc.lesson_id', '=', 'm.lesson_id').onRef('lc.column_no', '=', 'm.column_no'))
    .leftJoin('work_kinds as wk', 'wk.id', 'lc.work_kind_id')
    .select(['m.student_id as studentId', 'l.date', 'm.value', (eb) => eb.fn.coalesce('wk.weight', eb.lit(1)).as('weight')])
    .where('m.student_id', 'in', studentIds)
    .execute()
}

export interface AbsenceRow { studentId: number; date: string; reason: AbsenceReason }

export async function pageAbsences(db: Q, page: PageInfo, studentIds: number[]): Promise<AbsenceRow[]> {
  if (!studentIds.length) return []
  return pageLessons(db, page.target, page.subjectId, page.yearId)
    .innerJoin('absences as a', 'a.lesson_id', 'l.id')
    .select(['a.student_id as studentId', 'l.date', 'a.reason'])
    .where('a.student_id', 'in', studentIds)
    .execute()
}

export interface FinalMarkRow {
  id: number
  studentId: number
  kind: FinalKind
  periodId: number | null
  value: FinalValue
  proposed: string | null
  setAt: string
  setBy: string
  /** The new value of a correction waiting for a decision. */
  pendingValue: string | null
  /** Changed by an approved correction at least once. */
  corrected: boolean
}

/** The final marks of these students in the page's subject and year. */
export async function pageFinalMarks(db: Q, yearId: number, subjectId: number, studentIds: number[]): Promise<FinalMarkRow[]> {
  if (!studentIds.length) return []
  const rows = await db.selectFrom('final_marks as f').innerJoin('persons as p', 'p.id', 'f.set_by')
    .select(['f.id', 'f.student_id', 'f.kind', 'f.period_id', 'f.value', 'f.proposed', 'f.set_at', 'p.last_name', 'p.first_name', 'p.middle_name',
      (eb) => eb.selectFrom('final_corrections as c').select('c.new_value')
        .whereRef('c.final_mark_id', '=', 'f.id').where('c.status', '=', 'pending').limit(1).as('pending'),
      (eb) => eb.selectFrom('final_corrections as c').select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.final_mark_id', '=', 'f.id').where('c.status', '=', 'approved').as('approved')])
    .where('f.year_id', '=', yearId).where('f.subject_id', '=', subjectId).where('f.student_id', 'in', studentIds)
    .execute()
  return rows.map((r) => ({
    id: r.id, studentId: r.student_id, kind: r.kind, periodId: r.period_id, value: r.value as FinalValue, proposed: r.proposed,
    setAt: r.set_at, setBy: shortName(r), pendingValue: r.pending ?? null, corrected: Number(r.approved) > 0,
  }))
}

// ---------------------------------------------------------------------------------------------------------
// Setting marks

export interface NewFinalMark { studentId: number; value: FinalValue; proposed: FinalValue | null }

/**
 * Sets (and locks) the marks of one column in one transaction, with one audit record per mark (the mark's
 * history reads them). A mark set meanwhile by someone else refuses the whole submit.
 */
export async function setFinalMarks(db: DB, actor: Actor & { personId: number },
  col: { yearId: number; subjectId: number; kind: FinalKind; periodId: number | null }, marks: NewFinalMark[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, col.yearId)
    const existing = await pageFinalMarks(trx, col.yearId, col.subjectId, marks.map((m) => m.studentId))
    const taken = existing.filter((f) => f.kind === col.kind && f.periodId === col.periodId).map((f) => f.studentId)
    if (taken.length) throw new LockedError(taken)
    const at = nowIso()
    for (const m of marks) {
      const { id } = await trx.insertInto('final_marks').values({
        year_id: col.yearId, student_id: m.studentId, subject_id: col.subjectId, kind: col.kind, period_id: col.periodId,
        value: m.value, proposed: m.proposed, set_by: actor.personId, set_at: at, locked: 1,
      }).returning('id').executeTakeFirstOrThrow()
      await audit(trx, actor, {
        action: 'finals.set', entity: 'final_mark', entityId: id, before: null,
        after: { value: m.value, proposed: m.proposed, studentId: m.studentId, subjectId: col.subjectId, kind: col.kind, periodId: col.periodId },
      })
    }
    return marks.length
  })
}

// ---------------------------------------------------------------------------------------------------------
// Corrections

export interface MarkRef { id: number; yearId: number; studentId: number; subjectId: number; kind: FinalKind; periodId: number | null; value: FinalValue; studentName: string }

export async function finalMarkById(db: Q, id: number): Promise<MarkRef | null> {
  const r = await db.selectFrom('final_marks as f').innerJoin('persons as p', 'p.id', 'f.student_id')
    .select(['f.id', 'f.year_id', 'f.student_id', 'f.subject_id', 'f.kind', 'f.period_id', 'f.value', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('f.id', '=', id).executeTakeFirst()
  return r ? {
    id: r.id, yearId: r.year_id, studentId: r.student_id, subjectId: r.subject_id, kind: r.kind, periodId: r.period_id,
    value: r.value as FinalValue, studentName: fullName(r),
  } : null
}

/** The teacher's request to correct a locked mark, addressed to the deputy or the director. */
export async function requestCorrection(db: DB, actor: Actor & { personId: number }, markId: number,
  req: { newValue: FinalValue; explanation: string; approverRole: 'deputy' | 'director' }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const mark = await finalMarkById(trx, markId)
    if (!mark) throw new StaleCorrectionError()
    await assertYearWritable(trx, mark.yearId)
    const pending = await trx.selectFrom('final_corrections').select('id').where('final_mark_id', '=', markId).where('status', '=', 'pending').executeTakeFirst()
    if (pending) throw new PendingCorrectionError()
    const { id } = await trx.insertInto('final_corrections').values({
      final_mark_id: markId, old_value: mark.value, new_value: req.newValue, requested_by: actor.personId, requested_at: nowIso(),
      explanation: req.explanation, approver_role: req.approverRole, status: 'pending',
    }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, {
      action: 'finals.correction.request', entity: 'final_mark', entityId: markId, before: { value: mark.value },
      after: { requested: req.newValue, explanation: req.explanation, approverRole: req.approverRole, correctionId: id },
    })
    return id
  })
}

export interface CorrectionRow {
  id: number
  markId: number
  status: 'pending' | 'approved' | 'refused'
  approverRole: 'deputy' | 'director'
  oldValue: string
  newValue: string
  explanation: string
  requestedAt: string
  requestedBy: string
  decidedAt: string | null
  decidedBy: string | null
  orderNumber: string
  decisionNote: string
  student: string
  studentId: number
  subject: string
  subjectId: number
  yearId: number
  kind: FinalKind
  periodId: number | null
  periodNumber: number | null
  scheme: string | null
  currentValue: string
  /** The student's class in the mark's year (the latest enrollment), for the approver's list. */
  classLabel: string | null
}

function correctionsQuery(db: Q) {
  return db.selectFrom('final_corrections as c')
    .innerJoin('final_marks as f', 'f.id', 'c.final_mark_id')
    .innerJoin('persons as s', 's.id', 'f.student_id')
    .innerJoin('subjects as sub', 'sub.id', 'f.subject_id')
    .innerJoin('persons as rq', 'rq.id', 'c.requested_by')
    .leftJoin('persons as dc', 'dc.id', 'c.decided_by')
    .leftJoin('periods as pr', 'pr.id', 'f.period_id')
    .select(['c.id', 'c.final_mark_id', 'c.status', 'c.approver_role', 'c.old_value', 'c.new_value', 'c.explanation', 'c.requested_at',
      'c.decided_at', 'c.order_number', 'c.decision_note', 'f.student_id', 'f.subject_id', 'f.year_id', 'f.kind', 'f.period_id', 'f.value',
      's.last_name', 's.first_name', 's.middle_name', 'sub.name as subject', 'pr.number as period_number', 'pr.scheme',
      'rq.last_name as rq_last', 'rq.first_name as rq_first', 'rq.middle_name as rq_middle',
      'dc.last_name as dc_last', 'dc.first_name as dc_first', 'dc.middle_name as dc_middle',
      (eb) => eb.selectFrom('enrollments as e').innerJoin('classes as cl', 'cl.id', 'e.class_id')
        .select((e) => e.fn<string>('printf', [e.val('%d%s'), 'cl.grade', 'cl.letter']).as('l'))
        .whereRef('e.student_id', '=', 'f.student_id').whereRef('cl.year_id', '=', 'f.year_id')
        .orderBy('e.from_date', 'desc').limit(1).as('class_label')])
}

type CorrectionSelect = Awaited<ReturnType<ReturnType<typeof correctionsQuery>['executeTakeFirstOrThrow']>>

function toCorrection(r: CorrectionSelect): CorrectionRow {
  return {
    id: r.id, markId: r.final_mark_id, status: r.status, approverRole: r.approver_role, oldValue: r.old_value, newValue: r.new_value,
    explanation: r.explanation, requestedAt: r.requested_at, decidedAt: r.decided_at, orderNumber: r.order_number, decisionNote: r.decision_note,
    requestedBy: shortName({ last_name: r.rq_last, first_name: r.rq_first, middle_name: r.rq_middle }),
    decidedBy: r.dc_last === null ? null : shortName({ last_name: r.dc_last, first_name: r.dc_first ?? '', middle_name: r.dc_middle ?? '' }),
    student: fullName(r), studentId: r.student_id, subject: r.subject, subjectId: r.subject_id, yearId: r.year_id, kind: r.kind,
    periodId: r.period_id, periodNumber: r.period_number, scheme: r.scheme, currentValue: r.value, classLabel: r.class_label,
  }
}

/** Corrections addressed to these approver roles: pending ones first (oldest first), then the latest decided. */
export async function correctionsFor(db: Q, roles: ('deputy' | 'director')[], decidedLimit = 30): Promise<{ pending: CorrectionRow[]; decided: CorrectionRow[] }> {
  if (!roles.length) return { pending: [], decided: [] }
  const pending = await correctionsQuery(db).where('c.approver_role', 'in', roles).where('c.status', '=', 'pending').orderBy('c.requested_at').orderBy('c.id').execute()
  const decided = await correctionsQuery(db).where('c.approver_role', 'in', roles).where('c.status', '<>', 'pending')
    .orderBy('c.decided_at', 'desc').orderBy('c.id', 'desc').limit(decidedLimit).execute()
  return { pending: pending.map(toCorrection), decided: decided.map(toCorrection) }
}

export async function correctionById(db: Q, id: number): Promise<CorrectionRow | null> {
  const r = await correctionsQuery(db).where('c.id', '=', id).executeTakeFirst()
  return r ? toCorrection(r) : null
}

/** Pending corrections of these marks (for the teacher's page). */
export async function pendingOfMarks(db: Q, markIds: number[]): Promise<CorrectionRow[]> {
  if (!markIds.length) return []
  return (await correctionsQuery(db).where('c.final_mark_id', 'in', markIds).where('c.status', '=', 'pending').execute()).map(toCorrection)
}

/**
 * The approver's decision. Approval changes the mark in the same transaction, and only if it still has the
 * value the request was made against; refusal keeps it. Either way the decision is recorded and audited.
 */
export async function decideCorrection(db: DB, actor: Actor & { personId: number }, id: number,
  d: { approve: boolean; orderNumber: string; note: string }): Promise<CorrectionRow> {
  return db.transaction().execute(async (trx) => {
    const c = await correctionById(trx, id)
    if (!c || c.status !== 'pending') throw new StaleCorrectionError()
    await assertYearWritable(trx, c.yearId)
    if (c.currentValue !== c.oldValue) throw new StaleCorrectionError()
    const at = nowIso()
    await trx.updateTable('final_corrections').set({
      status: d.approve ? 'approved' : 'refused', decided_by: actor.personId, decided_at: at, order_number: d.orderNumber, decision_note: d.note,
    }).where('id', '=', id).where('status', '=', 'pending').execute()
    if (d.approve) {
      await trx.updateTable('final_marks').set({ value: c.newValue, set_by: actor.personId, set_at: at, locked: 1 }).where('id', '=', c.markId).execute()
    }
    await audit(trx, actor, {
      action: d.approve ? 'finals.correction.approve' : 'finals.correction.refuse', entity: 'final_mark', entityId: c.markId,
      before: { value: c.oldValue },
      after: {
        value: d.approve ? c.newValue : c.oldValue, requested: c.newValue, correctionId: id, explanation: c.explanation,
        requestedBy: c.requestedBy, approverRole: c.approverRole, orderNumber: d.orderNumber, note: d.note,
      },
    })
    return { ...c, status: d.approve ? 'approved' : 'refused' }
  })
}

// ---------------------------------------------------------------------------------------------------------
// History

export interface HistoryRow {
  markId: number
  at: string
  action: 'set' | 'request' | 'approve' | 'refuse'
  by: string
  oldValue: string | null
  newValue: string | null
  /** Why: the proposal for a set mark, the explanation of a correction. */
  explanation: string
  orderNumber: string
  note: string
  requestedBy: string
}

const HISTORY_ACTIONS = {
  'finals.set': 'set', 'finals.correction.request': 'request', 'finals.correction.approve': 'approve', 'finals.correction.refuse': 'refuse',
} as const

type Json = Record<string, unknown> | null
const str = (o: Json, k: string): string => (o && o[k] !== undefined && o[k] !== null ? String(o[k]) : '')

/** Every set and change of these final marks, oldest first: who, when, old → new, why, whose approval. */
export async function markHistory(db: Q, markIds: number[]): Promise<HistoryRow[]> {
  if (!markIds.length) return []
  const rows = await db.selectFrom('audit_log as a').leftJoin('users as u', 'u.id', 'a.actor_user_id').leftJoin('persons as p', 'p.id', 'u.person_id')
    .select(['a.id', 'a.at', 'a.action', 'a.entity_id', 'a.before', 'a.after', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('a.entity', '=', 'final_mark').where('a.entity_id', 'in', markIds.map(String))
    .where('a.action', 'in', Object.keys(HISTORY_ACTIONS))
    .orderBy('a.at').orderBy('a.id').execute()
  return rows.map((r) => {
    const before = r.before ? (JSON.parse(r.before) as Json) : null
    const after = r.after ? (JSON.parse(r.after) as Json) : null
    const action = HISTORY_ACTIONS[r.action as keyof typeof HISTORY_ACTIONS]
    return {
      markId: Number(r.entity_id), at: r.at, action,
      by: r.last_name === null ? '' : shortName({ last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' }),
      oldValue: str(before, 'value') || null,
      newValue: (action === 'request' ? str(after, 'requested') : str(after, 'value')) || null,
      explanation: action === 'set' ? str(after, 'proposed') : str(after, 'explanation'),
      orderNumber: str(after, 'orderNumber'), note: str(after, 'note'), requestedBy: str(after, 'requestedBy'),
    }
  })
}

// ---------------------------------------------------------------------------------------------------------
// For the diary (issue 4) and the summary sheet (issue 5)

export interface StudentFinalMark {
  subjectId: number
  subject: string
  kind: FinalKind
  periodId: number | null
  periodNumber: number | null
  scheme: string | null
  value: FinalValue
  setAt: string
}

/** A student's final marks of a year, as soon as they are set (R-FIN-5), in subject order then column order. */
export async function finalMarksOfStudent(db: Q, studentId: number, yearId: number): Promise<StudentFinalMark[]> {
  const order = { period: 0, attestation: 1, year: 2, exam: 3, final: 4 } as const
  const rows = await db.selectFrom('final_marks as f').innerJoin('subjects as s', 's.id', 'f.subject_id').leftJoin('periods as p', 'p.id', 'f.period_id')
    .select(['f.subject_id', 's.name', 's.sort_order', 'f.kind', 'f.period_id', 'p.number', 'p.scheme', 'f.value', 'f.set_at'])
    .where('f.student_id', '=', studentId).where('f.year_id', '=', yearId).execute()
  return rows
    .sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name, 'ru') || order[a.kind] - order[b.kind] || (a.number ?? 0) - (b.number ?? 0))
    .map((r) => ({
      subjectId: r.subject_id, subject: r.name, kind: r.kind, periodId: r.period_id, periodNumber: r.number, scheme: r.scheme,
      value: r.value as FinalValue, setAt: r.set_at,
    }))
}

// ---------------------------------------------------------------------------------------------------------
// The list of pages

export interface PageLink { href: string; subject: string; label: string; classId: number | null; subjectOrder: number }

/** The pages of these classes (their curriculum and workload subjects, and their groups). */
export async function pagesOfClasses(db: Q, classIds: number[]): Promise<PageLink[]> {
  if (!classIds.length) return []
  const fromCurriculum = await db.selectFrom('curriculum as x').innerJoin('classes as c', 'c.id', 'x.class_id')
    .innerJoin('subjects as s', 's.id', 'x.subject_id')
    .select(['c.id', 'c.grade', 'c.letter', 's.id as subject_id', 's.name', 's.sort_order'])
    .where('c.id', 'in', classIds).execute()
  const fromWorkload = await db.selectFrom('workload as x').innerJoin('classes as c', 'c.id', 'x.class_id')
    .innerJoin('subjects as s', 's.id', 'x.subject_id')
    .select(['c.id', 'c.grade', 'c.letter', 's.id as subject_id', 's.name', 's.sort_order'])
    .where('c.id', 'in', classIds).execute()
  // A subject taught by a workload row may be missing from the curriculum, and the other way round.
  const seen = new Set<string>()
  const subjects = [...fromCurriculum, ...fromWorkload].filter((r) => {
    const k = `${r.id}:${r.subject_id}`
    return seen.has(k) ? false : (seen.add(k), true)
  })
  const groups = await db.selectFrom('groups as g').innerJoin('classes as c', 'c.id', 'g.class_id').innerJoin('subjects as s', 's.id', 'g.subject_id')
    .select(['g.id', 'g.name', 'g.class_id', 'c.grade', 'c.letter', 's.name as subject', 's.sort_order']).where('g.class_id', 'in', classIds).execute()
  return [
    ...subjects.map((r) => ({ href: `/finals/class/${r.id}/${r.subject_id}`, subject: r.name, label: classLabel(r.grade, r.letter), classId: r.id, subjectOrder: r.sort_order })),
    ...groups.map((g) => ({ href: `/finals/group/${g.id}`, subject: g.subject, label: `${classLabel(g.grade, g.letter)}, ${g.name}`, classId: g.class_id, subjectOrder: g.sort_order })),
  ]
}

/** Cross-class groups of a year (they belong to no class: the administration reaches them from here). */
export async function crossGroups(db: Q, yearId: number): Promise<PageLink[]> {
  const rows = await db.selectFrom('groups as g').innerJoin('subjects as s', 's.id', 'g.subject_id')
    .select(['g.id', 'g.name', 'g.grade', 's.name as subject', 's.sort_order'])
    .where('g.year_id', '=', yearId).where('g.class_id', 'is', null).execute()
  return rows.map((g) => ({ href: `/finals/group/${g.id}`, subject: g.subject, label: g.name, classId: null, subjectOrder: g.sort_order }))
}
