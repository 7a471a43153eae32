// Table tests of school days and slot dates (R-TT-1): holidays per grade, validity ranges, weekdays.
import t from 'tap'
import {
  slotDates, schoolDays, isHoliday, bellErrors, canEditTimetable, canReadClass, canReadTeacher, clashKind, defaultValidFrom, lessonDateError,
  lessonDates, lineKey, parseLineKey, parseTime, placesPerCell, readsAllTimetables, shownNumbers, slotChanges, validFromError, weekDates, weekGrid,
  type ExistingSlot, type Who,
} from '../src/features/timetable/timetable.rules.js'

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

t.test('R-ROLE: who reads and edits timetables', async (t) => {
  const who = (roles: Who['roles'], classTeacherOf: number[] = [], personId = 7): Who => ({ personId, roles, classTeacherOf })
  // [user, class 5 taught by them?, reads class 5, reads teacher 7, reads teacher 8, edits]
  const cases: [string, Who | null, number[], boolean, boolean, boolean, boolean][] = [
    ['scheduler', who(['scheduler']), [], true, true, true, true],
    ['admin', who(['admin']), [], true, true, true, false],
    ['director', who(['director']), [], true, true, true, false],
    ['deputy', who(['deputy']), [], true, true, true, false],
    ['teacher of class 5', who(['teacher']), [5], true, true, false, false],
    ['teacher of another class', who(['teacher']), [6], false, true, false, false],
    ['class teacher of 5', who(['teacher'], [5]), [], true, true, false, false],
    ['class teacher of 6', who(['teacher'], [6]), [], false, true, false, false],
    ['clerk', who(['clerk']), [5], false, false, false, false],
    ['student', who(['student']), [5], false, false, false, false],
    ['parent', who(['parent']), [5], false, false, false, false],
    ['nobody', null, [5], false, false, false, false],
  ]
  for (const [name, u, taught, cls, self, other, edit] of cases) {
    t.equal(canReadClass(u, 5, taught), cls, `${name}: class 5`)
    t.equal(canReadTeacher(u, 7), self, `${name}: teacher 7 (themselves)`)
    t.equal(canReadTeacher(u, 8), other, `${name}: teacher 8`)
    t.equal(canEditTimetable(u), edit, `${name}: edits`)
  }
  t.equal(readsAllTimetables(who(['teacher', 'deputy'])), true, 'a teacher who is also the deputy reads all')
})

t.test('R-TT-1: times and bell schedules', async (t) => {
  const times: [string, string | null][] = [['8:30', '08:30'], ['08:30', '08:30'], ['8.30', '08:30'], [' 13:05 ', '13:05'], ['24:00', null], ['12:60', null], ['830', null], ['восемь', null], ['', null]]
  for (const [input, out] of times) t.equal(parseTime(input), out, `«${input}»`)
  const b = (number: number, starts_at: string, ends_at: string) => ({ number, starts_at, ends_at })
  const cases: [string, ReturnType<typeof b>[], number[]][] = [
    ['a usual day', [b(1, '08:30', '09:15'), b(2, '09:25', '10:10'), b(3, '10:30', '11:15')], []],
    ['no break between lessons is allowed', [b(1, '08:30', '09:15'), b(2, '09:15', '10:00')], []],
    ['the order of input does not matter', [b(2, '09:25', '10:10'), b(1, '08:30', '09:15')], []],
    ['a gap in numbers is fine', [b(0, '07:45', '08:25'), b(2, '09:25', '10:10')], []],
    ['end before start', [b(1, '09:15', '08:30')], [1]],
    ['end equal to start', [b(1, '09:15', '09:15')], [1]],
    ['overlap', [b(1, '08:30', '09:15'), b(2, '09:10', '09:55')], [2]],
    ['out of order', [b(1, '10:30', '11:15'), b(2, '08:30', '09:15')], [2]],
    ['several problems', [b(1, '08:30', '08:00'), b(3, '10:00', '10:45'), b(4, '10:40', '11:20')], [1, 4]],
  ]
  for (const [name, bells, bad] of cases) t.same(Object.keys(bellErrors(bells)).map(Number), bad, name)
  t.equal(bellErrors([b(1, '08:30', '09:15'), b(2, '09:10', '09:55')])[2], 'Урок 2 начинается раньше, чем заканчивается урок 1 (09:15).')
})

t.test('R-TT-1,2: clashes at one lesson time', async (t) => {
  const o = (teacherId: number, classId: number | null, groupId: number | null = null) => ({ teacherId, classId, groupId })
  const cases: [string, ReturnType<typeof o>, ReturnType<typeof o>, 'class' | 'teacher' | null][] = [
    ['two classes, two teachers', o(1, 5), o(2, 6), null],
    ['one teacher in two classes', o(1, 5), o(1, 6), 'teacher'],
    ['a class twice', o(1, 5), o(2, 5), 'class'],
    ['the whole class and its subgroup', o(1, 5), o(2, 5, 11), 'class'],
    ['a subgroup and the whole class', o(2, 5, 11), o(1, 5), 'class'],
    ['two subgroups of a class (English 1 and 2)', o(1, 5, 11), o(2, 5, 12), null],
    ['the same subgroup twice', o(1, 5, 11), o(2, 5, 11), 'class'],
    ['one teacher with both subgroups', o(1, 5, 11), o(1, 5, 12), 'teacher'],
    ['a cross-class group and a class', o(1, null, 20), o(2, 5), null],
    ['a cross-class group twice', o(1, null, 20), o(2, null, 20), 'class'],
    ['a substitute with no class of their own', o(1, null), o(1, 5), 'teacher'],
    ['the same line twice reports the class', o(1, 5), o(1, 5), 'class'],
  ]
  for (const [name, a, b, kind] of cases) t.equal(clashKind(a, b), kind, name)
})

t.test('R-TT-1: line keys round-trip; junk is refused', async (t) => {
  for (const l of [{ teacher_id: 3, subject_id: 4, class_id: 5, group_id: null }, { teacher_id: 3, subject_id: 4, class_id: null, group_id: 9 }]) {
    t.same(parseLineKey(lineKey(l)), l, lineKey(l))
  }
  for (const junk of ['', '3.4', '3.4.x5', '3.4.c', 'a.b.c1', '3.4.c5.1', '-3.4.c5']) t.equal(parseLineKey(junk), null, `«${junk}»`)
})

t.test('R-TT-1: a save from a date keeps unchanged slots, closes the rest, opens the new ones', async (t) => {
  const slot = (id: number, weekday: number, lesson_number: number, teacher_id: number, valid_from = '2026-09-01', valid_to: string | null = null): ExistingSlot =>
    ({ id, weekday, lesson_number, teacher_id, subject_id: 1, class_id: 5, group_id: null, valid_from, valid_to })
  const line = (weekday: number, lesson_number: number, teacher_id: number) => ({ weekday, lesson_number, teacher_id, subject_id: 1, class_id: 5, group_id: null })
  const from = '2026-11-23'
  const cases: [string, ExistingSlot[], ReturnType<typeof line>[], number[], number[], number][] = [
    // [name, existing, wanted, kept ids, closed ids, opened count]
    ['nothing changes', [slot(1, 1, 1, 7), slot(2, 2, 1, 7)], [line(1, 1, 7), line(2, 1, 7)], [1, 2], [], 0],
    ['a teacher changes', [slot(1, 1, 1, 7)], [line(1, 1, 8)], [], [1], 1],
    ['a lesson moves to another number', [slot(1, 1, 1, 7)], [line(1, 2, 7)], [], [1], 1],
    ['a cell is emptied', [slot(1, 1, 1, 7), slot(2, 2, 1, 7)], [line(1, 1, 7)], [1], [2], 0],
    ['a first timetable', [], [line(1, 1, 7), line(3, 4, 7)], [], [], 2],
    ['a slot ended before the date is history', [slot(1, 1, 1, 7, '2026-09-01', '2026-10-31')], [line(1, 1, 7)], [], [], 1],
    ['a slot that starts after the date is replaced', [slot(1, 1, 1, 7, '2026-12-01')], [line(1, 1, 7)], [], [1], 1],
    ['a slot ending later is closed and reopened open-ended', [slot(1, 1, 1, 7, '2026-09-01', '2026-12-31')], [line(1, 1, 7)], [], [1], 1],
    ['the same line chosen twice opens once', [], [line(1, 1, 7), line(1, 1, 7)], [], [], 1],
    ['a duplicated old slot keeps one and closes the other', [slot(1, 1, 1, 7), slot(2, 1, 1, 7)], [line(1, 1, 7)], [1], [2], 0],
  ]
  for (const [name, existing, wanted, keep, close, open] of cases) {
    const d = slotChanges(existing, wanted, from)
    t.same([d.keep, d.close.map((c) => c.id), d.open.length], [keep, close, open], name)
    t.equal(d.closeOn, '2026-11-22', `${name}: closed the day before`)
  }
})

t.test('R-TT-1: when a new timetable may start', async (t) => {
  const year = { starts_on: '2026-09-01', ends_on: '2027-08-31' }
  const today = '2026-11-22'
  const cases: [string, string, boolean, RegExp | null][] = [
    ['tomorrow, replacing slots', '2026-11-23', true, null],
    ['today, replacing slots', '2026-11-22', true, /не раньше завтрашнего дня \(23\.11\.2026\)/],
    ['the past, replacing slots', '2026-09-01', true, /не раньше завтрашнего дня/],
    ['the past, a first timetable', '2026-09-01', false, null],
    ['before the year', '2026-08-31', false, /внутри учебного года \(01\.09\.2026 — 31\.08\.2027\)/],
    ['after the year', '2027-09-01', true, /внутри учебного года/],
  ]
  for (const [name, from, closes, err] of cases) {
    const e = validFromError(from, today, year, closes)
    if (err) t.match(e, err, name); else t.equal(e, null, name)
  }
  t.equal(defaultValidFrom('2026-11-22', year), '2026-11-23', 'tomorrow')
  t.equal(defaultValidFrom('2026-08-20', year), '2026-09-01', 'the first day of a year not begun')
  t.equal(defaultValidFrom('2027-08-31', year), '2027-08-31', 'never past the year')
})

t.test('R-TT-1: lesson dates stay inside the study periods of the grade', async (t) => {
  const periods = [{ starts_on: '2026-09-01', ends_on: '2026-10-30' }, { starts_on: '2026-11-09', ends_on: '2026-12-27' }]
  const mon = { weekday: 1, valid_from: '2026-09-01', valid_to: null }
  t.same(lessonDates(mon, periods, '2026-10-19', '2026-11-16', 5, []), ['2026-10-19', '2026-10-26', '2026-11-09', '2026-11-16'], 'the break between periods has none')
  t.same(lessonDates(mon, periods, '2026-10-19', '2026-11-16', 5, HOLIDAYS), ['2026-10-19', '2026-10-26', '2026-11-09', '2026-11-16'])
  t.same(lessonDates(mon, [], '2026-09-01', '2026-12-31', 5, []), [], 'no periods, no lessons')
  t.same(lessonDates({ weekday: 3, valid_from: '2026-12-01', valid_to: '2026-12-20' }, periods, '2026-09-01', '2027-05-31', 5, []),
    ['2026-12-02', '2026-12-09', '2026-12-16'], 'the validity limits the dates')
  t.same(lessonDates(mon, [{ starts_on: '2026-09-01', ends_on: '2026-09-30' }, { starts_on: '2026-09-15', ends_on: '2026-10-06' }], '2026-09-01', '2026-10-31', 5, []),
    ['2026-09-07', '2026-09-14', '2026-09-21', '2026-09-28', '2026-10-05'], 'overlapping periods give each date once')
})

t.test('R-TT-2: dates a transfer or an extra lesson may take', async (t) => {
  const year = { starts_on: '2026-09-01', ends_on: '2027-08-31' }
  const cases: [string, number, RegExp | null][] = [
    ['2026-11-10', 5, null],
    ['2026-11-14', 5, null], // Saturday: six-day schools teach
    ['2026-11-15', 5, /воскресенье/],
    ['2026-11-02', 5, /02\.11\.2026 — каникулы/],
    ['2027-02-16', 1, /каникулы/],
    ['2027-02-16', 2, null],
    ['2026-08-31', 5, /внутри учебного года/],
  ]
  for (const [date, grade, err] of cases) {
    const e = lessonDateError(date, year, grade, HOLIDAYS)
    if (err) t.match(e, err, `${date}, grade ${grade}`); else t.equal(e, null, `${date}, grade ${grade}`)
  }
})

t.test('R-TT-1: week pages — the week of a date, the numbers shown, places per cell, the grid', async (t) => {
  t.same(weekDates('2026-11-25'), ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'])
  t.same(weekDates('2026-11-29'), ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'], 'a Sunday belongs to its week')
  t.same(shownNumbers([], []), [1, 2, 3, 4, 5, 6, 7], 'no bells: 1–7')
  t.same(shownNumbers([{ number: 1 }, { number: 2 }], [5]), [1, 2, 5], 'bells plus numbers in use')
  t.same(shownNumbers([{ number: 0 }, { number: 1 }], [1]), [0, 1])
  const places: [number[], number[], number][] = [[[], [], 1], [[0], [1], 1], [[2], [], 2], [[3, 2], [], 3], [[], [2], 2], [[9], [], 4]]
  for (const [groups, used, n] of places) t.equal(placesPerCell(groups, used), n, `groups ${groups}, used ${used}`)
  const grid = weekGrid(['2026-11-23', '2026-11-24'], [1, 2], [{ date: '2026-11-24', lessonNumber: 2, id: 1 }, { date: '2026-11-24', lessonNumber: 2, id: 2 }, { date: '2026-11-23', lessonNumber: 1, id: 3 }])
  t.same(grid.map((d) => [d.weekday, d.cells.map((c) => c.map((l) => l.id))]), [[1, [[3], []]], [2, [[], [1, 2]]]])
})
