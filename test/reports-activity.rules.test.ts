// Table tests of the activity report's pure rules (R-REP-2): journal work, day bounds, accounts, the weeks a
// family is expected to confirm, and the per-class tallies with their union as the total.
import t from 'tap'
import {
  accountUsable, distinctDays, expectedWeeks, instantRange, isJournalWork, mergeTallies, tallyClass, teacherAccount,
  type StudentFacts,
} from '../src/features/reports/activity.rules.js'

const local = (s: string) => new Date(s).toISOString()

t.test('R-REP-2 journal work: the teacher\'s writes, not logins, reading or the administration\'s decisions', async (t) => {
  const cases: [string, boolean][] = [
    ['journal.lesson.save', true], ['journal.late.request', true], ['attendance.reasons', true], ['plan.topic.create', true],
    ['plan.import', true], ['finals.set', true], ['finals.correction.request', true], ['files.upload', true], ['files.remove', true],
    ['journal.late.approve', false], ['journal.late.refuse', false], ['finals.correction.approve', false], ['finals.correction.refuse', false],
    ['auth.login', false], ['diary.read', false], ['message.send', false], ['timetable.lesson.move', false], ['journalist', false],
  ]
  for (const [action, want] of cases) t.equal(isJournalWork(action), want, action)
})

t.test('R-REP-2 the range\'s local days as UTC instants; distinct local days of logins', async (t) => {
  t.same(instantRange('2026-10-01', '2026-10-31'), { start: local('2026-10-01T00:00:00'), end: local('2026-11-01T00:00:00') })
  t.same(instantRange('2026-12-28', '2026-12-31'), { start: local('2026-12-28T00:00:00'), end: local('2027-01-01T00:00:00') })
  const cases: [string[], number][] = [
    [[], 0],
    [[local('2026-10-05T09:00:00'), local('2026-10-05T15:00:00')], 1],
    [[local('2026-10-05T23:59:00'), local('2026-10-06T00:01:00'), local('2026-10-20T10:00:00')], 3],
  ]
  for (const [times, n] of cases) t.equal(distinctDays(times), n, `${times.length} logins → ${n} days`)
})

t.test('R-REP-2 an account counts for the range when created before its end and not disabled before its start', async (t) => {
  const { start, end } = instantRange('2026-10-01', '2026-10-31')
  const acc = (created: string, disabled: string | null = null) => ({ created_at: local(created), disabled_at: disabled && local(disabled) })
  const cases: [string, ReturnType<typeof acc> | null, boolean, string][] = [
    ['no account', null, false, 'none'],
    ['created in August', acc('2026-08-20T08:00:00'), true, 'active'],
    ['created in the middle of the month', acc('2026-10-15T08:00:00'), true, 'active'],
    ['created after the month', acc('2026-11-05T08:00:00'), false, 'none'],
    ['disabled during the month', acc('2026-08-20T08:00:00', '2026-10-15T08:00:00'), true, 'active'],
    ['disabled before the month', acc('2026-08-20T08:00:00', '2026-09-20T08:00:00'), false, 'disabled'],
    ['disabled after the month', acc('2026-08-20T08:00:00', '2026-11-20T08:00:00'), true, 'active'],
  ]
  for (const [name, a, usable, state] of cases) {
    t.equal(accountUsable(a, start, end), usable, `${name}: usable`)
    t.equal(teacherAccount(a, start, end), state, `${name}: ${state}`)
  }
})

t.test('R-REP-2 the weeks to confirm: school weeks over by today, each in the month of its first school day', async (t) => {
  const year = { starts_on: '2026-09-01', ends_on: '2027-05-31' }
  const autumn = { starts_on: '2026-10-27', ends_on: '2026-11-04', grade_from: 1, grade_to: 11 }
  const firstGradeOnly = { starts_on: '2027-02-15', ends_on: '2027-02-21', grade_from: 1, grade_to: 1 }
  const holidays = [autumn, firstGradeOnly]
  const mondays = (from: string, to: string, grade: number, today: string) =>
    expectedWeeks({ from, to }, year, grade, holidays, today).map((w) => w.monday)
  const cases: [string, [string, string, number, string], string[]][] = [
    // 28.09 belongs to September; 26.10 has its Monday before the holidays.
    ['October', ['2026-10-01', '2026-10-31', 5, '2026-11-22'], ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26']],
    // The year starts on Tuesday 01.09: that week is September's.
    ['September', ['2026-09-01', '2026-09-30', 5, '2026-11-22'], ['2026-08-31', '2026-09-07', '2026-09-14', '2026-09-21', '2026-09-28']],
    // 02.11: Monday to Wednesday are holidays, Thursday 05.11 is its first school day; 16.11 is not over on Sunday 22.11.
    ['November, today Sunday 22.11', ['2026-11-01', '2026-11-30', 5, '2026-11-22'], ['2026-11-02', '2026-11-09']],
    ['November, today Monday 23.11', ['2026-11-01', '2026-11-30', 5, '2026-11-23'], ['2026-11-02', '2026-11-09', '2026-11-16']],
    ['a month in the future', ['2027-04-01', '2027-04-30', 5, '2026-11-22'], []],
    // A week of holidays for the first grade only.
    ['February, grade 1', ['2027-02-01', '2027-02-28', 1, '2027-03-10'], ['2027-02-01', '2027-02-08', '2027-02-22']],
    ['February, grade 5', ['2027-02-01', '2027-02-28', 5, '2027-03-10'], ['2027-02-01', '2027-02-08', '2027-02-15', '2027-02-22']],
    // The year ends on Monday 31.05: its last week has one school day, in May.
    ['May', ['2027-05-01', '2027-05-31', 5, '2027-06-15'], ['2027-05-03', '2027-05-10', '2027-05-17', '2027-05-24', '2027-05-31']],
    ['a week range', ['2026-10-12', '2026-10-18', 5, '2026-11-22'], ['2026-10-12']],
    ['a week range in the holidays', ['2026-10-26', '2026-11-01', 5, '2026-11-22'], ['2026-10-26']],
  ]
  for (const [name, [from, to, grade, today], want] of cases) t.same(mondays(from, to, grade, today), want, name)
  t.same(expectedWeeks({ from: '2026-10-05', to: '2026-10-11' }, year, 5, holidays, '2026-11-22'), [{ monday: '2026-10-05', saturday: '2026-10-10' }], 'Monday to Saturday')
})

t.test('R-REP-2 a class\'s tally: families, their weeks and confirmations; the total is the union', async (t) => {
  const weeks = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26'].map((m) => ({ monday: m, saturday: `2026-10-${String(Number(m.slice(8)) + 5).padStart(2, '0')}` }))
  const parent = (account: boolean, loggedIn: boolean) => ({ account, loggedIn })
  const st = (id: number, o: Partial<StudentFacts> = {}): StudentFacts =>
    ({ id, spans: [{ from: '2026-09-01', to: null }], account: false, loggedIn: false, channel: 'diary', parents: [], ...o })
  const students: StudentFacts[] = [
    st(1, { account: true, loggedIn: true, parents: [parent(true, true)] }),
    st(2, { account: true, parents: [parent(true, false), parent(false, false)] }),
    st(3, { channel: 'paper', parents: [parent(false, false)] }),
    st(4),
    // Left on Saturday 10.10: only the first week; came back on 24.10: the last two weeks as well.
    st(5, { spans: [{ from: '2026-09-01', to: '2026-10-10' }, { from: '2026-10-24', to: null }], parents: [parent(true, false)] }),
    st(6, { channel: 'email', parents: [parent(true, true)] }),
  ]
  const acked = new Set(['1:2026-10-05', '1:2026-10-12', '1:2026-10-26', '3:2026-10-05', '5:2026-10-05', '5:2026-10-12', '6:2026-10-05', '2:2026-09-28'])
  const x = tallyClass(students, weeks, acked)
  t.same([...x.students], [1, 2, 3, 4, 5, 6])
  t.same([...x.studentAccounts], [1, 2])
  t.same([...x.studentsIn], [1])
  t.same([...x.families], [1, 2, 3, 5, 6], 'a student without recorded parents is no family')
  t.same([...x.familyAccounts], [1, 2, 5, 6])
  t.same([...x.familiesIn], [1, 6])
  // 1 and 2: four weeks each; 5: weeks 05.10, 19.10 (arrived on Saturday 24.10), 26.10; 3 (paper) and 6 (e-mail) none.
  t.equal(x.expected.size, 11)
  t.same([...x.confirmed].sort(), ['1:2026-10-05', '1:2026-10-12', '1:2026-10-26', '5:2026-10-05'], 'a confirmation counts only for a week expected')

  // Student 5 moved to another class in the same month: the total counts the student and each week once.
  const other = tallyClass([st(5, { spans: [{ from: '2026-10-11', to: '2026-10-23' }], parents: [parent(true, true)] }), st(7, { parents: [parent(false, false)] })], weeks, acked)
  t.same([...other.expected].sort(), ['5:2026-10-12', '5:2026-10-19', '7:2026-10-05', '7:2026-10-12', '7:2026-10-19', '7:2026-10-26'])
  const total = mergeTallies([x, other])
  t.equal(total.students.size, 7)
  t.equal(total.families.size, 6)
  t.same([...total.familiesIn].sort(), [1, 5, 6])
  t.equal(total.expected.size, 11 + 6 - 1, '5:19.10 is in both classes and counted once')
  t.equal(total.confirmed.size, 5)
  t.equal(mergeTallies([]).students.size, 0)
})
