// Routes of the journal: the start page, the journal page of a class or group, the lesson form, and the
// deputy's late-entry approvals (R-J-1,2,4..8). Parse, call, render; who may do what is decided in journal.access.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { fmtDate } from '../../lib/dates.js'
import { field, keepInput, toId } from '../../lib/forms.js'
import { YearClosedError } from '../school/school.queries.js'
import type { Target } from './journal.access.js'
import { parseApproval, parseLateRequest } from './journal.form.js'
import * as svc from './journal.service.js'
import { ForbiddenError, NotFoundError } from './journal.service.js'

function idParam(req: FastifyRequest, name: string): number {
  const id = toId((req.params as Record<string, string>)[name])
  if (!id) throw new NotFoundError()
  return id
}

function periodName(p: { scheme: string; number: number } | null): string {
  return p ? t(`journal.period.${p.scheme}`, { n: p.number }) : t('journal.period.wholeYear')
}

export default async function journalRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  // Students and parents never reach a journal URL (R-ACC-3); among staff, journal.access decides per page.
  const staff = app.requireRoles('admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk')
  const journalUsers = app.requireRoles('teacher', 'classTeacher', 'admin', 'director', 'deputy')
  const deputy = app.requireRoles('deputy')

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof ForbiddenError) return reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
    if (error instanceof NotFoundError) {
      return reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
    }
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('journal.yearClosedTitle'), text: t('journal.yearClosed', { name: error.yearName }) })
    }
    throw error
  })

  app.get('/journal', { preHandler: journalUsers }, async (req, reply) => {
    const day = svc.today()
    const home = await svc.journalHome(db, req.user!, day, toId(field(req.query, 'class')))
    return reply.page('journal/index', { title: t('journal.title'), day, ...home })
  })

  // The page is kept until a write touches its class or the school (src/lib/page-cache.ts): who asks, what
  // was asked and today's date are the key, so access and the day's view are decided again for anything else.
  const showPage = async (req: FastifyRequest, reply: FastifyReply, target: Target, subjectId: number | null) => {
    const user = req.user!
    const want = { history: field(req.query, 'history') === '1', allLessons: field(req.query, 'all') === '1' }
    const askedPeriod = toId(field(req.query, 'period'))
    const day = svc.today()
    const key = ['journal', user.userId, target.classId ?? `g${target.groupId}`, subjectId, askedPeriod, want.history, want.allLessons, day].join('|')
    const part = await app.pageCache.through(key, (db) => svc.pageScopes(db, target), async (db) => {
      const m = await svc.journalPage(db, user, target, subjectId, askedPeriod, day, want)
      // Links that switch one view option and keep the others.
      const link = (o: Partial<typeof want>) => {
        const v = { ...want, ...o }
        const qs = [m.period ? `period=${m.period.id}` : '', v.history ? 'history=1' : '', v.allLessons ? 'all=1' : ''].filter(Boolean).join('&')
        return `${m.pageHref}${qs ? '?' + qs : ''}`
      }
      const title = `${m.info.label} — ${m.info.subject}`
      return {
        title,
        html: app.renderPart('journal/page', {
          title, ...m, periodName, want,
          links: { history: link({ history: !want.history }), all: link({ allLessons: !want.allLessons }) },
          periodOptions: m.periods.map((p) => ({ value: p.id, label: `${periodName(p)} (${fmtDate(p.starts_on)} – ${fmtDate(p.ends_on)})` })),
        }),
      }
    })
    return reply.pagePart(part!)
  }
  app.get('/journal/class/:classId/:subjectId', { preHandler: staff }, async (req, reply) =>
    showPage(req, reply, { classId: idParam(req, 'classId'), groupId: null }, idParam(req, 'subjectId')))
  app.get('/journal/group/:groupId', { preHandler: staff }, async (req, reply) =>
    showPage(req, reply, { classId: null, groupId: idParam(req, 'groupId') }, null))

  const lessonPage = (reply: FastifyReply, m: Awaited<ReturnType<typeof svc.lessonFormModel>>, status = 200) =>
    reply.code(status).page('journal/lesson', {
      title: t('journal.form.title', { label: m.info.label, subject: m.info.subject, date: fmtDate(m.lesson.date), n: m.lesson.lesson_number }),
      ...m,
    })

  app.get('/journal/lessons/:lessonId', { preHandler: staff }, async (req, reply) =>
    lessonPage(reply, await svc.lessonFormModel(db, req.user!, idParam(req, 'lessonId'), svc.today())))

  app.post('/journal/lessons/:lessonId', { preHandler: staff }, async (req, reply) => {
    const id = idParam(req, 'lessonId')
    // The whole save in one turn on the database connection: its checks, its transaction and the form to show
    // again. Taking a turn for each of its reads made a save wait behind every page of a busy minute. The reply
    // is sent after the turn: sending saves the session, which needs the connection too.
    type Outcome = { form: Awaited<ReturnType<typeof svc.lessonFormModel>>; status?: number } | { saved: string }
    const out = await db.connection().execute(async (db): Promise<Outcome> => {
      await svc.assertCanEdit(db, req.user!, id)
      const day = svc.today()
      const input = keepInput(req.body)
      if (field(req.body, 'action') === 'request') {
        const parsed = parseLateRequest(req.body)
        if (!parsed.ok) return { form: await svc.lessonFormModel(db, req.user!, id, day, { input, errors: parsed.errors }), status: 400 }
        const done = await svc.requestLate(db, req.user!, req.actor, id, parsed.value.reason)
        // The form comes back with everything typed, so nothing is lost while the deputy decides.
        delete input.late_reason
        const notice = done === 'sent' ? t('journal.late.sent') : null
        return { form: await svc.lessonFormModel(db, req.user!, id, day, { input, notice }) }
      }
      const r = await svc.saveLesson(db, req.user!, req.actor, id, req.body, input, day)
      if (!r.ok) return { form: r.model, status: r.status }
      return { saved: !r.changed ? t('journal.form.nothingChanged') : r.lateUsed ? t('journal.form.savedLate') : t('journal.form.saved') }
    })
    return 'saved' in out ? reply.flashRedirect(`/journal/lessons/${id}`, out.saved) : lessonPage(reply, out.form, out.status)
  })

  // ----- the deputy's approvals of late entries -------------------------------------------------------------

  const approvalsPage = async (reply: FastifyReply, error: string | null = null) =>
    reply.code(error ? 400 : 200).page('journal/approvals', { title: t('journal.approvals.title'), ...(await svc.approvalsPage(db)), error })
  app.get('/journal/approvals', { preHandler: deputy }, async (_req, reply) => approvalsPage(reply))

  const decideRoute = (approve: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = idParam(req, 'id')
    const parsed = approve ? parseApproval(req.body) : { ok: true as const, value: { days: 0 } }
    if (!parsed.ok) return approvalsPage(reply, parsed.errors.days)
    const day = svc.today()
    const r = await svc.decide(db, req.actor, id, { approve, days: parsed.value.days }, day)
    if (!r.done) return reply.flashRedirect('/journal/approvals', t('journal.approvals.notPending'), 'error')
    return reply.flashRedirect('/journal/approvals', approve ? t('journal.approvals.approved', { date: fmtDate(r.validUntil) }) : t('journal.approvals.refused'))
  }
  app.post('/journal/approvals/:id/approve', { preHandler: deputy }, decideRoute(true))
  app.post('/journal/approvals/:id/refuse', { preHandler: deputy }, decideRoute(false))
}
