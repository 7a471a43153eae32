// The teachers' council decisions that end a closed year of the demo: promoted, promoted with an academic debt,
// or finished school (the eleventh grade, and the ninth-graders who went on elsewhere).
import { sql, type Kysely } from 'kysely'
import type { Database, PromotionDecision } from '../db/types.js'
import { addDays, weekday } from '../lib/dates.js'
import { isDebt } from '../features/archive-print/archive-print.rules.js'
import { stamp } from './calendar.js'
import { insertMany } from './insert.js'
import type { PlannedYear, SchoolPlan } from './plan.js'

/** The working day on or before the given one. */
function workday(iso: string): string {
  let d = iso
  while (weekday(d) > 5) d = addDays(d, -1)
  return d
}

/** Writes the year's decisions on every student who finished it there; returns how many. */
export async function writeDecisions(db: Kysely<Database>, plan: SchoolPlan, year: PlannedYear): Promise<number> {
  const grade = new Map(plan.rows.classes.filter((c) => c.year_id === year.id).map((c) => [c.id!, c.grade]))
  const debts = new Set((await sql<{ student_id: number; value: string }>`select student_id, value from final_marks
    where year_id = ${year.id} and kind = 'year'`.execute(db)).rows.filter((m) => isDebt(m.value)).map((m) => m.student_id))
  // The council on promotion meets in the last days of May; the ninth and eleventh grades' after their exams in June.
  const endYear = year.plan.endsOn.slice(0, 4)
  const councils = {
    usual: { date: workday(addDays(year.plan.endsOn, -4)), protocol: '8' },
    9: { date: workday(`${endYear}-06-24`), protocol: '9' },
    11: { date: workday(`${endYear}-06-26`), protocol: '10' },
  }
  const rows = plan.rows.enrollments.filter((e) => grade.has(e.class_id)).map((e) => {
    const g = grade.get(e.class_id)!
    const council = g === 9 || g === 11 ? councils[g] : councils.usual
    const decision: PromotionDecision = g === 11 || (g === 9 && plan.leftAfterNine.has(e.student_id)) ? 'graduated'
      : debts.has(e.student_id) ? 'conditional' : 'promoted'
    return {
      year_id: year.id, student_id: e.student_id, decision, council_date: council.date, protocol_number: council.protocol,
      set_by: plan.accounts.deputy, set_at: stamp(council.date, 16 * 60),
    }
  })
  await insertMany(db, 'promotion_decisions', rows)
  return rows.length
}
