// Announcements (R-D-3): what a student's family and the staff see, newest first; publishing and withdrawing them.
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import type { AnnouncementTarget } from './messages.rules.js'

export interface AnnouncementView {
  id: number
  scope: 'school' | 'grade' | 'class'
  title: string
  body: string
  created_at: string
  authorName: string
}

/** Current announcements for the class a student is enrolled in today (none withdrawn or expired). */
export async function announcementsForStudent(db: DB, studentId: number, today: string, limit = 20): Promise<AnnouncementView[]> {
  const cls = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['c.id', 'c.grade'])
    .where('e.student_id', '=', studentId).where('e.from_date', '<=', today)
    .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', today)]))
    .executeTakeFirst()
  const rows = await db.selectFrom('announcements as a').innerJoin('persons as p', 'p.id', 'a.author_id')
    .select(['a.id', 'a.scope', 'a.title', 'a.body', 'a.created_at', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('a.withdrawn_at', 'is', null)
    .where((eb) => eb.or([eb('a.visible_until', 'is', null), eb('a.visible_until', '>=', today)]))
    .where((eb) => {
      const scopes = [eb('a.scope', '=', 'school')]
      if (cls) scopes.push(eb.and([eb('a.scope', '=', 'grade'), eb('a.grade', '=', cls.grade)]), eb.and([eb('a.scope', '=', 'class'), eb('a.class_id', '=', cls.id)]))
      return eb.or(scopes)
    })
    .orderBy('a.created_at', 'desc').limit(limit).execute()
  return rows.map((r) => ({
    id: r.id, scope: r.scope, title: r.title, body: r.body, created_at: r.created_at,
    authorName: `${r.last_name} ${r.first_name[0]}.${r.middle_name ? ` ${r.middle_name[0]}.` : ''}`,
  }))
}

// ---- The announcements page and the announcing staff ------------------------------------------------------

export interface AnnouncementRow extends AnnouncementView {
  author_id: number
  grade: number | null
  classLabel: string | null
  visible_until: string | null
}

/**
 * Current announcements (not withdrawn, not past their last day) newest first: every one for staff ('all'),
 * otherwise the school's and those of the given classes and their grades (a family's classes).
 */
export async function announcementsList(db: DB, reach: 'all' | readonly number[], today: string, page: number, pageSize: number): Promise<{ rows: AnnouncementRow[]; more: boolean }> {
  const classes = reach === 'all' ? [] : reach.length ? await db.selectFrom('classes').select(['id', 'grade']).where('id', 'in', [...reach]).execute() : []
  const rows = await db.selectFrom('announcements as a').innerJoin('persons as p', 'p.id', 'a.author_id')
    .leftJoin('classes as c', 'c.id', 'a.class_id')
    .select(['a.id', 'a.scope', 'a.title', 'a.body', 'a.created_at', 'a.author_id', 'a.grade', 'a.visible_until', 'c.grade as c_grade', 'c.letter as c_letter',
      'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('a.withdrawn_at', 'is', null)
    .where((eb) => eb.or([eb('a.visible_until', 'is', null), eb('a.visible_until', '>=', today)]))
    .$if(reach !== 'all', (q) => q.where((eb) => {
      const scopes = [eb('a.scope', '=', 'school')]
      if (classes.length) {
        scopes.push(eb.and([eb('a.scope', '=', 'grade'), eb('a.grade', 'in', [...new Set(classes.map((c) => c.grade))])]))
        scopes.push(eb.and([eb('a.scope', '=', 'class'), eb('a.class_id', 'in', classes.map((c) => c.id))]))
      }
      return eb.or(scopes)
    }))
    .orderBy('a.created_at', 'desc').orderBy('a.id', 'desc')
    .limit(pageSize + 1).offset((page - 1) * pageSize).execute()
  return {
    more: rows.length > pageSize,
    rows: rows.slice(0, pageSize).map((r) => ({
      id: r.id, scope: r.scope, title: r.title, body: r.body, created_at: r.created_at, author_id: r.author_id, grade: r.grade,
      visible_until: r.visible_until, classLabel: r.c_grade === null ? null : `${r.c_grade}${r.c_letter}`,
      authorName: `${r.last_name} ${r.first_name[0]}.${r.middle_name ? ` ${r.middle_name[0]}.` : ''}`,
    })),
  }
}

/** The grades that have classes in a year not yet closed (the choices of a grade announcement). */
export async function openGrades(db: DB): Promise<number[]> {
  const rows = await db.selectFrom('classes').select('grade').distinct()
    .where('year_id', 'in', db.selectFrom('academic_years').select('id').where('status', '<>', 'closed')).orderBy('grade').execute()
  return rows.map((r) => r.grade)
}

export async function classesById(db: DB, ids: readonly number[]): Promise<{ id: number; label: string }[]> {
  if (!ids.length) return []
  const rows = await db.selectFrom('classes').select(['id', 'grade', 'letter']).where('id', 'in', [...ids]).orderBy('grade').orderBy('letter').execute()
  return rows.map((r) => ({ id: r.id, label: `${r.grade}${r.letter}` }))
}

export async function announcementById(db: DB, id: number) {
  return db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface NewAnnouncement {
  target: AnnouncementTarget
  title: string
  body: string
  visibleUntil: string | null
}

export async function createAnnouncement(db: DB, actor: Actor, authorId: number, v: NewAnnouncement): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = {
      author_id: authorId, scope: v.target.scope, grade: v.target.scope === 'grade' ? v.target.grade : null,
      class_id: v.target.scope === 'class' ? v.target.classId : null, title: v.title, body: v.body, created_at: nowIso(), visible_until: v.visibleUntil,
    }
    const a = await trx.insertInto('announcements').values(row).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'announcement.create', entity: 'announcement', entityId: a.id, after: row })
    return a.id
  })
}

/** Withdrawing keeps the row (it is only hidden); false when it was already withdrawn. */
export async function withdrawAnnouncement(db: DB, actor: Actor, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const at = nowIso()
    const r = await trx.updateTable('announcements').set({ withdrawn_at: at }).where('id', '=', id).where('withdrawn_at', 'is', null).executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) return false
    await audit(trx, actor, { action: 'announcement.withdraw', entity: 'announcement', entityId: id, before: { withdrawn_at: null }, after: { withdrawn_at: at } })
    return true
  })
}
