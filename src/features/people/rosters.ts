// Roster files (R-ORG-5): the column set shared by the template, the import and the export; reading .xlsx and
// CSV into rows; validating rows into a preview; and keeping that preview in a file between upload and confirm.
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type ExcelJS from 'exceljs'
import { excel } from '../../lib/excel.js'
import { t } from '../../i18n/index.js'
import { fmtDate, parseDate } from '../../lib/dates.js'
import { validEmail, validPhone } from './people.form.js'
import { nameKey } from './people.rules.js'

// ---- Columns ------------------------------------------------------------------------------------------------

export const COLUMNS = [
  'class', 'last_name', 'first_name', 'middle_name', 'birth_date',
  'p1_last', 'p1_first', 'p1_middle', 'p1_phone', 'p1_email',
  'p2_last', 'p2_first', 'p2_middle', 'p2_phone', 'p2_email',
] as const
export type Column = (typeof COLUMNS)[number]
export type RawRow = Record<Column, string>

export const header = (c: Column) => t(`people.import.col.${c}`)
export const headers = () => COLUMNS.map(header)

const headerKey = (s: string) => s.trim().toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ').replace(/\s*:\s*/g, ': ')

/** Which column each known header is in; «Родитель 1: …» is accepted for the first parent. */
export function mapHeaders(row: string[]): { index: Partial<Record<Column, number>>; missing: Column[] } {
  const known = new Map<string, Column>()
  for (const c of COLUMNS) {
    known.set(headerKey(header(c)), c)
    // «Родитель 1: …» is the second parent's header with 1 for 2.
    if (c.startsWith('p1_')) known.set(headerKey(header(c.replace('p1_', 'p2_') as Column)).replace('2', '1'), c)
  }
  const index: Partial<Record<Column, number>> = {}
  row.forEach((h, i) => {
    const c = known.get(headerKey(h))
    if (c && index[c] === undefined) index[c] = i
  })
  const missing = (['class', 'last_name', 'first_name', 'birth_date'] as Column[]).filter((c) => index[c] === undefined)
  return { index, missing }
}

/** Data rows as named cells, with their line numbers in the file; empty lines are skipped. */
export function namedRows(table: string[][], index: Partial<Record<Column, number>>): { line: number; raw: RawRow }[] {
  const out: { line: number; raw: RawRow }[] = []
  table.slice(1).forEach((cells, i) => {
    if (cells.every((c) => !c.trim())) return
    const raw = {} as RawRow
    for (const c of COLUMNS) raw[c] = unguard((index[c] === undefined ? '' : cells[index[c]!] ?? '').replace(/\s+/g, ' ').trim())
    out.push({ line: i + 2, raw })
  })
  return out
}

// ---- CSV ----------------------------------------------------------------------------------------------------

/** Excel in a Russian locale writes ';', others ','; the header line tells which (quoted text does not count). */
export function detectDelimiter(text: string): ';' | ',' {
  let semi = 0, comma = 0, quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && ch === ';') semi++
    else if (!quoted && ch === ',') comma++
  }
  return semi >= comma && semi > 0 ? ';' : comma > 0 ? ',' : ';'
}

/** RFC 4180 CSV: quoted fields may hold the delimiter, quotes ("") and line breaks. */
export function parseCsv(text: string, delim: string): string[][] {
  const rows: string[][] = []
  let row: string[] = [], cell = '', quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ }
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"' && cell === '') quoted = true
    else if (ch === delim) { row.push(cell); cell = '' }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row) }
  return rows
}

/** UTF-8 text without the BOM, or null when the bytes are not UTF-8 (a file saved as Windows-1251). */
export function decodeUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '')
  } catch {
    return null
  }
}

// A spreadsheet runs a cell that starts with = + - @ as a formula: a name typed as «=HYPERLINK(…)» would
// become a live link, and a phone «+7 900 …» an error. The export writes such cells with a leading apostrophe,
// the way Excel marks text, and the import takes it off again.
const FORMULA_START = /^[=+\-@\t\r]/
const guard = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s)
const unguard = (s: string) => (s.startsWith("'") && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s)

function csvCell(raw: string, delim: string): string {
  const s = guard(raw)
  return /["\r\n]/.test(s) || s.includes(delim) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV as Excel opens it in a Russian locale: BOM, ';', CRLF. */
export function toCsv(table: string[][]): Buffer {
  const text = table.map((r) => r.map((c) => csvCell(c, ';')).join(';')).join('\r\n') + '\r\n'
  return Buffer.from('\uFEFF' + text, 'utf8')
}

// ---- XLSX ---------------------------------------------------------------------------------------------------

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) {
    // exceljs gives dates at UTC midnight.
    return fmtDate(v.toISOString().slice(0, 10))
  }
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('')
    if ('text' in v && typeof v.text === 'string') return v.text
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue)
    return ''
  }
  return String(v)
}

export type ReadResult = { ok: true; table: string[][] } | { ok: false; error: string }

/** The first worksheet of an .xlsx as text cells. */
export async function readXlsx(buf: Buffer): Promise<ReadResult> {
  const wb = new (await excel()).Workbook()
  try {
    // exceljs declares its own Buffer type (an ArrayBuffer) that Node's Buffer no longer matches in the typings.
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer)
  } catch {
    return { ok: false, error: t('people.import.unreadable') }
  }
  const ws = wb.worksheets[0]
  if (!ws) return { ok: false, error: t('people.import.empty') }
  const table: string[][] = []
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell, col) => { cells[col - 1] = cellText(cell.value) })
    table[n - 1] = Array.from(cells, (c) => c ?? '')
  })
  return { ok: true, table: Array.from(table, (r) => r ?? []) }
}

/** A roster file of either kind: .xlsx recognised by its zip signature, anything else read as CSV. */
export async function readTable(buf: Buffer): Promise<ReadResult> {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b) return readXlsx(buf)
  if (buf.length >= 4 && buf[0] === 0xd0 && buf[1] === 0xcf) return { ok: false, error: t('people.import.oldXls') }
  const text = decodeUtf8(buf)
  if (text === null) return { ok: false, error: t('people.import.notUtf8') }
  return { ok: true, table: parseCsv(text, detectDelimiter(text)) }
}

export async function toXlsx(table: string[][], hint?: string[]): Promise<Buffer> {
  const wb = new (await excel()).Workbook()
  const ws = wb.addWorksheet(t('people.import.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = table[0].map((h) => ({ header: h, width: Math.max(12, h.length + 2), style: { numFmt: '@' } }))
  ws.getRow(1).font = { bold: true }
  for (const r of table.slice(1)) ws.addRow(r)
  if (hint) {
    const help = wb.addWorksheet(t('people.import.helpSheet'))
    help.getColumn(1).width = 100
    hint.forEach((line) => help.addRow([line]))
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

// ---- Validation ---------------------------------------------------------------------------------------------

export interface PersonIn { last_name: string; first_name: string; middle_name: string }
export interface ParentIn extends PersonIn { phone: string | null; email: string | null }
export interface ImportRow {
  line: number
  raw: RawRow
  classId: number | null
  student: PersonIn & { birth_date: string | null }
  parents: ParentIn[]
  errors: string[]
}

/** What validation needs to know about the school: classes by label, and the students already there. */
export interface ImportContext {
  /** normalised label → class id and whether the uploader may import into it */
  classes: Map<string, { id: number; allowed: boolean }>
  /** studentKey()s of the students already in the school */
  existing: Set<string>
  today: string
}

// Latin letters that look like Cyrillic ones: a class letter typed in the wrong keyboard layout looks right.
const LATIN_TO_CYRILLIC: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х' }

/** «5 а», «5-А», «5"A"» (Latin A) → «5А». */
export function normalizeClass(s: string): string {
  return s.toLocaleUpperCase('ru').replace(/[\s\-«»"'.]/g, '').replace(/Ё/g, 'Е').replace(/[A-Z]/g, (ch) => LATIN_TO_CYRILLIC[ch] ?? ch)
}

export const studentKey = (p: PersonIn & { birth_date: string | null }) => `${nameKey(p.last_name, p.first_name, p.middle_name)}|${p.birth_date ?? ''}`

const MAX_NAME = 60

function parentOf(raw: RawRow, n: 1 | 2, errors: string[]): ParentIn | null {
  const g = (k: 'last' | 'first' | 'middle' | 'phone' | 'email') => raw[`p${n}_${k}` as Column]
  if (!g('last') && !g('first') && !g('middle') && !g('phone') && !g('email')) return null
  const label = t(n === 1 ? 'people.import.parent1' : 'people.import.parent2')
  if (!g('last') || !g('first')) errors.push(t('people.import.err.parentName', { who: label }))
  if (g('phone') && !validPhone(g('phone'))) errors.push(t('people.import.err.phone', { who: label }))
  if (g('email') && !validEmail(g('email').toLowerCase())) errors.push(t('people.import.err.email', { who: label }))
  return { last_name: g('last'), first_name: g('first'), middle_name: g('middle'), phone: g('phone') || null, email: g('email').toLowerCase() || null }
}

/** Checks each row and the rows against each other; a row with errors blocks the whole import. */
export function validateRows(rows: { line: number; raw: RawRow }[], ctx: ImportContext): ImportRow[] {
  const seen = new Map<string, number>()
  return rows.map(({ line, raw }) => {
    const errors: string[] = []
    if (!raw.last_name) errors.push(t('people.import.err.lastName'))
    if (!raw.first_name) errors.push(t('people.import.err.firstName'))
    if ([raw.last_name, raw.first_name, raw.middle_name].some((s) => s.length > MAX_NAME)) errors.push(t('people.import.err.long'))
    let birth: string | null = null
    if (!raw.birth_date) errors.push(t('people.import.err.noBirth'))
    else {
      birth = parseDate(raw.birth_date)
      if (!birth || birth > ctx.today || birth < '1900-01-01') { errors.push(t('people.import.err.badBirth', { value: raw.birth_date })); birth = null }
    }
    let classId: number | null = null
    if (!raw.class) errors.push(t('people.import.err.noClass'))
    else {
      const c = ctx.classes.get(normalizeClass(raw.class))
      if (!c) errors.push(t('people.import.err.unknownClass', { value: raw.class }))
      else if (!c.allowed) errors.push(t('people.import.err.notYourClass', { value: raw.class }))
      else classId = c.id
    }
    const student = { last_name: raw.last_name, first_name: raw.first_name, middle_name: raw.middle_name, birth_date: birth }
    if (raw.last_name && raw.first_name && birth) {
      const key = studentKey(student)
      if (ctx.existing.has(key)) errors.push(t('people.import.err.inSchool'))
      if (seen.has(key)) errors.push(t('people.import.err.twice', { line: seen.get(key)! }))
      else seen.set(key, line)
    }
    const parents = [parentOf(raw, 1, errors), parentOf(raw, 2, errors)].filter((p): p is ParentIn => p !== null)
    return { line, raw, classId, student, parents, errors }
  })
}

/** A parent named twice (siblings in one file) is one person: same name and the same phone or e-mail. */
export function parentKey(p: ParentIn): string {
  const phone = (p.phone ?? '').replace(/\D/g, '').replace(/^8(?=\d{10}$)/, '7')
  return `${nameKey(p.last_name, p.first_name, p.middle_name)}|${phone}|${p.email ?? ''}`
}

/** Students listed from the first day of the year start there; a later list records arrivals. */
export function importReason(fromDate: string, yearStart: string): 'initial' | 'arrival' {
  return fromDate <= yearStart ? 'initial' : 'arrival'
}

// ---- The preview between upload and confirm -----------------------------------------------------------------

export const PREVIEW_TTL_MS = 3_600_000

export interface Preview {
  owner: number
  createdAt: number
  fileName: string
  yearId: number
  fromDate: string
  rows: ImportRow[]
}

const ID_RE = /^[a-f0-9]{32}$/
const dirOf = (dataDir: string) => path.join(dataDir, 'imports')

export async function savePreview(dataDir: string, p: Preview): Promise<string> {
  const dir = dirOf(dataDir)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await sweepPreviews(dataDir, p.createdAt)
  const id = randomBytes(16).toString('hex')
  await writeFile(path.join(dir, `${id}.json`), JSON.stringify(p), { mode: 0o600 })
  return id
}

export type PreviewLookup = { ok: true; preview: Preview } | { ok: false; reason: 'missing' | 'expired' | 'foreign' }

/** A preview of this user, not older than an hour; anyone else's answers as if it did not exist. */
export async function loadPreview(dataDir: string, id: string, owner: number, now = Date.now()): Promise<PreviewLookup> {
  if (!ID_RE.test(id)) return { ok: false, reason: 'missing' }
  let p: Preview
  try {
    p = JSON.parse(await readFile(path.join(dirOf(dataDir), `${id}.json`), 'utf8')) as Preview
  } catch {
    return { ok: false, reason: 'missing' }
  }
  if (p.owner !== owner) return { ok: false, reason: 'foreign' }
  if (now - p.createdAt > PREVIEW_TTL_MS) {
    await dropPreview(dataDir, id)
    return { ok: false, reason: 'expired' }
  }
  return { ok: true, preview: p }
}

export async function dropPreview(dataDir: string, id: string): Promise<void> {
  if (ID_RE.test(id)) await rm(path.join(dirOf(dataDir), `${id}.json`), { force: true })
}

/** Removes previews older than an hour (they hold personal data; nobody will confirm them now). */
export async function sweepPreviews(dataDir: string, now = Date.now()): Promise<void> {
  const dir = dirOf(dataDir)
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.endsWith('.json')) continue
    const s = await stat(path.join(dir, f)).catch(() => null)
    if (s && now - s.mtimeMs > PREVIEW_TTL_MS) await rm(path.join(dir, f), { force: true })
  }
}
