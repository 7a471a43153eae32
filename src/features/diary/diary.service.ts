// The diary put together between routes and queries: whose diary a user may open, the week page, the period
// page (marks, forecasts by the finals' rules, final marks, control works, teachers, holidays) and the class
// teacher's acknowledgements page (R-D-1, R-D-2, R-ACC-2, R-FIN-5).
import type { DB } from '../../db/connection.js'
import type { AbsenceReason } from '../../db/types.js'
import { localDate } from '../../lib/dates.js'
import { journalSettings } from '../../lib/school-settings.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { finalMarksOfStudent, type StudentFinalMark } from '../finals/finals.queries.js'
import { finalWindow, windowState, type PeriodSummary } from '../finals/finals.rules.js'
import { familyOf, type ChildRow } from '../home/home.queries.js'
import { choosePeriod } from '../journal/journal.rules.js'
import { pageRoster } from '../journal/journal.roster.js'
import { announcementsForStudent } from '../messages/announcements.queries.js'
import { classesOfYear, currentYear, periodsForGrade } from '../school/school.queries.js'
import * as q from './diary.queries.js'
import type { DiaryMark, StudentCard } from './diary.queries.js'
import {
  accountState, classAverage, diaryAccess, familyState, mayAcknowledge, periodForecast, readsAllDiaries,
  type AccountState, type FamilyState,
} from './diary.rules.js'

/** "Today" of the school: every route reads it here, and the rest takes it as a parameter. */
export function today(): string {
  return localDate(new Date())
}

// ---------------------------------------------------------------------------------------------------------
// Whose diary

export interface DiaryCtx {
  card: StudentCard
  /** 'staff' reads are audited. */
  access: 'family' | 'staff'
  /** The viewer's children (or the student themself), for the switcher; empty for staff. */
  family: ChildRow[]
  canAcknowledge: boolean
}

/**
 * Opens a student's diary for a user: the family (the student, a linked parent) or staff in scope. Anything
 * else is 'notFound' for a family member and for ids that name no student, 'forbidden' for staff out of scope.
 */
export async function openDiary(db: DB, user: CurrentUser, studentId: number, day: string): Promise<DiaryCtx | 'notFound' | 'forbidden'> {
  const family = await familyOf(db, user.personId, day)
  const card = await q.studentCard(db, studentId, day)
  const access = diaryAccess(user, studentId, { family: family.map((c) => c.personId), studentClasses: card?.classIds ?? null })
  if (access === 'notFound' || access === 'forbidden' || !card) return access === 'forbidden' ? 'forbidden' : 'notFound'
  const children = user.roles.includes('parent') ? await q.childrenOf(db, user.personId) : []
  return { card, access, family: access === 'family' ? family : [], canAcknowledge: mayAcknowledge(user, studentId, children) }
}

/** The diary a family member opens at /diary: their own, or their first child's; null when none is linked. */
export async function defaultStudent(db: DB, user: CurrentUser, day: string): Promise<number | null> {
  const family = await familyOf(db, user.personId, day)
  return family[0]?.personId ?? null
}

// ---------------------------------------------------------------------------------------------------------
// The week

export async function weekPage(db: DB, ctx: DiaryCtx, viewerId: number, monday: string, day: string) {
  const [week, acks, announcements] = await Promise.all([
    q.diaryWeek(db, ctx.card.id, monday), q.acknowledgementsOf(db, ctx.card.id, monday), announcementsForStudent(db, ctx.card.id, day, 3),
  ])
  // An empty Saturday is left out: most schools keep a five-day week.
  const days = week.days.filter((d) => d.weekday < 6 || d.lessons.length > 0 || d.holiday !== null)
  const mine = acks.find((a) => a.personId === viewerId) ?? null
  return { week, days, acks, announcements, empty: week.days.every((d) => d.lessons.length === 0), mine }
}

// ---------------------------------------------------------------------------------------------------------
// The period

export interface SubjectLine {
  key: string
  subject: string
  group: string | null
  marks: DiaryMark[]
  /** Lessons held so far (scheduled, not «Внеурочное занятие», up to today) and absences among them. */
  held: number
  absences: number
  summary: PeriodSummary | null
  periodMark: StudentFinalMark | null
}

export interface ControlWork {
  date: string
  number: number
  subject: string
  group: string | null
  kind: string
  planned: boolean
  mark: string | null
  average: number | null
}

export interface FinalsTable {
  columns: { key: string; label: string }[]
  rows: { subject: string; values: Record<string, string> }[]
}

const KIND_ORDER = ['attestation', 'year', 'exam', 'final'] as const

function finalsTable(marks: StudentFinalMark[], periods: { id: number; number: number; scheme: string }[], label: (k: string, p?: { number: number; scheme: string }) => string): FinalsTable {
  const columns = [
    ...periods.map((p) => ({ key: `p${p.id}`, label: label('period', p) })),
    ...KIND_ORDER.filter((k) => marks.some((m) => m.kind === k)).map((k) => ({ key: k, label: label(k) })),
  ]
  const rows: FinalsTable['rows'] = []
  for (const m of marks) {
    let row = rows.find((r) => r.subject === m.subject)
    if (!row) rows.push(row = { subject: m.subject, values: {} })
    row.values[m.kind === 'period' ? `p${m.periodId}` : m.kind] = m.value
  }
  return { columns, rows }
}

/**
 * Everything the period page shows: the student's marks per subject with the weighted mean and the forecast
 * (the finals page's own proposal), the set final marks, the control works of the period (held and planned,
 * with the class average only where the school allows it), the teachers and the holidays.
 */
export async function periodPage(db: DB, ctx: DiaryCtx, askedPeriod: number | null, day: string,
  label: (k: string, p?: { number: number; scheme: string }) => string) {
  const { card } = ctx
  if (card.yearId === null || card.grade === null || card.classId === null) return null
  const yearId = card.yearId
  const periods = await periodsForGrade(db, yearId, card.grade)
  const period = choosePeriod(periods, askedPeriod, day)
  const settings = await journalSettings(db)
  const finals = await finalMarksOfStudent(db, card.id, yearId)
  const [holidays, teachers] = await Promise.all([
    q.holidaysForGrade(db, yearId, card.grade),
    q.teachersOf(db, card.classId, (await q.placements(db, card.id, day, day)).groups.map((g) => g.groupId)),
  ])
  const base = { periods, period, holidays, teachers, finals: finalsTable(finals, periods, label), showAverage: settings.show_class_average === 1, threshold: settings.rounding_threshold }
  if (!period) return { ...base, subjects: [] as SubjectLine[], controls: [] as ControlWork[], fewMarksShown: false, kinds: [] as string[] }

  const { lessons, place } = await q.periodLessons(db, card.id, period.starts_on, period.ends_on)
  const ids = lessons.map((l) => l.id)
  const [kinds, marks, absences, hours] = await Promise.all([
    q.columnKinds(db, ids), q.studentMarks(db, card.id, ids), q.studentAbsences(db, card.id, ids), q.curriculumHours(db, yearId, card.grade),
  ])
  const lessonById = new Map(lessons.map((l) => [l.id, l]))
  const absenceOf = new Map(absences.map((a) => [a.lesson_id, a.reason]))
  // Columns of the journal that count: scheduled lessons, not «Внеурочное занятие» (as on the finals page).
  const counts = (lessonId: number) => {
    const l = lessonById.get(lessonId)
    return l !== undefined && l.status === 'scheduled' && !l.extracurricular
  }
  const keyOf = (l: q.PeriodLesson) => (l.groupId !== null ? `g${l.groupId}` : `c${l.classId}:${l.subjectId}`)
  const groupClass = new Map(place.groups.map((g) => [g.groupId, g.classId]))
  // Weekly hours as the finals page counts them: the class's (a subgroup's class's) curriculum; a cross-class
  // group follows the largest of its grade; nothing recorded counts as 1 hour.
  const hoursOf = (l: q.PeriodLesson): number => {
    const classId = l.groupId !== null ? groupClass.get(l.groupId) ?? null : l.classId
    const own = classId !== null ? hours.find((h) => h.class_id === classId && h.subject_id === l.subjectId) : undefined
    if (own) return own.hours_per_week
    if (classId !== null) return 1
    return Math.max(0, ...hours.filter((h) => h.subject_id === l.subjectId).map((h) => h.hours_per_week)) || 1
  }

  const bySubject = new Map<string, { first: q.PeriodLesson; lessons: q.PeriodLesson[] }>()
  for (const l of lessons) {
    const k = keyOf(l)
    const e = bySubject.get(k)
    if (e) e.lessons.push(l)
    else bySubject.set(k, { first: l, lessons: [l] })
  }
  const subjects: SubjectLine[] = [...bySubject.entries()]
    .sort(([, a], [, b]) => a.first.sortOrder - b.first.sortOrder || a.first.subject.localeCompare(b.first.subject, 'ru') || (a.first.group ?? '').localeCompare(b.first.group ?? '', 'ru'))
    .map(([key, e]) => {
      const own = new Set(e.lessons.map((l) => l.id))
      const mine = marks.filter((m) => own.has(m.lessonId))
      const counted = e.lessons.filter((l) => counts(l.id))
      const held = counted.filter((l) => l.date <= day).length
      const reasons: (AbsenceReason | null)[] = counted.filter((l) => absenceOf.has(l.id)).map((l) => absenceOf.get(l.id) ?? null)
      const summary = periodForecast({
        marks: mine.filter((m) => counts(m.lessonId)).map((m) => ({ value: m.value, weight: m.weight })),
        held, absences: reasons, hoursPerWeek: hoursOf(e.first), threshold: settings.rounding_threshold,
      })
      return {
        key, subject: e.first.subject, group: e.first.group, marks: mine, held, absences: reasons.length, summary,
        periodMark: finals.find((f) => f.kind === 'period' && f.periodId === period.id && f.subjectId === e.first.subjectId) ?? null,
      }
    })

  // Control works: every control column of the period's scheduled lessons, held or planned.
  const control = kinds.filter((k) => k.is_control === 1 && lessonById.get(k.lesson_id)?.status === 'scheduled')
  const values = base.showAverage ? await q.columnValues(db, [...new Set(control.map((k) => k.lesson_id))]) : []
  const controls: ControlWork[] = control.map((k) => {
    const l = lessonById.get(k.lesson_id)!
    return {
      date: l.date, number: l.number, subject: l.subject, group: l.group, kind: k.name, planned: l.date > day,
      mark: marks.find((m) => m.lessonId === k.lesson_id && m.column === k.column_no)?.value ?? null,
      average: classAverage(values.filter((v) => v.lessonId === k.lesson_id && v.column === k.column_no).map((v) => v.value), base.showAverage),
    }
  }).sort((a, b) => a.date.localeCompare(b.date) || a.number - b.number)

  // «Too few marks to attest» only once the marks are being set: earlier in the period it would only alarm.
  const fewMarksShown = windowState(day, finalWindow(period.ends_on, settings.final_days_before, settings.final_days_after)) !== 'early'
  const usedKinds = new Map<string, string>()
  for (const m of marks) if (m.kindShort && m.kind) usedKinds.set(m.kindShort, m.kind)
  return { ...base, subjects, controls, fewMarksShown, kinds: [...usedKinds].map(([s, n]) => `${s} — ${n.toLowerCase()}`) }
}

// ---------------------------------------------------------------------------------------------------------
// Staff: the classes whose diaries they read, and the acknowledgements of a class

/** The classes a staff member picks a diary from: every class of the current year, or their own classes. */
export async function staffClasses(db: DB, user: CurrentUser, day: string) {
  const year = await currentYear(db, day)
  if (!year) return []
  const all = await classesOfYear(db, year.id)
  return readsAllDiaries(user) ? all : all.filter((c) => user.classTeacherOf.includes(c.id))
}

/** The students of a class on a day, for the staff list of diaries. */
export async function classStudents(db: DB, classId: number, day: string) {
  const rows = await pageRoster(db, { classId, groupId: null }, day, day)
  return rows.map((r) => ({ id: r.studentId, name: `${r.lastName} ${r.firstName}` }))
}

export interface AckParent { personId: number; name: string; relation: string; state: AccountState; lastLoginAt: string | null; acknowledgedAt: string | null }
export interface AckStudent { id: number; name: string; channel: string; parents: AckParent[]; state: FamilyState }

/** Per student of the class that week: each parent's confirmation and account, and the family's state. */
export async function acknowledgementsPage(db: DB, classId: number, monday: string, saturday: string) {
  const roster = await pageRoster(db, { classId, groupId: null }, monday, saturday)
  const ids = roster.map((r) => r.studentId)
  const [parents, acks, channels] = await Promise.all([q.parentsOfStudents(db, ids), q.weekAcknowledgements(db, ids, monday), q.channelsOf(db, ids)])
  const students: AckStudent[] = roster.map((r) => {
    const facts = parents.filter((p) => p.studentId === r.studentId).map((p) => ({
      personId: p.personId, name: p.name, relation: p.relation, hasAccount: p.login !== null, disabled: p.disabled, lastLoginAt: p.lastLoginAt,
      acknowledgedAt: acks.find((a) => a.student_id === r.studentId && a.person_id === p.personId)?.at ?? null,
    }))
    const ps = facts.map((p): AckParent => ({
      personId: p.personId, name: p.name, relation: p.relation, state: accountState(p), lastLoginAt: p.lastLoginAt, acknowledgedAt: p.acknowledgedAt,
    }))
    const state = familyState(facts)
    return { id: r.studentId, name: `${r.lastName} ${r.firstName}`, channel: channels.get(r.studentId) ?? 'diary', parents: ps, state }
  })
  const totals = { confirmed: 0, notConfirmed: 0, neverLogsIn: 0, noParents: 0 } as Record<FamilyState, number>
  for (const s of students) totals[s.state]++
  return { students, totals }
}
