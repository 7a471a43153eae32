// Routes of messages and announcements (R-D-3; R-ACC-2,8): inbox, sent, threads, writing, announcing and
// withdrawing. Parse, call, render. Students and parents reach the messages routes (family: true); each of
// them scopes by the asking person, and a thread answers 404 to anyone not taking part in it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { localDate } from '../../lib/dates.js'
import { field, fields, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { isStaff, type Access } from '../../plugins/auth.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import {
  announcementById, announcementsList, classesById, createAnnouncement, openGrades, withdrawAnnouncement, type AnnouncementRow,
} from './announcements.queries.js'
import { parseAnnouncement, parseNewMessage, parseReply, targetValue, type NewMessageInput } from './messages.form.js'
import {
  PAGE_SIZE, familyClassesFor, inbox, isParticipant, loadParties, loadParty, markRead, recipientsFor, sendReply, sentBy, startThreads, studentNames,
  threadFor, unreadCount, type PartyInfo, type RecipientText,
} from './messages.queries.js'
import {
  ADMINISTRATION, MAX_BODY, announces, childConcerned, isFamilyParty, isStaffParty, mayAnnounce, mayWithdraw, mayWrite,
} from './messages.rules.js'

const STAFF_ACCESS: Access[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk']
const ANNOUNCERS: Access[] = ['admin', 'director', 'deputy', 'classTeacher']

const today = () => localDate(new Date())

const recipientText: RecipientText = {
  classTeacherOf: (label) => t('messages.notes.classTeacherOf', { label }),
  role: (role: Role) => (role === 'admin' ? t('messages.notes.admin') : t(`common.roles.${role}`).toLowerCase()),
  relation: (relation, child) => t('messages.notes.relation', { relation: t(`people.relation.${relation}`), child }),
  studentOf: (label) => t('messages.notes.studentOf', { label }),
}

function pageOf(req: FastifyRequest): number {
  return toId(field(req.query, 'page')) ?? 1
}

/** Where an announcement goes, in words. */
function targetLabel(a: Pick<AnnouncementRow, 'scope' | 'grade' | 'classLabel'>): string {
  if (a.scope === 'school') return t('messages.announcements.school')
  if (a.scope === 'grade') return t('messages.announcements.gradeShort', { grade: a.grade ?? '' })
  return t('messages.announcements.classOf', { label: a.classLabel ?? '' })
}

export default async function messagesRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const family = { family: true }
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  const tabs = async (user: CurrentUser) => ({ unread: await unreadCount(db, user.personId), announces: announces(user) })

  app.get('/messages', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const page = pageOf(req)
    const { rows, more } = await inbox(db, user.personId, page)
    return reply.page('messages/inbox', {
      title: t('messages.inbox.title'), tab: 'inbox', ...(await tabs(user)), rows, page,
      prev: page > 1 ? `/messages?page=${page - 1}` : null, next: more ? `/messages?page=${page + 1}` : null,
    })
  })

  app.get('/messages/sent', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const page = pageOf(req)
    const { rows, more } = await sentBy(db, user.personId, page)
    return reply.page('messages/sent', {
      title: t('messages.sent.title'), tab: 'sent', ...(await tabs(user)), rows, page,
      prev: page > 1 ? `/messages/sent?page=${page - 1}` : null, next: more ? `/messages/sent?page=${page + 1}` : null,
    })
  })

  /** What the new-message form needs: the recipients `me` may choose, the classes to pick families from, my children. */
  async function formContext(me: PartyInfo, classId: number | null) {
    const day = today()
    const classes = await familyClassesFor(db, me, day)
    const cls = classId !== null && classes.some((c) => c.id === classId) ? classId : null
    const recipients = await recipientsFor(db, me, day, recipientText, cls)
    const staffSide = isStaffParty(me)
    // A parent of several children says which child the letter is about.
    const children = me.roles.includes('parent') && me.children.length > 1 ? await studentNames(db, me.children.map((c) => c.id)) : new Map<number, string>()
    return {
      staffSide, classes, classId: cls, classLabel: classes.find((c) => c.id === cls)?.label ?? null,
      staff: recipients.filter((r) => !['parents', 'students'].includes(r.group)),
      families: recipients.filter((r) => ['parents', 'students'].includes(r.group)),
      children: [...children].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'ru')),
      maxBody: MAX_BODY,
    }
  }

  async function renderNew(reply: FastifyReply, user: CurrentUser, ctx: Awaited<ReturnType<typeof formContext>>, chosen: number[], extra: Record<string, unknown>) {
    return reply.page('messages/new', { title: t('messages.new.title'), tab: 'new', ...(await tabs(user)), ...ctx, chosen, ...extra })
  }

  app.get('/messages/new', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const me = await loadParty(db, user.personId, today())
    const to = toId(field(req.query, 'to'))
    let classId = toId(field(req.query, 'class'))
    // «Write to this parent» from another page: open the class of their child so that they are on the list.
    if (to !== null && classId === null && isStaffParty(me)) {
      const target = (await loadParties(db, [to], today())).get(to)
      const reachable = await familyClassesFor(db, me, today())
      classId = target?.familyClasses.find((c) => reachable.some((r) => r.id === c)) ?? null
    }
    const ctx = await formContext(me, classId)
    const chosen = to !== null && [...ctx.staff, ...ctx.families].some((r) => r.personId === to) ? [to] : []
    return renderNew(reply, user, ctx, chosen, { input: {} })
  })

  app.post('/messages/new', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const day = today()
    const me = await loadParty(db, user.personId, day)
    const parsed = parseNewMessage(req.body)
    const input = keepInput(req.body)
    const chosenRaw = fields(req.body, 'to').map(toId).filter((id): id is number => id !== null)
    const fail = async (code: number, errors: FieldErrors, v?: NewMessageInput) =>
      renderNew(reply.code(code), user, await formContext(me, v?.classId ?? toId(field(req.body, 'class'))), v?.to ?? chosenRaw, { input, errors })
    if (!parsed.ok) return fail(400, parsed.errors)
    const v = parsed.value

    const ids = [...v.to]
    if (v.allParentsOf !== null) {
      // «All parents of the class»: only a class this staff member reaches; the rule still checks each parent.
      if (!(await familyClassesFor(db, me, day)).some((c) => c.id === v.allParentsOf)) return fail(403, { to: t('messages.errors.notAllowed') }, v)
      const all = await recipientsFor(db, me, day, recipientText, v.allParentsOf)
      ids.push(...all.filter((r) => r.group === 'parents').map((r) => r.personId))
    }
    const unique = [...new Set(ids)]
    if (!unique.length) return fail(400, { to: t('messages.errors.noRecipient') }, v)
    // Every recipient must pass the rule, or nothing is sent at all.
    const parties = await loadParties(db, unique, day)
    const targets = unique.map((id) => parties.get(id)).filter((p): p is PartyInfo => !!p && p.hasAccount && mayWrite(me, p))
    if (targets.length !== unique.length) return fail(403, { to: t('messages.errors.notAllowed') }, v)

    if (v.about !== null && !me.children.some((c) => c.id === v.about)) return fail(400, { about: t('messages.errors.notYourChild') }, v)
    const recipients = targets.map((p) => {
      let about: number | null = null
      if (isFamilyParty(p) && isStaffParty(me)) about = childConcerned(me, p, p.children, v.classId ?? v.allParentsOf)
      else if (isFamilyParty(me) && isStaffParty(p)) about = v.about ?? childConcerned(p, me, me.children)
      return { personId: p.personId, aboutStudentId: about }
    })
    const threads = await startThreads(db, req.actor, user.personId, { subject: v.subject, body: v.body, recipients })
    if (threads.length === 1) return reply.flashRedirect(`/messages/${threads[0]}`, t('messages.new.sentOne'))
    return reply.flashRedirect('/messages/sent', t('messages.new.sentMany', { n: threads.length }))
  })

  async function showThread(req: FastifyRequest, reply: FastifyReply, threadId: number, extra: Record<string, unknown> = {}) {
    const user = req.user!
    const thread = await threadFor(db, user.personId, threadId, today())
    if (!thread) return notFound(reply)
    await markRead(db, user.personId, threadId)
    return reply.page('messages/thread', { title: thread.subject, tab: 'thread', ...(await tabs(user)), thread, maxBody: MAX_BODY, ...extra })
  }

  app.get('/messages/:threadId', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const id = toId((req.params as { threadId: string }).threadId)
    if (id === null) return notFound(reply)
    return showThread(req, reply, id)
  })

  app.post('/messages/:threadId/reply', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const id = toId((req.params as { threadId: string }).threadId)
    if (id === null || !(await isParticipant(db, user.personId, id))) return notFound(reply)
    const parsed = parseReply(req.body)
    if (!parsed.ok) return showThread(req, reply.code(400), id, { errors: parsed.errors, input: keepInput(req.body) })
    const messageId = await sendReply(db, req.actor, user.personId, id, parsed.value.body)
    return reply.flashRedirect(`/messages/${id}#m${messageId}`, t('messages.thread.replied'))
  })

  // ---- Announcements ----------------------------------------------------------------------------------------

  app.get('/announcements', { preHandler: app.requireUser, config: family }, async (req, reply) => {
    const user = req.user!
    const page = pageOf(req)
    const staff = isStaff(user)
    const reach = staff ? 'all' as const : (await loadParty(db, user.personId, today())).familyClasses
    const { rows, more } = await announcementsList(db, reach, today(), page, PAGE_SIZE)
    return reply.page('messages/announcements', {
      title: t('messages.announcements.title'), tab: 'announcements', ...(await tabs(user)), page,
      rows: rows.map((r) => ({ ...r, target: targetLabel(r), canWithdraw: staff && mayWithdraw(user, r) })),
      prev: page > 1 ? `/announcements?page=${page - 1}` : null, next: more ? `/announcements?page=${page + 1}` : null,
    })
  })

  async function targetOptions(user: CurrentUser) {
    const options: { value: string; label: string }[] = []
    if (user.roles.some((r) => ADMINISTRATION.includes(r))) {
      options.push({ value: 'school', label: t('messages.announcements.school') })
      for (const g of await openGrades(db)) options.push({ value: targetValue({ scope: 'grade', grade: g }), label: t('messages.announcements.grade', { grade: g }) })
    }
    for (const c of await classesById(db, user.classTeacherOf)) options.push({ value: targetValue({ scope: 'class', classId: c.id }), label: t('messages.announcements.classOf', { label: c.label }) })
    return options
  }

  app.get('/announcements/new', { preHandler: app.requireRoles(...ANNOUNCERS) }, async (req, reply) => {
    const user = req.user!
    return reply.page('messages/announcement-form', {
      title: t('messages.announcements.new'), tab: 'announcements', ...(await tabs(user)), targets: await targetOptions(user), maxBody: MAX_BODY,
    })
  })

  app.post('/announcements/new', { preHandler: app.requireRoles(...ANNOUNCERS) }, async (req, reply) => {
    const user = req.user!
    const parsed = parseAnnouncement(req.body, today())
    const render = async (code: number, errors: FieldErrors) => reply.code(code).page('messages/announcement-form', {
      title: t('messages.announcements.new'), tab: 'announcements', ...(await tabs(user)), targets: await targetOptions(user), maxBody: MAX_BODY,
      input: keepInput(req.body), errors,
    })
    if (!parsed.ok) return render(400, parsed.errors)
    if (!mayAnnounce(user, parsed.value.target)) return render(403, { target: t('messages.announcements.onlyOwnClass') })
    await createAnnouncement(db, req.actor, user.personId, parsed.value)
    return reply.flashRedirect('/announcements', t('messages.announcements.published'))
  })

  /** The announcement of the URL when it is current and this user may withdraw it; otherwise null and an answer sent. */
  async function withdrawable(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id: string }).id)
    const a = id === null ? undefined : await announcementById(db, id)
    if (!a || a.withdrawn_at !== null) { notFound(reply); return null }
    if (!mayWithdraw(req.user!, a)) { forbidden(reply); return null }
    return a
  }

  app.get('/announcements/:id/withdraw', { preHandler: app.requireRoles(...STAFF_ACCESS) }, async (req, reply) => {
    const a = await withdrawable(req, reply)
    if (!a) return reply
    const cls = a.class_id === null ? [] : await classesById(db, [a.class_id])
    return reply.page('messages/withdraw', {
      title: t('messages.announcements.withdrawTitle'), tab: 'announcements', ...(await tabs(req.user!)),
      a, target: targetLabel({ scope: a.scope, grade: a.grade, classLabel: cls[0]?.label ?? null }),
    })
  })

  app.post('/announcements/:id/withdraw', { preHandler: app.requireRoles(...STAFF_ACCESS) }, async (req, reply) => {
    const a = await withdrawable(req, reply)
    if (!a) return reply
    if (!(await withdrawAnnouncement(db, req.actor, a.id))) return notFound(reply)
    return reply.flashRedirect('/announcements', t('messages.announcements.withdrawn'))
  })
}
