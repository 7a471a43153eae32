// Who is asking: loads the current user from the session once per request, ends idle sessions, and
// provides the guards that routes use (one place decides who may reach what).
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import type { Config } from '../config.js'
import type { Role } from '../db/types.js'
import type { Actor } from '../lib/audit.js'
import { t } from '../i18n/index.js'
import { loadCurrentUser, type CurrentUser } from '../features/auth/auth.queries.js'
import { unreadCount } from '../features/messages/messages.queries.js'

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null
    actor: Actor
    /** Unread messages of the user, for the menu badge; counted for page views (GET) only. */
    unread: number
  }
  interface FastifyInstance {
    /** Logged-in users holding at least one of the roles ('classTeacher' means: class teacher of some class). */
    requireRoles: (...roles: Access[]) => preHandlerHookHandler
    requireUser: preHandlerHookHandler
  }
}

export type Access = Role | 'classTeacher'

export function hasAccess(user: CurrentUser | null, ...roles: Access[]): boolean {
  if (!user) return false
  return roles.some((r) => (r === 'classTeacher' ? user.classTeacherOf.length > 0 : user.roles.includes(r)))
}

/** The role a person acts in for the diary: staff roles outrank family ones. */
export function isStaff(user: CurrentUser | null): boolean {
  return hasAccess(user, 'admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk')
}

const TOUCH_MS = 60_000

function toLogin(req: FastifyRequest, reply: FastifyReply, reason?: string) {
  if (req.method === 'GET') {
    const next = encodeURIComponent(req.url)
    return reply.redirect(`/login?next=${next}${reason ? `&m=${reason}` : ''}`)
  }
  return reply.redirect(`/login${reason ? `?m=${reason}` : ''}`)
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const idleMs = config.idleTimeoutMinutes * 60_000
    app.decorateRequest('user', null)
    app.decorateRequest('actor', null as unknown as Actor)
    app.decorateRequest('unread', 0)

    app.addHook('onRequest', async (req) => {
      req.actor = { userId: null, personId: null, ip: req.ip }
      const userId = req.session?.userId
      if (!userId) return
      const now = Date.now()
      const last = req.session.lastSeen ?? 0
      if (now - last > idleMs) {
        // Idle too long: the session ends even if the cookie was kept.
        await req.session.destroy()
        ;(req as { idleExpired?: boolean }).idleExpired = true
        return
      }
      // The user and (for a page) the unread count in one turn on the database connection.
      const found = await app.db.connection().execute(async (db) => {
        const user = await loadCurrentUser(db, userId)
        return { user, unread: user && req.method === 'GET' ? await unreadCount(db, user.personId) : 0 }
      })
      const user = found.user
      if (!user) {
        await req.session.destroy()
        return
      }
      // Refresh the idle clock at most once a minute, so that reads do not write on every request.
      if (now - last > TOUCH_MS) req.session.lastSeen = now
      req.user = user
      req.actor = { userId: user.userId, personId: user.personId, ip: req.ip }
      req.unread = found.unread
    })

    const requireUser: preHandlerHookHandler = async function (req, reply) {
      if (!req.user) return toLogin(req, reply, (req as { idleExpired?: boolean }).idleExpired ? 'expired' : undefined)
    }
    app.decorate('requireUser', requireUser)
    app.decorate('requireRoles', (...roles: Access[]): preHandlerHookHandler => {
      return async function (req, reply) {
        if (!req.user) return toLogin(req, reply, (req as { idleExpired?: boolean }).idleExpired ? 'expired' : undefined)
        if (!hasAccess(req.user, ...roles)) return reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
      }
    })
  },
  { name: 'auth', dependencies: ['db', 'session'] },
)
