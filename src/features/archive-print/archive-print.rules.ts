// Pure rules of the archive printouts: who may read, decide and issue; the columns and parts of the summary
// sheet; how the year journal's grid is cut into sheets; Russian wording of decisions and of numbers (R-ARC-2,3).
import type { FinalKind, PromotionDecision, Role } from '../../db/types.js'

// ---------------------------------------------------------------------------------------------- who may do what

export interface Who { personId: number; roles: readonly Role[] }
export interface ClassRef { classTeacherId: number | null; yearStatus: 'draft' | 'open' | 'closed' }

export interface Rights {
  /** The summary sheet on screen, its issued PDF and the year journal's contents and preview. */
  read: boolean
  /** Issue (and store) the summary sheet. */
  issueSummary: boolean
  /** See the promotion decisions form. */
  decisions: boolean
  /** Change promotion decisions. */
  decide: boolean
  /** Issue the year journal and download its issued PDF. */
  journal: boolean
}

const NONE: Rights = { read: false, issueSummary: false, decisions: false, decide: false, journal: false }

/**
 * One place decides: the administration (admin, director, deputy) and the class's own class teacher read both
 * documents; the class teacher and the deputy record the council's decisions; the class teacher, who signs
 * the summary sheet first, may issue it; the year journal is issued by the administration only (the class
 * teacher previews it). A closed year is read-only: nothing is decided or issued any more.
 */
export function rightsOf(user: Who, cls: ClassRef): Rights {
  const admin = user.roles.some((r) => r === 'admin' || r === 'director' || r === 'deputy')
  const classTeacher = cls.classTeacherId !== null && cls.classTeacherId === user.personId
  if (!admin && !classTeacher) return NONE
  const open = cls.yearStatus !== 'closed'
  const deputy = user.roles.includes('deputy')
  return {
    read: true,
    issueSummary: open,
    decisions: deputy || classTeacher,
    decide: open && (deputy || classTeacher),
    journal: admin,
  }
}

// ---------------------------------------------------------------------------------------------- decisions

export const DECISIONS: readonly PromotionDecision[] = ['promoted', 'conditional', 'retained', 'graduated']

/** Grades that finish a level of schooling: their students may «окончить»; from the 11th there is no next grade. */
export const GRADUATING_GRADES: readonly number[] = [9, 11]
export const LAST_GRADE = 11

/** Why a decision does not fit the grade, or null when it does. */
export function decisionRefusal(decision: PromotionDecision, grade: number): 'notGraduating' | 'noNextGrade' | null {
  if (decision === 'graduated' && !GRADUATING_GRADES.includes(grade)) return 'notGraduating'
  if ((decision === 'promoted' || decision === 'conditional') && grade >= LAST_GRADE) return 'noNextGrade'
  return null
}

/** The teachers' council sits during the year or in the summer after it, and never in the future. */
export function councilDateRefusal(date: string, year: { starts_on: string; ends_on: string }, today: string): 'beforeYear' | 'future' | 'tooLate' | null {
  if (date < year.starts_on) return 'beforeYear'
  if (date > today) return 'future'
  if (date > lastCouncilDay(year.ends_on)) return 'tooLate'
  return null
}

/** The last day a council of the year may sit: 31 August after the year's end (before the next year starts). */
export function lastCouncilDay(yearEnd: string): string {
  const august = `${yearEnd.slice(0, 4)}-08-31`
  return august >= yearEnd ? august : yearEnd
}

/** A year mark that leaves an academic debt: unsatisfactory or not attested. */
export function isDebt(value: string): boolean {
  return value === '2' || value === '1' || value === 'н/а'
}

/**
 * What the sheet writes: the grammatical gender of a student from the patronymic (the records keep no sex),
 * «(а)» when it cannot be told.
 */
export type Gender = 'm' | 'f' | null
export function genderOf(middleName: string): Gender {
  const m = middleName.trim().toLowerCase()
  if (/(вна|чна|кызы|гызы)$/.test(m)) return 'f'
  if (/(вич|ич|оглы|улы|уулу)$/.test(m)) return 'm'
  return null
}

// ---------------------------------------------------------------------------------------------- summary columns

export interface SummaryColumn { key: string; kind: FinalKind; periodId: number | null; periodNumber: number | null }

/**
 * The columns of one subject: every period of the grade's scheme, the attestation if anyone has such a mark,
 * the year, the exam if anyone sat it, and the final mark in graduating grades (or if anyone has one).
 */
export function subjectColumns(periods: { id: number; number: number }[], present: ReadonlySet<FinalKind>, grade: number): SummaryColumn[] {
  const cols: SummaryColumn[] = [...periods].sort((a, b) => a.number - b.number)
    .map((p) => ({ key: `p${p.id}`, kind: 'period' as const, periodId: p.id, periodNumber: p.number }))
  const add = (kind: FinalKind) => cols.push({ key: kind, kind, periodId: null, periodNumber: null })
  if (present.has('attestation')) add('attestation')
  add('year')
  if (present.has('exam')) add('exam')
  if (GRADUATING_GRADES.includes(grade) || present.has('final')) add('final')
  return cols
}

/** More subjects than this: the sheet is printed on landscape pages (most real classes). */
export const PORTRAIT_MAX_SUBJECTS = 8

/**
 * Widths in mark columns (~4.6 mm each at 8 pt): how many fit across an A4 sheet less the margins and the №
 * and name columns, and how many the absences and the decision take on the last part.
 */
export const SHEET_WIDTH = { portrait: 27, landscape: 46, extras: 12 } as const

export interface Layout<S> { landscape: boolean; parts: S[][] }

/**
 * Cuts the subjects into parts printed one after another (each with the names again), so that no part is
 * wider than a sheet; portrait only when everything fits one portrait part and there are few subjects. Parts
 * are balanced, the last one also carrying the absences and the decision (11 subjects of 5 columns → 7 + 4, not
 * 9 + 2), and a subject is never split.
 */
export function sheetLayout<S extends { columns: unknown[] }>(subjects: S[]): Layout<S> {
  const widths = [...subjects.map((s) => s.columns.length), SHEET_WIDTH.extras]
  const total = widths.reduce((a, b) => a + b, 0)
  if (subjects.length <= PORTRAIT_MAX_SUBJECTS && total <= SHEET_WIDTH.portrait) return { landscape: false, parts: [subjects] }
  for (let n = 1; n <= widths.length; n++) {
    const parts = balancedParts(widths, n)
    if (parts.every((p) => p.reduce((w, i) => w + widths[i], 0) <= SHEET_WIDTH.landscape)) {
      return { landscape: true, parts: parts.map((p) => p.filter((i) => i < subjects.length).map((i) => subjects[i])) }
    }
  }
  // A single subject wider than a sheet (never with real period schemes): one subject per part.
  return { landscape: true, parts: subjects.map((s) => [s]) }
}

/** n consecutive groups of item indices with widths as even as the items allow, each group non-empty. */
export function balancedParts(widths: number[], n: number): number[][] {
  const total = widths.reduce((a, b) => a + b, 0)
  const parts: number[][] = []
  let current: number[] = []
  let width = 0
  let done = 0
  widths.forEach((w, i) => {
    const left = n - parts.length
    const target = (total - done) / left
    // Close the part when adding would overshoot its share more than closing leaves it short, or when every
    // later part needs one of the remaining items.
    if (current.length && left > 1 && (width + w - target > target - width || widths.length - i < left)) {
      parts.push(current)
      done += width
      current = []
      width = 0
    }
    current.push(i)
    width += w
  })
  if (current.length) parts.push(current)
  return parts
}

/** Abbreviations explained under the sheet: only those that differ from the subject's name. */
export function legendOf(subjects: { name: string; short: string }[]): { short: string; name: string }[] {
  return subjects.filter((s) => s.short && s.short !== s.name).map((s) => ({ short: s.short, name: s.name }))
}

// ---------------------------------------------------------------------------------------------- year journal

/** Lesson columns on one sheet of the printed journal: the width of an A4 landscape page at ~8.5 mm a column. */
export const GRID_COLUMNS = 25

/** Consecutive chunks of at most `size` items, as even as possible (47 lessons → 24 + 23, not 25 + 22). */
export function evenChunks<T>(items: T[], size = GRID_COLUMNS): T[][] {
  if (!items.length) return []
  const n = Math.ceil(items.length / size)
  const base = Math.floor(items.length / n)
  const extra = items.length % n
  const out: T[][] = []
  let i = 0
  for (let k = 0; k < n; k++) {
    const len = base + (k < extra ? 1 : 0)
    out.push(items.slice(i, i + len))
    i += len
  }
  return out
}

/** Month header cells over a run of dates: consecutive dates of one month share a cell, as on the paper page. */
export function monthSpans(dates: string[]): { month: number; span: number }[] {
  const out: { month: number; span: number }[] = []
  for (const d of dates) {
    const month = Number(d.slice(5, 7))
    const last = out[out.length - 1]
    if (last && last.month === month) last.span++
    else out.push({ month, span: 1 })
  }
  return out
}

// ---------------------------------------------------------------------------------------------- numbers in words

const ONES_M = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять']
const ONES_F = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять']
const TEENS = ['десять', 'одиннадцать', 'двенадцать', 'тринадцать', 'четырнадцать', 'пятнадцать', 'шестнадцать', 'семнадцать', 'восемнадцать', 'девятнадцать']
const TENS = ['', '', 'двадцать', 'тридцать', 'сорок', 'пятьдесят', 'шестьдесят', 'семьдесят', 'восемьдесят', 'девяносто']
const HUNDREDS = ['', 'сто', 'двести', 'триста', 'четыреста', 'пятьсот', 'шестьсот', 'семьсот', 'восемьсот', 'девятьсот']

function triple(n: number, feminine: boolean): string[] {
  const words = [HUNDREDS[Math.floor(n / 100)]]
  const rest = n % 100
  if (rest >= 10 && rest < 20) words.push(TEENS[rest - 10])
  else words.push(TENS[Math.floor(rest / 10)], (feminine ? ONES_F : ONES_M)[rest % 10])
  return words.filter(Boolean)
}

function pluralForm(n: number, forms: [string, string, string]): string {
  const a = n % 100
  const b = n % 10
  if (a > 10 && a < 20) return forms[2]
  if (b > 1 && b < 5) return forms[1]
  if (b === 1) return forms[0]
  return forms[2]
}

/** A count in words for a masculine noun, as certifying notes write it: 152 → «сто пятьдесят два». 0…999 999. */
export function numberInWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) throw new RangeError(`numberInWords: ${n}`)
  if (n === 0) return 'ноль'
  const thousands = Math.floor(n / 1000)
  const words = thousands ? [...triple(thousands, true), pluralForm(thousands, ['тысяча', 'тысячи', 'тысяч'])] : []
  return [...words, ...triple(n % 1000, false)].join(' ')
}
