// Real Chromium with JavaScript disabled, as on the old office PCs: register with a code, log in, log out
// (R-ACC-1, R-NF-1). Screenshots go to /tmp/journal-shots for a person to look at.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import { buildBrowserApp, makePerson } from './helper.js'
import { nowIso, addDays } from '../src/lib/dates.js'

const SHOTS = '/tmp/journal-shots'

t.test('register with a code, log in and log out with JavaScript off', async (t) => {
  mkdirSync(SHOTS, { recursive: true })
  const { app, db, base, pool } = await buildBrowserApp(t)

  const p = await makePerson(db, { roles: ['parent'], login: null, last: 'Белова', first: 'Марина', middle: 'Сергеевна' })
  await db.insertInto('invitations').values({
    code: 'HK3MQ7PX2RTA', person_id: p.personId, purpose: 'register', created_at: nowIso(),
    expires_at: `${addDays(nowIso().slice(0, 10), 7)}T00:00:00Z`,
  }).execute()

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1024, height: 700 })
    await page.goto(`${base}/login`)
    await page.screenshot({ path: `${SHOTS}/login.png` })
    t.equal(await page.$$eval('script', (s) => s.length), 0, 'the page carries no script')
    await Promise.all([page.waitForNavigation(), page.click('a[href="/register"]')])
    await page.type('#f-code', 'hk3m-q7px-2rta')
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
    t.match(await page.content(), 'Белова Марина Сергеевна', 'the code shows whose it is')
    await page.type('#f-login', 'm.belova')
    await page.type('#f-password', 'marina-2026')
    await page.type('#f-password2', 'marina-2026')
    await page.screenshot({ path: `${SHOTS}/register.png` })
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
    t.match(page.url(), /\/login\?m=registered/)
    t.match(await page.content(), 'Учётная запись создана')

    await page.type('#f-login', 'm.belova')
    await page.type('#f-password', 'marina-2026')
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
    t.equal(new URL(page.url()).pathname, '/')
    t.match(await page.content(), 'Белова Марина Сергеевна')
    await page.screenshot({ path: `${SHOTS}/home-parent.png` })

    await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button')])
    t.match(page.url(), /\/login\?m=loggedOut/)
    t.match(await page.content(), 'Вы вышли из системы')
    await page.goto(`${base}/`)
    t.match(page.url(), /\/login/, 'logged out for real')
  })
  const user = await db.selectFrom('users').select(['login', 'person_id']).executeTakeFirstOrThrow()
  t.same(user, { login: 'm.belova', person_id: p.personId })
})
