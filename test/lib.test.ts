// Dates (ДД.ММ.ГГГГ), form helpers, configuration validation and the limiter of heavy jobs.
import t from 'tap'
import { parseDate, fmtDate, addDays, weekday, mondayOf } from '../src/lib/dates.js'
import { safeNext, toId, keepInput } from '../src/lib/forms.js'
import { loadConfig, ConfigError } from '../src/config.js'
import { Limiter } from '../src/lib/limiter.js'

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

t.test('R-NF-2: the limiter runs at most N jobs, the others in their order, and a failed job frees its place', async (t) => {
  const limit = new Limiter(2)
  const started: number[] = []
  let running = 0
  let most = 0
  const gates = new Map<number, () => void>()
  const job = (n: number, fail = false) => limit.run(async () => {
    started.push(n)
    running++
    most = Math.max(most, running)
    await new Promise<void>((resolve) => gates.set(n, resolve))
    running--
    if (fail) throw new Error(`job ${n}`)
    return n
  })
  const tick = () => new Promise((r) => setImmediate(r))
  const all = [job(1, true), job(2), job(3), job(4), job(5)]
  await tick()
  t.same(started, [1, 2], 'two at once')
  t.same(limit.busy, { running: 2, waiting: 3 })
  gates.get(1)!()
  await t.rejects(all[0], /job 1/, 'a failure reaches its caller')
  await tick()
  t.same(started, [1, 2, 3], 'and frees its place for the next in line')
  for (const n of [2, 3, 4, 5]) { gates.get(n)?.(); await tick(); await tick() }
  t.same(await Promise.all(all.slice(1)), [2, 3, 4, 5])
  t.same(started, [1, 2, 3, 4, 5], 'first come, first served')
  t.equal(most, 2)
  t.same(limit.busy, { running: 0, waiting: 0 })
})

t.test('addDays and weekday count days without Date objects, and agree with Date for every day of 1900–2100', async (t) => {
  const cases: [string, number, string][] = [
    ['2026-09-01', 0, '2026-09-01'], ['2026-08-31', 1, '2026-09-01'], ['2026-12-31', 1, '2027-01-01'], ['2027-01-01', -1, '2026-12-31'],
    ['2028-02-28', 1, '2028-02-29'], ['2027-02-28', 1, '2027-03-01'], ['2100-02-28', 1, '2100-03-01'], ['2000-02-28', 1, '2000-02-29'],
    ['2026-11-16', 7, '2026-11-23'], ['2026-11-16', -7, '2026-11-09'], ['2026-09-01', 365, '2027-09-01'],
  ]
  for (const [from, n, want] of cases) t.equal(addDays(from, n), want, `${from} ${n >= 0 ? '+' : ''}${n}`)
  t.equal(weekday('2026-11-16'), 1, 'a Monday')
  t.equal(weekday('2026-11-22'), 7, 'a Sunday')
  t.equal(mondayOf('2026-11-22'), '2026-11-16')
  let disagree = 0
  for (let day = Date.UTC(1900, 0, 1) / 864e5; day <= Date.UTC(2100, 11, 31) / 864e5; day++) {
    const iso = new Date(day * 864e5).toISOString().slice(0, 10)
    const next = new Date((day + 40) * 864e5).toISOString().slice(0, 10)
    const wd = new Date(day * 864e5).getUTCDay() || 7
    if (addDays(iso, 40) !== next || addDays(next, -40) !== iso || weekday(iso) !== wd) disagree++
  }
  t.equal(disagree, 0)
})
