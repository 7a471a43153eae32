// The one shape every monitoring report takes (R-REP-6): titled tables of typed cells. The page, the PDF, the
// .xlsx and the .csv are all drawn from the same Report value, so the four show the same figures.
import type ExcelJS from 'exceljs'
import { excel } from '../../lib/excel.js'
import { toCsv } from '../people/rosters.js'
import { fmtDate } from '../../lib/dates.js'

/** text: as is; int: a count; pct: a percentage 0–100 (one decimal); mark: an average mark (two decimals); date: ISO. */
export type CellKind = 'text' | 'int' | 'pct' | 'mark' | 'date'
export type Cell = string | number | null

export interface Column { key: string; label: string; kind: CellKind }

export interface Row {
  cells: Record<string, Cell>
  /** Drill-down: a column's figure links to the rows behind it (R-REP-1). Only on screen. */
  links?: Record<string, string>
  /** A total or a group heading, shown in bold. */
  strong?: boolean
}

export interface ReportTable {
  title?: string
  columns: Column[]
  rows: Row[]
  /** Shown instead of an empty table. */
  empty?: string
}

export interface Report {
  title: string
  /** What the figures cover: the range, the class, the teacher — printed under the title everywhere. */
  subtitle: string
  tables: ReportTable[]
  /** Explanations of the figures (how a percentage is counted), printed under the tables. */
  notes?: string[]
  /** A wide report prints on landscape pages. */
  landscape?: boolean
}

/** part of whole as a percentage with one decimal; null (shown as «—») when there is nothing to count. */
export function pct(part: number, whole: number): number | null {
  if (!whole) return null
  return Math.round((part * 1000) / whole) / 10
}

/** An average with two decimals; null when there are no values. */
export function avg(sum: number, count: number): number | null {
  if (!count) return null
  return Math.round((sum * 100) / count) / 100
}

const DASH = '—'

/** The text of a cell as the page, the PDF and the .csv show it. */
export function formatCell(v: Cell, kind: CellKind): string {
  if (v === null || v === '') return kind === 'text' ? '' : DASH
  // A negative figure (a fall since the previous period) takes the typographic minus, which a spreadsheet
  // does not read as the start of a formula.
  const num = (s: string) => s.replace('.', ',').replace('-', '−')
  switch (kind) {
    case 'pct': return `${num(Number(v).toFixed(1))} %`
    case 'mark': return num(Number(v).toFixed(2))
    case 'int': return num(String(v))
    case 'date': return fmtDate(String(v))
    default: return String(v)
  }
}

/** The report as rows of text: a title line, the subtitle, then each table with its heading row. */
export function reportText(r: Report): string[][] {
  const out: string[][] = [[r.title], [r.subtitle]]
  for (const tb of r.tables) {
    out.push([])
    if (tb.title) out.push([tb.title])
    out.push(tb.columns.map((c) => c.label))
    for (const row of tb.rows) out.push(tb.columns.map((c) => formatCell(row.cells[c.key] ?? null, c.kind)))
  }
  for (const n of r.notes ?? []) out.push([], [n])
  return out
}

export function reportCsv(r: Report): Buffer {
  return toCsv(reportText(r))
}

// Excel sheet names: at most 31 characters, none of : \ / ? * [ ].
function sheetName(title: string, n: number, used: Set<string>): string {
  let name = (title || `Таблица ${n}`).replace(/[:\\/?*[\]]/g, ' ').slice(0, 31).trim()
  while (used.has(name)) name = `${name.slice(0, 27)} (${n})`
  used.add(name)
  return name
}

/** One worksheet per table; counts, percentages and averages are numbers, so the school can go on computing. */
export async function reportXlsx(r: Report): Promise<Buffer> {
  const wb = new (await excel()).Workbook()
  const used = new Set<string>()
  r.tables.forEach((tb, i) => {
    const ws = wb.addWorksheet(sheetName(tb.title ?? (r.tables.length === 1 ? r.title : ''), i + 1, used))
    ws.addRow([r.title]).font = { bold: true, size: 13 }
    ws.addRow([r.subtitle])
    if (tb.title) ws.addRow([tb.title]).font = { bold: true }
    const head = ws.addRow(tb.columns.map((c) => c.label))
    head.font = { bold: true }
    ws.views = [{ state: 'frozen', ySplit: head.number }]
    tb.columns.forEach((c, j) => {
      const col = ws.getColumn(j + 1)
      col.width = c.kind === 'text' ? Math.max(14, Math.min(40, c.label.length + 2)) : Math.max(10, Math.min(24, c.label.length + 2))
      if (c.kind === 'pct') col.numFmt = '0.0" %"'
      if (c.kind === 'mark') col.numFmt = '0.00'
    })
    for (const row of tb.rows) {
      const xr = ws.addRow(tb.columns.map((c) => {
        const v = row.cells[c.key] ?? null
        if (v === null || v === '') return null
        if (c.kind === 'date') return fmtDate(String(v))
        return c.kind === 'text' ? String(v) : Number(v)
      }))
      if (row.strong) xr.font = { bold: true }
    }
    for (const n of r.notes ?? []) { ws.addRow([]); ws.addRow([n]) }
  })
  if (!r.tables.length) wb.addWorksheet(sheetName(r.title, 1, used)).addRow([r.title])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
