// HTTP tests of roster import and export (R-ORG-5): template, preview with row errors, nothing written before
// confirmation, one-transaction write with audit, owner and expiry of a preview, export scope, round trip.
import t from 'tap'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import { buildTestApp, loginAs, type Client } from './helper.js'
import { auditRows, makeSchool } from './fixtures/rosters/school.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rosters')
// Tests may run from dist/test: the fixtures stay in the source tree.
const fixture = (name: string) => readFileSync(path.join(fixtures.replace(`${path.sep}dist${path.sep}`, path.sep), name))

async function setup(t: { teardown: (fn: () => unknown) => void }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-'))
  const { app, db } = await buildTestApp({ dataDir })
  t.teardown(async () => {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const s = await makeSchool(db)
  return { app, db, s, dataDir }
}

const csv = (data: Buffer, name = 'list.csv') => ({ field: 'file', name, type: 'text/csv', data })
const upload = (c: Client, data: Buffer, name = 'list.csv', from = '') => c.upload('/import', { from_date: from }, csv(data, name))
const countStudents = async (db: Awaited<ReturnType<typeof setup>>['db']) =>
  (await db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
const previews = (dataDir: string) => {
  const dir = path.join(dataDir, 'imports')
  return existsSync(dir) ? readdirSync(dir) : []
}
const tokenOf = (body: string) => /action="\/import\/([a-f0-9]{32})\/confirm"/.exec(body)?.[1]

t.test('the template is an .xlsx with the Russian headers (R-ORG-5)', async (t) => {
  const { app } = await setup(t)
  const c = await loginAs(app, 'clerk')
  const res = await c.get('/import/template.xlsx')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'spreadsheetml')
  t.match(String(res.headers['content-disposition']), 'attachment')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer)
  const head = (wb.worksheets[0].getRow(1).values as unknown[]).slice(1)
  t.same(head.slice(0, 10), ['Класс', 'Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Родитель: фамилия', 'Родитель: имя', 'Родитель: отчество', 'Родитель: телефон', 'Родитель: e-mail'])
  t.equal(head.length, 15, 'with the second parent')
  t.equal(wb.worksheets[0].rowCount, 1, 'no sample row that could be imported by mistake')
})

t.test('a broken file is refused with an error per row and nothing is written (R-ORG-5)', async (t) => {
  const { app, db, dataDir } = await setup(t)
  const c = await loginAs(app, 'clerk')
  const page = await c.get('/import')
  t.match(page.body, 'enctype="multipart/form-data"')
  t.match(page.body, /action="\/import\?_csrf=/, 'the token travels in the action URL')
  const before = await countStudents(db)
  const res = await upload(c, fixture('broken.csv'), 'broken.csv')
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Строк: 7, из них с ошибками: 6')
  t.match(res.body, 'Нет фамилии.')
  t.match(res.body, 'Нет имени.')
  t.match(res.body, 'Неверная дата рождения «32.13.2015»')
  t.match(res.body, 'уже есть в школе')
  t.match(res.body, 'Повтор: этот ученик уже есть в строке 6.')
  t.match(res.body, 'Класса «9Я» нет в этом учебном году.')
  t.notMatch(res.body, '/confirm"', 'no confirm button')
  t.equal(await countStudents(db), before, 'nothing written')
  t.same(previews(dataDir), [], 'no preview kept for a file with errors')
  t.same(await auditRows(db, 'student.import'), [])
})

t.test('a file-level problem: missing columns, wrong encoding, empty file', async (t) => {
  const { app, db } = await setup(t)
  const c = await loginAs(app, 'clerk')
  const noCols = await upload(c, Buffer.from('Фамилия;Имя\nИванов;Иван\n'))
  t.equal(noCols.statusCode, 400)
  t.match(noCols.body, 'не найдены столбцы: Класс, Дата рождения')
  const cp1251 = await upload(c, Buffer.from([0xca, 0xeb, 0xe0, 0xf1, 0xf1, 0x3b, 0xd4]))
  t.equal(cp1251.statusCode, 400)
  t.match(cp1251.body, 'CSV UTF-8')
  const headerOnly = await upload(c, Buffer.from('Класс;Фамилия;Имя;Дата рождения\n'))
  t.match(headerOnly.body, 'В файле нет строк с учениками.')
  const none = await c.upload('/import', { from_date: '' }, { field: 'file', name: '', type: 'application/octet-stream', data: Buffer.alloc(0) })
  t.equal(none.statusCode, 400)
  t.match(none.body, 'Выберите файл.')
  const badDate = await upload(c, fixture('good.csv'), 'good.csv', '01.01.2000')
  t.equal(badDate.statusCode, 400)
  t.match(badDate.body, 'в пределах учебного года')
  t.equal(await countStudents(db), 2)
})

t.test('a good file: preview first, then one confirmed write with audit (R-ORG-5; R-ACC-5)', async (t) => {
  const { app, db, s, dataDir } = await setup(t)
  const c = await loginAs(app, 'clerk')
  const res = await upload(c, fixture('good.csv'), 'good.csv')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Строк: 3. Ошибок нет')
  t.match(res.body, 'Кузнецов Алексей Игоревич')
  const token = tokenOf(res.body)
  t.ok(token, 'a confirm button')
  t.equal(await countStudents(db), 2, 'the preview wrote nothing')
  const file = JSON.parse(readFileSync(path.join(dataDir, 'imports', `${token}.json`), 'utf8'))
  t.equal(file.owner, (await db.selectFrom('users').select('id').where('login', '=', 'clerk').executeTakeFirstOrThrow()).id, 'the preview belongs to its uploader')

  const done = await c.post(`/import/${token}/confirm`)
  t.equal(done.statusCode, 303)
  t.match((await c.get('/students')).body, 'Импорт выполнен: учеников — 3, новых родителей — 2.')
  t.equal(await countStudents(db), 5)
  const alexey = await db.selectFrom('persons').select(['id', 'birth_date']).where('first_name', '=', 'Алексей').executeTakeFirstOrThrow()
  t.equal(alexey.birth_date, '2015-04-12')
  const stay = await db.selectFrom('enrollments').selectAll().where('student_id', '=', alexey.id).executeTakeFirstOrThrow()
  t.match(stay, { class_id: s.classes.a5, from_date: s.year.starts, reason_in: 'initial', to_date: null })
  const darya = await db.selectFrom('persons').select('id').where('first_name', '=', 'Дарья').executeTakeFirstOrThrow()
  t.equal((await db.selectFrom('enrollments').select('class_id').where('student_id', '=', darya.id).executeTakeFirstOrThrow()).class_id, s.classes.a6, '«6 а» is 6А')
  const elena = await db.selectFrom('persons').select('id').where('first_name', '=', 'Елена').execute()
  t.equal(elena.length, 1, 'the siblings\' mother is one person')
  const links = await db.selectFrom('parent_links').select('student_id').where('parent_id', '=', elena[0].id).execute()
  t.same(links.map((l) => l.student_id).sort(), [alexey.id, darya.id].sort())
  t.ok(await db.selectFrom('parents').select('person_id').where('person_id', '=', elena[0].id).executeTakeFirst(), 'a parents row')
  t.ok(await db.selectFrom('person_roles').select('role').where('person_id', '=', elena[0].id).where('role', '=', 'parent').executeTakeFirst(), 'the parent role')
  const audits = await auditRows(db, 'student.import')
  t.equal(audits.length, 3, 'one audit record per student')
  t.match(JSON.parse(audits[0].after!), { last_name: 'Кузнецов', file: 'good.csv', line: 2 })
  t.equal((await auditRows(db, 'roster.import')).length, 1)
  t.same(previews(dataDir), [], 'the preview is gone')
  t.equal((await c.post(`/import/${token}/confirm`)).statusCode, 404, 'a preview cannot be confirmed twice')
  t.equal(await countStudents(db), 5)
})

t.test('a comma-separated CSV without BOM, columns in another order', async (t) => {
  const { app, db } = await setup(t)
  const c = await loginAs(app, 'admin')
  const res = await upload(c, fixture('good-comma.csv'), 'comma.csv')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Белова Ксения Андреевна')
  t.match(res.body, '+7 (902) 111-22-33')
  t.equal((await c.post(`/import/${tokenOf(res.body)}/confirm`)).statusCode, 303)
  t.ok(await db.selectFrom('persons').select('id').where('first_name', '=', 'Ксения').executeTakeFirst())
})

t.test('an .xlsx as Excel saves it: date cells, e-mail links, numbers', async (t) => {
  const { app, db } = await setup(t)
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Лист1')
  ws.addRow(['Класс', 'Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Родитель: фамилия', 'Родитель: имя', 'Родитель: отчество', 'Родитель: телефон', 'Родитель: e-mail'])
  ws.addRow(['5Б', 'Зайцев', 'Глеб', 'Ильич', new Date(Date.UTC(2015, 0, 20)), 'Зайцева', 'Алла', '', 79031234567, { text: 'alla@example.ru', hyperlink: 'mailto:alla@example.ru' }])
  const c = await loginAs(app, 'clerk')
  const res = await c.upload('/import', { from_date: '' }, { field: 'file', name: 'list.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: Buffer.from(await wb.xlsx.writeBuffer()) })
  t.equal(res.statusCode, 200, 'the default date is the first day of the year')
  t.match(res.body, '20.01.2015')
  t.match(res.body, 'alla@example.ru')
  t.equal((await c.post(`/import/${tokenOf(res.body)}/confirm`)).statusCode, 303)
  const p = await db.selectFrom('persons').select(['birth_date']).where('first_name', '=', 'Глеб').executeTakeFirstOrThrow()
  t.equal(p.birth_date, '2015-01-20')
  const alla = await db.selectFrom('persons').select(['phone', 'email']).where('first_name', '=', 'Алла').executeTakeFirstOrThrow()
  t.same(alla, { phone: '79031234567', email: 'alla@example.ru' })
})

t.test('a class teacher imports only into their own class (R-ROLE-6)', async (t) => {
  const { app, db } = await setup(t)
  const c = await loginAs(app, 'ct')
  const page = await c.get('/import')
  t.match(page.body, 'Вы можете загрузить учеников классов: 5А.')
  const res = await upload(c, fixture('good.csv'))
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Класс «6 а» — не ваш')
  t.match(res.body, 'Класс «5Б» — не ваш')
  t.equal(await countStudents(db), 2)
  const own = await upload(c, Buffer.from('Класс;Фамилия;Имя;Дата рождения\n5А;Миронова;Ева;02.02.2015\n'))
  t.equal(own.statusCode, 200)
  t.equal((await c.post(`/import/${tokenOf(own.body)}/confirm`)).statusCode, 303)
  t.equal(await countStudents(db), 3)
})

t.test('a preview is confirmed only by its owner, within the hour, and re-checked', async (t) => {
  const { app, db, dataDir } = await setup(t)
  const clerk = await loginAs(app, 'clerk')
  const admin = await loginAs(app, 'admin')
  const res = await upload(clerk, fixture('good.csv'))
  const token = tokenOf(res.body)!
  t.equal((await admin.post(`/import/${token}/confirm`)).statusCode, 404, 'another user gets nothing')
  t.equal((await admin.post(`/import/${token}/cancel`)).statusCode, 303)
  t.equal(previews(dataDir).length, 1, 'nor can they cancel it')
  t.equal(await countStudents(db), 2)
  t.equal((await clerk.post('/import/../../etc/confirm')).statusCode, 404, 'no path tricks')

  // An hour later the preview is stale.
  const file = path.join(dataDir, 'imports', `${token}.json`)
  const stale = JSON.parse(readFileSync(file, 'utf8'))
  writeFileSync(file, JSON.stringify({ ...stale, createdAt: Date.now() - 3_600_001 }))
  const late = await clerk.post(`/import/${token}/confirm`)
  t.equal(late.statusCode, 303)
  t.match((await clerk.get('/import')).body, 'устарел')
  t.equal(await countStudents(db), 2)

  // Someone else enrols one of the students between preview and confirm: the confirm is refused whole.
  const again = await upload(clerk, fixture('good.csv'))
  const other = await upload(admin, Buffer.from('Класс;Фамилия;Имя;Отчество;Дата рождения\n5Б;Орлова;Вера;;30.09.2015\n'))
  t.equal((await admin.post(`/import/${tokenOf(other.body)}/confirm`)).statusCode, 303)
  const refused = await clerk.post(`/import/${tokenOf(again.body)}/confirm`)
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'уже есть в школе')
  t.equal(await countStudents(db), 3, 'only the admin\'s one student')

  const cancelMe = await upload(clerk, Buffer.from('Класс;Фамилия;Имя;Дата рождения\n5А;Юдин;Ян;02.02.2015\n'))
  t.equal((await clerk.post(`/import/${tokenOf(cancelMe.body)}/cancel`)).statusCode, 303)
  t.same(previews(dataDir), [])
})

t.test('export: the list\'s scope and columns, audited; a class re-imports as duplicates (R-ORG-5)', async (t) => {
  const { app, db, s } = await setup(t)
  const ct = await loginAs(app, 'ct')
  const res = await ct.get('/students/export.csv')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/csv')
  const text = res.body.replace(/^\uFEFF/, '')
  const lines = text.trim().split('\r\n')
  t.equal(lines[0].split(';').length, 15)
  t.equal(lines.length, 2, 'the class teacher exports only their class')
  t.match(lines[1], "5А;Иванов;Пётр;Сергеевич;14.03.2015;Иванова;Мария;Николаевна;'+7 900 555-66-77;maria@example.ru")
  t.notMatch(text, ';+7', 'no cell starts a formula in a spreadsheet')
  t.notMatch(text, 'Сидорова')
  t.equal((await auditRows(db, 'roster.export')).length, 1, 'the export is logged')

  const clerk = await loginAs(app, 'clerk')
  const all = await clerk.get('/students/export.csv')
  t.match(all.body, 'Сидорова')
  const one = await clerk.get(`/students/export.csv?class=${s.classes.b5}`)
  t.notMatch(one.body, 'Иванов')

  for (const format of ['csv', 'xlsx']) {
    const exp = await clerk.get(`/students/export.${format}?class=${s.classes.a5}`)
    const back = await clerk.upload('/import', { from_date: '' }, { field: 'file', name: `back.${format}`, type: 'application/octet-stream', data: exp.rawPayload })
    t.equal(back.statusCode, 400, `${format}: round trip refused as duplicates`)
    t.match(back.body, 'Строк: 1, из них с ошибками: 1')
    t.match(back.body, 'Такой ученик (ФИО и дата рождения) уже есть в школе.')
    t.notMatch(back.body, 'не найдены столбцы')
  }
  t.equal(await countStudents(db), 2)
})

t.test('without an open year there is nothing to import into', async (t) => {
  const { app, db, s } = await setup(t)
  await db.updateTable('academic_years').set({ status: 'closed' }).where('id', '=', s.yearId).execute()
  const c = await loginAs(app, 'clerk')
  t.match((await c.get('/import')).body, 'Нет открытого учебного года')
  const res = await upload(c, fixture('good.csv'))
  t.equal(res.statusCode, 400)
  t.equal(await countStudents(db), 2)
})
