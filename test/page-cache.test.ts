// The page cache (R-NF-1, R-NF-2): journal pages and diary weeks are kept under data versions that triggers
// bump in every write's own transaction. These tests prove that no table of the school's data can change
// without bumping a version, that the cached builds read only such tables, and that a saved mark, a refused
// access and a CSRF token are exactly what they would be without the cache.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { buildTestApp, loginAs, type Client } from './helper.js'
import type { DB } from '../src/db/connection.js'
import type { Database } from '../src/db/types.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { journalPage } from '../src/features/journal/journal.service.js'
import { openDiary, weekPage } from '../src/features/diary/diary.service.js'
import { PageCache } from '../src/lib/page-cache.js'
import { openDatabase } from '../src/db/connection.js'
import { migrateToLatest, migrator } from '../src/db/migrate.js'
import { keptEncoding } from '../src/plugins/view.js'
import { mondayOf, nowIso } from '../src/lib/dates.js'
import { addLesson, day, kindId, seedJournal, TODAY, type Seed } from './journal.seed.js'

/** Tables whose writes bump nothing, and why no cached page may read them. */
const UNVERSIONED: Record<string, string> = {
  sessions: 'written on login and once a minute per user; read by the session plugin for every request',
  audit_log: 'written by every staff read of a diary; read by reports only',
  mail_log: 'mail sent; read by the settings page',
  backups: 'backup runs; read by the backup page',
  users: 'written on every login; the current user is loaded for every request',
  invitations: 'invitation codes',
  digest_subscriptions: 'e-mail digest choices',
  messages: 'the unread count is counted for every request',
  threads: 'messages',
  thread_participants: 'messages',
  kysely_migration: 'migrations', kysely_migration_lock: 'migrations', sqlite_sequence: 'SQLite',
  data_versions: 'the versions themselves',
}

function check(r: { error?: unknown }) {
  if (r.error) throw r.error
}

async function versions(db: DB): Promise<Record<string, number>> {
  const rows = await db.selectFrom('data_versions').select(['scope', 'v']).execute()
  return Object.fromEntries(rows.map((r) => [r.scope, r.v]))
}

async function mark(db: DB, s: Seed, lesson: number, student: number, value: string) {
  await db.insertInto('marks').values({ lesson_id: lesson, student_id: student, column_no: 1, value, entered_at: nowIso(), entered_by: s.u.teacher.personId }).execute()
}

t.test('R-NF-1: every table of the school’s data bumps a version by trigger; the others are listed with the reason', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
  const triggers = new Set((await sql<{ name: string }>`select name from sqlite_master where type = 'trigger'`.execute(db)).rows.map((r) => r.name))
  t.ok(tables.length > 40)
  for (const table of tables.filter((name) => !name.startsWith('sqlite_stat'))) {
    for (const event of ['insert', 'update', 'delete']) {
      if (table in UNVERSIONED) t.notOk(triggers.has(`dv_${table}_${event}`), `${table} is not versioned: ${UNVERSIONED[table]}`)
      else t.ok(triggers.has(`dv_${table}_${event}`), `${table}: ${event} bumps a version`)
    }
  }
})

t.test('R-NF-1: the data versions migrate onto a file that SQLite has analysed (its own sqlite_stat tables)', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.destroy())
  const m = migrator(db)
  check(await m.migrateTo('20261122T1410_marks_entered'))
  await sql`create table probe (x integer)`.execute(db)
  await sql`create index probe_x on probe (x)`.execute(db)
  await sql`insert into probe values (1), (2)`.execute(db)
  await sql`analyze`.execute(db)
  const before = await sql<{ n: number }>`select count(*) as n from sqlite_master where name like 'sqlite_stat%'`.execute(db)
  t.ok(before.rows[0].n > 0, 'sqlite_stat1 is there')
  await migrateToLatest(db)
  t.ok((await versions(db)).school >= 0, 'migrated')
  await sql`insert into probe values (3)`.execute(db)
  t.ok((await versions(db)).school > 0, 'a table of the file bumps the school')
})

t.test('R-NF-1: a lesson’s writes bump its class, a cross-class group’s the school, any other write the school, a login nothing', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const lesson = await addLesson(db, s, { date: day(-1) })
  const other = await addLesson(db, s, { date: day(-1), classId: s.c5b, teacherId: s.u.other.personId })
  const a = s.students[0]
  let before = await versions(db)
  await mark(db, s, lesson, a, '5')
  let now = await versions(db)
  t.equal(now[`class:${s.c5a}`], before[`class:${s.c5a}`] + 1, 'a mark bumps its lesson’s class')
  t.equal(now.school, before.school, '… and not the school')
  t.equal(now[`class:${s.c5b}`], before[`class:${s.c5b}`], '… nor another class')

  before = now
  await db.updateTable('marks').set({ value: '4' }).where('lesson_id', '=', lesson).execute()
  await db.insertInto('absences').values({ lesson_id: other, student_id: s.students5b[0], entered_at: nowIso(), entered_by: s.u.other.personId }).execute()
  await db.updateTable('lessons').set({ topic: 'Дроби' }).where('id', '=', lesson).execute()
  await db.deleteFrom('marks').where('lesson_id', '=', lesson).execute()
  now = await versions(db)
  t.equal(now[`class:${s.c5a}`], before[`class:${s.c5a}`] + 2 + 2 + 1, 'an update bumps for the old and the new row, a delete once')
  t.equal(now[`class:${s.c5b}`], before[`class:${s.c5b}`] + 1, 'an absence in 5Б bumps 5Б')
  t.equal(now.school, before.school)

  // A lesson of a group across classes belongs to no one class: the school.
  const group = (await db.insertInto('groups').values({ year_id: s.yearId, name: 'Хор', kind: 'cross', class_id: null, subject_id: s.math, grade: 5 })
    .returning('id').executeTakeFirstOrThrow()).id
  before = await versions(db)
  const groupLesson = (await db.insertInto('lessons').values({
    year_id: s.yearId, class_id: null, group_id: group, subject_id: s.math, teacher_id: s.u.teacher.personId, date: day(-1), lesson_number: 6, origin: 'timetable',
  }).returning('id').executeTakeFirstOrThrow()).id
  await mark(db, s, groupLesson, a, '3')
  now = await versions(db)
  t.equal(now.school, before.school + 2, 'the group’s lesson and its mark bump the school')

  before = now
  await db.updateTable('persons').set({ first_name: 'Артемий' }).where('id', '=', a).execute()
  t.equal((await versions(db)).school, before.school + 1, 'a name is the school’s data')

  before = await versions(db)
  const teacher = await loginAs(app, 'teacher')
  await teacher.get('/journal')
  t.same(await versions(db), before, 'logging in and reading write sessions, users and the audit trail only: nothing is bumped')
})

t.test('R-NF-1: the cached builds read only versioned tables', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'page-cache-'))
  const file = path.join(dir, 'school.db')
  const { app, db } = await buildTestApp({}, file)
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 4 })
  const lesson = await addLesson(db, s, { date: day(-1) })
  await db.insertInto('lesson_columns').values({ lesson_id: lesson, column_no: 1, work_kind_id: await kindId(db, 'Отв') }).execute()
  await mark(db, s, lesson, s.u.student.personId, '5')

  const seen: string[] = []
  const logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }), log: (e) => { seen.push(e.query.sql) } })
  t.teardown(() => logged.destroy())
  const userOf = async (login: string) => loadCurrentUser(db, (await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()).id)
  const deputy = (await userOf('deputy'))!
  for (const history of [false, true]) {
    await journalPage(logged, deputy, { classId: s.c5a, groupId: null }, s.math, null, TODAY, { history, allLessons: true })
  }
  const parent = (await userOf('parent'))!
  const ctx = await openDiary(logged, parent, s.u.student.personId, TODAY)
  t.not(ctx, 'notFound')
  if (typeof ctx !== 'string') await weekPage(logged, ctx, parent.personId, mondayOf(TODAY), TODAY)

  const read = new Set<string>()
  for (const q of seen) for (const m of q.matchAll(/\b(?:from|join)\s+"?([a-z_]+)"?/gi)) read.add(m[1])
  t.ok(read.has('marks') && read.has('enrollments') && read.has('lessons'), `the builds read ${[...read].sort().join(', ')}`)
  for (const table of read) t.notOk(table in UNVERSIONED, `${table} is read by a cached page, so it is versioned`)
})

/** The number of the cache's hits and misses since the last call. */
function counter(app: { pageCache: PageCache }) {
  let h = app.pageCache.hits
  let m = app.pageCache.misses
  return () => {
    const r = { hits: app.pageCache.hits - h, misses: app.pageCache.misses - m }
    h = app.pageCache.hits
    m = app.pageCache.misses
    return r
  }
}

async function saveMarks(c: Client, lesson: number, kind: number, cells: Record<number, string>) {
  const res = await c.post(`/journal/lessons/${lesson}`, { topic: 'Повторение', kind_1: kind, ...Object.fromEntries(Object.entries(cells).map(([id, v]) => [`c_${id}`, v])) })
  if (res.statusCode !== 303) throw new Error(`save answered ${res.statusCode}: ${[...res.body.matchAll(/class="(?:error|problem|field-error|msg)[^"]*"[^>]*>([^<]+)/g)].map((m) => m[1]).join('; ') || res.body.slice(res.body.indexOf('<main'), res.body.indexOf('<main') + 1500)}`)
}

t.test('R-J-1, R-NF-1: the journal page is kept until its class or the school changes; a saved mark is on the next view', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 4 })
  const lesson = await addLesson(db, s, { date: TODAY })
  const lesson5b = await addLesson(db, s, { date: TODAY, classId: s.c5b, teacherId: s.u.other.personId })
  const kind = await kindId(db, 'Отв')
  const url = `/journal/class/${s.c5a}/${s.math}`
  const [deputy, teacher, other] = [await loginAs(app, 'deputy'), await loginAs(app, 'teacher'), await loginAs(app, 'other')]
  const count = counter(app)

  const first = await deputy.get(url)
  const second = await deputy.get(url)
  t.equal(second.statusCode, 200)
  const main = (html: string) => html.slice(html.indexOf('<main'))
  t.equal(main(second.body), main(first.body), 'the same page')
  t.same(count(), { hits: 1, misses: 1 }, 'built once, then served as kept')
  t.notMatch(first.body, `href="/journal/lessons/${lesson}"`, 'the deputy reads: no links to the lesson form')

  // Another user gets their own page, with their own rights: the teacher's has the links.
  const mine = await teacher.get(url)
  t.match(mine.body, `href="/journal/lessons/${lesson}"`)
  t.same(count(), { hits: 0, misses: 1 }, 'kept per user')
  for (let i = 0; i < 2; i++) t.equal((await other.get(url)).statusCode, 403, 'a teacher of another class is refused, each time')
  t.same(count(), { hits: 0, misses: 2 }, 'a refusal is never kept')

  await saveMarks(other, lesson5b, kind, { [s.students5b[0]]: '2' })
  await deputy.get(url)
  t.same(count(), { hits: 1, misses: 0 }, 'a mark in 5Б leaves the page of 5А as it was')

  await saveMarks(teacher, lesson, kind, { [s.students[1]]: '5' })
  const after = await deputy.get(url)
  t.same(count(), { hits: 0, misses: 1 }, 'a mark in 5А: built again')
  t.match(after.body, /<td class="c">5<\/td>/, 'the saved mark is on the page at once')
  t.notMatch(first.body, /<td class="c">5<\/td>/)

  // A write from outside the application (another process, the command line) is seen as well.
  await db.updateTable('persons').set({ last_name: 'Переименованный' }).where('id', '=', s.students[2]).execute()
  t.match((await deputy.get(url)).body, 'Переименованный')
  t.same(count(), { hits: 0, misses: 1 })

  // Refusals are never kept: the parent is refused every time.
  const parent = await loginAs(app, 'parent')
  for (let i = 0; i < 2; i++) t.equal((await parent.get(url)).statusCode, 403, 'a family member never reaches the journal')
  t.equal((await deputy.get(`/journal/class/999999/${s.math}`)).statusCode, 404)
})

t.test('R-D-1, R-ACC-5: the diary week is kept per viewer; a new mark shows at once, a staff read is audited every time, the form’s token is the session’s own', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seedJournal(db, { students: 3 })
  const me = s.u.student.personId
  // In this week and within the control work's three days, whatever the day of the week today.
  const date = [mondayOf(TODAY), day(-2)].sort()[1]
  const lesson = await addLesson(db, s, { date })
  const kind = await kindId(db, 'КР')
  const url = `/diary/${me}`
  const [parent, parentAgain, teacher, deputy, student] = [await loginAs(app, 'parent'), await loginAs(app, 'parent'), await loginAs(app, 'teacher'),
    await loginAs(app, 'deputy'), await loginAs(app, 'student')]
  const count = counter(app)

  const first = await parent.get(url)
  t.equal(first.statusCode, 200)
  await parent.get(url)
  t.same(count(), { hits: 1, misses: 1 })
  const again = await parentAgain.get(url)
  t.same(count(), { hits: 1, misses: 0 }, 'the same parent in a second browser gets the kept week')
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html.slice(html.indexOf('<main')))?.[1]
  t.ok(token(first.body) && token(again.body))
  t.not(token(again.body), token(first.body), 'with a token of its own session in the form')
  const plain = (await parent.get(url)).body
  t.equal((await parent.get(url)).body, plain, 'the same browser gets the same whole page, kept')
  for (const [accept, encoding, unpack] of [['gzip, deflate, br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync]] as const) {
    for (let i = 0; i < 2; i++) {
      const packed = await parent.get(url, { 'accept-encoding': accept })
      t.equal(packed.headers['content-encoding'], encoding, `${accept}: sent as ${encoding}`)
      t.equal(unpack(packed.rawPayload).toString(), plain, 'the same page')
    }
  }
  const identity = await parent.get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' })
  t.notOk(identity.headers['content-encoding'], 'q=0 refuses an encoding')
  t.equal(identity.body, plain)
  t.notMatch(again.body, 'csrfslot', 'no slot left in the page')
  const ack = await parentAgain.post(`/diary/${me}/acknowledge`, { _csrf: token(again.body)!, week: mondayOf(TODAY) })
  t.equal(ack.statusCode, 303, 'the form of a kept page works')
  t.match((await parentAgain.get(url)).body, 'Вы подтвердили ознакомление', 'the confirmation is on the next view')

  // A message to the parent: the menu's count changes on the next page at once.
  const noBadge = (await parent.get(url)).body
  t.notMatch(noBadge, 'class="count"')
  const thread = (await db.insertInto('threads').values({ subject: 'Вопрос', created_by: s.u.teacher.personId, created_at: nowIso(), last_message_at: nowIso(), about_student_id: me }).returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('thread_participants').values([{ thread_id: thread, person_id: s.u.teacher.personId, last_read_at: null }, { thread_id: thread, person_id: s.u.parent.personId, last_read_at: null }]).execute()
  await db.insertInto('messages').values({ thread_id: thread, sender_id: s.u.teacher.personId, body: 'Здравствуйте', created_at: nowIso() }).execute()
  t.match((await parent.get(url)).body, /class="count"[^>]*>1</, 'the unread count is not kept with the page')

  await saveMarks(teacher, lesson, kind, { [me]: '4' })
  const withMark = await parent.get(url)
  t.match(withMark.body, /<span class="mark m4">4<\/span>/, 'the new mark is in the diary at once')
  t.equal((await student.get(url)).statusCode, 200)

  const audited = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'diary.read').executeTakeFirstOrThrow()).n)
  const before = await audited()
  count()
  await deputy.get(url)
  await deputy.get(url)
  t.same(count(), { hits: 1, misses: 1 })
  t.equal(await audited(), before + 2, 'each staff read is audited, the kept one as well')

  // Another family's child: refused each time, never kept.
  const stranger = await loginAs(app, 'parent')
  await db.deleteFrom('parent_links').where('parent_id', '=', s.u.parent.personId).execute()
  t.equal((await stranger.get(url)).statusCode, 404, 'the link removed: the kept week is not served')
  t.equal((await parent.get(url)).statusCode, 404)
})

t.test('R-NF-1: the cache keeps to its size, drops the least recently used, and 0 switches it off', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const page = (n: number) => async () => ({ html: 'ж'.repeat(1000) + n })
  const cache = new PageCache(db, 400_000)
  let built = 0
  const get = (key: string) => cache.through(key, async () => ['school'], async () => { built++; return page(built)() })
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) await get(k)
  t.ok(cache.size.bytes <= 400_000, `within its size: ${cache.size.bytes} bytes in ${cache.size.entries} entries`)
  t.ok(cache.size.entries >= 4)
  built = 0
  await get('j')
  t.equal(built, 0, 'the newest is kept')
  await get('a')
  t.equal(built, 1, 'the oldest was dropped')
  await db.insertInto('work_kinds').values({ name: 'Проба', short_name: 'Пр' }).execute()
  await get('j')
  t.equal(built, 2, 'a write to the school: built again')
  const entries = cache.size.entries
  t.equal(await cache.through('x', async () => ['school'], async () => null), null)
  t.equal(cache.size.entries, entries, 'a refusal is not kept')

  const off = new PageCache(db, 0)
  let n = 0
  for (let i = 0; i < 3; i++) await off.through('k', async () => ['school'], async () => ({ html: String(++n) }))
  t.equal(n, 3, 'switched off: built every time')
  t.same(off.size, { entries: 0, bytes: 0 })

  const { app: app0 } = await buildTestApp({ pageCacheMb: 0 })
  t.teardown(() => app0.close())
  t.equal(app0.pageCache.size.entries, 0)
})

t.test('R-NF-1: the encoding of a kept page follows Accept-Encoding', async (t) => {
  const cases: [string | undefined, 'br' | 'gzip' | null][] = [
    [undefined, null], ['', null], ['identity', null], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0, gzip', 'gzip'],
    ['BR', 'br'], ['gzip;q=0.5, br;q=0.1', 'br'], ['gzip;q=0, br;q=0', null], ['deflate', null], ['*', null],
  ]
  for (const [header, want] of cases) t.equal(keptEncoding(header), want, JSON.stringify(header))
  t.equal(keptEncoding('gzip, br', true), null, 'x-no-compression')
})
