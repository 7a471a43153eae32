// Table tests of the pure figures of the journal-keeping control report (R-REP-1; R-J-7, R-J-8).
import t from 'tap'
import {
  addStudentTally, addFacts, emptyStudentTally, emptyTally, lessonEnds, lessonFacts, lessonFigures, matchesMetric, pageRefParam,
  parseMetric, parsePageRef, shortfalls, startOfDayAfter, studentFigures, studentTally, type LessonInput,
} from '../src/features/reports/control.rules.js'
import { lastEntryDate, parseDeadline } from '../src/features/journal/journal.rules.js'

const local = (date: string, time: string) => new Date(`${date}T${time}:00`).toISOString()

const lesson = (over: Partial<LessonInput> = {}): LessonInput => ({
  date: '2026-11-10', hasTopic: true, hasHomework: true, homeworkAt: local('2026-11-10', '12:00'), saved: true, hasAbsence: false,
  distance: false, extracurricular: false, unmarked: false, dayEnds: '11:15', ...over,
})

t.test('R-REP-1: the metric and the page of a drill-down link', async (t) => {
  const metrics: [string, string | null][] = [['', 'held'], ['held', 'held'], ['no_topic', 'no_topic'], ['marks_late', 'marks_late'],
    ['no_attendance', 'no_attendance'], ['NO_TOPIC', null], ['topic', null], ['1', null]]
  for (const [raw, want] of metrics) t.equal(parseMetric(raw), want, `metric «${raw}»`)
  const pages: [string, unknown][] = [['', undefined], ['c12', { kind: 'class', id: 12 }], ['g3', { kind: 'group', id: 3 }],
    ['k7', { kind: 'classAll', id: 7 }], ['c0', null], ['x1', null], ['c', null], ['c1 ', null], ['c-1', null], ['12', null]]
  for (const [raw, want] of pages) t.same(parsePageRef(raw), want, `page «${raw}»`)
  for (const p of ['c12', 'g3', 'k7']) t.equal(pageRefParam(parsePageRef(p)!), p, `${p} round-trips`)
})

t.test('R-REP-1, R-J-7: what a held lesson lacks', async (t) => {
  const grace = 120 // homework by 11:15 + 2 h = 13:15
  const cases: [string, Partial<LessonInput>, number, number, string[]][] = [
    ['everything in order', {}, 3, 0, []],
    ['no topic', { hasTopic: false }, 0, 0, ['no_topic']],
    ['no homework', { hasHomework: false, homeworkAt: null }, 0, 0, ['no_homework']],
    ['homework at 13:15 is on time', { homeworkAt: local('2026-11-10', '13:15') }, 0, 0, []],
    ['homework at 13:16 is late', { homeworkAt: local('2026-11-10', '13:16') }, 0, 0, ['homework_late']],
    ['homework written the day before is on time', { homeworkAt: local('2026-11-09', '18:00') }, 0, 0, []],
    ['homework the next morning is late', { homeworkAt: local('2026-11-11', '07:00') }, 0, 0, ['homework_late']],
    ['homework without an entry time counts as late', { homeworkAt: null }, 0, 0, ['homework_late']],
    ['late marks', {}, 5, 2, ['marks_late']],
    ['not saved, no «н»: attendance not recorded', { saved: false }, 0, 0, ['no_attendance']],
    ['not saved but an «н»: recorded', { saved: false, hasAbsence: true }, 0, 0, []],
    ['distance lesson: no attendance due', { saved: false, distance: true }, 0, 0, []],
    ['extracurricular: neither homework nor attendance nor marks', { hasHomework: false, saved: false, extracurricular: true }, 2, 1, []],
    ['all at once', { hasTopic: false, hasHomework: false, homeworkAt: null, saved: false }, 1, 1, ['no_topic', 'no_homework', 'marks_late', 'no_attendance']],
  ]
  for (const [name, over, marks, late, want] of cases) {
    const f = lessonFacts(lesson(over), grace, marks, late)
    t.same(shortfalls(f), want, name)
    t.ok(matchesMetric('held', f), `${name}: every held lesson is in «held»`)
    for (const m of want) t.ok(matchesMetric(m as never, f), `${name}: listed under ${m}`)
  }
  const unmarked = lessonFacts(lesson({ unmarked: true }), grace, 3, 1)
  t.same([unmarked.marksDue, unmarked.marks, unmarked.lateMarks], [false, 0, 0], 'grade 1: no marks are due or counted')
})

t.test('R-J-6: from when a mark is late, by its kind of work', async (t) => {
  t.equal(startOfDayAfter('2026-11-10'), local('2026-11-11', '00:00'))
  t.equal(startOfDayAfter('2026-12-31'), local('2027-01-01', '00:00'), 'over the year end')
  // [rule, lesson date, next lesson, the last day marks are in time]
  const cases: [string, string, string | null, string][] = [
    ['same_day', '2026-11-10', '2026-11-12', '2026-11-10'],
    ['next_lesson', '2026-11-10', '2026-11-12', '2026-11-12'],
    ['next_lesson', '2026-11-10', null, '2026-11-17'], // no next lesson yet: the default week
    ['days:3', '2026-11-13', '2026-11-16', '2026-11-16'],
    ['days:10', '2026-11-10', null, '2026-11-20'],
  ]
  for (const [rule, date, next, lastDay] of cases) {
    const from = startOfDayAfter(lastEntryDate(date, parseDeadline(rule), next, 7))
    // Stamps compare as strings: the last minute of the last day is in time, the next midnight is late.
    t.ok(local(lastDay, '23:59') < from, `${rule}, lesson ${date}, next ${next}: ${lastDay} 23:59 is in time`)
    t.equal(from, startOfDayAfter(lastDay), `${rule}, lesson ${date}, next ${next}: late from the midnight after ${lastDay}`)
  }
})

t.test('R-J-7: the end of the class\'s last lesson of the day', async (t) => {
  const bells = new Map([[1, '09:15'], [2, '10:10'], [3, '11:15']])
  t.equal(lessonEnds(bells, 2), '10:10')
  t.equal(lessonEnds(bells, 5), '11:15', 'a lesson without a bell: the last earlier bell')
  t.equal(lessonEnds(new Map(), 2), '23:59', 'no bells at all: the end of the day')
})

t.test('R-REP-1: lesson percentages of a row', async (t) => {
  // 10 lessons, 7 with homework, 5 on time; 8 with topic; 20 marks, 3 late; attendance due on 9, recorded on 6.
  const tally = { ...emptyTally(), held: 10, topic: 8, homeworkDue: 10, homework: 7, homeworkOnTime: 5, attendanceDue: 9, attendance: 6, marks: 20, lateMarks: 3, marksDue: 10 }
  t.same(lessonFigures(tally), { held: 10, topic: 80, homework: 70, homeworkOnTime: 50, marksOnTime: 85, attendance: 66.7 })
  t.same(lessonFigures(emptyTally()), { held: 0, topic: null, homework: null, homeworkOnTime: null, marksOnTime: null, attendance: null },
    'nothing to count: «—», not 0 %')
  const sum = emptyTally()
  addFacts(sum, lessonFacts(lesson(), 120, 4, 1))
  addFacts(sum, lessonFacts(lesson({ hasTopic: false, saved: false, distance: true }), 120, 0, 0))
  t.same(sum, { held: 2, topic: 1, homeworkDue: 2, homework: 2, homeworkOnTime: 2, attendanceDue: 1, attendance: 1, marks: 4, lateMarks: 1, marksDue: 2 })
})

t.test('R-REP-1, R-J-8: students without marks, with one, 4+ lessons without one, marks per lesson', async (t) => {
  const dates = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13']
  const all = [{ from: '2026-11-01', to: '2026-11-30' }]
  const tally = studentTally(dates, [
    { id: 1, spans: all, marks: 3, last: 4 }, // marked in the last lesson
    { id: 2, spans: all, marks: 1, last: 1 }, // one mark, 3 lessons since: not yet 4
    { id: 3, spans: all, marks: 0, last: -1 }, // none: 5 lessons without
    { id: 4, spans: [{ from: '2026-11-12', to: '2026-11-30' }], marks: 0, last: -1 }, // arrived Thursday: 2 lessons, none
    { id: 5, spans: [{ from: '2026-09-01', to: '2026-11-06' }], marks: 0, last: -1 }, // left before the week: not counted
    { id: 6, spans: [{ from: '2026-11-09', to: '2026-11-09' }, { from: '2026-11-12', to: '2026-11-13' }], marks: 1, last: 0 }, // away Tue–Wed
  ])
  t.same([...tally.students], [1, 2, 3, 4, 6])
  t.same([...tally.none], [3, 4])
  t.same([...tally.one], [2, 6])
  t.same([...tally.stale], [3], 'only a student on 4+ lessons since the last mark (6 was on 2 since)')
  // marks 3 + 1 + 0 + 0 + 1 = 5; student-lessons 5 + 5 + 5 + 2 + 3 = 20 → 25,0 %
  t.same(studentFigures(tally), { students: 5, none: 2, one: 2, marksShare: 25, stale: 1 })
  t.same(studentFigures(studentTally(dates, [])), { students: 0, none: 0, one: 0, marksShare: null, stale: 0 })

  // A class joins its subjects: a student short in two subjects counts once.
  const cls = emptyStudentTally()
  addStudentTally(cls, studentTally(['2026-11-10'], [{ id: 1, spans: all, marks: 0, last: -1 }, { id: 2, spans: all, marks: 1, last: 0 }]))
  addStudentTally(cls, studentTally(['2026-11-11'], [{ id: 1, spans: all, marks: 0, last: -1 }, { id: 2, spans: all, marks: 2, last: 0 }]))
  t.same(studentFigures(cls), { students: 2, none: 1, one: 1, marksShare: 75, stale: 0 }, '3 marks of 4 student-lessons')
})
