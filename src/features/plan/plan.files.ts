// КТП files: reading an uploaded .xlsx/.csv into topic rows, and writing the plan (or the template) back out.
import type ExcelJS from 'exceljs'
import { excel } from '../../lib/excel.js'
import { t } from '../../i18n/index.js'
import { readTable, toCsv } from '../people/rosters.js'
import { mapPlanHeaders, planRows, MAX_ROWS, type PlanColumn, type RawPlanRow } from './plan.rules.js'

export type ReadPlan = { ok: true; rows: { line: number; raw: RawPlanRow }[] } | { ok: false; error: string }

/** An upload of either kind (the roster reader tells .xlsx from CSV and checks the encoding). */
export async function readPlanFile(buf: Buffer): Promise<ReadPlan> {
  const read = await readTable(buf)
  if (!read.ok) return read
  const map = mapPlanHeaders(read.table[0] ?? [])
  if (map.missing.length) {
    return { ok: false, error: t('plan.missingColumns', { cols: map.missing.map((c) => `«${header(c)}»`).join(', ') }) }
  }
  const rows = planRows(read.table, map)
  if (!rows.length) return { ok: false, error: t('plan.emptyFile') }
  if (rows.length > MAX_ROWS) return { ok: false, error: t('plan.tooMany', { max: MAX_ROWS }) }
  return { ok: true, rows }
}

const header = (c: PlanColumn) => t(`plan.col.${c}`)
const HEADERS: PlanColumn[] = ['number', 'title', 'hours']

export function planCsv(topics: { number: number; title: string; hours: number }[]): Buffer {
  return toCsv([HEADERS.map(header), ...topics.map((x) => [String(x.number), x.title, String(x.hours)])])
}

/** The plan as a workbook: numbers stay numbers, the topic column is wide enough to read. */
export async function planXlsx(topics: { number: number; title: string; hours: number }[], withHelp = false): Promise<Buffer> {
  const wb = new (await excel()).Workbook()
  const ws = wb.addWorksheet(t('plan.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = [
    { header: header('number'), width: 6 },
    { header: header('title'), width: 80, style: { numFmt: '@', alignment: { wrapText: true } } },
    { header: header('hours'), width: 8 },
  ]
  ws.getRow(1).font = { bold: true }
  for (const x of topics) ws.addRow([x.number, x.title, x.hours])
  if (withHelp) {
    const help = wb.addWorksheet(t('plan.helpSheet'))
    help.getColumn(1).width = 110
    for (const n of [1, 2, 3]) help.addRow([t(`plan.templateHint${n}`)])
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** A download's headers: an ASCII name for old browsers and the Russian one for the rest. */
export function attachment(ascii: string, name: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
