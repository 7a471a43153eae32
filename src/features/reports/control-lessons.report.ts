// The drill-down of the journal-keeping control report (R-REP-1): the lessons behind a figure — every lesson held,
// or those without a topic, without homework, with homework or marks entered late, without attendance — with
// when the topic and homework were entered and what is missing. Scoped like the report; a row beyond reach is 404.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { fmtDate, fmtDateTime } from '../../lib/dates.js'
import { field, toId } from '../../lib/forms.js'
import type { Report, Row } from './report.js'
import type { ReportContext, ReportDef } from './reports.routes.js'
import { markCounts, reachable, type LessonSet } from './control.queries.js'
import { parseMetric, parsePageRef, shortfalls, matchesMetric } from './control.rules.js'
import { collect, factsOf, heldUntil, narrowingText, pageLabel } from './control.report.js'

type DB = Kysely<Database>

/** More lessons than a deputy reads on one page: the rest is left for a narrower choice. */
export const MAX_LESSONS = 1000

async function buildLessons(db: DB, ctx: ReportContext): Promise<Report | null> {
  const { filters, choices, scope, query } = ctx
  const metric = parseMetric(field(query, 'metric'))
  const page = parsePageRef(field(query, 'page'))
  const byRaw = field(query, 'by')
  const by = byRaw === '' ? null : toId(byRaw)
  if (metric === null || page === null || (byRaw !== '' && by === null)) return null
  if (by !== null && filters.teacherId !== null && by !== filters.teacherId) return null
  const narrow = {
    scope, yearId: filters.year.id, teacherId: by ?? filters.teacherId, classId: filters.classId, subjectId: filters.subjectId, page: page ?? null,
  }
  // A page or a teacher named in the link must have lessons within the asker's scope: never an empty answer
  // that would tell whether someone else's lessons exist.
  if ((page || by !== null) && !(await reachable(db, narrow))) return null

  const set: LessonSet = { ...narrow, from: filters.range.from, to: heldUntil(filters, ctx.today) }
  const c = await collect(db, set, true)
  const marks = await markCounts(db, set)
  const shown = c.lessons.map((l) => ({ l, f: factsOf(c, l, marks.get(l.id) ?? 0) })).filter((x) => matchesMetric(metric, x.f))
  const subjectName = new Map(choices.subjects.map((s) => [s.id, s.name]))
  const rows: Row[] = shown.slice(0, MAX_LESSONS).map(({ l, f }) => {
    const lacks = shortfalls(f)
    return {
      cells: {
        date: l.date, number: l.lessonNumber, page: pageLabel(l, c.labels), subject: subjectName.get(l.subjectId) ?? '',
        teacher: c.labels.teachers.get(l.teacherId) ?? '', topic: l.topic, topicAt: fmtDateTime(l.topicAt), homework: l.homework,
        homeworkAt: fmtDateTime(l.homeworkAt), marks: f.marksDue ? f.marks : null, late: f.marksDue ? f.lateMarks : null,
        missing: lacks.length ? lacks.map((m) => t(`reports.controlLessons.lacks.${m}`)).join('; ') : t('reports.controlLessons.complete'),
      },
      // The lesson itself, where the teacher fills in what is missing.
      links: { date: `/journal/lessons/${l.id}` },
    }
  })

  const who: string[] = []
  if (page) {
    const label = page.kind === 'group' ? pageLabel({ classId: null, groupId: page.id }, c.labels) : c.labels.classes.get(page.id)?.label
    if (label) who.push(label)
  }
  if (by !== null && filters.teacherId === null && c.labels.teachers.has(by)) who.push(c.labels.teachers.get(by)!)
  const notes = shown.length > MAX_LESSONS ? [t('reports.controlLessons.capped', { n: MAX_LESSONS, total: shown.length })] : []
  notes.push(t('reports.controlLessons.notes'))
  const col = (key: string, kind: 'text' | 'int' | 'date') => ({ key, label: t(`reports.controlLessons.columns.${key}`), kind })
  return {
    title: t('reports.controlLessons.title'),
    subtitle: [t(`reports.controlLessons.metrics.${metric}`), filters.range.label, ...who, ...narrowingText(filters, choices),
      set.to < filters.range.to ? t('reports.control.asOf', { date: fmtDate(set.to) }) : ''].filter(Boolean).join(' · '),
    landscape: true,
    tables: [{
      title: t('reports.controlLessons.count', { n: shown.length }),
      columns: [col('date', 'date'), col('number', 'int'), col('page', 'text'), col('subject', 'text'), col('teacher', 'text'),
        col('topic', 'text'), col('topicAt', 'text'), col('homework', 'text'), col('homeworkAt', 'text'), col('marks', 'int'), col('late', 'int'),
        col('missing', 'text')],
      rows,
      empty: t('reports.controlLessons.empty'),
    }],
    notes,
  }
}

export const controlLessonsReport: ReportDef = {
  path: '/reports/control/lessons',
  titleKey: 'reports.controlLessons.title',
  introKey: 'reports.controlLessons.intro',
  ranges: ['week', 'period', 'year'],
  filters: ['class', 'teacher', 'subject'],
  listed: false,
  keep: ['metric', 'page', 'by'],
  build: buildLessons,
}
