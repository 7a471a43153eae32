// The journal-keeping control report (R-REP-1; R-J-7, R-J-8): for a week, a period or the year, per teacher ×
// class or group × subject and per class — lessons held, with topic and homework (and on time), marks entered by
// their deadlines, attendance recorded, students with no mark or one, assessment coverage and КТП progress.
// Every shortfall links to the lessons behind it (/reports/control/lessons). A teacher sees it for their lessons.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { fmtDate } from '../../lib/dates.js'
import { journalSettings, type JournalSettings } from '../../lib/school-settings.js'
import { lastEntryDate, parseDeadline, MAX_LESSONS_WITHOUT_MARK, MIN_MARKS_SHARE } from '../journal/journal.rules.js'
import { progressOf, type PlanTopic, type Progress } from '../plan/plan.rules.js'
import type { Column, Report, Row } from './report.js'
import type { ReportContext, ReportDef } from './reports.routes.js'
import type { Filters, FilterChoices } from './reports.filters.js'
import {
  bellEnds, columnsOf, dayKey, heldLessons, kindDeadlines, labels, lastLessonOfDay, lateMarks, markedStudents, nextAfter, pageKey, planCoverage, planTopics, rosters,
  type HeldLesson, type Labels, type LessonSet,
} from './control.queries.js'
import {
  addFacts, addStudentTally, addTally, emptyStudentTally, emptyTally, lessonEnds, startOfDayAfter, lessonFacts, lessonFigures, nextOfPage, pageRefParam,
  studentFigures, studentTally, type LessonFacts, type LessonFigures, type Metric, type PageRef, type Span, type StudentFigures,
  type StudentMarks, type StudentTally, type Tally,
} from './control.rules.js'

type DB = Kysely<Database>

// ---------------------------------------------------------------------------------------------- shared with the drill-down

/** The last day whose lessons count: the range's end, or today when the range runs on (a later lesson is not held). */
export function heldUntil(filters: Filters, today: string): string {
  return filters.range.to < today ? filters.range.to : today
}

/** Everything the lesson figures need, read with a fixed number of queries. */
export interface Collected {
  lessons: HeldLesson[]
  labels: Labels
  settings: JournalSettings
  late: Map<number, number>
  bells: Map<number, string>
  lastOfDay: Map<string, number>
}

const uniq = (v: (number | null)[]) => [...new Set(v.filter((x): x is number => x !== null))]

export async function collect(db: DB, set: LessonSet, details: boolean): Promise<Collected> {
  const lessons = await heldLessons(db, set, details)
  if (set.scope.all && set.teacherId === null) {
    const next = nextOfPage(lessons.map((l) => ({ page: pageKey(l.classId, l.groupId, l.subjectId), date: l.date })))
    lessons.forEach((l, i) => { l.nextDate = next[i] })
  }
  const settings = await journalSettings(db)
  const lbl = await labels(db, uniq(lessons.map((l) => l.classId)), uniq(lessons.map((l) => l.groupId)), uniq(lessons.map((l) => l.teacherId)))
  const bells = await bellEnds(db, set.yearId)
  // The last lesson of each class's day: among the lessons themselves when they are the whole school's.
  const everything = set.scope.all && set.teacherId === null && set.classId === null && set.subjectId === null && set.page === null
  let lastOfDay: Map<string, number>
  if (everything) {
    lastOfDay = new Map()
    for (const l of lessons) {
      const key = dayKey(classOf(l, lbl), l.groupId, l.date)
      if ((lastOfDay.get(key) ?? 0) < l.lessonNumber) lastOfDay.set(key, l.lessonNumber)
    }
  } else lastOfDay = await lastLessonOfDay(db, set.yearId, set.from, set.to)
  // The last lesson of each page within the range takes its next lesson from after the range.
  const lastOfPage = new Map<string, HeldLesson>()
  for (const l of lessons) if (l.nextDate === null) lastOfPage.set(pageKey(l.classId, l.groupId, l.subjectId), l)
  const after = await nextAfter(db, [...lastOfPage.values()], set.to)
  for (const [key, l] of lastOfPage) l.nextDate = after.get(key) ?? null

  const byId = new Map(lessons.map((l) => [l.id, l]))
  const rules = new Map([...await kindDeadlines(db)].map(([id, rule]) => [id, parseDeadline(rule)]))
  const dayAfter = new Map<string, string>()
  const limits: [number, number, string][] = []
  for (const c of await columnsOf(db, set)) {
    const l = byId.get(c.lesson_id)
    const rule = rules.get(c.work_kind_id)
    if (!l || !rule) continue
    // The start of each day is computed once: a year has some 75,000 mark columns.
    const last = lastEntryDate(l.date, rule, l.nextDate, settings.default_entry_days)
    limits.push([c.lesson_id, c.column_no, dayAfter.get(last) ?? dayAfter.set(last, startOfDayAfter(last)).get(last)!])
  }
  // In lesson order, the marks are read in the order they lie in the table and its index.
  limits.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  return { lessons, labels: lbl, settings, late: await lateMarks(db, limits), bells, lastOfDay }
}

/** The class a lesson's page belongs to (a subgroup's class); null for a cross-class group. */
export function classOf(l: HeldLesson, lbl: Labels): number | null {
  return l.classId ?? lbl.groups.get(l.groupId!)?.classId ?? null
}

export function gradeOf(l: HeldLesson, lbl: Labels): number | null {
  return l.classId !== null ? lbl.classes.get(l.classId)?.grade ?? null : lbl.groups.get(l.groupId!)?.grade ?? null
}

/** «5А» or «5А, Английский язык, 1 гр.» */
export function pageLabel(l: { classId: number | null; groupId: number | null }, lbl: Labels): string {
  if (l.classId !== null) return lbl.classes.get(l.classId)?.label ?? ''
  const g = lbl.groups.get(l.groupId!)
  return g ? (g.classLabel ? `${g.classLabel}, ${g.name}` : g.name) : ''
}

export function factsOf(c: Collected, l: HeldLesson, marks: number): LessonFacts {
  const last = c.lastOfDay.get(dayKey(classOf(l, c.labels), l.groupId, l.date)) ?? l.lessonNumber
  return lessonFacts({
    date: l.date, hasTopic: l.hasTopic, hasHomework: l.hasHomework, homeworkAt: l.homeworkAt, saved: l.saved, hasAbsence: l.hasAbsence,
    distance: l.distance, extracurricular: l.extracurricular, unmarked: gradeOf(l, c.labels) === 1, dayEnds: lessonEnds(c.bells, last),
  }, c.settings.homework_grace_minutes, marks, c.late.get(l.id) ?? 0)
}

/** The query string of the range (and year) of a report, which every drill-down link starts from. */
export function rangeParams(filters: Filters): URLSearchParams {
  const q = new URLSearchParams({ year: String(filters.year.id), range: filters.range.kind })
  if (filters.range.kind === 'week') q.set('week', fmtDate(filters.range.from))
  if (filters.range.kind === 'period' && filters.range.period) q.set('period', String(filters.range.period.id))
  return q
}

/** The names of the narrowing asked for: «5А · Математикова А. И. · Математика». */
export function narrowingText(filters: Filters, choices: FilterChoices): string[] {
  const out: string[] = []
  if (filters.classId !== null) out.push(choices.classes.find((c) => c.id === filters.classId)?.label ?? '')
  if (filters.teacherId !== null) out.push(choices.teachers.find((c) => c.id === filters.teacherId)?.name ?? '')
  if (filters.subjectId !== null) out.push(choices.subjects.find((c) => c.id === filters.subjectId)?.name ?? '')
  return out
}

// ---------------------------------------------------------------------------------------------- the report

/** Lessons grouped for student figures: the ones where marks are given, in order, and each student's marks there. */
interface Bucket {
  dates: string[]
  marks: Map<number, { n: number; last: number }>
}

const newBucket = (): Bucket => ({ dates: [], marks: new Map() })

/** A mark of a student in the lesson at position pos of a bucket. */
function bump(b: Bucket, studentId: number, pos: number): void {
  const m = b.marks.get(studentId)
  if (m) { m.n++; if (pos > m.last) m.last = pos } else b.marks.set(studentId, { n: 1, last: pos })
}

/** A journal page: a class or group × a subject. */
interface Page {
  id: string
  /** c<classId> or g<groupId>: whose roster. */
  rosterKey: string
  /** The class it belongs to (c<id>), or the group itself for a cross-class group. */
  classKey: string
  subjectId: number
  grade: number | null
  label: string
  bucket: Bucket
  progress: Progress | null
}

/** A row of the first table: one teacher's lessons on one page. */
interface TeacherRow {
  teacherId: number
  page: Page
  ref: PageRef
  tally: Tally
}

const LINK = '/reports/control/lessons'

function column(key: string, kind: Column['kind'], label = key): Column {
  return { key, label: t(`reports.control.columns.${label}`), kind }
}

/** The percentages whose shortfall the drill-down lists, with its metric and the number of lessons short. */
const LINKED: { key: keyof LessonFigures; metric: Metric; short: (x: Tally) => number }[] = [
  { key: 'topic', metric: 'no_topic', short: (x) => x.held - x.topic },
  { key: 'homework', metric: 'no_homework', short: (x) => x.homeworkDue - x.homework },
  { key: 'homeworkOnTime', metric: 'homework_late', short: (x) => x.homework - x.homeworkOnTime },
  { key: 'marksOnTime', metric: 'marks_late', short: (x) => x.lateMarks },
  { key: 'attendance', metric: 'no_attendance', short: (x) => x.attendanceDue - x.attendance },
]

/** The lesson figures of a row, each shortfall linked to its lessons (base: the row's drill-down parameters). */
function lessonCells(tally: Tally, base: URLSearchParams, heldLink: boolean, marked: boolean): Pick<Row, 'cells' | 'links'> {
  const f = lessonFigures(tally)
  const link = (metric: Metric) => { const q = new URLSearchParams(base); q.set('metric', metric); return `${LINK}?${q}` }
  const links: Record<string, string> = {}
  if (heldLink && tally.held) links.held = link('held')
  for (const x of LINKED) if (x.short(tally) > 0) links[x.key] = link(x.metric)
  return {
    cells: { held: f.held, topic: f.topic, homework: f.homework, homeworkOnTime: f.homeworkOnTime, marksOnTime: marked ? f.marksOnTime : null, attendance: f.attendance },
    links,
  }
}

function studentCells(f: StudentFigures | null): Row['cells'] {
  return { students: f?.students ?? null, none: f?.none ?? null, one: f?.one ?? null, share: f?.marksShare ?? null, stale: f?.stale ?? null }
}

function tallyOf(b: Bucket, roster: Map<number, Span[]> | undefined): StudentTally {
  const students: StudentMarks[] = []
  for (const [id, spans] of roster ?? []) {
    const m = b.marks.get(id)
    students.push({ id, spans, marks: m?.n ?? 0, last: m?.last ?? -1 })
  }
  return studentTally(b.dates, students)
}

const idOf = (key: string) => Number(key.slice(1))

async function buildControl(db: DB, ctx: ReportContext): Promise<Report> {
  const { filters, choices, scope } = ctx
  const to = heldUntil(filters, ctx.today)
  const set: LessonSet = {
    scope, yearId: filters.year.id, from: filters.range.from, to, teacherId: filters.teacherId, classId: filters.classId,
    subjectId: filters.subjectId, page: null,
  }
  const c = await collect(db, set, false)
  const subjectOrder = new Map(choices.subjects.map((s, i) => [s.id, i]))
  const subjectName = new Map(choices.subjects.map((s) => [s.id, s.name]))

  // Rows (teacher × page) and pages (class or group × subject): each lesson belongs to one of each. Per lesson
  // (by its index in c.lessons), its row and page, and its place among the page's lessons where marks are given.
  const pages = new Map<string, Page>()
  const rows = new Map<string, TeacherRow>()
  const n = c.lessons.length
  const rowOf: TeacherRow[] = [], pageOf: Page[] = []
  const pagePos = new Int32Array(n)
  c.lessons.forEach((l, i) => {
    const pageId = pageKey(l.classId, l.groupId, l.subjectId)
    let page = pages.get(pageId)
    if (!page) {
      const cls = classOf(l, c.labels)
      const rosterKey = l.classId !== null ? `c${l.classId}` : `g${l.groupId}`
      page = { id: pageId, rosterKey, classKey: cls !== null ? `c${cls}` : rosterKey, subjectId: l.subjectId, grade: gradeOf(l, c.labels),
        label: pageLabel(l, c.labels), bucket: newBucket(), progress: null }
      pages.set(pageId, page)
    }
    const rowKey = `${l.teacherId}|${pageId}`
    let row = rows.get(rowKey)
    if (!row) {
      const ref: PageRef = l.classId !== null ? { kind: 'class', id: l.classId } : { kind: 'group', id: l.groupId! }
      row = { teacherId: l.teacherId, page, ref, tally: emptyTally() }
      rows.set(rowKey, row)
    }
    rowOf.push(row)
    pageOf.push(page)
    pagePos[i] = !l.extracurricular && page.grade !== 1 ? page.bucket.dates.push(l.date) - 1 : -1
  })
  const pageList = [...pages.values()]
  const wholeSchool = scope.all && filters.classId === null && filters.teacherId === null && filters.subjectId === null
  const classIds = uniq(pageList.map((p) => (p.rosterKey[0] === 'c' ? idOf(p.rosterKey) : null)))
  const groupIds = uniq(pageList.map((p) => (p.rosterKey[0] === 'g' ? idOf(p.rosterKey) : null)))

  // Who belonged to each page, and every mark in the range's lessons, in one pass (a year holds ~860,000 marks).
  const rosterRows = await rosters(db, classIds, groupIds, filters.range.from, to)
  const roster = new Map<string, Map<number, Span[]>>()
  for (const r of rosterRows) {
    const m = roster.get(r.key) ?? roster.set(r.key, new Map()).get(r.key)!
    const spans = m.get(r.studentId) ?? m.set(r.studentId, []).get(r.studentId)!
    spans.push({ from: r.from, to: r.to })
  }
  const index = new Map(c.lessons.map((l, i) => [l.id, i]))
  const lessonMarks = new Int32Array(n)
  for (const { lessonId, students } of n ? await markedStudents(db, set) : []) {
    const i = index.get(lessonId)!
    for (const id of students.split(',')) {
      lessonMarks[i]++
      if (pagePos[i] >= 0) bump(pageOf[i].bucket, Number(id), pagePos[i])
    }
  }
  c.lessons.forEach((l, i) => addFacts(rowOf[i].tally, factsOf(c, l, lessonMarks[i])))

  // КТП progress of each page at the range's end, whoever gave its lessons (reusing the plan's own rule).
  const plans = new Map<string, PlanTopic[]>()
  for (const x of await planTopics(db, filters.year.id)) {
    const key = `${x.subjectId}:${x.grade}`
    ;(plans.get(key) ?? plans.set(key, []).get(key)!).push(x)
  }
  // Every teacher's lessons from the year's start are the pages' own lessons: no need to read them again.
  const fromStart = scope.all && filters.teacherId === null && filters.range.from <= filters.year.starts_on
  const coverage = fromStart
    ? c.lessons.map((l) => ({ classId: l.classId, groupId: l.groupId, subjectId: l.subjectId, planTopicId: l.planTopicId, held: l.extracurricular ? 0 : 1 }))
    : await planCoverage(db, filters.year, to, wholeSchool ? 'all' : { classIds, groupIds })
  const covered = new Map<string, { topics: Set<number>; held: number }>()
  for (const r of coverage) {
    const id = pageKey(r.classId, r.groupId, r.subjectId)
    const x = covered.get(id) ?? covered.set(id, { topics: new Set(), held: 0 }).get(id)!
    x.held += r.held
    if (r.planTopicId !== null) x.topics.add(r.planTopicId)
  }
  for (const p of pageList) {
    const plan = plans.get(`${p.subjectId}:${p.grade}`)
    const x = covered.get(p.id)
    if (plan) p.progress = progressOf(plan, x?.topics ?? new Set(), x?.held ?? 0)
  }

  // Per teacher.
  const teacherName = (id: number) => c.labels.teachers.get(id) ?? ''
  const classSort = (p: Page) => {
    const cls = p.classKey[0] === 'c' ? c.labels.classes.get(idOf(p.classKey)) : null
    return `${String(cls?.grade ?? 99).padStart(2, '0')}${cls?.label ?? ''}|${p.label}`
  }
  const sorted = [...rows.values()].sort((a, b) => teacherName(a.teacherId).localeCompare(teacherName(b.teacherId), 'ru') || a.teacherId - b.teacherId
    || classSort(a.page).localeCompare(classSort(b.page), 'ru') || (subjectOrder.get(a.page.subjectId) ?? 0) - (subjectOrder.get(b.page.subjectId) ?? 0))
  const base = rangeParams(filters)
  const narrowing = new URLSearchParams(base)
  if (filters.classId !== null) narrowing.set('class', String(filters.classId))
  if (filters.teacherId !== null) narrowing.set('teacher', String(filters.teacherId))
  if (filters.subjectId !== null) narrowing.set('subject', String(filters.subjectId))

  const teacherRows: Row[] = sorted.map((r) => {
    const q = new URLSearchParams(base)
    q.set('page', pageRefParam(r.ref))
    q.set('by', String(r.teacherId))
    q.set('subject', String(r.page.subjectId))
    const lessons = lessonCells(r.tally, q, true, r.page.grade !== 1)
    return { cells: { teacher: teacherName(r.teacherId), page: r.page.label, subject: subjectName.get(r.page.subjectId) ?? '', ...lessons.cells }, links: lessons.links }
  })
  const total = emptyTally()
  for (const r of rows.values()) addTally(total, r.tally)
  if (rows.size) {
    const lessons = lessonCells(total, narrowing, false, true)
    teacherRows.push({ strong: true, cells: { teacher: t('reports.control.total'), ...lessons.cells }, links: lessons.links })
  }

  // Per page: its students are assessed in the subject whoever gives the lessons, and the КТП is the page's.
  const teachersOf = new Map<Page, string[]>()
  for (const r of sorted) (teachersOf.get(r.page) ?? teachersOf.set(r.page, []).get(r.page)!).push(teacherName(r.teacherId))
  const pageTally = new Map(pageList.map((p) => [p, p.grade === 1 ? null : tallyOf(p.bucket, roster.get(p.rosterKey))]))
  const pageRows: Row[] = [...pageList].sort((a, b) => classSort(a).localeCompare(classSort(b), 'ru') || (subjectOrder.get(a.subjectId) ?? 0) - (subjectOrder.get(b.subjectId) ?? 0))
    .map((p) => {
      const students = pageTally.get(p)!
      return {
        cells: {
          page: p.label, subject: subjectName.get(p.subjectId) ?? '', teachers: [...new Set(teachersOf.get(p))].join(', '),
          ...studentCells(students ? studentFigures(students) : null), planDone: p.progress?.done ?? null, planBehind: p.progress?.behind ?? null,
        },
      }
    })

  // Per class: every subject of it within scope together; a student short in any subject counts once.
  const classes = new Map<string, { label: string; sort: string; tally: Tally; pages: Set<Page> }>()
  for (const r of sorted) {
    const p = r.page
    let k = classes.get(p.classKey)
    if (!k) {
      const cls = p.classKey[0] === 'c' ? c.labels.classes.get(idOf(p.classKey)) : null
      k = { label: cls?.label ?? p.label, sort: classSort(p), tally: emptyTally(), pages: new Set() }
      classes.set(p.classKey, k)
    }
    addTally(k.tally, r.tally)
    k.pages.add(p)
  }
  const classRows: Row[] = [...classes.entries()].sort((a, b) => a[1].sort.localeCompare(b[1].sort, 'ru')).map(([key, k]) => {
    const q = new URLSearchParams(narrowing)
    q.delete('class')
    q.set('page', pageRefParam(key[0] === 'c' ? { kind: 'classAll', id: idOf(key) } : { kind: 'group', id: idOf(key) }))
    const marked = [...k.pages].map((p) => pageTally.get(p)).filter((x): x is StudentTally => x !== null && x !== undefined)
    const students = emptyStudentTally()
    for (const x of marked) addStudentTally(students, x)
    const lessons = lessonCells(k.tally, q, true, marked.length > 0)
    const f = marked.length ? studentFigures(students) : null
    return {
      cells: {
        class: k.label, ...lessons.cells, students: f?.students ?? null, none: f?.none ?? null, one: f?.one ?? null,
        planBehind: [...k.pages].filter((p) => (p.progress?.behind ?? 0) > 0).length,
      },
      links: lessons.links,
    }
  })

  const lessonColumns = [column('held', 'int'), column('topic', 'pct'), column('homework', 'pct'), column('homeworkOnTime', 'pct'),
    column('marksOnTime', 'pct'), column('attendance', 'pct')]
  const subtitle = [filters.range.label, ...narrowingText(filters, choices)]
  if (to < filters.range.to) subtitle.push(t('reports.control.asOf', { date: fmtDate(to) }))
  const notes = [
    t('reports.control.notes.held'),
    t('reports.control.notes.homework', { minutes: c.settings.homework_grace_minutes }),
    t('reports.control.notes.marks', { days: c.settings.default_entry_days }),
    t('reports.control.notes.attendance'),
    t('reports.control.notes.students', { share: Math.round(MIN_MARKS_SHARE * 100), n: MAX_LESSONS_WITHOUT_MARK }),
    t('reports.control.notes.plan'),
    t('reports.control.notes.classes'),
    t('reports.control.notes.links'),
  ]
  if (!scope.all) notes.unshift(t('reports.control.notes.scope'))
  return {
    title: t('reports.control.title'),
    subtitle: subtitle.filter(Boolean).join(' · '),
    landscape: true,
    tables: [
      {
        title: t('reports.control.byTeacher'),
        columns: [column('teacher', 'text'), column('page', 'text'), column('subject', 'text'), ...lessonColumns],
        rows: teacherRows,
      },
      {
        title: t('reports.control.byPage'),
        columns: [column('page', 'text'), column('subject', 'text'), column('teachers', 'text'), column('students', 'int'), column('none', 'int'),
          column('one', 'int'), column('share', 'pct'), column('stale', 'int'), column('planDone', 'int'), column('planBehind', 'int')],
        rows: pageRows,
      },
      {
        title: t('reports.control.byClass'),
        columns: [column('class', 'text'), ...lessonColumns, column('students', 'int'), column('none', 'int'), column('one', 'int'),
          column('planBehind', 'int', 'classBehind')],
        rows: classRows,
      },
    ],
    notes,
  }
}

export const controlReport: ReportDef = {
  path: '/reports/control',
  titleKey: 'reports.control.title',
  introKey: 'reports.control.intro',
  ranges: ['week', 'period', 'year'],
  filters: ['class', 'teacher', 'subject'],
  build: buildControl,
}
