// Accounts administration and invitation codes: the admin's users page, codes and slips for staff, password
// reset by code, disabling accounts; codes and a printable slip sheet for a class's families (R-ACC-1,4,5).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ROLES } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { field, fields, toId } from '../../lib/forms.js'
import { formatCode } from '../auth/auth.rules.js'
import { parseGenerateForm, parseUserFilter } from './accounts.form.js'
import {
  PAGE_SIZE, OutOfScopeError, classFamily, classesFor, findClass, generateClassCodes, getAccountPerson, issueCode,
  listAccounts, revokeCode, schoolName, setDisabled, type AccountPerson, type ClassInfo, type FamilyMember,
} from './accounts.queries.js'
import { ACCOUNT_FILTERS, mayManageClass, needsCode, personActions, registerUrl } from './accounts.rules.js'

/** What one printed slip shows; views/accounts/slip-item.eta draws it. */
export interface Slip {
  school: string
  name: string
  subtitle: string | null
  classLabel: string | null
  code: string
  expiresAt: string
  url: string
  purpose: 'register' | 'reset'
  login: string | null
}

function notFound(reply: FastifyReply) {
  return reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
}

export default async function accountsRoutes(app: FastifyInstance): Promise<void> {
  const adminOnly = { preHandler: app.requireRoles('admin') }
  const codesAccess = { preHandler: app.requireRoles('admin', 'classTeacher') }
  const days = app.config.inviteDays

  const slipBase = async (req: FastifyRequest) => ({
    school: (await schoolName(app.db)) ?? t('common.appName'),
    url: registerUrl(req.protocol, req.host),
  })

  /** The person of :personId within the admin's reach, or a 404 already sent. */
  async function personOr404(req: FastifyRequest, reply: FastifyReply): Promise<AccountPerson | null> {
    const id = toId((req.params as { personId?: string }).personId)
    const person = id ? await getAccountPerson(app.db, id) : undefined
    if (!person) {
      await notFound(reply)
      return null
    }
    return person
  }

  const actionsFor = (req: FastifyRequest, p: AccountPerson) =>
    personActions({ roles: p.roles, user: p.user && { id: p.user.id, disabled: !!p.user.disabledAt } }, req.user!.userId)

  // ------------------------------------------------------------------------------------------ the admin's pages

  app.get('/admin/users', adminOnly, async (req, reply) => {
    const filter = parseUserFilter(req.query)
    const { rows, total } = await listAccounts(app.db, filter)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const link = (page: number) => '/admin/users?' + new URLSearchParams({ role: filter.role, account: filter.account, q: filter.q, page: String(page) }).toString()
    return reply.page('accounts/users', {
      title: t('accounts.users.title'), rows, total, filter, roles: ROLES, accountFilters: ACCOUNT_FILTERS,
      prev: filter.page > 1 ? link(filter.page - 1) : null, next: filter.page < pages ? link(filter.page + 1) : null,
    })
  })

  app.get('/admin/users/:personId', adminOnly, async (req, reply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    return reply.page('accounts/person', {
      title: person.fullName, person, actions: actionsFor(req, person), days, self: person.user?.id === req.user!.userId, formatCode,
    })
  })

  const issue = (purpose: 'register' | 'reset') => async (req: FastifyRequest, reply: FastifyReply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    const actions = actionsFor(req, person)
    if (!actions[purpose]) return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    const { code } = await issueCode(app.db, req.actor, person.personId, purpose, days)
    return reply.flashRedirect(`/admin/users/${person.personId}/slip`, t('accounts.flash.issued', { code: formatCode(code) }))
  }
  app.post('/admin/users/:personId/code', adminOnly, issue('register'))
  app.post('/admin/users/:personId/reset', adminOnly, issue('reset'))

  app.get('/admin/users/:personId/slip', adminOnly, async (req, reply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    const code = person.codes.find((c) => c.status === 'active')
    const slips: Slip[] = code
      ? [{
          ...(await slipBase(req)), name: person.fullName, classLabel: null,
          subtitle: person.roles.map((r) => t(`common.roles.${r}`)).join(', ') || null,
          code: formatCode(code.code), expiresAt: code.expiresAt, purpose: code.purpose, login: person.user?.login ?? null,
        }]
      : []
    return reply.page('accounts/slip', { title: t('accounts.slip.title', { name: person.fullName }), person, slips })
  })

  app.get('/admin/users/:personId/disable', adminOnly, async (req, reply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    if (!actionsFor(req, person).disable) return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    return reply.page('accounts/confirm', {
      title: t('accounts.confirm.disableTitle'),
      text: t('accounts.confirm.disableText', { login: person.user!.login, name: person.fullName }),
      action: `/admin/users/${person.personId}/disable`, submit: t('accounts.confirm.disableSubmit'), back: `/admin/users/${person.personId}`,
    })
  })

  app.post('/admin/users/:personId/disable', adminOnly, async (req, reply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    if (!actionsFor(req, person).disable) return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    const n = await setDisabled(app.db, req.actor, person.user!.id, true)
    if (n === null) return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.disabled', { n }))
  })

  app.post('/admin/users/:personId/enable', adminOnly, async (req, reply) => {
    const person = await personOr404(req, reply)
    if (!person) return reply
    if (!actionsFor(req, person).enable) return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    if ((await setDisabled(app.db, req.actor, person.user!.id, false)) === null) {
      return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.notAllowed'), 'error')
    }
    return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.enabled'))
  })

  /** The person and one of their codes that can still be revoked, or a 404 already sent. */
  async function activeCodeOr404(req: FastifyRequest, reply: FastifyReply) {
    const person = await personOr404(req, reply)
    if (!person) return null
    const codeId = toId((req.params as { codeId?: string }).codeId)
    const code = person.codes.find((c) => c.id === codeId)
    if (!code) {
      await notFound(reply)
      return null
    }
    return { person, code }
  }

  app.get('/admin/users/:personId/codes/:codeId/revoke', adminOnly, async (req, reply) => {
    const found = await activeCodeOr404(req, reply)
    if (!found) return reply
    const { person, code } = found
    if (code.status !== 'active') return reply.flashRedirect(`/admin/users/${person.personId}`, t('accounts.flash.nothingToRevoke'), 'error')
    return reply.page('accounts/confirm', {
      title: t('accounts.confirm.revokeTitle'),
      text: t('accounts.confirm.revokeText', { code: formatCode(code.code), name: person.fullName }),
      action: `/admin/users/${person.personId}/codes/${code.id}/revoke`, submit: t('accounts.confirm.revokeSubmit'), back: `/admin/users/${person.personId}`,
    })
  })

  app.post('/admin/users/:personId/codes/:codeId/revoke', adminOnly, async (req, reply) => {
    const found = await activeCodeOr404(req, reply)
    if (!found) return reply
    const done = await revokeCode(app.db, req.actor, found.person.personId, found.code.id)
    return done
      ? reply.flashRedirect(`/admin/users/${found.person.personId}`, t('accounts.flash.revoked'))
      : reply.flashRedirect(`/admin/users/${found.person.personId}`, t('accounts.flash.nothingToRevoke'), 'error')
  })

  // ------------------------------------------------------------------------------------------ a class's families

  /**
   * The class asked for (?class= or the form's class), within the user's reach. Without one, a class teacher of
   * a single class gets that class; anyone else the list to choose from (GET) or a 404 (POST).
   */
  async function classOrChoose(req: FastifyRequest, reply: FastifyReply, raw: string): Promise<ClassInfo | null> {
    const user = req.user!
    if (!raw) {
      const classes = await classesFor(app.db, user)
      if (classes.length === 1 && !user.roles.includes('admin')) return classes[0]
      if (req.method !== 'GET') {
        await notFound(reply)
        return null
      }
      await reply.page('accounts/class-choose', { title: t('accounts.class.chooseTitle'), classes })
      return null
    }
    const id = toId(raw)
    const cls = id && mayManageClass(user, id) ? await findClass(app.db, id) : undefined
    if (!cls) {
      await notFound(reply)
      return null
    }
    return cls
  }

  const renderClass = async (reply: FastifyReply, cls: ClassInfo, family: FamilyMember[], errors: Record<string, string> = {}, ticked: number[] = []) =>
    reply.page('accounts/class-codes', {
      title: t('accounts.class.title', { label: cls.label }), cls, family, days, errors, ticked, formatCode,
      counts: {
        students: family.filter((m) => m.kind === 'student').length,
        parents: family.filter((m) => m.kind === 'parent').length,
        accounts: family.filter((m) => m.login !== null).length,
        codes: family.filter((m) => m.code !== null).length,
        needing: family.filter(needsCode).length,
      },
    })

  app.get('/my-class/codes', codesAccess, async (req, reply) => {
    const cls = await classOrChoose(req, reply, field(req.query, 'class'))
    if (!cls) return reply
    return renderClass(reply, cls, await classFamily(app.db, cls.id))
  })

  app.post('/my-class/codes/generate', codesAccess, async (req, reply) => {
    const cls = await classOrChoose(req, reply, field(req.body, 'class'))
    if (!cls) return reply
    const form = parseGenerateForm(req.body)
    if (!form.ok) return renderClass(reply.code(400), cls, await classFamily(app.db, cls.id), form.errors)
    try {
      const { created, skipped } = await generateClassCodes(app.db, req.actor, cls.id, form.value.personIds, days)
      const text = created === 0
        ? t('accounts.class.nothing')
        : skipped ? t('accounts.class.createdSkipped', { n: created, skipped }) : t('accounts.class.created', { n: created })
      return reply.flashRedirect(`/my-class/codes?class=${cls.id}`, text)
    } catch (e) {
      if (e instanceof OutOfScopeError) return notFound(reply)
      throw e
    }
  })

  app.get('/my-class/codes/print', codesAccess, async (req, reply) => {
    const cls = await classOrChoose(req, reply, field(req.query, 'class'))
    if (!cls) return reply
    const family = await classFamily(app.db, cls.id)
    // ?person=ID (repeatable) prints only those slips; an id outside the class is not found, never printed.
    const only = fields(req.query, 'person').map((s) => toId(s) ?? 0)
    if (only.some((id) => !family.some((m) => m.personId === id))) return notFound(reply)
    const base = await slipBase(req)
    const slips: Slip[] = family
      .filter((m) => m.code && m.login === null && (!only.length || only.includes(m.personId)))
      .map((m) => ({
        ...base, name: m.fullName, classLabel: cls.label,
        subtitle: m.kind === 'parent' ? t('accounts.class.parentOf', { names: m.children.join(', ') }) : null,
        code: formatCode(m.code!.code), expiresAt: m.code!.expiresAt, purpose: 'register' as const, login: null,
      }))
    return reply.page('accounts/slips', { title: t('accounts.class.sheetTitle', { label: cls.label }), cls, slips })
  })
}
