// The students of a journal page and the dates each belonged to it: a class's enrollments, or a group's
// membership within an enrollment. A student who arrived or left mid-period appears only for those dates (R-J-1).
import type { DB } from '../../db/connection.js'
import type { Target } from './journal.access.js'

export interface RosterRow {
  studentId: number
  lastName: string
  firstName: string
  middleName: string
  /** The stretches of dates (inclusive) the student belonged to the page within [from, to]. */
  spans: { from: string; to: string }[]
  peExemptUntil: string | null
  studyForm: 'regular' | 'individual' | 'home'
}

/** Students of a page over a date range, ordered as in the paper journal (surname, name). One query. */
export async function pageRoster(db: DB, target: Target, from: string, to: string): Promise<RosterRow[]> {
  const rows = target.classId !== null
    ? await db.selectFrom('enrollments as e')
      .innerJoin('persons as p', 'p.id', 'e.student_id')
      .innerJoin('students as s', 's.person_id', 'e.student_id')
      .select(['e.student_id as studentId', 'p.last_name', 'p.first_name', 'p.middle_name', 's.pe_exempt_until', 's.study_form',
        'e.from_date as f', 'e.to_date as t'])
      .where('e.class_id', '=', target.classId)
      .where('e.from_date', '<=', to)
      .where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', from)]))
      .execute()
    : await db.selectFrom('group_members as m')
      .innerJoin('persons as p', 'p.id', 'm.student_id')
      .innerJoin('students as s', 's.person_id', 'm.student_id')
      .select(['m.student_id as studentId', 'p.last_name', 'p.first_name', 'p.middle_name', 's.pe_exempt_until', 's.study_form',
        'm.from_date as f', 'm.to_date as t'])
      .where('m.group_id', '=', target.groupId)
      .where('m.from_date', '<=', to)
      .where((eb) => eb.or([eb('m.to_date', 'is', null), eb('m.to_date', '>=', from)]))
      .execute()
  const byStudent = new Map<number, RosterRow>()
  for (const r of rows) {
    let row = byStudent.get(r.studentId)
    if (!row) {
      row = { studentId: r.studentId, lastName: r.last_name, firstName: r.first_name, middleName: r.middle_name, spans: [],
        peExemptUntil: r.pe_exempt_until, studyForm: r.study_form }
      byStudent.set(r.studentId, row)
    }
    row.spans.push({ from: r.f < from ? from : r.f, to: r.t === null || r.t > to ? to : r.t })
  }
  return [...byStudent.values()].sort((a, b) =>
    a.lastName.localeCompare(b.lastName, 'ru') || a.firstName.localeCompare(b.firstName, 'ru') || a.studentId - b.studentId)
}

/** Whether the student belonged to the page on that date. */
export function enrolledOn(row: RosterRow, date: string): boolean {
  return row.spans.some((s) => s.from <= date && date <= s.to)
}
