// Pure rules of the timetable: which dates are school days, and which dates a weekly slot falls on (R-TT-1).
import { addDays, weekday } from '../../lib/dates.js'

export interface HolidaySpan { starts_on: string; ends_on: string; grade_from: number; grade_to: number }

/** Whether a date is inside a holiday that applies to the grade. */
export function isHoliday(date: string, grade: number, holidays: HolidaySpan[]): boolean {
  return holidays.some((h) => h.starts_on <= date && date <= h.ends_on && h.grade_from <= grade && grade <= h.grade_to)
}

/**
 * The dates in [from, to] on which a weekly slot (weekday 1–6) is taught for a grade: its weekday, inside the
 * slot's validity, not in that grade's holidays. Sundays never; a six-day week is the school's choice.
 */
export function slotDates(
  slot: { weekday: number; valid_from: string; valid_to: string | null },
  from: string, to: string, grade: number, holidays: HolidaySpan[],
): string[] {
  const start = slot.valid_from > from ? slot.valid_from : from
  const end = slot.valid_to !== null && slot.valid_to < to ? slot.valid_to : to
  const out: string[] = []
  if (start > end) return out
  // Step to the first date with the slot's weekday, then week by week.
  let d = addDays(start, (slot.weekday - weekday(start) + 7) % 7)
  for (; d <= end; d = addDays(d, 7)) if (!isHoliday(d, grade, holidays)) out.push(d)
  return out
}

/** The school days (Monday–Saturday or Monday–Friday) of a grade in [from, to], holidays excluded. */
export function schoolDays(from: string, to: string, grade: number, holidays: HolidaySpan[], sixDayWeek = false): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const wd = weekday(d)
    if (wd === 7 || (wd === 6 && !sixDayWeek)) continue
    if (!isHoliday(d, grade, holidays)) out.push(d)
  }
  return out
}
