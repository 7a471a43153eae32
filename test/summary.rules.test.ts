// Pure rules of the archive printouts, as tables: who may do what, decisions and the council date, the columns
// and parts of the summary sheet, the year journal's sheets, numbers in words, the decisions form (R-ARC-2,3).
import t from 'tap'
import {
  balancedParts, councilDateRefusal, decisionRefusal, evenChunks, genderOf, isDebt, legendOf, monthSpans, numberInWords, rightsOf,
  sheetLayout, subjectColumns, SHEET_WIDTH,
} from '../src/features/archive-print/archive-print.rules.js'
import { parseDecisionsForm } from '../src/features/archive-print/archive-print.form.js'
import { cssTokens } from '../src/features/archive-print/year-journal.service.js'
import type { FinalKind, Role } from '../src/db/types.js'

t.test('R-ARC-2,3: rightsOf — one place decides who reads, decides and issues', async (t) => {
  const cls = (status: 'open' | 'closed' = 'open') => ({ classTeacherId: 7, yearStatus: status })
  const who = (roles: Role[], personId = 1) => ({ personId, roles })
  const cases: [string, ReturnType<typeof who>, 'open' | 'closed', { read: boolean; issueSummary: boolean; decisions: boolean; decide: boolean; journal: boolean }][] = [
    ['admin', who(['admin']), 'open', { read: true, issueSummary: true, decisions: false, decide: false, journal: true }],
    ['director', who(['director']), 'open', { read: true, issueSummary: true, decisions: false, decide: false, journal: true }],
    ['deputy', who(['deputy']), 'open', { read: true, issueSummary: true, decisions: true, decide: true, journal: true }],
    ['deputy, closed year', who(['deputy']), 'closed', { read: true, issueSummary: false, decisions: true, decide: false, journal: true }],
    ['class teacher of the class', who(['teacher'], 7), 'open', { read: true, issueSummary: true, decisions: true, decide: true, journal: false }],
    ['class teacher, closed year', who(['teacher'], 7), 'closed', { read: true, issueSummary: false, decisions: true, decide: false, journal: false }],
    ['another teacher', who(['teacher'], 8), 'open', { read: false, issueSummary: false, decisions: false, decide: false, journal: false }],
    ['scheduler', who(['scheduler']), 'open', { read: false, issueSummary: false, decisions: false, decide: false, journal: false }],
    ['clerk', who(['clerk']), 'open', { read: false, issueSummary: false, decisions: false, decide: false, journal: false }],
    ['student', who(['student']), 'open', { read: false, issueSummary: false, decisions: false, decide: false, journal: false }],
    ['parent', who(['parent']), 'open', { read: false, issueSummary: false, decisions: false, decide: false, journal: false }],
  ]
  for (const [label, user, status, want] of cases) t.same(rightsOf(user, cls(status)), want, label)
  t.same(rightsOf(who(['teacher'], 7), { classTeacherId: null, yearStatus: 'open' }).read, false, 'a class without a class teacher')
})

t.test('R-ARC-2: decisions fit the grade; the council sits within the year or the summer after, never in the future', async (t) => {
  const cases: [Parameters<typeof decisionRefusal>[0], number, ReturnType<typeof decisionRefusal>][] = [
    ['promoted', 5, null], ['conditional', 8, null], ['retained', 5, null], ['graduated', 5, 'notGraduating'],
    ['graduated', 9, null], ['promoted', 9, null], ['graduated', 11, null], ['promoted', 11, 'noNextGrade'], ['conditional', 11, 'noNextGrade'], ['retained', 11, null],
  ]
  for (const [d, grade, want] of cases) t.equal(decisionRefusal(d, grade), want, `${d} in grade ${grade}`)
  const year = { starts_on: '2026-09-01', ends_on: '2027-05-31' }
  const dates: [string, string, ReturnType<typeof councilDateRefusal>][] = [
    ['2027-05-28', '2027-06-01', null], ['2026-08-31', '2027-06-01', 'beforeYear'], ['2027-06-02', '2027-06-01', 'future'],
    ['2027-08-31', '2027-10-01', null], ['2027-09-01', '2027-10-01', 'tooLate'], ['2026-12-25', '2026-12-25', null],
  ]
  for (const [date, today, want] of dates) t.equal(councilDateRefusal(date, year, today), want, `${date} (today ${today})`)
  t.same(['5', '4', '3', '2', '1', 'осв', 'н/а'].map(isDebt), [false, false, false, true, true, false, true], 'academic debts')
})

t.test('the grammatical gender from the patronymic, «(а)» when unknown', async (t) => {
  const cases: [string, ReturnType<typeof genderOf>][] = [
    ['Сергеевич', 'm'], ['Ильич', 'm'], ['Павловна', 'f'], ['Ильинична', 'f'], ['Кузьминична', 'f'], ['Мамед оглы', 'm'], ['Алиевна', 'f'],
    ['Рашид кызы', 'f'], ['', null], ['Smith', null],
  ]
  for (const [m, want] of cases) t.equal(genderOf(m), want, m || '(none)')
})

t.test('R-ARC-2: the columns of a subject follow the scheme and the marks present', async (t) => {
  const quarters = [{ id: 13, number: 3 }, { id: 11, number: 1 }, { id: 12, number: 2 }, { id: 14, number: 4 }]
  const keys = (present: FinalKind[], grade: number, periods = quarters) => subjectColumns(periods, new Set(present), grade).map((c) => c.key)
  t.same(keys([], 5), ['p11', 'p12', 'p13', 'p14', 'year'], 'grade 5: four quarters in order and the year')
  t.same(keys(['attestation'], 5), ['p11', 'p12', 'p13', 'p14', 'attestation', 'year'], 'the attestation when someone has one')
  t.same(keys([], 9), ['p11', 'p12', 'p13', 'p14', 'year', 'final'], 'grade 9: the final mark always')
  t.same(keys(['exam'], 9), ['p11', 'p12', 'p13', 'p14', 'year', 'exam', 'final'], 'the exam where it was sat')
  t.same(keys([], 10, [{ id: 5, number: 1 }, { id: 6, number: 2 }]), ['p5', 'p6', 'year'], 'halves')
})

t.test('R-ARC-2: the sheet is portrait for few subjects, landscape parts of balanced width otherwise', async (t) => {
  const subj = (n: number, cols = 5) => Array.from({ length: n }, (_, i) => ({ id: i, columns: Array.from({ length: cols }, () => 0) }))
  const widths = (l: ReturnType<typeof sheetLayout>) => l.parts.map((p) => p.reduce((w, s) => w + s.columns.length, 0))
  const cases: [string, { id: number; columns: number[] }[], boolean, number[]][] = [
    ['3 subjects × 5 columns', subj(3), false, [15]],
    ['4 subjects × 6 columns: too wide for portrait', subj(4, 6), true, [24]],
    ['8 subjects × 4 columns', subj(8, 4), true, [32]],
    ['9 subjects: more than the portrait threshold', subj(9, 1), true, [9]],
    ['11 subjects × 5 (a 5th grade): 7 + 4, the last part also carrying absences and decisions', subj(11), true, [35, 20]],
    ['15 subjects × 6 (a 9th grade)', subj(15, 6), true, [36, 36, 18]],
  ]
  for (const [label, subjects, landscape, want] of cases) {
    const l = sheetLayout(subjects)
    t.equal(l.landscape, landscape, `${label}: ${landscape ? 'landscape' : 'portrait'}`)
    t.same(widths(l), want, `${label}: parts ${want.join(' + ')}`)
    t.same(l.parts.flat().map((s) => s.id), subjects.map((s) => s.id), `${label}: every subject once, in order`)
    const last = widths(l).length - 1
    t.ok(widths(l).every((w, i) => w + (i === last ? SHEET_WIDTH.extras : 0) <= (l.landscape ? SHEET_WIDTH.landscape : SHEET_WIDTH.portrait)), `${label}: each part fits`)
  }
  t.same(balancedParts([5, 5, 5, 5, 12], 2), [[0, 1, 2], [3, 4]], 'the extras weigh on the last part')
  t.same(balancedParts([1, 1, 1], 3), [[0], [1], [2]], 'never an empty part')
  t.same(legendOf([{ name: 'Математика', short: 'Матем.' }, { name: 'История', short: 'История' }, { name: 'ИЗО', short: '' }]),
    [{ short: 'Матем.', name: 'Математика' }], 'only abbreviations are explained')
})

t.test('R-ARC-3: lesson columns are cut into even sheets of at most 25; months span their lessons', async (t) => {
  const n = (k: number) => Array.from({ length: k }, (_, i) => i)
  const cases: [number, number[]][] = [[0, []], [1, [1]], [25, [25]], [26, [13, 13]], [47, [24, 23]], [50, [25, 25]], [51, [17, 17, 17]]]
  for (const [k, want] of cases) {
    const chunks = evenChunks(n(k))
    t.same(chunks.map((c) => c.length), want, `${k} lessons → ${want.join(' + ') || 'nothing'}`)
    t.same(chunks.flat(), n(k), `${k}: all lessons, in order`)
  }
  t.same(monthSpans(['2026-09-01', '2026-09-28', '2026-10-02', '2026-10-05', '2027-01-12']), [{ month: 9, span: 2 }, { month: 10, span: 2 }, { month: 1, span: 1 }])
})

t.test('R-ARC-3: the sheet count in words, as a certifying note writes it', async (t) => {
  const cases: [number, string][] = [
    [1, 'один'], [2, 'два'], [11, 'одиннадцать'], [19, 'девятнадцать'], [20, 'двадцать'], [21, 'двадцать один'], [40, 'сорок'],
    [100, 'сто'], [112, 'сто двенадцать'], [135, 'сто тридцать пять'], [152, 'сто пятьдесят два'], [200, 'двести'], [999, 'девятьсот девяносто девять'],
    [1000, 'одна тысяча'], [2001, 'две тысячи один'], [5000, 'пять тысяч'], [0, 'ноль'],
  ]
  for (const [n, words] of cases) t.equal(numberInWords(n), words, String(n))
  t.throws(() => numberInWords(-1))
  t.same(cssTokens('лист {n} из {m}', { n: { counter: 'page' }, m: { counter: 'pages' } }),
    [{ text: 'лист ' }, { counter: 'page' }, { text: ' из ' }, { counter: 'pages' }], 'a message with slots becomes CSS content')
  t.same(cssTokens('Школа "№ 1" <b>', {}), [{ text: 'Школа  № 1   b ' }], 'nothing can close the CSS string or the style element')
})

t.test('R-ARC-2: the decisions form — every field checked, nothing half-parsed', async (t) => {
  const ctx = {
    students: [{ id: 1, current: null }, { id: 2, current: 'promoted' as const }, { id: 3, current: null }],
    grade: 5, year: { starts_on: '2026-09-01', ends_on: '2027-05-31' }, today: '2027-06-01',
  }
  const ok = parseDecisionsForm({ d_1: 'promoted', d_2: 'conditional', d_3: '', council_date: '28.05.2027', protocol: '№ 7' }, ctx)
  t.same(ok, { ok: true, value: { writes: [{ studentId: 1, decision: 'promoted' }, { studentId: 2, decision: 'conditional' }], council: { date: '2027-05-28', protocol: '7' } } },
    'decided students, the date in ISO, the protocol without «№»')
  const cases: [string, Record<string, string>, string[]][] = [
    ['a recorded decision cannot be cleared', { d_1: 'promoted', d_2: '', council_date: '28.05.2027', protocol: '7' }, ['d_2']],
    ['an unknown decision', { d_1: 'expelled', d_2: 'promoted', council_date: '28.05.2027', protocol: '7' }, ['d_1']],
    ['«окончил» in grade 5', { d_1: 'graduated', d_2: 'promoted', council_date: '28.05.2027', protocol: '7' }, ['d_1']],
    ['no date, no protocol', { d_1: 'promoted', d_2: 'promoted' }, ['council_date', 'protocol']],
    ['a date that is not one', { d_2: 'promoted', council_date: '31.02.2027', protocol: '7' }, ['council_date']],
    ['a council in the future', { d_2: 'promoted', council_date: '02.06.2027', protocol: '7' }, ['council_date']],
    ['a protocol number too long', { d_2: 'promoted', council_date: '28.05.2027', protocol: '1'.repeat(31) }, ['protocol']],
  ]
  for (const [label, body, fields] of cases) {
    const r = parseDecisionsForm(body, ctx)
    t.notOk(r.ok, label)
    if (!r.ok) t.same(Object.keys(r.errors).sort(), [...fields].sort(), `${label}: ${fields.join(', ')}`)
  }
  const all = parseDecisionsForm({ all: 'conditional', d_2: 'promoted', d_3: 'retained', council_date: '28.05.2027', protocol: '7' }, ctx)
  t.same(all.ok && all.value.writes, [{ studentId: 1, decision: 'conditional' }, { studentId: 2, decision: 'promoted' }, { studentId: 3, decision: 'retained' }],
    '«all» fills the undecided (1), leaves the recorded (2) and the chosen (3) alone')
  const allBad = parseDecisionsForm({ all: 'graduated', d_2: 'promoted', council_date: '28.05.2027', protocol: '7' }, ctx)
  t.ok(!allBad.ok && 'all' in allBad.errors && !('d_1' in allBad.errors), '«all» refused for the grade, on its own field')
  const none = parseDecisionsForm({ council_date: '28.05.2027', protocol: '7' }, { ...ctx, students: [{ id: 1, current: null }] })
  t.ok(!none.ok && 'decisions' in none.errors, 'nothing chosen for anyone')
})
