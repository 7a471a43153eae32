// Pure rules of the weekly digest (R-D-4): which week a run sends, week labels, address checks, the retry
// schedule of lib/mail, and the letter's text and HTML (escaped, one child only).
import t from 'tap'
import { digestWeekFor, validEmail, validFrom, validHost, validSiteUrl, weekLabel, weekOf } from '../src/features/digest/digest.rules.js'
import { digestSubject, isEmptyWeek, renderDigest, weekSummary, type DigestWeek } from '../src/features/digest/digest.render.js'
import { parseDigestArgs } from '../src/features/digest/digest.cli.js'
import { parseMailSettingsForm } from '../src/features/digest/digest.form.js'
import { MAX_ATTEMPTS, nextAttempt } from '../src/lib/mail.js'

const at = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min)

t.test('R-D-4: a run sends the week ending on Sunday from 18:00, else the last full week', async (t) => {
  const cases: [Date, string][] = [
    [at(2026, 11, 22, 17, 59), '2026-11-09'], // Sunday afternoon: last week's letter (already sent) — nothing new
    [at(2026, 11, 22, 18, 0), '2026-11-16'], // Sunday evening: the week ending today
    [at(2026, 11, 22, 23, 59), '2026-11-16'],
    [at(2026, 11, 23, 7, 0), '2026-11-16'], // Monday morning catches up the same week
    [at(2026, 11, 28, 12, 0), '2026-11-16'], // Saturday: still the last full week
    [at(2027, 1, 3, 19, 0), '2026-12-28'], // a week across the new year
  ]
  for (const [now, week] of cases) t.equal(digestWeekFor(now), week, `${now.toString().slice(0, 21)} → ${week}`)
})

t.test('R-D-4: week labels and the Monday of any day', async (t) => {
  t.equal(weekLabel('2026-11-16'), '16.11–22.11.2026')
  t.equal(weekLabel('2026-12-28'), '28.12.2026–03.01.2027')
  t.equal(weekOf('2026-11-22'), '2026-11-16')
  t.equal(weekOf('2026-11-16'), '2026-11-16')
})

t.test('R-D-4: addresses, senders, hosts and site addresses', async (t) => {
  const emails: [string, boolean][] = [
    ['anna@example.ru', true], ['a.b-c+d@mail.school.ru', true], ['anna@localhost', false], ['anna', false], ['anna@@x.ru', false],
    ['a b@x.ru', false], ['a@x.ru, b@y.ru', false], ['<a@x.ru>', false], [`${'a'.repeat(116)}@x.ru`, false],
  ]
  for (const [s, ok] of emails) t.equal(validEmail(s), ok, `email ${s.slice(0, 30)}`)
  const froms: [string, boolean][] = [
    ['journal@school.ru', true], ['Школа № 1 <journal@school.ru>', true], ['<journal@school.ru>', false], ['Школа <journal>', false], ['"x" <a@b.ru>', false],
  ]
  for (const [s, ok] of froms) t.equal(validFrom(s), ok, `from ${s}`)
  const hosts: [string, boolean][] = [['smtp.yandex.ru', true], ['mail', true], ['192.168.1.10', true], ['::1', true], ['smtp yandex', false], ['-x.ru', false], ['http://x.ru', false]]
  for (const [s, ok] of hosts) t.equal(validHost(s), ok, `host ${s}`)
  const sites: [string, boolean][] = [['https://journal.school.ru', true], ['http://10.0.0.5:3000', true], ['https://x.ru/journal', true], ['journal.school.ru', false], ['https://x.ru/?a=1', false], ['javascript:alert(1)', false]]
  for (const [s, ok] of sites) t.equal(validSiteUrl(s), ok, `site ${s}`)
})

t.test('R-D-4: the SMTP form: optional while no server, a sender required with one, the password kept when blank', async (t) => {
  const empty = parseMailSettingsForm({})
  t.ok(empty.ok, 'no server: letters go to the outbox folder')
  const noFrom = parseMailSettingsForm({ smtp_host: 'smtp.school.ru' })
  t.same(noFrom.ok ? null : Object.keys(noFrom.errors), ['smtp_from'])
  const bad = parseMailSettingsForm({ smtp_host: 'smtp school', smtp_port: '70000', smtp_from: 'x', site_url: 'journal' })
  t.same(bad.ok ? null : Object.keys(bad.errors).sort(), ['site_url', 'smtp_from', 'smtp_host', 'smtp_port'])
  const good = parseMailSettingsForm({ smtp_host: 'smtp.school.ru', smtp_port: '465', smtp_secure: 'on', smtp_user: 'u', smtp_password: ' p w ', smtp_from: 'Школа <j@school.ru>', site_url: 'https://j.school.ru/' })
  t.same(good.ok && good.value, { host: 'smtp.school.ru', port: 465, secure: true, user: 'u', password: ' p w ', clearPassword: false, from: 'Школа <j@school.ru>', siteUrl: 'https://j.school.ru' })
  const keep = parseMailSettingsForm({ smtp_host: 'smtp.school.ru', smtp_from: 'j@school.ru', smtp_password: '' })
  t.equal(keep.ok && keep.value.password, null, 'a blank password means «keep the stored one»')
})

t.test('R-D-4: a failed letter is retried after 5, 15, 60 and 240 minutes, then marked failed', async (t) => {
  const now = new Date('2026-11-22T10:00:00Z')
  const waits = [1, 2, 3, 4].map((n) => (nextAttempt(n, now)!.getTime() - now.getTime()) / 60_000)
  t.same(waits, [5, 15, 60, 240])
  t.equal(MAX_ATTEMPTS, 5)
  t.equal(nextAttempt(MAX_ATTEMPTS, now), null)
})

t.test('R-D-4: the command line of the digest', async (t) => {
  t.same(parseDigestArgs([]), { help: false })
  t.same(parseDigestArgs(['--week', '19.11.2026', '--file', '/tmp/x.sqlite']), { help: false, week: '2026-11-16', file: '/tmp/x.sqlite' })
  t.match(parseDigestArgs(['--week', 'вчера']), /--week/)
  t.match(parseDigestArgs(['--week']), /нужно значение/)
  t.match(parseDigestArgs(['--force']), /неизвестный параметр/)
})

const WEEK: DigestWeek = {
  studentName: 'Иванова Анна', classLabel: '5А', monday: '2026-11-16',
  days: [
    { date: '2026-11-16', holiday: null, lessons: [
      { number: 1, subject: 'Математика', topic: 'Дроби <b>жирно</b>', homework: '№ 12 & 14', individualHomework: '', marks: [{ value: '5', kind: 'Контрольная работа' }, { value: '4', kind: '' }], absence: null, change: null },
      { number: 2, subject: 'Русский язык', topic: 'Суффиксы', homework: '', individualHomework: 'упр. 5 <script>', marks: [], absence: 'illness', change: 'урок перенесён' },
    ] },
    { date: '2026-11-17', holiday: null, lessons: [] },
    { date: '2026-11-18', holiday: null, lessons: [{ number: 3, subject: 'Математика', topic: '', homework: '', individualHomework: '', marks: [{ value: '3', kind: 'Ответ на уроке' }], absence: null, change: null }] },
  ],
  lateMarks: [],
}
const LINKS = { diary: 'https://j.school.ru/diary', unsubscribe: 'https://j.school.ru/digest/unsubscribe/tok_en-123' }

t.test('R-D-4: the letter: subject, summary, every lesson, both links; HTML escaped', async (t) => {
  t.equal(digestSubject(WEEK), 'Дневник: Иванова Анна, 5А — неделя 16.11–22.11.2026')
  t.equal(digestSubject({ ...WEEK, classLabel: null }), 'Дневник: Иванова Анна — неделя 16.11–22.11.2026')
  t.same(weekSummary(WEEK), { marks: [{ subject: 'Математика', values: ['5', '4', '3'] }, { subject: 'Русский язык', values: [] }].filter((m) => m.values.length), absences: 1 })
  const r = renderDigest(WEEK, LINKS)
  t.equal(r.subject, digestSubject(WEEK))
  for (const s of ['Математика: 5, 4, 3', 'Пропущено уроков: 1', 'Понедельник, 16.11', 'Среда, 18.11', 'Тема: Дроби <b>жирно</b>', 'Домашнее задание: № 12 & 14',
    'Индивидуальное задание: упр. 5 <script>', 'Отметки: 5 (Контрольная работа), 4', 'Отсутствовал(а): по болезни', 'Русский язык (урок перенесён)', LINKS.diary, LINKS.unsubscribe]) {
    t.ok(r.text.includes(s), `text has «${s}»`)
  }
  t.notOk(r.text.includes('Вторник'), 'a day without lessons is left out')
  t.match(r.html, 'Дроби &lt;b&gt;жирно&lt;/b&gt;')
  t.match(r.html, '№ 12 &amp; 14')
  t.notOk(/<script/i.test(r.html), 'nothing a teacher typed becomes markup')
  t.match(r.html, `href="${LINKS.unsubscribe}"`)
  t.match(r.html, '5 (Контрольная работа), 4')
  t.match(r.html, '<title>Дневник: Иванова Анна, 5А — неделя 16.11–22.11.2026</title>')
  t.notOk(isEmptyWeek(WEEK))
  t.ok(isEmptyWeek({ ...WEEK, days: WEEK.days.map((d) => ({ ...d, lessons: [] })) }))
})

t.test('R-D-4: holidays and marks entered late for earlier lessons are in the letter; such a week is not empty', async (t) => {
  const w: DigestWeek = {
    ...WEEK,
    days: [{ date: '2026-11-16', holiday: 'Осенние каникулы', lessons: [] }, { date: '2026-11-17', holiday: null, lessons: [] }],
    lateMarks: [{ subject: 'Математика', date: '2026-11-12', value: '4', kind: 'Контрольная работа' }],
  }
  t.notOk(isEmptyWeek(w), 'a late mark is news')
  const r = renderDigest(w, LINKS)
  t.match(r.text, 'Понедельник, 16.11: Осенние каникулы')
  t.match(r.text, 'Отметки за уроки прошлых недель, выставленные на этой неделе\n  Математика, 12.11: 4 (Контрольная работа)')
  t.match(r.html, 'Осенние каникулы')
  t.match(r.html, 'Математика, 12.11: <strong>4 (Контрольная работа)</strong>')
  t.notOk(r.text.includes('Вторник'))
})
