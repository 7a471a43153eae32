// Queries of the weekly report: a class's week — each student's diary week (diaryWeek), the period's weighted
import type { FastifyBaseLogger } from 'fastify'
// marks and the corrections of the whole class in one query each — and the registry issue (R-ARC-1, R-ARC-4).
// Callers have decided access with mayPrintWeekly() first.
import type { DB } from '../../db/connection.js'
import type { Channel } from '../../db/types.js'
import type { Actor } from '../../lib/audit.js'
import { addDays } from '../../lib/dates.js'
import { reserveDocument, storeIssued, type ReservedDocument } from '../../print/documents.js'
import { fullName } from '../auth/auth.queries.js'
import { pageRoster } from '../journal/journal.roster.js'
import { classLabel, getSettings, periodsForGrade } from '../school/school.queries.js'
import type { Week } from '../attendance/attendance.rules.js'
import { diaryWeek } from '../diary/diary.queries.js'
import { held, lastDay, periodOfWeek, type ClassData, type Correction, type PeriodLike, type PeriodMark, type StudentWeekInput } from './weekly.rules.js'

export interface WeeklyClass {
  id: number; yearId: number; grade: number; label: string; teacherName: string | null; schoolName: string
}

export async function weeklyClass(db: DB, classId: number): Promise<WeeklyClass | null> {
  const c = await db.selectFrom('classes as c')
    .leftJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['c.id', 'c.year_id', 'c.grade', 'c.letter', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.id', '=', classId).executeTakeFirst()
  if (!c) return null
  const settings = await getSettings(db)
  return {
    id: c.id, yearId: c.year_id, grade: c.grade, label: classLabel(c.grade, c.letter), schoolName: settings.school_name,
    teacherName: c.last_name === null ? null : fullName({ last_name: c.last_name, first_name: c.first_name ?? '', middle_name: c.middle_name ?? '' }),
  }
}

export interface WeeklyStudent extends StudentWeekInput { name: string; channel: Channel }

export interface ClassWeek {
  students: WeeklyStudent[]
  data: ClassData
  /** The last day the report covers (Saturday or Friday). */
  end: string
  period: (PeriodLike & { scheme: string }) | null
}

/**
 * The class's week: its students (enrolled some day of the week, in the journal's order) with their channel
 * and their week exactly as their diary shows it (diaryWeek: their lessons only, on the days they belonged to
 * the class or group, with marks, kinds, absences and homework); the period's marks so far with the weights of
 * their kinds; the corrections of marks on the week's lessons or made during the week.
 */
export async function classWeek(db: DB, cls: WeeklyClass, week: Week): Promise<ClassWeek> {
  const roster = await pageRoster(db, { classId: cls.id, groupId: null }, week.monday, week.saturday)
  const ids = roster.map((r) => r.studentId)
  const periods = await periodsForGrade(db, cls.yearId, cls.grade)
  const subjects = await db.selectFrom('subjects').select(['name', 'sort_order']).execute()
  const subjectOrder = new Map(subjects.map((x) => [x.name, x.sort_order]))
  if (!ids.length) {
    return { students: [], data: { periodMarks: [], corrections: [], subjectOrder }, end: week.days[4], period: periodOfWeek(periods, week.monday, week.days[4]) }
  }
  const channels = await db.selectFrom('students').select(['person_id', 'channel']).where('person_id', 'in', ids).execute()
  const channelOf = new Map(channels.map((c) => [c.person_id, c.channel]))
  const students: WeeklyStudent[] = []
  // One student at a time: SQLite answers in-process, and each diary week is a handful of queries.
  for (const r of roster) {
    const w = await diaryWeek(db, r.studentId, week.monday)
    students.push({
      studentId: r.studentId, name: fullName({ last_name: r.lastName, first_name: r.firstName, middle_name: r.middleName }),
      channel: channelOf.get(r.studentId) ?? 'diary', lessons: w.days.flatMap((d) => d.lessons), lateMarks: w.lateMarks,
    })
  }
  const end = lastDay(week, students.flatMap((s) => s.lessons.filter(held).map((l) => l.date)))
  const period = periodOfWeek(periods, week.monday, end)
  const [periodMarks, corrections] = await Promise.all([
    period ? periodMarksOf(db, ids, period.starts_on, period.ends_on < end ? period.ends_on : end) : Promise.resolve([]),
    correctionsOf(db, ids, week.monday, end),
  ])
  return { students, data: { periodMarks, corrections, subjectOrder }, end, period }
}

/** The students' marks on held lessons from..to, by subject, with the weight of their kind of work (1 without). */
async function periodMarksOf(db: DB, ids: number[], from: string, to: string): Promise<PeriodMark[]> {
  return db.selectFrom('marks as m').innerJoin('lessons as l', 'l.id', 'm.lesson_id').innerJoin('subjects as s', 's.id', 'l.subject_id')
    .leftJoin('lesson_columns as c', (j) => j.onRef('c.lesson_id', '=', 'm.lesson_id').onRef('c.column_no', '=', 'm.column_no'))
    .leftJoin('work_kinds as k', 'k.id', 'c.work_kind_id')
    .select(['m.student_id as studentId', 's.name as subject', 'm.value', (eb) => eb.fn.coalesce('k.weight', eb.lit(1)).as('weight')])
    .where('m.student_id', 'in', ids).where('l.status', '=', 'scheduled').where('l.date', '>=', from).where('l.date', '<=', to)
    .execute()
}

/** The start of a local date as an ISO timestamp, to compare with the UTC timestamps of mark_history. */
function localMidnight(iso: string): string {
  return new Date(`${iso}T00:00:00`).toISOString()
}

/** Corrected or removed marks (never first entries) on the week's lessons, or corrected during the week. */
async function correctionsOf(db: DB, ids: number[], monday: string, end: string): Promise<Correction[]> {
  const rows = await db.selectFrom('mark_history as h').innerJoin('lessons as l', 'l.id', 'h.lesson_id').innerJoin('subjects as s', 's.id', 'l.subject_id')
    .select(['h.student_id as studentId', 'l.date', 's.name as subject', 'h.column_no as column',
      'h.old_value as oldValue', 'h.new_value as newValue', 'h.reason', 'h.at'])
    .where('h.student_id', 'in', ids).where('h.column_no', '>', 0).where('h.old_value', 'is not', null).where('h.reason', '<>', '')
    .where((eb) => eb.or([
      eb.and([eb('l.date', '>=', monday), eb('l.date', '<=', end)]),
      eb.and([eb('h.at', '>=', localMidnight(monday)), eb('h.at', '<', localMidnight(addDays(end, 1)))]),
    ]))
    .orderBy('h.at').execute()
  return rows.map((r) => ({ ...r, oldValue: r.oldValue ?? '' }))
}

/** Takes the registry number of a printout (in its own transaction, audited by reserveDocument). */
export async function reserveWeekly(db: DB, actor: Actor, d: { title: string; subjectKey: string; yearId: number }): Promise<ReservedDocument> {
  return db.transaction().execute((trx) => reserveDocument(trx, actor, { kind: 'weekly_report', ...d }))
}

/** Signs (when the school has a key) and stores the printout; returns the bytes as stored. */
export async function storeWeekly(db: DB, dataDir: string, doc: ReservedDocument, out: { pdf: Buffer; pages: number }, url: string, log?: FastifyBaseLogger) {
  return storeIssued(db, dataDir, doc, out, { url, log })
}
