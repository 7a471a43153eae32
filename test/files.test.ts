// Files attached to a lesson or its homework over HTTP: every role, upload → download round trip, refused
// uploads that write nothing, removal that keeps the file, a closed year, and families' downloads (R-J-2; R-ACC-2).
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, loginAs, makePerson, Client } from './helper.js'
import { ROLE_NAMES, seed, type RoleName } from './school.seed.js'
import type { DB } from '../src/db/connection.js'
import { nowIso } from '../src/lib/dates.js'
import { canFamilyDownload } from '../src/features/journal/files.queries.js'

async function lesson(db: DB, v: { year: number; classId?: number; groupId?: number; subject: number; teacher: number; date: string; substitute?: number; status?: 'scheduled' | 'cancelled' }) {
  return (await db.insertInto('lessons').values({
    year_id: v.year, class_id: v.classId ?? null, group_id: v.groupId ?? null, subject_id: v.subject, teacher_id: v.teacher,
    date: v.date, lesson_number: 2, slot_id: null, moved_to_id: null, substitute_id: v.substitute ?? null, plan_topic_id: null,
    topic_entered_at: null, homework_entered_at: null, entered_by: null, status: v.status ?? 'scheduled', homework: 'с. 45, № 3',
  }).returning('id').executeTakeFirstOrThrow()).id
}

/** A seeded school with a private DATA_DIR, a 1 MB upload limit, lessons, families and logged-in clients. */
async function setup(t: { teardown(fn: () => unknown): void }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'files-test-'))
  const ta = await buildTestApp({ dataDir, uploadMaxMb: 1 })
  t.teardown(async () => { await ta.app.close(); rmSync(dataDir, { recursive: true, force: true }) })
  const { db, app } = ta
  const s = await seed(db)
  const teacher = s.u.teacher.personId
  const base = { year: s.year, subject: s.subjects.math, teacher }
  const L = {
    own: await lesson(db, { ...base, classId: s.c5a, date: '2026-11-10' }),
    other: await lesson(db, { ...base, classId: s.c5b, date: '2026-11-10', teacher: s.other.personId }),
    sub: await lesson(db, { ...base, classId: s.c5b, date: '2026-11-11', teacher: s.other.personId, substitute: teacher }),
    group: await lesson(db, { ...base, subject: s.subjects.english, groupId: s.g5aEng, date: '2026-11-11', teacher: s.other.personId }),
    october: await lesson(db, { ...base, classId: s.c5a, date: '2026-10-13' }),
    cancelled: await lesson(db, { ...base, classId: s.c5a, date: '2026-11-12', status: 'cancelled' }),
    old: await lesson(db, { ...base, year: s.old, classId: s.oldClass, date: '2025-11-11' }),
  }
  await db.insertInto('group_members').values({ group_id: s.g5aEng, student_id: s.u.student.personId, from_date: '2026-09-01', to_date: null }).execute()
  // Families of other students: 5Б, a 5А pupil outside the English group, a pupil who left 5А on 15.10.
  const fam = {
    mum3: await makePerson(db, { roles: ['parent'], login: 'mum3' }),
    vera: await makePerson(db, { roles: ['parent'], login: 'vera-mum' }),
    goneMum: await makePerson(db, { roles: ['parent'], login: 'gone-mum' }),
  }
  await db.insertInto('parent_links').values([
    { parent_id: fam.mum3.personId, student_id: s.s3.personId },
    { parent_id: fam.vera.personId, student_id: s.s2.personId },
    { parent_id: fam.goneMum.personId, student_id: s.gone.personId },
  ]).execute()
  const as = {} as Record<RoleName, Client>
  for (const r of ROLE_NAMES) {
    if (r === 'anonymous') { as[r] = new Client(app); await as[r].get('/login'); continue }
    as[r] = await loginAs(app, r === 'classTeacher' ? 'ct' : r)
  }
  const ct2 = await loginAs(app, 'ct2')
  return { ...ta, dataDir, s, L, fam, as, ct2 }
}
type W = Awaited<ReturnType<typeof setup>>

const filesUrl = (lessonId: number) => `/journal/lessons/${lessonId}/files`
const pdf = (n = 5000) => Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(n)])
const stored = (w: W) => (existsSync(path.join(w.dataDir, 'files')) ? readdirSync(path.join(w.dataDir, 'files')) : [])
const audits = (w: W, action: string) => w.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute()

/** An attachment written straight into the database and DATA_DIR, as an earlier upload would have left it. */
async function attach(w: W, lessonId: number, purpose: 'lesson' | 'homework', name = 'Задание.pdf', removed = false) {
  const data = pdf(100)
  const storedName = randomBytes(16).toString('hex') + '.pdf'
  mkdirSync(path.join(w.dataDir, 'files'), { recursive: true })
  writeFileSync(path.join(w.dataDir, 'files', storedName), data)
  const { id } = await w.db.insertInto('attachments').values({
    lesson_id: lessonId, purpose, file_name: name, stored_name: storedName, mime: 'application/pdf', size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'), uploaded_by: w.s.u.teacher.personId, uploaded_at: nowIso(),
    removed_at: removed ? nowIso() : null,
  }).returning('id').executeTakeFirstOrThrow()
  return id
}

t.test('R-J-2 R-ROLE every role on the files page, upload, download and removal', async (t) => {
  const w = await setup(t)
  const hw = await attach(w, w.L.own, 'homework', 'Домашнее.pdf')
  const mat = await attach(w, w.L.own, 'lesson', 'Ответы к тесту.pdf')
  const page: Record<RoleName, number> = {
    admin: 200, director: 200, deputy: 200, scheduler: 403, teacher: 200, classTeacher: 200, clerk: 403, student: 403, parent: 403, anonymous: 302,
  }
  const upload: Record<RoleName, number> = { ...page, admin: 403, director: 403, deputy: 403, classTeacher: 403, teacher: 303 }
  const homework: Record<RoleName, number> = { ...page, scheduler: 404, clerk: 404, student: 200, parent: 200 }
  const material: Record<RoleName, number> = { ...homework, student: 404, parent: 404 }
  const removeForm: Record<RoleName, number> = { ...upload, scheduler: 404, clerk: 404, teacher: 200 }
  for (const role of ROLE_NAMES) {
    const c = w.as[role]
    const res = await c.get(filesUrl(w.L.own))
    t.equal(res.statusCode, page[role], `${role} GET files page`)
    if (res.statusCode === 200) {
      t.match(res.body, 'Домашнее.pdf')
      t.equal(/enctype="multipart\/form-data"/.test(res.body), role === 'teacher', `${role}: upload form only for the lesson's teacher`)
    }
    if (role === 'anonymous') t.match(res.headers.location, /^\/login/)
    const up = await c.upload(filesUrl(w.L.own), { purpose: 'homework' }, { field: 'file', name: `${role}.pdf`, type: 'application/pdf', data: pdf() })
    t.equal(up.statusCode, upload[role], `${role} POST upload`)
    t.equal((await c.get(`/journal/files/${hw}`)).statusCode, homework[role], `${role} downloads a homework file`)
    t.equal((await c.get(`/journal/files/${mat}`)).statusCode, material[role], `${role} downloads a lesson material`)
    t.equal((await c.get(`/journal/files/${mat}/remove`)).statusCode, removeForm[role], `${role} GET remove`)
  }
  const rows = await w.db.selectFrom('attachments').select('file_name').execute()
  t.same(rows.map((r) => r.file_name).sort(), ['teacher.pdf', 'Домашнее.pdf', 'Ответы к тесту.pdf'].sort(), 'only the teacher uploaded')
  for (const role of ROLE_NAMES) {
    if (role === 'teacher') continue
    const res = await w.as[role].post(`/journal/files/${mat}/remove`)
    t.equal(res.statusCode, removeForm[role] === 200 ? 303 : removeForm[role], `${role} POST remove refused`)
  }
  t.equal((await w.db.selectFrom('attachments').select('id').where('removed_at', 'is not', null).execute()).length, 0, 'nobody else removed anything')
  t.equal((await audits(w, 'files.remove')).length, 0)
  t.equal((await w.as.teacher.post(`/journal/files/${mat}/remove`)).statusCode, 303, 'the lesson teacher removes')

  // A class teacher of another class, and a teacher on a colleague's page, reach nothing.
  t.equal((await w.ct2.get(filesUrl(w.L.own))).statusCode, 403, 'class teacher of 5Б on a 5А lesson')
  t.equal((await w.ct2.get(`/journal/files/${hw}`)).statusCode, 404, 'class teacher of 5Б downloads nothing of 5А')
  t.equal((await w.as.teacher.get(filesUrl(w.L.other))).statusCode, 403, "a colleague's lesson")
  const foreign = await attach(w, w.L.other, 'homework')
  t.equal((await w.as.teacher.get(`/journal/files/${foreign}`)).statusCode, 404)
  t.equal((await w.as.teacher.post(`/journal/files/${foreign}/remove`)).statusCode, 404)
  t.equal((await w.as.teacher.upload(filesUrl(w.L.other), { purpose: 'lesson' }, { field: 'file', name: 'x.pdf', type: 'application/pdf', data: pdf() })).statusCode, 403)
  // The substitute fills exactly the substituted lesson.
  const sub = await w.as.teacher.get(filesUrl(w.L.sub))
  t.equal(sub.statusCode, 200)
  t.match(sub.body, 'multipart/form-data')
  t.equal((await w.as.teacher.upload(filesUrl(w.L.sub), { purpose: 'lesson' }, { field: 'file', name: 'sub.pdf', type: 'application/pdf', data: pdf() })).statusCode, 303)
  t.equal((await w.as.teacher.get(filesUrl(999999))).statusCode, 404, 'a lesson that does not exist')
  t.equal((await w.as.teacher.get('/journal/files/999999')).statusCode, 404, 'a file that does not exist')
})

t.test('R-J-2 upload → download returns the same bytes, with sha256 and an audit record', async (t) => {
  const w = await setup(t)
  const data = pdf(300_000)
  const res = await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'homework' }, { field: 'file', name: 'Задание 5А.pdf', type: 'application/octet-stream', data })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, filesUrl(w.L.own))
  const row = await w.db.selectFrom('attachments').selectAll().executeTakeFirstOrThrow()
  t.match(row, { lesson_id: w.L.own, purpose: 'homework', file_name: 'Задание 5А.pdf', mime: 'application/pdf', size: data.length, uploaded_by: w.s.u.teacher.personId, removed_at: null })
  t.equal(row.sha256, createHash('sha256').update(data).digest('hex'), 'sha256 recorded')
  t.match(row.stored_name, /^[0-9a-f]{32}\.pdf$/, 'a random stored name')
  t.ok(readFileSync(path.join(w.dataDir, 'files', row.stored_name)).equals(data), 'stored under DATA_DIR/files')
  const a = await audits(w, 'files.upload')
  t.equal(a.length, 1)
  t.equal(JSON.parse(a[0].after!).sha256, row.sha256)

  const list = await w.as.teacher.get(filesUrl(w.L.own))
  t.match(list.body, 'Файл «Задание 5А.pdf» прикреплён.')
  t.match(list.body, `href="/journal/files/${row.id}"`)
  t.match(list.body, '293 КБ')

  for (const who of ['teacher', 'student', 'parent'] as const) {
    const dl = await w.as[who].get(`/journal/files/${row.id}`)
    t.equal(dl.statusCode, 200, `${who} downloads`)
    t.ok(dl.rawPayload.equals(data), `${who}: the same bytes`)
    t.equal(dl.headers['content-type'], 'application/pdf')
    t.equal(dl.headers['content-disposition'], `attachment; filename="_______ 5_.pdf"; filename*=UTF-8''${encodeURIComponent('Задание 5А.pdf')}`)
    t.equal(dl.headers['x-content-type-options'], 'nosniff')
  }

  // What the browser claims does not matter: the type comes from the extension, and it is always an attachment.
  const img = randomBytes(2000)
  await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'lesson' }, { field: 'file', name: 'схема.PNG', type: 'text/html', data: img })
  const png = await w.db.selectFrom('attachments').selectAll().where('file_name', '=', 'схема.PNG').executeTakeFirstOrThrow()
  const dl = await w.as.teacher.get(`/journal/files/${png.id}`)
  t.equal(dl.headers['content-type'], 'image/png')
  t.match(String(dl.headers['content-disposition']), /^attachment;/)
  t.ok(dl.rawPayload.equals(img))
})

t.test('R-J-2 refused uploads say why in Russian and write nothing', async (t) => {
  const w = await setup(t)
  const cases: [string, Buffer, number, string][] = [
    ['big.pdf', Buffer.alloc(1_572_864, 1), 413, 'Файл больше 1 МБ и не принят'],
    ['page.html', Buffer.from('<h1>x</h1>'), 400, 'Файлы с расширением «html» не принимаются. Можно прикрепить: pdf, doc'],
    ['setup.exe', Buffer.from('MZ'), 400, 'Файлы с расширением «exe» не принимаются'],
    ['empty.pdf', Buffer.alloc(0), 400, 'Файл пустой'],
    ['', Buffer.alloc(0), 400, 'Выберите файл на компьютере.'],
  ]
  for (const [name, data, code, text] of cases) {
    const res = await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'homework' }, { field: 'file', name, type: 'application/octet-stream', data })
    t.equal(res.statusCode, code, `${name || 'no file'} → ${code}`)
    t.match(res.body, text)
    t.match(res.body, 'Прикрепить файл', 'the same page with its form')
    t.match(res.body, /value="homework" checked/, 'the choice made is kept')
    t.notMatch(res.body, /"statusCode"|at .*\.js/, 'no JSON or stack trace')
  }
  const bad = await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'secret' }, { field: 'file', name: 'a.pdf', type: 'application/pdf', data: pdf() })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Выберите, к чему относится файл.')
  const plain = await w.as.teacher.post(filesUrl(w.L.own), { purpose: 'lesson' })
  t.equal(plain.statusCode, 400, 'a form sent without a file')
  t.match(plain.body, 'Выберите файл')
  const cancelled = await w.as.teacher.upload(filesUrl(w.L.cancelled), { purpose: 'lesson' }, { field: 'file', name: 'a.pdf', type: 'application/pdf', data: pdf() })
  t.equal(cancelled.statusCode, 400)
  t.match(cancelled.body, 'Урок отменён или перенесён')
  t.equal((await w.db.selectFrom('attachments').select('id').execute()).length, 0, 'no rows')
  t.same(stored(w), [], 'no files on disk')
  t.equal((await audits(w, 'files.upload')).length, 0)
  const after = await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'lesson' }, { field: 'file', name: 'ok.pdf', type: 'application/pdf', data: pdf() })
  t.equal(after.statusCode, 303, 'the next upload works')
})

t.test('R-J-2 removal asks first, keeps the file on disk and is audited', async (t) => {
  const w = await setup(t)
  await w.as.teacher.upload(filesUrl(w.L.own), { purpose: 'homework' }, { field: 'file', name: 'Старое.pdf', type: 'application/pdf', data: pdf() })
  const row = await w.db.selectFrom('attachments').selectAll().executeTakeFirstOrThrow()
  const confirm = await w.as.teacher.get(`/journal/files/${row.id}/remove`)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, 'Удалить файл?')
  t.match(confirm.body, 'Старое.pdf')
  t.equal((await w.db.selectFrom('attachments').select('removed_at').executeTakeFirstOrThrow()).removed_at, null, 'the question changes nothing')
  const res = await w.as.teacher.post(`/journal/files/${row.id}/remove`)
  t.equal(res.statusCode, 303)
  const after = await w.db.selectFrom('attachments').selectAll().executeTakeFirstOrThrow()
  t.ok(after.removed_at, 'marked removed')
  t.ok(existsSync(path.join(w.dataDir, 'files', row.stored_name)), 'the file stays on disk')
  const a = await audits(w, 'files.remove')
  t.equal(a.length, 1)
  t.equal(JSON.parse(a[0].before!).removed_at, null)
  t.ok(JSON.parse(a[0].after!).removed_at)
  const page = (await w.as.teacher.get(filesUrl(w.L.own))).body
  t.match(page, 'Файл «Старое.pdf» удалён из урока')
  t.notMatch(page, `href="/journal/files/${row.id}"`, 'no longer listed')
  for (const who of ['teacher', 'student', 'parent'] as const) {
    t.equal((await w.as[who].get(`/journal/files/${row.id}`)).statusCode, 404, `${who}: a removed file is not served`)
  }
  t.equal((await w.as.teacher.get(`/journal/files/${row.id}/remove`)).statusCode, 404, 'removed once')
})

t.test('R-J-2 R-ORG-1 a closed year refuses uploads and removals', async (t) => {
  const w = await setup(t)
  const existing = await attach(w, w.L.old, 'homework', 'Прошлогоднее.pdf')
  const before = stored(w)
  const page = await w.as.teacher.get(filesUrl(w.L.old))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Учебный год 2025/2026 закрыт: файлы можно только просмотреть')
  t.notMatch(page.body, 'multipart/form-data', 'no upload form')
  t.notMatch(page.body, `/journal/files/${existing}/remove`)
  const up = await w.as.teacher.upload(filesUrl(w.L.old), { purpose: 'lesson' }, { field: 'file', name: 'new.pdf', type: 'application/pdf', data: pdf() })
  t.equal(up.statusCode, 409)
  t.match(up.body, 'Учебный год 2025/2026 закрыт и передан в архив')
  t.same(stored(w), before, 'nothing written to disk')
  t.equal((await w.db.selectFrom('attachments').select('id').execute()).length, 1, 'no row')
  const rm = await w.as.teacher.post(`/journal/files/${existing}/remove`)
  t.equal(rm.statusCode, 409)
  t.equal((await w.db.selectFrom('attachments').select('removed_at').executeTakeFirstOrThrow()).removed_at, null)
  t.equal((await audits(w, 'files.upload')).length + (await audits(w, 'files.remove')).length, 0)
  t.equal((await w.as.teacher.get(`/journal/files/${existing}`)).statusCode, 200, 'still downloadable')
})

t.test('R-ACC-2 canFamilyDownload: only homework files of the child’s own lessons on that date', async (t) => {
  const w = await setup(t)
  const { s, L, fam } = w
  const user = (personId: number, roles: ('student' | 'parent' | 'teacher')[]) => ({ personId, roles })
  const student = user(s.u.student.personId, ['student'])
  const parent = user(s.u.parent.personId, ['parent'])
  const mum3 = user(fam.mum3.personId, ['parent'])
  const vera = user(fam.vera.personId, ['parent'])
  const goneMum = user(fam.goneMum.personId, ['parent'])
  const teacher = user(s.u.teacher.personId, ['teacher'])
  const f = {
    hw5a: await attach(w, L.own, 'homework'),
    mat5a: await attach(w, L.own, 'lesson'),
    hw5b: await attach(w, L.other, 'homework'),
    hwGroup: await attach(w, L.group, 'homework'),
    hwOctober: await attach(w, L.october, 'homework'),
    removed: await attach(w, L.own, 'homework', 'x.pdf', true),
  }
  const cases: [string, { personId: number; roles: ('student' | 'parent' | 'teacher')[] }, number, boolean][] = [
    ['the student, homework of their class', student, f.hw5a, true],
    ['the parent, homework of the child’s class', parent, f.hw5a, true],
    ['the student, a lesson material', student, f.mat5a, false],
    ['the parent, a lesson material', parent, f.mat5a, false],
    ['the student, homework of another class', student, f.hw5b, false],
    ['a 5Б parent, homework of 5А', mum3, f.hw5a, false],
    ['a 5Б parent, homework of 5Б', mum3, f.hw5b, true],
    ['the student, homework of their group', student, f.hwGroup, true],
    ['the parent, homework of the child’s group', parent, f.hwGroup, true],
    ['a 5А parent whose child is not in the group', vera, f.hwGroup, false],
    ['a 5А parent, class homework', vera, f.hw5a, true],
    ['the parent of a pupil who left 5А on 15.10, a November lesson', goneMum, f.hw5a, false],
    ['the same parent, a lesson of 13.10 when the child was in 5А', goneMum, f.hwOctober, true],
    ['a removed file', student, f.removed, false],
    ['no such file', student, 999999, false],
    ['staff are not families', teacher, f.hw5a, false],
  ]
  for (const [name, u, id, want] of cases) t.equal(await canFamilyDownload(w.db, u, id), want, name)

  // The route asks the same question for families.
  const mum3c = await loginAs(w.app, 'mum3')
  t.equal((await mum3c.get(`/journal/files/${f.hw5a}`)).statusCode, 404, 'another family’s child: 404')
  t.equal((await mum3c.get(`/journal/files/${f.hw5b}`)).statusCode, 200, 'their own child: 200')
  const gone = await loginAs(w.app, 'gone-mum')
  t.equal((await gone.get(`/journal/files/${f.hwOctober}`)).statusCode, 200)
  t.equal((await gone.get(`/journal/files/${f.hw5a}`)).statusCode, 404)
})
