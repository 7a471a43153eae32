// Routes of the settings area under /settings/journal: kinds of work (add, edit, delete while unused) and the
// school-editable journal rules (R-J-4, R-J-6). Parse, call, render: no SQL here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { journalSettings, JOURNAL_SETTINGS, type JournalSettings } from '../../lib/school-settings.js'
import { parseJournalSettingsForm, parseWorkKindForm } from './settings.form.js'
import * as q from './settings.queries.js'
import {
  deadlineText, fmtNumber, isFlag, splitDeadline,
  DAYS_MAX, DAYS_MIN, DEADLINE_KINDS, SETTING_KEYS, SETTINGS_ROLES, SHORT_MAX, WEIGHT_MAX, WEIGHT_MIN,
} from './settings.rules.js'

const BASE = '/settings/journal'

/** The stored rules as the form shows them (decimals with a comma, flags as 'on' or nothing). */
function settingsInput(s: JournalSettings): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of SETTING_KEYS) out[k] = isFlag(JOURNAL_SETTINGS[k]) ? (s[k] ? 'on' : '') : fmtNumber(s[k])
  return out
}

function kindInput(k: q.WorkKindValue): Record<string, string> {
  const d = splitDeadline(k.deadline)
  return {
    name: k.name, short_name: k.short_name, weight: fmtNumber(k.weight), deadline_kind: d.kind, deadline_days: d.days === null ? '' : String(d.days),
    is_control: k.is_control ? 'on' : '', sort_order: String(k.sort_order),
  }
}

export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const guard = app.requireRoles(...SETTINGS_ROLES)
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const crumbs = [{ href: BASE, label: t('settings.title') }]

  // ----- the overview: kinds of work and the rules form ---------------------------------------------------

  const overview = async (reply: FastifyReply, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('settings/journal', {
      title: t('settings.title'), kinds: await q.listWorkKinds(db), deadlineText, fmtNumber, input, errors,
      specs: SETTING_KEYS.map((key) => ({ key, ...JOURNAL_SETTINGS[key], flag: isFlag(JOURNAL_SETTINGS[key]) })),
    })

  app.get(BASE, { preHandler: guard }, async (_req, reply) => overview(reply, settingsInput(await journalSettings(db))))

  app.post(BASE, { preHandler: guard }, async (req, reply) => {
    const parsed = parseJournalSettingsForm(req.body)
    if (!parsed.ok) return overview(reply, keepInput(req.body), parsed.errors)
    const changed = await q.saveJournalSettings(db, req.actor, parsed.value)
    return reply.flashRedirect(BASE, t(changed ? 'settings.rules.saved' : 'settings.rules.unchanged'))
  })

  // ----- kinds of work -------------------------------------------------------------------------------------

  const kindForm = (reply: FastifyReply, action: string, title: string, input: Record<string, string>, errors: FieldErrors = {}, used = 0) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('settings/kind-form', {
      title, crumbs, action, input, errors, used, kinds: DEADLINE_KINDS,
      limits: { wmin: fmtNumber(WEIGHT_MIN), wmax: WEIGHT_MAX, dmin: DAYS_MIN, dmax: DAYS_MAX, short: SHORT_MAX },
    })

  async function kindOf(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id: string }).id)
    const k = id ? await q.getWorkKind(db, id) : null
    if (!k) notFound(reply)
    return k
  }

  app.get(`${BASE}/kinds/new`, { preHandler: guard }, async (_req, reply) => {
    const last = (await q.listWorkKinds(db)).reduce((m, k) => Math.max(m, k.sort_order), 0)
    return kindForm(reply, `${BASE}/kinds/new`, t('settings.kinds.newTitle'), { weight: '1', deadline_kind: 'next_lesson', sort_order: String(last + 10) })
  })

  app.post(`${BASE}/kinds/new`, { preHandler: guard }, async (req, reply) => {
    const action = `${BASE}/kinds/new`
    const parsed = parseWorkKindForm(req.body)
    if (!parsed.ok) return kindForm(reply, action, t('settings.kinds.newTitle'), keepInput(req.body), parsed.errors)
    const done = await q.createWorkKind(db, req.actor, parsed.value)
    if (!done.ok) return kindForm(reply, action, t('settings.kinds.newTitle'), keepInput(req.body), { name: t('settings.err.nameTaken') })
    return reply.flashRedirect(BASE, t('settings.kinds.created', { name: parsed.value.name }))
  })

  app.get(`${BASE}/kinds/:id/edit`, { preHandler: guard }, async (req, reply) => {
    const k = await kindOf(req, reply)
    if (!k) return reply
    return kindForm(reply, `${BASE}/kinds/${k.id}/edit`, t('settings.kinds.editTitle', { name: k.name }), kindInput(k), {}, k.used)
  })

  app.post(`${BASE}/kinds/:id/edit`, { preHandler: guard }, async (req, reply) => {
    const k = await kindOf(req, reply)
    if (!k) return reply
    const action = `${BASE}/kinds/${k.id}/edit`
    const title = t('settings.kinds.editTitle', { name: k.name })
    const parsed = parseWorkKindForm(req.body)
    if (!parsed.ok) return kindForm(reply, action, title, keepInput(req.body), parsed.errors, k.used)
    const done = await q.updateWorkKind(db, req.actor, k.id, parsed.value)
    if (!done.ok && done.error === 'gone') return notFound(reply)
    if (!done.ok) return kindForm(reply, action, title, keepInput(req.body), { name: t('settings.err.nameTaken') }, k.used)
    return reply.flashRedirect(BASE, t('settings.kinds.updated', { name: parsed.value.name }))
  })

  const deletePage = (reply: FastifyReply, k: q.WorkKindRow, refusal?: string) =>
    reply.page('school/confirm', {
      title: t('settings.kinds.deleteTitle', { name: k.name }), crumbs,
      facts: [[t('settings.kinds.name'), k.name], [t('settings.kinds.shortName'), k.short_name], [t('settings.kinds.weight'), fmtNumber(k.weight)],
        [t('settings.kinds.deadline'), deadlineText(k.deadline)]],
      question: t('settings.kinds.deleteQuestion'), action: `${BASE}/kinds/${k.id}/delete`, back: BASE, refusal,
    })

  app.get(`${BASE}/kinds/:id/delete`, { preHandler: guard }, async (req, reply) => {
    const k = await kindOf(req, reply)
    if (!k) return reply
    return deletePage(reply, k, k.used ? t('settings.kinds.inUse', { name: k.name, n: k.used }) : undefined)
  })

  app.post(`${BASE}/kinds/:id/delete`, { preHandler: guard }, async (req, reply) => {
    const k = await kindOf(req, reply)
    if (!k) return reply
    const done = await q.deleteWorkKind(db, req.actor, k.id)
    if (done.ok) return reply.flashRedirect(BASE, t('settings.kinds.deleted', { name: done.name }))
    if ('gone' in done) return notFound(reply)
    return deletePage(reply.code(409), k, t('settings.kinds.inUse', { name: done.name, n: done.used }))
  })
}
