// Table tests of the pure rules of the people area: movement dates, who may do what, contact visibility,
// form parsing (R-ORG-4; R-ACC-7,8; R-ROLE-6,7).
import t from 'tap'
import {
  activeOn, canEditStudy, canRegisterConsent, checkArrival, checkDeparture, checkFirstEnrollment, checkTransfer, className,
  dayBefore, nameKey, rolesChangeError, seesContacts, studentScope, type ClassYear, type Stay, type Viewer,
} from '../src/features/people/people.rules.js'
import { parseConsent, parseMove, parsePerson, parseRoles, parseStudy } from '../src/features/people/people.form.js'

const Y1 = { yearId: 1, starts: '2026-09-01', ends: '2027-08-31' }
const c5a: ClassYear = { id: 10, ...Y1 }
const c5b: ClassYear = { id: 11, ...Y1 }
const c6a: ClassYear = { id: 20, yearId: 2, starts: '2027-09-01', ends: '2028-08-31' }
const openIn5a: Stay[] = [{ id: 1, classId: 10, yearId: 1, from: '2026-09-01', to: null }]
const departed: Stay[] = [{ id: 1, classId: 10, yearId: 1, from: '2026-09-01', to: '2026-11-10' }]

t.test('movement dates: departure (R-ORG-4)', async (t) => {
  const cases: [string, Stay[], string, string | null][] = [
    ['on a later day', openIn5a, '2026-11-20', null],
    ['on the first day itself', openIn5a, '2026-09-01', null],
    ['before the stay began', openIn5a, '2026-08-31', 'beforeStart'],
    ['of a student not enrolled', departed, '2026-12-01', 'notEnrolled'],
    ['of a student never enrolled', [], '2026-12-01', 'notEnrolled'],
  ]
  for (const [name, history, date, want] of cases) t.equal(checkDeparture(history, date), want, name)
})

t.test('movement dates: transfer (R-ORG-4)', async (t) => {
  const cases: [string, Stay[], ClassYear, string, string | null][] = [
    ['to a parallel class', openIn5a, c5b, '2026-11-20', null],
    ['on the day the stay began (old stay would be empty)', openIn5a, c5b, '2026-09-01', 'beforeStart'],
    ['before the stay began', openIn5a, c5b, '2026-08-15', 'beforeStart'],
    ['into the same class', openIn5a, c5a, '2026-11-20', 'sameClass'],
    ['into another year', openIn5a, c6a, '2027-09-02', 'otherYear'],
    ['after the year ended', openIn5a, c5b, '2027-09-01', 'outsideYear'],
    ['of a departed student', departed, c5b, '2026-12-01', 'notEnrolled'],
  ]
  for (const [name, history, target, date, want] of cases) t.equal(checkTransfer(history, target, date), want, name)
  t.equal(dayBefore('2026-03-01'), '2026-02-28', 'the old stay ends the day before')
})

t.test('movement dates: arrival and first enrollment (R-ORG-4)', async (t) => {
  const cases: [string, Stay[], ClassYear, string, string | null][] = [
    ['after the last stay ended', departed, c5b, '2026-11-11', null],
    ['on the last day of the old stay (overlap)', departed, c5b, '2026-11-10', 'overlaps'],
    ['inside the old stay', departed, c5a, '2026-10-01', 'overlaps'],
    ['while still enrolled', openIn5a, c5b, '2026-12-01', 'stillEnrolled'],
    ['outside the class year', departed, c6a, '2026-12-01', 'outsideYear'],
    ['never enrolled before', [], c5a, '2026-12-01', null],
  ]
  for (const [name, history, target, date, want] of cases) t.equal(checkArrival(history, target, date), want, name)
  t.equal(checkFirstEnrollment([], c5a, '2026-09-01'), null)
  t.equal(checkFirstEnrollment([], c5a, '2026-08-31'), 'outsideYear')
  t.equal(checkFirstEnrollment(openIn5a, c5a, '2026-09-02'), 'alreadyEnrolled')
})

t.test('a stay is active on the days it covers, both ends included', async (t) => {
  const stay = { from: '2026-09-01', to: '2026-11-10' }
  const cases: [string, boolean][] = [['2026-08-31', false], ['2026-09-01', true], ['2026-11-10', true], ['2026-11-11', false]]
  for (const [day, want] of cases) t.equal(activeOn(stay, day), want, day)
  t.equal(activeOn({ from: '2026-09-01', to: null }, '2030-01-01'), true)
})

const v = (roles: Viewer['roles'], classTeacherOf: number[] = []): Viewer => ({ personId: 1, roles, classTeacherOf })

t.test('who reaches which students (R-ROLE-6,7; R-ACC-2)', async (t) => {
  t.same(studentScope(v(['clerk'])), { all: true })
  t.same(studentScope(v(['director'])), { all: true })
  t.same(studentScope(v(['deputy'])), { all: true })
  t.same(studentScope(v(['teacher'], [10])), { all: false, classIds: [10] })
  t.same(studentScope(v(['parent'])), { all: false, classIds: [] }, 'a parent reaches no student through this area')
  const cases: [string, Viewer, number | null, boolean, boolean][] = [
    // name, viewer, student's current class, may edit study, may register consent
    ['clerk', v(['clerk']), 10, true, false],
    ['admin', v(['admin']), 10, true, false],
    ['deputy', v(['deputy']), 10, false, true],
    ['class teacher of the class', v(['teacher'], [10]), 10, true, true],
    ['class teacher of another class', v(['teacher'], [11]), 10, false, false],
    ['class teacher, student departed', v(['teacher'], [10]), null, false, false],
    ['director', v(['director']), 10, false, false],
  ]
  for (const [name, viewer, cls, study, consent] of cases) {
    t.equal(canEditStudy(viewer, cls), study, `${name}: study form`)
    t.equal(canRegisterConsent(viewer, cls), consent, `${name}: consent`)
  }
})

t.test('hidden contacts are shown only to admin, clerk and the class teacher (R-ACC-8)', async (t) => {
  const cases: [string, Viewer, boolean, boolean][] = [
    ['not hidden, director', v(['director']), false, true],
    ['hidden, director', v(['director']), true, false],
    ['hidden, deputy', v(['deputy']), true, false],
    ['hidden, admin', v(['admin']), true, true],
    ['hidden, clerk', v(['clerk']), true, true],
    ['hidden, class teacher of the student', v(['teacher'], [10]), true, true],
    ['hidden, class teacher of another class', v(['teacher'], [11]), true, false],
  ]
  for (const [name, viewer, hide, want] of cases) t.equal(seesContacts(viewer, hide, [10]), want, name)
})

t.test('an admin cannot drop their own admin role', async (t) => {
  t.equal(rolesChangeError(1, 1, ['admin', 'teacher'], ['teacher']), 'ownAdmin')
  t.equal(rolesChangeError(1, 2, ['admin'], []), null, 'another admin may be demoted')
  t.equal(rolesChangeError(1, 1, ['admin'], ['admin', 'deputy']), null)
})

t.test('names compare without case, ё and extra spaces; class names', async (t) => {
  t.equal(nameKey('Семёнов ', 'пётр'), nameKey('СЕМЕНОВ', 'Петр'))
  t.not(nameKey('Иванов', 'Пётр'), nameKey('Иванова', 'Пётр'))
  t.equal(className({ grade: 10, letter: 'Б' }), '10Б')
})

t.test('forms: person, study, movement, consent, roles', async (t) => {
  const ok = parsePerson({ last_name: ' Петров ', first_name: 'Иван', birth_date: '01.02.2015', phone: '+7 (900) 123-45-67', email: 'A@B.RU' }, { birthRequired: true, today: '2026-11-22' })
  t.same(ok, { ok: true, value: { last_name: 'Петров', first_name: 'Иван', middle_name: '', birth_date: '2015-02-01', phone: '+7 (900) 123-45-67', email: 'a@b.ru' } })
  const bad = parsePerson({ last_name: '', first_name: 'И', birth_date: '31.02.2015', phone: 'звоните', email: 'nope' }, { birthRequired: true })
  t.same(bad.ok ? [] : Object.keys(bad.errors).sort(), ['birth_date', 'email', 'last_name', 'phone'])
  const future = parsePerson({ last_name: 'А', first_name: 'Б', birth_date: '01.01.2030' }, { birthRequired: true, today: '2026-11-22' })
  t.equal(future.ok, false, 'a birth date in the future is refused')
  t.equal(parsePerson({ last_name: 'А', first_name: 'Б' }, { birthRequired: false }).ok, true, 'staff need no birth date')
  t.same(parseStudy({ study_form: 'home', channel: 'paper', pe_exempt_until: '31.12.2026' }), { ok: true, value: { study_form: 'home', channel: 'paper', pe_exempt_until: '2026-12-31' } })
  t.equal(parseStudy({ study_form: 'online', channel: 'diary' }).ok, false)
  t.same(parseMove({ date: '2026-11-20', note: 'Приказ 12' }, false), { ok: true, value: { date: '2026-11-20', classId: null, note: 'Приказ 12' } })
  t.equal(parseMove({ date: '2026-11-20' }, true).ok, false, 'a transfer needs a class')
  t.equal(parseConsent({ consent: 'given', consent_on: '2026-12-01' }, '2026-11-22').ok, false, 'no consent dated in the future')
  t.same(parseConsent({ consent: 'refused', consent_on: '20.11.2026' }, '2026-11-22'), { ok: true, value: { consent: 'refused', on: '2026-11-20' } })
  t.same(parseRoles({ roles: ['teacher', 'deputy'] }), { ok: true, value: ['deputy', 'teacher'] })
  t.equal(parseRoles({ roles: ['parent'] }).ok, false, 'family roles are not handed out on the staff form')
})
