// The performance report (R-REP-3, 000 §9.2): success, quality and the average mark of a period or the year per
// class, grade, subject and teacher, the lists of excellent, one-«4», one-«3» and failing students, and the same
// figures for the previous period. Marks are the final marks set, else the finals page's forecast.
import type { DB } from '../../db/connection.js'
import type { ReportDef, ReportContext } from './reports.routes.js'
import { t } from '../../i18n/index.js'
import { addDays, fmtDate } from '../../lib/dates.js'
import { journalSettings } from '../../lib/school-settings.js'
import { shortName } from '../auth/auth.queries.js'
import { classLabel } from '../school/school.queries.js'
import type { FinalValue } from '../finals/finals.rules.js'
import type { Column, Report, ReportTable, Row } from './report.js'
import { periodLabel } from './reports.filters.js'
import { seesTeacher } from './reports.scope.js'
import * as q from './performance.queries.js'
import {
  addStudent, addValue, change, classify, countBetween, forecastPeriod, forecastYear, isFailing, isUnmarkedGrade, markFigures, markTally,
  mayReadPair, previousPeriod, segmentBounds, segmentsOf, studentFigures, studentTally,
  type Figures, type MarkTally, type PairView, type StudentTally, type Valued,
} from './performance.rules.js'

const dayAfter = (d: string) => addDays(d, 1)
/** One collator for every sort: localeCompare(…, 'ru') builds a new one on each call. */
const ru = new Intl.Collator('ru')
const FAR = '9999-12-31'

// ---------------------------------------------------------------------------------------------------------
// The values: one per student × subject, set or forecast

/** Where a student is counted: their class (for the previous range, their class now). */
interface Place { classId: number; grade: number }

interface Page {
  key: string
  classId: number | null
  groupId: number | null
  subjectId: number
  teachers: Set<number>
  /** Dates of the lessons that count, sorted (loaded only when a forecast needs them). */
  dates: string[]
}

interface Entry extends Valued { studentId: number; subjectId: number; page: Page }

interface Dataset {
  /** The students counted and where. */
  students: Map<number, Place>
  entries: Entry[]
  pages: Map<string, Page>
  /** Grades left out because they follow another scheme of periods. */
  otherScheme: number[]
  /** The day the roll is taken. */
  rollDay: string
}

interface RangeSpec {
  yearId: number
  from: string
  to: string
  /** The period asked for; null for the whole year. */
  period: q.PeriodRow | null
  periods: q.PeriodRow[]
  bands: q.BandRow[]
  today: string
  threshold: number
}

type Visible = (p: PairView) => boolean

const pageKey = (classId: number | null, groupId: number | null, subjectId: number) => (groupId !== null ? `g${groupId}` : `c${classId}:${subjectId}`)

/** A student × subject of the range: the pages the student belonged to and when, its final marks set, its forecasts. */
interface Pair {
  studentId: number
  subjectId: number
  place: Place
  on: { page: Page; from: string; to: string }[]
  /** The page it is reported under. */
  page: Page | null
  year: FinalValue | null
  attestation: FinalValue | null
  /** Period marks set, by period id. */
  periods: Map<number, FinalValue> | null
  /** Forecasts of periods not set, by period id. */
  forecasts: Map<number, FinalValue | null> | null
}

/**
 * Every visible student × subject of the range with its value: the set final mark, else the forecast.
 * `placeOf` puts a student in a class (null: not counted); without it, the class they belong to on the roll day.
 */
async function collect(db: DB, spec: RangeSpec, visible: Visible, placeOf?: (studentId: number) => Place | null): Promise<Dataset> {
  const { yearId, from, to } = spec
  const rollDay = spec.today < from ? from : spec.today > to ? to : spec.today
  const [enrolled, members, taught, load, finals] = await Promise.all([
    q.enrollments(db, yearId, from, to), q.memberships(db, yearId, from, to), q.pageTeachers(db, yearId, from, to), q.workload(db, yearId),
    spec.period ? q.periodMarks(db, yearId, [spec.period.id]) : q.yearMarks(db, yearId),
  ])
  const schemeOf = (grade: number) => spec.bands.find((b) => b.grade_from <= grade && grade <= b.grade_to)?.scheme ?? null
  const periodsOfGrade = new Map<number, q.PeriodRow[]>()
  const periodsOf = (grade: number) => periodsOfGrade.get(grade)
    ?? periodsOfGrade.set(grade, spec.periods.filter((p) => p.scheme === schemeOf(grade)).sort((a, b) => a.number - b.number)).get(grade)!

  // The roll: the enrollment that holds on the roll day (a promotion or graduation at the year's end still does).
  const latest = new Map<number, q.EnrollmentRow>()
  for (const e of enrolled) {
    const holds = e.fromDate <= rollDay && (e.toDate === null || e.toDate >= rollDay || e.reasonOut === 'promotion' || e.reasonOut === 'graduation')
    if (!holds) continue
    const prev = latest.get(e.studentId)
    if (!prev || prev.fromDate < e.fromDate) latest.set(e.studentId, e)
  }
  const places = new Map<number, Place>()
  const otherScheme = new Set<number>()
  for (const [id, e] of latest) {
    if (isUnmarkedGrade(e.grade)) continue
    if (spec.period && schemeOf(e.grade) !== spec.period.scheme) { otherScheme.add(e.grade); continue }
    const pl = placeOf ? placeOf(id) : { classId: e.classId, grade: e.grade }
    if (pl) places.set(id, pl)
  }

  // Pages with their teachers: timetabled in the range, and of record.
  const pages = new Map<string, Page>()
  const pageOf = (classId: number | null, groupId: number | null, subjectId: number): Page => {
    const key = pageKey(classId, groupId, subjectId)
    let p = pages.get(key)
    if (!p) pages.set(key, p = { key, classId: groupId === null ? classId : null, groupId, subjectId, teachers: new Set(), dates: [] })
    return p
  }
  for (const l of taught) pageOf(l.classId, l.groupId, l.subjectId).teachers.add(l.teacherId)
  const classPages = new Map<number, Page[]>()
  for (const p of pages.values()) if (p.classId !== null) (classPages.get(p.classId) ?? classPages.set(p.classId, []).get(p.classId)!).push(p)
  for (const w of load) if (w.classId !== null || w.groupId !== null) pageOf(w.classId, w.groupId, w.subjectId).teachers.add(w.teacherId)

  // Student × subject pairs: from the pages each student belonged to, and from the marks set.
  const pairs = new Map<number, Map<number, Pair>>()
  const pairOf = (studentId: number, subjectId: number): Pair | null => {
    const place = places.get(studentId)
    if (!place) return null
    const mine = pairs.get(studentId) ?? pairs.set(studentId, new Map()).get(studentId)!
    return mine.get(subjectId)
      ?? mine.set(subjectId, { studentId, subjectId, place, on: [], page: null, year: null, attestation: null, periods: null, forecasts: null }).get(subjectId)!
  }
  for (const e of enrolled) {
    if (!places.has(e.studentId)) continue
    for (const page of classPages.get(e.classId) ?? []) pairOf(e.studentId, page.subjectId)!.on.push({ page, from: e.fromDate, to: e.toDate ?? FAR })
  }
  for (const m of members) pairOf(m.studentId, m.subjectId)?.on.push({ page: pageOf(null, m.groupId, m.subjectId), from: m.fromDate, to: m.toDate ?? FAR })
  const setMark = (p: Pair, f: q.FinalRow) => {
    if (f.kind === 'year') p.year = f.value
    else if (f.kind === 'attestation') p.attestation = f.value
    else if (f.kind === 'period' && f.periodId !== null) (p.periods ??= new Map()).set(f.periodId, f.value)
  }
  for (const f of finals) { const p = pairOf(f.studentId, f.subjectId); if (p) setMark(p, f) }

  // The page a pair is reported under (its group, else its class's page, else a page of record with no lessons),
  // and whether the asker sees it.
  const visiblePairs: Pair[] = []
  const settle = (p: Pair) => {
    const own = latest.get(p.studentId)!
    p.page = p.on.find((o) => o.page.groupId !== null)?.page ?? p.on.find((o) => o.page.classId === own.classId)?.page ?? p.on[0]?.page
      ?? pageOf(own.classId, null, p.subjectId)
    if (visible({ classId: p.place.classId, grade: p.place.grade, subjectId: p.subjectId, teachers: p.page.teachers })) visiblePairs.push(p)
  }
  for (const mine of pairs.values()) for (const p of mine.values()) settle(p)

  // A year mark not set is proposed from the period marks and the attestation: read them for those students.
  if (!spec.period) {
    const lacking = new Set(visiblePairs.filter((p) => p.year === null).map((p) => p.studentId))
    const rows = await q.yearComponents(db, yearId, lacking.size === places.size ? null : [...lacking])
    for (const f of rows) {
      if (!lacking.has(f.studentId)) continue
      const known = pairs.get(f.studentId)?.has(f.subjectId) ?? false
      const p = pairOf(f.studentId, f.subjectId)
      if (!p) continue
      setMark(p, f)
      if (!known) settle(p)
    }
  }

  // What needs a forecast: a period not set (for the year: of a year mark not set) that has begun.
  const needs: { pair: Pair; period: q.PeriodRow }[] = []
  const need = (p: Pair, period: q.PeriodRow) => { if (period.starts_on <= spec.today && !p.periods?.has(period.id)) needs.push({ pair: p, period }) }
  for (const p of visiblePairs) {
    if (spec.period) need(p, spec.period)
    else if (p.year === null) for (const period of periodsOf(latest.get(p.studentId)!.grade)) need(p, period)
  }
  await forecastAll(db, spec, needs, pages)

  const entries: Entry[] = []
  const students = new Map<number, Place>()
  const entry = (p: Pair, value: FinalValue, forecast: boolean) => entries.push({ value, forecast, studentId: p.studentId, subjectId: p.subjectId, page: p.page! })
  for (const p of visiblePairs) {
    students.set(p.studentId, p.place)
    if (spec.period) {
      const set = p.periods?.get(spec.period.id)
      const f = set === undefined ? p.forecasts?.get(spec.period.id) ?? null : null
      if (set !== undefined) entry(p, set, false)
      else if (f !== null) entry(p, f, true)
    } else if (p.year !== null) entry(p, p.year, false)
    else {
      const parts = periodsOf(latest.get(p.studentId)!.grade).map((period) => p.periods?.get(period.id) ?? p.forecasts?.get(period.id) ?? null)
      const y = forecastYear(parts, p.attestation, spec.threshold)
      if (y !== null) entry(p, y, true)
    }
  }
  return { students, entries, pages, otherScheme: [...otherScheme].sort((a, b) => a - b), rollDay }
}

/**
 * The forecasts asked for, written into each pair. Per scheme of periods (quarters, half-years …: different
 * students, different dates): one grouped query over the marks and one over the absences, reading only the
 * lessons of the pages concerned; and the lesson dates, to count the lessons held.
 */
async function forecastAll(db: DB, spec: RangeSpec, list: { pair: Pair; period: q.PeriodRow }[], pages: Map<string, Page>): Promise<void> {
  if (!list.length) return
  const bySchemes = new Map<string, typeof list>()
  for (const n of list) (bySchemes.get(n.period.scheme) ?? bySchemes.set(n.period.scheme, []).get(n.period.scheme)!).push(n)
  const from = list.reduce((d, n) => (n.period.starts_on < d ? n.period.starts_on : d), list[0].period.starts_on)
  const dates = await q.pageDates(db, spec.yearId, from, spec.today)
  for (const d of dates) {
    const p = pages.get(pageKey(d.classId, d.groupId, d.subjectId))
    if (p) p.dates = d.dates.split(',').sort()
  }
  await Promise.all([...bySchemes.values()].map((group) => forecastScheme(db, spec, group)))
}

async function forecastScheme(db: DB, spec: RangeSpec, list: { pair: Pair; period: q.PeriodRow }[]): Promise<void> {
  const periods = [...new Map(list.map((n) => [n.period.id, n.period])).values()]
  const bounds = segmentBounds(periods, dayAfter)
  const pieceRange = new Map(periods.map((p) => [p.id, segmentsOf(bounds, p, dayAfter)]))
  const students = new Set<number>(), classes = new Set<number>(), groups = new Set<number>(), subjects = new Set<number>()
  for (const { pair } of list) {
    students.add(pair.studentId)
    subjects.add(pair.subjectId)
    for (const o of pair.on) {
      if (o.page.groupId !== null) groups.add(o.page.groupId)
      else if (o.page.classId !== null) classes.add(o.page.classId)
    }
  }
  const scope: q.ForecastScope = { studentIds: [...students], classIds: [...classes], groupIds: [...groups], subjectIds: [...subjects] }
  const [sums, absences] = await Promise.all([q.markSums(db, spec.yearId, bounds, scope), q.absenceCounts(db, spec.yearId, bounds, scope)])
  const pieces = bounds.length - 1
  const sumOf = new Map<number, Map<number, { sum: Float64Array; weight: Float64Array; absences: Float64Array }>>()
  const slot = (studentId: number, subjectId: number) => {
    const mine = sumOf.get(studentId) ?? sumOf.set(studentId, new Map()).get(studentId)!
    return mine.get(subjectId)
      ?? mine.set(subjectId, { sum: new Float64Array(pieces), weight: new Float64Array(pieces), absences: new Float64Array(pieces) }).get(subjectId)!
  }
  for (const s of sums) { const x = slot(s.studentId, s.subjectId); x.sum[s.piece] = Number(s.sum); x.weight[s.piece] = Number(s.weight) }
  for (const a of absences) slot(a.studentId, a.subjectId).absences[a.piece] = Number(a.n)
  for (const { pair, period } of list) {
    const [first, last] = pieceRange.get(period.id)!
    const x = sumOf.get(pair.studentId)?.get(pair.subjectId)
    let sum = 0, weight = 0, abs = 0
    for (let i = first; x && i <= last; i++) { sum += x.sum[i]; weight += x.weight[i]; abs += x.absences[i] }
    // Lessons held so far while the student belonged to each page, as the finals page counts them.
    const upTo = period.ends_on < spec.today ? period.ends_on : spec.today
    let held = 0
    for (const o of pair.on) held += countBetween(o.page.dates, o.from > period.starts_on ? o.from : period.starts_on, o.to < upTo ? o.to : upTo)
    ;(pair.forecasts ??= new Map()).set(period.id, forecastPeriod({ sum, weight, held, absences: abs }, spec.threshold))
  }
}

// ---------------------------------------------------------------------------------------------------------
// The tables

const L = (k: string) => t(`reports.performance.cols.${k}`)

function col(key: string, kind: Column['kind']): Column {
  return { key, label: L(key), kind }
}

const STUDENT_COLS = ['students', 'counted', 'excellent', 'good', 'oneThree', 'failing']
const MARK_COLS = ['values', 'five', 'four', 'three', 'two', 'na']
const FIGURE_COLS: Column[] = [col('success', 'pct'), col('quality', 'pct'), col('average', 'mark'), col('forecasts', 'int')]

/** A row of a main table, with what the comparison table needs of it. */
interface Line { row: Row; now: Figures; was: Figures | null }

function figureCells(f: Figures, forecasts: number): Row['cells'] {
  return { success: f.success, quality: f.quality, average: f.average, forecasts }
}

function studentLine(name: string, tl: StudentTally, was: StudentTally | undefined, link?: string, strong = false): Line {
  const cells: Row['cells'] = { name }
  for (const k of STUDENT_COLS) cells[k] = tl[k as keyof StudentTally]
  const now = studentFigures(tl)
  Object.assign(cells, figureCells(now, tl.forecasts))
  return { row: { cells, links: link ? { name: link } : undefined, strong }, now, was: was ? studentFigures(was) : null }
}

function markLine(name: string, tl: MarkTally, was: MarkTally | undefined, link?: string, strong = false): Line {
  const cells: Row['cells'] = { name }
  for (const k of MARK_COLS) cells[k] = tl[k as keyof MarkTally]
  const now = markFigures(tl)
  Object.assign(cells, figureCells(now, tl.forecasts))
  return { row: { cells, links: link ? { name: link } : undefined, strong }, now, was: was ? markFigures(was) : null }
}

function table(title: string, nameLabel: string, counts: string[], lines: Line[]): ReportTable {
  return { title, columns: [{ key: 'name', label: nameLabel, kind: 'text' }, ...counts.map((k) => col(k, 'int')), ...FIGURE_COLS], rows: lines.map((l) => l.row) }
}

/** The comparison: each main table's rows (its section named on the first), now, before and the change. */
function comparisonTable(title: string, sections: { heading: string; lines: Line[] }[]): ReportTable {
  const rows: Row[] = []
  for (const s of sections) {
    s.lines.forEach((l, i) => {
      const { now, was } = l
      rows.push({
        strong: l.row.strong,
        cells: {
          section: i === 0 ? s.heading : '',
          name: l.row.cells.subject ? `${l.row.cells.name}, ${l.row.cells.subject}` : l.row.cells.name,
          success: now.success, successWas: was?.success ?? null, successChange: change(now.success, was?.success ?? null, 1),
          quality: now.quality, qualityWas: was?.quality ?? null, qualityChange: change(now.quality, was?.quality ?? null, 1),
          average: now.average, averageWas: was?.average ?? null, averageChange: change(now.average, was?.average ?? null, 2),
        },
      })
    })
  }
  return {
    title, rows,
    // Shorter headings than the main tables': ten columns must fit a screen.
    columns: [col('section', 'text'), { ...col('compared', 'text'), key: 'name' }, col('success', 'pct'), col('successWas', 'pct'), col('successChange', 'pct'),
      { ...col('qualityNow', 'pct'), key: 'quality' }, col('qualityWas', 'pct'), col('qualityChange', 'pct'),
      { ...col('averageNow', 'mark'), key: 'average' }, col('averageWas', 'mark'), col('averageChange', 'mark')],
  }
}

/** Per student counted: their entries. */
function byStudent(d: Dataset): Map<number, Entry[]> {
  const out = new Map<number, Entry[]>()
  for (const id of d.students.keys()) out.set(id, [])
  for (const e of d.entries) out.get(e.studentId)?.push(e)
  return out
}

/** Student tallies by a key of the student's place. */
function tallyStudents(d: Dataset | null, key: (p: Place) => number): Map<number, StudentTally> {
  const out = new Map<number, StudentTally>()
  if (!d) return out
  for (const [id, list] of byStudent(d)) {
    const k = key(d.students.get(id)!)
    addStudent(out.get(k) ?? out.set(k, studentTally()).get(k)!, list)
  }
  return out
}

/** Value tallies by keys of an entry (an entry may count for several keys: a page with two teachers). */
function tallyValues<K>(d: Dataset | null, keys: (e: Entry) => K[]): Map<K, MarkTally> {
  const out = new Map<K, MarkTally>()
  if (!d) return out
  for (const e of d.entries) for (const k of keys(e)) addValue(out.get(k) ?? out.set(k, markTally()).get(k)!, e)
  return out
}

function total<T extends object>(tallies: Iterable<T>, make: () => T): T {
  const sum = make() as Record<string, number>
  for (const tl of tallies) for (const [k, v] of Object.entries(tl)) sum[k] += v as number
  return sum as T
}

// ---------------------------------------------------------------------------------------------------------
// The report

/** The previous period of the scheme, or the previous year, with the same students counted in their classes of now. */
async function previous(db: DB, spec: RangeSpec, yearName: string, yearStarts: string, cur: Dataset, visible: Visible): Promise<{ data: Dataset; label: string } | null> {
  const now = (id: number) => cur.students.get(id) ?? null
  if (spec.period) {
    const p = previousPeriod(spec.periods, spec.period)
    if (!p) return null
    return { data: await collect(db, { ...spec, from: p.starts_on, to: p.ends_on, period: p }, visible, now), label: `${periodLabel(p)} ${yearName}` }
  }
  const py = await q.previousYear(db, yearStarts)
  if (!py) return null
  const { periods, bands } = await q.calendar(db, py.id)
  const data = await collect(db, { ...spec, yearId: py.id, from: py.starts_on, to: py.ends_on, periods, bands }, visible, now)
  return { data, label: t('reports.range.year', { year: py.name }) }
}

/** What the tables name: classes, groups, subjects, people, in the school's order. */
interface Naming {
  classOf: Map<number, q.ClassInfo>
  groupOf: Map<number, q.GroupRow>
  classLabel(id: number): string
  subject(id: number): string
  subjectOrder(id: number): number
  student(id: number): string
  teacher(id: number): string
  byClass(a: number, b: number): number
}

async function naming(db: DB, ctx: ReportContext, cur: Dataset): Promise<Naming> {
  const { scope, choices, filters } = ctx
  const teacherIds = new Set<number>()
  for (const e of cur.entries) for (const id of e.page.teachers) if (seesTeacher(scope, id)) teacherIds.add(id)
  const [classRows, groupRows, people] = await Promise.all([
    q.classes(db, filters.year.id), q.groups(db, filters.year.id), q.names(db, [...teacherIds, ...cur.students.keys()]),
  ])
  const classOf = new Map(classRows.map((c) => [c.id, c]))
  const person = new Map(people.map((p) => [p.id, p]))
  const subjectName = new Map(choices.subjects.map((s) => [s.id, s.name]))
  const subjectOrder = new Map(choices.subjects.map((s, i) => [s.id, i]))
  const studentNames = new Map(people.map((p) => [p.id, `${p.last_name} ${p.first_name}`]))
  return {
    classOf, groupOf: new Map(groupRows.map((g) => [g.id, g])),
    classLabel: (id) => { const c = classOf.get(id); return c ? classLabel(c.grade, c.letter) : '' },
    subject: (id) => subjectName.get(id) ?? '',
    subjectOrder: (id) => subjectOrder.get(id) ?? 0,
    student: (id) => studentNames.get(id) ?? '',
    teacher: (id) => { const p = person.get(id); return p ? shortName(p) : '' },
    byClass: (a, b) => { const x = classOf.get(a), y = classOf.get(b); return (x?.grade ?? 0) - (y?.grade ?? 0) || ru.compare(x?.letter ?? '', y?.letter ?? '') },
  }
}

/** The tables of figures — classes, grades, subjects, teachers, and the pages when the view is narrow — and the comparison. */
function figureTables(ctx: ReportContext, cur: Dataset, prev: Dataset | null, n: Naming, comparisonTitle: string): ReportTable[] {
  const { filters, scope, choices } = ctx
  const link = (extra: Record<string, number>) => {
    const qs = new URLSearchParams({ year: String(filters.year.id), range: filters.range.kind })
    if (filters.range.period) qs.set('period', String(filters.range.period.id))
    const kept: Record<string, number | null> = { class: filters.classId, teacher: filters.teacherId, subject: filters.subjectId, grade: filters.grade }
    for (const [k, v] of Object.entries({ ...kept, ...extra })) if (v !== null) qs.set(k, String(v))
    return `${performanceReport.path}?${qs}`
  }
  // The whole school only when nothing narrows the view.
  const whole = scope.all && filters.classId === null && filters.grade === null && filters.subjectId === null && filters.teacherId === null
  const totalLabel = t(whole ? 'reports.performance.totalSchool' : 'reports.performance.total')
  const totalOf = <T extends object>(keys: unknown[], now: Map<unknown, T>, was: Map<unknown, T>, make: () => T, line: (name: string, tl: T, w: T | undefined, link: undefined, strong: boolean) => Line) =>
    keys.length > 1 ? [line(totalLabel, total(now.values(), make), prev ? total(was.values(), make) : undefined, undefined, true)] : []

  const classNow = tallyStudents(cur, (p) => p.classId), classWas = tallyStudents(prev, (p) => p.classId)
  const classIds = [...classNow.keys()].sort(n.byClass)
  const offersClass = (id: number) => filters.classId === null && choices.classes.some((c) => c.id === id)
  const classLines = [
    ...classIds.map((id) => studentLine(n.classLabel(id), classNow.get(id)!, classWas.get(id), offersClass(id) ? link({ class: id }) : undefined)),
    ...totalOf(classIds, classNow, classWas, studentTally, studentLine),
  ]
  const gradeNow = tallyStudents(cur, (p) => p.grade), gradeWas = tallyStudents(prev, (p) => p.grade)
  const grades = [...gradeNow.keys()].sort((a, b) => a - b)
  const offersGrade = (g: number) => filters.grade === null && choices.grades.includes(g)
  const gradeLines = [
    ...grades.map((g) => studentLine(t('reports.performance.gradeLabel', { n: g }), gradeNow.get(g)!, gradeWas.get(g), offersGrade(g) ? link({ grade: g }) : undefined)),
    ...totalOf(grades, gradeNow, gradeWas, studentTally, studentLine),
  ]
  const subjNow = tallyValues(cur, (e) => [e.subjectId]), subjWas = tallyValues(prev, (e) => [e.subjectId])
  const subjects = [...subjNow.keys()].sort((a, b) => n.subjectOrder(a) - n.subjectOrder(b))
  const subjectLines = [
    ...subjects.map((id) => markLine(n.subject(id), subjNow.get(id)!, subjWas.get(id), filters.subjectId === null ? link({ subject: id }) : undefined)),
    ...totalOf(subjects, subjNow, subjWas, markTally, markLine),
  ]
  // Another teacher's row is shown only to those who see every teacher.
  const teachersOf = (e: Entry) => [...e.page.teachers].filter((id) => seesTeacher(scope, id))
  const teachNow = tallyValues(cur, teachersOf), teachWas = tallyValues(prev, teachersOf)
  const teachers = [...teachNow.keys()].sort((a, b) => ru.compare(n.teacher(a), n.teacher(b)))
  const offersTeacher = (id: number) => filters.teacherId === null && choices.teachers.some((x) => x.id === id)
  const teacherLines = teachers.map((id) => markLine(n.teacher(id), teachNow.get(id)!, teachWas.get(id), offersTeacher(id) ? link({ teacher: id }) : undefined))

  const tables = [
    table(t('reports.performance.tables.classes'), L('class'), STUDENT_COLS, classLines),
    table(t('reports.performance.tables.grades'), L('grade'), STUDENT_COLS, gradeLines),
    table(t('reports.performance.tables.subjects'), L('subject'), MARK_COLS, subjectLines),
    table(t('reports.performance.tables.teachers'), L('teacher'), MARK_COLS, teacherLines),
  ]

  // Class (group) × subject, when the view is narrow enough to read it: one teacher, one class, or one's own.
  let pageLines: Line[] = []
  if (filters.teacherId !== null || filters.classId !== null || !scope.all) {
    const pageNow = tallyValues(cur, (e) => [e.page.key]), pageWas = tallyValues(prev, (e) => [e.page.key])
    const classOfPage = (p: Page) => (p.groupId === null ? p.classId : n.groupOf.get(p.groupId)?.classId ?? null)
    const pageLabel = (p: Page) => {
      if (p.groupId === null) return n.classLabel(p.classId!)
      const g = n.groupOf.get(p.groupId)
      return g ? (g.classId !== null ? `${n.classLabel(g.classId)}, ${g.name}` : g.name) : ''
    }
    const pages = [...pageNow.keys()].map((k) => cur.pages.get(k)!).sort((a, b) => {
      const ca = classOfPage(a), cb = classOfPage(b)
      return (ca === null ? 1 : 0) - (cb === null ? 1 : 0) || (ca !== null && cb !== null ? n.byClass(ca, cb) : 0)
        || n.subjectOrder(a.subjectId) - n.subjectOrder(b.subjectId) || ru.compare(pageLabel(a), pageLabel(b))
    })
    pageLines = pages.map((p) => {
      const line = markLine(pageLabel(p), pageNow.get(p.key)!, pageWas.get(p.key))
      line.row.cells.subject = n.subject(p.subjectId)
      return line
    })
    const tb = table(t('reports.performance.tables.pages'), L('page'), MARK_COLS, pageLines)
    tb.columns.splice(1, 0, { key: 'subject', label: L('subject'), kind: 'text' })
    tables.push(tb)
  }
  if (prev) {
    tables.push(comparisonTable(comparisonTitle, [
      { heading: t('reports.performance.sections.classes'), lines: classLines },
      { heading: t('reports.performance.sections.grades'), lines: gradeLines },
      { heading: t('reports.performance.sections.subjects'), lines: subjectLines },
      { heading: t('reports.performance.sections.teachers'), lines: teacherLines },
      { heading: t('reports.performance.sections.pages'), lines: pageLines },
    ]))
  }
  return tables
}

/** The lists of students: only 5s, one 4, one 3, failing — each with where the marks come from. */
function studentLists(cur: Dataset, n: Naming): ReportTable[] {
  const students = [...byStudent(cur)].map(([id, list]) => ({
    id, list, name: n.student(id), classId: cur.students.get(id)!.classId, category: classify(list.map((e) => e.value)),
  })).sort((a, b) => n.byClass(a.classId, b.classId) || ru.compare(a.name, b.name) || a.id - b.id)
  const bySubject = (a: Entry, b: Entry) => n.subjectOrder(a.subjectId) - n.subjectOrder(b.subjectId)
  const list = (key: string, extra: string | null, pick: (s: (typeof students)[number]) => string | null): ReportTable => {
    const rows: Row[] = []
    for (const s of students) {
      const what = pick(s)
      if (what === null) continue
      rows.push({ cells: { no: rows.length + 1, student: s.name, class: n.classLabel(s.classId), extra: what, source: sourceOf(s.list) } })
    }
    return {
      title: t(`reports.performance.tables.${key}`), rows, empty: t('reports.performance.emptyList'),
      columns: [col('no', 'int'), col('student', 'text'), col('class', 'text'), ...(extra ? [{ key: 'extra', label: L(extra), kind: 'text' as const }] : []), col('source', 'text')],
    }
  }
  const single = (value: FinalValue) => (s: (typeof students)[number]) => {
    const those = s.list.filter((e) => e.value === value)
    return those.length === 1 ? n.subject(those[0].subjectId) : null
  }
  return [
    list('excellent', null, (s) => (s.category === 'excellent' ? '' : null)),
    list('oneFour', 'subject', (s) => (s.category === 'good' ? single('4')(s) : null)),
    list('oneThree', 'subject', (s) => (s.category === 'oneThree' ? single('3')(s) : null)),
    list('failing', 'failedSubjects', (s) => (s.category !== 'failing' ? null
      : s.list.filter((e) => isFailing(e.value)).sort(bySubject).map((e) => `${n.subject(e.subjectId)} — ${e.value}`).join('; '))),
  ]
}

function sourceOf(list: readonly Valued[]): string {
  const k = list.filter((v) => v.forecast).length
  return t(`reports.performance.source.${k === 0 ? 'set' : k === list.length ? 'forecast' : 'mixed'}`)
}

async function build(db: DB, ctx: ReportContext): Promise<Report | null> {
  const { filters, scope, choices, today } = ctx
  const year = filters.year
  const { rounding_threshold: threshold } = await journalSettings(db)
  const cal = await q.calendar(db, year.id)
  const period = filters.range.kind === 'period' && filters.range.period ? cal.periods.find((p) => p.id === filters.range.period!.id) ?? null : null
  const spec: RangeSpec = { yearId: year.id, from: filters.range.from, to: filters.range.to, period, periods: cal.periods, bands: cal.bands, today, threshold }
  const visible: Visible = (p) => mayReadPair(scope, filters, p)
  const cur = await collect(db, spec, visible)
  const prev = await previous(db, spec, year.name, year.starts_on, cur, visible)
  const n = await naming(db, ctx, cur)
  const tables = [
    ...figureTables(ctx, cur, prev?.data ?? null, n, t(`reports.performance.tables.${period ? 'comparePeriod' : 'compareYear'}`)),
    ...studentLists(cur, n),
  ]

  // What the figures cover and where they come from.
  const forecasts = cur.entries.filter((e) => e.forecast).length
  const narrowing = [
    filters.grade !== null ? t('reports.performance.gradeLabel', { n: filters.grade }) : null,
    filters.classId !== null ? n.classLabel(filters.classId) : null,
    filters.subjectId !== null ? n.subject(filters.subjectId) : null,
    filters.teacherId !== null ? choices.teachers.find((x) => x.id === filters.teacherId)?.name ?? null : null,
  ].filter((x): x is string => x !== null)
  const subtitle = [
    [filters.range.label, ...narrowing].join(', ') + '.',
    t(`reports.performance.subtitle.${period ? 'sourcePeriod' : 'sourceYear'}`, { set: cur.entries.length - forecasts, forecast: forecasts }),
    prev ? t('reports.performance.subtitle.compare', { label: prev.label }) : t('reports.performance.subtitle.noCompare'),
  ].join(' ')
  const notes = [
    t('reports.performance.notes.definitions'),
    period ? t('reports.performance.notes.forecastPeriod', { threshold: String(threshold).replace('.', ',') }) : t('reports.performance.notes.forecastYear'),
    t('reports.performance.notes.roster', { date: fmtDate(cur.rollDay) }),
    ...(cur.otherScheme.length ? [t('reports.performance.notes.otherScheme', { grades: cur.otherScheme.join(', ') })] : []),
    ...(prev ? [t('reports.performance.notes.compare', { label: prev.label })] : []),
    t('reports.performance.notes.teachers'),
    ...(scope.all ? [] : [t(scope.classIds.length ? 'reports.performance.notes.scopeClassTeacher' : 'reports.performance.notes.scopeTeacher')]),
  ]
  return { title: t('reports.performance.title'), subtitle, tables, notes, landscape: true }
}

export const performanceReport: ReportDef = {
  path: '/reports/performance',
  titleKey: 'reports.performance.title',
  introKey: 'reports.performance.intro',
  ranges: ['period', 'year'],
  filters: ['class', 'teacher', 'subject', 'grade'],
  build,
}
