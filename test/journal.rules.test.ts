// Table tests of the journal rules; cases from the regulations [002 §7.13–7.15, §8.1; 001 App.1 §2.2, §2.4].
import t from 'tap'
import {
  parseCell, markNumbers, lastEntryDate, checkEntryTime, inAdaptation, lowMarkWarnings, absenceBlocked,
  homeworkOnTime, lessonsWithoutMark, parseDeadline, formatCell,
} from '../src/features/journal/journal.rules.js'

t.test('R-J-4 a cell as a teacher writes it on paper', async (t) => {
  const two = { columns: 2, unmarked: false }
  const cases: [string, { columns: number; unmarked: boolean }, unknown][] = [
    ['', two, { absent: false, marks: [] }],
    ['5', two, { absent: false, marks: ['5'] }],
    [' 4/5 ', two, { absent: false, marks: ['4/5'] }],
    ['4\\5', two, { absent: false, marks: ['4/5'] }],
    ['5 4', two, { absent: false, marks: ['5', '4'] }],
    ['5,4', two, { absent: false, marks: ['5', '4'] }],
    ['н', two, { absent: true, marks: [] }],
    ['Н', two, { absent: true, marks: [] }],
    ['y', two, { absent: true, marks: [] }],
    ['6', two, 'badToken'],
    ['0', two, 'badToken'],
    ['4/6', two, 'badToken'],
    ['5+', two, 'badToken'],
    ['отл', two, 'badToken'],
    ['н 5', two, 'absentWithMarks'],
    ['5 4 3', two, 'tooManyMarks'],
    ['5', { columns: 0, unmarked: false }, 'noMarkColumns'],
    ['5', { columns: 1, unmarked: true }, 'gradeOneNoMarks'],
    ['н', { columns: 0, unmarked: true }, { absent: true, marks: [] }],
  ]
  for (const [input, opts, want] of cases) {
    const r = parseCell(input, opts)
    if (typeof want === 'string') t.same(r, { ok: false, error: want }, `«${input}» → ${want}`)
    else t.same(r, { ok: true, cell: want }, `«${input}»`)
  }
  t.same(markNumbers('4/5'), [4, 5])
  t.equal(formatCell({ absent: false, marks: ['5', '4/5'] }), '5 4/5')
  t.equal(formatCell({ absent: true, marks: [] }), 'н')
})

t.test('R-J-6 checking deadlines by kind of work', async (t) => {
  const cases: [string, string, string | null, string][] = [
    // kind rule, lesson date, next lesson, last allowed date
    ['same_day', '2026-10-05', '2026-10-07', '2026-10-05'], // oral answer: the same day
    ['next_lesson', '2026-10-05', '2026-10-07', '2026-10-07'], // written work: by the next lesson
    ['next_lesson', '2026-10-05', null, '2026-10-12'], // no next lesson yet: the default week
    ['days:7', '2026-10-05', null, '2026-10-12'], // creative work, Russian/literature 5–9
    ['days:10', '2026-10-05', null, '2026-10-15'], // essays 10–11
    ['days:3', '2026-10-30', null, '2026-11-02'], // internal control work, over a month end
  ]
  for (const [rule, lesson, next, want] of cases) t.equal(lastEntryDate(lesson, parseDeadline(rule), next), want, `${rule} after ${lesson}`)
  t.throws(() => parseDeadline('whenever'))
})

t.test('R-J-6 no marks for the future, none «задним числом» after the deadline', async (t) => {
  const cases: [string, string, string | null, unknown][] = [
    ['2026-10-05', '2026-10-06', '2026-10-06', { ok: false, reason: 'future' }],
    ['2026-10-05', '2026-10-05', '2026-10-05', { ok: true }],
    ['2026-10-06', '2026-10-05', '2026-10-05', { ok: false, reason: 'late', deadline: '2026-10-05' }],
    ['2026-10-12', '2026-10-05', '2026-10-12', { ok: true }],
    ['2026-10-13', '2026-10-05', '2026-10-12', { ok: false, reason: 'late', deadline: '2026-10-12' }],
    ['2026-12-01', '2026-10-05', null, { ok: true }], // absences have no deadline, only no future
  ]
  for (const [today, lesson, deadline, want] of cases) t.same(checkEntryTime(today, lesson, deadline), want, `${today} for ${lesson}`)
})

t.test('R-J-6 adaptation period 01.09–15.09 inclusive', async (t) => {
  const cases: [string, boolean][] = [['2026-09-01', true], ['2026-09-15', true], ['2026-09-16', false], ['2026-08-31', false]]
  for (const [d, want] of cases) t.equal(inAdaptation(d, '2026-09-01', '2026-09-15'), want, d)
  t.equal(inAdaptation('2026-09-02', '2026-09-01', null), false, 'no adaptation set: none')
})

t.test('R-J-6 warnings for a 1 or 2 after 3+ absences or holidays', async (t) => {
  const cases: [string, number, boolean, string[]][] = [
    ['2', 3, false, ['afterAbsences']],
    ['2', 2, false, []],
    ['1', 0, true, ['afterHolidays']],
    ['2/4', 4, true, ['afterAbsences', 'afterHolidays']],
    ['3', 5, true, []],
  ]
  for (const [v, missed, hol, want] of cases) t.same(lowMarkWarnings(v, missed, hol), want, `${v}, ${missed} missed, holidays ${hol}`)
})

t.test('R-J-5 when «н» is not put', async (t) => {
  const base = { distance: false, extracurricular: false, isPe: false, date: '2026-10-05' }
  t.equal(absenceBlocked(base, null), null)
  t.equal(absenceBlocked({ ...base, distance: true }, null), 'distance')
  t.equal(absenceBlocked({ ...base, extracurricular: true }, null), 'extracurricular')
  t.equal(absenceBlocked({ ...base, isPe: true }, '2026-10-05'), 'peExempt', 'exempt through that date')
  t.equal(absenceBlocked({ ...base, isPe: true }, '2026-10-04'), null, 'exemption over')
  t.equal(absenceBlocked({ ...base, isPe: false }, '2026-12-31'), null, 'only PE')
})

t.test('R-J-7 homework on time: within the grace after the last lesson', async (t) => {
  const at = (h: number, m: number) => new Date(2026, 9, 5, h, m)
  t.equal(homeworkOnTime(at(15, 0), '2026-10-05', '13:40', 120), true)
  t.equal(homeworkOnTime(at(15, 40), '2026-10-05', '13:40', 120), true)
  t.equal(homeworkOnTime(at(15, 41), '2026-10-05', '13:40', 120), false)
  t.equal(homeworkOnTime(at(14, 41), '2026-10-05', '13:40', 60), false, 'one hour in the other regulation')
  t.equal(homeworkOnTime(new Date(2026, 9, 6, 8, 0), '2026-10-05', '13:40', 120), false, 'the next morning is late')
})

t.test('R-J-8 lessons since the last mark', async (t) => {
  t.equal(lessonsWithoutMark([true, false, false]), 2)
  t.equal(lessonsWithoutMark([false, false, false, false]), 4)
  t.equal(lessonsWithoutMark([false, true]), 0)
  t.equal(lessonsWithoutMark([]), 0)
})
