// Every demo account logs in through the form in real Chromium with JavaScript off, follows every entry of its
// menu, and lands on a working Russian page each time (R-NF-1, R-ROLE).
import t from 'tap'
import { buildBrowserApp } from './helper.js'
import { createDemoSchool, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/demo/demo.js'

t.test('each demo account walks its whole menu with JavaScript off', async (t) => {
  const { app, db, base, pool } = await buildBrowserApp(t)
  await createDemoSchool(db, { seed: 1, students: 60 })

  for (const account of DEMO_ACCOUNTS) {
    await pool.withPage(async (page) => {
      await page.goto(`${base}/login`)
      await page.type('#f-login', account.login)
      await page.type('#f-password', DEMO_PASSWORD)
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')])
      t.equal(new URL(page.url()).pathname, '/', `${account.login} logged in`)
      const links = await page.$$eval('nav.menu a', (as) => as.map((a) => ({ href: a.getAttribute('href')!, text: a.textContent!.trim() })))
      t.ok(links.length >= 1, `${account.login}: ${links.map((l) => l.text).join(', ')}`)
      for (const link of links) {
        const res = await page.goto(`${base}${link.href}`)
        const body = await page.content()
        t.ok(res && res.status() === 200, `${account.login} → ${link.href} answers 200 (got ${res?.status()})`)
        t.notMatch(body, /Ошибка на сервере|Страница не найдена|Доступ запрещён/, `${account.login} → ${link.href} is a working page`)
        t.equal(await page.$$eval('script', (s) => s.length), 0, `${account.login} → ${link.href} has no script`)
      }
      await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button')])
      t.match(page.url(), /\/login/, `${account.login} logged out`)
    })
  }
})
