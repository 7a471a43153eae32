// Table tests of the pure auth rules: lockout, codes, login shape (R-ACC-1,4).
import t from 'tap'
import { afterFailure, isLocked, codeState, normalizeCode, formatCode, validLogin, CODE_ALPHABET } from '../src/features/auth/auth.rules.js'
import { generateCode } from '../src/features/auth/auth.service.js'

const NOW = new Date('2026-11-22T10:00:00Z')
const later = (min: number) => new Date(NOW.getTime() + min * 60_000).toISOString()

t.test('lockout counts failures in a row and locks at the threshold', async (t) => {
  const cases: { name: string; state: { failed_logins: number; locked_until: string | null }; want: { failed_logins: number; locked: boolean } }[] = [
    { name: 'first failure', state: { failed_logins: 0, locked_until: null }, want: { failed_logins: 1, locked: false } },
    { name: 'fourth failure', state: { failed_logins: 3, locked_until: null }, want: { failed_logins: 4, locked: false } },
    { name: 'fifth failure locks', state: { failed_logins: 4, locked_until: null }, want: { failed_logins: 0, locked: true } },
    { name: 'an expired lock restarts the count', state: { failed_logins: 4, locked_until: later(-1) }, want: { failed_logins: 1, locked: false } },
  ]
  for (const c of cases) {
    const next = afterFailure(c.state, NOW, 5, 15)
    t.equal(next.failed_logins, c.want.failed_logins, c.name)
    t.equal(isLocked(next, NOW), c.want.locked, `${c.name}: locked?`)
  }
  const locked = afterFailure({ failed_logins: 4, locked_until: null }, NOW, 5, 15)
  t.equal(locked.locked_until, later(15), 'locked for the configured minutes')
  t.notOk(isLocked(locked, new Date(NOW.getTime() + 15 * 60_000 + 1)), 'unlocks by itself')
})

t.test('code states', async (t) => {
  const base = { used_at: null, revoked_at: null, expires_at: later(60) }
  t.equal(codeState(undefined, NOW), 'unknown')
  t.equal(codeState(base, NOW), 'ok')
  t.equal(codeState({ ...base, used_at: later(-5) }, NOW), 'used')
  t.equal(codeState({ ...base, expires_at: later(-1) }, NOW), 'expired')
  t.equal(codeState({ ...base, revoked_at: later(-1) }, NOW), 'unknown', 'a revoked code is as good as none')
})

t.test('codes: typed by hand from paper', async (t) => {
  t.equal(normalizeCode(' k7qf-m3xa p9td '), 'K7QFM3XAP9TD')
  t.equal(formatCode('K7QFM3XAP9TD'), 'K7QF-M3XA-P9TD')
  for (const ch of '01OIL') t.notOk(CODE_ALPHABET.includes(ch), `no look-alike ${ch}`)
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const c = generateCode()
    t.match(c, /^[A-HJ-KM-NP-Z2-9]{12}$/)
    seen.add(c)
  }
  t.equal(seen.size, 200, 'no repeats in 200 codes')
})

t.test('login shape', async (t) => {
  const cases: [string, boolean][] = [['anna', true], ['a.petrova', true], ['ab', false], ['анна', false], ['Anna', false], ['.anna', false], ['x'.repeat(41), false], ['teacher_5a', true]]
  for (const [login, ok] of cases) t.equal(validLogin(login), ok, login)
})
