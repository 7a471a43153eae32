// The demo school's journal (issue 3): bells, the weekly timetable, a year of lessons with a few changes, the КТП,
// and for the lessons up to `today` (or the whole year) the topics, homework, kinds of work, marks, absences and
// period marks a real school would have. Deterministic: the same plan, seed and `today` give the same rows.
// Timestamps are the school's wall-clock times read in the server's time zone, as the app shows and checks them.
import { sql, type Insertable, type Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import { addDays, fmtDate, weekday } from '../lib/dates.js'
import { isHoliday, slotDates, type HolidaySpan } from '../features/timetable/timetable.rules.js'
import { lastEntryDate, parseDeadline } from '../features/journal/journal.rules.js'
import { stamp } from './calendar.js'
import { insertMany, RowWriter } from './insert.js'
import { writeMarks } from './marks.js'
import type { PlannedYear, SchoolPlan } from './plan.js'
import { Rng } from './random.js'
import { BELLS, buildTimetable, lessonEndMinutes, weeklyCount, type TtClass } from './timetable.js'
import { homeworkChance, homeworkText, isDoubleMarked, planTopics, subjectWork, type PlanTopic, type SubjectWork } from './topics.js'

/** How much of the journal the demo fills: nothing, the lessons up to today, or every lesson of the year. */
export type JournalMode = 'none' | 'toToday' | 'fullYear'
export const JOURNAL_MODES: readonly JournalMode[] = ['none', 'toToday', 'fullYear']

export interface WorkKind { id: number; name: string; weight: number; deadline: string }

/** A journal page: a class or a subgroup × a subject. */
export interface Page {
  index: number
  classId: number
  groupId: number | null
  subjectId: number
  subject: string
  isPe: boolean
  grade: number
  hours: number
  teacherId: number
  /** Student ids in the paper journal's order. */
  roster: number[]
  /** Its scheduled lessons in date order (after the changes). */
  lessons: Lesson[]
  topics: (PlanTopic & { id: number })[]
  work: SubjectWork
}

/** A mark column of a lesson: its kind of work, who gets a mark, and when the teacher entered them. */
export interface Column { kind: WorkKind; everyone: boolean; double: boolean; enteredAt: string; lateApprovalId: number | null }

export interface Lesson {
  id: number
  page: Page
  slotId: number | null
  date: string
  number: number
  teacherId: number
  substituteId: number | null
  status: 'scheduled' | 'cancelled' | 'moved'
  origin: 'timetable' | 'extra' | 'transfer'
  movedTo: Lesson | null
  note: string
  planTopicId: number | null
  topic: string
  homework: string
  distance: number
  distanceOrder: string
  topicAt: string | null
  homeworkAt: string | null
  enteredBy: number | null
  /** When marks and absences of the lesson itself were saved (the end of the lesson), null for lessons not filled. */
  markedAt: string | null
  columns: Column[]
  /** The control work of the КТП this lesson covers. */
  control: PlanTopic['control']
}

/** The school as the journal needs it, read from the plan's rows (ids were assigned by the plan). */
export interface School {
  yearId: number
  startsOn: string
  endsOn: string
  adaptationEndsOn: string
  holidays: HolidaySpan[]
  subjects: Map<number, { name: string; isPe: boolean; index: number }>
  classes: Map<number, { grade: number; name: string; teacherId: number; roster: number[] }>
  students: Map<number, { classId: number; peExemptUntil: string | null }>
  groupOf: Map<string, number> // `${student}:${subject}` → the student's subgroup page of a split subject
  periods: { id: number; scheme: 'quarter' | 'half'; number: number; startsOn: string; endsOn: string }[]
  bands: { gradeFrom: number; gradeTo: number; scheme: string }[]
  kinds: Map<string, WorkKind>
  accounts: SchoolPlan['accounts']
}

async function nextId(db: Kysely<Database>, table: 'timetable_slots' | 'lessons' | 'plan_topics' | 'late_approvals' | 'final_marks' | 'final_corrections'): Promise<number> {
  const r = await db.selectFrom(table).select(sql<number | null>`max(id)`.as('m')).executeTakeFirstOrThrow()
  return (r.m ?? 0) + 1
}

export interface JournalOptions {
  /** Varies from year to year: the timetable, the changes, who is ill when, which marks. */
  seed: number
  /** The school's seed: what stays with a student from year to year (how well they do). */
  schoolSeed: number
  today: string
  mode: JournalMode
}

/**
 * Writes the journal of one year of a freshly written demo school; returns the row counts per table. In a closed
 * year nothing is left waiting for a decision (the caller asks for 'fullYear': a closed year is over).
 */
export async function writeJournal(db: Kysely<Database>, plan: SchoolPlan, year: PlannedYear, opts: JournalOptions): Promise<Record<string, number>> {
  if (opts.mode === 'none') return {}
  const rows = yearRows(plan, year)
  const school = await readSchool(db, plan, year, rows)
  const counts: Record<string, number> = {}
  const until = opts.mode === 'fullYear' ? school.endsOn : opts.today

  await insertMany(db, 'bells', BELLS.map((b) => ({ year_id: school.yearId, number: b.number, starts_at: b.startsAt, ends_at: b.endsAt })))
  counts.bells = BELLS.length

  const { pages, slots } = await writeTimetable(db, rows, school, opts.seed)
  counts.timetable_slots = slots.length
  counts.plan_topics = await writePlanTopics(db, school, pages)

  const lessons = buildLessons(school, slots)
  applyChanges(school, pages, lessons, slots, opts.seed, opts.today)
  const all = orderLessons(lessons, await nextId(db, 'lessons'), pages)
  fillEntries(school, pages, until, opts.seed)
  const approvals = chooseLateApprovals(school, pages, until, opts.seed, await nextId(db, 'late_approvals'))

  const w = new RowWriter(db, 'lessons', ['id', 'year_id', 'slot_id', 'class_id', 'group_id', 'subject_id', 'teacher_id', 'date',
    'lesson_number', 'status', 'origin', 'moved_to_id', 'substitute_id', 'change_note', 'plan_topic_id', 'topic', 'homework',
    'distance', 'distance_order', 'extracurricular', 'topic_entered_at', 'homework_entered_at', 'entered_by'])
  for (const l of all) {
    const p = l.page
    await w.add([l.id, school.yearId, l.slotId, p.groupId === null ? p.classId : null, p.groupId, p.subjectId, l.teacherId, l.date,
      l.number, l.status, l.origin, null, l.substituteId, l.note, l.planTopicId, l.topic, l.homework,
      l.distance, l.distanceOrder, 0, l.topicAt, l.homeworkAt, l.enteredBy])
  }
  await w.flush()
  counts.lessons = w.written
  // A moved lesson points to its new lesson, which comes later (and may be in a later chunk of the insert).
  for (const l of all) if (l.movedTo) await db.updateTable('lessons').set({ moved_to_id: l.movedTo.id }).where('id', '=', l.id).execute()
  await insertMany(db, 'late_approvals', approvals)
  counts.late_approvals = approvals.length

  Object.assign(counts, await writeMarks(db, school, pages, all, {
    seed: opts.seed, schoolSeed: opts.schoolSeed, until, today: opts.today, fullYear: opts.mode === 'fullYear', closed: year.closed,
    finalMarkId: await nextId(db, 'final_marks'), correctionId: await nextId(db, 'final_corrections'),
  }))
  return counts
}

/** One year's share of the plan's rows. */
type YearRows = Pick<SchoolPlan['rows'], 'classes' | 'groups' | 'curriculum' | 'workload' | 'enrollments' | 'group_members' | 'grade_bands'>
  & { academic_year: SchoolPlan['rows']['academic_years'][number]; students: SchoolPlan['rows']['students'] }

function yearRows(plan: SchoolPlan, year: PlannedYear): YearRows {
  const r = plan.rows
  const classes = r.classes.filter((c) => c.year_id === year.id)
  const classIds = new Set(classes.map((c) => c.id!))
  const groups = r.groups.filter((g) => g.year_id === year.id)
  const groupIds = new Set(groups.map((g) => g.id!))
  return {
    academic_year: r.academic_years.find((y) => y.id === year.id)!, classes, groups,
    curriculum: r.curriculum.filter((c) => classIds.has(c.class_id)),
    workload: r.workload.filter((w) => (w.class_id ? classIds.has(w.class_id) : groupIds.has(w.group_id!))),
    enrollments: r.enrollments.filter((e) => classIds.has(e.class_id)),
    group_members: r.group_members.filter((m) => groupIds.has(m.group_id)),
    grade_bands: r.grade_bands.filter((b) => b.year_id === year.id),
    // PE exemptions are this year's: nobody was exempt in the closed years.
    students: year.closed ? [] : r.students,
  }
}

async function readSchool(db: Kysely<Database>, plan: SchoolPlan, y: PlannedYear, r: YearRows): Promise<School> {
  const year = r.academic_year
  const subjects = new Map(plan.rows.subjects.map((s, index) => [s.id!, { name: s.name, isPe: s.is_pe === 1, index }]))
  const classes = new Map(r.classes.map((c) => [c.id!, { grade: c.grade, name: `${c.grade}${c.letter}`, teacherId: c.class_teacher_id!, roster: [] as number[] }]))
  const students = new Map<number, { classId: number; peExemptUntil: string | null }>()
  const pe = new Map(r.students.map((s) => [s.person_id, s.pe_exempt_until ?? null]))
  // Enrollments are written in the alphabetical order of each class: the journal's order.
  for (const e of r.enrollments) {
    classes.get(e.class_id)!.roster.push(e.student_id)
    students.set(e.student_id, { classId: e.class_id, peExemptUntil: pe.get(e.student_id) ?? null })
  }
  const groupSubject = new Map(r.groups.map((g) => [g.id!, g.subject_id!]))
  const groupOf = new Map<string, number>()
  for (const m of r.group_members) groupOf.set(`${m.student_id}:${groupSubject.get(m.group_id)}`, m.group_id)
  const periods = await db.selectFrom('periods').select(['id', 'scheme', 'number', 'starts_on', 'ends_on'])
    .where('year_id', '=', year.id!).orderBy('scheme').orderBy('number').execute()
  const kinds = await db.selectFrom('work_kinds').select(['id', 'name', 'weight', 'deadline']).execute()
  return {
    yearId: year.id!, startsOn: year.starts_on, endsOn: year.ends_on, adaptationEndsOn: year.adaptation_ends_on ?? year.starts_on,
    holidays: y.plan.holidays.map((h) => ({ starts_on: h.startsOn, ends_on: h.endsOn, grade_from: h.gradeFrom, grade_to: h.gradeTo })),
    subjects, classes, students, groupOf,
    periods: periods.map((p) => ({ id: p.id, scheme: p.scheme as 'quarter' | 'half', number: p.number, startsOn: p.starts_on, endsOn: p.ends_on })),
    bands: r.grade_bands.map((b) => ({ gradeFrom: b.grade_from, gradeTo: b.grade_to, scheme: b.scheme })),
    kinds: new Map(kinds.map((k) => [k.name, k])),
    accounts: plan.accounts,
  }
}

function kind(school: School, name: string): WorkKind {
  const k = school.kinds.get(name)
  if (!k) throw new Error(`demo: no kind of work «${name}»`)
  return k
}

// ---------------------------------------------------------------- timetable and КТП

interface Slot { id: number; page: Page; weekday: number; number: number; teacherId: number }

async function writeTimetable(db: Kysely<Database>, r: YearRows, school: School, seed: number): Promise<{ pages: Page[]; slots: Slot[] }> {
  const teacherOfClass = new Map(r.workload.filter((w) => w.class_id !== null).map((w) => [`${w.class_id}:${w.subject_id}`, w.teacher_id]))
  const teacherOfGroup = new Map(r.workload.filter((w) => w.group_id !== null).map((w) => [w.group_id!, w.teacher_id]))
  const members = new Map<number, number[]>()
  for (const m of r.group_members) (members.get(m.group_id) ?? members.set(m.group_id, []).get(m.group_id)!).push(m.student_id)

  const pages: Page[] = []
  const pageOf = new Map<string, Page>() // `c${class}:${subject}` or `g${group}`
  const page = (classId: number, groupId: number | null, subjectId: number, hours: number, teacherId: number) => {
    const c = school.classes.get(classId)!
    const s = school.subjects.get(subjectId)!
    const p: Page = {
      index: pages.length, classId, groupId, subjectId, subject: s.name, isPe: s.isPe, grade: c.grade, hours, teacherId,
      roster: groupId === null ? c.roster : members.get(groupId) ?? [], lessons: [], topics: [], work: subjectWork(s.name, c.grade),
    }
    pages.push(p)
    pageOf.set(groupId === null ? `c${classId}:${subjectId}` : `g${groupId}`, p)
    return p
  }
  const tt: TtClass[] = []
  for (const c of r.classes) {
    const lines: TtClass['lines'] = []
    for (const cu of r.curriculum.filter((x) => x.class_id === c.id)) {
      const groups = r.groups.filter((g) => g.class_id === c.id && g.subject_id === cu.subject_id)
      const items = groups.length
        ? groups.map((g) => ({ groupId: g.id!, teacherId: page(c.id!, g.id!, cu.subject_id, cu.hours_per_week, teacherOfGroup.get(g.id!)!).teacherId }))
        : [{ groupId: null, teacherId: page(c.id!, null, cu.subject_id, cu.hours_per_week, teacherOfClass.get(`${c.id}:${cu.subject_id}`)!).teacherId }]
      const count = weeklyCount(cu.hours_per_week)
      // Two subgroups with one teacher cannot share a cell: each gets its own.
      if (items.length > 1 && items[0].teacherId === items[1].teacherId) {
        for (const it of items) lines.push({ subjectId: cu.subject_id, subject: school.subjects.get(cu.subject_id)!.name, count, items: [it] })
      } else lines.push({ subjectId: cu.subject_id, subject: school.subjects.get(cu.subject_id)!.name, count, items })
    }
    tt.push({ classId: c.id!, grade: c.grade, lines })
  }

  const rooms = roomsOf(r, school)
  let id = await nextId(db, 'timetable_slots')
  const slots: Slot[] = []
  const w = new RowWriter(db, 'timetable_slots', ['id', 'year_id', 'class_id', 'group_id', 'subject_id', 'teacher_id', 'weekday',
    'lesson_number', 'valid_from', 'valid_to', 'room'])
  for (const s of buildTimetable(tt, seed)) {
    const p = pageOf.get(s.groupId === null ? `c${s.classId}:${s.subjectId}` : `g${s.groupId}`)!
    slots.push({ id, page: p, weekday: s.weekday, number: s.lessonNumber, teacherId: s.teacherId })
    await w.add([id++, school.yearId, s.groupId === null ? s.classId : null, s.groupId, s.subjectId, s.teacherId, s.weekday,
      s.lessonNumber, school.startsOn, null, rooms.get(s.teacherId) ?? ''])
  }
  await w.flush()
  return { pages, slots }
}

/** Each teacher has a room: primary classes on the first floor, subject rooms above, PE in the gym. */
function roomsOf(r: YearRows, school: School): Map<number, string> {
  const rooms = new Map<number, string>()
  const peId = [...school.subjects].find(([, s]) => s.isPe)?.[0]
  const pe = new Set(r.workload.filter((w) => w.subject_id === peId).map((w) => w.teacher_id))
  let primary = 101
  let upper = 201
  for (const c of r.classes) {
    const t = c.class_teacher_id
    if (c.grade <= 4 && typeof t === 'number' && !rooms.has(t)) rooms.set(t, String(primary++))
  }
  for (const t of [...new Set(r.workload.map((w) => w.teacher_id))].sort((a, b) => a - b)) {
    if (rooms.has(t)) continue
    if (pe.has(t)) rooms.set(t, 'спортзал')
    else {
      rooms.set(t, String(upper++))
      if (upper % 100 === 30) upper += 71 // 229 → the next floor's 301
    }
  }
  return rooms
}

/** The КТП: as many one-hour topics as the subject has hours in a year of 34 weeks, one plan per subject and grade. */
async function writePlanTopics(db: Kysely<Database>, school: School, pages: Page[]): Promise<number> {
  let id = await nextId(db, 'plan_topics')
  const plans = new Map<string, Page['topics']>()
  const w = new RowWriter(db, 'plan_topics', ['id', 'year_id', 'subject_id', 'grade', 'number', 'title', 'hours'])
  for (const p of pages) {
    const key = `${p.subjectId}:${p.grade}`
    let plan = plans.get(key)
    if (!plan) {
      plan = planTopics(p.subject, p.grade, Math.round(p.hours * 34)).map((t) => ({ ...t, id: id++ }))
      plans.set(key, plan)
      for (const t of plan) await w.add([t.id, school.yearId, p.subjectId, p.grade, t.number, t.title, 1])
    }
    p.topics = plan
  }
  await w.flush()
  return w.written
}

// ---------------------------------------------------------------- lessons and their changes

function newLesson(page: Page, slotId: number | null, date: string, number: number, teacherId: number): Lesson {
  return {
    id: 0, page, slotId, date, number, teacherId, substituteId: null, status: 'scheduled', origin: 'timetable', movedTo: null, note: '',
    planTopicId: null, topic: '', homework: '', distance: 0, distanceOrder: '', topicAt: null, homeworkAt: null, enteredBy: null,
    markedAt: null, columns: [], control: null,
  }
}

/** Every lesson of the year from the weekly slots: the slot's weekday, school days of the class's grade only. */
function buildLessons(school: School, slots: Slot[]): Lesson[] {
  const out: Lesson[] = []
  for (const s of slots) {
    const slot = { weekday: s.weekday, valid_from: school.startsOn, valid_to: null }
    for (const date of slotDates(slot, school.startsOn, school.endsOn, s.page.grade, school.holidays)) {
      out.push(newLesson(s.page, s.id, date, s.number, s.teacherId))
    }
  }
  return out
}

/** Ids in the order of the day (date, lesson number, class); each page gets its scheduled lessons in order. */
function orderLessons(lessons: Lesson[], firstId: number, pages: Page[]): Lesson[] {
  const all = [...lessons].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || a.number - b.number
    || a.page.classId - b.page.classId || (a.page.groupId ?? 0) - (b.page.groupId ?? 0) || a.page.subjectId - b.page.subjectId)
  all.forEach((l, i) => { l.id = firstId + i })
  for (const p of pages) p.lessons = []
  for (const l of all) if (l.status === 'scheduled') l.page.lessons.push(l)
  return all
}

/**
 * A few changes in the weeks before today, as a school has them: teachers away for a day replaced by a free
 * colleague of the same subject (one of them in 5А, and the demo teacher replacing a colleague once), a
 * cancelled lesson, a lesson moved to the end of another day, an extra lesson, and a class on distance learning
 * for a day of quarantine.
 */
function applyChanges(school: School, pages: Page[], lessons: Lesson[], slots: Slot[], seed: number, today: string): void {
  const rng = new Rng(seed ^ 0xc4a7)
  const last = addDays(today < school.endsOn ? today : school.endsOn, -1)
  const first = addDays(last, -27) > school.startsOn ? addDays(last, -27) : school.startsOn
  const recent = lessons.filter((l) => l.date >= first && l.date <= last)
  if (recent.length === 0) return

  // Who is where, by weekday and lesson number (the timetable) and on the changed dates (the changes).
  const weekly = new Set(slots.map((s) => `${s.teacherId}:${s.weekday}:${s.number}`))
  const taken = new Set<string>() // `${teacher}:${date}:${number}`
  const teacherFree = (t: number, date: string, n: number) => !weekly.has(`${t}:${weekday(date)}:${n}`) && !taken.has(`${t}:${date}:${n}`)
  const subjectTeachers = new Map<number, number[]>()
  for (const p of pages) {
    const list = subjectTeachers.get(p.subjectId) ?? subjectTeachers.set(p.subjectId, []).get(p.subjectId)!
    if (!list.includes(p.teacherId)) list.push(p.teacherId)
  }
  const allTeachers = [...new Set(pages.map((p) => p.teacherId))].sort((a, b) => a - b)
  const subjectsOf = new Map(allTeachers.map((t) => [t, new Set(pages.filter((p) => p.teacherId === t).map((p) => p.subjectId))]))
  const changed = new Set<Lesson>()
  const demo = school.accounts.teacher
  const away = new Set<string>() // `${teacher}:${date}`: on sick leave that day
  const substitutes = new Set<string>() // `${teacher}:${date}`: standing in for someone that day

  function substituteDay(teacherId: number, date: string, prefer: number | null) {
    if (substitutes.has(`${teacherId}:${date}`) || away.has(`${teacherId}:${date}`)) return
    away.add(`${teacherId}:${date}`)
    const canStandIn = (t: number, n: number) => t !== teacherId && !away.has(`${t}:${date}`) && teacherFree(t, date, n)
    for (const l of recent.filter((x) => x.teacherId === teacherId && x.date === date && !changed.has(x))) {
      // Best a free teacher of the subject, else one of a subject the absent teacher also teaches, else anyone free.
      const same = (subjectTeachers.get(l.page.subjectId) ?? []).filter((t) => canStandIn(t, l.number))
      const kin = allTeachers.filter((t) => canStandIn(t, l.number) && [...subjectsOf.get(t)!].some((x) => subjectsOf.get(teacherId)!.has(x)))
      const any = allTeachers.filter((t) => canStandIn(t, l.number))
      const pool = same.length ? same : kin.length ? kin : any
      const sub = prefer !== null && same.includes(prefer) ? prefer : pool.length ? rng.pick(pool) : null
      if (sub === null) continue
      l.substituteId = sub
      l.note = 'Замена: учитель на больничном'
      taken.add(`${sub}:${date}:${l.number}`)
      substitutes.add(`${sub}:${date}`)
      changed.add(l)
    }
  }

  const c5a = [...school.classes].find(([, c]) => c.name === '5А')?.[0]
  // The demo student's class: a colleague of 5А's mathematics teacher stands in for a day.
  const maths5a = recent.filter((l) => l.page.classId === c5a && l.page.subject === 'Математика')
  if (maths5a.length) {
    const l = maths5a[maths5a.length - 1 - rng.int(0, Math.min(3, maths5a.length - 1))]
    substituteDay(l.teacherId, l.date, null)
  }
  // The demo teacher replaces a colleague of Russian on a recent day (a lesson they may fill, on a page not theirs).
  const colleague = recent.filter((l) => l.teacherId !== demo && (l.page.subject === 'Русский язык' || l.page.subject === 'Литература')
    && teacherFree(demo, l.date, l.number))
  if (colleague.length) {
    const l = colleague[colleague.length - 1 - rng.int(0, Math.min(5, colleague.length - 1))]
    substituteDay(l.teacherId, l.date, demo)
  }
  for (let i = 0; i < 3; i++) {
    const l = rng.pick(recent)
    if (l.teacherId !== demo && !changed.has(l)) substituteDay(l.teacherId, l.date, null)
  }

  const others = (pred: (l: Lesson) => boolean) => recent.filter((l) => !changed.has(l) && l.page.classId !== c5a && pred(l))
  // A cancelled lesson: the class is on an excursion.
  const light = others((l) => ['Музыка', 'Изобразительное искусство', 'Труд (технология)'].includes(l.page.subject) && l.page.grade >= 5)
  if (light.length) {
    const l = rng.pick(light)
    l.status = 'cancelled'
    l.note = 'Отменён: класс на экскурсии в краеведческом музее'
    changed.add(l)
  }

  // Day lengths of each class by weekday, so that a moved or extra lesson goes after the class's last lesson.
  const dayLength = new Map<string, number>()
  for (const s of slots) {
    const k = `${s.page.classId}:${s.weekday}`
    dayLength.set(k, Math.max(dayLength.get(k) ?? 0, s.number))
  }
  const classTaken = new Set<string>()
  const afterLast = (classId: number, grade: number, teacherId: number, date: string): number | null => {
    if (weekday(date) > 5 || isHoliday(date, grade, school.holidays)) return null
    const n = (dayLength.get(`${classId}:${weekday(date)}`) ?? 0) + 1
    return n <= BELLS.length && teacherFree(teacherId, date, n) && !away.has(`${teacherId}:${date}`) && !classTaken.has(`${classId}:${date}:${n}`) ? n : null
  }

  // A transfer: a lesson moved to the end of a later day of the same or the next week.
  const movable = others((l) => l.page.groupId === null && l.date <= addDays(last, -3) && l.page.grade >= 5)
  for (let tries = 0; tries < 20 && movable.length; tries++) {
    const l = rng.pick(movable)
    let placed = false
    for (let d = 1; d <= 7 && !placed; d++) {
      const date = addDays(l.date, d)
      if (date > last) break
      const n = afterLast(l.page.classId, l.page.grade, l.teacherId, date)
      if (n === null) continue
      const moved = newLesson(l.page, null, date, n, l.teacherId)
      moved.origin = 'transfer'
      moved.note = `Перенос урока с ${fmtDate(l.date)}`
      l.status = 'moved'
      l.movedTo = moved
      l.note = `Перенесён на ${fmtDate(date)}, ${n}-й урок`
      lessons.push(moved)
      taken.add(`${l.teacherId}:${date}:${n}`)
      classTaken.add(`${l.page.classId}:${date}:${n}`)
      changed.add(l)
      placed = true
    }
    if (placed) break
  }

  // An extra lesson before the exams: algebra in the ninth or eleventh grade.
  const examPages = pages.filter((p) => (p.grade === 9 || p.grade === 11) && p.subject === 'Алгебра')
  for (let tries = 0; tries < 20 && examPages.length; tries++) {
    const p = rng.pick(examPages)
    const date = addDays(first, rng.int(0, 27))
    if (date > last) continue
    const n = afterLast(p.classId, p.grade, p.teacherId, date)
    if (n === null) continue
    const extra = newLesson(p, null, date, n, p.teacherId)
    extra.origin = 'extra'
    extra.note = `Дополнительный урок: подготовка к ${p.grade === 9 ? 'ОГЭ' : 'ЕГЭ'}`
    lessons.push(extra)
    taken.add(`${p.teacherId}:${date}:${n}`)
    break
  }

  // A day of distance learning for one class (quarantine), by the director's order of the day before.
  const quarantine = others((l) => l.page.grade >= 6 && l.page.grade <= 8)
  if (quarantine.length) {
    const l = rng.pick(quarantine)
    const order = `Приказ № ${rng.int(40, 140)}-о от ${fmtDate(addDays(l.date, -1))}`
    for (const x of lessons) {
      if (x.page.classId === l.page.classId && x.date === l.date && x.status === 'scheduled') {
        x.distance = 1
        x.distanceOrder = order
      }
    }
  }
}

// ---------------------------------------------------------------- the entries of past lessons

/** How late a teacher tends to be with topics and homework: most are punctual, some are not. */
function lateness(teacherId: number, demo: number, seed: number): number {
  if (teacherId === demo) return 0.03
  const r = new Rng(seed ^ Math.imul(teacherId, 0x9e3779b1)).next()
  return r < 0.7 ? 0.02 : r < 0.95 ? 0.08 : 0.25
}

/**
 * Lessons up to `until` take the КТП's topics in order, most get homework, and each gets its kinds of work:
 * the everyday mark, written works now and then, the control works of the КТП. Times: topics and marks at the
 * end of the lesson or within the hour (some topics the next evening), written works by their checking deadline.
 */
function fillEntries(school: School, pages: Page[], until: string, seed: number): void {
  const late = new Map<number, number>()
  const demo = school.accounts.teacher
  for (const p of pages) {
    const rng = new Rng(seed * 7919 + p.index * 104729 + 17)
    let k = 0
    p.lessons.forEach((l, i) => {
      if (l.date > until) return
      const next = p.lessons[i + 1]?.date ?? null
      const by = l.substituteId ?? l.teacherId
      if (!late.has(by)) late.set(by, lateness(by, demo, seed))
      const t = p.topics[k++]
      l.planTopicId = t?.id ?? null
      l.topic = t?.title ?? 'Резервный урок. Повторение изученного'
      l.control = t?.control ?? null
      l.enteredBy = by
      const end = lessonEndMinutes(l.number)
      const saved = end + rng.int(-5, 45)
      l.markedAt = stamp(l.date, saved)
      const tomorrow = addDays(l.date, 1)
      l.topicAt = rng.chance(late.get(by)!) && tomorrow <= until ? stamp(tomorrow, rng.int(18 * 60, 22 * 60)) : stamp(l.date, saved + rng.int(0, 15))
      if (rng.chance(homeworkChance(p.subject, p.grade)) && l.control === null) {
        l.homework = homeworkText(p.subject, p.grade, k, p.hours, rng)
        l.homeworkAt = l.topicAt
      }
      if (p.grade === 1) return // unmarked: attendance only
      l.columns = columnsOf(school, p, l, next, until, rng)
    })
  }
}

function columnsOf(school: School, p: Page, l: Lesson, next: string | null, until: string, rng: Rng): Column[] {
  const col = (name: string, everyone: boolean): Column => {
    const k = kind(school, name)
    return { kind: k, everyone, double: isDoubleMarked(name), enteredAt: entryTime(k, l, next, until, rng), lateApprovalId: null }
  }
  if (l.control === 'dictation') return [col('Контрольный диктант', true)]
  if (l.control === 'work') return [col('Контрольная работа', true)]
  const cols: Column[] = []
  const written = p.work.written.length && rng.chance(p.work.writtenChance) ? rng.weighted(p.work.written) : null
  // A written work often fills the whole lesson; otherwise the teacher asks some students as usual, and now and
  // then checks a few notebooks of homework.
  if (!written || rng.chance(0.7)) cols.push(col(p.work.daily, false))
  if (rng.chance(p.work.homeworkCheck)) cols.push(col('Домашняя работа', false))
  if (written) cols.push(col(written, true))
  return cols
}

/** When the teacher entered a column's marks: same-day kinds at the end of the lesson, written works by their deadline. */
function entryTime(k: WorkKind, l: Lesson, next: string | null, until: string, rng: Rng): string {
  if (k.deadline === 'same_day') return l.markedAt!
  const lastDay = lastEntryDate(l.date, parseDeadline(k.deadline), next)
  const hi = lastDay < until ? lastDay : until
  const span = Math.max(0, Math.round((Date.parse(hi) - Date.parse(l.date)) / 86_400_000))
  const day = addDays(l.date, Math.min(rng.int(0, span), rng.int(0, span)))
  return stamp(day, rng.int(16 * 60, 21 * 60 + 30))
}

/**
 * A handful of written works whose marks came in after the checking deadline, each with the deputy's recorded
 * approval asked the day before (R-J-6).
 */
function chooseLateApprovals(school: School, pages: Page[], until: string, seed: number, firstId: number) {
  const rng = new Rng(seed ^ 0x1a7e)
  const reasons = ['Болела, не успела проверить работы', 'Была на курсах повышения квалификации', 'Работы проверялись комиссией',
    'Техническая неисправность компьютера в кабинете']
  const eligible: { l: Lesson; c: Column; date: string }[] = []
  const before = addDays(until, -14)
  for (const p of pages) {
    for (let i = 0; i < p.lessons.length && p.lessons[i].date <= before; i++) {
      const l = p.lessons[i]
      for (const c of l.columns) {
        if (c.kind.deadline === 'same_day') continue
        const date = addDays(lastEntryDate(l.date, parseDeadline(c.kind.deadline), p.lessons[i + 1]?.date ?? null), 3)
        if (date <= until) eligible.push({ l, c, date })
      }
    }
  }
  const rows: Insertable<Database['late_approvals']>[] = []
  const deputy = school.accounts.deputy
  for (let i = 0; i < Math.min(6, eligible.length); i++) {
    const { l, c, date } = eligible.splice(rng.int(0, eligible.length - 1), 1)[0]
    const id = firstId + rows.length
    c.lateApprovalId = id
    c.enteredAt = stamp(date, rng.int(15 * 60, 17 * 60))
    rows.push({
      id, lesson_id: l.id, requested_by: l.enteredBy!, requested_at: stamp(addDays(date, -1), rng.int(14 * 60, 16 * 60)),
      reason: rng.pick(reasons), status: 'approved' as const, decided_by: deputy, decided_at: stamp(addDays(date, -1), 17 * 60 + rng.int(0, 50)),
      valid_until: date,
    })
  }
  return rows
}
