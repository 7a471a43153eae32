// Pure rules of the curriculum fulfilment report (R-REP-5): school weeks with holidays and study periods,
// planned hours, substitution attribution, and the journal pages the plan is owed to.
import t from 'tap'
import {
  heldOn, heldUpTo, ownersOf, pagesOf, plannedHours, schoolTime, tallyTeachers, taughtBy, weeksOf, type HolidaySpan,
} from '../src/features/reports/curriculum.rules.js'

// The base fixture's calendar: quarters, autumn holidays 27.10–04.11 for every grade.
const Q = [
  { starts_on: '2026-09-01', ends_on: '2026-10-26' },
  { starts_on: '2026-11-05', ends_on: '2026-12-28' },
  { starts_on: '2027-01-11', ends_on: '2027-03-20' },
  { starts_on: '2027-03-30', ends_on: '2027-05-31' },
]
const autumn: HolidaySpan = { starts_on: '2026-10-27', ends_on: '2026-11-04', grade_from: 1, grade_to: 11 }
const hol = (starts_on: string, ends_on: string, grade_from = 1, grade_to = 11): HolidaySpan => ({ starts_on, ends_on, grade_from, grade_to })

t.test('R-REP-5 school days and weeks of a grade', async (t) => {
  const cases: { name: string; from: string; to: string; grade?: number; periods?: typeof Q; holidays?: HolidaySpan[]; perWeek?: 5 | 6; days: number; weeks: number }[] = [
    // Tue 01.09 – Fri 04.09: 4; 07.09 – 23.10: 7 weeks = 35; Mon 26.10: 1 → 40 days = 8 weeks.
    { name: 'first quarter, five-day week', from: '2026-09-01', to: '2026-10-26', days: 40, weeks: 8 },
    // The same 40 weekdays and the 8 Saturdays 05.09 … 24.10: 48 / 6 = 8 weeks — the weeks do not depend on the week.
    { name: 'first quarter, six-day week', from: '2026-09-01', to: '2026-10-26', perWeek: 6, days: 48, weeks: 8 },
    // Q1 40 + Q2 38 (05.11–28.12) + Q3 50 (11.01–19.03) + Q4 45 (30.03–31.05) = 173; 29.12–10.01 lies between
    // periods: no lessons though no holiday is entered.
    { name: 'whole year: days between periods are not school days', from: '2026-09-01', to: '2027-05-31', days: 173, weeks: 34.6 },
    // 20.10–26.10: 5 weekdays; 27.10–04.11 holidays; 05.11–10.11: Thu, Fri, Mon, Tue = 4 → 9.
    { name: 'a range across the autumn holidays', from: '2026-10-20', to: '2026-11-10', days: 9, weeks: 1.8 },
    // A holiday on Saturday and Sunday takes no school day from a five-day week.
    { name: 'a weekend holiday changes nothing', from: '2026-09-01', to: '2026-10-26', holidays: [autumn, hol('2026-10-03', '2026-10-04')], days: 40, weeks: 8 },
    // Wed 30.09 – Tue 06.10 spans a weekend: 30.09, 01.10, 02.10, 05.10, 06.10 = 5 weekdays = one week lost.
    { name: 'a holiday spanning a weekend', from: '2026-09-01', to: '2026-10-26', holidays: [autumn, hol('2026-09-30', '2026-10-06')], days: 35, weeks: 7 },
    // …and in a six-day week the Saturday 03.10 is lost too: 48 − 6 = 42 → 7 weeks.
    { name: 'a holiday spanning a weekend, six-day week', from: '2026-09-01', to: '2026-10-26', perWeek: 6, holidays: [autumn, hol('2026-09-30', '2026-10-06')], days: 42, weeks: 7 },
    // The February holidays of the first grade (15.02–21.02: five weekdays) …
    { name: 'a holiday for grade 1 only: grade 1', from: '2027-01-11', to: '2027-03-20', grade: 1, holidays: [autumn, hol('2027-02-15', '2027-02-21', 1, 1)], days: 45, weeks: 9 },
    // … do not touch the fifth: 11.01–19.03 = 10 weeks.
    { name: 'a holiday for grade 1 only: grade 5', from: '2027-01-11', to: '2027-03-20', grade: 5, holidays: [autumn, hol('2027-02-15', '2027-02-21', 1, 1)], days: 50, weeks: 10 },
    // A grade without study periods studies the whole range: 01.09–30.09 has 22 weekdays.
    { name: 'no periods: the whole range', from: '2026-09-01', to: '2026-09-30', periods: [], days: 22, weeks: 4.4 },
    { name: 'an empty range', from: '2026-09-10', to: '2026-09-09', days: 0, weeks: 0 },
  ]
  for (const c of cases) {
    const st = schoolTime(c.from, c.to, c.grade ?? 5, c.periods ?? Q, c.holidays ?? [autumn], c.perWeek ?? 5)
    t.equal(st.days, c.days, `${c.name}: days`)
    t.equal(Math.round(weeksOf(st) * 100) / 100, c.weeks, `${c.name}: weeks`)
  }
})

t.test('R-REP-5 planned hours: hours a week × weeks, rounded to a whole lesson', async (t) => {
  const cases: [number, number, 5 | 6, number, string][] = [
    [5, 40, 5, 40, '5 h × 8 weeks'],
    [4, 38, 5, 30, '4 h × 7,6 weeks = 30,4'],
    [3, 39, 5, 23, '3 h × 7,8 weeks = 23,4'],
    [1, 63, 5, 13, '1 h × 12,6 weeks = 12,6 → 13'],
    [2, 173, 5, 69, '2 h × 34,6 weeks = 69,2'],
    [1, 3, 6, 1, 'half a lesson rounds up'],
    [3, 47, 6, 24, '3 h × 7,83 weeks = 23,5 → 24'],
    [0, 40, 5, 0, 'no hours'],
  ]
  for (const [h, days, perWeek, want, name] of cases) t.equal(plannedHours(h, { days, perWeek }), want, name)
})

t.test('R-REP-5 lessons count as held up to today while the range runs', async (t) => {
  t.equal(heldUpTo('2026-12-28', '2026-11-18'), '2026-11-18', 'a running period: up to today')
  t.equal(heldUpTo('2026-10-26', '2026-11-18'), '2026-10-26', 'a past period: to its end')
  t.equal(heldUpTo('2026-10-26', '2026-10-26'), '2026-10-26', 'its last day')
})

t.test('R-REP-5 a substituted lesson counts for the one who taught it', async (t) => {
  t.equal(taughtBy({ teacherId: 1, substituteId: null }), 1, 'no substitution: the timetabled teacher')
  t.equal(taughtBy({ teacherId: 1, substituteId: 2 }), 2, 'a substitution: the substitute')
  const tally = tallyTeachers([
    { teacherId: 1, substituteId: null, n: 3 },
    { teacherId: 1, substituteId: 2, n: 1 },
    { teacherId: 3, substituteId: 2, n: 2 },
    { teacherId: 2, substituteId: null, n: 4 },
    // A teacher entered as their own substitute is no substitution.
    { teacherId: 4, substituteId: 4, n: 1 },
  ])
  t.same(tally.get(1), { taught: 3, gave: 0, gaveAway: 1 }, 'teacher 1: three own lessons, one given away')
  t.same(tally.get(2), { taught: 7, gave: 3, gaveAway: 0 }, 'teacher 2: four own + three substitutions')
  t.same(tally.get(3), { taught: 0, gave: 0, gaveAway: 2 }, 'teacher 3: both lessons taught by teacher 2')
  t.same(tally.get(4), { taught: 1, gave: 0, gaveAway: 0 }, 'teacher 4: own lesson')
})

t.test('R-REP-5 the pages the curriculum is owed to', async (t) => {
  const MATH = 1, ENG = 2, ART = 8, ELECTIVE = 9
  const pages = pagesOf({
    classes: [{ id: 1, grade: 5 }, { id: 2, grade: 6 }],
    groups: [
      { id: 10, kind: 'subgroup', class_id: 1, subject_id: ENG, grade: 5 },
      { id: 11, kind: 'subgroup', class_id: 1, subject_id: ENG, grade: 5 },
      { id: 20, kind: 'cross', class_id: null, subject_id: ELECTIVE, grade: 5 },
      { id: 30, kind: 'individual', class_id: 2, subject_id: MATH, grade: 6 },
    ],
    curriculum: [
      { class_id: 1, subject_id: MATH, hours_per_week: 5 },
      { class_id: 1, subject_id: ENG, hours_per_week: 3 },
      { class_id: 2, subject_id: MATH, hours_per_week: 5 },
    ],
    workload: [
      { teacher_id: 101, subject_id: MATH, class_id: 1, group_id: null },
      { teacher_id: 102, subject_id: ENG, class_id: null, group_id: 10 },
      { teacher_id: 103, subject_id: ENG, class_id: null, group_id: 11 },
      { teacher_id: 104, subject_id: ELECTIVE, class_id: null, group_id: 20 },
    ],
    held: [
      // English with the whole class once: it counts for both subgroups.
      { classId: 1, groupId: null, subjectId: ENG, teacherId: 102, substituteId: null, n: 1 },
      { classId: null, groupId: 10, subjectId: ENG, teacherId: 102, substituteId: null, n: 2 },
      // Art in class 1 is outside its curriculum.
      { classId: 1, groupId: null, subjectId: ART, teacherId: 105, substituteId: null, n: 1 },
      { classId: 2, groupId: null, subjectId: MATH, teacherId: 101, substituteId: 106, n: 3 },
    ],
  })
  const by = new Map(pages.map((p) => [p.key, p]))
  t.same([...by.keys()].sort(), ['c1:1', 'c1:8', 'c2:1', 'g10', 'g11', 'g20', 'g30'], 'one page per class subject, per subgroup, per group; no class page for a split subject')
  t.equal(by.get('c1:1')?.hours, 5, 'a class page gets its curriculum hours')
  t.equal(by.get('g10')?.hours, 3, 'each subgroup gets the class hours')
  t.equal(by.get('g11')?.hours, 3, 'each subgroup gets the class hours')
  t.equal(heldOn(by.get('g10')!), 3, 'subgroup 1: its two lessons and the whole-class one')
  t.equal(heldOn(by.get('g11')!), 1, 'subgroup 2: the whole-class lesson')
  t.equal(by.get('g10')?.ofClass, 1, 'a subgroup belongs to its class')
  t.equal(by.get('g20')?.hours, null, 'a cross-class group has no class curriculum')
  t.equal(by.get('g20')?.ofClass, null)
  t.equal(by.get('g30')?.hours, 5, 'an individual-plan group is owed its class hours')
  t.equal(by.get('c1:8')?.hours, null, 'a subject outside the curriculum: no plan')
  t.equal(heldOn(by.get('c2:1')!), 3, 'substituted lessons are held lessons')
  t.equal(by.get('c2:1')?.grade, 6)
  t.same(ownersOf(by.get('g10')!), [102], 'the workload teacher answers for the page')
  t.same(ownersOf(by.get('c1:8')!), [105], 'without workload, the timetabled teacher')
  t.same(ownersOf(by.get('c2:1')!), [101], 'the substitute does not take over the page')
})
