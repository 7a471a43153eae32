// Routes of the digest area: a parent's subscriptions (/digest), the letter's unsubscribe link (no login), and the
// admin's mail settings with the mail log (/settings/mail). Parse, call, render: no SQL here (R-D-4).
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasMessage, t } from '../../i18n/index.js'
import { fmtDate, fmtDateTime, localDate } from '../../lib/dates.js'
import { keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import {
  deliverMail, getMail, MAX_ATTEMPTS, readMailSettings, recentMail, siteUrl, smtpConfigured, type MailRow,
} from '../../lib/mail.js'
import { parseEmailForm, parseMailSettingsForm, parseTestForm } from './digest.form.js'
import * as q from './digest.queries.js'
import { weekLabel } from './digest.rules.js'

const SETTINGS = '/settings/mail'

/** How a letter's attempt ended, in words for a flash message. */
function outcome(m: MailRow): string {
  if (m.status === 'sent') return t('digest.settings.sentTo', { to: m.to_address })
  if (m.status === 'outbox') return t('digest.settings.savedTo', { file: m.outbox_file ?? '' })
  return t(m.status === 'failed' ? 'digest.settings.failedNow' : 'digest.settings.notSent', { error: m.last_error ?? '' })
}

export default async function digestRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const parentOnly = app.requireRoles('parent')
  const adminOnly = app.requireRoles('admin')
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const family = { family: true }

  // ----- a parent's subscriptions ------------------------------------------------------------------------------

  const parentPage = async (req: FastifyRequest, reply: FastifyReply, input: Record<string, string> = {}, errors: FieldErrors = {}) => {
    const personId = req.user!.personId
    const children = await q.childrenOf(db, personId, localDate(new Date()))
    const ownEmail = await q.personEmail(db, personId)
    return reply.code(Object.keys(errors).length ? 400 : 200).page('digest/index', {
      title: t('digest.title'), children, ownEmail, input, errors, weekLabel,
    })
  }

  app.get('/digest', { preHandler: parentOnly, config: family }, async (req, reply) => parentPage(req, reply))

  app.post('/digest/children/:studentId/subscribe', { preHandler: parentOnly, config: family }, async (req, reply) => {
    const studentId = toId((req.params as { studentId: string }).studentId)
    const child = studentId ? (await q.childrenOf(db, req.user!.personId, localDate(new Date()))).find((c) => c.studentId === studentId) : undefined
    if (!child) return notFound(reply)
    const parsed = parseEmailForm(req.body)
    if (!parsed.ok) return parentPage(req, reply, { [`email-${child.studentId}`]: keepInput(req.body).email ?? '' }, { [`email-${child.studentId}`]: parsed.errors.email })
    const done = await q.subscribe(db, req.actor, req.user!.personId, child.studentId, parsed.value.email)
    if (done === 'notFound') return notFound(reply)
    return reply.flashRedirect('/digest', t(`digest.${done}`, { name: child.name, email: parsed.value.email }))
  })

  app.post('/digest/children/:studentId/unsubscribe', { preHandler: parentOnly, config: family }, async (req, reply) => {
    const studentId = toId((req.params as { studentId: string }).studentId)
    const child = studentId ? (await q.childrenOf(db, req.user!.personId, localDate(new Date()))).find((c) => c.studentId === studentId) : undefined
    if (!child) return notFound(reply)
    const done = await q.unsubscribeChild(db, req.actor, req.user!.personId, child.studentId)
    if (done === 'notFound') return notFound(reply)
    return reply.flashRedirect('/digest', done === 'done' ? t('digest.stopped', { name: child.name }) : t('digest.notSubscribedNow'))
  })

  // ----- the letter's link: works without logging in, the token is the key ----------------------------------

  const unsubPage = (reply: FastifyReply, sub: q.TokenSubscription | null, token: string, done = false) => {
    if (!sub) return reply.code(404).page('errors/error', { title: t('digest.unsub.unknownTitle'), text: t('digest.unsub.unknown') })
    return reply.page('digest/unsubscribe', { title: t('digest.unsub.title'), sub, token, done })
  }

  app.get('/digest/unsubscribe/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token
    return unsubPage(reply, await q.subscriptionByToken(db, token), token)
  })

  app.post('/digest/unsubscribe/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token
    const before = await q.subscriptionByToken(db, token)
    if (!before || before.unsubscribed_at) return unsubPage(reply, before, token)
    return unsubPage(reply, await q.unsubscribeByToken(db, req.actor, token), token, true)
  })

  // ----- the admin's mail settings and log --------------------------------------------------------------------

  const settingsPage = async (reply: FastifyReply, input: Record<string, string> | null, errors: FieldErrors = {}, testInput: Record<string, string> = {}, testErrors: FieldErrors = {}) => {
    const s = await readMailSettings(db)
    const outbox = path.resolve(app.config.dataDir, 'outbox')
    const log = await recentMail(db)
    return reply.code(Object.keys(errors).length || Object.keys(testErrors).length ? 400 : 200).page('digest/settings', {
      title: t('digest.settings.title'),
      input: input ?? {
        smtp_host: s.host, smtp_port: s.host ? String(s.port) : '', smtp_secure: s.secure ? 'on' : '',
        smtp_user: s.user, smtp_from: s.from, site_url: s.siteUrl,
      },
      errors, testInput, testErrors,
      hasPassword: s.password !== '',
      mode: smtpConfigured(s) ? t('digest.settings.modeSmtp', { host: s.host, port: s.port }) : t('digest.settings.modeOutbox', { dir: outbox }),
      outbox, defaultSite: siteUrl({ ...s, siteUrl: '' }, app.config),
      log, failed: log.filter((m) => m.status === 'failed').length, maxAttempts: MAX_ATTEMPTS,
      subscriptions: await q.activeSubscriptionCount(db),
      fmtDateTime, fmtDate,
      kindLabel: (k: string) => (hasMessage(`digest.settings.kinds.${k}`) ? t(`digest.settings.kinds.${k}`) : k),
    })
  }

  app.get(SETTINGS, { preHandler: adminOnly }, async (req, reply) =>
    settingsPage(reply, null, {}, { to: await q.personEmail(db, req.user!.personId) }))

  app.post(SETTINGS, { preHandler: adminOnly }, async (req, reply) => {
    const parsed = parseMailSettingsForm(req.body)
    if (!parsed.ok) return settingsPage(reply, keepInput(req.body, ['smtp_password']), parsed.errors)
    const changed = await q.saveMailSettings(db, req.actor, parsed.value)
    return reply.flashRedirect(SETTINGS, t(changed ? 'digest.settings.saved' : 'digest.settings.unchanged'))
  })

  app.post(`${SETTINGS}/test`, { preHandler: adminOnly }, async (req, reply) => {
    const parsed = parseTestForm(req.body)
    if (!parsed.ok) return settingsPage(reply, null, {}, keepInput(req.body), parsed.errors)
    const id = await q.queueTestMail(db, req.actor, {
      kind: 'test', to: parsed.value.to, subject: t('digest.mail.testSubject'), text: t('digest.mail.testText') + '\n',
    })
    const m = await deliverMail(db, app.config, id)
    return reply.flashRedirect(SETTINGS, outcome(m), m.status === 'sent' || m.status === 'outbox' ? 'ok' : 'error')
  })

  app.post(`${SETTINGS}/:id/retry`, { preHandler: adminOnly }, async (req, reply) => {
    const id = toId((req.params as { id: string }).id)
    const m = id ? await getMail(db, id) : null
    if (!m) return notFound(reply)
    if (!(await q.requeueByAdmin(db, req.actor, m.id))) return reply.flashRedirect(SETTINGS, t('digest.settings.notRetriable'), 'error')
    const after = await deliverMail(db, app.config, m.id)
    const ok = after.status === 'sent' || after.status === 'outbox'
    return reply.flashRedirect(SETTINGS, t('digest.settings.retried', { id: m.id, result: outcome(after) }), ok ? 'ok' : 'error')
  })
}
