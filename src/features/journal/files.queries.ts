// Files attached to a lesson or its homework: stored under DATA_DIR/files with a random name and their
// sha256, listed, removed by marking (the file stays on disk), and who of a family may download one (R-J-2).
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { shortName } from '../auth/auth.queries.js'
import type { CurrentUser } from '../auth/auth.queries.js'
import { assertYearWritable, classLabel } from '../school/school.queries.js'
import type { Purpose } from './files.rules.js'

export function filesDir(dataDir: string): string {
  return path.join(dataDir, 'files')
}

/** Where a stored file lives; the name comes from our own table, basename() is a second guard. */
export function storedPath(dataDir: string, storedName: string): string {
  return path.join(filesDir(dataDir), path.basename(storedName))
}

/** What the files page says about its lesson: class or group, subject, date, number, teacher. */
export async function lessonHeading(db: DB, lessonId: number) {
  const l = await db.selectFrom('lessons as l')
    .innerJoin('subjects as s', 's.id', 'l.subject_id')
    .innerJoin('persons as t', 't.id', 'l.teacher_id')
    .leftJoin('classes as c', 'c.id', 'l.class_id')
    .leftJoin('groups as g', 'g.id', 'l.group_id')
    .innerJoin('academic_years as y', 'y.id', 'l.year_id')
    .select(['l.id', 'l.year_id', 'y.name as yearName', 'y.status as yearStatus', 'l.date', 'l.lesson_number', 'l.status', 'l.homework', 's.name as subject', 'c.grade', 'c.letter',
      'g.name as groupName', 't.last_name', 't.first_name', 't.middle_name'])
    .where('l.id', '=', lessonId).executeTakeFirst()
  if (!l) return null
  return {
    id: l.id, yearId: l.year_id, yearName: l.yearName, yearClosed: l.yearStatus === 'closed', date: l.date, number: l.lesson_number, status: l.status, homework: l.homework, subject: l.subject,
    target: l.grade !== null && l.letter !== null ? classLabel(l.grade, l.letter) : (l.groupName ?? ''),
    teacher: shortName(l),
  }
}

/** The lesson's files not removed, lesson materials first, in upload order. */
export async function filesOfLesson(db: DB, lessonId: number) {
  const rows = await db.selectFrom('attachments as a')
    .innerJoin('persons as p', 'p.id', 'a.uploaded_by')
    .select(['a.id', 'a.purpose', 'a.file_name', 'a.size', 'a.uploaded_at', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('a.lesson_id', '=', lessonId).where('a.removed_at', 'is', null)
    .orderBy('a.purpose', 'desc').orderBy('a.uploaded_at').orderBy('a.id')
    .execute()
  return rows.map((r) => ({ id: r.id, purpose: r.purpose, fileName: r.file_name, size: r.size, uploadedAt: r.uploaded_at, by: shortName(r) }))
}

export async function attachmentById(db: DB, id: number) {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface NewFile { purpose: Purpose; name: string; ext: string; mime: string; data: Buffer }

/**
 * Saves the file to disk, then records it with its audit row in one transaction; if the record cannot be
 * written (a closed year, anything else) the file just written is taken away again, so a refused upload
 * leaves nothing behind.
 */
export async function storeFile(db: DB, actor: Actor, dataDir: string, lesson: { id: number; yearId: number }, f: NewFile): Promise<number> {
  const storedName = `${randomBytes(16).toString('hex')}.${f.ext}`
  const sha256 = createHash('sha256').update(f.data).digest('hex')
  const file = storedPath(dataDir, storedName)
  await assertYearWritable(db, lesson.yearId)
  await mkdir(filesDir(dataDir), { recursive: true })
  await writeFile(file, f.data, { flag: 'wx', mode: 0o640 })
  try {
    return await db.transaction().execute(async (trx) => {
      await assertYearWritable(trx, lesson.yearId)
      const row = {
        lesson_id: lesson.id, purpose: f.purpose, file_name: f.name, stored_name: storedName, mime: f.mime, size: f.data.length,
        sha256, uploaded_by: actor.personId!, uploaded_at: nowIso(),
      }
      const { id } = await trx.insertInto('attachments').values(row).returning('id').executeTakeFirstOrThrow()
      await audit(trx, actor, { action: 'files.upload', entity: 'attachment', entityId: id, after: row })
      return id
    })
  } catch (e) {
    await unlink(file).catch(() => undefined)
    throw e
  }
}

/** Marks a file removed (families and staff no longer see it); the file itself stays on disk for the record. */
export async function removeFile(db: DB, actor: Actor, attachmentId: number, yearId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const before = await trx.selectFrom('attachments').selectAll().where('id', '=', attachmentId).executeTakeFirstOrThrow()
    if (before.removed_at) return
    const removed_at = nowIso()
    await trx.updateTable('attachments').set({ removed_at }).where('id', '=', attachmentId).execute()
    await audit(trx, actor, { action: 'files.remove', entity: 'attachment', entityId: attachmentId, before, after: { ...before, removed_at } })
  })
}

/**
 * Whether a student or parent may download a file: only a homework file, not removed, of a lesson of a
 * class or group that the student (or the parent's child) belonged to on the lesson's date. The diary
 * links its homework files through /journal/files/:id, which asks this for families (R-ACC-2).
 */
export async function canFamilyDownload(db: DB, user: Pick<CurrentUser, 'personId' | 'roles'>, attachmentId: number): Promise<boolean> {
  const a = await db.selectFrom('attachments as a')
    .innerJoin('lessons as l', 'l.id', 'a.lesson_id')
    .select(['a.purpose', 'a.removed_at', 'l.date', 'l.class_id', 'l.group_id'])
    .where('a.id', '=', attachmentId).executeTakeFirst()
  if (!a || a.purpose !== 'homework' || a.removed_at !== null) return false
  const students: number[] = []
  if (user.roles.includes('student')) students.push(user.personId)
  if (user.roles.includes('parent')) {
    const kids = await db.selectFrom('parent_links').select('student_id').where('parent_id', '=', user.personId).execute()
    students.push(...kids.map((k) => k.student_id))
  }
  if (!students.length) return false
  const found = a.class_id !== null
    ? await db.selectFrom('enrollments').select('id').where('class_id', '=', a.class_id)
      .where('student_id', 'in', students).where('from_date', '<=', a.date)
      .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', a.date)])).executeTakeFirst()
    : await db.selectFrom('group_members').select('student_id').where('group_id', '=', a.group_id!)
      .where('student_id', 'in', students).where('from_date', '<=', a.date)
      .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', a.date)])).executeTakeFirst()
  return found !== undefined
}
