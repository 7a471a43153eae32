// exceljs, loaded on the first spreadsheet rather than at start: it is 18 MB of a server that should stay under
// 200 MB (R-NF-2), and most days nobody imports or exports a spreadsheet.
import type ExcelJSModule from 'exceljs'

let loaded: Promise<typeof ExcelJSModule> | null = null

export function excel(): Promise<typeof ExcelJSModule> {
  loaded ??= import('exceljs').then((m) => m.default)
  return loaded
}
