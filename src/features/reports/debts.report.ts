// The missed-lessons and failures report (R-REP-4, [002 §9.2]): per student, the lessons missed with their topics
// and reasons, and the unsatisfactory marks with their topics — the lists the deputy hands to teachers for
// catch-up work — and a summary by class. School-wide it is the summary only, each class linking to its lists.
import type { ReportDef } from './reports.routes.js'
import type { Column, Report, ReportTable, Row } from './report.js'
import { t } from '../../i18n/index.js'
import { fmtDate } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import type { Filters } from './reports.filters.js'
import {
  absenceCounts, failingCounts, failingMarks, missedLessons, summaryClasses,
  type DebtsQuery, type FailingRow, type MissedRow, type SummaryClass,
} from './debts.queries.js'
import {
  REASON_KEYS, addReason, addTotals, classLink, classTotals, groupByStudent, listsShown, noCounts, noTotals, reasonsPresent,
  unsatisfactory, type ClassTotals, type Grouped,
} from './debts.rules.js'

const PATH = '/reports/debts'

export const debtsReport: ReportDef = {
  path: PATH,
  titleKey: 'reports.debts.title',
  introKey: 'reports.debts.intro',
  ranges: ['period', 'month', 'week', 'year'],
  filters: ['class', 'subject'],
  async build(db, { scope, filters, choices }) {
    const q: DebtsQuery = {
      yearId: filters.year.id, from: filters.range.from, to: filters.range.to,
      classId: filters.classId, subjectId: filters.subjectId, scope,
    }
    const lists = listsShown(scope.all, filters.classId)
    let missed: MissedRow[] = []
    let failing: FailingRow[] = []
    let totals: Map<number, ClassTotals>
    if (lists) {
      // The lists hold every row, so the summary is counted from them rather than asked for again.
      missed = await missedLessons(db, q)
      failing = (await failingMarks(db, q)).filter((m) => unsatisfactory(m.value))
      totals = classTotals(missed, failing)
    } else {
      totals = classTotals(await absenceCounts(db, q), (await failingCounts(db, q)).filter((m) => unsatisfactory(m.value)))
    }
    const classes = await summaryClasses(db, q, [...totals.keys()])

    const tables: ReportTable[] = [summaryTable(classes, totals, scope.all && filters.classId === null ? filters : null)]
    const notes: string[] = []
    if (lists) {
      const m = groupByStudent(missed)
      const f = groupByStudent(failing)
      tables.push(missedTable(m), failingTable(f))
      for (const [g, key] of [[m, 'missed'], [f, 'failing']] as const) {
        if (g.truncated) notes.push(t('reports.debts.notes.cut', { table: t(`reports.debts.tables.${key}`), shown: g.groups.length, all: g.students }))
      }
    } else notes.push(t('reports.debts.notes.pickClass'))
    notes.push(t('reports.debts.notes.summary'), t('reports.debts.notes.missed'), t('reports.debts.notes.failing'))
    if (!scope.all) notes.push(scope.classIds.length ? t('reports.debts.notes.ownAndClass') : t('reports.debts.notes.own'))

    const cls = choices.classes.find((c) => c.id === filters.classId)
    const subject = choices.subjects.find((s) => s.id === filters.subjectId)
    const report: Report = {
      title: t('reports.debts.title'),
      subtitle: [filters.range.label, cls && t('reports.debts.subtitleClass', { class: cls.label }), subject && t('reports.debts.subtitleSubject', { subject: subject.name })]
        .filter(Boolean).join(', '),
      tables, notes, landscape: true,
    }
    return report
  },
}

function summaryTable(classes: SummaryClass[], totals: Map<number, ClassTotals>, linkWith: Filters | null): ReportTable {
  const cells = (label: string, students: number, l: ClassTotals) => ({
    class: label, students, missed: l.missed.total, ...Object.fromEntries(REASON_KEYS.map((r) => [r, l.missed[r]])),
    studentsMissing: l.studentsMissing, failing: l.failing, studentsFailing: l.studentsFailing,
  })
  const rows: Row[] = []
  const sum = noTotals(0)
  let students = 0
  for (const c of classes) {
    const l = totals.get(c.id) ?? noTotals(c.id)
    rows.push({ cells: cells(c.label, c.students, l), links: linkWith ? { class: classLink(PATH, linkWith, c.id) } : undefined })
    students += c.students
    addTotals(sum, l)
  }
  if (classes.length > 1) rows.push({ strong: true, cells: cells(t('reports.debts.total'), students, sum) })
  return {
    title: t('reports.debts.tables.summary'),
    columns: [
      { key: 'class', label: t('reports.debts.cols.class'), kind: 'text' },
      { key: 'students', label: t('reports.debts.cols.students'), kind: 'int' },
      { key: 'missed', label: t('reports.debts.cols.missed'), kind: 'int' },
      ...REASON_KEYS.map((r) => ({ key: r, label: t(`reports.debts.cols.${r}`), kind: 'int' as const })),
      { key: 'studentsMissing', label: t('reports.debts.cols.studentsMissing'), kind: 'int' },
      { key: 'failing', label: t('reports.debts.cols.failing'), kind: 'int' },
      { key: 'studentsFailing', label: t('reports.debts.cols.studentsFailing'), kind: 'int' },
    ],
    rows,
    empty: t('reports.debts.empty.summary'),
  }
}

/** The bold row opening a student's part of a list: full name and class, then the totals. */
function head(first: MissedRow | FailingRow): string {
  return t('reports.debts.studentHead', { name: fullName({ last_name: first.lastName, first_name: first.firstName, middle_name: first.middleName }), class: first.classLabel })
}

/**
 * Each row repeats the student's short name: a printed list runs over pages (a class's quarter is dozens of
 * rows), and a row cut out or filtered in Excel still says whose it is.
 */
function short(first: MissedRow | FailingRow): string {
  return shortName({ last_name: first.lastName, first_name: first.firstName, middle_name: first.middleName })
}

/** The cells a missed lesson and an unsatisfactory mark share: whose, when, what lesson, who taught it. */
function lessonCells(name: string, it: MissedRow | FailingRow) {
  return { student: name, date: fmtDate(it.date), subject: it.subject, topic: it.topic || t('reports.debts.noTopic'), teacher: it.teacher }
}

/** Text columns labelled from the catalogue (reports.debts.cols.<key>). */
function textColumns(...keys: string[]): Column[] {
  return keys.map((key) => ({ key, label: t(`reports.debts.cols.${key}`), kind: 'text' }))
}

function missedTable(g: Grouped<MissedRow>): ReportTable {
  const rows: Row[] = []
  for (const { first, items } of g.groups) {
    const c = noCounts()
    for (const it of items) addReason(c, it.reason)
    const split = reasonsPresent(c).map((r) => t(`reports.debts.split.${r.key}`, { n: r.n })).join(', ')
    rows.push({ strong: true, cells: { student: head(first), topic: t('reports.debts.missedHead', { n: c.total, split }) } })
    const name = short(first)
    for (const it of items) {
      rows.push({ cells: { ...lessonCells(name, it), reason: t(`reports.debts.reasons.${it.reason ?? 'none'}`) } })
    }
  }
  return {
    title: t('reports.debts.tables.missed'),
    // The date is text: a heading row has none, and «—» there would read as a missing date.
    columns: textColumns('student', 'date', 'subject', 'topic', 'reason', 'teacher'),
    rows,
    empty: t('reports.debts.empty.missed'),
  }
}

function failingTable(g: Grouped<FailingRow>): ReportTable {
  const rows: Row[] = []
  for (const { first, items } of g.groups) {
    rows.push({ strong: true, cells: { student: head(first), topic: t('reports.debts.failingHead', { n: items.length }) } })
    const name = short(first)
    for (const it of items) {
      rows.push({ cells: { ...lessonCells(name, it), mark: it.value, kind: it.kind ?? '' } })
    }
  }
  return {
    title: t('reports.debts.tables.failing'),
    columns: textColumns('student', 'date', 'subject', 'topic', 'mark', 'kind', 'teacher'),
    rows,
    empty: t('reports.debts.empty.failing'),
  }
}
