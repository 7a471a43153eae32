// Cookies, server-side sessions (created only once someone logs in) and CSRF tokens for every form.
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import session from '@fastify/session'
import csrf from '@fastify/csrf-protection'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { SqliteSessionStore, purgeExpiredSessions } from './session-store.js'

declare module 'fastify' {
  interface Session {
    userId?: number
    lastSeen?: number
    flash?: { kind: 'ok' | 'error'; text: string }
  }
}

export default fp<{ config: Config; secret: string }>(
  async (app, { config, secret }) => {
    const idleMs = config.idleTimeoutMinutes * 60_000
    await app.register(cookie, { secret })
    await app.register(session, {
      secret,
      cookieName: 'sid',
      store: new SqliteSessionStore(app.db, idleMs),
      // No session row for anonymous visitors: one is saved only when something is put into it (login).
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/', maxAge: idleMs },
      // Not rolling: a rolling session is written (and fsynced) on every request. The auth plugin touches
      // lastSeen at most once a minute, which saves the row and renews the cookie and the row's expiry.
      rolling: false,
    })
    // The CSRF secret lives in a signed cookie, not in the session, so anonymous forms (login, registration)
    // are protected without creating a server session.
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'csrf',
      cookieOpts: { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/', signed: true },
      getToken: (req: FastifyRequest) => {
        const body = req.body as Record<string, unknown> | undefined
        const query = req.query as Record<string, unknown> | undefined
        return (body?._csrf as string) || (query?._csrf as string) || (req.headers['x-csrf-token'] as string)
      },
    })
    // Every state-changing request must carry the token, whatever route it reaches.
    app.addHook('preHandler', (req, reply, done) => {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done()
      app.csrfProtection(req, reply, done)
    })
    const timer = setInterval(() => { purgeExpiredSessions(app.db).catch((e) => app.log.warn(e)) }, 3_600_000)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'session', dependencies: ['db'] },
)
