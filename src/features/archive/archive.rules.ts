// Pure rules of the archive area: who may do what, the checklist that must be green before a year is closed,
// the storage periods of the archive, and the state of the backups as the admin sees it (R-ARC-5, R-ARC-6).
import type { Access } from '../../plugins/auth.js'
import type { Role } from '../../db/types.js'
import { t, plural } from '../../i18n/index.js'

// ---------------------------------------------------------------------------------------------------------
// Who may do what: the one table of this area; routes guard with app.requireRoles(...ROLES_FOR[x]).

export type ArchiveAction = 'archive' | 'verify' | 'checklist' | 'close' | 'backups' | 'backupRun'

export const ROLES_FOR: Record<ArchiveAction, Access[]> = {
  // The retention page and a closed year's archive: the deputy prints it, the director signs it, the admin keeps it.
  archive: ['deputy', 'director', 'admin'],
  verify: ['deputy', 'director', 'admin'],
  // The deputy closes the year [002 §9.2]; the director follows the checklist.
  checklist: ['deputy', 'director'],
  close: ['deputy'],
  // Backups are the admin's [000 §4.1]; the administration sees that they are made.
  backups: ['admin', 'director', 'deputy'],
  backupRun: ['admin'],
}

export function canDo(user: { roles: readonly Role[] } | null, action: ArchiveAction): boolean {
  return !!user && ROLES_FOR[action].some((r) => r !== 'classTeacher' && user.roles.includes(r))
}

// ---------------------------------------------------------------------------------------------------------
// Storage periods [002 §12.1, §12.3]

export const ELECTRONIC_YEARS = 5
export const PAPER_YEARS = 25

/**
 * The last day a year's records must be kept. Archival periods count from 1 January of the year after the case was
 * finished (the rules of archival storage), so a year ending 31.08.2027 is kept 5 years through 31.12.2032.
 */
export function keepUntil(yearEndsOn: string, years: number): string {
  return `${Number(yearEndsOn.slice(0, 4)) + years}-12-31`
}

/** Whether the period is over on `today`: the records may then be destroyed (by people, by an act; never by the app). */
export function mayDestroy(keptUntil: string, today: string): boolean {
  return today > keptUntil
}

/** The archive folder's name for a year: «2026/2027» → «2026-2027» (a slash cannot be in a file name). */
export function archiveFolderName(yearName: string): string {
  const clean = yearName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/^\.+/, '').trim()
  return clean || 'year'
}

// ---------------------------------------------------------------------------------------------------------
// The checklist before closing a year

export interface ChecklistInput {
  classes: { id: number; label: string }[]
  /** Students in a class of the year at its end (not gone before it ended). */
  students: { id: number; classId: number; name: string }[]
  /** The subjects each student must have a year mark in. */
  pairs: { studentId: number; subjectId: number; subject: string; subjectOrder: number }[]
  /** (student, subject) pairs that have a year mark. */
  yearMarks: { studentId: number; subjectId: number }[]
  /** The current (not superseded) summary sheet of each class that has one. */
  sheets: { classId: number; number: string; issuedAt: string }[]
  /** The latest change of a final mark of each class's students in the year. */
  lastFinalChange: { classId: number; at: string }[]
  /** Students with a promotion decision. */
  decided: number[]
  /** Corrections of the year's final marks still waiting for a decision. */
  pendingCorrections: { student: string; subject: string }[]
}

export type CheckKey = 'yearMarks' | 'summarySheets' | 'promotion' | 'corrections'

export interface CheckProblem { where: string; what: string; names: string[] }
export interface CheckItem { key: CheckKey; ok: boolean; problems: CheckProblem[] }
export interface Checklist { ok: boolean; items: CheckItem[] }

/** Names shown per line; the rest are counted («и ещё 5»), so a forgotten subject of 30 students stays readable. */
export const NAMES_SHOWN = 8

function studentsWord(n: number): string {
  return `${n} ${plural(n, [t('archive.check.student1'), t('archive.check.student2'), t('archive.check.student5')])}`
}

/** What stands between the year and its closing. The deputy may close only when every item is green. */
export function closeChecklist(input: ChecklistInput): Checklist {
  const classOrder = new Map(input.classes.map((c, i) => [c.id, i]))
  const label = new Map(input.classes.map((c) => [c.id, c.label]))
  const student = new Map(input.students.map((s) => [s.id, s]))
  const byName = (a: number, b: number) => student.get(a)!.name.localeCompare(student.get(b)!.name, 'ru')

  // Year marks: grouped by class and subject, in class order then subject order.
  const marked = new Set(input.yearMarks.map((m) => `${m.studentId}:${m.subjectId}`))
  const gaps = new Map<string, { classId: number; subject: string; order: number; ids: number[] }>()
  for (const p of input.pairs) {
    const s = student.get(p.studentId)
    if (!s || marked.has(`${p.studentId}:${p.subjectId}`)) continue
    const key = `${s.classId}:${p.subjectId}`
    const g = gaps.get(key) ?? { classId: s.classId, subject: p.subject, order: p.subjectOrder, ids: [] }
    if (!g.ids.includes(p.studentId)) g.ids.push(p.studentId)
    gaps.set(key, g)
  }
  const markProblems = [...gaps.values()]
    .sort((a, b) => (classOrder.get(a.classId)! - classOrder.get(b.classId)!) || a.order - b.order || a.subject.localeCompare(b.subject, 'ru'))
    .map((g) => ({
      where: `${label.get(g.classId)} · ${g.subject}`,
      what: t('archive.check.yearMarks.missing', { students: studentsWord(g.ids.length) }),
      names: g.ids.sort(byName).map((id) => student.get(id)!.name),
    }))

  // Summary sheets: every class with students has a current sheet issued after the last change of its final marks.
  const populated = input.classes.filter((c) => input.students.some((s) => s.classId === c.id))
  const sheetProblems: CheckProblem[] = []
  for (const c of populated) {
    const sheet = input.sheets.find((s) => s.classId === c.id)
    const changed = input.lastFinalChange.find((x) => x.classId === c.id)?.at ?? null
    if (!sheet) sheetProblems.push({ where: c.label, what: t('archive.check.summarySheets.missing'), names: [] })
    else if (changed && changed > sheet.issuedAt) {
      sheetProblems.push({ where: c.label, what: t('archive.check.summarySheets.stale', { number: sheet.number }), names: [] })
    }
  }

  // Promotion decisions: every student at the year's end.
  const decided = new Set(input.decided)
  const promotionProblems: CheckProblem[] = []
  for (const c of input.classes) {
    const ids = input.students.filter((s) => s.classId === c.id && !decided.has(s.id)).map((s) => s.id).sort(byName)
    if (ids.length) {
      promotionProblems.push({ where: c.label, what: t('archive.check.promotion.missing', { students: studentsWord(ids.length) }), names: ids.map((id) => student.get(id)!.name) })
    }
  }

  const correctionProblems = input.pendingCorrections.map((p) => ({ where: p.subject, what: t('archive.check.corrections.pending'), names: [p.student] }))

  const items: CheckItem[] = [
    { key: 'yearMarks', ok: markProblems.length === 0, problems: markProblems },
    { key: 'summarySheets', ok: sheetProblems.length === 0, problems: sheetProblems },
    { key: 'promotion', ok: promotionProblems.length === 0, problems: promotionProblems },
    { key: 'corrections', ok: correctionProblems.length === 0, problems: correctionProblems },
  ]
  return { ok: items.every((i) => i.ok), items }
}

/** A student belongs to the year's end unless they left (departure, transfer) before the year ended. */
export function atYearEnd(e: { to_date: string | null; reason_out: string | null }, yearEndsOn: string): boolean {
  return e.to_date === null || e.to_date >= yearEndsOn || e.reason_out === 'promotion' || e.reason_out === 'graduation'
}

// ---------------------------------------------------------------------------------------------------------
// The SHA-256 list of an archive, in the format of `sha256sum` (so that it checks with `sha256sum -c` too)

export function formatSums(entries: { path: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${e.path}\n`).join('')
}

/** The lines of a MANIFEST.sha256; null when a line is not «<64 hex>  <path>». */
export function parseSums(text: string): { path: string; sha256: string }[] | null {
  const out: { path: string; sha256: string }[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line)
    if (!m || m[2].split('/').includes('..') || m[2].startsWith('/')) return null
    out.push({ sha256: m[1], path: m[2] })
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Backups as the admin sees them

/** Whether the scheduler should start a backup: `everyHours` after the previous attempt (any outcome). */
export function backupDue(lastStartedAt: string | null, now: Date, everyHours: number): boolean {
  if (everyHours <= 0) return false
  if (!lastStartedAt) return true
  return now.getTime() - Date.parse(lastStartedAt) >= everyHours * 3_600_000
}

export interface AttemptRow {
  id: number; destination: string; file: string | null; started_at: string; finished_at: string | null
  bytes: number | null; sha256: string | null; status: 'running' | 'ok' | 'failed'; error: string | null
}

export type Warning = 'never' | 'old' | 'failed' | null

export interface DestinationState {
  destination: string
  lastGood: AttemptRow | null
  lastAttempt: AttemptRow | null
  warning: Warning
}

/**
 * The state of one destination: its newest good copy (one whose file is still there) and its last attempt. Red when
 * there is no good copy, when it is older than `warnHours`, or when the last attempt failed.
 */
export function destinationState(destination: string, attempts: AttemptRow[], exists: (a: AttemptRow) => boolean,
  now: Date, warnHours: number): DestinationState {
  const mine = attempts.filter((a) => a.destination === destination).sort((a, b) => b.started_at.localeCompare(a.started_at) || b.id - a.id)
  const lastAttempt = mine.find((a) => a.status !== 'running') ?? null
  const lastGood = mine.find((a) => a.status === 'ok' && exists(a)) ?? null
  let warning: Warning = null
  if (!lastGood) warning = 'never'
  else if (now.getTime() - Date.parse(lastGood.started_at) > warnHours * 3_600_000) warning = 'old'
  if (lastAttempt?.status === 'failed') warning = warning === 'never' ? 'never' : 'failed'
  return { destination, lastGood, lastAttempt, warning }
}

/** «3 ч 5 мин назад», «2 дн. назад», «только что». */
export function ageText(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000))
  if (minutes < 1) return t('archive.age.now')
  if (minutes < 60) return t('archive.age.minutes', { m: minutes })
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return t('archive.age.hours', { h: hours, m: minutes % 60 })
  return t('archive.age.days', { d: Math.floor(hours / 24) })
}

/** «1 файл», «3 файла», «6 файлов»; «2 расхождения». */
export function countText(n: number, word: 'files' | 'problems'): string {
  return `${n} ${plural(n, [t(`archive.${word}.one`), t(`archive.${word}.few`), t(`archive.${word}.many`)])}`
}

/** «1,5 МБ», «830 КБ». */
export function sizeText(bytes: number | null): string {
  if (bytes === null) return ''
  if (bytes < 1024 * 1024) return t('archive.size.kb', { n: Math.max(1, Math.round(bytes / 1024)) })
  return t('archive.size.mb', { n: (bytes / 1024 / 1024).toFixed(1).replace('.', ',') })
}
