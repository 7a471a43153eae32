// Real Chromium with JavaScript off: the teacher sets the quarter marks in one form, asks for a correction,
// the deputy approves it and sees the history on the page (R-FIN-1..4, R-NF-1). Screenshots: /tmp/journal-shots.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Page } from 'puppeteer-core'
import { BrowserPool } from '../src/print/browser.js'
import { PASSWORD } from './helper.js'
import { world } from './finals.seed.js'

const SHOTS = '/tmp/journal-shots'

async function login(page: Page, base: string, login: string) {
  await page.goto(`${base}/login`)
  await page.type('#f-login', login)
  await page.type('#f-password', PASSWORD)
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
}

async function submit(page: Page, selector = 'main button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

t.test('R-FIN-1..4: set a quarter, correct a mark, approve it, read the history — with JavaScript off', async (t) => {
  mkdirSync(SHOTS, { recursive: true })
  const w = await world(t, [])
  const { s, db } = w
  await w.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}`
  const pool = new BrowserPool(w.config.chromiumPath, 1, false)
  t.teardown(() => pool.close())
  const pageUrl = `/finals/class/${s.c5a}/${s.subjects.math}`

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await login(page, base, 'teacher')
    await page.goto(`${base}/finals`)
    t.equal(await page.$$eval('script', (x) => x.length), 0, 'no script on the page')
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${pageUrl}"]`)])
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${pageUrl}/set/p${s.q2}"]`)])
    await page.screenshot({ path: `${SHOTS}/finals-set.png`, fullPage: true })
    t.equal(await page.$eval(`#f-m_${s.u.student.personId}`, (e) => (e as HTMLSelectElement).value), '4', 'preselected with the proposal')
    t.equal(await page.$eval(`#f-m_${s.s2.personId}`, (e) => (e as HTMLSelectElement).value), 'н/а', 'more than half missed: «н/а»')
    // Keyboard only: the third student's select gets «4» typed.
    await page.focus(`#f-m_${s.s3.personId}`)
    await page.keyboard.type('4')
    await submit(page)
    t.match(await page.content(), 'Выставлено и закрыто отметок: 3')
    await page.screenshot({ path: `${SHOTS}/finals-page.png`, fullPage: true })

    const mark = await db.selectFrom('final_marks').select(['id', 'value']).where('student_id', '=', s.u.student.personId).executeTakeFirstOrThrow()
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${pageUrl}/correct/${mark.id}"]`)])
    await page.select('#f-new_value', '5')
    await page.type('#f-explanation', 'Не учтена переписанная контрольная работа от прошлой недели.')
    await page.screenshot({ path: `${SHOTS}/finals-correct.png`, fullPage: true })
    await submit(page)
    t.match(await page.content(), 'Запрос на исправление отправлен')
    await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button')])

    await login(page, base, 'deputy')
    await page.goto(`${base}/finals/corrections`)
    await page.screenshot({ path: `${SHOTS}/finals-corrections.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/finals/corrections/"]')])
    await page.screenshot({ path: `${SHOTS}/finals-decide.png`, fullPage: true })
    await submit(page, 'form[action$="/approve"] button[type=submit]')
    t.match(await page.content(), 'Исправление утверждено')
    await page.goto(`${base}${pageUrl}?history=1`)
    t.match(await page.content(), 'Исправление утверждено по запросу')
    await page.screenshot({ path: `${SHOTS}/finals-history.png`, fullPage: true })
  })
  const after = await db.selectFrom('final_marks').select('value').where('student_id', '=', s.u.student.personId).executeTakeFirstOrThrow()
  t.equal(after.value, '5', 'the approved correction changed the mark')
})
