// Routes of the weekly report for families without internet: the class's week on screen, and the PDF of the
// selected students' pages — one A4 page each, issued through the document registry (R-ARC-1, R-ARC-4).
// Parse, call, render; who may print is decided by mayPrintWeekly().
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { fmtDate, localDate, weekday } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { classChoicesFor, classFromQuery } from '../attendance/attendance.queries.js'
import { weekOf, type Week } from '../attendance/attendance.rules.js'
import { parseSelection, type Selection } from './weekly.form.js'
import { classWeek, weeklyClass, type ClassWeek, type WeeklyClass } from './weekly.queries.js'
import { buildSheet, defaultWho, mayPrintWeekly, selectStudents, weeklySubjectKey } from './weekly.rules.js'
import { printWeekly } from './weekly.service.js'

const REACH: Access[] = ['classTeacher', 'admin', 'director', 'deputy']
const today = () => localDate(new Date())

interface Ctx { cls: WeeklyClass; week: Week }

function weeklyUrl(classId: number, monday: string, extra = '', suffix = ''): string {
  return `/my-class/weekly${suffix}?class=${classId}&week=${monday}${extra}`
}

/** «пн 10.11»: a day of the week as the sheet shows it. */
function day(iso: string): string {
  return `${t(`weekly.weekdays.${weekday(iso)}`)} ${fmtDate(iso).slice(0, 5)}`
}

/** What the sheet template needs besides the sheets: the class, the week's dates, the period of the averages. */
function sheetContext(cls: WeeklyClass, week: Week, cw: ClassWeek) {
  const p = cw.period
  return {
    cls, from: week.monday, to: cw.end, day,
    periodLabel: p ? t(`weekly.periods.${p.scheme}`, { n: p.number }) : '',
    averageFrom: p?.starts_on ?? null,
    averageTo: p ? (p.ends_on < cw.end ? p.ends_on : cw.end) : null,
  }
}

export default async function weeklyRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })

  const choices = (req: FastifyRequest) => classChoicesFor(db, req.user!, today())

  /**
   * The class and week of the URL. Without a class, a class teacher gets their (first) class and the
   * administration a list to choose from. A class beyond the user's reach answers 404, like one that does not exist.
   */
  async function resolve(req: FastifyRequest, reply: FastifyReply): Promise<Ctx | 'choose' | null> {
    const user = req.user!
    const week = weekOf(field(req.query, 'week'), today())
    const classId = await classFromQuery(db, user, req.query, today())
    if (classId === 'choose') return 'choose'
    const cls = classId && mayPrintWeekly(user, classId) ? await weeklyClass(db, classId) : null
    if (!cls) { notFound(reply); return null }
    return { cls, week }
  }

  async function preview(req: FastifyRequest, reply: FastifyReply, ctx: Ctx, cw: ClassWeek, sel: Selection, errors: FieldErrors = {}) {
    const { cls, week } = ctx
    const all = cw.students.map((student) => ({ student, sheet: buildSheet(student, cw.data, day(week.monday).length) }))
    const chosen = new Set(selectStudents(cw.students, sel.who, sel.studentId).map((s) => s.studentId))
    const students = all.map(({ student, sheet }) => ({
      studentId: student.studentId, name: student.name, channel: student.channel,
      marks: sheet.rows.reduce((n, r) => n + r.marks.length, 0), absences: sheet.absences.total,
      viewUrl: weeklyUrl(cls.id, week.monday, `&who=student&student=${student.studentId}`),
      pdfUrl: weeklyUrl(cls.id, week.monday, `&who=student&student=${student.studentId}`, '.pdf'),
    }))
    return reply.page('weekly/index', {
      title: t('weekly.title', { cls: cls.label }),
      ...sheetContext(cls, week, cw),
      week, end: cw.end, classes: await choices(req), students,
      who: sel.who, studentId: sel.studentId,
      items: errors.who || errors.student ? [] : all.filter((i) => chosen.has(i.student.studentId)),
      prevUrl: weeklyUrl(cls.id, week.prev), nextUrl: weeklyUrl(cls.id, week.next), nowUrl: weeklyUrl(cls.id, weekOf('', today()).monday),
      errors, input: keepInput(req.query),
    })
  }

  /**
   * Whose pages, from the query: the paper families by default when there are any. A bad choice answers 400
   * with the page and its message; a student who was not in the class that week answers 404.
   */
  async function selection(req: FastifyRequest, reply: FastifyReply, ctx: Ctx, cw: ClassWeek): Promise<Selection | null> {
    const parsed = parseSelection(req.query)
    const fallback: Selection = { who: defaultWho(cw.students.map((s) => s.channel)), studentId: null }
    if (!parsed.ok) { await preview(req, reply.code(400), ctx, cw, fallback, parsed.errors); return null }
    const sel = parsed.value ?? fallback
    if (sel.who === 'student' && !cw.students.some((s) => s.studentId === sel.studentId)) { notFound(reply); return null }
    return sel
  }

  app.get('/my-class/weekly', { preHandler: app.requireRoles(...REACH) }, async (req, reply) => {
    const ctx = await resolve(req, reply)
    if (ctx === 'choose') return reply.page('weekly/index', { title: t('weekly.chooseTitle'), cls: null, classes: await choices(req) })
    if (!ctx) return reply
    const cw = await classWeek(db, ctx.cls, ctx.week)
    const sel = await selection(req, reply, ctx, cw)
    if (!sel) return reply
    return preview(req, reply, ctx, cw, sel)
  })

  // A PDF's streams are compressed already: compressing the response again only costs time.
  app.get('/my-class/weekly.pdf', { preHandler: app.requireRoles(...REACH), compress: false }, async (req, reply) => {
    const ctx = await resolve(req, reply)
    if (ctx === 'choose') return notFound(reply)
    if (!ctx) return reply
    const { cls, week } = ctx
    const cw = await classWeek(db, cls, week)
    const sel = await selection(req, reply, ctx, cw)
    if (!sel) return reply
    const selected = selectStudents(cw.students, sel.who, sel.studentId)
    if (!selected.length) {
      return reply.flashRedirect(weeklyUrl(cls.id, week.monday), t(sel.who === 'paper' ? 'weekly.errors.noPaper' : 'weekly.errors.nobody'), 'error')
    }

    const dates = { cls: cls.label, from: fmtDate(week.monday), to: fmtDate(cw.end) }
    const out = await printWeekly(app, req.log, req.actor, {
      title: t(`weekly.docTitle.${sel.who}`, { ...dates, name: selected[0].name }),
      subjectKey: weeklySubjectKey(cls.id, week.monday, sel.who, sel.studentId), yearId: cls.yearId,
      baseUrl: `${req.protocol}://${req.host}`, students: selected, data: cw.data, dayChars: day(week.monday).length, context: sheetContext(cls, week, cw),
    })
    const name = t('weekly.fileName', { cls: cls.label, from: fmtDate(week.monday) })
    return reply.type('application/pdf')
      .header('content-disposition', `attachment; filename="weekly-${cls.id}-${week.monday}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('cache-control', 'no-store')
      .send(out.pdf)
  })
}
