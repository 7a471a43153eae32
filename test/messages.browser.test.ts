// Real Chromium with JavaScript off: a parent writes to the class teacher, who sees it unread and answers;
// announcements (R-D-3, R-NF-1). Screenshots go to /tmp/journal-shots for a person to look at.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import type { Page } from 'puppeteer-core'
import { buildBrowserApp, PASSWORD } from './helper.js'
import { seed, thread } from './messages.seed.js'

const SHOTS = '/tmp/journal-shots'

t.test('a parent writes to the class teacher, who answers, JavaScript off', async (t) => {
  mkdirSync(SHOTS, { recursive: true })
  const { app, db, base, pool } = await buildBrowserApp(t)
  const s = await seed(db)
  // Some history, so that the inbox has more than one row.
  await thread(db, s.u.director.personId, s.u.classTeacher.personId, 'План воспитательной работы на II четверть', 'Мария Петровна, пришлите, пожалуйста, план до пятницы.')
  await thread(db, s.u.classTeacher.personId, s.parent2.personId, 'Родительское собрание 27 ноября', 'Уважаемый Олег Романович!\nСобрание состоится в четверг в 18:00 в кабинете 214.')
  await db.insertInto('announcements').values([
    { author_id: s.u.director.personId, scope: 'school', title: 'Каникулы', body: 'Зимние каникулы с 29 декабря по 8 января.\nЗанятия начинаются 9 января.', created_at: new Date(Date.now() - 3_600_000).toISOString() },
    { author_id: s.u.classTeacher.personId, scope: 'class', class_id: s.c5a, title: 'Экскурсия в музей', body: 'В субботу 5А идёт в краеведческий музей.\nСбор у школы в 9:30, с собой сменная обувь.', created_at: new Date().toISOString() },
  ]).execute()

  const login = async (page: Page, who: string) => {
    await page.goto(`${base}/login`)
    await page.type('#f-login', who)
    await page.type('#f-password', PASSWORD)
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  }

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await login(page, 'parent')
    await page.goto(`${base}/messages/new`)
    t.equal(await page.$$eval('script', (x) => x.length), 0, 'the page carries no script')
    await page.select('#f-to', String(s.u.classTeacher.personId))
    await page.type('#f-subject', 'Пропуск уроков 28 ноября')
    await page.type('#f-body', 'Здравствуйте, Мария Петровна!\n\nАртём 28 ноября будет у врача, справку принесём в понедельник.\n<b>Спасибо!</b>')
    await page.screenshot({ path: `${SHOTS}/messages-new-parent.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('form.compose button[type=submit]')])
    t.match(page.url(), /\/messages\/\d+$/)
    t.match(await page.content(), 'Сообщение отправлено.')
    await page.screenshot({ path: `${SHOTS}/messages-thread-parent.png`, fullPage: true })
    await page.goto(`${base}/announcements`)
    t.match(await page.content(), 'Экскурсия в музей')
    await page.screenshot({ path: `${SHOTS}/announcements-parent.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button')])
  })

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await login(page, 'ct')
    await page.goto(`${base}/messages`)
    t.match(await page.content(), 'Непрочитанных сообщений: 2.')
    await page.screenshot({ path: `${SHOTS}/messages-inbox.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('table.threads tr.unread a')])
    const text = await page.$eval('article.msg .text', (e) => (e as HTMLElement).innerText)
    t.match(text, 'Спасибо!', 'the message shows as typed')
    t.match(text, '<b>', 'HTML shows as text')
    t.equal(await page.$$eval('article.msg b', (x) => x.length), 0, 'and is not markup')
    await page.type('#f-body', 'Светлана Игоревна, спасибо, отметим.\nВыздоравливайте!')
    await page.screenshot({ path: `${SHOTS}/messages-thread.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('form.reply button[type=submit]')])
    t.match(await page.content(), 'Ответ отправлен.')
    await page.goto(`${base}/messages/new?class=${s.c5a}`)
    await page.screenshot({ path: `${SHOTS}/messages-new-teacher.png`, fullPage: true })
    await page.goto(`${base}/announcements/new`)
    await page.screenshot({ path: `${SHOTS}/announcements-new.png`, fullPage: true })
  })
  const replies = await db.selectFrom('messages').select('body').where('sender_id', '=', s.u.classTeacher.personId).orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.equal(replies.body, 'Светлана Игоревна, спасибо, отметим.\nВыздоравливайте!')
})
