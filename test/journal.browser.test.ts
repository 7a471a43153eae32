// Real Chromium with JavaScript off, as on the old office PCs: a teacher fills a lesson of 30 students with the
// keyboard alone and saves once; the journal page shows the marks and prints on A4 landscape (R-J-1, R-NF-1).
// Screenshots go to /tmp/journal-shots for a person to look at.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import { buildBrowserApp, PASSWORD } from './helper.js'
import { addLesson, day, kindId, seedJournal } from './journal.seed.js'

const SHOTS = '/tmp/journal-shots'

t.test('a teacher fills a lesson with the keyboard alone, JavaScript off', async (t) => {
  mkdirSync(SHOTS, { recursive: true })
  const { app, db, base, pool } = await buildBrowserApp(t)

  const s = await seedJournal(db)
  await db.insertInto('plan_topics').values([1, 2, 3].map((n) => ({ year_id: s.yearId, subject_id: s.math, grade: 5, number: n, title: ['Обыкновенные дроби', 'Сравнение дробей', 'Сложение дробей'][n - 1] }))).execute()
  // Earlier lessons with marks, so that the page has something to show around today's column.
  const ou = await kindId(db, 'Отв')
  for (const [k, n] of [-9, -7, -5, -2].entries()) {
    const l = await addLesson(db, s, { date: day(n), number: 2 })
    await db.insertInto('lesson_columns').values({ lesson_id: l, column_no: 1, work_kind_id: ou }).execute()
    await db.insertInto('marks').values(s.students.filter((_, i) => (i + k) % 4 === 0).map((st, i) => ({
      lesson_id: l, student_id: st, column_no: 1, value: String(3 + ((i + k) % 3)), entered_at: day(n), entered_by: s.u.teacher.personId,
    }))).execute()
  }
  const lesson = await addLesson(db, s, { date: day(0), number: 3 })
  const late = await addLesson(db, s, { date: day(-1), number: 4 })
  const values = s.students.map((_, i) => ['5', '4', 'н', '3', '5 4', '4/5', '', '2', '5', '4'][i % 10])

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await page.goto(`${base}/login`)
    await page.type('#f-login', 'teacher')
    await page.type('#f-password', PASSWORD)
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
    await page.goto(`${base}/journal`)
    await page.screenshot({ path: `${SHOTS}/journal-index.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click(`table.today a[href="/journal/lessons/${lesson}"]`)])
    t.equal(await page.$$eval('script', (x) => x.length), 0, 'the page carries no script')

    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('name') ?? '')
    await page.keyboard.press('Tab')
    t.equal(await focused(), 'plan_topic', 'the КТП topic comes first (the next topic is preselected)')
    await page.keyboard.press('Tab')
    t.equal(await focused(), 'topic')
    await page.keyboard.type('Сравнение дробей с одинаковыми знаменателями')
    await page.keyboard.press('Tab')
    t.equal(await focused(), 'homework')
    await page.keyboard.type('§ 12, № 245, 246')
    await page.keyboard.press('Tab')
    t.equal(await focused(), 'kind_1', 'then the kinds of work; the first is preselected')
    await page.keyboard.press('Tab')
    // The second column: «Самостоятельная работа», three options down in the closed select.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown')
    t.equal(await page.$eval('#f-kind_2', (e) => (e as HTMLSelectElement).selectedOptions[0].text), 'Самостоятельная работа')
    while (!(await focused()).startsWith('c_')) await page.keyboard.press('Tab')
    const order: string[] = []
    for (const v of values) {
      order.push(await focused())
      await page.keyboard.type(v)
      await page.keyboard.press('Tab')
    }
    t.same(order, s.students.map((id) => `c_${id}`), 'Tab moves down the class list')
    while ((await focused()) !== 'action') await page.keyboard.press('Tab')
    await page.screenshot({ path: `${SHOTS}/journal-lesson-filled.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
    t.match(await page.content(), 'Урок сохранён.', 'saved with one submit')
    await page.screenshot({ path: `${SHOTS}/journal-lesson.png`, fullPage: true })

    await page.goto(`${base}/journal/class/${s.c5a}/${s.math}`)
    const html = await page.content()
    t.match(html, '<td class="c">4/5</td>', 'the journal page shows the marks')
    t.match(html, '<td class="abs">н</td>')
    t.match(html, 'Сравнение дробей с одинаковыми знаменателями')
    await page.screenshot({ path: `${SHOTS}/journal-page.png`, fullPage: true })
    const pdf = Buffer.from(await page.pdf({ preferCSSPageSize: true, path: `${SHOTS}/journal-page.pdf` })).toString('latin1')
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)
    t.ok(box && Number(box[1]) > Number(box[2]), 'the page prints in landscape')
    t.ok(box && Math.abs(Number(box[1]) - 842) < 2, 'on A4')

    // A refused submit: the rules speak on the same form, the typed input stays.
    await page.goto(`${base}/journal/lessons/${late}`)
    await page.type(`#c-${s.students[0]}`, '5')
    await page.type(`#c-${s.students[1]}`, '7')
    await page.type(`#c-${s.students[2]}`, 'н')
    await Promise.all([page.waitForNavigation(), page.click('button[value=save]')])
    const err = await page.content()
    t.match(err, 'Срок проверки истёк')
    t.match(err, 'Не понято.')
    t.equal(await page.$eval(`#c-${s.students[1]}`, (e) => (e as HTMLInputElement).value), '7', 'the wrong cell is kept')
    await page.screenshot({ path: `${SHOTS}/journal-lesson-errors.png`, fullPage: true })
  })
  const saved = await db.selectFrom('marks').select((eb) => eb.fn.countAll<number>().as('n')).where('lesson_id', '=', lesson).executeTakeFirstOrThrow()
  // Per 10 students: 5 | 4 | н | 3 | 5,4 | 4/5 | — | 2 | 5 | 4 → 9 marks.
  t.equal(Number(saved.n), 27, 'every mark typed is stored')
  t.equal((await db.selectFrom('lessons').select('topic').where('id', '=', lesson).executeTakeFirstOrThrow()).topic, 'Сравнение дробей с одинаковыми знаменателями')
})
