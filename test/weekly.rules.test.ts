// Pure rules of the weekly report for families (R-ARC-1): who prints, whose pages, the sheet of one student.
import t from 'tap'
import {
  buildSheet, defaultWho, denser, densityFor, estimateHeight, lastDay, mayPrintWeekly, parseWho, periodOfWeek, selectStudents,
  held, teacherReason, truncateToFit, weeklySubjectKey, type ClassData, type SheetRow, type StudentLesson, type StudentWeekInput,
} from '../src/features/reports-weekly/weekly.rules.js'
import { weekOf } from '../src/features/attendance/attendance.rules.js'
import type { Role } from '../src/db/types.js'

t.test('R-ARC-1: who prints a class’s weekly reports', async (t) => {
  const cases: [string, Role[], number[], boolean][] = [
    ['class teacher of the class', ['teacher'], [5], true],
    ['class teacher of another class', ['teacher'], [6], false],
    ['admin', ['admin'], [], true],
    ['director', ['director'], [], true],
    ['deputy', ['deputy'], [], true],
    ['subject teacher', ['teacher'], [], false],
    ['scheduler', ['scheduler'], [], false],
    ['clerk', ['clerk'], [], false],
    ['student', ['student'], [], false],
    ['parent', ['parent'], [], false],
  ]
  for (const [name, roles, classTeacherOf, ok] of cases) t.equal(mayPrintWeekly({ roles, classTeacherOf }, 5), ok, name)
})

t.test('R-ARC-1: whose pages: the whole class, the «paper» families, one student', async (t) => {
  t.equal(parseWho('all'), 'all')
  t.equal(parseWho('paper'), 'paper')
  t.equal(parseWho('student'), 'student')
  t.equal(parseWho('everyone'), null)
  t.equal(parseWho(''), null)
  const roster = [{ studentId: 1, channel: 'diary' as const }, { studentId: 2, channel: 'paper' as const }, { studentId: 3, channel: 'email' as const }]
  t.same(selectStudents(roster, 'all', null).map((s) => s.studentId), [1, 2, 3])
  t.same(selectStudents(roster, 'paper', null).map((s) => s.studentId), [2])
  t.same(selectStudents(roster, 'student', 3).map((s) => s.studentId), [3])
  t.same(selectStudents(roster, 'student', 99), [], 'a student outside the class selects nobody')
  t.equal(defaultWho(['diary', 'paper']), 'paper', 'the preview opens on the paper families')
  t.equal(defaultWho(['diary', 'email']), 'all')
  t.equal(weeklySubjectKey(7, '2026-11-16', 'all', null), 'weekly:class:7:2026-11-16:all')
  t.equal(weeklySubjectKey(7, '2026-11-16', 'paper', null), 'weekly:class:7:2026-11-16:paper')
  t.equal(weeklySubjectKey(7, '2026-11-16', 'student', 42), 'weekly:class:7:2026-11-16:student:42', 'one student’s page does not supersede another’s')
})

t.test('R-ARC-1: the week’s last day and the period of the averages', async (t) => {
  const week = weekOf('2026-11-18', '2026-01-01')
  t.equal(week.monday, '2026-11-16')
  t.equal(lastDay(week, ['2026-11-16', '2026-11-20']), '2026-11-20', 'a five-day week ends on Friday')
  t.equal(lastDay(week, ['2026-11-16', '2026-11-21']), '2026-11-21', 'lessons on Saturday: the week ends on Saturday')
  const periods = [
    { id: 1, number: 1, starts_on: '2026-09-01', ends_on: '2026-10-25' },
    { id: 2, number: 2, starts_on: '2026-11-05', ends_on: '2026-12-28' },
  ]
  t.equal(periodOfWeek(periods, '2026-11-16', '2026-11-20')?.id, 2)
  t.equal(periodOfWeek(periods, '2026-10-26', '2026-10-30')?.id, 1, 'a holiday week: the last period begun')
  t.equal(periodOfWeek(periods, '2026-11-02', '2026-11-06')?.id, 2, 'a week across the start: the period of its end')
  t.equal(periodOfWeek(periods, '2026-08-24', '2026-08-28'), null, 'before the year: no period')
})

t.test('R-ARC-1: a teacher’s reason without the late-entry permission number', async (t) => {
  const cases: [string, string][] = [
    ['пересдача', 'пересдача'],
    ['пересдача; разрешение № 3', 'пересдача'],
    ['разрешение № 12', ''],
    ['', ''],
    ['ошибка ввода, разрешение не нужно', 'ошибка ввода, разрешение не нужно'],
  ]
  for (const [input, out] of cases) t.equal(teacherReason(input), out, JSON.stringify(input))
})

type Lesson = StudentLesson
const lesson = (o: Partial<Lesson> & Pick<Lesson, 'date' | 'number' | 'subject'>): Lesson =>
  ({ change: null, homework: '', individualHomework: null, marks: [], absence: null, ...o })

const week: StudentWeekInput = {
  studentId: 5,
  lessons: [
    lesson({ date: '2026-11-16', number: 1, subject: 'Математика', homework: '№ 101', marks: [
      { column: 2, value: '4', kind: 'Ответ на уроке' }, { column: 1, value: '5', kind: 'Контрольная работа' }] }),
    lesson({ date: '2026-11-16', number: 2, subject: 'Русский язык' }),
    lesson({ date: '2026-11-17', number: 1, subject: 'Математика', change: 'cancelled', homework: 'Не было урока' }),
    lesson({ date: '2026-11-19', number: 1, subject: 'Математика', homework: '§ 12', individualHomework: 'Карточка № 3', absence: { reason: 'illness' } }),
    lesson({ date: '2026-11-19', number: 2, subject: 'Математика', homework: '§ 12' }),
    lesson({ date: '2026-11-20', number: 1, subject: 'Русский язык', change: 'transfer', absence: { reason: null } }),
  ],
  lateMarks: [{ date: '2026-11-12', column: 1, value: '3', kind: 'Диктант', subject: 'Русский язык' }],
}

const classData: ClassData = {
  periodMarks: [
    { studentId: 5, subject: 'Математика', value: '4', weight: 1 },
    { studentId: 5, subject: 'Математика', value: '5', weight: 2 },
    { studentId: 5, subject: 'Математика', value: '4', weight: 1 },
    { studentId: 5, subject: 'История', value: '4/5', weight: 1 },
    { studentId: 6, subject: 'Математика', value: '2', weight: 2 },
  ],
  corrections: [
    { studentId: 5, date: '2026-11-16', subject: 'Математика', column: 1, oldValue: '4', newValue: '5', reason: 'пересдача; разрешение № 3', at: '2026-11-18T08:00:00Z' },
    { studentId: 5, date: '2026-11-16', subject: 'Математика', column: 2, oldValue: '3', newValue: '4', reason: 'разрешение № 4', at: '2026-11-18T08:00:00Z' },
    { studentId: 6, date: '2026-11-16', subject: 'Математика', column: 1, oldValue: '3', newValue: null, reason: 'ошибка', at: '2026-11-18T08:00:00Z' },
  ],
  subjectOrder: new Map([['Математика', 10], ['Русский язык', 20], ['История', 40]]),
}

t.test('R-ARC-1: one student’s week by subject, with averages and comments', async (t) => {
  const sheet = buildSheet(week, classData)
  t.same(sheet.rows.map((r) => r.subject), ['Математика', 'Русский язык', 'История'], 'subjects in school order; a subject with period marks only is kept')
  const [math, russian, history] = sheet.rows
  t.same(math.marks, [
    { date: '2026-11-16', value: '5', kind: 'Контрольная работа', late: false },
    { date: '2026-11-16', value: '4', kind: 'Ответ на уроке', late: false },
  ], 'marks in column order')
  t.same(math.absences, [{ date: '2026-11-19', number: 1, reason: 'illness' }])
  t.same(math.homework, [
    { date: '2026-11-16', text: '№ 101', individual: false },
    { date: '2026-11-19', text: '§ 12', individual: false },
    { date: '2026-11-19', text: 'Карточка № 3', individual: true },
  ], 'the same homework of two lessons on one day is printed once; a cancelled lesson’s is not printed')
  t.equal(math.average, '4,50', 'weighted: (4·1 + 5·2 + 4·1) / 4')
  t.same(russian.marks, [{ date: '2026-11-12', value: '3', kind: 'Диктант', late: true }], 'a mark entered this week for an earlier lesson, with that lesson’s date')
  t.same(russian.absences, [{ date: '2026-11-20', number: 1, reason: null }], 'a transferred lesson is held')
  t.equal(russian.average, '', 'no marks in the period, no average')
  t.equal(history.average, '4,50', 'a double mark counts as two marks')
  t.same(sheet.absences, { total: 2, illness: 1, valid: 0, invalid: 0, none: 1 })
  t.same(sheet.comments, [{ date: '2026-11-16', subject: 'Математика', oldValue: '4', newValue: '5', reason: 'пересдача' }],
    'only this student’s corrections; one with only a permission number says nothing to a family and is left out')
  t.equal(sheet.density, 0)
  t.ok(held({ change: 'extra' }) && held({ change: 'transfer' }) && held({ change: null }) && !held({ change: 'cancelled' }) && !held({ change: 'moved' }))
})

t.test('R-ARC-1: a full week shrinks to fit one page; pasted-in homework is cut last', async (t) => {
  const row = (i: number, hw: string, marks = 2, kind = 'Самостоятельная работа'): SheetRow => ({
    subject: `Предмет ${i}`, average: '4,00', absences: [],
    marks: Array.from({ length: marks }, () => ({ date: '2026-11-16', value: '5', kind, late: false })),
    homework: [{ date: '2026-11-16', text: hw, individual: false }, { date: '2026-11-18', text: hw, individual: false }],
  })
  const light = Array.from({ length: 10 }, (_, i) => row(i, '§ 5, № 3', 1, 'Ответ на уроке'))
  t.equal(densityFor(light, []), 0, 'an ordinary week (10 subjects, a mark and two homeworks each) prints at the normal size')
  const full = Array.from({ length: 14 }, (_, i) => row(i, 'Прочитать параграф 12, ответить на вопросы 1–5 письменно', 3))
  const d = densityFor(full, [])
  t.ok(d > 0, `a heavy week prints smaller (density ${d})`)
  t.ok(estimateHeight(full, [], 0) > estimateHeight(full, [], 2), 'smaller type takes less height')

  const pasted = Array.from({ length: 12 }, (_, i) => row(i, 'Очень длинное задание. '.repeat(60)))
  const sheet = truncateToFit({ studentId: 1, rows: pasted, absences: { total: 0, illness: 0, valid: 0, invalid: 0, none: 0 }, comments: [], density: 2, dayChars: 8 })
  t.equal(sheet.density, 2)
  t.ok(sheet.rows.every((r) => r.homework.every((h) => h.text.length < 400 && h.text.endsWith('…'))), 'homework texts are cut with «…»')
  t.ok(sheet.rows.every((r) => r.marks.length === 2 && r.average === '4,00'), 'marks and averages are never cut')
  t.equal(denser({ ...sheet, density: 0 }).density, 1)
  t.equal(denser(sheet).density, 2, 'the smallest stays the smallest')
})
