// Queries of the archive area: the years with their archives, the data of the closing checklist, the closing and
// its archive record, verification results, and the backup attempts (R-ARC-5, R-ARC-6).
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Database } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { assertYearWritable, classesOfYear, getYear, type Year } from '../school/school.queries.js'
import { atYearEnd, type AttemptRow, type ChecklistInput } from './archive.rules.js'

/** The grade taught without marks (the journal refuses marks there too). */
const UNMARKED_GRADE = 1

type Q = DB | Transaction<Database>

export { getYear, type Year }

// ---------------------------------------------------------------------------------------------------------
// Years and their archives

export interface YearArchiveRow {
  id: number; name: string; starts_on: string; ends_on: string; status: 'draft' | 'open' | 'closed'
  archive: null | {
    closedAt: string; closedBy: string; folder: string; manifestSha256: string; verifiedAt: string | null
    electronicKeepUntil: string; paperKeepUntil: string
  }
}

/** Every year, newest first, with its archive when it has been closed. */
export async function yearsWithArchives(db: Q): Promise<YearArchiveRow[]> {
  const rows = await db.selectFrom('academic_years as y')
    .leftJoin('year_archives as a', 'a.year_id', 'y.id')
    .leftJoin('persons as p', 'p.id', 'a.closed_by')
    .select(['y.id', 'y.name', 'y.starts_on', 'y.ends_on', 'y.status', 'a.closed_at', 'a.folder', 'a.manifest_sha256', 'a.verified_at',
      'a.electronic_keep_until', 'a.paper_keep_until', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .orderBy('y.starts_on', 'desc').execute()
  return rows.map((r) => ({
    id: r.id, name: r.name, starts_on: r.starts_on, ends_on: r.ends_on, status: r.status,
    archive: r.closed_at === null ? null : {
      closedAt: r.closed_at, folder: r.folder ?? '', manifestSha256: r.manifest_sha256 ?? '', verifiedAt: r.verified_at,
      electronicKeepUntil: r.electronic_keep_until ?? '', paperKeepUntil: r.paper_keep_until ?? '',
      closedBy: r.last_name === null ? '' : shortName({ last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' }),
    },
  }))
}

export async function yearArchive(db: Q, yearId: number): Promise<YearArchiveRow | null> {
  return (await yearsWithArchives(db)).find((y) => y.id === yearId) ?? null
}

// ---------------------------------------------------------------------------------------------------------
// The closing checklist

/** Everything the checklist looks at, gathered for one year. */
export async function checklistData(db: Q, year: Year): Promise<ChecklistInput> {
  const classes = await classesOfYear(db, year.id)
  const enrolled = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .innerJoin('persons as p', 'p.id', 'e.student_id')
    .select(['e.student_id', 'e.class_id', 'e.from_date', 'e.to_date', 'e.reason_out', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.year_id', '=', year.id).orderBy('e.from_date').execute()
  // The class a student ends the year in (a later enrollment wins over an earlier one).
  const inClass = new Map<number, { id: number; classId: number; name: string }>()
  for (const e of enrolled) {
    if (!atYearEnd(e, year.ends_on)) continue
    inClass.set(e.student_id, { id: e.student_id, classId: e.class_id, name: fullName({ last_name: e.last_name, first_name: e.first_name, middle_name: e.middle_name }) })
  }
  const students = [...inClass.values()]

  // A class's subjects: its curriculum and its workload; a group's subject for the group's members at the year's end.
  // Grade 1 is taught without marks, so its pupils owe no year marks.
  const classSubjects = [
    ...await db.selectFrom('curriculum as x').innerJoin('subjects as s', 's.id', 'x.subject_id').innerJoin('classes as c', 'c.id', 'x.class_id')
      .select(['c.id as class_id', 's.id', 's.name', 's.sort_order']).where('c.year_id', '=', year.id).where('c.grade', '>', UNMARKED_GRADE).execute(),
    ...await db.selectFrom('workload as w').innerJoin('subjects as s', 's.id', 'w.subject_id').innerJoin('classes as c', 'c.id', 'w.class_id')
      .select(['c.id as class_id', 's.id', 's.name', 's.sort_order']).where('c.year_id', '=', year.id).where('c.grade', '>', UNMARKED_GRADE).execute(),
  ]
  const members = await db.selectFrom('group_members as m').innerJoin('groups as g', 'g.id', 'm.group_id').innerJoin('subjects as s', 's.id', 'g.subject_id')
    .select(['m.student_id', 'm.to_date', 's.id', 's.name', 's.sort_order']).where('g.year_id', '=', year.id).where('g.grade', '>', UNMARKED_GRADE).execute()
  const pairs: ChecklistInput['pairs'] = []
  const seen = new Set<string>()
  const add = (studentId: number, s: { id: number; name: string; sort_order: number }) => {
    const k = `${studentId}:${s.id}`
    if (seen.has(k) || !inClass.has(studentId)) return
    seen.add(k)
    pairs.push({ studentId, subjectId: s.id, subject: s.name, subjectOrder: s.sort_order })
  }
  for (const cs of classSubjects) for (const st of students) if (st.classId === cs.class_id) add(st.id, cs)
  for (const m of members) if (m.to_date === null || m.to_date >= year.ends_on) add(m.student_id, m)

  const yearMarks = await db.selectFrom('final_marks').select(['student_id as studentId', 'subject_id as subjectId'])
    .where('year_id', '=', year.id).where('kind', '=', 'year').execute()

  const docs = await db.selectFrom('documents').select(['subject_key', 'number', 'issued_at'])
    .where('year_id', '=', year.id).where('kind', '=', 'summary_sheet').where('superseded_by', 'is', null).execute()
  const sheets = docs.flatMap((d) => {
    const m = /^summary:class:(\d+):year:(\d+)$/.exec(d.subject_key)
    return m && Number(m[2]) === year.id ? [{ classId: Number(m[1]), number: d.number, issuedAt: d.issued_at }] : []
  })

  // The sheet shows final marks and promotion decisions: a change to either after the sheet makes it out of date.
  const changes = await db.selectFrom('final_marks').select(['student_id', sql<string>`max(set_at)`.as('at')])
    .where('year_id', '=', year.id).groupBy('student_id')
    .unionAll(db.selectFrom('promotion_decisions').select(['student_id', sql<string>`max(set_at)`.as('at')]).where('year_id', '=', year.id).groupBy('student_id'))
    .execute()
  const latest = new Map<number, string>()
  for (const c of changes) {
    const classId = inClass.get(c.student_id)?.classId
    if (classId !== undefined && c.at > (latest.get(classId) ?? '')) latest.set(classId, c.at)
  }

  const decided = (await db.selectFrom('promotion_decisions').select('student_id').where('year_id', '=', year.id).execute()).map((r) => r.student_id)
  const pending = await db.selectFrom('final_corrections as fc').innerJoin('final_marks as f', 'f.id', 'fc.final_mark_id')
    .innerJoin('persons as p', 'p.id', 'f.student_id').innerJoin('subjects as s', 's.id', 'f.subject_id')
    .select(['p.last_name', 'p.first_name', 'p.middle_name', 's.name'])
    .where('f.year_id', '=', year.id).where('fc.status', '=', 'pending').orderBy('p.last_name').execute()

  return {
    classes: classes.map((c) => ({ id: c.id, label: c.label })),
    students, pairs, yearMarks, sheets,
    lastFinalChange: [...latest].map(([classId, at]) => ({ classId, at })),
    decided,
    pendingCorrections: pending.map((p) => ({ student: fullName(p), subject: p.name })),
  }
}

// ---------------------------------------------------------------------------------------------------------
// Closing

/** The year's issued documents with a stored PDF, in registry order. */
export async function documentsOfYear(db: Q, yearId: number) {
  return db.selectFrom('documents').select(['id', 'number', 'kind', 'title', 'subject_key', 'issued_at', 'stored_name', 'sha256', 'pages', 'signed', 'superseded_by'])
    .where('year_id', '=', yearId).where('stored_name', 'is not', null).orderBy('id').execute()
}

export async function personName(db: Q, personId: number | null): Promise<string> {
  if (personId === null) return ''
  const p = await db.selectFrom('persons').select(['last_name', 'first_name', 'middle_name']).where('id', '=', personId).executeTakeFirst()
  return p ? fullName(p) : ''
}

export async function schoolName(db: Q): Promise<string> {
  return (await db.selectFrom('school_settings').select('value').where('key', '=', 'school_name').executeTakeFirst())?.value ?? ''
}

/** Marks the year closed (refuses a year already closed); from here on every write to it is refused. */
export async function markClosed(db: DB, actor: Actor, yearId: number): Promise<Year> {
  return db.transaction().execute(async (trx) => {
    const before = await assertYearWritable(trx, yearId)
    await trx.updateTable('academic_years').set({ status: 'closed' }).where('id', '=', yearId).execute()
    await audit(trx, actor, { action: 'archive.close', entity: 'academic_year', entityId: yearId, before: { status: before.status }, after: { status: 'closed' } })
    return before
  })
}

/** The archive could not be written: the year goes back to the state it had, and the reason is recorded. */
export async function reopenAfterFailure(db: DB, actor: Actor, yearId: number, status: 'draft' | 'open', error: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('academic_years').set({ status }).where('id', '=', yearId).where('status', '=', 'closed').execute()
    await audit(trx, actor, { action: 'archive.closeFailed', entity: 'academic_year', entityId: yearId, before: { status: 'closed' }, after: { status, error } })
  })
}

export interface ArchiveRecord {
  yearId: number; closedBy: number; closedAt: string; folder: string; manifestSha256: string; verifiedAt: string
  electronicKeepUntil: string; paperKeepUntil: string; files: number
}

export async function recordArchive(db: DB, actor: Actor, r: ArchiveRecord): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('year_archives').values({
      year_id: r.yearId, closed_by: r.closedBy, closed_at: r.closedAt, folder: r.folder, manifest_sha256: r.manifestSha256,
      verified_at: r.verifiedAt, electronic_keep_until: r.electronicKeepUntil, paper_keep_until: r.paperKeepUntil,
    }).execute()
    await audit(trx, actor, {
      action: 'archive.write', entity: 'year_archive', entityId: r.yearId,
      after: { folder: r.folder, manifestSha256: r.manifestSha256, files: r.files, electronicKeepUntil: r.electronicKeepUntil, paperKeepUntil: r.paperKeepUntil },
    })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Verification

export interface VerifyRecord { ok: boolean; checked: number; problems: { path: string; problem: string }[] }

/** Records a verification: the audit keeps every result; a clean one also moves verified_at. */
export async function recordVerification(db: DB, actor: Actor, yearId: number, v: VerifyRecord): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (v.ok) await trx.updateTable('year_archives').set({ verified_at: nowIso() }).where('year_id', '=', yearId).execute()
    await audit(trx, actor, { action: 'archive.verify', entity: 'year_archive', entityId: yearId, after: v })
  })
}

/** The latest verification of a year's archive, from the audit log. */
export async function lastVerification(db: Q, yearId: number): Promise<(VerifyRecord & { at: string }) | null> {
  const row = await db.selectFrom('audit_log').select(['at', 'after']).where('action', '=', 'archive.verify')
    .where('entity', '=', 'year_archive').where('entity_id', '=', String(yearId)).orderBy('id', 'desc').executeTakeFirst()
  if (!row?.after) return null
  return { at: row.at, ...(JSON.parse(row.after) as VerifyRecord) }
}

// ---------------------------------------------------------------------------------------------------------
// Backups

export async function backupAttempts(db: Q, limit = 40): Promise<AttemptRow[]> {
  return db.selectFrom('backups').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** Every destination's attempts newest first — enough rows to find each one's last good copy. */
export async function attemptsOf(db: Q, destinations: string[]): Promise<AttemptRow[]> {
  if (!destinations.length) return []
  return db.selectFrom('backups').selectAll().where('destination', 'in', destinations).orderBy('started_at', 'desc').limit(500).execute()
}

export async function lastBackupStart(db: Q): Promise<string | null> {
  return (await db.selectFrom('backups').select(sql<string | null>`max(started_at)`.as('at')).executeTakeFirst())?.at ?? null
}
