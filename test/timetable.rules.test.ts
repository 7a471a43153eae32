// Table tests of school days and slot dates (R-TT-1): holidays per grade, validity ranges, weekdays.
import t from 'tap'
import { slotDates, schoolDays, isHoliday } from '../src/features/timetable/timetable.rules.js'

const HOLIDAYS = [
  { starts_on: '2026-10-31', ends_on: '2026-11-08', grade_from: 1, grade_to: 11 }, // autumn
  { starts_on: '2027-02-15', ends_on: '2027-02-21', grade_from: 1, grade_to: 1 }, // extra week for grade 1
]

t.test('holidays apply to their grades only', async (t) => {
  t.equal(isHoliday('2026-11-02', 5, HOLIDAYS), true)
  t.equal(isHoliday('2027-02-16', 1, HOLIDAYS), true)
  t.equal(isHoliday('2027-02-16', 2, HOLIDAYS), false)
  t.equal(isHoliday('2026-11-09', 5, HOLIDAYS), false)
})

t.test('a weekly slot falls on its weekday, inside its validity, outside holidays', async (t) => {
  const mon = { weekday: 1, valid_from: '2026-09-01', valid_to: null }
  t.same(slotDates(mon, '2026-10-26', '2026-11-16', 5, HOLIDAYS), ['2026-10-26', '2026-11-09', '2026-11-16'], 'the holiday Monday is skipped')
  t.same(slotDates({ weekday: 3, valid_from: '2026-11-10', valid_to: '2026-11-20' }, '2026-11-01', '2026-11-30', 5, HOLIDAYS), ['2026-11-11', '2026-11-18'])
  t.same(slotDates({ weekday: 2, valid_from: '2026-12-01', valid_to: null }, '2026-11-01', '2026-11-30', 5, HOLIDAYS), [], 'not yet valid')
  t.same(slotDates({ weekday: 1, valid_from: '2027-02-01', valid_to: null }, '2027-02-01', '2027-02-28', 1, HOLIDAYS), ['2027-02-01', '2027-02-08', '2027-02-22'])
  t.same(slotDates({ weekday: 1, valid_from: '2027-02-01', valid_to: null }, '2027-02-01', '2027-02-28', 2, HOLIDAYS), ['2027-02-01', '2027-02-08', '2027-02-15', '2027-02-22'])
  t.same(slotDates({ weekday: 6, valid_from: '2026-09-01', valid_to: null }, '2026-09-01', '2026-09-14', 9, []), ['2026-09-05', '2026-09-12'], 'Saturday slots exist in six-day schools')
})

t.test('school days of a week', async (t) => {
  t.same(schoolDays('2026-11-02', '2026-11-15', 5, HOLIDAYS), ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'])
  t.equal(schoolDays('2026-11-09', '2026-11-15', 5, HOLIDAYS, true).length, 6)
})
