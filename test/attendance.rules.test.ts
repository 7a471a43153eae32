// Table tests of the weekly absence-reason rules: access, the week, grouping with totals, and the form (R-J-5).
import t from 'tap'
import type { Role } from '../src/db/types.js'
import { groupWeek, reasonsAccess, seesAllClasses, weekOf, type WeekAbsence } from '../src/features/attendance/attendance.rules.js'
import { parseReasons } from '../src/features/attendance/attendance.form.js'

t.test('R-J-5 R-ROLE-6 who sets the reasons of class 7', async (t) => {
  const cases: [string, Role[], number[], 'edit' | 'read' | null, boolean][] = [
    ['class teacher of 7', ['teacher'], [7], 'edit', false],
    ['class teacher of 7 and 8', ['teacher'], [8, 7], 'edit', false],
    ['class teacher of another class', ['teacher'], [8], null, false],
    ['deputy (stands in for the class teacher)', ['deputy'], [], 'edit', true],
    ['admin reads', ['admin'], [], 'read', true],
    ['director reads', ['director'], [], 'read', true],
    ['teacher without a class', ['teacher'], [], null, false],
    ['scheduler', ['scheduler'], [], null, false],
    ['clerk', ['clerk'], [], null, false],
    ['student', ['student'], [], null, false],
    ['parent', ['parent'], [], null, false],
    ['admin who leads class 7 edits it', ['admin', 'teacher'], [7], 'edit', true],
  ]
  for (const [name, roles, classTeacherOf, want, all] of cases) {
    t.equal(reasonsAccess({ roles, classTeacherOf }, 7), want, name)
    t.equal(seesAllClasses({ roles, classTeacherOf }), all, `${name}: picks from every class = ${all}`)
  }
})

t.test('R-J-5 the week shown is Monday to Saturday', async (t) => {
  const cases: [string, string, string][] = [
    ['', '2026-11-22', '2026-11-16'], // Sunday: the week just finished
    ['', '2026-11-16', '2026-11-16'],
    ['2026-11-11', '2026-11-22', '2026-11-09'],
    ['11.11.2026', '2026-11-22', '2026-11-09'],
    ['14.11.2026', '2026-11-22', '2026-11-09'],
    ['31.02.2026', '2026-11-22', '2026-11-16'], // not a date: the current week
    ['garbage', '2026-11-22', '2026-11-16'],
    ['2027-01-01', '2026-11-22', '2026-12-28'], // across the new year
  ]
  for (const [input, today, monday] of cases) {
    const w = weekOf(input, today)
    t.equal(w.monday, monday, `«${input}» on ${today} → ${monday}`)
    t.equal(w.days.length, 6)
    t.equal(w.saturday, w.days[5])
  }
  const w = weekOf('2026-11-11', '2026-11-22')
  t.same([w.prev, w.next, w.saturday], ['2026-11-02', '2026-11-16', '2026-11-14'])
})

const abs = (lessonId: number, studentId: number, date: string, lessonNumber: number, reason: WeekAbsence['reason'] = null): WeekAbsence =>
  ({ lessonId, studentId, date, lessonNumber, subject: 'Математика', groupName: null, reason })

t.test('R-J-5 the week per student and day, with totals by reason', async (t) => {
  const week = weekOf('2026-11-09', '2026-11-22')
  const roster = [
    { studentId: 1, name: 'Антонов', spans: [{ from: '2026-11-09', to: '2026-11-14' }] },
    { studentId: 2, name: 'Борисова', spans: [{ from: '2026-11-09', to: '2026-11-14' }] },
    // Left on Wednesday: Thursday's absence (recorded in the new class) is not this class's.
    { studentId: 3, name: 'Волков', spans: [{ from: '2026-11-09', to: '2026-11-11' }] },
  ]
  const absences = [
    abs(11, 1, '2026-11-10', 3, 'illness'), abs(10, 1, '2026-11-10', 2, 'illness'), abs(12, 1, '2026-11-12', 1, 'invalid'),
    abs(13, 3, '2026-11-11', 1), abs(14, 3, '2026-11-12', 1),
    abs(15, 9, '2026-11-10', 1), // not in the class at all
  ]
  const { students, totals } = groupWeek(roster, absences, week)
  t.same(students.map((s) => s.name), ['Антонов', 'Борисова', 'Волков'], 'every student of the week, absent or not')
  t.same(students[0].days.map((d) => [d.date, d.absences.map((a) => a.lessonNumber)]), [['2026-11-10', [2, 3]], ['2026-11-12', [1]]],
    'days in order, lessons in order')
  t.same(students[0].totals, { total: 3, illness: 2, valid: 0, invalid: 1, none: 0 })
  t.same(students[1].days, [])
  t.same(students[1].totals.total, 0)
  t.same(students[2].days.map((d) => d.date), ['2026-11-11'], 'only the days in the class')
  t.same(students[2].partial, { from: '2026-11-09', to: '2026-11-11' })
  t.equal(students[0].partial, null)
  t.same(totals, { total: 4, illness: 2, valid: 0, invalid: 1, none: 1 })
})

t.test('R-J-5 the reasons form: per lesson, whole day, clearing, bad values', async (t) => {
  const week = [abs(10, 1, '2026-11-10', 2), abs(11, 1, '2026-11-10', 3, 'valid'), abs(12, 2, '2026-11-10', 1, 'illness')]
  const cases: [string, Record<string, string>, unknown][] = [
    ['nothing sent changes nothing', {}, []],
    ['unchanged values change nothing', { r_10_1: '', r_11_1: 'valid', r_12_2: 'illness' }, []],
    ['one lesson', { r_10_1: 'illness', r_11_1: 'valid' }, [{ lessonId: 10, studentId: 1, before: null, after: 'illness' }]],
    ['clearing a reason', { r_12_2: '' }, [{ lessonId: 12, studentId: 2, before: 'illness', after: null }]],
    ['a day field under another name is ignored', { r_10_1: '', r_11_1: 'valid', d_1_2026_11_10: 'invalid' }, []],
    ['the whole day wins over each lesson', { r_10_1: 'valid', r_11_1: 'invalid', 'd_1_2026-11-10': 'illness' }, [
      { lessonId: 10, studentId: 1, before: null, after: 'illness' }, { lessonId: 11, studentId: 1, before: 'valid', after: 'illness' }]],
    ['the whole day', { r_10_1: '', r_11_1: 'valid', 'd_1_2026-11-10': 'invalid' }, [
      { lessonId: 10, studentId: 1, before: null, after: 'invalid' }, { lessonId: 11, studentId: 1, before: 'valid', after: 'invalid' }]],
    ['the whole day touches only lessons sent', { r_10_1: '', 'd_1_2026-11-10': 'illness' }, [{ lessonId: 10, studentId: 1, before: null, after: 'illness' }]],
    ['a field of an absence not on the page is ignored', { r_99_1: 'illness', r_10_7: 'illness' }, []],
    ['a bad value', { r_10_1: 'sick' }, { r_10_1: 'Выберите причину из списка.' }],
    ['a bad day value', { r_10_1: '', 'd_1_2026-11-10': 'x' }, { 'd_1_2026-11-10': 'Выберите причину из списка.' }],
  ]
  for (const [name, body, want] of cases) {
    const r = parseReasons(body, week)
    t.same(r.ok ? r.value : r.errors, want, name)
  }
})
