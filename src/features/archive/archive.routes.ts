// Routes of the archive area: the retention page, a closed year's archive and its verification, the closing
// checklist and the closing itself, and the admin's backups page (R-ARC-5, R-ARC-6). Parse, call, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { checkbox, toId, type FieldErrors } from '../../lib/forms.js'
import { BackupBusyError, backupSettings, runBackup } from '../../lib/backup.js'
import { NotFoundError, YearClosedError } from '../school/school.queries.js'
import { readManifest } from './archive.files.js'
import * as q from './archive.queries.js'
import {
  ageText, canDo, countText, keepUntil, mayDestroy, sizeText, ELECTRONIC_YEARS, NAMES_SHOWN, PAPER_YEARS, ROLES_FOR,
  type Checklist,
} from './archive.rules.js'
import { backupOverview, checklistOf, closeYear, today, verifyYearArchive } from './archive.service.js'

function yearParam(req: FastifyRequest): number {
  const id = toId((req.params as { yearId?: string }).yearId)
  if (!id) throw new NotFoundError()
  return id
}

export default async function archiveRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const guard = (action: keyof typeof ROLES_FOR) => app.requireRoles(...ROLES_FOR[action])
  const settings = () => backupSettings(app.config)

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof NotFoundError) {
      return reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
    }
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('school.closedTitle'), text: t('archive.check.already', { name: error.yearName }) })
    }
    throw error
  })

  // ----- the retention page -------------------------------------------------------------------------------

  app.get('/archive', { preHandler: guard('archive') }, async (req, reply) => {
    const day = today()
    const years = (await q.yearsWithArchives(db)).map((y) => {
      // A closed year is kept by the rule even when it was closed before archives were written.
      const electronic = y.archive?.electronicKeepUntil || keepUntil(y.ends_on, ELECTRONIC_YEARS)
      const paper = y.archive?.paperKeepUntil || keepUntil(y.ends_on, PAPER_YEARS)
      const closed = y.status === 'closed'
      return { ...y, electronic, paper, closed, electronicExpired: closed && mayDestroy(electronic, day), paperExpired: closed && mayDestroy(paper, day) }
    })
    const overview = await backupOverview(db, settings(), new Date())
    return reply.page('archive/index', {
      title: t('archive.title'), years, ELECTRONIC_YEARS, PAPER_YEARS,
      canChecklist: canDo(req.user, 'checklist'), canVerify: canDo(req.user, 'verify'),
      backup: { newest: overview.newest ? ageText(overview.newest, new Date()) : null, warning: overview.warning },
    })
  })

  // ----- a closed year's archive --------------------------------------------------------------------------

  app.get('/archive/years/:yearId', { preHandler: guard('archive') }, async (req, reply) => {
    const y = await q.yearArchive(db, yearParam(req))
    if (!y) throw new NotFoundError()
    const manifest = y.archive ? readManifest(y.archive.folder) : null
    return reply.page('archive/year', {
      title: t('archive.page.title', { name: y.name }), y, manifest, sizeText, countText,
      last: y.archive ? await q.lastVerification(db, y.id) : null,
      canVerify: canDo(req.user, 'verify'), canChecklist: canDo(req.user, 'checklist'),
    })
  })

  app.post('/archive/years/:yearId/verify', { preHandler: guard('verify') }, async (req, reply) => {
    const y = await q.yearArchive(db, yearParam(req))
    if (!y?.archive) throw new NotFoundError()
    const check = await verifyYearArchive(db, req.actor, y.id)
    if (!check) throw new NotFoundError()
    return check.ok
      ? reply.flashRedirect(`/archive/years/${y.id}`, t('archive.verify.ok', { name: y.name, files: countText(check.checked, 'files') }))
      : reply.flashRedirect(`/archive/years/${y.id}`, t('archive.verify.bad', { name: y.name, problems: countText(check.problems.length, 'problems') }), 'error')
  })

  // ----- closing a year -----------------------------------------------------------------------------------

  const closePage = (reply: FastifyReply, req: FastifyRequest, year: q.Year, checklist: Checklist,
    extra: { errors?: FieldErrors; failure?: string | null; notice?: string | null } = {}) =>
    reply.page('archive/close', {
      title: t('archive.check.title', { name: year.name }), year, checklist, namesShown: NAMES_SHOWN,
      canClose: canDo(req.user, 'close'), errors: extra.errors ?? {}, failure: extra.failure ?? null, notice: extra.notice ?? null,
    })

  app.get('/archive/years/:yearId/close', { preHandler: guard('checklist') }, async (req, reply) => {
    const year = await q.getYear(db, yearParam(req))
    if (year.status === 'closed') return reply.redirect(`/archive/years/${year.id}`)
    return closePage(reply, req, year, await checklistOf(db, year))
  })

  app.post('/archive/years/:yearId/close', { preHandler: guard('close') }, async (req, reply) => {
    const year = await q.getYear(db, yearParam(req))
    if (year.status === 'closed') throw new YearClosedError(year.name)
    if (!checkbox(req.body, 'confirm')) {
      return closePage(reply.code(400), req, year, await checklistOf(db, year), { errors: { confirm: t('archive.check.confirmRequired') } })
    }
    const user = req.user!
    const outcome = await closeYear(db, { dataDir: app.config.dataDir, dbFile: app.config.dbFile, actor: { ...req.actor, personId: user.personId }, yearId: year.id })
    if (outcome.ok) {
      return reply.flashRedirect(`/archive/years/${year.id}`, t('archive.check.done', { name: year.name, files: countText(outcome.files, 'files'), folder: outcome.folder }))
    }
    if (outcome.reason === 'checklist') return closePage(reply.code(409), req, year, outcome.checklist, { notice: t('archive.check.notGreen') })
    req.log.error({ year: year.id, error: outcome.error }, 'closing the year failed')
    return closePage(reply.code(500), req, await q.getYear(db, year.id), await checklistOf(db, year), { failure: t('archive.check.failed', { error: outcome.error }) })
  })

  // ----- backups ------------------------------------------------------------------------------------------

  app.get('/admin/backups', { preHandler: guard('backups') }, async (req, reply) => {
    const s = settings()
    const now = new Date()
    const overview = await backupOverview(db, s, now)
    const attempts = await q.backupAttempts(db)
    return reply.page('archive/backups', {
      title: t('archive.backups.title'), settings: s, ...overview, now, ageText, sizeText,
      attempts: attempts.map((a) => ({ ...a, present: overview.exists(a) })),
      canRun: canDo(req.user, 'backupRun'),
    })
  })

  app.post('/admin/backups/run', { preHandler: guard('backupRun') }, async (req, reply) => {
    const s = settings()
    try {
      const results = await runBackup(db, app.config.dbFile, s.destinations, { keep: s.keep, actor: req.actor })
      const failed = results.filter((r) => r.status === 'failed')
      const counts = { ok: results.length - failed.length, all: results.length }
      if (!failed.length) return reply.flashRedirect('/admin/backups', t('archive.backups.done', counts))
      const list = failed.map((r) => `${r.destination}: ${r.error}`).join('; ')
      return reply.flashRedirect('/admin/backups', t('archive.backups.partly', { ...counts, failed: list }), 'error')
    } catch (e) {
      if (!(e instanceof BackupBusyError)) throw e
      return reply.flashRedirect('/admin/backups', t('archive.backups.busy'), 'error')
    }
  })
}
