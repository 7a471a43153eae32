// Routes of the archive printouts (R-ARC-2,3): the list of classes, the summary sheet (screen, issue, issued
// PDF), the teachers' council decisions, and the year-end journal (contents, preview, issue, issued PDF).
// Parse, call, render; who may do what is decided by rightsOf().
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DocumentKind } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { fmtDate, localDate } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { documentStamp } from '../../print/documents.js'
import { classesOfYear, currentYear, listYears, YearClosedError } from '../school/school.queries.js'
import { decisionField, parseDecisionsForm } from './archive-print.form.js'
import * as q from './archive-print.queries.js'
import { DECISIONS, GRID_COLUMNS, rightsOf, type Rights } from './archive-print.rules.js'
import { issueDocument, journalKey, summaryKey } from './archive-print.service.js'
import { summarySheet, type SummaryModel } from './summary.service.js'
import { pageRules, yearJournal } from './year-journal.service.js'

const today = () => localDate(new Date())

export default async function archivePrintRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  // Everyone who may reach some class's papers; rightsOf() then decides per class.
  const staff = app.requireRoles('admin', 'director', 'deputy', 'teacher', 'classTeacher')
  const listers = app.requireRoles('admin', 'director', 'deputy', 'classTeacher')

  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('summary.closedTitle'), text: t('summary.yearClosed', { name: error.yearName }) })
    }
    throw error
  })

  /** The class of the URL when the user has the right asked for; null when a 404/403 has been sent. */
  async function classOr(req: FastifyRequest, reply: FastifyReply, need: 'read' | 'decisions' | 'journal') {
    const id = toId((req.params as { classId: string }).classId)
    const cls = id ? await q.classInfo(db, id) : null
    if (!cls) { notFound(reply); return null }
    const rights = rightsOf(req.user!, cls)
    if (!rights[need]) { forbidden(reply); return null }
    return { cls, rights }
  }

  const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.host}`
  const yearOf = (cls: q.ClassInfo) => ({ label: cls.label, year: cls.yearName })

  /** Sends the stored bytes of the current issued document, or back to its page when none was issued. */
  async function sendIssued(reply: FastifyReply, kind: DocumentKind, key: string, back: string) {
    const doc = await q.currentDocument(db, kind, key)
    if (!doc?.storedName) return reply.flashRedirect(back, t('summary.screen.notIssuedYet'), 'error')
    const pdf = await readFile(path.join(app.config.dataDir, 'documents', doc.storedName))
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${doc.number}.pdf"`)
      .header('cache-control', 'private, no-store').send(pdf)
  }

  // ----- the list of classes ------------------------------------------------------------------------------------

  app.get('/summary', { preHandler: listers }, async (req, reply) => {
    const years = await listYears(db)
    const asked = toId(field(req.query, 'year'))
    const year = asked ? years.find((y) => y.id === asked) ?? null : await currentYear(db)
    if (asked && !year) return notFound(reply)
    const classes = year ? await classesOfYear(db, year.id) : []
    const counts = year ? await q.decisionCounts(db, year.id) : new Map()
    const rows = classes.map((c) => ({ c, rights: rightsOf(req.user!, { classTeacherId: c.class_teacher_id, yearStatus: year!.status }) }))
      .filter((r) => r.rights.read)
      .map(({ c, rights }) => ({ ...c, decisions: rights.decisions, students: counts.get(c.id)?.students ?? 0, decided: counts.get(c.id)?.decided ?? 0 }))
    return reply.page('summary/index', { title: t('summary.title'), years, year, classes: rows })
  })

  // ----- the summary sheet --------------------------------------------------------------------------------------

  const sheetTitle = (cls: q.ClassInfo) => t('summary.sheet.screenTitle', yearOf(cls))

  app.get('/summary/:classId', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'read')
    if (!r) return reply
    const m = await summarySheet(db, r.cls, { signingPersonId: req.user!.personId })
    return reply.page('summary/sheet', {
      title: sheetTitle(r.cls), m, rights: r.rights,
      issued: await q.currentDocument(db, 'summary_sheet', summaryKey(r.cls.id, r.cls.yearId)),
      undecided: m.students.filter((s) => !s.departed && !s.decision).map((s) => s.shortName),
    })
  })

  app.post('/summary/:classId/issue', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'read')
    if (!r) return reply
    const { cls } = r
    const title = t('summary.sheet.pdfTitle', yearOf(cls))
    const { doc } = await issueDocument(db, app.config.dataDir, req.actor,
      { kind: 'summary_sheet', title, subjectKey: summaryKey(cls.id, cls.yearId), yearId: cls.yearId },
      async (reserved) => {
        const m = await summarySheet(db, cls, { signingPersonId: req.user!.personId })
        const stamp = await documentStamp(reserved, baseUrl(req))
        return app.renderPdf('summary/print', { title, m, doc: stamp, landscape: m.layout.landscape },
          { landscape: m.layout.landscape, sheetNumbers: true, footerNote: t('common.printed.documentNo', { number: reserved.number }) })
      })
    return reply.flashRedirect(`/summary/${cls.id}`, t('summary.screen.issuedFlash', { number: doc.number }))
  })

  app.get('/summary/:classId.pdf', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'read')
    if (!r) return reply
    return sendIssued(reply, 'summary_sheet', summaryKey(r.cls.id, r.cls.yearId), `/summary/${r.cls.id}`)
  })

  // ----- decisions of the teachers' council ----------------------------------------------------------------------

  const decisionsPage = (reply: FastifyReply, cls: q.ClassInfo, rights: Rights, m: SummaryModel, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('summary/decisions', {
      title: t('summary.decisions.title', yearOf(cls)), m, input, errors, options: DECISIONS, editable: rights.decide,
      rows: m.students,
    })

  /** The form's values from what is recorded: each decision, and the class's council date and protocol. */
  function recordedInput(m: SummaryModel): Record<string, string> {
    const input: Record<string, string> = {}
    const any = m.students.find((s) => s.decision)?.decision
    const council = m.council ?? (any ? { date: any.councilDate, protocol: any.protocol } : null)
    input.council_date = council ? fmtDate(council.date) : ''
    input.protocol = council?.protocol ?? ''
    for (const s of m.students) if (s.decision) input[decisionField(s.id)] = s.decision.value
    return input
  }

  app.get('/summary/:classId/decisions', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'decisions')
    if (!r) return reply
    const m = await summarySheet(db, r.cls)
    return decisionsPage(reply, r.cls, r.rights, m, recordedInput(m))
  })

  app.post('/summary/:classId/decisions', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'decisions')
    if (!r) return reply
    const { cls } = r
    if (cls.yearStatus === 'closed') throw new YearClosedError(cls.yearName)
    const m = await summarySheet(db, cls)
    const deciding = m.students.filter((s) => !s.departed)
    const parsed = parseDecisionsForm(req.body, {
      students: deciding.map((s) => ({ id: s.id, current: s.decision?.value ?? null })),
      grade: cls.grade, year: { starts_on: cls.yearStarts, ends_on: cls.yearEnds }, today: today(),
    })
    if (!parsed.ok) return decisionsPage(reply, cls, r.rights, m, keepInput(req.body), parsed.errors)
    const changed = await q.saveDecisions(db, { ...req.actor, personId: req.user!.personId }, cls.yearId, m.students.map((s) => s.id),
      parsed.value.writes, parsed.value.council)
    return reply.flashRedirect(`/summary/${cls.id}`, changed ? t('summary.decisions.saved', { n: changed }) : t('summary.decisions.nothingChanged'))
  })

  // ----- the year-end journal ----------------------------------------------------------------------------------

  app.get('/summary/:classId/journal', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'read')
    if (!r) return reply
    const { cls } = r
    return reply.page('year-journal/index', {
      title: t('summary.journal.screenTitle', yearOf(cls)), cls, rights: r.rights, pages: await q.journalPages(db, cls.id, cls.yearId),
      issued: r.rights.journal ? await q.currentDocument(db, 'year_journal', journalKey(cls.id, cls.yearId)) : null,
    })
  })

  app.get('/summary/:classId/journal/preview', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'read')
    if (!r) return reply
    const onlyPage = field(req.query, 'page') || undefined
    const m = await yearJournal(db, r.cls, { onlyPage, signingPersonId: req.user!.personId })
    if (onlyPage && !m.pages.length) return notFound(reply)
    const html = await app.renderPrintHtml('year-journal/print', {
      title: t('summary.journal.pdfTitle', yearOf(r.cls)), m, doc: null, onlyPage, screenBar: true, gridColumns: GRID_COLUMNS, landscape: true,
      rules: pageRules(null, m.classWords, r.cls.yearName),
    })
    return reply.type('text/html; charset=utf-8').send(html)
  })

  app.post('/summary/:classId/journal/issue', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'journal')
    if (!r) return reply
    const { cls } = r
    const title = t('summary.journal.pdfTitle', yearOf(cls))
    const { doc, pages } = await issueDocument(db, app.config.dataDir, req.actor,
      { kind: 'year_journal', title, subjectKey: journalKey(cls.id, cls.yearId), yearId: cls.yearId },
      async (reserved) => {
        const m = await yearJournal(db, cls, { signingPersonId: req.user!.personId })
        const stamp = await documentStamp(reserved, baseUrl(req))
        // The page margins and the certifying sheet's count come from the template's @page rules: one rendering.
        return app.renderPdf('year-journal/print', {
          title, m, doc: stamp, gridColumns: GRID_COLUMNS, landscape: true, screenBar: false,
          rules: pageRules(reserved.number, m.classWords, cls.yearName),
        }, { landscape: true })
      })
    return reply.flashRedirect(`/summary/${cls.id}/journal`, t('summary.journal.issuedFlash', { number: doc.number, pages }))
  })

  app.get('/summary/:classId/journal.pdf', { preHandler: staff }, async (req, reply) => {
    const r = await classOr(req, reply, 'journal')
    if (!r) return reply
    return sendIssued(reply, 'year_journal', journalKey(r.cls.id, r.cls.yearId), `/summary/${r.cls.id}/journal`)
  })
}
