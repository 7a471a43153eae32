// Issuing the weekly report's PDF: reserve its registry number, render the sheets with the stamp through the
// app's one Chromium, make sure every student got exactly one page, store the bytes as issued (R-ARC-1, R-ARC-4).
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Actor } from '../../lib/audit.js'
import type { PdfResult } from '../../plugins/pdf.js'
import { documentStamp, type ReservedDocument } from '../../print/documents.js'
import { reserveWeekly, storeWeekly, type WeeklyStudent } from './weekly.queries.js'
import { buildSheet, denser, type ClassData, type Sheet } from './weekly.rules.js'

export interface Item { student: WeeklyStudent; sheet: Sheet }

export interface WeeklyIssue {
  title: string
  subjectKey: string
  yearId: number
  baseUrl: string
  students: WeeklyStudent[]
  data: ClassData
  /** The length of a printed day, for the estimate of each page's height. */
  dayChars: number
  /** What the sheet template needs besides the sheets (class, dates, the averages' period, the day format). */
  context: Record<string, unknown>
}

export async function printWeekly(app: FastifyInstance, log: FastifyBaseLogger, actor: Actor, w: WeeklyIssue): Promise<PdfResult & { doc: ReservedDocument }> {
  const doc = await reserveWeekly(app.db, actor, { title: w.title, subjectKey: w.subjectKey, yearId: w.yearId })
  const stamp = await documentStamp(doc, w.baseUrl)
  let items: Item[] = w.students.map((student) => ({ student, sheet: buildSheet(student, w.data, w.dayChars) }))
  const render = () => app.renderPdf('weekly/print', { title: w.title, ...w.context, items, doc: stamp })
  const started = Date.now()
  let out = await render()
  // The density estimate errs on the safe side; should a page still spill over, print every page smaller.
  for (let step = 0; step < 2 && out.pages > items.length; step++) {
    log.warn({ pages: out.pages, students: items.length, step }, 'weekly report spilled over; printing denser')
    items = items.map((i) => ({ ...i, sheet: denser(i.sheet) }))
    out = await render()
  }
  log.info({ document: doc.number, students: items.length, pages: out.pages, ms: Date.now() - started }, 'weekly report rendered')
  // The signed bytes are what is stored and handed out, so a family's copy matches the registry (R-ARC-4).
  const stored = await storeWeekly(app.db, app.config.dataDir, doc, out, stamp.url, log)
  return { pdf: stored.pdf, pages: stored.pages, doc }
}
