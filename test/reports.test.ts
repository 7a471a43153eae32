// The reports framework (R-REP-6): the list of reports per role, the shared filters and their errors, and the
// one Report value written as page, .csv and .xlsx with the same figures.
import t from 'tap'
import { world, ROLE_NAMES, parseReportCsv, xlsxSheets } from './reports.seed.js'
import { avg, formatCell, pct, reportCsv, reportText, reportXlsx, type Report } from '../src/features/reports/report.js'
import { parseRange, periodAt, type PeriodChoice } from '../src/features/reports/reports.filters.js'
import type { Year } from '../src/features/school/school.queries.js'

t.test('R-REP-6: percentages, averages and their printed form', async (t) => {
  // 7 of 10 lessons with homework → 70,0 %; 5 of 10 on time → 50,0 %; 2 of 3 → 66,7 %.
  const cases: [number, number, number | null][] = [[7, 10, 70], [5, 10, 50], [2, 3, 66.7], [0, 0, null], [3, 3, 100]]
  for (const [part, whole, want] of cases) t.equal(pct(part, whole), want, `${part}/${whole}`)
  t.equal(avg(19, 5), 3.8)
  t.equal(avg(0, 0), null)
  t.equal(formatCell(70, 'pct'), '70,0 %')
  t.equal(formatCell(null, 'pct'), '—')
  t.equal(formatCell(3.8, 'mark'), '3,80')
  t.equal(formatCell(-5.5, 'pct'), '−5,5 %', 'a fall takes the typographic minus')
  t.equal(formatCell('2026-11-10', 'date'), '10.11.2026')
  t.equal(formatCell('', 'text'), '')
})

const sample: Report = {
  title: 'Проверка', subtitle: 'неделя 09.11.2026–15.11.2026',
  tables: [{
    title: 'По учителям',
    columns: [{ key: 'who', label: 'Учитель', kind: 'text' }, { key: 'n', label: 'Уроков', kind: 'int' }, { key: 'hw', label: 'С д/з, %', kind: 'pct' }, { key: 'd', label: 'Изменение', kind: 'pct' }],
    rows: [{ cells: { who: '=HYPERLINK("x")', n: 10, hw: 70, d: -5.5 } }, { cells: { who: 'Итого', n: 0, hw: null, d: null }, strong: true }],
  }],
  notes: ['Доля считается от проведённых уроков.'],
}

t.test('R-REP-6: the .csv and the .xlsx carry the figures of the page', async (t) => {
  const csv = parseReportCsv(reportCsv(sample))
  t.equal(csv.length, reportText(sample).length, 'the CSV is the report text, line for line')
  t.same(csv.slice(0, 2), [['Проверка'], ['неделя 09.11.2026–15.11.2026']])
  t.same(csv[4], ['Учитель', 'Уроков', 'С д/з, %', 'Изменение'])
  t.same(csv[5], ["'=HYPERLINK(\"x\")", '10', '70,0 %', '−5,5 %'], 'a formula-looking name is written as text')
  t.same(csv[6], ['Итого', '0', '—', '—'])
  t.same(csv.at(-1), ['Доля считается от проведённых уроков.'])
  const sheets = await xlsxSheets(await reportXlsx(sample))
  const rows = sheets['По учителям']
  t.ok(rows, 'one worksheet per table, named after it')
  t.same(rows[3], ['Учитель', 'Уроков', 'С д/з, %', 'Изменение'])
  t.same(rows[4], ['=HYPERLINK("x")', 10, 70, -5.5], 'numbers stay numbers in Excel')
  t.same(rows[5], ['Итого', 0, null, null])
})

t.test('R-REP-6: the range filter — week, month, period, year — and its errors', async (t) => {
  const year = { id: 1, name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-05-31', status: 'open', adaptation_ends_on: null } as Year
  const periods: PeriodChoice[] = [
    { id: 1, scheme: 'quarter', number: 1, starts_on: '2026-09-01', ends_on: '2026-10-26', label: '1 четверть' },
    { id: 2, scheme: 'quarter', number: 2, starts_on: '2026-11-05', ends_on: '2026-12-28', label: '2 четверть' },
    { id: 5, scheme: 'half', number: 1, starts_on: '2026-09-01', ends_on: '2026-12-28', label: '1 полугодие' },
  ]
  const ok = (q: Record<string, string>, today = '2026-11-22') => parseRange(q, ['week', 'month', 'period', 'year'], year, periods, today)
  t.same(ok({}).range, { kind: 'week', from: '2026-11-16', to: '2026-11-22', period: null, label: 'неделя 16.11.2026–22.11.2026' })
  t.same(ok({ range: 'week', week: '11.11.2026' }).range.from, '2026-11-09')
  t.same(ok({ range: 'month', month: '2026-09' }).range, { kind: 'month', from: '2026-09-01', to: '2026-09-30', period: null, label: 'сентябрь 2026' })
  t.same(ok({ range: 'month', month: '2027-06' }).range.to, '2027-05-31', 'clipped to the year')
  t.same(ok({ range: 'period' }).range.period?.id, 2, 'the quarter around today, quarters before halves')
  t.same(ok({ range: 'period', period: '5' }).range.label, '1 полугодие 2026/2027')
  t.same(ok({ range: 'year' }).range, { kind: 'year', from: '2026-09-01', to: '2027-05-31', period: null, label: '2026/2027 учебный год' })
  t.same(ok({ range: 'week' }, '2028-01-10').range.from, '2027-05-31', 'a past year opens on its last week')
  t.ok(ok({ range: 'week', week: '31.02.2026' }).errors.week)
  t.ok(ok({ range: 'month', month: 'май' }).errors.month)
  t.ok(ok({ range: 'period', period: '99' }).errors.period)
  t.equal(periodAt(periods, '2026-10-30')?.id, 1, 'in the holidays: the quarter just ended, not the half around it')
  t.equal(periodAt(periods.slice(2), '2026-10-30')?.id, 5, 'a school of halves only')
})

t.test('R-REP-6: /reports lists the reports to staff who keep or check the journal, and no one else', async (t) => {
  const w = await world(t)
  for (const role of ROLE_NAMES) {
    const r = await w.as[role].get('/reports')
    if (role === 'anonymous') { t.equal(r.statusCode, 302, role); t.match(r.headers.location, /^\/login/); continue }
    const allowed = ['admin', 'director', 'deputy', 'teacher', 'classTeacher', 'teacher2'].includes(role)
    t.equal(r.statusCode, allowed ? 200 : 403, role)
    if (allowed) {
      t.match(r.body, 'href="/reports/control"', `${role} sees the control report`)
      t.notMatch(r.body, 'href="/reports/control/lessons"', 'the drill-down is reached from a figure, not listed')
      t.match(r.body, ['admin', 'director', 'deputy'].includes(role) ? 'по всей школе' : 'свои уроки', `${role} is told what they see`)
    }
  }
})

t.test('R-REP-6: a bad filter is answered on the same form with the input kept, and exports refuse it', async (t) => {
  const w = await world(t, ['deputy'])
  const r = await w.as.deputy.get('/reports/control?range=week&week=32.13.2026')
  t.equal(r.statusCode, 400)
  t.match(r.body, 'Введите дату в виде ДД.ММ.ГГГГ.')
  t.match(r.body, 'value="32.13.2026"', 'what was typed stays in the field')
  t.notMatch(r.body, 'control.csv', 'no export links for figures that were not asked for')
  t.equal((await w.as.deputy.get('/reports/control.csv?range=week&week=32.13.2026')).statusCode, 400)
  t.equal((await w.as.deputy.get('/reports/control?class=999999')).statusCode, 400, 'a class outside the choices')
  const csv = await w.as.deputy.get('/reports/control.csv')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], 'text/csv')
  t.match(csv.headers['content-disposition'], /attachment; filename="report.csv"; filename\*=UTF-8''/)
  const xlsx = await w.as.deputy.get('/reports/control.xlsx')
  t.match(xlsx.headers['content-type'], 'spreadsheetml')
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK')
})
