// Table tests of the accounts area's pure rules and form parsing (R-ACC-1,4).
import t from 'tap'
import {
  classLabel, codeExpiry, codeStatus, inAdminScope, mayManageClass, needsCode, personActions, registerUrl, type AccountTarget,
} from '../src/features/accounts/accounts.rules.js'
import { parseGenerateForm, parseUserFilter } from '../src/features/accounts/accounts.form.js'

t.test('R-ACC-1 code status: revoked and used are final, expiry depends on the moment', async (t) => {
  const now = new Date('2026-11-22T10:00:00Z')
  const cases: [string, { used_at: string | null; revoked_at: string | null; expires_at: string }, string][] = [
    ['fresh', { used_at: null, revoked_at: null, expires_at: '2026-12-01T00:00:00Z' }, 'active'],
    ['expires exactly now', { used_at: null, revoked_at: null, expires_at: '2026-11-22T10:00:00Z' }, 'expired'],
    ['expired', { used_at: null, revoked_at: null, expires_at: '2026-11-01T00:00:00Z' }, 'expired'],
    ['used, later expired', { used_at: '2026-11-02T00:00:00Z', revoked_at: null, expires_at: '2026-11-03T00:00:00Z' }, 'used'],
    ['revoked', { used_at: null, revoked_at: '2026-11-20T00:00:00Z', expires_at: '2026-12-01T00:00:00Z' }, 'revoked'],
  ]
  for (const [name, inv, want] of cases) t.equal(codeStatus(inv, now), want, name)
})

t.test('R-ACC-1 a code lives until the end of the local day N days on', async (t) => {
  const now = new Date(2026, 10, 22, 9, 30) // 22.11.2026 09:30 local
  const exp = new Date(codeExpiry(now, 14))
  t.same([exp.getFullYear(), exp.getMonth(), exp.getDate(), exp.getHours(), exp.getMinutes()], [2026, 11, 6, 23, 59])
  const late = new Date(codeExpiry(new Date(2026, 11, 31, 23, 50), 1))
  t.same([late.getFullYear(), late.getMonth(), late.getDate()], [2027, 0, 1], 'across a year end')
})

t.test('R-ACC-1,4 what the admin may do to a person', async (t) => {
  const ME = 1
  const cases: [string, AccountTarget, { register: boolean; reset: boolean; disable: boolean; enable: boolean }][] = [
    ['staff without account', { roles: ['teacher'], user: null }, { register: true, reset: false, disable: false, enable: false }],
    ['parent without account (class teacher\'s job)', { roles: ['parent'], user: null }, { register: false, reset: false, disable: false, enable: false }],
    ['account holder', { roles: ['parent'], user: { id: 5, disabled: false } }, { register: false, reset: true, disable: true, enable: false }],
    ['disabled account', { roles: ['teacher'], user: { id: 5, disabled: true } }, { register: false, reset: false, disable: false, enable: true }],
    ['own account', { roles: ['admin'], user: { id: ME, disabled: false } }, { register: false, reset: true, disable: false, enable: false }],
    ['person without roles or account', { roles: [], user: null }, { register: false, reset: false, disable: false, enable: false }],
  ]
  for (const [name, target, want] of cases) t.same(personActions(target, ME), want, name)
})

t.test('R-ACC-1 the admin list holds staff and account holders only', async (t) => {
  t.equal(inAdminScope({ roles: ['clerk'], user: null }), true)
  t.equal(inAdminScope({ roles: ['student'], user: null }), false)
  t.equal(inAdminScope({ roles: ['student'], user: { id: 3, disabled: false } }), true)
  t.equal(inAdminScope({ roles: [], user: null }), false)
})

t.test('R-ACC-1 class scope: the admin reaches every class, a class teacher only their own', async (t) => {
  const cases: [string, { roles: ('admin' | 'teacher' | 'deputy')[]; classTeacherOf: number[] }, number, boolean][] = [
    ['admin, any class', { roles: ['admin'], classTeacherOf: [] }, 7, true],
    ['class teacher, own class', { roles: ['teacher'], classTeacherOf: [3, 7] }, 7, true],
    ['class teacher, other class', { roles: ['teacher'], classTeacherOf: [3] }, 7, false],
    ['deputy, no class', { roles: ['deputy'], classTeacherOf: [] }, 7, false],
  ]
  for (const [name, user, cls, want] of cases) t.equal(mayManageClass(user, cls), want, name)
})

t.test('R-ACC-1 a family member needs a code only without an account and without a usable code', async (t) => {
  t.equal(needsCode({ login: null, code: null }), true)
  t.equal(needsCode({ login: 'olga', code: null }), false)
  t.equal(needsCode({ login: null, code: { id: 1 } }), false)
})

t.test('labels, addresses and forms', async (t) => {
  t.equal(classLabel({ grade: 5, letter: 'А' }), '5А')
  t.equal(registerUrl('https', 'school.example:8443'), 'https://school.example:8443/register')
  t.same(parseUserFilter({ role: 'teacher', account: 'no', q: ' Ив ', page: '2' }), { role: 'teacher', account: 'no', q: 'Ив', page: 2 })
  t.same(parseUserFilter({ role: 'root', account: 'x', page: '-1' }), { role: '', account: '', q: '', page: 1 })
  t.same(parseGenerateForm({ scope: 'all', person: '5' }), { ok: true, value: { personIds: null } })
  t.same(parseGenerateForm({ scope: 'ticked', person: ['5', '5', '9'] }), { ok: true, value: { personIds: [5, 9] } })
  t.same(parseGenerateForm({ scope: 'ticked', person: ['5', 'x'] }), { ok: true, value: { personIds: [5, 0] } }, 'a bad id is kept as 0 to be refused')
  const none = parseGenerateForm({ scope: 'ticked' })
  t.equal(none.ok, false)
  if (!none.ok) t.match(none.errors.person, 'Отметьте')
})
