// Login, logout, registration by code, password change and the account page.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { fmtDateTime } from '../../lib/dates.js'
import { field, checkbox, keepInput, safeNext, type FieldErrors } from '../../lib/forms.js'
import { MIN_PASSWORD, validLogin } from './auth.rules.js'
import { countSessions } from './auth.queries.js'
import {
  attemptLogin, changePassword, lookupInvitation, logoutEverywhere, redeemInvitation, setHideContacts,
  CodeNotUsableError, LoginTakenError, type InvitationView,
} from './auth.service.js'

// Messages the login page may show after a redirect (a whitelist: the query string never carries text).
const LOGIN_NOTICES = ['expired', 'loggedOut', 'registered', 'passwordReset', 'loggedOutEverywhere'] as const

function codeError(state: string): string {
  if (state === 'used') return t('auth.register.usedCode')
  if (state === 'expired') return t('auth.register.expiredCode')
  return t('auth.register.badCode')
}

async function startSession(req: FastifyRequest, userId: number): Promise<void> {
  // A new session id at login, so that a planted cookie cannot be reused (session fixation).
  await req.session.regenerate()
  req.session.userId = userId
  req.session.lastSeen = Date.now()
}

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const cfg = app.config

  app.get('/login', async (req, reply) => {
    if (req.user) return reply.redirect('/')
    const q = req.query as { m?: string; next?: string }
    const notice = LOGIN_NOTICES.find((n) => n === q.m)
    return reply.page('auth/login', { title: t('auth.login.title'), notice: notice ? t(`auth.login.${notice}`) : null, next: safeNext(q.next) })
  })

  app.post('/login', { onRequest: app.rateLimit({ max: cfg.loginRateLimit, timeWindow: '1 minute', keyGenerator: (req) => `login:${req.ip}` }) }, async (req, reply) => {
    const login = field(req.body, 'login').toLowerCase()
    const password = field(req.body, 'password')
    const next = safeNext(field(req.body, 'next'))
    const input = { login, next }
    const result = login && password
      ? await attemptLogin(app.db, login, password, req.ip, { threshold: cfg.lockoutThreshold, lockoutMinutes: cfg.lockoutMinutes })
      : ({ ok: false, reason: 'failed' } as const)
    if (!result.ok) {
      const error = result.reason === 'locked'
        ? t('auth.login.locked', { until: fmtDateTime(result.until) })
        : t(`auth.login.${result.reason}`)
      return reply.code(result.reason === 'locked' ? 423 : 401).page('auth/login', { title: t('auth.login.title'), error, input, next })
    }
    await startSession(req, result.userId)
    return reply.redirect(next, 303)
  })

  app.post('/logout', async (req, reply) => {
    if (req.session?.userId) await req.session.destroy()
    return reply.redirect('/login?m=loggedOut', 303)
  })

  app.post('/logout-all', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    await logoutEverywhere(app.db, { ...req.actor, userId: req.user!.userId })
    await req.session.destroy().catch(() => undefined)
    return reply.redirect('/login?m=loggedOutEverywhere', 303)
  })

  // Step 1: type the code (a GET form, it changes nothing). Step 2: the code is shown with its person's name.
  app.get('/register', async (req, reply) => {
    const code = field(req.query, 'code')
    if (!code) return reply.page('auth/register', { title: t('auth.register.title'), invitation: null, input: {} })
    const inv = await lookupInvitation(app.db, code)
    if (inv.state !== 'ok') {
      return reply.code(400).page('auth/register', { title: t('auth.register.title'), invitation: null, input: { code }, errors: { code: codeError(inv.state) } })
    }
    return reply.page('auth/register', { title: t('auth.register.title'), invitation: inv, input: { code } })
  })

  app.post('/register', { onRequest: app.rateLimit({ max: cfg.loginRateLimit, timeWindow: '1 minute', keyGenerator: (req) => `register:${req.ip}` }) }, async (req, reply) => {
    const code = field(req.body, 'code')
    const login = field(req.body, 'login').toLowerCase()
    const password = field(req.body, 'password')
    const password2 = field(req.body, 'password2')
    const input = keepInput(req.body, ['password', 'password2'])
    const inv = await lookupInvitation(app.db, code)
    const render = (errors: FieldErrors, invitation: InvitationView | null) =>
      reply.code(400).page('auth/register', { title: t('auth.register.title'), invitation, input, errors })
    if (inv.state !== 'ok') return render({ code: codeError(inv.state) }, null)
    const invitation = inv as InvitationView
    const isReset = invitation.purpose === 'reset' || invitation.existingLogin !== null
    const errors: FieldErrors = {}
    if (!isReset && !validLogin(login)) errors.login = t('auth.register.badLogin')
    if (password.length < MIN_PASSWORD) errors.password = t('auth.register.shortPassword')
    else if (password !== password2) errors.password2 = t('auth.register.passwordMismatch')
    if (Object.keys(errors).length) return render(errors, invitation)
    try {
      const done = await redeemInvitation(app.db, code, login, password, req.ip)
      return reply.redirect(`/login?m=${done.purpose === 'reset' ? 'passwordReset' : 'registered'}`, 303)
    } catch (e) {
      if (e instanceof LoginTakenError) return render({ login: t('auth.register.loginTaken') }, invitation)
      if (e instanceof CodeNotUsableError) return render({ code: codeError(e.state) }, null)
      throw e
    }
  })

  app.get('/account', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    const person = await app.db.selectFrom('persons').select('hide_contacts').where('id', '=', req.user!.personId).executeTakeFirstOrThrow()
    return reply.page('auth/account', {
      title: t('auth.account.title'),
      sessions: await countSessions(app.db, req.user!.userId),
      hideContacts: person.hide_contacts === 1,
    })
  })

  app.post('/account/contacts', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    await setHideContacts(app.db, { ...req.actor, personId: req.user!.personId }, checkbox(req.body, 'hide_contacts'))
    return reply.flashRedirect('/account', t('auth.account.contactsSaved'))
  })

  app.get('/account/password', { preHandler: app.requireUser, config: { family: true } }, async (_req, reply) =>
    reply.page('auth/password', { title: t('auth.password.title') }))

  app.post('/account/password', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    const current = field(req.body, 'current')
    const next = field(req.body, 'next')
    const next2 = field(req.body, 'next2')
    const errors: FieldErrors = {}
    if (!current) errors.current = t('common.required')
    if (next.length < MIN_PASSWORD) errors.next = t('auth.register.shortPassword')
    else if (next !== next2) errors.next2 = t('auth.register.passwordMismatch')
    if (!errors.current && !errors.next && !errors.next2) {
      const ok = await changePassword(app.db, { ...req.actor, userId: req.user!.userId }, current, next, req.session.sessionId)
      if (ok) return reply.flashRedirect('/account', t('auth.password.changed'))
      errors.current = t('auth.password.wrongCurrent')
    }
    return reply.code(400).page('auth/password', { title: t('auth.password.title'), errors })
  })
}
