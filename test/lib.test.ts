// Dates (ДД.ММ.ГГГГ), form helpers and configuration validation.
import t from 'tap'
import { parseDate, fmtDate, addDays, weekday, mondayOf } from '../src/lib/dates.js'
import { safeNext, toId, keepInput } from '../src/lib/forms.js'
import { loadConfig, ConfigError } from '../src/config.js'

t.test('dates typed by people and sent by date inputs', async (t) => {
  const cases: [string, string | null][] = [
    ['01.09.2026', '2026-09-01'], ['1.9.2026', '2026-09-01'], ['2026-09-01', '2026-09-01'], [' 31.12.2026 ', '2026-12-31'],
    ['29.02.2028', '2028-02-29'], ['29.02.2027', null], ['31.04.2027', null], ['2027-13-01', null], ['01/09/2026', null], ['', null],
  ]
  for (const [input, want] of cases) t.equal(parseDate(input), want, JSON.stringify(input))
  t.equal(fmtDate('2026-09-01'), '01.09.2026')
  t.equal(fmtDate(null), '')
  t.equal(addDays('2026-12-31', 1), '2027-01-01')
  t.equal(addDays('2027-03-01', -1), '2027-02-28')
  t.equal(weekday('2026-11-22'), 7, 'Sunday')
  t.equal(mondayOf('2026-11-22'), '2026-11-16')
  t.equal(mondayOf('2026-11-16'), '2026-11-16')
})

t.test('forms', async (t) => {
  t.equal(safeNext('/journal?x=1'), '/journal?x=1')
  t.equal(safeNext('//evil.example'), '/')
  t.equal(safeNext('https://evil.example'), '/')
  t.equal(safeNext('/\\evil'), '/')
  t.equal(toId('12'), 12)
  t.equal(toId('0'), null)
  t.equal(toId('1e3'), null)
  t.equal(toId('-1'), null)
  t.same(keepInput({ _csrf: 'x', login: 'a', password: 'p' }, ['password']), { login: 'a' })
})

t.test('configuration: defaults and validation', async (t) => {
  const c = loadConfig({})
  t.equal(c.port, 3000)
  t.equal(c.dbFile, 'data/school.sqlite')
  t.equal(c.idleTimeoutMinutes, 30)
  t.equal(loadConfig({ PORT: '8080', COOKIE_SECURE: 'yes' }).port, 8080)
  t.equal(loadConfig({ COOKIE_SECURE: 'yes' }).cookieSecure, true)
  t.throws(() => loadConfig({ PORT: 'eighty' }), { name: 'ConfigError' })
  t.throws(() => loadConfig({ PORT: '70000' }), { name: 'ConfigError' })
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), { name: 'ConfigError' })
  t.throws(() => loadConfig({ SESSION_SECRET: 'short' }), { name: 'ConfigError' })
  t.throws(() => loadConfig({ COOKIE_SECURE: 'maybe' }), { name: 'ConfigError' })
})
