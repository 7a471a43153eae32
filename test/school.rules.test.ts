// Table tests of the pure rules of the school area (R-ORG-1..3, R-ROLE, R-ARC-5).
import t from 'tap'
import {
  bandErrors, canDo, canEditMembers, canEditStructure, classLabel, defaultAdaptationEnd, defaultGroupName, groupScope, holidayErrors,
  isYearWritable, memberCountError, membershipChanges, normalizeLetter, parseHours, periodErrors, schemeOfGrade, suggestYear,
  validYearName, yearDateErrors, DEFAULT_BANDS, type Band, type SchoolAction, type Who,
} from '../src/features/school/school.rules.js'
import { parseBandsForm, parseCurriculumForm, parseYearForm, parseWorkloadForm, parseGroupForm } from '../src/features/school/school.form.js'
import type { Role } from '../src/db/types.js'

const who = (roles: Role[], classTeacherOf: number[] = []): Who => ({ roles, classTeacherOf })

t.test('R-ROLE: who may read, edit, set school settings, edit members', async (t) => {
  const cases: [string, Who | null, Record<SchoolAction, boolean>][] = [
    ['admin', who(['admin']), { read: true, edit: true, settings: true, members: true }],
    ['deputy', who(['deputy']), { read: true, edit: true, settings: false, members: true }],
    ['director', who(['director']), { read: true, edit: false, settings: false, members: false }],
    ['scheduler', who(['scheduler']), { read: true, edit: false, settings: false, members: false }],
    ['clerk', who(['clerk']), { read: true, edit: false, settings: false, members: false }],
    ['teacher', who(['teacher']), { read: false, edit: false, settings: false, members: false }],
    ['class teacher', who(['teacher'], [7]), { read: false, edit: false, settings: false, members: true }],
    ['student', who(['student']), { read: false, edit: false, settings: false, members: false }],
    ['parent', who(['parent']), { read: false, edit: false, settings: false, members: false }],
    ['anonymous', null, { read: false, edit: false, settings: false, members: false }],
  ]
  for (const [name, user, expected] of cases) {
    for (const action of Object.keys(expected) as SchoolAction[]) {
      t.equal(canDo(user, action), expected[action], `${name} ${action}`)
    }
  }
})

t.test('R-ORG-2: a class teacher edits members of their own class subgroups only', async (t) => {
  const ct = who(['teacher'], [7])
  const cases: [string, Who | null, { kind: 'subgroup' | 'cross' | 'individual'; class_id: number | null }, boolean][] = [
    ['own subgroup', ct, { kind: 'subgroup', class_id: 7 }, true],
    ['own individual group', ct, { kind: 'individual', class_id: 7 }, true],
    ['other class subgroup', ct, { kind: 'subgroup', class_id: 8 }, false],
    ['cross group', ct, { kind: 'cross', class_id: null }, false],
    ['deputy any group', who(['deputy']), { kind: 'cross', class_id: null }, true],
    ['director', who(['director']), { kind: 'subgroup', class_id: 7 }, false],
    ['anonymous', null, { kind: 'subgroup', class_id: 7 }, false],
  ]
  for (const [name, user, group, expected] of cases) t.equal(canEditMembers(user, group), expected, name)
  t.same(groupScope(ct), [7], 'a class teacher sees only their classes’ groups')
  t.equal(groupScope(who(['clerk'])), null, 'readers see every group')
  t.notOk(canEditStructure(ct))
})

t.test('R-ARC-5: only a closed year is read-only', async (t) => {
  t.equal(isYearWritable('draft'), true)
  t.equal(isYearWritable('open'), true)
  t.equal(isYearWritable('closed'), false)
})

t.test('R-ORG-1: year names, dates and the adaptation period default', async (t) => {
  t.equal(defaultAdaptationEnd('2026-09-01'), '2026-09-15')
  for (const [name, ok] of [['2026/2027', true], ['2026/2028', false], ['2026-2027', false], ['26/27', false], ['2026/2027 ', false]] as const) {
    t.equal(validYearName(name), ok, name)
  }
  const cases: [string, { starts_on: string; ends_on: string; adaptation_ends_on: string }, string[]][] = [
    ['usual year', { starts_on: '2026-09-01', ends_on: '2027-05-31', adaptation_ends_on: '2026-09-15' }, []],
    ['end before start', { starts_on: '2026-09-01', ends_on: '2026-08-31', adaptation_ends_on: '2026-09-15' }, ['ends_on', 'adaptation_ends_on']],
    ['end equals start', { starts_on: '2026-09-01', ends_on: '2026-09-01', adaptation_ends_on: '2026-09-01' }, ['ends_on']],
    ['longer than a year', { starts_on: '2026-09-01', ends_on: '2027-09-30', adaptation_ends_on: '2026-09-15' }, ['ends_on']],
    ['adaptation before start', { starts_on: '2026-09-01', ends_on: '2027-05-31', adaptation_ends_on: '2026-08-15' }, ['adaptation_ends_on']],
  ]
  for (const [name, y, keys] of cases) t.same(Object.keys(yearDateErrors(y)).sort(), keys.sort(), name)
  t.same(suggestYear('2026/2027', '2027-03-01'), { name: '2027/2028', starts_on: '2027-09-01', ends_on: '2028-08-31' })
  t.equal(suggestYear(null, '2027-03-01').name, '2026/2027', 'in spring the running year')
  t.equal(suggestYear(null, '2027-08-20').name, '2027/2028', 'in August the coming year')
})

t.test('R-ORG-1: the year form fills the adaptation end with 15.09 and checks the fields', async (t) => {
  const ok = parseYearForm({ name: '2026/2027', starts_on: '01.09.2026', ends_on: '2027-05-31', adaptation_ends_on: '', status: 'open' })
  t.same(ok, { ok: true, value: { name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-05-31', adaptation_ends_on: '2026-09-15', status: 'open' } })
  const bad = parseYearForm({ name: '2026', starts_on: '31.02.2026', ends_on: '', status: 'closed' })
  t.notOk(bad.ok)
  if (!bad.ok) t.same(Object.keys(bad.errors).sort(), ['ends_on', 'name', 'starts_on', 'status'])
})

t.test('R-ORG-1: grade bands cover 1–11 without overlap', async (t) => {
  const q = (grade_from: number, grade_to: number, scheme: Band['scheme'] = 'quarter'): Band => ({ grade_from, grade_to, scheme })
  const cases: [string, Band[], RegExp[]][] = [
    ['default bands', DEFAULT_BANDS, []],
    ['one band for all', [q(1, 11, 'trimester')], []],
    ['three bands', [q(1, 4), q(5, 9, 'trimester'), q(10, 11, 'half')], []],
    ['gap at 10–11', [q(1, 9)], [/параллелей: 10, 11/]],
    ['gap in the middle', [q(1, 4), q(6, 11)], [/параллелей: 5\./]],
    ['overlap', [q(1, 9), q(8, 11, 'half')], [/1–9 и 8–11 пересекаются/]],
    ['same grade twice', [q(1, 11), q(5, 5)], [/пересекаются/]],
    ['reversed range', [q(9, 1), q(1, 11)], [/Неверный диапазон/]],
    ['nothing', [], [/1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11/]],
  ]
  for (const [name, bands, expected] of cases) {
    const errs = bandErrors(bands)
    t.equal(errs.length, expected.length, name)
    expected.forEach((re, i) => t.match(errs[i], re, name))
  }
  t.equal(schemeOfGrade(DEFAULT_BANDS, 10), 'half')
  t.equal(schemeOfGrade(DEFAULT_BANDS, 5), 'quarter')
  t.equal(schemeOfGrade([], 5), null)
})

t.test('R-ORG-1: the band form skips blank rows and reports the set as a whole', async (t) => {
  const ok = parseBandsForm({ from_1: '10', to_1: '11', scheme_1: 'half', from_2: '1', to_2: '9', scheme_2: 'quarter', from_3: '', to_3: '' })
  t.same(ok, { ok: true, value: [{ grade_from: 1, grade_to: 9, scheme: 'quarter' }, { grade_from: 10, grade_to: 11, scheme: 'half' }] })
  const gap = parseBandsForm({ from_1: '1', to_1: '9', scheme_1: 'quarter' })
  t.notOk(gap.ok)
  if (!gap.ok) t.match(gap.errors.bands, '10, 11')
  const bad = parseBandsForm({ from_1: '0', to_1: '12', scheme_1: 'weeks' })
  if (!bad.ok) t.same(Object.keys(bad.errors).sort(), ['from_1', 'scheme_1', 'to_1'])
})

t.test('R-ORG-1: periods are inside the year, in order, without overlap', async (t) => {
  const year = { starts_on: '2026-09-01', ends_on: '2027-05-31' }
  const p = (number: number, starts_on: string, ends_on: string) => ({ number, starts_on, ends_on })
  const cases: [string, ReturnType<typeof p>[], Record<string, RegExp>][] = [
    ['quarters', [p(1, '2026-09-01', '2026-10-24'), p(2, '2026-11-05', '2026-12-28'), p(3, '2027-01-09', '2027-03-20'), p(4, '2027-03-30', '2027-05-26')], {}],
    ['halves touching', [p(1, '2026-09-01', '2026-12-28'), p(2, '2026-12-29', '2027-05-31')], {}],
    ['end before start', [p(1, '2026-10-01', '2026-09-20')], { end_1: /раньше начала/ }],
    ['before the year', [p(1, '2026-08-25', '2026-10-24')], { start_1: /внутри учебного года/ }],
    ['after the year', [p(1, '2026-09-01', '2027-06-10')], { start_1: /внутри учебного года/ }],
    ['overlap', [p(1, '2026-09-01', '2026-12-28'), p(2, '2026-12-28', '2027-05-31')], { start_2: /после окончания предыдущего \(1\)/ }],
    ['out of order', [p(1, '2027-01-09', '2027-05-31'), p(2, '2026-09-01', '2026-12-28')], { start_2: /после окончания/ }],
  ]
  for (const [name, rows, expected] of cases) {
    const errs = periodErrors(rows, year)
    t.same(Object.keys(errs).sort(), Object.keys(expected).sort(), name)
    for (const [k, re] of Object.entries(expected)) t.match(errs[k], re, `${name}: ${k}`)
  }
})

t.test('R-ORG-1: holidays are inside the year with a valid grade range', async (t) => {
  const year = { starts_on: '2026-09-01', ends_on: '2027-08-31' }
  const h = (starts_on: string, ends_on: string, grade_from = 1, grade_to = 11) => ({ name: 'x', starts_on, ends_on, grade_from, grade_to })
  const cases: [string, ReturnType<typeof h>, string[]][] = [
    ['autumn', h('2026-10-26', '2026-11-03'), []],
    ['extra February week for grade 1', h('2027-02-15', '2027-02-21', 1, 1), []],
    ['one day', h('2026-11-04', '2026-11-04'), []],
    ['end before start', h('2026-11-03', '2026-10-26'), ['ends_on']],
    ['outside the year', h('2027-08-25', '2027-09-05'), ['starts_on']],
    ['grades reversed', h('2026-10-26', '2026-11-03', 5, 1), ['grade_to']],
  ]
  for (const [name, v, keys] of cases) t.same(Object.keys(holidayErrors(v, year)).sort(), keys, name)
})

t.test('R-ORG-3: hours per week: blank means not taught, half-hour steps up to 10', async (t) => {
  const cases: [string, number | null | 'bad'][] = [
    ['', null], ['  ', null], ['2', 2], ['1,5', 1.5], ['0.5', 0.5], ['10', 10],
    ['0', 'bad'], ['11', 'bad'], ['1,25', 'bad'], ['-1', 'bad'], ['два', 'bad'], ['1e1', 'bad'],
  ]
  for (const [input, expected] of cases) {
    const r = parseHours(input)
    if (expected === 'bad') t.notOk(r.ok, `«${input}» refused`)
    else t.same(r, { ok: true, value: expected }, `«${input}»`)
  }
  const form = parseCurriculumForm({ h_1: '5', h_2: '', h_3: '1,5', h_9: '7' }, [1, 2, 3])
  t.same(form.ok && [...form.value], [[1, 5], [2, null], [3, 1.5]], 'only the listed subjects are read')
  const bad = parseCurriculumForm({ h_1: '5', h_2: '12' }, [1, 2])
  t.same(!bad.ok && Object.keys(bad.errors), ['h_2'])
})

t.test('R-ORG-2: class labels, letters, group names and membership changes', async (t) => {
  t.equal(classLabel(5, 'А'), '5А')
  t.equal(classLabel(11, 'Б'), '11Б')
  for (const [input, out] of [['а', 'А'], [' б ', 'Б'], ['1', '1'], ['', null], ['АБВГ', null], ['5-А', null]] as const) {
    t.equal(normalizeLetter(input), out, `letter «${input}»`)
  }
  t.equal(defaultGroupName('subgroup', 'Английский язык', 1, 5), 'Английский язык, 1 гр.')
  t.equal(defaultGroupName('cross', 'Информатика', 0, 10), 'Информатика, 10 кл. (сводная)')
  t.equal(defaultGroupName('individual', 'Математика', 1, 3), 'Математика, инд. план')
  t.same(membershipChanges([1, 2, 3], [3, 4, 1]), { add: [4], remove: [2] })
  t.same(membershipChanges([], []), { add: [], remove: [] })
  t.same(membershipChanges([5], []), { add: [], remove: [5] })
  t.equal(memberCountError('individual', 2), 'В группе индивидуального плана может быть только один ученик.')
  t.equal(memberCountError('individual', 1), null)
  t.equal(memberCountError('subgroup', 30), null)
})

t.test('R-ORG-3: workload and group forms', async (t) => {
  t.same(parseWorkloadForm({ teacher_id: '3', subject_id: '4', target: 'c:5' }), { ok: true, value: { teacher_id: 3, subject_id: 4, class_id: 5, group_id: null } })
  t.same(parseWorkloadForm({ teacher_id: '3', subject_id: '4', target: 'g:6' }), { ok: true, value: { teacher_id: 3, subject_id: 4, class_id: null, group_id: 6 } })
  const bad = parseWorkloadForm({ teacher_id: 'x', subject_id: '', target: 'z:1' })
  t.same(!bad.ok && Object.keys(bad.errors).sort(), ['subject_id', 'target', 'teacher_id'])
  t.same(parseGroupForm({ kind: 'cross', grade: '10', subject_id: '2', class_id: '9', name: '' }),
    { ok: true, value: { kind: 'cross', class_id: null, subject_id: 2, grade: 10, name: '' } }, 'a cross group ignores the class')
  const noClass = parseGroupForm({ kind: 'subgroup', subject_id: '2' })
  t.same(!noClass.ok && Object.keys(noClass.errors), ['class_id'])
})
