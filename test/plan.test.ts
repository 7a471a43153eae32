// HTTP tests of the КТП area (R-J-3): every route for every role, topics added, moved, renumbered and
// removed with audit, a topic taken by a lesson kept, import with a preview (broken files write nothing),
// export and template, and the progress of journal pages on a fixture with known answers.
import t from 'tap'
import ExcelJS from 'exceljs'
import type { DB } from '../src/db/connection.js'
import { addDays } from '../src/lib/dates.js'
import { planProgress } from '../src/features/plan/plan.queries.js'
import type { Client } from './helper.js'
import { expectFor, world, ROLE_NAMES, TODAY, type RoleName, type Seed } from './school.seed.js'

const READ: RoleName[] = ['admin', 'deputy', 'director', 'teacher', 'classTeacher']
const EDIT: RoleName[] = ['admin', 'deputy', 'teacher']

async function addTopics(db: DB, s: Seed, n: number, opts: { subjectId?: number; grade?: number; yearId?: number } = {}): Promise<number[]> {
  const ids: number[] = []
  for (let i = 1; i <= n; i++) {
    const r = await db.insertInto('plan_topics').values({
      year_id: opts.yearId ?? s.year, subject_id: opts.subjectId ?? s.subjects.math, grade: opts.grade ?? 5, number: i, title: `Тема ${i}`, hours: 1,
    }).returning('id').executeTakeFirstOrThrow()
    ids.push(r.id)
  }
  return ids
}

/** A held lesson of 5А mathematics (the seeded teacher's page) `daysAgo` days before today. */
async function addLesson(db: DB, s: Seed, daysAgo: number, topicId: number | null, extra: { status?: 'scheduled' | 'cancelled'; extracurricular?: number; classId?: number } = {}) {
  return (await db.insertInto('lessons').values({
    year_id: s.year, class_id: extra.classId ?? s.c5a, subject_id: s.subjects.math, teacher_id: s.u.teacher.personId,
    date: addDays(TODAY, -daysAgo), lesson_number: 2, origin: 'extra', plan_topic_id: topicId,
    status: extra.status ?? 'scheduled', extracurricular: extra.extracurricular ?? 0,
  }).returning('id').executeTakeFirstOrThrow()).id
}

const topicRows = (db: DB, s: Seed, subjectId = s.subjects.math, grade = 5) =>
  db.selectFrom('plan_topics').select(['id', 'number', 'title', 'hours'])
    .where('year_id', '=', s.year).where('subject_id', '=', subjectId).where('grade', '=', grade).orderBy('number').execute()

async function planAudit(db: DB, action?: string) {
  let q = db.selectFrom('audit_log').selectAll().where('action', 'like', 'plan.%')
  if (action) q = q.where('action', '=', action)
  return (await q.orderBy('id').execute()).map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }))
}

const csvFile = (text: string, name = 'plan.csv') => ({ field: 'file', name, type: 'text/csv', data: Buffer.from(text, 'utf8') })

t.test('R-J-3/R-ROLE: every GET route of the КТП answers each role as it should', async (t) => {
  const w = await world(t)
  const { s, db } = w
  const [topic] = await addTopics(db, s, 3)
  const math = `/plan/${s.subjects.math}/5`
  const routes: [string, RoleName[], number?][] = [
    ['/plan', READ],
    [math, READ],
    [`${math}/new`, EDIT],
    [`/plan/topics/${topic}/edit`, EDIT],
    [`/plan/topics/${topic}/delete`, EDIT],
    [`${math}/import`, EDIT],
    [`${math}/export.xlsx`, READ],
    [`${math}/export.csv`, READ],
    ['/plan/template.xlsx', READ],
    ['/plan/progress', READ],
    // The teacher's workload is mathematics in 5А: English in grade 5 is read-only for them.
    [`/plan/${s.subjects.english}/5`, READ],
    [`/plan/${s.subjects.english}/5/new`, ['admin', 'deputy']],
    [`/plan/${s.subjects.english}/5/import`, ['admin', 'deputy']],
  ]
  for (const [url, allowed, ok] of routes) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(allowed, role, ok), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
  t.equal((await w.as.teacher.get('/plan/9999/5')).statusCode, 404, 'an unknown subject')
  t.equal((await w.as.teacher.get(`/plan/${s.subjects.math}/12`)).statusCode, 404, 'no 12th grade')
  t.equal((await w.as.teacher.get('/plan/topics/99999/edit')).statusCode, 404, 'an unknown topic')
  t.equal((await w.as.admin.get(`/plan?subject=${s.subjects.math}&grade=5`)).headers.location, math, 'the chooser opens the plan')
})

t.test('R-J-3/R-ROLE: every POST route refuses the roles that may not write and writes nothing', async (t) => {
  const w = await world(t)
  const { s, db } = w
  const ids = await addTopics(db, s, 12)
  const math = `/plan/${s.subjects.math}/5`
  // Each role that may write gets its own topic to edit and remove, so that every allowed call does something.
  const mine = Object.fromEntries(ROLE_NAMES.map((r, i) => [r, ids[i]])) as Record<RoleName, number>
  const routes: [string, (r: RoleName) => string, (r: RoleName) => Record<string, string>, RoleName[]][] = [
    ['new topic', () => `${math}/new`, (r) => ({ number: '50', title: `Новая тема (${r})`, hours: '1' }), EDIT],
    ['edit topic', (r) => `/plan/topics/${mine[r]}/edit`, (r) => ({ number: String(60 + ROLE_NAMES.indexOf(r)), title: 'Изменённая', hours: '2' }), EDIT],
    ['remove topic', (r) => `/plan/topics/${mine[r]}/delete`, () => ({}), EDIT],
    ['renumber', () => `${math}/renumber`, () => ({}), EDIT],
    ['confirm import', () => `${math}/import/confirm`, (r) => ({ mode: 'append', file_name: 'x.csv', line: '2', number: String(80 + ROLE_NAMES.indexOf(r)), title: 'Из файла', hours: '1' }), EDIT],
  ]
  for (const [name, url, form, allowed] of routes) {
    for (const role of ROLE_NAMES) {
      const before = { topics: await topicRows(db, s), audit: (await planAudit(db)).length }
      const res = await w.as[role].post(url(role), form(role))
      t.equal(res.statusCode, expectFor(allowed, role, 303), `${role} POST ${name}`)
      if (!allowed.includes(role)) {
        t.same(await topicRows(db, s), before.topics, `${role}: ${name} changed nothing`)
        t.equal((await planAudit(db)).length, before.audit, `${role}: no audit row`)
      } else t.equal((await planAudit(db)).length, before.audit + (name === 'renumber' && role !== 'admin' ? 0 : 1), `${role}: ${name} audited`)
    }
  }
  // The upload too: refused before the file is looked at.
  for (const role of ROLE_NAMES) {
    const res = await w.as[role].upload(`${math}/import`, { mode: 'append' }, csvFile('№;Тема\n90;Тема\n'))
    t.equal(res.statusCode, expectFor(EDIT, role, 200), `${role} POST upload`)
  }
  // A teacher cannot write a plan outside their workload, even by posting directly.
  const eng = await w.as.teacher.post(`/plan/${s.subjects.english}/5/new`, { number: '1', title: 'Present Simple', hours: '1' })
  t.equal(eng.statusCode, 403)
  t.same(await topicRows(db, s, s.subjects.english), [])
})

t.test('R-J-3: a teacher adds, edits, moves and removes topics; every change is audited', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const c = w.as.teacher
  const math = `/plan/${s.subjects.math}/5`
  const empty = await c.get(math)
  t.match(empty.body, 'В КТП пока нет тем')
  t.match((await c.get(`${math}/new`)).body, /name="number"[^>]*value="1"/, 'the first number is suggested')

  for (const title of ['Натуральные числа', 'Сложение', 'Вычитание']) {
    const res = await c.post(`${math}/new`, { number: String((await topicRows(db, s)).length + 1), title, hours: '1' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, math)
  }
  t.match((await c.get(`${math}/new`)).body, /name="number"[^>]*value="4"/, 'the next number is suggested')
  const more = await c.post(`${math}/new`, { number: '4', title: 'Умножение', hours: '1', more: '1' })
  t.equal(more.headers.location, `${math}/new`, '«save and add another» comes back to the form')
  const next = await c.get(`${math}/new`)
  t.match(next.body, 'Тема № 4 добавлена.')
  t.match(next.body, /name="number"[^>]*value="5"/)
  await c.post(`/plan/topics/${(await topicRows(db, s)).at(-1)!.id}/delete`)
  // Inserting at a taken number pushes the later topics down.
  await c.post(`${math}/new`, { number: '2', title: 'Шкалы', hours: '2' })
  t.same((await topicRows(db, s)).map((x) => `${x.number} ${x.title}`), ['1 Натуральные числа', '2 Шкалы', '3 Сложение', '4 Вычитание'])
  const created = (await planAudit(db, 'plan.topic.create')).at(-1)!
  t.match(created.after, { title: 'Шкалы', number: 2, hours: 2, shifted: 2, subject_id: s.subjects.math, grade: 5 })

  const page = await c.get(math)
  t.match(page.body, 'Шкалы')
  t.match(page.body, 'Тем: 4, часов: 5.')

  // Bad input: 400, the same form with the input kept, nothing written.
  const subtract = (await topicRows(db, s)).find((x) => x.title === 'Вычитание')!
  const bad = await c.post(`/plan/topics/${subtract.id}/edit`, { number: 'пять', title: '', hours: '0' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Введите номер — целое число от 1 до 999.')
  t.match(bad.body, 'Введите тему урока.')
  t.match(bad.body, 'Введите число часов от 1 до 99.')
  t.match(bad.body, 'value="пять"', 'the input is kept')
  t.equal((await topicRows(db, s)).find((x) => x.id === subtract.id)!.title, 'Вычитание')

  // Moving «Вычитание» (4) to 1: the others close up behind it.
  const moved = await c.post(`/plan/topics/${subtract.id}/edit`, { number: '1', title: 'Вычитание натуральных чисел', hours: '1' })
  t.equal(moved.statusCode, 303)
  t.same((await topicRows(db, s)).map((x) => `${x.number} ${x.title}`), ['1 Вычитание натуральных чисел', '2 Натуральные числа', '3 Шкалы', '4 Сложение'])
  const upd = (await planAudit(db, 'plan.topic.update')).at(-1)!
  t.same(upd.before, { number: 4, title: 'Вычитание', hours: 1 })
  t.match(upd.after, { number: 1, title: 'Вычитание натуральных чисел', hours: 1 })

  // Removal through a confirmation page; the later topics move up.
  const scales = (await topicRows(db, s)).find((x) => x.title === 'Шкалы')!
  const confirm = await c.get(`/plan/topics/${scales.id}/delete`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Удалить тему № 3?')
  t.match(confirm.body, `action="/plan/topics/${scales.id}/delete"`)
  const del = await c.post(`/plan/topics/${scales.id}/delete`)
  t.equal(del.statusCode, 303)
  t.same((await topicRows(db, s)).map((x) => `${x.number} ${x.title}`), ['1 Вычитание натуральных чисел', '2 Натуральные числа', '3 Сложение'])
  t.match((await planAudit(db, 'plan.topic.delete')).at(-1)!.before, { number: 3, title: 'Шкалы', hours: 2 })
  t.match((await c.get(math)).body, 'Тема «Шкалы» удалена.')
})

t.test('R-J-3: renumbering closes the gaps and keeps the lessons on their topics', async (t) => {
  const w = await world(t, ['deputy'])
  const { s, db } = w
  const ids = await addTopics(db, s, 4)
  await db.updateTable('plan_topics').set({ number: 10 }).where('id', '=', ids[3]).execute()
  await db.updateTable('plan_topics').set({ number: 7 }).where('id', '=', ids[2]).execute()
  const lesson = await addLesson(db, s, 3, ids[3])
  const page = await w.as.deputy.get(`/plan/${s.subjects.math}/5`)
  t.match(page.body, 'Перенумеровать по порядку', 'offered when there are gaps')
  const res = await w.as.deputy.post(`/plan/${s.subjects.math}/5/renumber`)
  t.equal(res.statusCode, 303)
  t.same((await topicRows(db, s)).map((x) => x.number), [1, 2, 3, 4])
  const l = await db.selectFrom('lessons').select('plan_topic_id').where('id', '=', lesson).executeTakeFirstOrThrow()
  t.equal(l.plan_topic_id, ids[3], 'the lesson still points at its topic, now № 4')
  t.match((await planAudit(db, 'plan.renumber'))[0], { before: { numbers: [7, 10] }, after: { numbers: [3, 4] } })
  const after = await w.as.deputy.get(`/plan/${s.subjects.math}/5`)
  t.notMatch(after.body, 'Перенумеровать по порядку', 'not offered without gaps')
  await w.as.deputy.post(`/plan/${s.subjects.math}/5/renumber`)
  t.equal((await planAudit(db, 'plan.renumber')).length, 1, 'nothing to do writes nothing')
})

t.test('R-J-3: a topic a lesson took cannot be removed, and the refusal names the lesson', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const [first] = await addTopics(db, s, 2)
  await addLesson(db, s, 5, first)
  const confirm = await w.as.teacher.get(`/plan/topics/${first}/delete`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Тему нельзя удалить: она уже отмечена в уроках (1)')
  t.match(confirm.body, `${addDays(TODAY, -5).split('-').reverse().join('.')}, 5А, 2-й урок`)
  t.notMatch(confirm.body, `action="/plan/topics/${first}/delete"`, 'no delete button')
  const res = await w.as.teacher.post(`/plan/topics/${first}/delete`)
  t.equal(res.statusCode, 409)
  t.match(res.body, 'Тему нельзя удалить')
  t.equal((await topicRows(db, s)).length, 2, 'the topic is still there')
  t.same(await planAudit(db, 'plan.topic.delete'), [])
  t.match((await w.as.teacher.get(`/plan/${s.subjects.math}/5`)).body, /title="[^"]*5А, 2-й урок"/, 'the list shows where it was taken')
})

t.test('R-J-3: a broken file is refused with an error per row and nothing is written', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const math = `/plan/${s.subjects.math}/5`
  const form = await w.as.teacher.get(`${math}/import`)
  t.match(form.body, 'enctype="multipart/form-data"')
  t.match(form.body, new RegExp(`action="${math}/import\\?_csrf=`), 'the token travels in the action URL')
  const broken = '№;Тема;Часы\n1;Натуральные числа;1\n;Без номера;1\nдва;Плохой номер;1\n3;;1\n1;Повтор номера;1\n5;Плохие часы;много\n'
  const res = await w.as.teacher.upload(`${math}/import`, { mode: 'replace' }, csvFile(broken))
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Строк с темами: 6, из них с ошибками: 5')
  t.match(res.body, 'Нет номера.')
  t.match(res.body, 'Неверный номер «два»')
  t.match(res.body, 'Нет темы.')
  t.match(res.body, 'Номер 1 уже есть в строке 2.')
  t.match(res.body, 'Неверное число часов «много»')
  t.notMatch(res.body, '/import/confirm"', 'no confirm button')
  t.same(await topicRows(db, s), [], 'nothing written')
  t.same(await planAudit(db), [])

  const cases: [string, Buffer, string][] = [
    ['missing columns', Buffer.from('Дата;Название урока\n01.09;Повторение\n'), 'не найдены столбцы: «№», «Тема»'],
    ['an empty file', Buffer.from('№;Тема;Часы\n'), 'В файле нет ни одной темы.'],
    ['Windows-1251', Buffer.from([0xb9, 0x3b, 0xd2, 0xe5, 0xec, 0xe0, 0x0a, 0x31, 0x3b, 0xc0]), 'UTF-8'],
    ['not a spreadsheet', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), 'Не удалось прочитать файл'],
  ]
  for (const [name, data, want] of cases) {
    const r = await w.as.teacher.upload(`${math}/import`, { mode: 'replace' }, { field: 'file', name: 'x.csv', type: 'text/csv', data })
    t.equal(r.statusCode, 400, name)
    t.match(r.body, want, name)
  }
  const none = await w.as.teacher.upload(`${math}/import`, { mode: 'replace' }, { field: 'file', name: '', type: 'text/csv', data: Buffer.alloc(0) })
  t.equal(none.statusCode, 400)
  t.match(none.body, 'Выберите файл.')
  t.same(await topicRows(db, s), [], 'still nothing written')
})

/** Uploads a file and confirms the preview through the form the page shows (its hidden fields as they are). */
type Checks = Pick<typeof t, 'equal' | 'ok'>

async function importAndConfirm(t: Checks, c: Client, url: string, file: ReturnType<typeof csvFile>, mode: 'replace' | 'append') {
  const preview = await c.upload(`${url}/import`, { mode }, file)
  t.equal(preview.statusCode, 200, 'the preview has no errors')
  const form = /<form method="post" action="([^"]+\/import\/confirm)">([\s\S]*?)<\/form>/.exec(preview.body)
  t.ok(form, 'a confirm form')
  const fields: Record<string, string[]> = {}
  for (const m of form![2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const value = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    ;(fields[m[1]] ??= []).push(value)
  }
  const { _csrf: _ignored, ...rest } = fields
  const flat = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v.length === 1 && !['line', 'number', 'title', 'hours'].includes(k) ? v[0] : v]))
  return { preview, done: await c.post(form![1], flat) }
}

t.test('R-J-3: a good CSV import shows a preview, writes nothing until confirmed, then writes with audit', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const math = `/plan/${s.subjects.math}/5`
  const bom = '\uFEFF№;Тема;Часы\r\n1;Натуральные числа и шкалы;2\r\n2;"Сложение; свойства сложения";\r\n3;"Вычитание ""в столбик""";1\r\n'
  const preview = await w.as.teacher.upload(`${math}/import`, { mode: 'replace' }, csvFile(bom))
  t.equal(preview.statusCode, 200)
  t.match(preview.body, 'Ошибок нет. Строк с темами: 3.')
  t.match(preview.body, 'Сложение; свойства сложения')
  t.same(await topicRows(db, s), [], 'the preview writes nothing')
  const { done } = await importAndConfirm(t, w.as.teacher, math, csvFile(bom), 'replace')
  t.equal(done.statusCode, 303)
  t.same((await topicRows(db, s)).map(({ number, title, hours }) => ({ number, title, hours })), [
    { number: 1, title: 'Натуральные числа и шкалы', hours: 2 },
    { number: 2, title: 'Сложение; свойства сложения', hours: 1 },
    { number: 3, title: 'Вычитание "в столбик"', hours: 1 },
  ])
  const [a] = await planAudit(db, 'plan.import')
  t.match(a.after, { file: 'plan.csv', mode: 'replace', removed: [] })
  t.equal(a.after.added.length, 3)
  t.same(a.before.topics, [])
  t.match((await w.as.teacher.get(math)).body, 'КТП загружено из файла: добавлено тем — 3, изменено — 0, удалено — 0.')

  // Appending a comma-separated file without a BOM and without the hours column.
  const more = 'Номер,Тема урока\n4,Умножение\n5,Деление\n'
  const app = await importAndConfirm(t, w.as.teacher, math, csvFile(more, 'more.csv'), 'append')
  t.equal(app.done.statusCode, 303)
  t.same((await topicRows(db, s)).map((x) => x.number), [1, 2, 3, 4, 5])
  // Appending a number already there is a row error.
  const clash = await w.as.teacher.upload(`${math}/import`, { mode: 'append' }, csvFile('№;Тема\n5;Ещё деление\n'))
  t.equal(clash.statusCode, 400)
  t.match(clash.body, 'Тема № 5 уже есть в КТП («Деление»)')
})

t.test('R-J-3: an .xlsx import replaces the plan; a topic taken by a lesson is kept or the import refused', async (t) => {
  const w = await world(t, ['deputy'])
  const { s, db } = w
  const math = `/plan/${s.subjects.math}/5`
  const ids = await addTopics(db, s, 4)
  await addLesson(db, s, 2, ids[1])
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('КТП')
  ws.addRow(['№', 'Тема', 'Часы', 'Дата'])
  ws.addRow([1, 'Повторение', 1, new Date('2026-09-01')])
  ws.addRow([3, 'Дроби', 2])
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer())
  const file = { field: 'file', name: 'ktp.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: xlsx }

  // Topic 2 is taken by a lesson and the file has no № 2: refused, nothing written.
  const refused = await w.as.deputy.upload(`${math}/import`, { mode: 'replace' }, file)
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'Тема № 2 «Тема 2» уже отмечена в уроках')
  t.notMatch(refused.body, '/import/confirm"')
  t.same((await topicRows(db, s)).map((x) => x.title), ['Тема 1', 'Тема 2', 'Тема 3', 'Тема 4'])

  ws.addRow([2, 'Сравнение чисел', 1])
  const fixed = { ...file, data: Buffer.from(await wb.xlsx.writeBuffer()) }
  const { preview, done } = await importAndConfirm(t, w.as.deputy, math, fixed, 'replace')
  t.match(preview.body, 'заменит «Тема 2» (тема уже отмечена в уроках)')
  t.match(preview.body, 'Будут удалены темы, которых нет в файле: № 4 «Тема 4»')
  t.equal(done.statusCode, 303)
  const rows = await topicRows(db, s)
  t.same(rows.map((x) => `${x.number} ${x.title} ${x.hours}`), ['1 Повторение 1', '2 Сравнение чисел 1', '3 Дроби 2'])
  t.equal(rows[1].id, ids[1], 'the taken topic kept its id, so the lesson still points at it')
  t.match((await planAudit(db, 'plan.import'))[0].after, { mode: 'replace', removed: [4] })
})

t.test('R-J-3: a confirm that no longer matches the plan writes nothing', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const math = `/plan/${s.subjects.math}/5`
  const ids = await addTopics(db, s, 2)
  const preview = await w.as.teacher.upload(`${math}/import`, { mode: 'replace' }, csvFile('№;Тема\n1;Новая первая\n'))
  t.equal(preview.statusCode, 200)
  // Meanwhile a lesson takes topic 2, which the file would remove.
  await addLesson(db, s, 1, ids[1])
  const res = await w.as.teacher.post(`${math}/import/confirm`, { mode: 'replace', file_name: 'plan.csv', line: ['2'], number: ['1'], title: ['Новая первая'], hours: [''] })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'КТП изменилось, пока вы проверяли файл')
  t.same((await topicRows(db, s)).map((x) => x.title), ['Тема 1', 'Тема 2'])
  t.same(await planAudit(db), [])
})

t.test('R-J-3: the plan downloads as .xlsx and .csv, and the template has the headers', async (t) => {
  const w = await world(t, ['director'])
  const { s, db } = w
  await addTopics(db, s, 2)
  await db.updateTable('plan_topics').set({ title: '=Опасная тема' }).where('number', '=', 2).execute()
  const math = `/plan/${s.subjects.math}/5`
  const x = await w.as.director.get(`${math}/export.xlsx`)
  t.equal(x.statusCode, 200)
  t.match(x.headers['content-type'], 'spreadsheetml')
  t.match(String(x.headers['content-disposition']), /attachment; filename="plan-\d+-5\.xlsx"/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer)
  const sheet = wb.worksheets[0]
  t.same((sheet.getRow(1).values as unknown[]).slice(1), ['№', 'Тема', 'Часы'])
  t.same((sheet.getRow(2).values as unknown[]).slice(1), [1, 'Тема 1', 1])
  const csv = await w.as.director.get(`${math}/export.csv`)
  t.match(csv.headers['content-type'], 'text/csv')
  t.equal(csv.body, '\uFEFF№;Тема;Часы\r\n1;Тема 1;1\r\n2;\'=Опасная тема;1\r\n', 'a formula-like title is guarded')
  const tpl = await w.as.director.get('/plan/template.xlsx')
  const twb = new ExcelJS.Workbook()
  await twb.xlsx.load(tpl.rawPayload as unknown as ExcelJS.Buffer)
  t.same((twb.worksheets[0].getRow(1).values as unknown[]).slice(1), ['№', 'Тема', 'Часы'])
  t.equal(twb.worksheets[0].rowCount, 1, 'no sample rows that could be imported by mistake')
  t.equal(twb.worksheets.length, 2, 'with a sheet of instructions')
  const page = await w.as.director.get(math)
  t.match(page.body, 'Только просмотр')
  t.notMatch(page.body, `${math}/new`, 'the director gets no edit links')
})

t.test('R-J-3: progress of a page — 10 topics planned, lessons took topics 1–4 → done 4, next 5', async (t) => {
  const w = await world(t, ['teacher', 'deputy', 'classTeacher'])
  const { s, db } = w
  const ids = await addTopics(db, s, 10)
  for (let i = 0; i < 4; i++) await addLesson(db, s, 10 - i, ids[i])
  // Not counted: a cancelled lesson, a lesson in the future, a lesson of another class, an extracurricular one.
  await addLesson(db, s, 3, ids[7], { status: 'cancelled' })
  await addLesson(db, s, -3, ids[8])
  await addLesson(db, s, 3, ids[9], { classId: s.c5b })
  await addLesson(db, s, 2, null, { extracurricular: 1 })
  const target = { classId: s.c5a, groupId: null } as const
  const p = await planProgress(db, target, s.subjects.math, s.year)
  t.match(p, { planned: 10, done: 4, held: 4, expected: 4, behind: 0 })
  t.equal(p.nextTopic?.number, 5)
  t.equal(p.nextTopic?.title, 'Тема 5')

  // Two more lessons without a plan topic: the page is two topics behind.
  await addLesson(db, s, 1, null)
  await addLesson(db, s, 0, null)
  const behind = await planProgress(db, target, s.subjects.math, s.year)
  t.match(behind, { done: 4, held: 6, behind: 2 })
  t.same(behind.overdue.map((x) => x.number), [5, 6])
  const other = await planProgress(db, { classId: s.c5b, groupId: null }, s.subjects.math, s.year)
  t.match(other, { planned: 10, done: 1, held: 1 }, '5Б: its own lessons only')
  t.match(await planProgress(db, target, s.subjects.english, s.year), { planned: 0, done: 0 }, 'no plan for English')

  const mine = await w.as.teacher.get('/plan/progress')
  t.equal(mine.statusCode, 200)
  t.match(mine.body, 'Ваши страницы журнала')
  t.match(mine.body, 'Математика, 5А')
  t.match(mine.body, '4 из 10')
  t.match(mine.body, '№ 5. Тема 5')
  t.match(mine.body, '2 темы')
  t.notMatch(mine.body, 'name="class"', 'a teacher who leads no class gets no class choice')
  t.equal((await w.as.teacher.get(`/plan/progress?class=${s.c5a}`)).statusCode, 403, 'a teacher cannot list a class')

  const deputy = await w.as.deputy.get('/plan/progress')
  t.match(deputy.body, 'Выберите класс')
  const cls = await w.as.deputy.get(`/plan/progress?class=${s.c5a}`)
  t.equal(cls.statusCode, 200)
  t.match(cls.body, 'Страницы журнала класса 5А')
  t.match(cls.body, 'Предметникова Анна Ивановна')
  t.match(cls.body, '4 из 10')
  t.equal((await w.as.deputy.get('/plan/progress?class=99999')).statusCode, 404)

  // The class teacher of 5А reads their class, but not 5Б.
  const ct = await w.as.classTeacher.get(`/plan/progress?class=${s.c5a}`)
  t.equal(ct.statusCode, 200)
  t.match(ct.body, '4 из 10')
  t.equal((await w.as.classTeacher.get(`/plan/progress?class=${s.c5b}`)).statusCode, 403)
})

t.test('R-J-3: the chooser lists the teacher\'s subjects and the plans of the year', async (t) => {
  const w = await world(t, ['teacher', 'admin'])
  const { s, db } = w
  await addTopics(db, s, 3)
  await addTopics(db, s, 2, { subjectId: s.subjects.english, grade: 7 })
  const teacher = await w.as.teacher.get('/plan')
  t.match(teacher.body, 'Ваши предметы и параллели')
  t.match(teacher.body, `href="/plan/${s.subjects.math}/5"`)
  t.notMatch(teacher.body, `href="/plan/${s.subjects.english}/7"`)
  const admin = await w.as.admin.get('/plan')
  t.match(admin.body, 'Составленные КТП')
  t.match(admin.body, `href="/plan/${s.subjects.english}/7"`)
})
