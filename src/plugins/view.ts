// Server-rendered pages: Eta templates with escaping on, and reply.page() which adds what every page needs
// (the user, the menu, the CSRF token, the flash message, the catalogue and date helpers).
import { randomBytes } from 'node:crypto'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyReply } from 'fastify'
import { t, plural } from '../i18n/index.js'
import { fmtDate, fmtDateTime } from '../lib/dates.js'
import { menuFor } from './menu.js'
import { viewsRoot } from '../lib/paths.js'
import { PageCache, PAGES_PER_PART, type KeptPage, type KeptPart } from '../lib/page-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache
    /** A page's own part (no layout), for the page cache; any CSRF token in it is a slot filled per request. */
    renderPart(template: string, data: Record<string, unknown>): string
  }
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>): FastifyReply
    /** A kept part in the layout, with this browser's CSRF token in its slots. */
    pagePart(part: KeptPart): FastifyReply
    /** Redirect after a successful POST, with a message shown once on the next page. */
    flashRedirect(url: string, text: string, kind?: 'ok' | 'error'): FastifyReply
  }
}


export const helpers = { t, plural, fmtDate, fmtDateTime }

/** The encoding a browser accepts for a kept page: brotli (as @fastify/compress prefers), gzip, or none. */
export function keptEncoding(acceptEncoding: string | undefined, noCompression = false): 'br' | 'gzip' | null {
  if (!acceptEncoding || noCompression) return null
  const accepted = new Set<string>()
  for (const item of acceptEncoding.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';')
    const q = params.map((x) => /^\s*q=([\d.]+)\s*$/.exec(x)?.[1]).find((x) => x !== undefined)
    if (q === undefined || Number(q) > 0) accepted.add(name.trim())
  }
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : null
}

/**
 * A kept page in the encoding asked for, compressed the first time it is asked for (with @fastify/compress's
 * brotli quality): a kept page is sent many times, and compressing it each time cost more than the rest of
 * the request (0.19 ms for a 20 KB journal page).
 */
function sendKept(reply: FastifyReply, page: KeptPage): FastifyReply {
  const headers = reply.request.headers
  const encoding = page.raw.length >= 1024 ? keptEncoding(headers['accept-encoding'], headers['x-no-compression'] !== undefined) : null
  reply.header('vary', 'accept-encoding')
  if (!encoding) return reply.send(page.raw)
  const body = encoding === 'br'
    ? page.br ??= brotliCompressSync(page.raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } })
    : page.gzip ??= gzipSync(page.raw)
  return reply.header('content-encoding', encoding).send(body)
}

/**
 * Stands for the CSRF token in a kept part: letters and digits, so escaping leaves it as it is, and new for
 * each start of the server, so no text typed into the journal can name it.
 */
const CSRF_SLOT = `csrfslot${randomBytes(12).toString('hex')}`

export default fp<{ production: boolean; pageCacheBytes: number }>(
  async (app, opts) => {
    const eta = new Eta({ views: viewsRoot, autoEscape: true, cache: opts.production, autoTrim: [false, 'nl'] })
    await app.register(view, { engine: { eta }, root: viewsRoot, viewExt: 'eta', defaultContext: helpers })
    app.decorate('pageCache', new PageCache(app.db, opts.pageCacheBytes))
    app.decorate('renderPart', (template: string, data: Record<string, unknown>) =>
      eta.render(template, { ...helpers, csrf: CSRF_SLOT, errors: {}, input: {}, ...data }))

    /** What every page's layout needs; takes the flash message out of the session, as it is shown once. */
    function layoutContext(reply: FastifyReply, data: Record<string, unknown>) {
      const req = reply.request
      const flash = req.session?.flash
      if (flash) delete req.session.flash
      return {
        ...helpers,
        user: req.user,
        menu: menuFor(req.user, req.url, req.unread),
        csrf: reply.generateCsrf(),
        flash,
        path: req.url.split('?')[0],
        errors: {},
        input: {},
        ...data,
      }
    }

    app.decorateReply('page', function (template: string, data: Record<string, unknown> = {}) {
      const ctx = layoutContext(this, data)
      this.type('text/html; charset=utf-8')
      return this.view(template, ctx) as unknown as typeof this
    })

    // The whole page is kept with its part for the browser that asked, keyed by that browser's CSRF cookie (so
    // the tokens in it are that browser's own), the address and the unread count in the menu; the part's data
    // versions cover the rest of the layout (the user's name and roles). Not with a flash message to show.
    app.decorateReply('pagePart', function (part: KeptPart) {
      const req = this.request
      this.type('text/html; charset=utf-8')
      const cookie = req.cookies?.csrf
      const browser = cookie && req.user && !req.session?.flash ? `${cookie} ${req.unread} ${req.url}` : null
      const kept = browser ? part.pages?.get(browser) : undefined
      if (kept) return sendKept(this, kept)
      const html = eta.render('layouts/part', layoutContext(this, { title: part.title, html: part.html, slot: CSRF_SLOT }))
      // Not to be kept (a flash message, no CSRF cookie yet): @fastify/compress compresses it as any page.
      if (!browser) return this.send(html)
      const page = { raw: Buffer.from(html) }
      part.pages ??= new Map()
      if (part.pages.size >= PAGES_PER_PART) part.pages.delete(part.pages.keys().next().value!)
      part.pages.set(browser, page)
      return sendKept(this, page)
    })

    app.decorateReply('flashRedirect', function (url: string, text: string, kind: 'ok' | 'error' = 'ok') {
      if (this.request.session && this.request.user) this.request.session.flash = { kind, text }
      return this.redirect(url, 303)
    })
  },
  { name: 'view', dependencies: ['session'] },
)
