// Routes of the diary: a student's week and period pages, a parent's «Ознакомлен(а)», the staff's list of
// diaries and the class teacher's acknowledgements page (R-D-1, R-D-2, R-ACC-2). Parse, call, render: whose
// diary a user may open is decided by openDiary() (diary.rules), once per request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { fmtDate, fmtDateTime, mondayOf, parseDate } from '../../lib/dates.js'
import { field, toId } from '../../lib/forms.js'
import { isStaff } from '../../plugins/auth.js'
import { weekOf } from '../attendance/attendance.rules.js'
import { sizeLabel } from '../journal/files.rules.js'
import { YearClosedError } from '../school/school.queries.js'
import { acknowledge, auditRead, classInfo, studentScopes } from './diary.queries.js'
import { CLASS_AVERAGE_MIN, acknowledgeRefusal, fmtMean, readsClassAcknowledgements, readsSomeDiaries } from './diary.rules.js'
import {
  acknowledgementsPage, classStudents, defaultStudent, openDiary, periodPage, staffClasses, today, weekPage, type DiaryCtx,
} from './diary.service.js'

const FAMILY = { family: true }

const weekUrl = (studentId: number, monday: string) => `/diary/${studentId}?week=${monday}`
const acksUrl = (classId: number, monday: string) => `/diary/class/${classId}/acknowledgements?week=${monday}`

/** «1 четверть», «Годовая»: the finals area's own words for its columns. */
function finalsLabel(kind: string, p?: { number: number; scheme: string }): string {
  return p ? t(`finals.periodsShort.${p.scheme}`, { n: p.number }) : t(`finals.kindsShort.${kind}`)
}

export default async function diaryRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  /** The diary of the URL's student for this user; otherwise null and a 404 or 403 has been sent. */
  async function open(req: FastifyRequest, reply: FastifyReply, studentId: number | null): Promise<DiaryCtx | null> {
    const ctx = studentId ? await openDiary(db, req.user!, studentId, today()) : 'notFound'
    if (ctx === 'notFound') { notFound(reply); return null }
    if (ctx === 'forbidden') { forbidden(reply); return null }
    return ctx
  }

  const studentParam = (req: FastifyRequest) => toId((req.params as { studentId?: string }).studentId)

  const head = (ctx: DiaryCtx, tab: 'week' | 'marks') => ({
    title: t('diary.titleOf', { name: ctx.card.name }),
    ctx, tab, weekHref: `/diary/${ctx.card.id}`, marksHref: `/diary/${ctx.card.id}/marks`,
  })

  // The week is kept until a write touches one of the student's classes or the school (src/lib/page-cache.ts);
  // the viewer, the student, the week and today's date are the key. A staff read is audited every time.
  async function showWeek(req: FastifyRequest, reply: FastifyReply, studentId: number | null, retried = false): Promise<FastifyReply> {
    const user = req.user!
    const day = today()
    const week = weekOf(field(req.query, 'week'), day)
    const key = ['diary', user.userId, studentId, week.monday, day].join('|')
    const part = studentId === null ? null : await app.pageCache.through(key, (db) => studentScopes(db, studentId), async (db) => {
      const ctx = await openDiary(db, user, studentId, day)
      if (ctx === 'notFound' || ctx === 'forbidden') return null
      const m = await weekPage(db, ctx, user.personId, week.monday, day)
      const h = head(ctx, 'week')
      return {
        title: h.title, access: ctx.access,
        html: app.renderPart('diary/week', {
          ...h, ...m, day, weekInfo: week,
          prevUrl: weekUrl(ctx.card.id, week.prev), nextUrl: weekUrl(ctx.card.id, week.next), nowUrl: `/diary/${ctx.card.id}`,
          ackAction: `/diary/${ctx.card.id}/acknowledge`, ackFuture: acknowledgeRefusal(week.monday, day) === 'future',
          sizeLabel, fmtDateTime,
        }),
      }
    })
    if (!part) {
      // Refused: the same answer as the other diary pages give (unless the data changed in between).
      const ctx = await open(req, reply, studentId)
      if (ctx && !retried) return showWeek(req, reply, studentId, true)
      if (ctx) forbidden(reply)
      return reply
    }
    if (part.access === 'staff') await auditRead(db, req.actor, studentId!, { page: 'week', week: week.monday })
    return reply.pagePart(part)
  }

  // The family's entry: their own diary or their first child's. Staff who read diaries get the list of their
  // classes' students; other staff have nothing here.
  app.get('/diary', { preHandler: app.requireUser, config: FAMILY }, async (req, reply) => {
    const user = req.user!
    const day = today()
    const own = await defaultStudent(db, user, day)
    if (own !== null) return showWeek(req, reply, own)
    if (!isStaff(user)) return reply.page('diary/empty', { title: t('diary.empty.title') })
    if (!readsSomeDiaries(user)) return forbidden(reply)
    const classes = await staffClasses(db, user, day)
    const asked = toId(field(req.query, 'class'))
    const cls = asked !== null ? classes.find((c) => c.id === asked) : classes.find((c) => user.classTeacherOf.includes(c.id)) ?? (classes.length === 1 ? classes[0] : undefined)
    if (asked !== null && !cls) return notFound(reply)
    return reply.page('diary/staff', {
      title: t('diary.staff.title'), classes, cls: cls ?? null,
      students: cls ? await classStudents(db, cls.id, day) : [],
      acksHref: cls ? acksUrl(cls.id, weekOf('', day).monday) : null,
    })
  })

  app.get('/diary/:studentId', { preHandler: app.requireUser, config: FAMILY }, async (req, reply) => showWeek(req, reply, studentParam(req)))

  app.get('/diary/:studentId/marks', { preHandler: app.requireUser, config: FAMILY }, async (req, reply) => {
    const ctx = await open(req, reply, studentParam(req))
    if (!ctx) return reply
    const day = today()
    const m = await periodPage(db, ctx, toId(field(req.query, 'period')), day, finalsLabel)
    if (ctx.access === 'staff') await auditRead(db, req.actor, ctx.card.id, { page: 'marks', period: m?.period ? String(m.period.id) : '' })
    const periodName = (p: { scheme: string; number: number }) => t(`finals.periods.${p.scheme}`, { n: p.number })
    return reply.page('diary/marks', {
      ...head(ctx, 'marks'), m, day, periodName, fmtMean, averageMin: CLASS_AVERAGE_MIN,
      periodOptions: (m?.periods ?? []).map((p) => ({
        value: p.id, label: t('diary.marks.periodRange', { name: periodName(p), from: fmtDate(p.starts_on), to: fmtDate(p.ends_on) }),
      })),
    })
  })

  // «Ознакомлен(а)»: a parent confirms a week once; confirming again changes nothing (R-D-2).
  app.post('/diary/:studentId/acknowledge', { preHandler: app.requireUser, config: FAMILY }, async (req, reply) => {
    const ctx = await open(req, reply, studentParam(req))
    if (!ctx) return reply
    if (!ctx.canAcknowledge) return forbidden(reply)
    const asked = parseDate(field(req.body, 'week'))
    if (!asked) return reply.code(400).page('errors/error', { title: t('common.errors.badRequestTitle'), text: t('common.errors.badRequestText') })
    const monday = mondayOf(asked)
    const back = weekUrl(ctx.card.id, monday)
    if (acknowledgeRefusal(monday, today())) return reply.flashRedirect(back, t('diary.ack.future'), 'error')
    let r: { at: string; created: boolean }
    try {
      r = await acknowledge(db, { ...req.actor, personId: req.user!.personId }, ctx.card.id, monday)
    } catch (e) {
      if (!(e instanceof YearClosedError)) throw e
      return reply.flashRedirect(back, t('diary.ack.yearClosed', { name: e.yearName }), 'error')
    }
    return reply.flashRedirect(back, r.created ? t('diary.ack.saved', { from: fmtDate(monday) }) : t('diary.ack.already', { at: fmtDateTime(r.at) }))
  })

  // The class teacher's view of a week: who confirmed, who did not, which families never log in (R-D-2).
  // Staff only: not marked for families, so the project-wide access test checks that families are refused.
  app.get('/diary/class/:classId/acknowledgements', { preHandler: app.requireRoles('classTeacher', 'admin', 'director', 'deputy') }, async (req, reply) => {
    const classId = toId((req.params as { classId?: string }).classId)
    const cls = classId ? await classInfo(db, classId) : null
    if (!cls || !readsClassAcknowledgements(req.user!, cls.id)) return notFound(reply)
    const day = today()
    const week = weekOf(field(req.query, 'week'), day)
    const m = await acknowledgementsPage(db, cls.id, week.monday, week.saturday)
    return reply.page('diary/acknowledgements', {
      title: t('diary.acks.title', { cls: cls.label }), cls, weekInfo: week, ...m, fmtDateTime,
      prevUrl: acksUrl(cls.id, week.prev), nextUrl: acksUrl(cls.id, week.next), nowUrl: acksUrl(cls.id, weekOf('', day).monday),
      here: `/diary/class/${cls.id}/acknowledgements`,
    })
  })
}
