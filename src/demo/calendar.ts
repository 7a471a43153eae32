// The demo school's academic year around a given day: periods per grade band and the usual holidays.
import { addDays, weekday } from '../lib/dates.js'
import type { PeriodScheme } from '../db/types.js'

export interface YearPlan {
  startYear: number
  name: string
  startsOn: string
  endsOn: string
  adaptationEndsOn: string
  bands: { gradeFrom: number; gradeTo: number; scheme: PeriodScheme }[]
  periods: { scheme: PeriodScheme; number: number; startsOn: string; endsOn: string }[]
  holidays: { name: string; startsOn: string; endsOn: string; gradeFrom: number; gradeTo: number }[]
}

/** The Saturday that falls within the week starting on the given day. */
function saturdayFrom(iso: string): string {
  return addDays(iso, (6 - weekday(iso) + 7) % 7)
}

/**
 * The year that 'today' belongs to: from August on, schools already work in the coming year, so
 * 2026-08-15 and 2026-11-22 give 2026/2027, while 2027-03-01 gives 2026/2027 too.
 */
export function academicYear(today: string): YearPlan {
  const [y, m] = today.split('-').map(Number)
  const start = m >= 8 ? y : y - 1
  const next = start + 1
  const iso = (year: number, mmdd: string) => `${year}-${mmdd}`

  // Nine days from a Saturday to the Sunday a week later, as the ministry's recommended calendar has it;
  // winter holidays span the New Year break, and first-graders get an extra week in mid-February.
  const autumnFrom = saturdayFrom(iso(start, '10-25'))
  const autumnTo = addDays(autumnFrom, 8)
  const winterFrom = iso(start, '12-31')
  const winterTo = iso(next, '01-11')
  const springFrom = saturdayFrom(iso(next, '03-22'))
  const springTo = addDays(springFrom, 8)
  const febFrom = addDays(iso(next, '02-15'), 1 - weekday(iso(next, '02-15')))
  const febTo = addDays(febFrom, 6)

  const startsOn = iso(start, '09-01')
  const endsOn = iso(next, '05-31')
  return {
    startYear: start,
    name: `${start}/${next}`,
    startsOn,
    endsOn,
    adaptationEndsOn: iso(start, '09-15'),
    bands: [
      { gradeFrom: 1, gradeTo: 9, scheme: 'quarter' },
      { gradeFrom: 10, gradeTo: 11, scheme: 'half' },
    ],
    periods: [
      { scheme: 'quarter', number: 1, startsOn, endsOn: addDays(autumnFrom, -1) },
      { scheme: 'quarter', number: 2, startsOn: addDays(autumnTo, 1), endsOn: addDays(winterFrom, -1) },
      { scheme: 'quarter', number: 3, startsOn: addDays(winterTo, 1), endsOn: addDays(springFrom, -1) },
      { scheme: 'quarter', number: 4, startsOn: addDays(springTo, 1), endsOn },
      { scheme: 'half', number: 1, startsOn, endsOn: addDays(winterFrom, -1) },
      { scheme: 'half', number: 2, startsOn: addDays(winterTo, 1), endsOn },
    ],
    holidays: [
      { name: 'Осенние каникулы', startsOn: autumnFrom, endsOn: autumnTo, gradeFrom: 1, gradeTo: 11 },
      { name: 'Зимние каникулы', startsOn: winterFrom, endsOn: winterTo, gradeFrom: 1, gradeTo: 11 },
      { name: 'Дополнительные каникулы для 1 классов', startsOn: febFrom, endsOn: febTo, gradeFrom: 1, gradeTo: 1 },
      { name: 'Весенние каникулы', startsOn: springFrom, endsOn: springTo, gradeFrom: 1, gradeTo: 11 },
    ],
  }
}

/**
 * A timestamp at a school wall-clock time: the date and minutes after local midnight, in the server's time
 * zone — the one the app shows times in and checks deadlines against.
 */
export function stamp(date: string, minutes: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y, m - 1, d, 0, minutes).toISOString()
}
