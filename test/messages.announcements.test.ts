// Announcements: who sees which (school, grade, class), who publishes where, withdrawal through a confirmation
// page, audited and hidden everywhere (R-D-3, R-ACC-2).
import t from 'tap'
import type { DB } from '../src/db/connection.js'
import { addDays, nowIso } from '../src/lib/dates.js'
import { announcementsForStudent } from '../src/features/messages/announcements.queries.js'
import { auditRows, count, world, TODAY, type Seed } from './messages.seed.js'
import { loginAs } from './helper.js'

async function announce(db: DB, s: Seed) {
  const add = async (author: number, title: string, extra: { scope: 'school' | 'grade' | 'class'; grade?: number; class_id?: number; visible_until?: string; withdrawn_at?: string }, minutesAgo: number) =>
    (await db.insertInto('announcements').values({
      author_id: author, title, body: `Текст: ${title}`, created_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      scope: extra.scope, grade: extra.grade ?? null, class_id: extra.class_id ?? null, visible_until: extra.visible_until ?? null, withdrawn_at: extra.withdrawn_at ?? null,
    }).returning('id').executeTakeFirstOrThrow()).id
  return {
    school: await add(s.u.director.personId, 'Для всей школы', { scope: 'school' }, 70),
    grade5: await add(s.u.deputy.personId, 'Для пятых классов', { scope: 'grade', grade: 5 }, 60),
    grade6: await add(s.u.director.personId, 'Для шестых классов', { scope: 'grade', grade: 6 }, 50),
    c5a: await add(s.u.classTeacher.personId, 'Для 5А', { scope: 'class', class_id: s.c5a }, 40),
    c5b: await add(s.u.director.personId, 'Для 5Б', { scope: 'class', class_id: s.c5b }, 30),
    c6b: await add(s.ct6.personId, 'Для 6Б', { scope: 'class', class_id: s.c6b }, 20),
    expired: await add(s.u.director.personId, 'Прошедшее', { scope: 'school', visible_until: addDays(TODAY, -1) }, 10),
    withdrawn: await add(s.u.director.personId, 'Отозванное', { scope: 'school', withdrawn_at: nowIso() }, 5),
  }
}

const ALL = ['Для всей школы', 'Для пятых классов', 'Для шестых классов', 'Для 5А', 'Для 5Б', 'Для 6Б', 'Прошедшее', 'Отозванное']

t.test('R-D-3, R-ACC-2: each family sees the school\'s, their grade\'s and their class\'s announcements; staff see all', async (t) => {
  const w = await world(t, ['parent', 'student', 'teacher', 'scheduler'])
  const { s, db } = w
  await announce(db, s)
  const parent6 = await loginAs(w.app, 'parent6')
  const expect: [string, { get(u: string): Promise<{ statusCode: number; body: string }> }, string[]][] = [
    ['5А parent', w.as.parent, ['Для 5А', 'Для пятых классов', 'Для всей школы']],
    ['5А student', w.as.student, ['Для 5А', 'Для пятых классов', 'Для всей школы']],
    ['6Б parent', parent6, ['Для 6Б', 'Для шестых классов', 'Для всей школы']],
    ['teacher', w.as.teacher, ['Для 6Б', 'Для 5Б', 'Для 5А', 'Для шестых классов', 'Для пятых классов', 'Для всей школы']],
    ['scheduler', w.as.scheduler, ['Для 6Б', 'Для 5Б', 'Для 5А', 'Для шестых классов', 'Для пятых классов', 'Для всей школы']],
  ]
  for (const [who, c, titles] of expect) {
    const res = await c.get('/announcements')
    t.equal(res.statusCode, 200)
    const shown = [...res.body.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])
    t.same(shown, titles, `${who} sees exactly these, newest first`)
    for (const title of ALL.filter((x) => !titles.includes(x))) t.notMatch(res.body, `Текст: ${title}`, `${who} does not see «${title}»`)
  }
  t.match((await w.as.parent.get('/announcements')).body, '5-е классы', 'the target is named')
  t.notMatch((await w.as.parent.get('/announcements')).body, 'Новое объявление', 'a parent has no button to announce')
  t.notMatch((await w.as.parent.get('/announcements')).body, '/withdraw', 'nor to withdraw')
  // The diary's list agrees (it is another helper's page, the same rows).
  const diary = await announcementsForStudent(db, s.u.student.personId, TODAY)
  t.same(diary.map((a) => a.title), ['Для 5А', 'Для пятых классов', 'Для всей школы'])
})

t.test('R-D-3: a class teacher announces to their own class only; the administration to the school or a grade', async (t) => {
  const w = await world(t, ['classTeacher', 'director', 'teacher', 'parent'])
  const { s, db } = w
  const form = await w.as.classTeacher.get('/announcements/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, `<option value="class:${s.c5a}">Класс 5А</option>`)
  t.notMatch(form.body, 'value="school"', 'no school-wide choice for a class teacher')
  t.notMatch(form.body, 'value="grade:', 'nor a grade')
  for (const target of ['school', 'grade:5', `class:${s.c6b}`, `class:${s.c5b}`]) {
    const res = await w.as.classTeacher.post('/announcements/new', { target, title: 'Не моё', body: 'Текст' })
    t.equal(res.statusCode, 403, `class teacher → ${target} refused`)
    t.match(res.body, 'только для своего класса')
    t.match(res.body, 'value="Не моё"', 'the input is kept')
  }
  t.equal(await count(db, 'announcements'), 0, 'nothing written')
  const ok = await w.as.classTeacher.post('/announcements/new', { target: `class:${s.c5a}`, title: 'Субботник', body: '<b>В субботу</b>\nс 10:00' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/announcements')
  const page = (await w.as.parent.get('/announcements')).body
  t.match(page, 'Субботник')
  t.match(page, '&lt;b&gt;В субботу&lt;/b&gt;\nс 10:00', 'plain text, escaped, line break kept')
  t.match(page, 'Класс 5А')

  const dform = await w.as.director.get('/announcements/new')
  t.match(dform.body, 'value="school"')
  t.match(dform.body, '<option value="grade:5">Параллель 5-х классов</option>')
  t.match(dform.body, '<option value="grade:6">')
  const grade = await w.as.director.post('/announcements/new', { target: 'grade:6', title: 'Олимпиада', body: 'Запись у классных руководителей', visible_until: addDays(TODAY, 7) })
  t.equal(grade.statusCode, 303)
  t.equal((await w.as.director.post('/announcements/new', { target: `class:${s.c5a}`, title: 'x', body: 'y' })).statusCode, 403, 'the administration does not post into a class')
  t.notMatch((await w.as.parent.get('/announcements')).body, 'Олимпиада', 'grade 6 is not shown to a 5А parent')
  const audits = await auditRows(db, 'announcement.create')
  t.equal(audits.length, 2, 'both announcements audited')
  t.match(audits[1].after, { scope: 'grade', grade: 6, title: 'Олимпиада', visible_until: addDays(TODAY, 7), author_id: s.u.director.personId })

  const bad = await w.as.director.post('/announcements/new', { target: 'school', title: '', body: 'я'.repeat(5001), visible_until: addDays(TODAY, -1) })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Заполните это поле.')
  t.match(bad.body, 'Слишком длинный текст')
  t.match(bad.body, 'Дата уже прошла.')
  t.equal(await count(db, 'announcements'), 2)
})

t.test('R-D-3: withdrawal goes through a confirmation page, is audited and hides the announcement everywhere', async (t) => {
  const w = await world(t, ['classTeacher', 'teacher', 'deputy', 'parent'])
  const { s, db } = w
  const a = await announce(db, s)
  const confirm = await w.as.classTeacher.get(`/announcements/${a.c5a}/withdraw`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Отозвать это объявление?')
  t.match(confirm.body, 'Текст: Для 5А')
  t.equal((await db.selectFrom('announcements').select('withdrawn_at').where('id', '=', a.c5a).executeTakeFirstOrThrow()).withdrawn_at, null, 'the GET changes nothing')
  t.match((await w.as.classTeacher.get('/announcements')).body, `/announcements/${a.c5a}/withdraw`, 'the author has the link')
  t.notMatch((await w.as.classTeacher.get('/announcements')).body, `/announcements/${a.school}/withdraw`, 'not for others\' announcements')

  for (const [who, id] of [['classTeacher', a.school], ['teacher', a.c5a], ['classTeacher', a.c6b]] as const) {
    t.equal((await w.as[who].get(`/announcements/${id}/withdraw`)).statusCode, 403, `${who} GET withdraw ${id}`)
    t.equal((await w.as[who].post(`/announcements/${id}/withdraw`)).statusCode, 403, `${who} POST withdraw ${id}`)
  }
  t.equal((await auditRows(db, 'announcement.withdraw')).length, 0, 'nothing withdrawn')

  const done = await w.as.classTeacher.post(`/announcements/${a.c5a}/withdraw`)
  t.equal(done.statusCode, 303)
  const row = await db.selectFrom('announcements').selectAll().where('id', '=', a.c5a).executeTakeFirstOrThrow()
  t.ok(row.withdrawn_at, 'withdrawn_at set; the row is kept')
  const audits = await auditRows(db, 'announcement.withdraw')
  t.equal(audits.length, 1)
  t.same(audits[0].before, { withdrawn_at: null })
  t.same(audits[0].after, { withdrawn_at: row.withdrawn_at })
  t.equal(audits[0].entity_id, String(a.c5a))
  t.notMatch((await w.as.parent.get('/announcements')).body, 'Для 5А', 'hidden from the family')
  t.notMatch((await w.as.teacher.get('/announcements')).body, 'Текст: Для 5А', 'and from staff')
  t.notOk((await announcementsForStudent(db, s.u.student.personId, TODAY)).some((x) => x.id === a.c5a), 'and from the diary')
  t.equal((await w.as.classTeacher.post(`/announcements/${a.c5a}/withdraw`)).statusCode, 404, 'a second withdrawal finds nothing')
  t.equal((await w.as.classTeacher.get(`/announcements/${a.c5a}/withdraw`)).statusCode, 404)
  t.equal((await auditRows(db, 'announcement.withdraw')).length, 1, 'audited once')

  t.equal((await w.as.deputy.post(`/announcements/${a.c6b}/withdraw`)).statusCode, 303, 'the administration withdraws anyone\'s')
  t.equal((await w.as.deputy.get('/announcements/999999/withdraw')).statusCode, 404)
  t.equal((await w.as.deputy.get('/announcements/abc/withdraw')).statusCode, 404)
})
