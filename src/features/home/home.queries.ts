// What the start page shows: a family's children and their classes; a class teacher's classes.
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'

export interface ChildRow { personId: number; name: string; classLabel: string | null; classTeacher: string | null }

/** The children of a parent (or the student themself), with their current class. Scoped to the asking person. */
export async function familyOf(db: DB, personId: number, today: string): Promise<ChildRow[]> {
  const rows = await db
    .selectFrom('persons as s')
    .leftJoin('enrollments as e', (j) => j.onRef('e.student_id', '=', 's.id').on('e.from_date', '<=', today)
      .on((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', today)])))
    .leftJoin('classes as c', 'c.id', 'e.class_id')
    .leftJoin('persons as ct', 'ct.id', 'c.class_teacher_id')
    .select(['s.id as personId', 's.last_name', 's.first_name', 'c.grade', 'c.letter',
      sql<string | null>`ct.last_name || ' ' || ct.first_name || ' ' || ct.middle_name`.as('classTeacher')])
    .where((eb) => eb.or([
      eb('s.id', 'in', eb.selectFrom('parent_links').select('student_id').where('parent_id', '=', personId)),
      eb.and([eb('s.id', '=', personId), eb.exists(eb.selectFrom('students').select('person_id').where('person_id', '=', personId))]),
    ]))
    .orderBy('s.last_name').orderBy('s.first_name')
    .execute()
  return rows.map((r) => ({
    personId: r.personId,
    name: `${r.last_name} ${r.first_name}`,
    classLabel: r.grade === null ? null : `${r.grade}${r.letter}`,
    classTeacher: r.classTeacher,
  }))
}

export async function classLabels(db: DB, classIds: number[]): Promise<{ id: number; label: string }[]> {
  if (!classIds.length) return []
  const rows = await db.selectFrom('classes').select(['id', 'grade', 'letter']).where('id', 'in', classIds).orderBy('grade').orderBy('letter').execute()
  return rows.map((r) => ({ id: r.id, label: `${r.grade}${r.letter}` }))
}
