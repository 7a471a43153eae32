// Pure rules of the diary, table-tested: whose diary a user reads, who confirms a week, class figures without
// names, and the forecast by the finals' own rules (R-D-1, R-D-2, R-ACC-2, R-FIN-1).
import t from 'tap'
import type { Role } from '../src/db/types.js'
import { proposePeriodMark, summarizePeriod, type WeightedMark } from '../src/features/finals/finals.rules.js'
import {
  CLASS_AVERAGE_MIN, accountState, acknowledgeRefusal, belongsOn, classAverage, diaryAccess, familyState, fmtMean, mayAcknowledge,
  periodForecast, readsClassAcknowledgements, readsSomeDiaries, type DiaryAccess, type ParentFacts,
} from '../src/features/diary/diary.rules.js'

const v = (roles: Role[], personId = 1, classTeacherOf: number[] = []) => ({ personId, roles, classTeacherOf })

t.test('R-ACC-2: who reads whose diary', async (t) => {
  // The student is 10, in class 5; the viewer's family and the student's classes vary.
  const cases: [string, ReturnType<typeof v>, number[], number[] | null, DiaryAccess][] = [
    ['the student themself', v(['student'], 10), [10], [5], 'family'],
    ['a linked parent', v(['parent'], 20), [10, 11], [5], 'family'],
    ['a parent of another family', v(['parent'], 21), [12], [5], 'notFound'],
    ['a classmate', v(['student'], 13), [13], [5], 'notFound'],
    ['a parent asking for an id that is no student', v(['parent'], 20), [10], null, 'notFound'],
    ['the admin', v(['admin']), [], [5], 'staff'],
    ['the director', v(['director']), [], [5], 'staff'],
    ['the deputy', v(['deputy']), [], [5], 'staff'],
    ['the class teacher of the class', v(['teacher'], 30, [5]), [], [5], 'staff'],
    ['the class teacher of a class the student left', v(['teacher'], 30, [4]), [], [4, 5], 'staff'],
    ['the class teacher of another class', v(['teacher'], 31, [6]), [], [5], 'forbidden'],
    ['a subject teacher', v(['teacher'], 32), [], [5], 'forbidden'],
    ['the scheduler', v(['scheduler']), [], [5], 'forbidden'],
    ['the clerk', v(['clerk']), [], [5], 'forbidden'],
    ['staff asking for an id that is no student', v(['admin']), [], null, 'notFound'],
    ['a teacher who is the parent', v(['teacher', 'parent'], 33), [10], [5], 'family'],
  ]
  for (const [what, viewer, family, classes, want] of cases) {
    t.equal(diaryAccess(viewer, 10, { family, studentClasses: classes }), want, what)
  }
  t.ok(readsSomeDiaries(v(['teacher'], 1, [3])), 'a class teacher reads some diaries')
  t.notOk(readsSomeDiaries(v(['teacher', 'scheduler', 'clerk'])), 'other staff read none')
  t.ok(readsClassAcknowledgements(v(['teacher'], 1, [3]), 3))
  t.notOk(readsClassAcknowledgements(v(['teacher'], 1, [3]), 4), 'not another class')
  t.ok(readsClassAcknowledgements(v(['deputy']), 4))
})

t.test('R-D-2: a parent confirms a week that has begun; a student does not confirm', async (t) => {
  t.ok(mayAcknowledge(v(['parent'], 20), 10, [10]), 'a linked parent')
  t.notOk(mayAcknowledge(v(['parent'], 20), 12, [10]), 'not another family’s child')
  t.notOk(mayAcknowledge(v(['student'], 10), 10, []), 'the student themself')
  t.notOk(mayAcknowledge(v(['admin']), 10, []), 'staff')
  t.notOk(mayAcknowledge(v(['teacher'], 20), 10, [10]), 'a linked person without the parent role')
  const cases: [string, string, 'future' | null][] = [
    ['2026-10-12', '2026-10-12', null], ['2026-10-12', '2026-10-17', null], ['2026-10-05', '2026-10-17', null], ['2026-10-19', '2026-10-17', 'future'],
  ]
  for (const [monday, today, want] of cases) t.equal(acknowledgeRefusal(monday, today), want, `week ${monday}, today ${today}`)
})

t.test('dates a student belonged', async (t) => {
  const spans = [{ from: '2026-09-01', to: '2026-10-15' }, { from: '2026-11-01', to: null }]
  const cases: [string, boolean][] = [['2026-08-31', false], ['2026-09-01', true], ['2026-10-15', true], ['2026-10-16', false], ['2026-11-01', true], ['2027-05-30', true]]
  for (const [d, want] of cases) t.equal(belongsOn(spans, d), want, d)
})

t.test('R-ACC-2: the class average of a control work only where enabled and with enough marks', async (t) => {
  const five = ['5', '4', '3', '4', '4/5']
  t.equal(CLASS_AVERAGE_MIN, 5)
  t.equal(classAverage(five, false), null, 'the school did not enable it')
  t.equal(classAverage(five.slice(0, 4), true), null, 'four marks would give classmates away')
  t.equal(classAverage(five, true), 25 / 6, 'a double mark counts as two marks')
  t.equal(fmtMean(4.1666), '4,17')
  t.equal(fmtMean(null), '')
})

t.test('R-FIN-1: the forecast is the finals page’s proposal for the same marks', async (t) => {
  const m = (value: string, weight = 1): WeightedMark => ({ value, weight })
  const cases: { what: string; marks: WeightedMark[]; held: number; absences: ('illness' | 'valid' | 'invalid' | null)[]; threshold: number; want: string | null }[] = [
    { what: 'plain mean 4,5 at the ordinary threshold', marks: [m('5'), m('4')], held: 4, absences: [], threshold: 0.5, want: '5' },
    { what: 'the same at 0,6', marks: [m('5'), m('4')], held: 4, absences: [], threshold: 0.6, want: '4' },
    { what: 'a control work weighs more', marks: [m('5'), m('4'), m('4'), m('3', 2)], held: 10, absences: [], threshold: 0.5, want: '4' },
    { what: 'a double mark counts twice', marks: [m('4/5'), m('3')], held: 3, absences: [], threshold: 0.5, want: '4' },
    { what: 'no marks yet', marks: [], held: 3, absences: [], threshold: 0.5, want: null },
    { what: 'more than half of the lessons missed', marks: [m('5'), m('5')], held: 10, absences: Array(6).fill('illness'), threshold: 0.5, want: 'н/а' },
    { what: 'exactly half missed', marks: [m('3'), m('4')], held: 10, absences: Array(5).fill('invalid'), threshold: 0.5, want: '4' },
    { what: 'no lesson held yet', marks: [], held: 0, absences: [], threshold: 0.5, want: null },
  ]
  for (const c of cases) {
    const f = periodForecast({ marks: c.marks, held: c.held, absences: c.absences, hoursPerWeek: 2, threshold: c.threshold })
    t.equal(f?.proposal ?? null, c.want, c.what)
    if (c.held > 0) {
      const finals = summarizePeriod({ marks: c.marks, lessons: c.held, absences: c.absences, hoursPerWeek: 2, threshold: c.threshold })
      t.equal(f?.proposal ?? null, finals.proposal, `${c.what}: the same as summarizePeriod`)
      if (finals.proposal !== 'н/а') t.equal(f?.proposal ?? null, proposePeriodMark(c.marks, c.threshold), `${c.what}: the same as proposePeriodMark`)
    }
  }
})

t.test('R-D-2: families that confirmed, did not, never log in', async (t) => {
  const p = (o: Partial<ParentFacts>): ParentFacts => ({ personId: 1, hasAccount: true, disabled: false, lastLoginAt: '2026-10-01T10:00:00Z', acknowledgedAt: null, ...o })
  t.equal(accountState(p({ hasAccount: false })), 'noAccount')
  t.equal(accountState(p({ disabled: true })), 'disabled')
  t.equal(accountState(p({ lastLoginAt: null })), 'never')
  t.equal(accountState(p({})), 'active')
  const cases: [string, ParentFacts[], string][] = [
    ['no parents recorded', [], 'noParents'],
    ['one parent confirmed', [p({ acknowledgedAt: '2026-10-18T10:00:00Z' }), p({ hasAccount: false })], 'confirmed'],
    ['a parent logs in but did not confirm', [p({}), p({ hasAccount: false })], 'notConfirmed'],
    ['no account and an account never used', [p({ hasAccount: false }), p({ lastLoginAt: null })], 'neverLogsIn'],
    ['a disabled account that was used once is not «never»', [p({ disabled: true })], 'notConfirmed'],
  ]
  for (const [what, parents, want] of cases) t.equal(familyState(parents), want, what)
})
