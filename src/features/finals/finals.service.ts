// The final-marks page put together: who may open it, its columns with their windows, each student's counts,
// proposals and warnings, and the checks of the set form before anything is written (R-FIN-1..4).
import type { DB } from '../../db/connection.js'
import type { Actor } from '../../lib/audit.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { t } from '../../i18n/index.js'
import type { FieldErrors } from '../../lib/forms.js'
import { fmtDate } from '../../lib/dates.js'
import { journalSettings } from '../../lib/school-settings.js'
import { pageAccess, readsEverything, type Target } from '../journal/journal.access.js'
import { enrolledOn, pageRoster, type RosterRow } from '../journal/journal.roster.js'
import { periodsForGrade } from '../school/school.queries.js'
import * as q from './finals.queries.js'
import type { FinalMarkRow, PageInfo } from './finals.queries.js'
import {
  correctionApprover, finalColumns, proposeFinalMark, proposeYearMark, setRefusal, summarizePeriod, windowState,
  type DateRange, type FinalColumn, type FinalValue, type PeriodSummary, type WindowState,
} from './finals.rules.js'

export interface PageCtx { page: PageInfo; access: 'edit' | 'read' }

/** The page of the URL with the user's access to it, or why not: the ids name nothing / the user may not read it. */
export async function openPage(db: DB, user: CurrentUser, target: Target, subjectId: number | null): Promise<PageCtx | 'notFound' | 'forbidden'> {
  const page = await q.pageInfo(db, target, subjectId)
  if (!page) return 'notFound'
  const access = await pageAccess(db, user, { target, subjectId: page.subjectId })
  return access ? { page, access } : 'forbidden'
}

export function pageHref(page: PageInfo): string {
  return page.target.classId !== null ? `/finals/class/${page.target.classId}/${page.subjectId}` : `/finals/group/${page.target.groupId}`
}

type PeriodRow = Awaited<ReturnType<typeof periodsForGrade>>[number]
export interface ColumnView extends FinalColumn<PeriodRow> { label: string; short: string; state: WindowState }

export interface CellView {
  /** The student belonged to the page during the column's dates. */
  inRange: boolean
  mark: FinalMarkRow | null
  summary: PeriodSummary | null
  proposal: FinalValue | null
}

export interface StudentView { id: number; name: string; cells: Record<string, CellView> }

export interface PageModel extends PageCtx {
  columns: ColumnView[]
  students: StudentView[]
  /** The hours the warnings count with (1 when the curriculum does not say). */
  hours: number
  threshold: number
  today: string
  writable: boolean
}

function columnLabels(c: FinalColumn<PeriodRow>): { label: string; short: string } {
  if (c.period) {
    const scheme = c.period.scheme
    return { label: t(`finals.periods.${scheme}`, { n: c.period.number }), short: t(`finals.periodsShort.${scheme}`, { n: c.period.number }) }
  }
  return { label: t(`finals.kinds.${c.kind}`), short: t(`finals.kindsShort.${c.kind}`) }
}

const overlaps = (row: RosterRow, r: DateRange) => row.spans.some((s) => s.from <= r.to && s.to >= r.from)

/** Everything the page and its set form show, computed from the journal as of today. */
export async function buildPage(db: DB, ctx: PageCtx, today: string): Promise<PageModel> {
  const { page } = ctx
  const settings = await journalSettings(db)
  const periods = await periodsForGrade(db, page.yearId, page.grade)
  const columns: ColumnView[] = finalColumns(periods, page.grade, settings.final_days_before, settings.final_days_after)
    .map((c) => ({ ...c, ...columnLabels(c), state: windowState(today, c.window) }))
  const roster = await pageRoster(db, page.target, page.yearStarts, page.yearEnds)
  const ids = roster.map((r) => r.studentId)
  const [lessons, marks, absences, finals] = await Promise.all([
    q.lessonDates(db, page, today), q.pageMarks(db, page, ids), q.pageAbsences(db, page, ids), q.pageFinalMarks(db, page.yearId, page.subjectId, ids),
  ])
  const hours = page.hoursPerWeek ?? 1
  const threshold = settings.rounding_threshold
  const students = roster.map((row): StudentView => {
    const mine = finals.filter((f) => f.studentId === row.studentId)
    const markOf = (c: FinalColumn) => mine.find((f) => f.kind === c.kind && f.periodId === (c.period?.id ?? null)) ?? null
    const cells: Record<string, CellView> = {}
    for (const c of columns) {
      const cell: CellView = { inRange: overlaps(row, c.range), mark: markOf(c), summary: null, proposal: null }
      if (c.period) {
        const inPeriod = (d: string) => d >= c.range.from && d <= c.range.to
        const held = lessons.filter((d) => inPeriod(d) && enrolledOn(row, d)).length
        // No lesson of the page held for the student yet: nothing to propose or warn about.
        if (held > 0) {
          cell.summary = summarizePeriod({
            marks: marks.filter((m) => m.studentId === row.studentId && inPeriod(m.date)).map((m) => ({ value: m.value, weight: Number(m.weight) })),
            lessons: held,
            absences: absences.filter((a) => a.studentId === row.studentId && inPeriod(a.date)).map((a) => a.reason),
            hoursPerWeek: hours, threshold,
          })
          cell.proposal = cell.summary.proposal
        }
      }
      cells[c.key] = cell
    }
    // The year from the set period marks and the attestation; the final mark from the year and the exam.
    const value = (key: string) => cells[key]?.mark?.value ?? null
    const periodValues = columns.filter((c) => c.period && cells[c.key].inRange).map((c) => value(c.key))
    if (cells.year) cells.year.proposal = proposeYearMark(periodValues, value('attestation'), threshold)
    if (cells.final) cells.final.proposal = proposeFinalMark(value('year'), value('exam'), threshold)
    return { id: row.studentId, name: [row.lastName, row.firstName].join(' '), cells }
  })
  return { ...ctx, columns, students, hours, threshold, today, writable: page.yearStatus !== 'closed' }
}

// ---------------------------------------------------------------------------------------------------------
// The set form

/** The refusal of a whole submit because of the window, in words for the form; null when open. */
export function windowRefusal(col: ColumnView): string | null {
  if (col.state === 'early') return t('finals.set.early', { from: fmtDate(col.window.from), to: fmtDate(col.window.to) })
  if (col.state === 'closed') return t('finals.set.closed', { to: fmtDate(col.window.to) })
  return null
}

export type SubmitResult = { ok: true; count: number } | { ok: false; errors: FieldErrors; notice: string | null }

/**
 * Checks a submitted column and writes it: refused as a whole outside the window; per student when the mark is
 * locked, or is not «н/а» after more than half of the lessons missed. Only new marks are written.
 */
export async function submitColumn(db: DB, user: CurrentUser, actor: Actor,
  model: PageModel, col: ColumnView, values: Map<number, FinalValue | null>): Promise<SubmitResult> {
  const notice = windowRefusal(col)
  if (notice) return { ok: false, errors: { _window: notice }, notice }
  const errors: FieldErrors = {}
  const fresh: q.NewFinalMark[] = []
  for (const s of model.students) {
    const cell = s.cells[col.key]
    const wanted = values.get(s.id) ?? null
    if (!cell.inRange || wanted === null) continue
    const refusal = setRefusal(cell.mark?.value ?? null, wanted, cell.summary?.warnings ?? [])
    if (refusal) errors[`m_${s.id}`] = t(`finals.set.${refusal}`, { value: cell.mark?.value ?? '' })
    else if (!cell.mark) fresh.push({ studentId: s.id, value: wanted, proposed: cell.proposal })
  }
  if (Object.keys(errors).length) return { ok: false, errors, notice: null }
  try {
    const count = fresh.length === 0 ? 0 : await q.setFinalMarks(db, { ...actor, personId: user.personId },
      { yearId: model.page.yearId, subjectId: model.page.subjectId, kind: col.kind, periodId: col.period?.id ?? null }, fresh)
    return { ok: true, count }
  } catch (e) {
    if (!(e instanceof q.LockedError)) throw e
    return { ok: false, errors: Object.fromEntries(e.studentIds.map((id) => [`m_${id}`, t('finals.set.lockedMeanwhile')])), notice: null }
  }
}

// ---------------------------------------------------------------------------------------------------------
// History and corrections on the page

/** Who sees the history of the page's marks: the administration, and the teacher who keeps the page. */
export function seesHistory(user: CurrentUser, ctx: PageCtx): boolean {
  return readsEverything(user) || ctx.access === 'edit'
}

export interface HistoryView extends q.HistoryRow { student: string; column: string }

export async function pageHistory(db: DB, model: PageModel): Promise<HistoryView[]> {
  const where = new Map<number, { student: string; column: string }>()
  for (const s of model.students) {
    for (const c of model.columns) {
      const m = s.cells[c.key].mark
      if (m) where.set(m.id, { student: s.name, column: c.label })
    }
  }
  const rows = await q.markHistory(db, [...where.keys()])
  return rows.map((r) => ({ ...r, ...where.get(r.markId)! }))
}

/** The mark of the page that a correction is asked for, with its column; null when it is not on this page. */
export function markOnPage(model: PageModel, markId: number): { student: StudentView; column: ColumnView; mark: FinalMarkRow } | null {
  for (const s of model.students) {
    for (const c of model.columns) {
      const m = s.cells[c.key].mark
      if (m && m.id === markId) return { student: s, column: c, mark: m }
    }
  }
  return null
}

export function approverOf(page: PageInfo): 'deputy' | 'director' {
  return correctionApprover(page.grade)
}

/** A correction's column in words: «1 четверть», «Годовая». */
export function correctionColumn(c: { kind: string; periodNumber: number | null; scheme: string | null }): string {
  return c.kind === 'period' ? t(`finals.periods.${c.scheme ?? 'quarter'}`, { n: c.periodNumber ?? '' }) : t(`finals.kinds.${c.kind}`)
}
