// Routes of the weekly absence reasons of a class: the week's form, its saving, and the printable sheet
// (R-J-5 [002 §9.4]). Parse, call, render; access is decided by reasonsAccess().
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { localDate, weekday } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { YearClosedError } from '../school/school.queries.js'
import { parseReasons } from './attendance.form.js'
import { classChoicesFor, classFromQuery, classInfo, saveReasons, weekAbsences, type ClassInfo } from './attendance.queries.js'
import { REASONS, absenceField, dayField, groupWeek, reasonsAccess, weekOf, type ReasonsAccess, type Week } from './attendance.rules.js'

const REACH: Access[] = ['classTeacher', 'admin', 'director', 'deputy']
const today = () => localDate(new Date())

interface Ctx { cls: ClassInfo; week: Week; access: Exclude<ReasonsAccess, null> }

function absencesUrl(classId: number, monday: string, suffix = ''): string {
  return `/my-class/absences${suffix}?class=${classId}&week=${monday}`
}

export default async function attendanceRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })

  const choices = (req: FastifyRequest) => classChoicesFor(db, req.user!, today())

  /**
   * The class and week of the URL. Without a class, a class teacher gets their (first) class and the
   * administration a list to choose from ('choose'). A class beyond the user's reach answers 404.
   */
  async function resolve(req: FastifyRequest, reply: FastifyReply): Promise<Ctx | 'choose' | null> {
    const user = req.user!
    const week = weekOf(field(req.query, 'week'), today())
    const classId = await classFromQuery(db, user, req.query, today())
    if (classId === 'choose') return 'choose'
    const access = classId ? reasonsAccess(user, classId) : null
    const cls = classId && access ? await classInfo(db, classId) : null
    if (!cls || !access) { notFound(reply); return null }
    return { cls, week, access }
  }

  async function render(req: FastifyRequest, reply: FastifyReply, ctx: Ctx, extra: { errors?: FieldErrors; input?: Record<string, string>; yearClosed?: string } = {}) {
    const { cls, week } = ctx
    const { roster, absences } = await weekAbsences(db, cls.id, week)
    const { students, totals } = groupWeek(roster, absences, week)
    return reply.page('attendance/week', {
      title: t('attendance.title', { cls: cls.label }),
      cls, week, students, totals, reasons: REASONS,
      classes: await choices(req),
      canEdit: ctx.access === 'edit' && !cls.closed,
      here: absencesUrl(cls.id, week.monday),
      prevUrl: absencesUrl(cls.id, week.prev), nextUrl: absencesUrl(cls.id, week.next), nowUrl: absencesUrl(cls.id, weekOf('', today()).monday),
      printUrl: absencesUrl(cls.id, week.monday, '/print'),
      absenceField, dayField, weekdayOf: weekday,
      errors: extra.errors ?? {}, input: extra.input ?? {}, yearClosed: extra.yearClosed,
    })
  }

  app.get('/my-class/absences', { preHandler: app.requireRoles(...REACH) }, async (req, reply) => {
    const ctx = await resolve(req, reply)
    if (ctx === 'choose') return reply.page('attendance/week', { title: t('attendance.chooseTitle'), cls: null, classes: await choices(req) })
    if (!ctx) return reply
    return render(req, reply, ctx)
  })

  app.post('/my-class/absences', { preHandler: app.requireRoles(...REACH) }, async (req, reply) => {
    const ctx = await resolve(req, reply)
    if (ctx === 'choose') return notFound(reply)
    if (!ctx) return reply
    if (ctx.access !== 'edit') return reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
    // Only what the page shows may be changed: absences on days the student was in the class.
    const { roster, absences } = await weekAbsences(db, ctx.cls.id, ctx.week)
    const shown = groupWeek(roster, absences, ctx.week).students.flatMap((s) => s.days.flatMap((d) => d.absences))
    const parsed = parseReasons(req.body, shown)
    if (!parsed.ok) return render(req, reply.code(400), ctx, { errors: parsed.errors, input: keepInput(req.body) })
    const here = absencesUrl(ctx.cls.id, ctx.week.monday)
    if (!parsed.value.length) return reply.flashRedirect(here, t('attendance.nothingChanged'))
    try {
      await saveReasons(db, req.actor, ctx.cls, ctx.week, parsed.value)
    } catch (e) {
      if (!(e instanceof YearClosedError)) throw e
      return render(req, reply.code(409), ctx, { input: keepInput(req.body), yearClosed: t('attendance.yearClosed', { name: e.yearName }) })
    }
    return reply.flashRedirect(here, t('attendance.saved', { n: parsed.value.length }))
  })

  app.get('/my-class/absences/print', { preHandler: app.requireRoles(...REACH) }, async (req, reply) => {
    const ctx = await resolve(req, reply)
    if (ctx === 'choose') return notFound(reply)
    if (!ctx) return reply
    const { roster, absences } = await weekAbsences(db, ctx.cls.id, ctx.week)
    const { students, totals } = groupWeek(roster, absences, ctx.week)
    return reply.page('attendance/print', {
      title: t('attendance.printTitle', { cls: ctx.cls.label }),
      cls: ctx.cls, week: ctx.week, students, totals, weekdayOf: weekday,
      back: absencesUrl(ctx.cls.id, ctx.week.monday),
    })
  })
}
