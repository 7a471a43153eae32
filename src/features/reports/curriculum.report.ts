// The curriculum fulfilment report (R-REP-5, 002 §9.2 «о выполнении учебных планов»): hours owed by the
// curriculum against lessons held, per class × subject (subgroups apart), per teacher and per class, with the
// КТП progress; for a period still running, also the plan to date, so that a lag shows now.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { plural, t } from '../../i18n/index.js'
import { fmtDate } from '../../lib/dates.js'
import { classLabel } from '../school/school.rules.js'
import { pct, type Column, type Report, type Row } from './report.js'
import type { ReportContext, ReportDef } from './reports.routes.js'
import { seesClass } from './reports.scope.js'
import { calendarOf, heldCounts, namesOf, planOf, topicsDone, type Calendar } from './curriculum.queries.js'
import {
  heldOn, heldUpTo, ownersOf, pagesOf, plannedHours, schoolTime, tallyTeachers, weeksOf, type Page, type SchoolTime,
} from './curriculum.rules.js'

const K = 'reports.curriculum'
/** One Russian collator: String.localeCompare with a locale builds one per call, too slow for a school's rows. */
const ru = new Intl.Collator('ru').compare

export const curriculumReport: ReportDef = {
  path: '/reports/curriculum',
  titleKey: `${K}.title`,
  introKey: `${K}.intro`,
  ranges: ['period', 'year'],
  filters: ['class', 'teacher', 'subject'],
  build: buildCurriculum,
}

/** Planned hours of a page for the whole range and up to today (null outside the curriculum). */
interface Figures { planned: number | null; toDate: number | null; held: number }

/** The school time of a grade, cached: every class of a grade shares it. */
function timeOf(cal: Calendar) {
  const cache = new Map<string, SchoolTime>()
  const periodsOf = (grade: number) => {
    const band = cal.bands.find((b) => b.grade_from <= grade && grade <= b.grade_to)
    return band ? cal.periods.filter((p) => p.scheme === band.scheme) : []
  }
  return (from: string, to: string, grade: number, perWeek: 5 | 6): SchoolTime => {
    const key = `${from}:${to}:${grade}:${perWeek}`
    let v = cache.get(key)
    if (!v) cache.set(key, (v = schoolTime(from, to, grade, periodsOf(grade), cal.holidays, perWeek)))
    return v
  }
}

/** «7,8» weeks; whole weeks without a decimal. */
const fmtWeeks = (w: number) => String(Math.round(w * 10) / 10).replace('.', ',')

/** «1 кл. — 7,6; 2–11 кл. — 8»: the weeks of study per grade, equal neighbours merged. */
function weeksNote(grades: number[], weeks: (g: number) => number): string {
  const parts: { from: number; to: number; w: string }[] = []
  for (const g of [...new Set(grades)].sort((a, b) => a - b)) {
    const w = fmtWeeks(weeks(g))
    const last = parts[parts.length - 1]
    if (last && last.w === w && last.to === g - 1) last.to = g
    else parts.push({ from: g, to: g, w })
  }
  return parts.map((p) => t(`${K}.weeks`, { grades: p.from === p.to ? String(p.from) : `${p.from}–${p.to}`, weeks: p.w })).join('; ')
}

async function buildCurriculum(db: Kysely<Database>, ctx: ReportContext): Promise<Report> {
  const { filters: f, scope, today, choices } = ctx
  const { from, to } = f.range
  const upTo = heldUpTo(to, today)
  // A range not yet over is judged against its plan to date.
  const running = today < to
  const [plan, cal, held, done] = await Promise.all([
    planOf(db, f.year.id), calendarOf(db, f.year.id, from, to),
    heldCounts(db, scope, f.year.id, from, upTo), topicsDone(db, scope, f.year.id, upTo),
  ])
  const pages = pagesOf({ ...plan, held })
  const classes = new Map(plan.classes.map((c) => [c.id, c]))
  const groups = new Map(plan.groups.map((g) => [g.id, g]))
  const time = timeOf(cal)
  const perWeek = (p: Page): 5 | 6 => (p.ofClass !== null ? cal.sixDayClasses.has(p.ofClass) : p.groupId !== null && cal.sixDayGroups.has(p.groupId)) ? 6 : 5

  // What the asker may see: every page for the administration; else the pages of the classes they lead and
  // the pages they teach (their own lessons are already the only ones counted, see heldCounts).
  const me = scope.all ? null : scope.teacherId
  const teaches = (p: Page, id: number) => p.workload.includes(id) || p.held.some((h) => h.teacherId === id)
  const visible = (p: Page) => scope.all || (p.ofClass !== null && seesClass(scope, p.ofClass)) || teaches(p, scope.teacherId)
  const narrowed = (p: Page) => (f.classId === null || p.ofClass === f.classId) && (f.subjectId === null || p.subjectId === f.subjectId)
  const shown = pages.filter((p) => visible(p) && narrowed(p) && (f.teacherId === null || teaches(p, f.teacherId)))

  const figures = new Map<Page, Figures>()
  for (const p of shown) {
    const wk = perWeek(p)
    figures.set(p, {
      planned: p.hours === null ? null : plannedHours(p.hours, time(from, to, p.grade, wk)),
      toDate: p.hours === null ? null : plannedHours(p.hours, time(from, upTo, p.grade, wk)),
      held: heldOn(p),
    })
  }
  const orderOf = (p: Page) => {
    const c = p.ofClass !== null ? classes.get(p.ofClass) : undefined
    const g = p.groupId !== null ? groups.get(p.groupId) : undefined
    return { grade: c ? c.grade : 100 + p.grade, letter: c?.letter ?? '', sort: plan.subjects.get(p.subjectId)?.sort ?? 0, subject: plan.subjects.get(p.subjectId)?.name ?? '', group: g?.name ?? '' }
  }
  const order = new Map(shown.map((p) => [p, orderOf(p)]))
  shown.sort((a, b) => {
    const x = order.get(a)!, y = order.get(b)!
    return x.grade - y.grade || ru(x.letter, y.letter) || x.sort - y.sort || ru(x.subject, y.subject) || ru(x.group, y.group)
  })

  // Per teacher: the plan of the pages they answer for, and every lesson they taught or were timetabled for.
  const rawShown = held.filter((h) => {
    const ofClass = h.groupId !== null ? groups.get(h.groupId)?.class_id ?? null : h.classId
    return (f.classId === null || ofClass === f.classId) && (f.subjectId === null || h.subjectId === f.subjectId)
  })
  const tally = tallyTeachers(rawShown)
  const owned = new Map<number, Page[]>()
  for (const p of shown) for (const id of ownersOf(p)) owned.get(id)?.push(p) ?? owned.set(id, [p])
  const only = f.teacherId ?? me
  const teacherIds = [...new Set([...owned.keys(), ...tally.keys()])].filter((id) => only === null || id === only)
  const ids = new Set<number>(teacherIds)
  for (const p of shown) for (const h of p.held) { ids.add(h.teacherId); if (h.substituteId !== null) ids.add(h.substituteId) }
  for (const p of shown) for (const id of p.workload) ids.add(id)
  const names = await namesOf(db, [...ids])
  const short = (id: number) => names.get(id)?.short ?? ''

  // Columns: a running range shows the plan to date, against which the difference and the percentage go.
  const dateLabel = fmtDate(upTo)
  const figureCols: Column[] = [
    { key: 'planned', label: t(`${K}.col.planned`), kind: 'int' },
    ...(running ? [{ key: 'toDate', label: t(`${K}.col.plannedTo`, { date: dateLabel.slice(0, 5) }), kind: 'int' as const }] : []),
    { key: 'held', label: t(`${K}.col.held`), kind: 'int' },
    { key: 'diff', label: t(`${K}.col.diff`), kind: 'int' },
    { key: 'pct', label: t(`${K}.col.pct`), kind: 'pct' },
  ]
  const figureCells = (x: Figures) => {
    const base = running ? x.toDate : x.planned
    return {
      planned: x.planned, toDate: x.toDate, held: x.held,
      diff: base === null ? null : x.held - base, pct: base === null ? null : pct(x.held, base),
    }
  }
  const sum = (list: Figures[]): Figures => list.reduce((s, x) => ({
    planned: (s.planned ?? 0) + (x.planned ?? 0), toDate: (s.toDate ?? 0) + (x.toDate ?? 0), held: s.held + x.held,
  }), { planned: 0, toDate: 0, held: 0 } as Figures)

  // Drill-down to the same report narrowed to a class or a teacher, when the filter offers it.
  const base = new URLSearchParams({ year: String(f.year.id), range: f.range.kind })
  if (f.range.period) base.set('period', String(f.range.period.id))
  const narrowTo = (name: string, id: number) => {
    const q = new URLSearchParams(base)
    for (const [k, v] of [['class', f.classId], ['teacher', f.teacherId], ['subject', f.subjectId]] as const) if (v !== null) q.set(k, String(v))
    q.set(name, String(id))
    return `${curriculumReport.path}?${q}`
  }

  // 1. Class × subject.
  const pageRows: Row[] = shown.map((p) => {
    const x = figures.get(p)!
    const c = p.ofClass !== null ? classes.get(p.ofClass) : undefined
    const g = p.groupId !== null ? groups.get(p.groupId) : undefined
    const subject = plan.subjects.get(p.subjectId) ?? { name: '', short: '' }
    // A group's name usually says its subject («Английский язык, 1 гр.», «5А Англ. яз. (1 гр.)»): not said twice.
    const named = (n: string) => (subject.name && n.includes(subject.name)) || (subject.short && n.includes(subject.short))
    const what = g ? (named(g.name) ? g.name : `${subject.name}, ${g.name}`) : subject.name
    const teachers = [...new Set([...p.workload, ...p.held.map((h) => h.teacherId)])].map(short).sort((a, b) => ru(a, b))
    const subs = new Map<number, number>()
    for (const h of p.held) if (h.substituteId !== null && h.substituteId !== h.teacherId) subs.set(h.substituteId, (subs.get(h.substituteId) ?? 0) + h.n)
    const subsText = [...subs].sort((a, b) => b[1] - a[1]).map(([id, n]) => t(`${K}.substitute`, { name: short(id), n })).join(', ')
    const topics = plan.topics.get(`${p.subjectId}:${p.grade}`) ?? 0
    const taken = done.get(p.key) ?? 0
    const journal = p.groupId !== null ? `/journal/group/${p.groupId}` : `/journal/class/${p.classId}/${p.subjectId}`
    return {
      cells: {
        class: c ? classLabel(c.grade, c.letter) : t(`${K}.gradeLabel`, { grade: p.grade }),
        subject: what,
        teachers: [teachers.join(', '), subsText ? t(`${K}.substitutes`, { list: subsText }) : ''].filter(Boolean).join('; '),
        perWeek: p.hours,
        ...figureCells(x),
        ktp: topics ? t(`${K}.ktp`, { done: taken, total: topics, topics: plural(topics, [t(`${K}.topicForms.one`), t(`${K}.topicForms.few`), t(`${K}.topicForms.many`)]) }) : '',
      },
      links: { held: journal },
    }
  })

  // 2. Per teacher.
  const teacherRows: Row[] = teacherIds
    .map((id) => {
      const mine = (owned.get(id) ?? []).filter((p) => p.hours !== null).map((p) => figures.get(p)!)
      const x = mine.length ? sum(mine) : { planned: null, toDate: null, held: 0 }
      const tl = tally.get(id) ?? { taught: 0, gave: 0, gaveAway: 0 }
      const row: Row = {
        cells: { teacher: names.get(id)?.full ?? '', ...figureCells(x), byOthers: tl.gaveAway, taught: tl.taught, gave: tl.gave },
      }
      if (choices.teachers.some((c) => c.id === id) && f.teacherId === null) row.links = { teacher: narrowTo('teacher', id) }
      return row
    })
    .sort((a, b) => ru(String(a.cells.teacher), String(b.cells.teacher)))

  // 3. Per class, and the total: pages with a plan only.
  const planned = shown.filter((p) => p.hours !== null)
  const byClass = new Map<number, Figures[]>()
  for (const p of planned) byClass.get(p.ofClass!)?.push(figures.get(p)!) ?? byClass.set(p.ofClass!, [figures.get(p)!])
  const classRows: Row[] = plan.classes.filter((c) => byClass.has(c.id))
    .sort((a, b) => a.grade - b.grade || ru(a.letter, b.letter))
    .map((c) => {
      const row: Row = { cells: { class: classLabel(c.grade, c.letter), ...figureCells(sum(byClass.get(c.id)!)) } }
      if (f.classId === null && choices.classes.some((x) => x.id === c.id)) row.links = { class: narrowTo('class', c.id) }
      return row
    })
  const whole = scope.all && f.classId === null && f.teacherId === null && f.subjectId === null
  if (classRows.length) {
    classRows.push({ strong: true, cells: { class: t(whole ? `${K}.school` : `${K}.total`), ...figureCells(sum(planned.map((p) => figures.get(p)!))) } })
  }

  const subtitle = [
    f.range.label,
    f.classId !== null ? choices.classes.find((c) => c.id === f.classId)?.label : null,
    f.subjectId !== null ? choices.subjects.find((s) => s.id === f.subjectId)?.name : null,
    f.teacherId !== null ? choices.teachers.find((x) => x.id === f.teacherId)?.name : null,
    running ? t(`${K}.onDate`, { date: dateLabel }) : null,
  ].filter(Boolean).join(', ')

  const grades = shown.filter((p) => p.hours !== null).map((p) => p.grade)
  const notes = [
    t(`${K}.notes.planned`, { weeks: grades.length ? weeksNote(grades, (g) => weeksOf(time(from, to, g, 5))) : '—' }),
    ...(running ? [t(`${K}.notes.plannedTo`, { date: dateLabel })] : []),
    t(`${K}.notes.held`), t(`${K}.notes.groups`), t(`${K}.notes.ktp`, { date: dateLabel }), t(`${K}.notes.teachers`),
  ]

  return {
    title: t(`${K}.title`),
    subtitle,
    landscape: true,
    notes,
    tables: [
      {
        title: t(`${K}.tables.pages`),
        columns: [
          { key: 'class', label: t(`${K}.col.class`), kind: 'text' },
          { key: 'subject', label: t(`${K}.col.subject`), kind: 'text' },
          { key: 'teachers', label: t(`${K}.col.teachers`), kind: 'text' },
          { key: 'perWeek', label: t(`${K}.col.perWeek`), kind: 'int' },
          ...figureCols,
          { key: 'ktp', label: t(`${K}.col.ktp`), kind: 'text' },
        ],
        rows: pageRows,
      },
      {
        title: t(`${K}.tables.teachers`),
        columns: [
          { key: 'teacher', label: t(`${K}.col.teacher`), kind: 'text' },
          ...figureCols.slice(0, running ? 2 : 1),
          { key: 'held', label: t(`${K}.col.held`), kind: 'int' },
          { key: 'byOthers', label: t(`${K}.col.byOthers`), kind: 'int' },
          ...figureCols.slice(running ? 3 : 2),
          { key: 'taught', label: t(`${K}.col.taught`), kind: 'int' },
          { key: 'gave', label: t(`${K}.col.gave`), kind: 'int' },
        ],
        rows: teacherRows,
      },
      {
        title: t(`${K}.tables.classes`),
        columns: [{ key: 'class', label: t(`${K}.col.class`), kind: 'text' }, ...figureCols],
        rows: classRows,
      },
    ],
  }
}
