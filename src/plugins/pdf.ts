// PDFs from the same Eta templates as the screens: app.renderPdf(template, data, options). One Chromium for the
// whole app (launched on first use, relaunched if it dies), at most two PDF jobs at once (R-NF-2).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import fp from 'fastify-plugin'
import type { PDFOptions } from 'puppeteer-core'
import { BrowserPool } from '../print/browser.js'
import { publicRoot } from '../lib/paths.js'
import { helpers } from './view.js'
import { t } from '../i18n/index.js'

export interface PdfOptions {
  landscape?: boolean
  /** «лист N из M» in the footer of every page. */
  sheetNumbers?: boolean
  /** Extra text at the left of the footer (a document number). */
  footerNote?: string
  margin?: PDFOptions['margin']
  /** Accessibility tags: off by default — on a year's journal they are 90 % of the file (10 MB against 1 MB). */
  tagged?: boolean
}

export interface PdfResult { pdf: Buffer; pages: number }

declare module 'fastify' {
  interface FastifyInstance {
    renderPdf(template: string, data: Record<string, unknown>, opts?: PdfOptions): Promise<PdfResult>
    /** The HTML a PDF is made from, also used for the on-screen preview. */
    renderPrintHtml(template: string, data: Record<string, unknown>): Promise<string>
    browserPool: BrowserPool
  }
}

let printCss: string | null = null
/** The print stylesheet, inlined into print pages so that they render the same from a file or a URL. */
export function printStylesheet(): string {
  printCss ??= readFileSync(path.join(publicRoot, 'css', 'print.css'), 'utf8')
  return printCss
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

export default fp<{ chromiumPath: string; maxJobs?: number }>(
  async (app, opts) => {
    const pool = new BrowserPool(opts.chromiumPath, opts.maxJobs ?? 2, false)
    app.decorate('browserPool', pool)
    app.addHook('onClose', async () => pool.close())

    app.decorate('renderPrintHtml', async (template: string, data: Record<string, unknown>) =>
      (await app.view(template, { ...helpers, printCss: printStylesheet(), ...data })) as string)

    app.decorate('renderPdf', async (template: string, data: Record<string, unknown>, o: PdfOptions = {}) => {
      const html = await app.renderPrintHtml(template, data)
      return pool.withPage(async (page) => {
        await page.setContent(html, { waitUntil: 'load' })
        const footer = o.sheetNumbers || o.footerNote
          ? `<div style="font: 8pt 'Liberation Serif', serif; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between;">
               <span>${escapeHtml(o.footerNote ?? '')}</span>
               <span>${o.sheetNumbers ? escapeHtml(t('common.printed.sheet')).replace('{n}', '<span class="pageNumber"></span>').replace('{m}', '<span class="totalPages"></span>') : ''}</span>
             </div>`
          : '<span></span>'
        const pdf = Buffer.from(await page.pdf({
          format: 'A4',
          landscape: o.landscape ?? false,
          printBackground: true,
          tagged: o.tagged ?? false,
          preferCSSPageSize: false,
          displayHeaderFooter: Boolean(o.sheetNumbers || o.footerNote),
          headerTemplate: '<span></span>',
          footerTemplate: footer,
          margin: o.margin ?? { top: '12mm', bottom: o.sheetNumbers || o.footerNote ? '14mm' : '12mm', left: '12mm', right: '12mm' },
        }))
        return { pdf, pages: countPages(pdf) }
      })
    })
  },
  { name: 'pdf', dependencies: ['view'] },
)

/** Pages of a PDF Chromium wrote: its page objects are '/Type /Page' (not '/Pages'). */
export function countPages(pdf: Buffer): number {
  const m = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)
  return m ? m.length : 0
}
