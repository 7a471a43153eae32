// Real Chromium with JavaScript off: the scheduler fills a class's week in the grid form, saves it, substitutes a
// teacher, and the week pages show it (R-TT-1,2; R-NF-1). Screenshots go to /tmp/journal-shots for a person to look at.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import type { Page } from 'puppeteer-core'
import { addDays } from '../src/lib/dates.js'
import { buildBrowserApp, PASSWORD } from './helper.js'
import { key, nextWeekday, seed, TODAY } from './timetable.seed.js'

const SHOTS = '/tmp/journal-shots'

async function login(page: Page, base: string, login: string) {
  await page.deleteCookie(...(await page.cookies(base)))
  await page.goto(`${base}/login`)
  await page.type('#f-login', login)
  await page.type('#f-password', PASSWORD)
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
}

t.test('the scheduler fills and saves a week of 5А, then substitutes a teacher, with JavaScript off', async (t) => {
  mkdirSync(SHOTS, { recursive: true })
  const { app, db, base, pool } = await buildBrowserApp(t)
  const s = await seed(db)
  // A fuller workload for a realistic week.
  const more: [string, string, number][] = [['Литература', 'Лит.', 21], ['История', 'Ист.', 50], ['Биология', 'Биол.', 60], ['Музыка', 'Муз.', 70]]
  const extra: Record<string, number> = {}
  for (const [name, short_name, sort_order] of more) {
    extra[name] = (await db.insertInto('subjects').values({ name, short_name, sort_order }).returning('id').executeTakeFirstOrThrow()).id
  }
  await db.insertInto('workload').values([
    { teacher_id: s.u.classTeacher.personId, subject_id: extra['Литература'], class_id: s.c5a, group_id: null },
    { teacher_id: s.spare.personId, subject_id: extra['История'], class_id: s.c5a, group_id: null },
    { teacher_id: s.eng.personId, subject_id: extra['Биология'], class_id: s.c5a, group_id: null },
    { teacher_id: s.other.personId, subject_id: extra['Музыка'], class_id: s.c5a, group_id: null },
    { teacher_id: s.spare.personId, subject_id: s.subjects.pe, class_id: s.c5a, group_id: null },
  ]).execute()
  const L = {
    math: key(s.u.teacher.personId, s.subjects.math, { c: s.c5a }), rus: key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a }),
    lit: key(s.u.classTeacher.personId, extra['Литература'], { c: s.c5a }), hist: key(s.spare.personId, extra['История'], { c: s.c5a }),
    bio: key(s.eng.personId, extra['Биология'], { c: s.c5a }), mus: key(s.other.personId, extra['Музыка'], { c: s.c5a }),
    pe: key(s.spare.personId, s.subjects.pe, { c: s.c5a }),
    e1: key(s.eng.personId, s.subjects.english, { g: s.g1 }), e2: key(s.other.personId, s.subjects.english, { g: s.g2 }),
  }
  const week: string[][] = [
    [L.rus, L.math, L.lit, L.hist, L.pe],
    [L.math, L.rus, `${L.e1}|${L.e2}`, L.bio, L.mus],
    [L.rus, L.math, L.lit, L.pe, L.hist],
    [L.math, `${L.e1}|${L.e2}`, L.rus, L.bio],
    [L.rus, L.math, L.lit, `${L.e1}|${L.e2}`, L.pe],
  ]

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await login(page, base, 'scheduler')
    await page.goto(`${base}/timetable/classes/${s.c5a}/edit`)
    t.equal(await page.$$eval('script', (x) => x.length), 0, 'no script on the grid form')
    for (const [d, day] of week.entries()) {
      for (const [i, cell] of day.entries()) {
        const [a, b] = cell.split('|')
        await page.select(`select[name="c${d + 1}_${i + 1}_1"]`, a)
        if (b) await page.select(`select[name="c${d + 1}_${i + 1}_2"]`, b)
      }
    }
    await page.$eval('#f-valid_from', (el, v) => { (el as HTMLInputElement).value = v }, s.starts)
    await page.screenshot({ path: `${SHOTS}/timetable-grid.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/edit"] button[type=submit]')])
    t.match(await page.content(), 'Расписание 5А сохранено', 'saved')

    // A clash: music for the whole class on Tuesday 5th, and an English subgroup at the same time.
    await page.goto(`${base}/timetable/classes/${s.c5a}/edit`)
    await page.select('select[name="c2_5_2"]', L.e1)
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/edit"] button[type=submit]')])
    t.match(await page.content(), 'Вторник, 5-й урок: у класса (или одной подгруппы) два урока сразу', 'the clash is explained')
    await page.screenshot({ path: `${SHOTS}/timetable-grid-clash.png`, fullPage: true })

    const date = nextWeekday(addDays(TODAY, 1), 2)
    await page.goto(`${base}/timetable/changes?date=${date}&teacher=${s.u.teacher.personId}`)
    await Promise.all([page.waitForNavigation(), page.click('a[href$="/substitute"]')])
    await page.select('#f-teacher_id', String(s.spare.personId))
    await page.type('#f-note', 'болезнь учителя')
    await page.screenshot({ path: `${SHOTS}/timetable-substitute.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/substitute"] button[type=submit]')])
    t.match(await page.content(), 'Замена назначена.')
    await page.screenshot({ path: `${SHOTS}/timetable-changes.png`, fullPage: true })

    await page.goto(`${base}/timetable/classes/${s.c5a}?week=${date}`)
    await page.screenshot({ path: `${SHOTS}/timetable-class-week.png`, fullPage: true })
    await page.goto(`${base}/timetable/years/${s.year}/bells`)
    await page.screenshot({ path: `${SHOTS}/timetable-bells.png`, fullPage: true })
    await page.goto(`${base}/timetable`)
    await page.screenshot({ path: `${SHOTS}/timetable-index.png`, fullPage: true })
    await page.goto(`${base}/timetable/extra?date=${date}&class=${s.c5a}`)
    await page.screenshot({ path: `${SHOTS}/timetable-extra.png`, fullPage: true })
  })

  await pool.withPage(async (page) => {
    await page.setViewport({ width: 1280, height: 900 })
    await login(page, base, 'spare')
    const date = nextWeekday(addDays(TODAY, 1), 2)
    await page.goto(`${base}/timetable/teachers/${s.spare.personId}?week=${date}`)
    t.match(await page.content(), 'замена; по расписанию — Математикова А. И.', 'the substitute sees the lesson in their week')
    await page.screenshot({ path: `${SHOTS}/timetable-teacher-week.png`, fullPage: true })
    await page.emulateMediaType('print')
    await page.setViewport({ width: 1123, height: 794 })
    await page.screenshot({ path: `${SHOTS}/timetable-teacher-week-print.png`, fullPage: true })
  })
})
