// Builds the application as a plugin tree: external plugins, our plugins, features, then error pages.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import staticFiles from '@fastify/static'
import compress from '@fastify/compress'
import rateLimit from '@fastify/rate-limit'
import type { Config } from './config.js'
import type { DB } from './db/connection.js'
import { t } from './i18n/index.js'
import dbPlugin from './plugins/db.js'
import sessionPlugin from './plugins/session.js'
import authPlugin from './plugins/auth.js'
import viewPlugin from './plugins/view.js'
import pdfPlugin from './plugins/pdf.js'
import { publicRoot } from './lib/paths.js'
import { features } from './features/index.js'

/** A registered route; family marks the routes meant for students and parents too. */
export interface RouteInfo { method: string; url: string; family: boolean }

export interface AppOptions {
  config: Config
  db: DB
  secret: string
  logger?: FastifyServerOptions['logger']
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    // A form field of a big class list can be long; keep the limit generous but finite.
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.decorate('config', config)
  // Every route, recorded as it is added: the role × route test walks this list so no route escapes it.
  const routes: RouteInfo[] = []
  app.decorate('routeList', routes)
  app.addHook('onRoute', (r) => {
    const family = (r.config as { family?: boolean } | undefined)?.family === true
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url, family })
  })

  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] })
  await app.register(rateLimit, { global: false })
  await app.register(formbody)
  await app.register(multipart, { limits: { fileSize: config.uploadMaxMb * 1_048_576, files: 5 } })
  await app.register(staticFiles, {
    root: publicRoot,
    prefix: '/static/',
    maxAge: '1d',
  })

  await app.register(dbPlugin, { db: opts.db })
  await app.register(sessionPlugin, { config, secret: opts.secret })
  await app.register(authPlugin, { config })
  await app.register(viewPlugin, { production: process.env.NODE_ENV !== 'development', pageCacheBytes: config.pageCacheMb * 1_048_576 })
  await app.register(pdfPlugin, { chromiumPath: config.chromiumPath })

  app.setErrorHandler(async (error, req, reply) => {
    const e = error as { statusCode?: number; code?: string }
    if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') {
      return reply.code(403).page('errors/error', { title: t('common.errors.csrfTitle'), text: t('common.errors.csrfText') })
    }
    if (e.statusCode === 429) {
      return reply.code(429).page('errors/error', { title: t('common.errors.tooManyTitle'), text: t('common.errors.tooManyText') })
    }
    if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE') {
      return reply.code(413).page('errors/error', { title: t('common.errors.badRequestTitle'), text: t('common.errors.payloadTooLargeText') })
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      req.log.info({ err: error }, 'bad request')
      return reply.code(e.statusCode).page('errors/error', { title: t('common.errors.badRequestTitle'), text: t('common.errors.badRequestText') })
    }
    req.log.error({ err: error, url: req.url, user: req.user?.userId }, 'request failed')
    return reply.code(500).page('errors/error', { title: t('common.errors.serverTitle'), text: t('common.errors.serverText', { ref: req.id }) })
  })

  app.setNotFoundHandler(
    // Rate-limited so that scanning for URLs is slow.
    // Its own counter per address: mistyped URLs must not use up the login attempts.
    { preHandler: app.rateLimit({ max: 60, timeWindow: '1 minute', keyGenerator: (req) => `notfound:${req.ip}` }) },
    async (_req, reply) => reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') }),
  )
  // Features last, so that they inherit the error and not-found handlers above.
  for (const feature of features) await app.register(feature)
  return app
}

declare module 'fastify' {
  interface FastifyInstance { config: Config; routeList: RouteInfo[] }
  interface FastifyContextConfig {
    /** A route students and parents may reach (their own account, diary, messages); it must scope by family itself. */
    family?: boolean
  }
}
