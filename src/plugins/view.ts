// Server-rendered pages: Eta templates with escaping on, and reply.page() which adds what every page needs
// (the user, the menu, the CSRF token, the flash message, the catalogue and date helpers).
import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import { t, plural } from '../i18n/index.js'
import { fmtDate, fmtDateTime } from '../lib/dates.js'
import { menuFor } from './menu.js'
import { viewsRoot } from '../lib/paths.js'
import { PageCache } from '../lib/page-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache
    /** A page's own part (no layout), for the page cache; any CSRF token in it is a slot filled per request. */
    renderPart(template: string, data: Record<string, unknown>): string
  }
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>): FastifyReply
    /** A part made by renderPart, in the layout, with this request's CSRF token in its slots. */
    pagePart(title: string, html: string): FastifyReply
    /** Redirect after a successful POST, with a message shown once on the next page. */
    flashRedirect(url: string, text: string, kind?: 'ok' | 'error'): FastifyReply
  }
}


export const helpers = { t, plural, fmtDate, fmtDateTime }

/** Stands for the CSRF token in a kept part; letters only, so escaping leaves it as it is. */
const CSRF_SLOT = 'csrfslotQx7vZ2'

export default fp<{ production: boolean; pageCacheBytes: number }>(
  async (app, opts) => {
    const eta = new Eta({ views: viewsRoot, autoEscape: true, cache: opts.production, autoTrim: [false, 'nl'] })
    await app.register(view, { engine: { eta }, root: viewsRoot, viewExt: 'eta', defaultContext: helpers })
    app.decorate('pageCache', new PageCache(app.db, opts.pageCacheBytes))
    app.decorate('renderPart', (template: string, data: Record<string, unknown>) =>
      eta.render(template, { ...helpers, csrf: CSRF_SLOT, errors: {}, input: {}, ...data }))

    app.decorateReply('page', function (template: string, data: Record<string, unknown> = {}) {
      const req = this.request
      const flash = req.session?.flash
      if (flash) delete req.session.flash
      const ctx = {
        ...helpers,
        user: req.user,
        menu: menuFor(req.user, req.url, req.unread),
        csrf: this.generateCsrf(),
        flash,
        path: req.url.split('?')[0],
        errors: {},
        input: {},
        ...data,
      }
      this.type('text/html; charset=utf-8')
      return this.view(template, ctx) as unknown as typeof this
    })

    app.decorateReply('pagePart', function (title: string, html: string) {
      return this.page('layouts/part', { title, html, slot: CSRF_SLOT })
    })

    app.decorateReply('flashRedirect', function (url: string, text: string, kind: 'ok' | 'error' = 'ok') {
      if (this.request.session && this.request.user) this.request.session.flash = { kind, text }
      return this.redirect(url, 303)
    })
  },
  { name: 'view', dependencies: ['session'] },
)
