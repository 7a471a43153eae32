// Routes of the finals area: the list of pages, the final-marks page of a class or group × subject, the set
// form of a column, correction requests, and the approvers' list of corrections (R-FIN-1..5). Parse, call, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasAccess, type Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { localDate } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { pagesOfTeacher, readsEverything, type Target } from '../journal/journal.access.js'
import { assertYearWritable, classesOfYear, classLabel, currentYear, YearClosedError } from '../school/school.queries.js'
import { parseCorrectionForm, parseDecisionForm, parseSetForm } from './finals.form.js'
import * as q from './finals.queries.js'
import { FINAL_VALUES, mayDecide } from './finals.rules.js'
import {
  approverOf, buildPage, correctionColumn, markOnPage, openPage, pageHref, pageHistory, seesHistory, submitColumn, windowRefusal,
  type PageCtx, type PageModel,
} from './finals.service.js'

const STAFF: Access[] = ['teacher', 'classTeacher', 'admin', 'director', 'deputy']
const APPROVERS: Access[] = ['deputy', 'director']

const today = () => localDate(new Date())

/** The two URL shapes of a page: /finals/class/:classId/:subjectId and /finals/group/:groupId. */
const SHAPES = [
  { prefix: '/finals/class/:classId/:subjectId', target: (p: Record<string, string>): [Target, number | null] | null => {
    const classId = toId(p.classId)
    const subjectId = toId(p.subjectId)
    return classId && subjectId ? [{ classId, groupId: null }, subjectId] : null
  } },
  { prefix: '/finals/group/:groupId', target: (p: Record<string, string>): [Target, number | null] | null => {
    const groupId = toId(p.groupId)
    return groupId ? [{ classId: null, groupId }, null] : null
  } },
]

export default async function finalsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const staff = app.requireRoles(...STAFF)
  const approvers = app.requireRoles(...APPROVERS)
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('finals.closedTitle'), text: t('finals.yearClosed', { name: error.yearName }) })
    }
    throw error
  })

  // ----- the list of pages ------------------------------------------------------------------------------------

  app.get('/finals', { preHandler: staff }, async (req, reply) => {
    const user = req.user!
    const year = await currentYear(db)
    if (!year) return reply.page('finals/index', { title: t('finals.title'), year: null })
    const own = hasAccess(user, 'teacher') ? (await pagesOfTeacher(db, user.personId, year.id)).map((p) => ({
      href: p.class_id !== null ? `/finals/class/${p.class_id}/${p.subject_id}` : `/finals/group/${p.group_id}`,
      subject: p.subject,
      label: p.grade !== null && p.letter !== null ? classLabel(p.grade, p.letter)
        : p.group_grade !== null && p.group_letter !== null ? `${classLabel(p.group_grade, p.group_letter)}, ${p.group_name}` : p.group_name ?? '',
    })) : []
    const classes = await classesOfYear(db, year.id)
    const everything = readsEverything(user)
    const reachable = everything ? classes : classes.filter((c) => user.classTeacherOf.includes(c.id))
    const chosen = toId(field(req.query, 'class'))
    const shown = chosen ? reachable.filter((c) => c.id === chosen) : everything ? [] : reachable
    if (chosen && !shown.length) return notFound(reply)
    const classPages = await q.pagesOfClasses(db, shown.map((c) => c.id))
    const byClass = shown.map((c) => ({
      label: c.label,
      pages: classPages.filter((p) => p.classId === c.id)
        .sort((a, b) => a.subjectOrder - b.subjectOrder || a.subject.localeCompare(b.subject, 'ru') || a.label.localeCompare(b.label, 'ru')),
    }))
    return reply.page('finals/index', {
      title: t('finals.title'), year, own, byClass, chooser: everything ? classes : [], chosen,
      cross: everything && !chosen ? await q.crossGroups(db, year.id) : [],
      approver: hasAccess(user, 'deputy', 'director'),
    })
  })

  // ----- a page, its set form and correction requests -----------------------------------------------------------

  /** The page of the URL for a reader; null when a 404/403 has been sent. */
  async function pageOr(req: FastifyRequest, reply: FastifyReply, shape: (typeof SHAPES)[number]): Promise<PageCtx | null> {
    const parsed = shape.target(req.params as Record<string, string>)
    if (!parsed) { notFound(reply); return null }
    const ctx = await openPage(db, req.user!, parsed[0], parsed[1])
    if (ctx === 'notFound') { notFound(reply); return null }
    if (ctx === 'forbidden') { forbidden(reply); return null }
    return ctx
  }

  /** The same for a writer: only the teacher who keeps the page ('edit'). */
  async function editableOr(req: FastifyRequest, reply: FastifyReply, shape: (typeof SHAPES)[number]): Promise<PageCtx | null> {
    const ctx = await pageOr(req, reply, shape)
    if (ctx && ctx.access !== 'edit') { forbidden(reply); return null }
    return ctx
  }

  const crumbs = (model: PageModel, here = false) => [
    { href: '/finals', label: t('finals.title') },
    ...(here ? [{ href: pageHref(model.page), label: `${model.page.label} — ${model.page.subject}` }] : []),
  ]

  for (const shape of SHAPES) {
    app.get(shape.prefix, { preHandler: staff }, async (req, reply) => {
      const ctx = await pageOr(req, reply, shape)
      if (!ctx) return reply
      const model = await buildPage(db, ctx, today())
      const showHistory = field(req.query, 'history') === '1' && seesHistory(req.user!, ctx)
      const markIds = model.students.flatMap((s) => model.columns.map((c) => s.cells[c.key].mark?.id)).filter((id): id is number => !!id)
      return reply.page('finals/page', {
        title: t('finals.page.title', { label: model.page.label, subject: model.page.subject }),
        crumbs: crumbs(model), model, href: pageHref(model.page),
        canHistory: seesHistory(req.user!, ctx), history: showHistory ? await pageHistory(db, model) : null,
        pending: ctx.access === 'edit' ? await q.pendingOfMarks(db, markIds) : [],
        approver: t(`finals.approver.${approverOf(model.page)}`),
      })
    })

    // The set form of one column: a select per student, preselected with the proposal.
    const setForm = (reply: FastifyReply, model: PageModel, key: string, input: Record<string, string> | null, errors: FieldErrors = {}, notice: string | null = null) => {
      const col = model.columns.find((c) => c.key === key)!
      const values: Record<string, string> = {}
      for (const s of model.students) {
        const cell = s.cells[key]
        values[s.id] = input ? (input[`m_${s.id}`] ?? '') : cell.mark?.value ?? cell.proposal ?? ''
      }
      return reply.code(Object.keys(errors).length ? 400 : 200).page('finals/set', {
        title: t('finals.set.title', { column: col.label, label: model.page.label, subject: model.page.subject }),
        crumbs: crumbs(model, true), model, col, href: pageHref(model.page), values, errors, notice: notice ?? windowRefusal(col),
        options: FINAL_VALUES, students: model.students.filter((s) => s.cells[key].inRange),
        periodColumns: model.columns.filter((c) => c.period),
      })
    }

    app.get(`${shape.prefix}/set/:column`, { preHandler: staff }, async (req, reply) => {
      const ctx = await editableOr(req, reply, shape)
      if (!ctx) return reply
      const model = await buildPage(db, ctx, today())
      const key = (req.params as { column: string }).column
      if (!model.columns.some((c) => c.key === key)) return notFound(reply)
      return setForm(reply, model, key, null)
    })

    app.post(`${shape.prefix}/set/:column`, { preHandler: staff }, async (req, reply) => {
      const ctx = await editableOr(req, reply, shape)
      if (!ctx) return reply
      await assertYearWritable(db, ctx.page.yearId)
      const model = await buildPage(db, ctx, today())
      const key = (req.params as { column: string }).column
      const col = model.columns.find((c) => c.key === key)
      if (!col) return notFound(reply)
      const ids = model.students.filter((s) => s.cells[key].inRange).map((s) => s.id)
      const parsed = parseSetForm(req.body, ids)
      if (!parsed.ok) return setForm(reply, model, key, keepInput(req.body), parsed.errors)
      const r = await submitColumn(db, req.user!, req.actor, model, col, parsed.value)
      if (!r.ok) return setForm(reply, model, key, keepInput(req.body), r.errors, r.notice)
      return reply.flashRedirect(pageHref(model.page), r.count ? t('finals.set.saved', { n: r.count, column: col.label }) : t('finals.set.nothing'))
    })

    // A correction request for a locked mark of this page.
    const correctForm = (reply: FastifyReply, model: PageModel, found: NonNullable<ReturnType<typeof markOnPage>>, input: Record<string, string>, errors: FieldErrors = {}) => {
      const role = approverOf(model.page)
      return reply.code(Object.keys(errors).length ? 400 : 200).page('finals/correct', {
        title: t('finals.correct.title'), crumbs: crumbs(model, true), model, found, input, errors, options: FINAL_VALUES,
        role, written: role === 'director', action: `${pageHref(model.page)}/correct/${found.mark.id}`, href: pageHref(model.page),
      })
    }

    async function markOr(req: FastifyRequest, reply: FastifyReply) {
      const ctx = await editableOr(req, reply, shape)
      if (!ctx) return null
      const model = await buildPage(db, ctx, today())
      const markId = toId((req.params as { markId: string }).markId)
      const found = markId ? markOnPage(model, markId) : null
      if (!found) { notFound(reply); return null }
      return { model, found }
    }

    app.get(`${shape.prefix}/correct/:markId`, { preHandler: staff }, async (req, reply) => {
      const r = await markOr(req, reply)
      if (!r) return reply
      return correctForm(reply, r.model, r.found, {})
    })

    app.post(`${shape.prefix}/correct/:markId`, { preHandler: staff }, async (req, reply) => {
      const r = await markOr(req, reply)
      if (!r) return reply
      const { model, found } = r
      await assertYearWritable(db, model.page.yearId)
      const role = approverOf(model.page)
      const parsed = parseCorrectionForm(req.body, found.mark.value, role === 'director')
      if (!parsed.ok) return correctForm(reply, model, found, keepInput(req.body), parsed.errors)
      try {
        await q.requestCorrection(db, { ...req.actor, personId: req.user!.personId }, found.mark.id, { ...parsed.value, approverRole: role })
      } catch (e) {
        if (!(e instanceof q.PendingCorrectionError)) throw e
        return correctForm(reply, model, found, keepInput(req.body), { new_value: t('finals.correct.alreadyPending') })
      }
      return reply.flashRedirect(pageHref(model.page), t('finals.correct.requested', { approver: t(`finals.approver.${role}`) }))
    })
  }

  // ----- the approvers' list ------------------------------------------------------------------------------------

  const approverRoles = (req: FastifyRequest) => (['deputy', 'director'] as const).filter((r) => req.user!.roles.includes(r))

  app.get('/finals/corrections', { preHandler: approvers }, async (req, reply) => {
    const lists = await q.correctionsFor(db, [...approverRoles(req)])
    return reply.page('finals/corrections', { title: t('finals.corrections.title'), ...lists, column: correctionColumn })
  })

  /** The correction of the URL when this user is the one to decide it; null when a 404/403 has been sent. */
  async function correctionOr(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id: string }).id)
    const c = id ? await q.correctionById(db, id) : null
    if (!c) { notFound(reply); return null }
    if (!mayDecide(req.user!.roles, c.approverRole)) { forbidden(reply); return null }
    return c
  }

  const decisionPage = async (reply: FastifyReply, c: q.CorrectionRow, input: Record<string, string>, errors: FieldErrors = {}, notice: string | null = null) =>
    reply.code(Object.keys(errors).length || notice ? 400 : 200).page('finals/decide', {
      title: t('finals.decide.title'), crumbs: [{ href: '/finals/corrections', label: t('finals.corrections.title') }],
      c, column: correctionColumn(c), history: await q.markHistory(db, [c.markId]), input, errors, notice,
      grade9or11: c.approverRole === 'director',
    })

  app.get('/finals/corrections/:id', { preHandler: approvers }, async (req, reply) => {
    const c = await correctionOr(req, reply)
    if (!c) return reply
    return decisionPage(reply, c, {})
  })

  for (const verb of ['approve', 'refuse'] as const) {
    app.post(`/finals/corrections/:id/${verb}`, { preHandler: approvers }, async (req, reply) => {
      const c = await correctionOr(req, reply)
      if (!c) return reply
      await assertYearWritable(db, c.yearId)
      const parsed = parseDecisionForm(req.body, verb === 'approve', c.approverRole === 'director')
      if (!parsed.ok) return decisionPage(reply, c, { ...keepInput(req.body), verb }, parsed.errors)
      try {
        await q.decideCorrection(db, { ...req.actor, personId: req.user!.personId }, c.id, { approve: verb === 'approve', ...parsed.value })
      } catch (e) {
        if (!(e instanceof q.StaleCorrectionError)) throw e
        return decisionPage(reply, (await q.correctionById(db, c.id))!, keepInput(req.body), {}, t('finals.decide.stale'))
      }
      return reply.flashRedirect('/finals/corrections', t(`finals.decide.${verb}d`, { student: c.student, value: c.newValue }))
    })
  }
}
