// The journal's work between routes and queries: building the start page, the journal page and the lesson
// form, and saving a lesson entry in one transaction after every rule has had its say (R-J-1,2,4..8).
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { addDays, fmtDate, localDate, nowIso } from '../../lib/dates.js'
import { t } from '../../i18n/index.js'
import { journalSettings } from '../../lib/school-settings.js'
import { hasAccess } from '../../plugins/auth.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { weightedMean } from '../finals/finals.rules.js'
import { assertYearWritable, classesOfYear, currentYear, periodsForGrade } from '../school/school.queries.js'
import { lessonAccess, pageAccess, pagesOfTeacher, readsEverything, type Target } from './journal.access.js'
import { pageRoster, enrolledOn } from './journal.roster.js'
import { cellName, individualName, parseLessonForm } from './journal.form.js'
import { toId } from '../../lib/forms.js'
import type { Scope } from '../../lib/page-cache.js'
import * as q from './journal.queries.js'
import {
  checkCells, choosePeriod, entryFrom, formatEntry, isFirstAfterHolidays, lastEntryDate, lessonsWithoutMark, missedInRow, nextPlanTopic, parseDeadline,
  EMPTY_ENTRY, MAX_LESSONS_WITHOUT_MARK, MIN_MARKS_SHARE, type CellProblem, type ColumnFacts, type Entry, type Warning,
} from './journal.rules.js'

/** "Today" of the school: every route reads it here, and rules take it as a parameter. */
export function today(): string {
  return localDate(new Date())
}

export class NotFoundError extends Error {}
export class ForbiddenError extends Error {}

const canSeeHistory = (user: CurrentUser) => readsEverything(user)

// ---------------------------------------------------------------------------------------------- start page

const RECENT_DAYS = 7

export async function journalHome(db: DB, user: CurrentUser, day: string, pickedClass: number | null) {
  const year = await currentYear(db, day)
  const isTeacher = hasAccess(user, 'teacher')
  const recent = isTeacher ? await q.lessonsOfTeacher(db, user.personId, addDays(day, -RECENT_DAYS), day) : []
  const todayLessons = recent.filter((l) => l.date === day)
  // Lessons of the past week still without a topic: the ones the teacher would otherwise forget (R-J-7).
  const unfilled = recent.filter((l) => l.date < day && !l.hasTopic && l.givenAway === null)
  const myPages = isTeacher && year ? (await pagesOfTeacher(db, user.personId, year.id)).map((p) => ({
    href: p.group_id !== null ? `/journal/group/${p.group_id}` : `/journal/class/${p.class_id}/${p.subject_id}`,
    subject: p.subject,
    target: p.group_id !== null ? (p.group_grade !== null ? `${p.group_grade}${p.group_letter}, ${p.group_name}` : p.group_name) : `${p.grade}${p.letter}`,
  })) : []
  const classes = year ? await classesOfYear(db, year.id) : []
  const ownClasses = classes.filter((c) => user.classTeacherOf.includes(c.id))
  const classPages = []
  for (const c of ownClasses) classPages.push({ label: c.label, id: c.id, pages: await q.pagesOfClass(db, c.id) })
  const everything = readsEverything(user)
  const picked = everything && pickedClass ? classes.find((c) => c.id === pickedClass) ?? null : null
  return {
    year, todayLessons, unfilled, recentDays: RECENT_DAYS, myPages, classPages, isTeacher,
    picker: everything ? { classes, picked, pages: picked ? await q.pagesOfClass(db, picked.id) : [] } : null,
  }
}

// ---------------------------------------------------------------------------------------------- journal page

/** The data versions a journal page is built from: its class's (a cross-class group's are the school's) and the school's. */
export async function pageScopes(db: DB, target: Target): Promise<Scope[]> {
  const classId = target.classId ?? await q.classOfGroup(db, target.groupId!)
  return classId === null ? ['school'] : ['school', `class:${classId}`]
}

/** Lessons after today that the page shows unless the whole period is asked for. */
const FUTURE_SHOWN = 5

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function shortDate(iso: string): string {
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}`
}

/**
 * Everything the journal page shows, with one query per kind of data whatever the number of students and
 * lessons: page, access, periods, lessons, columns, kinds, marks, absences, roster (and history when asked).
 */
export async function journalPage(db: DB, user: CurrentUser, target: Target, subjectId: number | null, askedPeriod: number | null, day: string,
  want: { history: boolean; allLessons: boolean }) {
  const info = await q.pageInfo(db, target, subjectId)
  if (!info) throw new NotFoundError()
  const access = await pageAccess(db, user, { target, subjectId: info.subjectId })
  if (!access) throw new ForbiddenError()
  const periods = await periodsForGrade(db, info.yearId, info.grade)
  const period = choosePeriod(periods, askedPeriod, day)
  const from = period?.starts_on ?? info.year.starts_on
  const to = period?.ends_on ?? info.year.ends_on
  const periodLessons = await q.lessonsOfPage(db, target, info.subjectId, from, to)
  // On screen the page ends a few lessons after today: the rest of the period is empty and would push the
  // means off a 1280-wide screen. The whole period is one link away (and is what a finished period shows).
  const upcoming = periodLessons.filter((l) => l.date > day)
  const lessons = want.allLessons ? periodLessons : [...periodLessons.filter((l) => l.date <= day), ...upcoming.slice(0, FUTURE_SHOWN)]
  const hiddenLessons = periodLessons.length - lessons.length
  const ids = lessons.map((l) => l.id)
  const [columns, kinds, marks, absences, roster] = [await q.columnsOf(db, ids), await q.workKinds(db), await q.marksOf(db, ids),
    await q.absencesOf(db, ids), await pageRoster(db, target, from, to)]
  const showHistory = want.history && canSeeHistory(user)
  const history = showHistory ? await q.historyOf(db, ids) : []

  const kindById = new Map(kinds.map((k) => [k.id, k]))
  const colsOf = new Map<number, { column: number; kindId: number }[]>()
  for (const c of columns) push(colsOf, c.lesson_id, { column: c.column_no, kindId: c.work_kind_id })
  // Per lesson, per student: a page has about 1,300 cells, so no string keys are built for them.
  const byLesson = <V>() => new Map<number, Map<number, V>>()
  const at = <V>(m: Map<number, Map<number, V>>, lessonId: number) => {
    let inner = m.get(lessonId)
    if (!inner) m.set(lessonId, inner = new Map())
    return inner
  }
  const cellMarks = byLesson<{ column: number; value: string }[]>()
  for (const m of marks) {
    const cells = at(cellMarks, m.lesson_id)
    const list = cells.get(m.student_id)
    if (list) list.push({ column: m.column_no, value: m.value })
    else cells.set(m.student_id, [{ column: m.column_no, value: m.value }])
  }
  const absent = byLesson<true>()
  for (const a of absences) at(absent, a.lesson_id).set(a.student_id, true)
  const changed = byLesson<true>()
  for (const h of history) at(changed, h.lessonId).set(h.studentId, true)

  const columnHeads = lessons.map((l) => ({
    ...l,
    day: l.date.slice(8, 10),
    short: shortDate(l.date),
    held: l.date <= day,
    kinds: (colsOf.get(l.id) ?? []).map((c) => kindById.get(c.kindId)?.short_name ?? '?'),
  }))
  // Month header cells: consecutive lessons of one month share a cell, as on the paper page.
  const months: { label: string; span: number }[] = []
  for (const l of lessons) {
    const label = t(`journal.months.m${Number(l.date.slice(5, 7))}`)
    if (months.length && months[months.length - 1].label === label) months[months.length - 1].span++
    else months.push({ label, span: 1 })
  }

  // Each lesson's column weights, looked up once per lesson rather than once per mark.
  const NONE = new Map<number, true>()
  const columnsOfLesson = lessons.map((l) => ({
    lesson: l, held: l.date <= day,
    marks: cellMarks.get(l.id), absent: absent.get(l.id) ?? NONE, changed: changed.get(l.id) ?? NONE,
    weight: new Map((colsOf.get(l.id) ?? []).map((c) => [c.column, kindById.get(c.kindId)?.weight ?? 1])),
  }))
  // Whose name is greyed: those not on the page on today's date (or the period's last day, for a past period).
  const refDate = day < from ? from : day > to ? to : day
  let markCount = 0
  let studentLessons = 0
  const rows = roster.map((s, i) => {
    const flags: boolean[] = []
    const weighted: { value: string; weight: number }[] = []
    let count = 0
    const cells = columnsOfLesson.map((col) => {
      const l = col.lesson
      const isChanged = col.changed.has(s.studentId)
      const anchor = isChanged ? `${l.id}:${s.studentId}` : ''
      if (!enrolledOn(s, l.date)) return { enrolled: false, text: '', absent: false, changed: false, anchor }
      const ms = col.marks?.get(s.studentId) ?? []
      for (const m of ms) weighted.push({ value: m.value, weight: col.weight.get(m.column) ?? 1 })
      count += ms.length
      if (col.held) flags.push(ms.length > 0)
      const isAbsent = col.absent.has(s.studentId)
      return { enrolled: true, text: isAbsent || ms.length ? formatEntry(entryFrom(isAbsent, ms)) : '', absent: isAbsent, changed: isChanged, anchor }
    })
    markCount += count
    studentLessons += flags.length
    const mean = weightedMean(weighted)
    return {
      n: i + 1, studentId: s.studentId, name: `${s.lastName} ${s.firstName}`,
      left: !enrolledOn(s, refDate),
      peUntil: info.isPe && s.peExemptUntil !== null && s.peExemptUntil >= from ? s.peExemptUntil : null,
      cells, mean: mean === null ? '' : mean.toFixed(2).replace('.', ','), count, since: lessonsWithoutMark(flags),
    }
  })
  const longest = Math.max(0, ...rows.map((r) => r.since))
  const share = studentLessons ? markCount / studentLessons : null
  const studentsById = new Map(roster.map((s) => [s.studentId, `${s.lastName} ${s.firstName}`]))
  const lessonById = new Map(lessons.map((l) => [l.id, l]))

  const usedIds = new Set(columns.map((c) => c.work_kind_id))
  const usedKinds = kinds.filter((k) => usedIds.has(k.id))
  return {
    info, access, periods, period, lessons: columnHeads, months, rows,
    kindLegend: usedKinds.map((k) => `${k.short_name} — ${k.name.toLowerCase()}`).join(', '),
    stale: { limit: MAX_LESSONS_WITHOUT_MARK, longest, names: longest >= MAX_LESSONS_WITHOUT_MARK ? rows.filter((r) => r.since === longest).map((r) => r.name) : [] },
    share: share === null ? null : { percent: Math.round(share * 100), marks: markCount, lessons: studentLessons, ok: share >= MIN_MARKS_SHARE, min: Math.round(MIN_MARKS_SHARE * 100) },
    canHistory: canSeeHistory(user), showHistory, hiddenLessons, allLessons: want.allLessons && upcoming.length > FUTURE_SHOWN,
    history: history.map((h) => ({ ...h, anchor: `${h.lessonId}:${h.studentId}`, student: studentsById.get(h.studentId) ?? '', date: lessonById.get(h.lessonId)?.date ?? '' })),
    pageHref: target.classId !== null ? `/journal/class/${target.classId}/${info.subjectId}` : `/journal/group/${target.groupId}`,
  }
}

// ---------------------------------------------------------------------------------------------- lesson form

/** Refuses, before anything is read from the form, a user who may not write this lesson. */
export async function assertCanEdit(db: DB, user: CurrentUser, lessonId: number): Promise<void> {
  const found = await lessonAccess(db, user, lessonId)
  if (!found) throw new NotFoundError()
  if (found.access !== 'edit') throw new ForbiddenError()
}

type LessonRow = NonNullable<Awaited<ReturnType<typeof q.lessonRow>>>

/** The lesson and who may do what with it; refuses a lesson outside the user's reach. */
export async function openLesson(db: DB, user: CurrentUser, lessonId: number) {
  const found = await lessonAccess(db, user, lessonId)
  if (!found) throw new NotFoundError()
  if (!found.access) throw new ForbiddenError()
  const lesson = (await q.lessonRow(db, lessonId))!
  const info = (await q.pageInfo(db, found.lesson.target, found.lesson.subjectId))!
  return { access: found.access, lesson, info, target: found.lesson.target }
}

/** Everything stored for a lesson that the form needs, read in one go (also inside the save transaction). */
async function lessonState(db: DB, o: { lesson: LessonRow; info: q.PageInfo; target: Target }, day: string) {
  const { lesson, info, target } = o
  const [roster, columns, kinds, marks, absences, individual, topics, uses, near, holidays, settings, approvals] = [
    await pageRoster(db, target, lesson.date, lesson.date), await q.columnsOf(db, [lesson.id]), await q.workKinds(db),
    await q.marksOf(db, [lesson.id]), await q.absencesOf(db, [lesson.id]), await q.individualHomeworkOf(db, lesson.id),
    await q.planTopics(db, lesson.year_id, info.subjectId, info.grade),
    await q.planTopicUses(db, target, info.subjectId, lesson.year_id, lesson.id),
    await q.neighbours(db, target, info.subjectId, lesson, 10), await q.holidaysForGrade(db, lesson.year_id, info.grade),
    await journalSettings(db), await q.approvalsOfLesson(db, lesson.id),
  ]
  const earlier = near.before.map((b) => b.id)
  const absentBefore = await q.absencesOf(db, earlier)
  const absentSet = new Set(absentBefore.map((a) => `${a.lesson_id}:${a.student_id}`))
  const students = roster.filter((s) => enrolledOn(s, lesson.date))
  const absentNow = new Set(absences.map((a) => a.student_id))
  const marksOfStudent = new Map<number, { column: number; value: string }[]>()
  for (const m of marks) push(marksOfStudent, m.student_id, { column: m.column_no, value: m.value })
  const entries = new Map<number, Entry>(students.map((s) => [s.studentId, entryFrom(absentNow.has(s.studentId), marksOfStudent.get(s.studentId) ?? [])]))
  const missed = new Map(students.map((s) => [s.studentId, missedInRow([...earlier].reverse().map((id) => absentSet.has(`${id}:${s.studentId}`)))]))
  return {
    students, entries, missed, kinds, topics, uses, holidays, settings, individual: new Map(individual.map((h) => [h.student_id, h.text])),
    columns: columns.map((c) => ({ column: c.column_no, kindId: c.work_kind_id })),
    reasons: new Map(absences.map((a) => [a.student_id, a.reason])),
    prevDate: near.before[0]?.date ?? null, nextDate: near.next?.date ?? null,
    active: approvals.find((a) => a.status === 'approved' && (a.valid_until === null || a.valid_until >= day)) ?? null,
    pending: approvals.find((a) => a.status === 'pending') ?? null,
  }
}
type LessonState = Awaited<ReturnType<typeof lessonState>>

/** The form's fields as stored, the way the form shows them again. */
function storedInput(o: { lesson: LessonRow }, st: LessonState, day: string): Record<string, string> {
  const l = o.lesson
  const plan = st.topics.find((p) => p.id === l.plan_topic_id)
  const input: Record<string, string> = {
    plan_topic: l.plan_topic_id ? String(l.plan_topic_id) : '',
    topic: plan && plan.title === l.topic ? '' : l.topic,
    homework: l.homework, distance_order: l.distance_order,
  }
  if (l.distance) input.distance = 'on'
  if (l.extracurricular) input.extracurricular = 'on'
  if (!l.topic && !l.plan_topic_id) {
    const next = nextPlanTopic(st.topics, st.uses)
    if (next) input.plan_topic = String(next)
  }
  for (const c of st.columns) input[`kind_${c.column}`] = String(c.kindId)
  // A lesson already given (or today's) that has no kind of work yet starts with the first kind: «5» just works.
  if (!st.columns.length && l.date <= day && st.kinds.length) input.kind_1 = String(st.kinds[0].id)
  for (const s of st.students) {
    input[cellName(s.studentId)] = formatEntry(st.entries.get(s.studentId) ?? EMPTY_ENTRY)
    input[individualName(s.studentId)] = st.individual.get(s.studentId) ?? ''
  }
  return input
}

/** The Russian message of a refused cell: which rule, and why. */
export function problemText(p: CellProblem, lessonDate: string): string {
  switch (p.rule) {
    case 'parse': return t(`journal.cell.${p.error}`)
    case 'future': return t('journal.cell.future', { date: fmtDate(lessonDate) })
    case 'late': return t('journal.cell.late', { kind: p.kindName, n: p.column, date: fmtDate(p.deadline) })
    case 'adaptation': return t('journal.cell.adaptation', { date: fmtDate(p.until) })
    case 'absence': return t(`journal.cell.${p.block}`, { date: fmtDate(p.until) })
    case 'extracurricularMarks': return t('journal.cell.extracurricularMarks')
  }
}

export interface FormExtras {
  input?: Record<string, string>
  errors?: Record<string, string>
  problems?: Map<number, CellProblem[]>
  warnings?: Map<number, Warning[]>
  notice?: string | null
}

export async function lessonFormModel(db: DB, user: CurrentUser, lessonId: number, day: string, extras: FormExtras = {}) {
  const o = await openLesson(db, user, lessonId)
  const st = await lessonState(db, o, day)
  return formModel(o, st, user, day, extras, canSeeHistory(user) ? await q.historyOf(db, [lessonId]) : [])
}

function formModel(o: Awaited<ReturnType<typeof openLesson>>, st: LessonState, user: CurrentUser, day: string, extras: FormExtras, history: Awaited<ReturnType<typeof q.historyOf>>) {
  const { lesson, info, access } = o
  const writable = access === 'edit' && lesson.status === 'scheduled' && lesson.yearStatus !== 'closed'
  const kindById = new Map(st.kinds.map((k) => [k.id, k]))
  const input = extras.input ?? storedInput(o, st, day)
  // The deadline of each column's kind as the form shows it now (stored, preselected or just chosen).
  const deadlines = [1, 2, 3].map((column) => {
    const k = kindById.get(toId(input[`kind_${column}`]) ?? 0)
    return { column, until: k ? lastEntryDate(lesson.date, parseDeadline(k.deadline), st.nextDate, st.settings.default_entry_days) : null }
  })
  const names = new Map(st.students.map((s) => [s.studentId, `${s.lastName} ${s.firstName}`]))
  return {
    lesson, info, access, writable,
    readOnlyReason: access !== 'edit' ? 'read' : lesson.status !== 'scheduled' ? lesson.status : lesson.yearStatus === 'closed' ? 'closed' : null,
    unmarked: info.grade === 1,
    future: lesson.date > day,
    kinds: st.kinds, topics: st.topics, deadlines,
    students: st.students.map((s, i) => ({
      n: i + 1, id: s.studentId, name: `${s.lastName} ${s.firstName} ${s.middleName}`.trim(),
      peUntil: info.isPe && s.peExemptUntil !== null && s.peExemptUntil >= lesson.date ? s.peExemptUntil : null,
      reason: st.reasons.get(s.studentId) ?? null,
      messages: (extras.problems?.get(s.studentId) ?? []).map((p) => problemText(p, lesson.date)),
      warnings: (extras.warnings?.get(s.studentId) ?? []).map((w) => t(`journal.warning.${w}`)),
    })),
    input,
    errors: extras.errors ?? {},
    problemRules: [...new Set([...(extras.problems?.values() ?? [])].flat().map((p) => p.rule))],
    hasWarnings: (extras.warnings?.size ?? 0) > 0,
    lateRefused: [...(extras.problems?.values() ?? [])].flat().some((p) => p.rule === 'late'),
    approval: { active: st.active, pending: st.pending },
    notice: extras.notice ?? null,
    history: history.map((h) => ({ ...h, student: names.get(h.studentId) ?? '' })),
    canHistory: canSeeHistory(user),
    pageHref: o.target.classId !== null ? `/journal/class/${o.target.classId}/${info.subjectId}` : `/journal/group/${o.target.groupId}`,
  }
}

// ---------------------------------------------------------------------------------------------- lesson save

export type SaveResult =
  | { ok: true; changed: boolean; lateUsed: boolean }
  | { ok: false; status: 400 | 200; model: Awaited<ReturnType<typeof lessonFormModel>> }

/**
 * Saves the whole lesson form in ONE transaction: reads the stored state, checks every rule, and either writes
 * everything (lesson row, columns, marks, absences, individual homework, one history row per changed cell, the
 * audit record) or nothing, returning the form with the refusals and the input kept.
 */
export async function saveLesson(db: DB, user: CurrentUser, actor: Actor, lessonId: number, body: unknown, input: Record<string, string>, day: string): Promise<SaveResult> {
  const o = await openLesson(db, user, lessonId)
  if (o.access !== 'edit') throw new ForbiddenError()
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, o.lesson.year_id)
    // Read again inside the transaction: the checks and the writes see the same state.
    const lesson = (await q.lessonRow(trx, lessonId))!
    if (lesson.status !== 'scheduled') throw new ForbiddenError()
    const st = await lessonState(trx, { ...o, lesson }, day)
    const render = async (status: 400 | 200, extras: FormExtras): Promise<SaveResult> =>
      ({ ok: false, status, model: formModel({ ...o, lesson }, st, user, day, { input, ...extras }, canSeeHistory(user) ? await q.historyOf(trx, [lessonId]) : []) })

    const parsed = parseLessonForm(body, {
      studentIds: st.students.map((s) => s.studentId), kindIds: new Set(st.kinds.map((k) => k.id)),
      planTopicIds: new Set(st.topics.map((p) => p.id)), unmarked: o.info.grade === 1,
    })
    if (!parsed.ok) return render(400, { errors: parsed.errors })
    const v = parsed.value

    const kindById = new Map(st.kinds.map((k) => [k.id, k]))
    const oldKinds = new Map(st.columns.map((c) => [c.column, c.kindId]))
    const colCount = Math.max(v.kinds.length, ...st.columns.map((c) => c.column))
    const columns: ColumnFacts[] = []
    for (let col = 1; col <= colCount; col++) {
      const kindId = v.kinds[col - 1] ?? oldKinds.get(col)
      const k = kindId !== undefined ? kindById.get(kindId) : undefined
      columns.push({
        kindName: k?.name ?? '',
        lastDate: k ? lastEntryDate(lesson.date, parseDeadline(k.deadline), st.nextDate, st.settings.default_entry_days) : lesson.date,
        kindChanged: oldKinds.get(col) !== v.kinds[col - 1],
        removed: col > v.kinds.length,
      })
    }
    const distance = v.distance
    const extracurricular = v.extracurricular
    const check = checkCells({
      today: day, date: lesson.date, grade: o.info.grade, isPe: o.info.isPe, distance, extracurricular,
      flagsChanged: distance !== (lesson.distance === 1) || extracurricular !== (lesson.extracurricular === 1),
      yearStart: lesson.yearStart, adaptationEnd: lesson.adaptation_ends_on,
      firstAfterHolidays: isFirstAfterHolidays(lesson.date, st.prevDate, st.holidays), hasApproval: st.active !== null,
    }, columns, st.students.map((s) => ({
      studentId: s.studentId, raw: v.cells.get(s.studentId) ?? '', old: st.entries.get(s.studentId) ?? EMPTY_ENTRY,
      peExemptUntil: s.peExemptUntil, missedBefore: st.missed.get(s.studentId) ?? 0,
    })))
    if (check.problems.size) return render(400, { problems: check.problems })
    if (check.warnings.size && !v.confirmWarnings) return render(200, { warnings: check.warnings })

    // The lesson row: topic from the КТП unless typed; entry times set when first entered or changed (R-J-7).
    const now = nowIso()
    const plan = st.topics.find((p) => p.id === v.planTopicId)
    const topic = v.topic || plan?.title || ''
    const update: q.LessonUpdate = {
      plan_topic_id: v.planTopicId, topic, homework: v.homework, distance: distance ? 1 : 0,
      distance_order: distance ? v.distanceOrder : '', extracurricular: extracurricular ? 1 : 0,
      topic_entered_at: topic === lesson.topic ? lesson.topic_entered_at : topic ? now : null,
      homework_entered_at: v.homework === lesson.homework ? lesson.homework_entered_at : v.homework ? now : null,
      entered_by: lesson.entered_by,
    }
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    for (const k of ['plan_topic_id', 'topic', 'homework', 'distance', 'distance_order', 'extracurricular'] as const) {
      if (update[k] !== lesson[k]) { before[k] = lesson[k]; after[k] = update[k] }
    }
    const columnWrites: { column: number; kindId: number | null }[] = []
    for (let col = 1; col <= colCount; col++) {
      const now = v.kinds[col - 1] ?? null
      if ((oldKinds.get(col) ?? null) !== now) {
        columnWrites.push({ column: col, kindId: now })
        before[`kind_${col}`] = oldKinds.get(col) ?? null
        after[`kind_${col}`] = now
      }
    }
    const individual: { studentId: number; text: string | null }[] = []
    for (const s of st.students) {
      const old = st.individual.get(s.studentId) ?? null
      const text = v.individual.get(s.studentId) || null
      if (old !== text) {
        individual.push({ studentId: s.studentId, text })
        before[`hw_${s.studentId}`] = old
        after[`hw_${s.studentId}`] = text
      }
    }
    const approvalId = check.usesApproval ? st.active!.id : null
    const reason = [v.reason, approvalId ? `разрешение № ${approvalId}` : ''].filter(Boolean).join('; ')
    const cellBefore: Record<string, string | null> = {}
    const cellAfter: Record<string, string | null> = {}
    for (const c of check.changes) {
      cellBefore[`${c.studentId}:${c.column}`] = c.oldValue
      cellAfter[`${c.studentId}:${c.column}`] = c.newValue
    }
    if (check.changes.length) { before.cells = cellBefore; after.cells = cellAfter }
    if (!Object.keys(after).length) return { ok: true, changed: false, lateUsed: false }

    update.entered_by = actor.personId
    await q.writeLessonEntry(trx, actor, lessonId, {
      lesson: update, columns: columnWrites, individual, now, useApprovalId: approvalId,
      marks: check.changes.filter((c) => c.column > 0).map((c) => ({ studentId: c.studentId, column: c.column, value: c.newValue, lateApprovalId: c.late ? approvalId : null })),
      absences: check.changes.filter((c) => c.column === 0).map((c) => ({ studentId: c.studentId, absent: c.newValue !== null })),
      history: check.changes.map((c) => ({ studentId: c.studentId, column: c.column, oldValue: c.oldValue, newValue: c.newValue, reason })),
    })
    await audit(trx, actor, { action: 'journal.lesson.save', entity: 'lesson', entityId: lessonId, before, after: approvalId ? { ...after, late_approval_id: approvalId } : after })
    return { ok: true, changed: true, lateUsed: approvalId !== null }
  })
}

// ---------------------------------------------------------------------------------------------- approvals

/** A teacher's request to enter marks after the deadline; refused when one is already waiting. */
export async function requestLate(db: DB, user: CurrentUser, actor: Actor, lessonId: number, reason: string): Promise<'sent' | 'pending'> {
  const o = await openLesson(db, user, lessonId)
  if (o.access !== 'edit' || o.lesson.status !== 'scheduled') throw new ForbiddenError()
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, o.lesson.year_id)
    return (await q.addLateRequest(trx, actor, lessonId, reason, nowIso())) === null ? 'pending' : 'sent'
  })
}

export async function approvalsPage(db: DB) {
  return { pending: await q.pendingApprovals(db), decided: await q.decidedApprovals(db, 30) }
}

/** The deputy's decision; an approval stays valid for the given number of days from today. */
export async function decide(db: DB, actor: Actor, id: number, decision: { approve: boolean; days: number }, day: string) {
  const a = await q.getApproval(db, id)
  if (!a) throw new NotFoundError()
  const validUntil = decision.approve ? addDays(day, decision.days) : null
  const done = await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, a.yearId)
    return q.decideApproval(trx, actor, id, { status: decision.approve ? 'approved' : 'refused', validUntil, now: nowIso() })
  })
  return { done, validUntil }
}
