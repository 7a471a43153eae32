// The journal page: rows and columns, enrolment dates, means, coverage figures, periods, and a cost that does
// not grow with the class: the same number of queries for 5 or 30 students, fast at 30 × 40 (R-J-1,4,8; R-NF-2).
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { buildTestApp, loginAs } from './helper.js'
import type { Database } from '../src/db/types.js'
import type { DB } from '../src/db/connection.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { journalPage } from '../src/features/journal/journal.service.js'
import { addLesson, day, kindId, seedJournal, TODAY, type Seed } from './journal.seed.js'

async function mark(db: DB, s: Seed, lesson: number, student: number, value: string, column = 1) {
  await db.insertInto('marks').values({ lesson_id: lesson, student_id: student, column_no: column, value, entered_at: day(0), entered_by: s.u.teacher.personId }).execute()
}

t.test('R-J-1,4,8 the page: students × lessons, enrolment, weighted means, who has gone longest without a mark', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 5 })
  const [a, b, c, d] = s.students
  // Lessons of this period; one of the previous period; a cancelled one.
  const ls: number[] = []
  for (const n of [-10, -8, -6, -4, -2, 0]) ls.push(await addLesson(db, s, { date: day(n) }))
  const future = await addLesson(db, s, { date: day(3) })
  const old = await addLesson(db, s, { date: day(-60) })
  const cancelled = await addLesson(db, s, { date: day(-9) })
  await db.updateTable('lessons').set({ status: 'cancelled' }).where('id', '=', cancelled).execute()
  const ou = await kindId(db, 'Отв')
  const kr = await kindId(db, 'КР')
  for (const l of ls) await db.insertInto('lesson_columns').values({ lesson_id: l, column_no: 1, work_kind_id: ou }).execute()
  await db.insertInto('lesson_columns').values({ lesson_id: ls[1], column_no: 2, work_kind_id: kr }).execute()
  await mark(db, s, ls[0], a, '5')
  await mark(db, s, ls[1], a, '3', 2) // control work, weight 2: mean (5 + 3·2) / 3 = 3,67
  await mark(db, s, ls[5], b, '4/5') // a double mark counts twice: 4,50
  await mark(db, s, ls[4], c, '4')
  await mark(db, s, old, c, '2') // another period: not on this page
  await db.insertInto('absences').values({ lesson_id: ls[2], student_id: a, entered_at: day(0), entered_by: s.u.teacher.personId }).execute()
  // d left the class five days ago; b arrived late (enrolled from -7).
  await db.updateTable('enrollments').set({ to_date: day(-5), reason_out: 'departure' }).where('student_id', '=', d).execute()
  await db.updateTable('enrollments').set({ from_date: day(-7) }).where('student_id', '=', b).execute()

  const teacher = await loginAs(app, 'teacher')
  const res = await teacher.get(`/journal/class/${s.c5a}/${s.math}`)
  t.equal(res.statusCode, 200)
  const html = res.body
  t.match(html, '5А — Математика')
  t.match(html, '2-я четверть', 'the period containing today')
  const rows = [...html.matchAll(/<tr class="[^"]*">\s*<td class="n">(\d+)<\/td>\s*<td class="name">([^<]+)[\s\S]*?<\/tr>/g)]
  t.equal(rows.length, 5, 'one row per student')
  const heads = [...html.matchAll(/<th class="d[^"]*" title="([^"]+)">/g)].map((m) => m[1].split(',')[0])
  t.same(heads, [-10, -8, -6, -4, -2, 0, 3].map((n) => `${day(n).slice(8, 10)}.${day(n).slice(5, 7)}`), 'columns: the period\'s scheduled lessons in order (no cancelled, no other period)')
  t.match(html, `href="/journal/lessons/${ls[0]}"`, 'the teacher gets links to the lesson forms')
  t.match(html, `href="/journal/lessons/${future}"`)
  const rowOf = (id: number) => rows[s.students.indexOf(id)][0]
  t.match(rowOf(a), /<td class="sum">3,67<\/td>\s*<td class="sum">2<\/td>/, 'weighted mean with the control work heavier, and the count')
  t.match(rowOf(b), /<td class="sum">4,50<\/td>/, 'a double mark counts as two')
  t.match(rowOf(a), '<td class="abs">н</td>')
  t.equal((rowOf(b).match(/<td class="off"><\/td>/g) ?? []).length, 2, 'a late arrival: grey before the arrival')
  t.equal((rowOf(d).match(/<td class="off"><\/td>/g) ?? []).length, 4, 'a departed student: grey after leaving, kept on the page')
  t.match(rowOf(d), '(выбыл(а))')
  t.match(rowOf(a), /<td class="sum since">4<\/td>/, 'four lessons since the last mark')
  t.match(rowOf(a), /<tr class="stale">/, 'four lessons without a mark is highlighted')
  t.match(rowOf(s.students[4]), /<tr class="stale longest">/, 'the longest without a mark stands out')
  t.match(html, 'Дольше всех без отметки (6 ур. подряд, норма — не реже раза в 4 урока): Григорьева Анна.')
  t.match(html, 'Отметок за период: 4 на 25 проведённых уроков учеников — 16 %', 'the marks-share figure')
  t.match(html, 'Отв — ответ на уроке, КР — контрольная работа', 'the kinds used are explained')
  t.match(html, /<th class="k">Отв<br>КР<\/th>/, 'a column headed with both kinds of work')

  // Far-off lessons of the period wait behind a link, so the means stay on screen.
  const far: number[] = []
  for (const n of [5, 7, 9, 11, 13, 15]) far.push(await addLesson(db, s, { date: day(n) }))
  const near = await teacher.get(`/journal/class/${s.c5a}/${s.math}`)
  t.match(near.body, `href="/journal/lessons/${far[3]}"`, 'the next five lessons are shown')
  t.notMatch(near.body, `href="/journal/lessons/${far[4]}"`, 'the sixth is not')
  t.match(near.body, 'ещё уроков впереди в этом периоде: 2')
  const all = await teacher.get(`/journal/class/${s.c5a}/${s.math}?all=1`)
  t.match(all.body, `href="/journal/lessons/${far[5]}"`, 'the whole period on request')
  t.match(all.body, 'Показать только прошедшие и ближайшие уроки')

  const first = await teacher.get(`/journal/class/${s.c5a}/${s.math}?period=${s.periods[0]}`)
  t.match(first.body, '1-я четверть')
  t.match(first.body, `href="/journal/lessons/${old}"`, 'another period on request')
  t.notMatch(first.body, `href="/journal/lessons/${ls[0]}"`)
})

/** Counts the queries journalPage makes on the same database file, through a second Kysely with a log hook. */
async function queriesFor(file: string, s: Seed, userId: number): Promise<{ queries: number; ms: number; rows: number }> {
  let queries = 0
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }), log: (e) => { if (e.level === 'query') queries++ } })
  try {
    const user = (await loadCurrentUser(db, userId))!
    queries = 0
    const started = performance.now()
    const m = await journalPage(db, user, { classId: s.c5a, groupId: null }, s.math, null, TODAY, { history: false, allLessons: true })
    return { queries, ms: performance.now() - started, rows: m.rows.length }
  } finally {
    await db.destroy()
  }
}

async function fullQuarter(students: number) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-page-')), 'school.sqlite')
  const { app, db } = await buildTestApp({}, file)
  const s = await seedJournal(db, { students })
  const ou = await kindId(db, 'Отв')
  // 40 lessons over the period, a mark for every other student and a few absences in each.
  for (let i = 0; i < 40; i++) {
    const l = await addLesson(db, s, { date: day(-30 + Math.floor(i * 1.5)) })
    await db.insertInto('lesson_columns').values({ lesson_id: l, column_no: 1, work_kind_id: ou }).execute()
    const ms = s.students.filter((_, k) => (k + i) % 2 === 0)
    if (ms.length) await db.insertInto('marks').values(ms.map((st, k) => ({ lesson_id: l, student_id: st, column_no: 1, value: String(2 + ((k + i) % 4)), entered_at: day(0), entered_by: s.u.teacher.personId }))).execute()
    await db.insertInto('absences').values({ lesson_id: l, student_id: s.students[(i * 7) % students], entered_at: day(0), entered_by: s.u.teacher.personId }).execute()
  }
  return { app, db, s, file }
}

t.test('R-NF-2 the page costs the same number of queries for 5 or 30 students, and stays fast at 30 × 40', async (t) => {
  const small = await fullQuarter(5)
  const big = await fullQuarter(30)
  t.teardown(async () => { await small.app.close(); await big.app.close() })
  const q5 = await queriesFor(small.file, small.s, small.s.u.teacher.userId!)
  const q30 = await queriesFor(big.file, big.s, big.s.u.teacher.userId!)
  t.equal(q30.rows, 30)
  t.equal(q30.queries, q5.queries, `${q5.queries} queries for 5 students, ${q30.queries} for 30`)
  t.ok(q30.queries <= 12, 'one query per kind of data')
  // Warm, then time the whole request as a teacher would get it.
  const teacher = await loginAs(big.app, 'teacher')
  await teacher.get(`/journal/class/${big.s.c5a}/${big.s.math}?all=1`)
  const started = performance.now()
  const res = await teacher.get(`/journal/class/${big.s.c5a}/${big.s.math}?all=1`)
  const ms = performance.now() - started
  t.equal(res.statusCode, 200)
  t.equal((res.body.match(/<td class="(c|abs)">/g) ?? []).length, 30 * 40, '30 × 40 cells')
  t.ok(ms < 100, `the page of 30 × 40 is served in ${ms.toFixed(0)} ms (service alone: ${q30.ms.toFixed(0)} ms)`)
})
