// Queries of roster import and export (R-ORG-5): what validation needs to know, the one-transaction write of
// a confirmed import, and the export table in the template's columns.
import type { DB } from '../../db/connection.js'
import { audit, type Actor } from '../../lib/audit.js'
import { fmtDate, nowIso } from '../../lib/dates.js'
import type { StudentFilter } from './people.form.js'
import { listStudents, parentsOf } from './people.queries.js'
import { className, type StudentScope } from './people.rules.js'
import { headers, normalizeClass, parentKey, studentKey, type ImportContext, type ImportRow, type ParentIn } from './rosters.js'

export async function importContext(db: DB, scope: StudentScope, yearId: number, today: string): Promise<ImportContext> {
  const classes = await db.selectFrom('classes').select(['id', 'grade', 'letter']).where('year_id', '=', yearId).execute()
  const students = await db.selectFrom('persons as p').innerJoin('students as s', 's.person_id', 'p.id')
    .select(['p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date']).execute()
  return {
    classes: new Map(classes.map((c) => [normalizeClass(className(c)), { id: c.id, allowed: scope.all || scope.classIds.includes(c.id) }])),
    existing: new Set(students.map(studentKey)),
    today,
  }
}

/**
 * Writes a confirmed, error-free preview: each student with their first stay and their parents, in one
 * transaction. A parent already in the school (same name and phone or e-mail) is linked, not created again.
 */
export async function writeImport(
  db: DB, actor: Actor, rows: ImportRow[], fromDate: string, reason: 'initial' | 'arrival', fileName: string,
): Promise<{ students: number; parentsCreated: number }> {
  return db.transaction().execute(async (trx) => {
    const known = new Map<string, number>()
    const existing = await trx.selectFrom('parents as pa').innerJoin('persons as p', 'p.id', 'pa.person_id')
      .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.phone', 'p.email']).execute()
    for (const p of existing) if (p.phone || p.email) known.set(parentKey(p), p.id)
    let parentsCreated = 0
    const ts = nowIso()
    const parentId = async (p: ParentIn): Promise<{ id: number; created: boolean }> => {
      const key = parentKey(p)
      // Without a phone or e-mail two namesakes cannot be told apart: such a parent is always a new person.
      const found = p.phone || p.email ? known.get(key) : undefined
      if (found) return { id: found, created: false }
      const row = await trx.insertInto('persons').values({ ...p, created_at: ts }).returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('person_roles').values({ person_id: row.id, role: 'parent' }).execute()
      await trx.insertInto('parents').values({ person_id: row.id }).execute()
      if (p.phone || p.email) known.set(key, row.id)
      parentsCreated++
      return { id: row.id, created: true }
    }
    for (const r of rows) {
      const s = await trx.insertInto('persons').values({ ...r.student, created_at: ts }).returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('person_roles').values({ person_id: s.id, role: 'student' }).execute()
      await trx.insertInto('students').values({ person_id: s.id }).execute()
      const e = await trx.insertInto('enrollments')
        .values({ student_id: s.id, class_id: r.classId!, from_date: fromDate, reason_in: reason }).returning('id').executeTakeFirstOrThrow()
      const parents: { id: number; created: boolean }[] = []
      for (const p of r.parents) {
        const par = await parentId(p)
        await trx.insertInto('parent_links').values({ parent_id: par.id, student_id: s.id, relation: 'parent' })
          .onConflict((oc) => oc.doNothing()).execute()
        parents.push(par)
      }
      await audit(trx, actor, {
        action: 'student.import', entity: 'person', entityId: s.id,
        after: { ...r.student, enrollment: { id: e.id, class_id: r.classId, from_date: fromDate, reason_in: reason }, parents, file: fileName, line: r.line },
      })
    }
    await audit(trx, actor, { action: 'roster.import', entity: 'roster', after: { file: fileName, students: rows.length, parentsCreated } })
    return { students: rows.length, parentsCreated }
  })
}

/** The list as the user filtered it, in the template's columns (so that the file can be imported again). */
export async function exportTable(db: DB, actor: Actor, scope: StudentScope, filter: StudentFilter, today: string, format: string): Promise<string[][]> {
  const students = await listStudents(db, scope, filter, today)
  const table = [headers()]
  for (const s of students) {
    const parents = (await parentsOf(db, s.id)).slice(0, 2)
    const row = [s.classLabel ?? '', s.last_name, s.first_name, s.middle_name, fmtDate(s.birth_date)]
    for (let i = 0; i < 2; i++) {
      const p = parents[i]
      row.push(p?.last_name ?? '', p?.first_name ?? '', p?.middle_name ?? '', p?.phone ?? '', p?.email ?? '')
    }
    table.push(row)
  }
  // Taking personal data out of the system is a read of it, and is logged (R-ACC-5).
  await audit(db, actor, { action: 'roster.export', entity: 'roster', after: { format, students: students.length, filter } })
  return table
}
