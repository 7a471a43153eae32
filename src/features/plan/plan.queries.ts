// Queries of the КТП area: plans by subject and grade, their topics and the lessons that took them, the
// writes (each in one transaction with its audit record) and the plan's progress on a journal page (R-J-3).
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { fmtDate, localDate } from '../../lib/dates.js'
import { t } from '../../i18n/index.js'
import { assertYearWritable, classLabel, workloadRows } from '../school/school.queries.js'
import type { Target } from '../journal/journal.access.js'
import {
  closeGaps, closeUpAfter, insertAt, moveTo, planImport, progressOf, validatePlanRows,
  type Change, type ExistingTopic, type ImportMode, type PlanTopic, type Progress, type RawPlanRow,
} from './plan.rules.js'

type Q = DB | Transaction<Database>

/** A plan is the topics of one subject in one grade in one year. */
export interface PlanRef { yearId: number; subjectId: number; grade: number }
export interface TopicValue { number: number; title: string; hours: number }

// ---------------------------------------------------------------------------------------------------------
// Choosing a plan

export async function subjectOptions(db: Q) {
  return db.selectFrom('subjects').select(['id', 'name']).orderBy('sort_order').orderBy('name').execute()
}

export async function subjectName(db: Q, id: number): Promise<string | null> {
  return (await db.selectFrom('subjects').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null
}

/** The subjects and grades a teacher teaches this year (their workload: a class's grade, or a group's). */
export async function teacherPlans(db: Q, personId: number, yearId: number): Promise<{ subjectId: number; subject: string; grade: number }[]> {
  const rows = await db.selectFrom('workload as w')
    .innerJoin('subjects as s', 's.id', 'w.subject_id')
    .leftJoin('classes as c', 'c.id', 'w.class_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(['w.subject_id as subjectId', 's.name as subject', 's.sort_order', sql<number>`coalesce(c.grade, g.grade)`.as('grade')])
    .where('w.teacher_id', '=', personId)
    .where(sql<number>`coalesce(c.year_id, g.year_id)`, '=', yearId)
    .distinct()
    .orderBy('s.sort_order').orderBy('s.name').orderBy('grade')
    .execute()
  return rows.map((r) => ({ subjectId: r.subjectId, subject: r.subject, grade: Number(r.grade) }))
}

export async function teaches(db: Q, personId: number, plan: PlanRef): Promise<boolean> {
  return (await teacherPlans(db, personId, plan.yearId)).some((p) => p.subjectId === plan.subjectId && p.grade === plan.grade)
}

/** Every plan of the year that has topics, with its size. */
export async function plansOfYear(db: Q, yearId: number) {
  const rows = await db.selectFrom('plan_topics as p')
    .innerJoin('subjects as s', 's.id', 'p.subject_id')
    .select(['p.subject_id as subjectId', 's.name as subject', 'p.grade',
      (eb) => eb.fn.countAll<number>().as('topics'), (eb) => eb.fn.sum<number>('p.hours').as('hours')])
    .where('p.year_id', '=', yearId)
    .groupBy(['p.subject_id', 'p.grade', 's.name', 's.sort_order'])
    .orderBy('s.sort_order').orderBy('s.name').orderBy('p.grade')
    .execute()
  return rows.map((r) => ({ ...r, topics: Number(r.topics), hours: Number(r.hours) }))
}

// ---------------------------------------------------------------------------------------------------------
// Topics

export type TopicRow = ExistingTopic

/** How a lesson is named in a refusal: «12.11.2026, 5А, 3-й урок». */
function lessonText(l: { date: string; lesson_number: number; grade: number | null; letter: string | null; group_name: string | null }): string {
  const page = l.group_name ?? (l.grade !== null && l.letter !== null ? classLabel(l.grade, l.letter) : '')
  return t('plan.lessonLabel', { date: fmtDate(l.date), page, n: l.lesson_number })
}

const SHOWN_LESSONS = 3

/** The lessons that took a topic, named for people; at most a few, then «и ещё N». */
async function usedInText(db: Q, topicId: number, used: number): Promise<string> {
  if (!used) return ''
  const rows = await db.selectFrom('lessons as l')
    .leftJoin('classes as c', 'c.id', 'l.class_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .select(['l.date', 'l.lesson_number', 'c.grade', 'c.letter', 'g.name as group_name'])
    .where('l.plan_topic_id', '=', topicId)
    .orderBy('l.date').orderBy('l.lesson_number').limit(SHOWN_LESSONS).execute()
  const text = rows.map(lessonText).join('; ')
  return used > SHOWN_LESSONS ? `${text} ${t('plan.inUseMore', { n: used - SHOWN_LESSONS })}` : text
}

/** The plan's topics in order, each with the number of lessons that took it and (if any) which. */
export async function topicsOf(db: Q, plan: PlanRef): Promise<TopicRow[]> {
  const rows = await db.selectFrom('plan_topics as p')
    .select(['p.id', 'p.number', 'p.title', 'p.hours',
      sql<number>`(select count(*) from lessons l where l.plan_topic_id = p.id)`.as('used')])
    .where('p.year_id', '=', plan.yearId).where('p.subject_id', '=', plan.subjectId).where('p.grade', '=', plan.grade)
    .orderBy('p.number').execute()
  const out: TopicRow[] = []
  for (const r of rows) {
    const used = Number(r.used)
    out.push({ ...r, used, usedIn: await usedInText(db, r.id, used) })
  }
  return out
}

export async function getTopic(db: Q, id: number) {
  const r = await db.selectFrom('plan_topics').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) return null
  return { ...r, plan: { yearId: r.year_id, subjectId: r.subject_id, grade: r.grade } as PlanRef }
}

export async function topicUse(db: Q, id: number): Promise<{ used: number; usedIn: string }> {
  const r = await db.selectFrom('lessons').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_topic_id', '=', id).executeTakeFirstOrThrow()
  const used = Number(r.n)
  return { used, usedIn: await usedInText(db, id, used) }
}

async function numbered(trx: Q, plan: PlanRef) {
  return trx.selectFrom('plan_topics').select(['id', 'number'])
    .where('year_id', '=', plan.yearId).where('subject_id', '=', plan.subjectId).where('grade', '=', plan.grade).execute()
}

/**
 * Applies new numbers in two steps: first to their negatives, then back, so that the unique (plan, number)
 * never sees two topics with one number half-way through.
 */
async function renumber(trx: Transaction<Database>, changes: Change[]): Promise<void> {
  if (!changes.length) return
  for (const c of changes) await trx.updateTable('plan_topics').set({ number: -c.to }).where('id', '=', c.id).execute()
  await trx.updateTable('plan_topics').set((eb) => ({ number: eb.neg(eb.ref('number')) }))
    .where('id', 'in', changes.map((c) => c.id)).where('number', '<', 0).execute()
}

const planAudit = (plan: PlanRef) => ({ year_id: plan.yearId, subject_id: plan.subjectId, grade: plan.grade })

export async function createTopic(db: DB, actor: Actor, plan: PlanRef, v: TopicValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, plan.yearId)
    const shifted = insertAt(await numbered(trx, plan), v.number)
    await renumber(trx, shifted)
    const { id } = await trx.insertInto('plan_topics').values({ year_id: plan.yearId, subject_id: plan.subjectId, grade: plan.grade, ...v })
      .returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'plan.topic.create', entity: 'plan_topic', entityId: id, after: { ...planAudit(plan), ...v, shifted: shifted.length } })
    return id
  })
}

export async function updateTopic(db: DB, actor: Actor, id: number, v: TopicValue): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await getTopic(trx, id)
    if (!before) return false
    await assertYearWritable(trx, before.year_id)
    const moves = moveTo(await numbered(trx, before.plan), id, v.number)
    await renumber(trx, moves)
    await trx.updateTable('plan_topics').set({ title: v.title, hours: v.hours }).where('id', '=', id).execute()
    await audit(trx, actor, {
      action: 'plan.topic.update', entity: 'plan_topic', entityId: id,
      before: { number: before.number, title: before.title, hours: before.hours }, after: { ...v, shifted: Math.max(0, moves.length - 1) },
    })
    return true
  })
}

export type RemoveResult = { ok: true; title: string } | { ok: false; used: number; usedIn: string } | { ok: false; used: 0; gone: true }

/** Removes a topic no lesson took (checked again inside the transaction) and closes the gap it leaves. */
export async function removeTopic(db: DB, actor: Actor, id: number): Promise<RemoveResult> {
  return db.transaction().execute(async (trx): Promise<RemoveResult> => {
    const topic = await getTopic(trx, id)
    if (!topic) return { ok: false, used: 0, gone: true }
    await assertYearWritable(trx, topic.year_id)
    const use = await topicUse(trx, id)
    if (use.used) return { ok: false, ...use }
    const later = closeUpAfter(await numbered(trx, topic.plan), id)
    await trx.deleteFrom('plan_topics').where('id', '=', id).execute()
    await renumber(trx, later)
    await audit(trx, actor, {
      action: 'plan.topic.delete', entity: 'plan_topic', entityId: id,
      before: { ...planAudit(topic.plan), number: topic.number, title: topic.title, hours: topic.hours }, after: { shifted: later.length },
    })
    return { ok: true, title: topic.title }
  })
}

export async function renumberPlan(db: DB, actor: Actor, plan: PlanRef): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, plan.yearId)
    const topics = await numbered(trx, plan)
    const changes = closeGaps(topics)
    if (!changes.length) return 0
    await renumber(trx, changes)
    const from = new Map(topics.map((x) => [x.id, x.number]))
    await audit(trx, actor, {
      action: 'plan.renumber', entity: 'plan', entityId: `${plan.yearId}:${plan.subjectId}:${plan.grade}`,
      before: { ...planAudit(plan), numbers: changes.map((c) => from.get(c.id)) }, after: { numbers: changes.map((c) => c.to) },
    })
    return changes.length
  })
}

export type ImportResult =
  | { ok: true; added: number; updated: number; removed: number }
  | { ok: false; changed: true }

/**
 * Writes a previewed import in one transaction. The rows are checked again against the plan as it is now:
 * if anything would differ from what the user confirmed (new errors, a topic now taken by a lesson), nothing
 * is written and the user looks again.
 */
export async function applyImport(db: DB, actor: Actor, plan: PlanRef, raws: { line: number; raw: RawPlanRow }[], mode: ImportMode, fileName: string): Promise<ImportResult> {
  return db.transaction().execute(async (trx): Promise<ImportResult> => {
    await assertYearWritable(trx, plan.yearId)
    const existing = await topicsOf(trx, plan)
    const rows = validatePlanRows(raws, existing, mode)
    const todo = planImport(rows, existing, mode)
    if (!rows.length || rows.some((r) => r.errors.length) || todo.blocked.length) return { ok: false, changed: true }
    if (todo.deletes.length) await trx.deleteFrom('plan_topics').where('id', 'in', todo.deletes.map((x) => x.id)).execute()
    for (const u of todo.updates) await trx.updateTable('plan_topics').set({ title: u.title, hours: u.hours }).where('id', '=', u.id).execute()
    if (todo.inserts.length) {
      await trx.insertInto('plan_topics').values(todo.inserts.map((x) => ({ year_id: plan.yearId, subject_id: plan.subjectId, grade: plan.grade, ...x }))).execute()
    }
    await audit(trx, actor, {
      action: 'plan.import', entity: 'plan', entityId: `${plan.yearId}:${plan.subjectId}:${plan.grade}`,
      before: { ...planAudit(plan), topics: existing.map((x) => ({ number: x.number, title: x.title, hours: x.hours })) },
      after: { file: fileName, mode, added: todo.inserts, updated: todo.updates.map(({ number, title, hours }) => ({ number, title, hours })), removed: todo.deletes.map((x) => x.number) },
    })
    return { ok: true, added: todo.inserts.length, updated: todo.updates.length, removed: todo.deletes.length }
  })
}

// ---------------------------------------------------------------------------------------------------------
// Progress (R-J-3; reports reuse planProgress, R-REP-5)

/** The grade of a page: its class's, or its group's. */
export async function gradeOfTarget(db: Q, target: Target): Promise<number | null> {
  if (target.classId !== null) {
    return (await db.selectFrom('classes').select('grade').where('id', '=', target.classId).executeTakeFirst())?.grade ?? null
  }
  return (await db.selectFrom('groups').select('grade').where('id', '=', target.groupId).executeTakeFirst())?.grade ?? null
}

/**
 * The КТП progress of one journal page (class or group × subject) in a year: topics planned, topics done
 * (distinct plan topics on the page's scheduled lessons held up to `today`), the next topic, and how many
 * topics the page is behind given the lessons held.
 */
export async function planProgress(db: Q, target: Target, subjectId: number, yearId: number, today: string = localDate(new Date())): Promise<Progress> {
  const grade = await gradeOfTarget(db, target)
  const topics: PlanTopic[] = grade === null ? [] : await db.selectFrom('plan_topics').select(['id', 'number', 'title', 'hours'])
    .where('year_id', '=', yearId).where('subject_id', '=', subjectId).where('grade', '=', grade).orderBy('number').execute()
  let lessons = db.selectFrom('lessons').select(['plan_topic_id', 'extracurricular'])
    .where('year_id', '=', yearId).where('subject_id', '=', subjectId).where('status', '=', 'scheduled').where('date', '<=', today)
  lessons = target.classId !== null ? lessons.where('class_id', '=', target.classId) : lessons.where('group_id', '=', target.groupId)
  const rows = await lessons.execute()
  const covered = new Set(rows.map((r) => r.plan_topic_id).filter((id): id is number => id !== null))
  return progressOf(topics, covered, rows.filter((r) => !r.extracurricular).length)
}

export interface ProgressPage {
  target: Target; subjectId: number; grade: number | null; subject: string; page: string; teachers: string[]; progress: Progress
}

/** Journal pages from workload rows (two teachers of one page make one page), each with its progress. */
async function withProgress(db: Q, rows: Awaited<ReturnType<typeof workloadRows>>, yearId: number, today: string): Promise<ProgressPage[]> {
  const pages = new Map<string, Omit<ProgressPage, 'progress'>>()
  for (const r of rows) {
    const key = `${r.class_id ?? ''}:${r.group_id ?? ''}:${r.subject_id}`
    const known = pages.get(key)
    if (known) { known.teachers.push(r.teacherName); continue }
    const target = (r.class_id !== null ? { classId: r.class_id, groupId: null } : { classId: null, groupId: r.group_id! }) as Target
    // A group's name usually starts with its subject («Английский язык, 1 гр.»): the subject is not said twice.
    const group = r.groupName === null ? null : r.groupName.startsWith(r.subject) ? r.groupName : `${r.subject}, ${r.groupName}`
    const page = group !== null ? `${group}${r.classLabel ? ` (${r.classLabel})` : ''}` : `${r.subject}, ${r.target}`
    pages.set(key, { target, subjectId: r.subject_id, grade: await gradeOfTarget(db, target), subject: r.subject, page, teachers: [r.teacherName] })
  }
  const out: ProgressPage[] = []
  for (const p of pages.values()) out.push({ ...p, progress: await planProgress(db, p.target, p.subjectId, yearId, today) })
  return out
}

/** The pages a teacher keeps this year. */
export async function teacherProgress(db: Q, personId: number, yearId: number, today: string): Promise<ProgressPage[]> {
  return withProgress(db, await workloadRows(db, { yearId, teacherId: personId }), yearId, today)
}

/** Every page of a class (its own and its groups'), whoever teaches it. */
export async function classProgress(db: Q, classId: number, yearId: number, today: string): Promise<ProgressPage[]> {
  const rows = await workloadRows(db, { yearId, classId })
  return (await withProgress(db, rows, yearId, today)).sort((a, b) => a.page.localeCompare(b.page, 'ru'))
}
