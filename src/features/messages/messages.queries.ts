// Queries of messages: who a person is for the write rule, the recipients they may choose, threads they take
// part in, and sending. Every read is scoped by the asking person; a thread is only ever read by its participants.
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'
import { prepared } from '../../db/prepared.js'
import type { Role } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { ADMINISTRATION, STAFF, childConcerned, isFamilyParty, isStaffParty, mayWrite, type Child, type Party } from './messages.rules.js'

export const PAGE_SIZE = 30

/** A party with the children behind its family classes (the student themself for a student). */
export interface PartyInfo extends Party { name: string; children: Child[]; hasAccount: boolean }

const openYears = (db: DB) => db.selectFrom('academic_years').select('id').where('status', '<>', 'closed')

/** The write rule's facts about these people, as of today, in a fixed number of queries whatever their count. */
export async function loadParties(db: DB, ids: number[], today: string): Promise<Map<number, PartyInfo>> {
  const out = new Map<number, PartyInfo>()
  const unique = [...new Set(ids)]
  if (!unique.length) return out
  const persons = await db.selectFrom('persons as p')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name',
      sql<number>`exists (select 1 from users u where u.person_id = p.id and u.disabled_at is null)`.as('account')])
    .where('p.id', 'in', unique).execute()
  for (const p of persons) {
    out.set(p.id, {
      personId: p.id, name: fullName(p), hasAccount: p.account === 1, roles: [], classTeacherOf: [], teachesClasses: [], teachesGroups: [],
      familyClasses: [], familyGroups: [], children: [],
    })
  }
  const found = [...out.keys()]
  if (!found.length) return out
  const get = (id: number) => out.get(id)!

  for (const r of await db.selectFrom('person_roles').select(['person_id', 'role']).where('person_id', 'in', found).execute()) {
    (get(r.person_id).roles as Role[]).push(r.role)
  }
  const led = await db.selectFrom('classes').select(['id', 'class_teacher_id']).where('class_teacher_id', 'in', found)
    .where('year_id', 'in', openYears(db)).execute()
  for (const c of led) (get(c.class_teacher_id!).classTeacherOf as number[]).push(c.id)

  const work = await db.selectFrom('workload as w')
    .leftJoin('classes as c', 'c.id', 'w.class_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .select(['w.teacher_id', 'w.class_id', 'w.group_id', 'g.class_id as group_class_id'])
    .where('w.teacher_id', 'in', found)
    .where((eb) => eb.or([eb('c.year_id', 'in', openYears(db)), eb('g.year_id', 'in', openYears(db))]))
    .execute()
  for (const w of work) {
    const p = get(w.teacher_id)
    const cls = w.class_id ?? w.group_class_id
    if (cls !== null && !p.teachesClasses.includes(cls)) (p.teachesClasses as number[]).push(cls)
    if (w.group_id !== null && !p.teachesGroups.includes(w.group_id)) (p.teachesGroups as number[]).push(w.group_id)
  }

  // The family side: a student is their own child; a parent's children come from the links.
  const childOf = new Map<number, number[]>()
  for (const p of out.values()) if (p.roles.includes('student')) childOf.set(p.personId, [p.personId])
  if (out.size) {
    const links = await db.selectFrom('parent_links').select(['parent_id', 'student_id']).where('parent_id', 'in', found).execute()
    for (const l of links) if (get(l.parent_id).roles.includes('parent')) childOf.set(l.parent_id, [...(childOf.get(l.parent_id) ?? []), l.student_id])
  }
  const students = [...new Set([...childOf.values()].flat())]
  if (students.length) {
    const enr = await db.selectFrom('enrollments').select(['student_id', 'class_id']).where('student_id', 'in', students)
      .where('from_date', '<=', today).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)])).execute()
    const mem = await db.selectFrom('group_members').select(['student_id', 'group_id']).where('student_id', 'in', students)
      .where('from_date', '<=', today).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)])).execute()
    const classOf = new Map(enr.map((e) => [e.student_id, e.class_id]))
    const groupsOf = new Map<number, number[]>()
    for (const m of mem) groupsOf.set(m.student_id, [...(groupsOf.get(m.student_id) ?? []), m.group_id])
    for (const [pid, kids] of childOf) {
      const p = get(pid)
      p.children = kids.map((id) => ({ id, classId: classOf.get(id) ?? null, groups: groupsOf.get(id) ?? [] }))
      p.familyClasses = [...new Set(p.children.flatMap((c) => (c.classId === null ? [] : [c.classId])))]
      p.familyGroups = [...new Set(p.children.flatMap((c) => c.groups))]
    }
  }
  return out
}

export async function loadParty(db: DB, personId: number, today: string): Promise<PartyInfo> {
  const p = (await loadParties(db, [personId], today)).get(personId)
  if (!p) throw new Error(`no person ${personId}`)
  return p
}

// ---- Recipients -----------------------------------------------------------------------------------------

export type RecipientGroup = 'classTeacher' | 'teachers' | 'administration' | 'staff' | 'parents' | 'students'
export interface Recipient {
  personId: number
  name: string
  group: RecipientGroup
  /** What the person is to the sender: «классный руководитель 5А», «Математика», roles, «мать: Иванов Пётр». */
  note: string
  /** The student the conversation would be about. */
  aboutStudentId: number | null
}

export interface ClassOption { id: number; label: string }

/** Labels of the classes with these ids (5А). */
async function classLabels(db: DB, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map()
  const rows = await db.selectFrom('classes').select(['id', 'grade', 'letter']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, `${r.grade}${r.letter}`]))
}

/**
 * The classes whose families a staff member may pick from: every class of the open years for the
 * administration, otherwise the classes they lead or teach (or whose students are in groups they teach).
 */
export async function familyClassesFor(db: DB, me: Party, today: string): Promise<ClassOption[]> {
  if (!isStaffParty(me)) return []
  let q = db.selectFrom('classes as c').select(['c.id', 'c.grade', 'c.letter']).where('c.year_id', 'in', openYears(db))
  if (!me.roles.some((r) => ADMINISTRATION.includes(r))) {
    const direct = [...me.classTeacherOf, ...(me.roles.includes('teacher') ? me.teachesClasses : [])]
    const groups = me.roles.includes('teacher') ? [...me.teachesGroups] : []
    q = q.where((eb) => {
      const ors = [eb('c.id', 'in', direct.length ? direct : [0])]
      if (groups.length) {
        ors.push(eb('c.id', 'in', eb.selectFrom('enrollments as e').innerJoin('group_members as m', 'm.student_id', 'e.student_id')
          .select('e.class_id').where('m.group_id', 'in', groups)
          .where('e.from_date', '<=', today).where((w) => w.or([w('e.to_date', 'is', null), w('e.to_date', '>=', today)]))
          .where('m.from_date', '<=', today).where((w) => w.or([w('m.to_date', 'is', null), w('m.to_date', '>=', today)]))))
      }
      return eb.or(ors)
    })
  }
  const rows = await q.orderBy('c.grade').orderBy('c.letter').execute()
  return rows.map((r) => ({ id: r.id, label: `${r.grade}${r.letter}` }))
}

/** The staff who may receive a family's message: candidates by SQL, then the rule decides. */
async function familyCandidates(db: DB, me: Party): Promise<number[]> {
  const classes = me.familyClasses.length ? [...me.familyClasses] : [0]
  const groups = me.familyGroups.length ? [...me.familyGroups] : [0]
  const admins = await db.selectFrom('person_roles').select('person_id').where('role', 'in', [...ADMINISTRATION]).execute()
  const leads = await db.selectFrom('classes').select('class_teacher_id as person_id').where('id', 'in', classes).where('class_teacher_id', 'is not', null).execute()
  const teachers = await db.selectFrom('workload as w').leftJoin('groups as g', 'g.id', 'w.group_id').select('w.teacher_id as person_id')
    .where((eb) => eb.or([eb('w.class_id', 'in', classes), eb('w.group_id', 'in', groups), eb('g.class_id', 'in', classes)])).execute()
  return [...admins, ...leads, ...teachers].map((r) => r.person_id as number)
}

/** Students enrolled today in the class and their parents. */
async function classFamilies(db: DB, classId: number, today: string): Promise<number[]> {
  const students = await db.selectFrom('enrollments').select('student_id').where('class_id', '=', classId)
    .where('from_date', '<=', today).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)])).execute()
  const ids = students.map((s) => s.student_id)
  if (!ids.length) return []
  const parents = await db.selectFrom('parent_links').select('parent_id').where('student_id', 'in', ids).execute()
  return [...ids, ...parents.map((p) => p.parent_id)]
}

export interface RecipientText {
  classTeacherOf: (label: string) => string
  role: (role: Role) => string
  relation: (relation: string, child: string) => string
  studentOf: (label: string) => string
}

/**
 * Everyone `me` may write to, with what they are to `me`. For staff the families come one class at a time
 * (classId), so that the page stays light in a school of a thousand families. Only people with a working
 * account are listed: nobody else could read the message. Each candidate passes the rule (mayWrite).
 */
export async function recipientsFor(db: DB, me: PartyInfo, today: string, text: RecipientText, classId: number | null = null): Promise<Recipient[]> {
  const ids: number[] = []
  if (isFamilyParty(me)) ids.push(...(await familyCandidates(db, me)))
  if (isStaffParty(me)) {
    ids.push(...(await db.selectFrom('person_roles').select('person_id').where('role', 'in', [...STAFF]).execute()).map((r) => r.person_id))
    if (classId !== null && (await familyClassesFor(db, me, today)).some((c) => c.id === classId)) ids.push(...(await classFamilies(db, classId, today)))
  }
  const parties = await loadParties(db, ids, today)
  const allowed = [...parties.values()].filter((p) => p.hasAccount && mayWrite(me, p))

  const labels = await classLabels(db, [...new Set(allowed.flatMap((p) => [...p.classTeacherOf, ...p.familyClasses]))])
  // What a teacher teaches the sender's family, for a family's list.
  const subjects = new Map<number, string[]>()
  if (isFamilyParty(me)) {
    const teacherIds = allowed.filter((p) => p.roles.includes('teacher')).map((p) => p.personId)
    const classes = me.familyClasses.length ? [...me.familyClasses] : [0]
    const groups = me.familyGroups.length ? [...me.familyGroups] : [0]
    if (teacherIds.length) {
      const rows = await db.selectFrom('workload as w').innerJoin('subjects as s', 's.id', 'w.subject_id').leftJoin('groups as g', 'g.id', 'w.group_id')
        .select(['w.teacher_id', 's.name']).distinct()
        .where('w.teacher_id', 'in', teacherIds)
        .where((eb) => eb.or([eb('w.class_id', 'in', classes), eb('w.group_id', 'in', groups), eb('g.class_id', 'in', classes)]))
        .orderBy('s.sort_order').execute()
      for (const r of rows) subjects.set(r.teacher_id, [...new Set([...(subjects.get(r.teacher_id) ?? []), r.name])])
    }
  }
  const childNames = await studentNames(db, [...new Set(allowed.flatMap((p) => p.children.map((c) => c.id)))])
  const relations = await relationsOf(db, allowed.filter((p) => p.roles.includes('parent')).map((p) => p.personId))

  const out: Recipient[] = allowed.map((p) => {
    const led = p.classTeacherOf.filter((c) => me.familyClasses.includes(c))
    if (isFamilyParty(me) && led.length) {
      const note = [...led.map((c) => text.classTeacherOf(labels.get(c) ?? '')), ...(subjects.get(p.personId) ?? [])].join(', ')
      return { personId: p.personId, name: p.name, group: 'classTeacher', note, aboutStudentId: null }
    }
    if (isFamilyParty(me) && subjects.has(p.personId)) {
      return { personId: p.personId, name: p.name, group: 'teachers', note: subjects.get(p.personId)!.join(', '), aboutStudentId: null }
    }
    if (isStaffParty(p)) {
      const roles = p.roles.filter((r) => STAFF.includes(r))
      const admin = isFamilyParty(me) && !isStaffParty(me)
      return {
        personId: p.personId, name: p.name, group: admin ? 'administration' : 'staff',
        note: (admin ? roles.filter((r) => ADMINISTRATION.includes(r)) : roles).map((r) => text.role(r)).join(', '), aboutStudentId: null,
      }
    }
    const about = childConcerned(me, p, p.children, classId)
    if (p.roles.includes('student') && p.children.some((c) => c.id === p.personId)) {
      const own = p.children.find((c) => c.id === p.personId)!
      return { personId: p.personId, name: p.name, group: 'students', note: text.studentOf(own.classId === null ? '' : labels.get(own.classId) ?? ''), aboutStudentId: p.personId }
    }
    const child = p.children.find((c) => c.id === about)
    const note = child ? text.relation(relations.get(`${p.personId}:${child.id}`) ?? 'parent', childNames.get(child.id) ?? '') : ''
    return { personId: p.personId, name: p.name, group: 'parents', note, aboutStudentId: about }
  })
  // Families of a class are listed by child: the student, then their parents.
  const order: RecipientGroup[] = ['classTeacher', 'teachers', 'administration', 'staff', 'students', 'parents']
  const family = (r: Recipient) => r.group === 'parents' || r.group === 'students'
  const rank = (r: Recipient) => (family(r) ? 4 : order.indexOf(r.group))
  const key = (r: Recipient) => (family(r) ? `${childNames.get(r.aboutStudentId ?? 0) ?? ''}\t${r.group === 'students' ? 0 : 1}` : r.name)
  return out.sort((a, b) => rank(a) - rank(b) || key(a).localeCompare(key(b), 'ru')
    || order.indexOf(a.group) - order.indexOf(b.group) || a.name.localeCompare(b.name, 'ru'))
}

/** «Фамилия Имя» of students by id. */
export async function studentNames(db: DB, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map()
  const rows = await db.selectFrom('persons').select(['id', 'last_name', 'first_name']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, `${r.last_name} ${r.first_name}`]))
}

async function relationsOf(db: DB, parentIds: number[]): Promise<Map<string, string>> {
  if (!parentIds.length) return new Map()
  const rows = await db.selectFrom('parent_links').select(['parent_id', 'student_id', 'relation']).where('parent_id', 'in', parentIds).execute()
  return new Map(rows.map((r) => [`${r.parent_id}:${r.student_id}`, r.relation]))
}

// ---- Threads --------------------------------------------------------------------------------------------

const unreadSql = (personId: number) => sql<number>`(select count(*) from messages m where m.thread_id = t.id and m.sender_id <> ${personId}
  and (tp.last_read_at is null or m.created_at > tp.last_read_at))`

/** Messages others wrote in my threads after I last opened them: the number next to «Сообщения». */
const unreadRow = prepared((db, personId: number) => db.selectFrom('messages as m')
  .innerJoin('thread_participants as tp', (j) => j.onRef('tp.thread_id', '=', 'm.thread_id').on('tp.person_id', '=', personId))
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('m.sender_id', '<>', personId)
  .where((eb) => eb.or([eb('tp.last_read_at', 'is', null), eb('m.created_at', '>', eb.ref('tp.last_read_at'))])))

/** Messages to the person not read yet: the menu's badge on every page (a prepared query: see db/prepared.ts). */
export async function unreadCount(db: DB, personId: number): Promise<number> {
  const [r] = await unreadRow(db, personId)
  return Number(r.n)
}

export interface ThreadRow {
  id: number
  subject: string
  lastMessageAt: string
  unread: number
  others: string
  aboutStudent: string | null
  lastSender: string
  excerpt: string
}

const EXCERPT = 90
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ')
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat
}

/** My threads, the newest activity first, a page at a time (one extra row tells whether there is a next page). */
export async function inbox(db: DB, personId: number, page: number): Promise<{ rows: ThreadRow[]; more: boolean }> {
  const rows = await db.selectFrom('threads as t')
    .innerJoin('thread_participants as tp', (j) => j.onRef('tp.thread_id', '=', 't.id').on('tp.person_id', '=', personId))
    .leftJoin('persons as s', 's.id', 't.about_student_id')
    .select(['t.id', 't.subject', 't.last_message_at', 's.last_name as s_last', 's.first_name as s_first',
      unreadSql(personId).as('unread'),
      sql<string | null>`(select group_concat(p.last_name || ' ' || substr(p.first_name, 1, 1) || '.' || case when p.middle_name <> '' then ' ' || substr(p.middle_name, 1, 1) || '.' else '' end, ', ')
        from thread_participants o join persons p on p.id = o.person_id where o.thread_id = t.id and o.person_id <> ${personId})`.as('others'),
      sql<string>`(select m.body from messages m where m.thread_id = t.id order by m.created_at desc, m.id desc limit 1)`.as('last_body'),
      sql<number>`(select m.sender_id from messages m where m.thread_id = t.id order by m.created_at desc, m.id desc limit 1)`.as('last_sender')])
    .orderBy('t.last_message_at', 'desc').orderBy('t.id', 'desc')
    .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    .execute()
  return {
    more: rows.length > PAGE_SIZE,
    rows: rows.slice(0, PAGE_SIZE).map((r) => ({
      id: r.id, subject: r.subject, lastMessageAt: r.last_message_at, unread: Number(r.unread), others: r.others ?? '',
      aboutStudent: r.s_last ? `${r.s_last} ${r.s_first}` : null,
      lastSender: r.last_sender === personId ? 'me' : 'other', excerpt: excerpt(r.last_body ?? ''),
    })),
  }
}

export interface SentRow { id: number; threadId: number; subject: string; createdAt: string; to: string; excerpt: string }

/** Messages I wrote, newest first. */
export async function sentBy(db: DB, personId: number, page: number): Promise<{ rows: SentRow[]; more: boolean }> {
  const rows = await db.selectFrom('messages as m').innerJoin('threads as t', 't.id', 'm.thread_id')
    .select(['m.id', 'm.thread_id', 't.subject', 'm.created_at', 'm.body',
      sql<string | null>`(select group_concat(p.last_name || ' ' || p.first_name || ' ' || p.middle_name, ', ')
        from thread_participants o join persons p on p.id = o.person_id where o.thread_id = t.id and o.person_id <> ${personId})`.as('others')])
    .where('m.sender_id', '=', personId)
    .orderBy('m.created_at', 'desc').orderBy('m.id', 'desc')
    .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    .execute()
  return {
    more: rows.length > PAGE_SIZE,
    rows: rows.slice(0, PAGE_SIZE).map((r) => ({ id: r.id, threadId: r.thread_id, subject: r.subject, createdAt: r.created_at, to: (r.others ?? '').trim(), excerpt: excerpt(r.body) })),
  }
}

export interface ThreadView {
  id: number
  subject: string
  createdAt: string
  participants: { personId: number; name: string }[]
  aboutStudent: { name: string; classLabel: string | null } | null
  messages: { id: number; senderId: number; sender: string; body: string; createdAt: string; unread: boolean }[]
}

/** A thread with its messages, only for one of its participants (null otherwise: the caller answers 404). */
export async function threadFor(db: DB, personId: number, threadId: number, today: string): Promise<ThreadView | null> {
  const me = await db.selectFrom('thread_participants').select('last_read_at').where('thread_id', '=', threadId).where('person_id', '=', personId).executeTakeFirst()
  if (!me) return null
  const t = await db.selectFrom('threads').selectAll().where('id', '=', threadId).executeTakeFirstOrThrow()
  const people = await db.selectFrom('thread_participants as tp').innerJoin('persons as p', 'p.id', 'tp.person_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name']).where('tp.thread_id', '=', threadId).orderBy('p.last_name').execute()
  const msgs = await db.selectFrom('messages as m').innerJoin('persons as p', 'p.id', 'm.sender_id')
    .select(['m.id', 'm.sender_id', 'm.body', 'm.created_at', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('m.thread_id', '=', threadId).orderBy('m.created_at').orderBy('m.id').execute()
  let aboutStudent: ThreadView['aboutStudent'] = null
  if (t.about_student_id !== null) {
    const s = await db.selectFrom('persons as p')
      .leftJoin('enrollments as e', (j) => j.onRef('e.student_id', '=', 'p.id').on('e.from_date', '<=', today)
        .on((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', today)])))
      .leftJoin('classes as c', 'c.id', 'e.class_id')
      .select(['p.last_name', 'p.first_name', 'c.grade', 'c.letter']).where('p.id', '=', t.about_student_id).executeTakeFirst()
    if (s) aboutStudent = { name: `${s.last_name} ${s.first_name}`, classLabel: s.grade === null ? null : `${s.grade}${s.letter}` }
  }
  return {
    id: t.id, subject: t.subject, createdAt: t.created_at, aboutStudent,
    participants: people.map((p) => ({ personId: p.id, name: fullName(p) })),
    messages: msgs.map((m) => ({
      id: m.id, senderId: m.sender_id, sender: shortName(m), body: m.body, createdAt: m.created_at,
      unread: m.sender_id !== personId && (me.last_read_at === null || m.created_at > me.last_read_at),
    })),
  }
}

/** Opening a thread marks everything in it read for me (bookkeeping, not a change of data: not audited). */
export async function markRead(db: DB, personId: number, threadId: number): Promise<void> {
  await db.updateTable('thread_participants').set({ last_read_at: nowIso() })
    .where('thread_id', '=', threadId).where('person_id', '=', personId).execute()
}

export interface NewThread { subject: string; body: string; recipients: { personId: number; aboutStudentId: number | null }[] }

/**
 * One thread per recipient, so that recipients never see each other (a letter to all parents of a class
 * reaches each family privately). Returns the new thread ids. Audited without the text: messages are private.
 */
export async function startThreads(db: DB, actor: Actor, senderId: number, v: NewThread): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const ids: number[] = []
    for (const r of v.recipients) {
      const at = nowIso()
      const t = await trx.insertInto('threads').values({ subject: v.subject, created_by: senderId, created_at: at, last_message_at: at, about_student_id: r.aboutStudentId })
        .returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('thread_participants').values([
        { thread_id: t.id, person_id: senderId, last_read_at: at },
        { thread_id: t.id, person_id: r.personId, last_read_at: null },
      ]).execute()
      const m = await trx.insertInto('messages').values({ thread_id: t.id, sender_id: senderId, body: v.body, created_at: at }).returning('id').executeTakeFirstOrThrow()
      await audit(trx, actor, {
        action: 'message.send', entity: 'message', entityId: m.id,
        after: { thread_id: t.id, new_thread: true, to: [r.personId], about_student_id: r.aboutStudentId, chars: v.body.length },
      })
      ids.push(t.id)
    }
    return ids
  })
}

/** A reply by a participant (the caller has checked that). */
export async function sendReply(db: DB, actor: Actor, senderId: number, threadId: number, body: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const at = nowIso()
    const m = await trx.insertInto('messages').values({ thread_id: threadId, sender_id: senderId, body, created_at: at }).returning('id').executeTakeFirstOrThrow()
    await trx.updateTable('threads').set({ last_message_at: at }).where('id', '=', threadId).execute()
    await trx.updateTable('thread_participants').set({ last_read_at: at }).where('thread_id', '=', threadId).where('person_id', '=', senderId).execute()
    const to = await trx.selectFrom('thread_participants').select('person_id').where('thread_id', '=', threadId).where('person_id', '<>', senderId).execute()
    await audit(trx, actor, { action: 'message.send', entity: 'message', entityId: m.id, after: { thread_id: threadId, new_thread: false, to: to.map((p) => p.person_id), chars: body.length } })
    return m.id
  })
}

/** Is the person one of the thread's participants? */
export async function isParticipant(db: DB, personId: number, threadId: number): Promise<boolean> {
  return !!(await db.selectFrom('thread_participants').select('person_id').where('thread_id', '=', threadId).where('person_id', '=', personId).executeTakeFirst())
}
