// Pure rules of the КТП area: who may edit a plan, renumbering, import rows and the plan's progress (R-J-3).
import type { Role } from '../../db/types.js'
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'

// ---------------------------------------------------------------------------------------------------------
// Who may do what

/** Roles that reach the area at all; the rest are refused by the route guard. */
export const PLAN_ROLES: Access[] = ['admin', 'deputy', 'director', 'teacher']

export type PlanAccess = 'edit' | 'read' | null
export interface Who { roles: readonly Role[] }

/**
 * The administration edits every plan (admin, deputy); a teacher edits the plans of the subjects and grades
 * of their workload and reads the others (a plan holds no personal data, and colleagues share it); the
 * director reads. Nobody else reaches a plan.
 */
export function planAccess(user: Who | null, teachesIt: boolean): PlanAccess {
  if (!user) return null
  if (user.roles.includes('admin') || user.roles.includes('deputy')) return 'edit'
  if (user.roles.includes('teacher')) return teachesIt ? 'edit' : 'read'
  if (user.roles.includes('director')) return 'read'
  return null
}

/** Who sees every page's progress (a class at a time) rather than only their own pages. */
export function seesAllProgress(user: Who): boolean {
  return user.roles.includes('admin') || user.roles.includes('deputy') || user.roles.includes('director')
}

export const GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const
export const MAX_NUMBER = 999
export const MAX_HOURS = 99
export const MAX_TITLE = 500
/** A year has at most ~200 lessons of a subject; a longer file is a mistake. */
export const MAX_ROWS = 400

export const validGrade = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 11

// ---------------------------------------------------------------------------------------------------------
// Numbering. Lessons point to a topic by id, so renumbering never changes which topic a lesson took.

export interface Numbered { id: number; number: number }
export interface Change { id: number; to: number }

/** A new topic at `at`: if the number is taken, it and every later topic move one down to make room. */
export function insertAt(topics: readonly Numbered[], at: number): Change[] {
  if (!topics.some((x) => x.number === at)) return []
  return topics.filter((x) => x.number >= at).map((x) => ({ id: x.id, to: x.number + 1 }))
}

/**
 * A topic moved to another number. A free number is simply taken; a taken one makes the topics between the
 * old and the new place close up, as when a line is dragged within a list.
 */
export function moveTo(topics: readonly Numbered[], id: number, to: number): Change[] {
  const me = topics.find((x) => x.id === id)
  if (!me || me.number === to) return []
  const others = topics.filter((x) => x.id !== id)
  if (!others.some((x) => x.number === to)) return [{ id, to }]
  const shifted = to < me.number
    ? others.filter((x) => x.number >= to && x.number < me.number).map((x) => ({ id: x.id, to: x.number + 1 }))
    : others.filter((x) => x.number > me.number && x.number <= to).map((x) => ({ id: x.id, to: x.number - 1 }))
  return [...shifted, { id, to }]
}

/** After a topic is removed the later ones move up, so that no gap is left where it was. */
export function closeUpAfter(topics: readonly Numbered[], removedId: number): Change[] {
  const gone = topics.find((x) => x.id === removedId)
  if (!gone) return []
  return topics.filter((x) => x.id !== removedId && x.number > gone.number).map((x) => ({ id: x.id, to: x.number - 1 }))
}

/** Numbers 1, 2, 3 … in the present order, without gaps. */
export function closeGaps(topics: readonly Numbered[]): Change[] {
  return [...topics].sort((a, b) => a.number - b.number)
    .map((x, i) => ({ id: x.id, to: i + 1, from: x.number }))
    .filter((c) => c.to !== c.from)
    .map(({ id, to }) => ({ id, to }))
}

// ---------------------------------------------------------------------------------------------------------
// Form values shared by the topic form and the import

/** «12», «12.» (as numbered lists are often typed) → 12; anything else → null. */
export function parseNumber(s: string): number | null {
  const m = /^(\d{1,4})\.?$/.exec(s.trim())
  if (!m) return null
  const n = Number(m[1])
  return n >= 1 && n <= MAX_NUMBER ? n : null
}

/** Empty → 1 hour; «2», «2,0» (a spreadsheet number) → 2; anything else → null. */
export function parseHours(s: string): number | null {
  const v = s.trim()
  if (!v) return 1
  const m = /^(\d{1,2})([.,]0+)?$/.exec(v)
  if (!m) return null
  const n = Number(m[1])
  return n >= 1 && n <= MAX_HOURS ? n : null
}

// ---------------------------------------------------------------------------------------------------------
// Import

export type PlanColumn = 'number' | 'title' | 'hours'
export type RawPlanRow = Record<PlanColumn, string>
export const PLAN_COLUMNS: readonly PlanColumn[] = ['number', 'title', 'hours']

const HEADER_NAMES: Record<PlanColumn, string[]> = {
  number: ['№', 'n', 'no', 'номер', '№ п/п', 'n п/п', '№ урока', 'номер урока', '№ темы', 'номер темы'],
  title: ['тема', 'тема урока', 'темы', 'название', 'название темы', 'наименование темы', 'содержание'],
  hours: ['часы', 'часов', 'кол-во часов', 'количество часов', 'число часов', 'час'],
}

// The export writes a cell starting with = + - @ with a leading apostrophe, so that a spreadsheet does not run
// it as a formula (see toCsv); reading it back takes the apostrophe off.
const unguard = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s)

const headerKey = (s: string) => s.trim().toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ').replace(/[.:]$/, '')

export interface HeaderMap { index: Partial<Record<PlanColumn, number>>; headerless: boolean; missing: PlanColumn[] }

/**
 * Which column is which, by the first row's headers. A file whose first row is already a topic (a number in
 * the first cell) is read as №, Тема, Часы in that order.
 */
export function mapPlanHeaders(first: string[]): HeaderMap {
  if (parseNumber(first[0] ?? '') !== null && (first[1] ?? '').trim()) {
    return { index: { number: 0, title: 1, hours: 2 }, headerless: true, missing: [] }
  }
  const index: Partial<Record<PlanColumn, number>> = {}
  first.forEach((h, i) => {
    const key = headerKey(h)
    for (const c of PLAN_COLUMNS) if (index[c] === undefined && HEADER_NAMES[c].includes(key)) index[c] = i
  })
  const missing = (['number', 'title'] as PlanColumn[]).filter((c) => index[c] === undefined)
  return { index, headerless: false, missing }
}

/** Data rows with their line numbers in the file; empty lines are skipped. */
export function planRows(table: string[][], map: HeaderMap): { line: number; raw: RawPlanRow }[] {
  const out: { line: number; raw: RawPlanRow }[] = []
  const start = map.headerless ? 0 : 1
  table.slice(start).forEach((cells, i) => {
    const cell = (c: PlanColumn) => unguard((map.index[c] === undefined ? '' : cells[map.index[c]!] ?? '').replace(/\s+/g, ' ').trim())
    const raw = { number: cell('number'), title: cell('title'), hours: cell('hours') }
    if (!raw.number && !raw.title && !raw.hours) return
    out.push({ line: start + i + 1, raw })
  })
  return out
}

export interface ExistingTopic { id: number; number: number; title: string; hours: number; used: number; usedIn: string }

export type ImportMode = 'replace' | 'append'
export const IMPORT_MODES: readonly ImportMode[] = ['replace', 'append']

export interface PlanImportRow {
  line: number
  raw: RawPlanRow
  number: number | null
  title: string
  hours: number
  errors: string[]
  /** What confirming would do with this row: a new topic, an unchanged one, or one replacing another's text. */
  effect: { kind: 'new' } | { kind: 'same' } | { kind: 'update'; oldTitle: string; used: boolean }
}

/** Checks each row and the rows against each other and against the plan as it is. */
export function validatePlanRows(rows: { line: number; raw: RawPlanRow }[], existing: readonly ExistingTopic[], mode: ImportMode): PlanImportRow[] {
  const seen = new Map<number, number>()
  const byNumber = new Map(existing.map((x) => [x.number, x]))
  return rows.map(({ line, raw }) => {
    const errors: string[] = []
    let number: number | null = null
    if (!raw.number) errors.push(t('plan.rowErr.noNumber'))
    else {
      number = parseNumber(raw.number)
      if (number === null) errors.push(t('plan.rowErr.badNumber', { value: raw.number, max: MAX_NUMBER }))
    }
    if (!raw.title) errors.push(t('plan.rowErr.noTitle'))
    else if (raw.title.length > MAX_TITLE) errors.push(t('plan.rowErr.longTitle', { max: MAX_TITLE }))
    const hours = parseHours(raw.hours)
    if (hours === null) errors.push(t('plan.rowErr.badHours', { value: raw.hours, max: MAX_HOURS }))
    let effect: PlanImportRow['effect'] = { kind: 'new' }
    if (number !== null) {
      if (seen.has(number)) errors.push(t('plan.rowErr.duplicate', { n: number, line: seen.get(number)! }))
      else seen.set(number, line)
      const old = byNumber.get(number)
      if (old && mode === 'append') errors.push(t('plan.rowErr.exists', { n: number, title: old.title }))
      else if (old) {
        effect = old.title === raw.title && old.hours === hours ? { kind: 'same' } : { kind: 'update', oldTitle: old.title, used: old.used > 0 }
      }
    }
    return { line, raw, number, title: raw.title, hours: hours ?? 1, errors, effect }
  })
}

export interface ImportPlan {
  inserts: { number: number; title: string; hours: number }[]
  updates: { id: number; number: number; title: string; hours: number }[]
  deletes: ExistingTopic[]
  /** Topics already taken by lessons that the import would remove: the import is refused while there are any. */
  blocked: ExistingTopic[]
}

/**
 * What confirming an error-free import does. Replace: a topic with a number from the file keeps its id (so
 * lessons keep pointing at it) and takes the file's text; the others go, unless lessons took them. Append: only
 * new numbers are added.
 */
export function planImport(rows: readonly PlanImportRow[], existing: readonly ExistingTopic[], mode: ImportMode): ImportPlan {
  const byNumber = new Map(existing.map((x) => [x.number, x]))
  const out: ImportPlan = { inserts: [], updates: [], deletes: [], blocked: [] }
  for (const r of rows) {
    if (r.number === null) continue
    const old = byNumber.get(r.number)
    if (!old) out.inserts.push({ number: r.number, title: r.title, hours: r.hours })
    else if (mode === 'replace' && r.effect.kind === 'update') out.updates.push({ id: old.id, number: r.number, title: r.title, hours: r.hours })
  }
  if (mode === 'replace') {
    const inFile = new Set(rows.map((r) => r.number))
    for (const x of existing) {
      if (inFile.has(x.number)) continue
      if (x.used > 0) out.blocked.push(x)
      else out.deletes.push(x)
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Progress

export interface PlanTopic { id: number; number: number; title: string; hours: number }

export interface Progress {
  /** Topics in the plan. */
  planned: number
  /** Distinct plan topics taken by the page's lessons held so far. */
  done: number
  /** Lessons held so far (scheduled, up to today, not extracurricular). */
  held: number
  /** Topics that the lessons held should have covered, counting each topic's hours. */
  expected: number
  /** The first topic (by number) that no lesson has taken yet. */
  nextTopic: PlanTopic | null
  /** Topics that should have been covered by now and were not: the plan is behind by this many. */
  behind: number
  overdue: PlanTopic[]
}

export function progressOf(topics: readonly PlanTopic[], covered: ReadonlySet<number>, held: number): Progress {
  const sorted = [...topics].sort((a, b) => a.number - b.number)
  let expected = 0
  let hours = 0
  for (const x of sorted) {
    hours += x.hours
    if (hours > held) break
    expected++
  }
  const overdue = sorted.slice(0, expected).filter((x) => !covered.has(x.id))
  return {
    planned: sorted.length,
    done: sorted.filter((x) => covered.has(x.id)).length,
    held,
    expected,
    nextTopic: sorted.find((x) => !covered.has(x.id)) ?? null,
    behind: overdue.length,
    overdue,
  }
}
