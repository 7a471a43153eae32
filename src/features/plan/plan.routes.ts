// Routes of the КТП area under /plan: choosing a plan, its topics (add, edit, remove, renumber), import with a
// preview, export and template, and the plan's progress per journal page (R-J-3). Parse, call, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Multipart } from '@fastify/multipart'
import { t } from '../../i18n/index.js'
import { localDate } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { classesOfYear, currentYear, YearClosedError, type Year } from '../school/school.queries.js'
import { attachment, planCsv, planXlsx, readPlanFile } from './plan.files.js'
import { parseImportRows, parseTopicForm } from './plan.form.js'
import * as q from './plan.queries.js'
import type { PlanRef } from './plan.queries.js'
import {
  planAccess, planImport, seesAllProgress, validGrade, validatePlanRows,
  GRADES, IMPORT_MODES, MAX_ROWS, PLAN_ROLES, type ImportMode, type PlanAccess, type RawPlanRow,
} from './plan.rules.js'

function today(): string {
  return localDate(new Date())
}

function partField(fields: Record<string, Multipart | Multipart[] | undefined>, name: string): string {
  const f = fields[name]
  return f && !Array.isArray(f) && f.type === 'field' ? String(f.value).trim() : ''
}

/** A plan as the pages name it, with what the current user may do with it. */
interface Opened { plan: PlanRef; year: Year; subject: string; access: Exclude<PlanAccess, null>; base: string }

export default async function planRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const guard = app.requireRoles(...PLAN_ROLES)

  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
  const noYear = (reply: FastifyReply) => reply.code(404).page('errors/error', { title: t('plan.chooseTitle'), text: t('plan.noYear') })

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('school.closedTitle'), text: t('school.yearClosed', { name: error.yearName }) })
    }
    throw error
  })

  async function accessTo(req: FastifyRequest, plan: PlanRef): Promise<PlanAccess> {
    const user = req.user!
    const teachesIt = user.roles.includes('teacher') && (await q.teaches(db, user.personId, plan))
    return planAccess(user, teachesIt)
  }

  /** The plan named by /plan/:subjectId/:grade in the current year, or an answer already sent. */
  async function open(req: FastifyRequest, reply: FastifyReply, need: 'read' | 'edit'): Promise<Opened | null> {
    const p = req.params as { subjectId: string; grade: string }
    const subjectId = toId(p.subjectId)
    const grade = Number(toId(p.grade))
    const subject = subjectId ? await q.subjectName(db, subjectId) : null
    if (!subjectId || !subject || !validGrade(grade)) { notFound(reply); return null }
    const year = await currentYear(db)
    if (!year) { noYear(reply); return null }
    const plan = { yearId: year.id, subjectId, grade }
    const access = await accessTo(req, plan)
    if (!access || (need === 'edit' && access !== 'edit')) { forbidden(reply); return null }
    return { plan, year, subject, access, base: `/plan/${subjectId}/${grade}` }
  }

  /** A topic by its id, with its plan, for the edit and remove forms (editors only). */
  async function openTopic(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id: string }).id)
    const topic = id ? await q.getTopic(db, id) : null
    if (!topic) { notFound(reply); return null }
    if ((await accessTo(req, topic.plan)) !== 'edit') { forbidden(reply); return null }
    const subject = (await q.subjectName(db, topic.subject_id)) ?? ''
    return { topic, subject, base: `/plan/${topic.subject_id}/${topic.grade}` }
  }

  const crumbs = (o: { base: string; subject: string; plan: PlanRef }) => [
    { href: '/plan', label: t('plan.title') },
    { href: o.base, label: t('plan.planTitle', { subject: o.subject, grade: o.plan.grade }) },
  ]

  // ----- choosing a plan -----------------------------------------------------------------------------------

  app.get('/plan', { preHandler: guard }, async (req, reply) => {
    const subjectId = toId(field(req.query, 'subject'))
    const grade = Number(toId(field(req.query, 'grade')))
    if (subjectId && validGrade(grade)) return reply.redirect(`/plan/${subjectId}/${grade}`)
    const user = req.user!
    const year = await currentYear(db)
    const mine = year && user.roles.includes('teacher') ? await q.teacherPlans(db, user.personId, year.id) : []
    const sizes = year ? await q.plansOfYear(db, year.id) : []
    const size = (s: number, g: number) => sizes.find((x) => x.subjectId === s && x.grade === g)
    return reply.page('plan/index', {
      title: t('plan.chooseTitle'), year, subjects: await q.subjectOptions(db), grades: GRADES,
      input: { subject: field(req.query, 'subject'), grade: field(req.query, 'grade') },
      isTeacher: user.roles.includes('teacher'), seesAll: seesAllProgress(user),
      mine: mine.map((m) => ({ ...m, topics: size(m.subjectId, m.grade)?.topics ?? 0, hours: size(m.subjectId, m.grade)?.hours ?? 0 })),
      all: seesAllProgress(user) ? sizes : [],
    })
  })

  // ----- the topics of a plan ------------------------------------------------------------------------------

  app.get('/plan/:subjectId/:grade', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'read')
    if (!o) return reply
    const topics = await q.topicsOf(db, o.plan)
    const gaps = topics.some((x, i) => x.number !== i + 1)
    return reply.page('plan/topics', {
      title: t('plan.planTitle', { subject: o.subject, grade: o.plan.grade }), crumbs: [{ href: '/plan', label: t('plan.title') }],
      ...o, topics, gaps, canEdit: o.access === 'edit', hours: topics.reduce((s, x) => s + x.hours, 0),
    })
  })

  const topicForm = (reply: FastifyReply, o: { base: string; subject: string; plan: PlanRef }, action: string, title: string,
    input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('plan/topic-form', {
      title, crumbs: crumbs(o), ...o, action, input, errors, isNew: action.endsWith('/new'),
    })

  app.get('/plan/:subjectId/:grade/new', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    const topics = await q.topicsOf(db, o.plan)
    const next = topics.length ? topics[topics.length - 1].number + 1 : 1
    return topicForm(reply, o, `${o.base}/new`, t('plan.newTitle'), { number: String(next), hours: '1' })
  })

  app.post('/plan/:subjectId/:grade/new', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    const parsed = parseTopicForm(req.body)
    if (!parsed.ok) return topicForm(reply, o, `${o.base}/new`, t('plan.newTitle'), keepInput(req.body), parsed.errors)
    await q.createTopic(db, req.actor, o.plan, parsed.value)
    // «Save and add another» comes back to an empty form with the next number, for typing a plan in by hand.
    return reply.flashRedirect(field(req.body, 'more') ? `${o.base}/new` : o.base, t('plan.created', { n: parsed.value.number }))
  })

  app.get('/plan/topics/:id/edit', { preHandler: guard }, async (req, reply) => {
    const o = await openTopic(req, reply)
    if (!o) return reply
    const { topic } = o
    return topicForm(reply, { ...o, plan: topic.plan }, `/plan/topics/${topic.id}/edit`, t('plan.editTitle', { n: topic.number }),
      { number: String(topic.number), title: topic.title, hours: String(topic.hours) })
  })

  app.post('/plan/topics/:id/edit', { preHandler: guard }, async (req, reply) => {
    const o = await openTopic(req, reply)
    if (!o) return reply
    const { topic } = o
    const parsed = parseTopicForm(req.body)
    if (!parsed.ok) {
      return topicForm(reply, { ...o, plan: topic.plan }, `/plan/topics/${topic.id}/edit`, t('plan.editTitle', { n: topic.number }), keepInput(req.body), parsed.errors)
    }
    if (!(await q.updateTopic(db, req.actor, topic.id, parsed.value))) return notFound(reply)
    return reply.flashRedirect(o.base, t('plan.updated', { n: parsed.value.number }))
  })

  const removePage = (reply: FastifyReply, o: NonNullable<Awaited<ReturnType<typeof openTopic>>>, refusal?: string) =>
    reply.page('school/confirm', {
      title: t('plan.removeTitle', { n: o.topic.number }), crumbs: crumbs({ ...o, plan: o.topic.plan }),
      facts: [[t('plan.col.number'), String(o.topic.number)], [t('plan.col.title'), o.topic.title], [t('plan.col.hours'), String(o.topic.hours)]],
      question: t('plan.removeQuestion'), action: `/plan/topics/${o.topic.id}/delete`, back: o.base, refusal,
    })

  app.get('/plan/topics/:id/delete', { preHandler: guard }, async (req, reply) => {
    const o = await openTopic(req, reply)
    if (!o) return reply
    const use = await q.topicUse(db, o.topic.id)
    return removePage(reply, o, use.used ? t('plan.inUse', { n: use.used, lessons: use.usedIn }) : undefined)
  })

  app.post('/plan/topics/:id/delete', { preHandler: guard }, async (req, reply) => {
    const o = await openTopic(req, reply)
    if (!o) return reply
    const done = await q.removeTopic(db, req.actor, o.topic.id)
    if (done.ok) return reply.flashRedirect(o.base, t('plan.removed', { title: done.title }))
    if ('gone' in done) return notFound(reply)
    return removePage(reply.code(409), o, t('plan.inUse', { n: done.used, lessons: done.usedIn }))
  })

  app.post('/plan/:subjectId/:grade/renumber', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    const n = await q.renumberPlan(db, req.actor, o.plan)
    return reply.flashRedirect(o.base, n ? t('plan.renumbered', { n }) : t('plan.nothingToRenumber'))
  })

  // ----- export and template -------------------------------------------------------------------------------

  const fileName = (o: Opened, ext: string) => `${t('plan.title')} ${o.subject} ${o.plan.grade} ${o.year.name.replace('/', '-')}.${ext}`

  app.get('/plan/:subjectId/:grade/export.xlsx', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'read')
    if (!o) return reply
    reply.header('content-disposition', attachment(`plan-${o.plan.subjectId}-${o.plan.grade}.xlsx`, fileName(o, 'xlsx')))
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await planXlsx(await q.topicsOf(db, o.plan)))
  })

  app.get('/plan/:subjectId/:grade/export.csv', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'read')
    if (!o) return reply
    reply.header('content-disposition', attachment(`plan-${o.plan.subjectId}-${o.plan.grade}.csv`, fileName(o, 'csv')))
    return reply.type('text/csv; charset=utf-8').send(planCsv(await q.topicsOf(db, o.plan)))
  })

  app.get('/plan/template.xlsx', { preHandler: guard }, async (_req, reply) => {
    reply.header('content-disposition', attachment('plan-template.xlsx', t('plan.templateFile')))
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await planXlsx([], true))
  })

  // ----- import --------------------------------------------------------------------------------------------

  const importForm = (reply: FastifyReply, o: Opened, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('plan/import', {
      title: t('plan.importTitle'), crumbs: crumbs(o), ...o, input, errors, maxRows: MAX_ROWS, modes: IMPORT_MODES,
    })

  app.get('/plan/:subjectId/:grade/import', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    return importForm(reply, o, { mode: 'replace' })
  })

  /** The preview: every row with its errors or its effect; a confirm form only when all is well. */
  async function preview(reply: FastifyReply, o: Opened, file: string, mode: ImportMode, raws: { line: number; raw: RawPlanRow }[], fileError?: string) {
    const existing = await q.topicsOf(db, o.plan)
    const rows = validatePlanRows(raws, existing, mode)
    const todo = planImport(rows, existing, mode)
    const bad = rows.filter((r) => r.errors.length).length
    const ok = !fileError && rows.length > 0 && bad === 0 && todo.blocked.length === 0
    return reply.code(ok ? 200 : 400).page('plan/import-preview', {
      title: t('plan.previewTitle'), crumbs: crumbs(o), ...o, fileName: file, mode, rows, todo, bad, ok, fileError,
    })
  }

  app.post('/plan/:subjectId/:grade/import', { preHandler: guard }, async (req, reply) => {
    // The upload is read whole first: answering while the browser still sends it would break the connection.
    const file = await req.file()
    const buf = file ? await file.toBuffer() : Buffer.alloc(0)
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    const rawMode = file ? partField(file.fields, 'mode') : ''
    const mode: ImportMode = rawMode === 'append' ? 'append' : 'replace'
    if (!file || !buf.length) return importForm(reply, o, { mode }, { file: t('plan.chooseFile') })
    const name = file.filename.slice(0, 200)
    const read = await readPlanFile(buf)
    if (!read.ok) return preview(reply, o, name, mode, [], read.error)
    return preview(reply, o, name, mode, read.rows)
  })

  app.post('/plan/:subjectId/:grade/import/confirm', { preHandler: guard }, async (req, reply) => {
    const o = await open(req, reply, 'edit')
    if (!o) return reply
    const mode: ImportMode = field(req.body, 'mode') === 'append' ? 'append' : 'replace'
    const name = field(req.body, 'file_name').slice(0, 200)
    const raws = parseImportRows(req.body).slice(0, MAX_ROWS)
    const done = await q.applyImport(db, req.actor, o.plan, raws, mode, name)
    if (!done.ok) return preview(reply, o, name, mode, raws, t('plan.changed'))
    return reply.flashRedirect(o.base, t('plan.imported', { added: done.added, updated: done.updated, removed: done.removed }))
  })

  // ----- progress (R-J-3) ----------------------------------------------------------------------------------

  app.get('/plan/progress', { preHandler: guard }, async (req, reply) => {
    const user = req.user!
    const year = await currentYear(db)
    if (!year) return noYear(reply)
    const day = today()
    const all = seesAllProgress(user)
    const yearClasses = await classesOfYear(db, year.id)
    // The administration looks at any class; a class teacher also at their own class, besides their own pages.
    const classes = all ? yearClasses : yearClasses.filter((c) => user.classTeacherOf.includes(c.id))
    const raw = field(req.query, 'class')
    const classId = raw ? toId(raw) : null
    if (raw && !classId) return notFound(reply)
    const chosen = classId ? classes.find((c) => c.id === classId) : undefined
    if (classId && !chosen) return yearClasses.some((c) => c.id === classId) ? forbidden(reply) : notFound(reply)
    const own = !all && user.roles.includes('teacher') ? await q.teacherProgress(db, user.personId, year.id, day) : []
    const pages = chosen ? await q.classProgress(db, chosen.id, year.id, day) : []
    return reply.page('plan/progress', {
      title: t('plan.progressTitle'), crumbs: [{ href: '/plan', label: t('plan.title') }], year, day, all, classes, chosen, own, pages,
      input: { class: chosen ? String(chosen.id) : '' },
    })
  })
}
