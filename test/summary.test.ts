// The summary sheet and the council's decisions over HTTP, read back from the PDF as a person would read it
// (pdftotext -layout, pdfinfo): names with their marks in the right columns, absences, decisions, signatures
// (R-ARC-2, R-ARC-4 registry). The decisions form keeps input and writes nothing on errors.
import t from 'tap'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fmtDate } from '../src/lib/dates.js'
import { makePerson } from './helper.js'
import { day, linesWith, pdfInfo, pdfText, world } from './summary.seed.js'

const squash = (s: string) => s.replace(/\s+/g, ' ').trim()

/** The text of the cells of a student's row in the on-screen sheet. */
function rowCells(html: string, name: string): string[] {
  const start = html.indexOf(name)
  const row = html.slice(start, html.indexOf('</tr>', start))
  return [...row.matchAll(/<td class="(?:m|abs)[^"]*">([^<]*)<\/td>/g)].map((m) => m[1])
}

t.test('R-ARC-2: the issued summary sheet shows each student’s marks in the right columns, absences, decisions and signatures', async (t) => {
  const w = await world(t, ['deputy', 'classTeacher'])
  const { s, db } = w
  const council = fmtDate(day(-3))
  const saved = await w.as.classTeacher.post(`/summary/${s.c5a}/decisions`, {
    [`d_${s.u.student.personId}`]: 'promoted', [`d_${s.s2.personId}`]: 'conditional', [`d_${s.s3.personId}`]: 'retained',
    council_date: council, protocol: '7',
  })
  t.equal(saved.statusCode, 303, 'the class teacher records the decisions')

  const issued = await w.as.deputy.post(`/summary/${s.c5a}/issue`)
  t.equal(issued.statusCode, 303)
  t.equal(issued.headers.location, `/summary/${s.c5a}`)
  const page = await w.as.deputy.get(`/summary/${s.c5a}`)
  t.match(page.body, /Выпущен документ № \d{4}-\d{6}/, 'the flash names the registry number')
  const res = await w.as.deputy.get(`/summary/${s.c5a}.pdf`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'application/pdf')
  const pdf = res.rawPayload
  const info = pdfInfo(pdf)
  t.ok(info.height > info.width, 'three subjects print on a portrait page')
  const text = pdfText(pdf, w.config.dataDir)

  t.match(text, 'СВОДНАЯ ВЕДОМОСТЬ ИТОГОВЫХ ОТМЕТОК')
  t.match(text, 'обучающихся 5 «А» класса за 2026/2027 учебный год')
  // Subjects in curriculum order, each with its quarters and year: Рус. яз., Матем., Англ. яз.
  t.ok(linesWith(text, 'Рус. яз.', 'Матем.', 'Англ. яз.').some((l) => l.indexOf('Рус. яз.') < l.indexOf('Матем.') && l.indexOf('Матем.') < l.indexOf('Англ. яз.')),
    'the subjects head the columns in curriculum order')
  const rows: [string, string][] = [
    ['Антонов Артём Сергеевич', '5 4 4 5 5 3 3 4 3 3 4 5 5 5 5 3 2 переведён в 6 класс'],
    ['Борисова Вера Павловна', '4 4 4 4 4 5 5 5 4 5 3 4 3 4 4 1 1 переведена в 6 класс условно'],
    ['Волков Глеб Ильич', '3 2 3 2 2 4 4 3 4 4 осв осв осв осв осв 0 0 оставлен на повторное обучение'],
  ]
  rows.forEach(([name, cells], i) => {
    const line = linesWith(text, name)
    t.equal(line.length, 1, `${name}: one row`)
    t.equal(squash(line[0] ?? ''), `${i + 1} ${name} ${cells}`, `${name}: number, name, marks by subject, absences (all, ill), decision`)
  })
  t.match(squash(text), `протокол № 7 от ${council}`, 'the council’s date and protocol')
  for (const name of ['Классная М. И.', 'Завучева Е. П.', 'Директорова А. С.']) t.equal(linesWith(text, `/ ${name} /`).length, 1, `signature line of ${name}`)
  t.match(text, 'Классный руководитель')
  t.match(text, 'Заместитель директора по УВР')
  t.match(text, 'М.П.')
  t.match(text, `лист 1 из ${info.pages}`)
  t.match(text, /Документ № \d{4}-\d{6}/)

  const doc = await db.selectFrom('documents').selectAll().where('kind', '=', 'summary_sheet').executeTakeFirstOrThrow()
  t.equal(doc.subject_key, `summary:class:${s.c5a}:year:${s.year}`)
  t.equal(doc.year_id, s.year)
  t.equal(doc.pages, info.pages)
  t.match(doc.sha256, /^[0-9a-f]{64}$/)
  t.ok(existsSync(path.join(w.config.dataDir, 'documents', doc.stored_name!)), 'stored as issued')
  t.match(text, doc.number)
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'document.issue').executeTakeFirst(), 'the issue is audited')

  // A second issue supersedes the first; the .pdf is the current one.
  await w.as.deputy.post(`/summary/${s.c5a}/issue`)
  const docs = await db.selectFrom('documents').select(['id', 'number', 'superseded_by']).where('kind', '=', 'summary_sheet').orderBy('id').execute()
  t.equal(docs.length, 2)
  t.equal(docs[0].superseded_by, docs[1].id, 'the earlier issue is superseded, not overwritten')
  t.match(pdfText((await w.as.deputy.get(`/summary/${s.c5a}.pdf`)).rawPayload, w.config.dataDir), docs[1].number)
})

t.test('R-ARC-2: more than eight subjects print landscape, in parts with the names again; exam and final marks; «окончил»', async (t) => {
  const w = await world(t, ['deputy'])
  const { s } = w
  const saved = await w.as.deputy.post(`/summary/${s.c9a}/decisions`, {
    [`d_${s.g1.personId}`]: 'graduated', [`d_${s.g2.personId}`]: 'promoted', council_date: fmtDate(day(-1)), protocol: '12-у',
  })
  t.equal(saved.statusCode, 303)
  t.equal((await w.as.deputy.post(`/summary/${s.c9a}/issue`)).statusCode, 303)
  const pdf = (await w.as.deputy.get(`/summary/${s.c9a}.pdf`)).rawPayload
  const info = pdfInfo(pdf)
  t.ok(info.width > info.height, `ten subjects: landscape (${info.width} × ${info.height})`)
  const text = pdfText(pdf, w.config.dataDir)
  t.match(text, 'часть 1 из 2')
  t.match(text, 'часть 2 из 2')
  t.equal(linesWith(text, 'Гришин Денис Олегович').length, 2, 'each part repeats the names')
  // Russian then mathematics: year, exam, final (the quarters are empty in this fixture).
  t.ok(linesWith(text, 'Гришин Денис Олегович').some((l) => squash(l).includes('Гришин Денис Олегович 4 5 5 3 4 4')), 'year, exam and final marks in their columns')
  t.ok(linesWith(text, 'Дмитриева Ева Андреевна').some((l) => squash(l).includes('Дмитриева Ева Андреевна 5 5 5 4 3 4')))
  t.ok(linesWith(text, 'Гришин Денис Олегович').some((l) => l.includes('окончил 9 классов')), 'a graduate of the 9th grade')
  t.ok(linesWith(text, 'Дмитриева Ева Андреевна').some((l) => l.includes('переведена в 10 класс')))
  t.match(text, 'Э — экзаменационная')
  t.match(text, 'И — итоговая отметка')
  t.match(text, 'Общ. — обществознание', 'abbreviations are explained')
  t.match(squash(text), 'протокол № 12-у от')
})

t.test('R-ARC-2: the preview is formed in real time from the current data', async (t) => {
  const w = await world(t, ['classTeacher'])
  const { s, db } = w
  const page = await w.as.classTeacher.get(`/summary/${s.c5a}`)
  t.equal(page.statusCode, 200)
  t.same(rowCells(page.body, 'Волков Глеб Ильич'), ['3', '2', '3', '2', '2', '4', '4', '3', '4', '4', 'осв', 'осв', 'осв', 'осв', 'осв', '0', '0'])
  t.same(rowCells(page.body, 'Антонов Артём Сергеевич').slice(-2), ['3', '2'], 'absences: three, two of them ill')
  t.match(page.body, 'Решения педагогического совета о переводе ещё не внесены (обучающихся: 3).')
  t.notMatch(page.body, '<script', 'no script on the page')
  await db.updateTable('final_marks').set({ value: '3' })
    .where('student_id', '=', s.s3.personId).where('subject_id', '=', s.subjects.russian).where('kind', '=', 'year').execute()
  await db.insertInto('promotion_decisions').values({ year_id: s.year, student_id: s.s2.personId, decision: 'promoted', council_date: day(-1), protocol_number: '3',
    set_by: s.u.deputy.personId, set_at: new Date().toISOString() }).execute()
  const again = await w.as.classTeacher.get(`/summary/${s.c5a}`)
  t.equal(rowCells(again.body, 'Волков Глеб Ильич')[4], '3', 'a corrected year mark shows at once')
  t.match(again.body, 'переведена в 6 класс', 'and so does a decision')
  t.match(again.body, 'Решение педагогического совета не внесено: Антонов А. С., Волков Г. И.', 'those still without a decision are named')
})

t.test('R-ARC-2: a student who left mid-year keeps their row, marked, and takes no decision; an arrival is noted', async (t) => {
  const w = await world(t, ['classTeacher'])
  const { s, db } = w
  const left = await makePerson(db, { roles: ['student'], login: null, last: 'Яковлева', first: 'Юлия', middle: 'Петровна' })
  const came = await makePerson(db, { roles: ['student'], login: null, last: 'Ёлкин', first: 'Пётр', middle: '' })
  await db.insertInto('enrollments').values([
    { student_id: left.personId, class_id: s.c5a, from_date: day(-200), to_date: day(-100), reason_in: 'initial', reason_out: 'departure' },
    { student_id: came.personId, class_id: s.c5a, from_date: day(-90), reason_in: 'arrival' },
  ]).execute()
  const page = await w.as.classTeacher.get(`/summary/${s.c5a}`)
  t.match(page.body, `Яковлева Юлия Петровна<br><small>выбыла ${fmtDate(day(-100))}</small>`)
  t.match(page.body, `Ёлкин Пётр<br><small>прибыл(а) ${fmtDate(day(-90))}</small>`, 'no patronymic: «(а)»')
  const form = await w.as.classTeacher.get(`/summary/${s.c5a}/decisions`)
  t.match(form.body, `выбыл(а) ${fmtDate(day(-100))}: решение не принимается`)
  t.notMatch(form.body, `name="d_${left.personId}"`, 'no decision for a student who left')
  t.match(form.body, `name="d_${came.personId}"`)
})

t.test('R-ARC-2: decisions — errors keep the input and write nothing; the class’s date and protocol apply to all; audited', async (t) => {
  const w = await world(t, ['deputy', 'classTeacher'])
  const { s, db } = w
  const [a, b, c] = [s.u.student.personId, s.s2.personId, s.s3.personId]
  const form = await w.as.deputy.get(`/summary/${s.c5a}/decisions`)
  t.equal(form.statusCode, 200)
  t.match(form.body, 'name="council_date"')
  t.match(form.body, `name="d_${a}"`)
  t.match(form.body, 'Академическая задолженность: Русский язык.', 'Волков’s year «2» is pointed out')

  const bad = await w.as.deputy.post(`/summary/${s.c5a}/decisions`, { [`d_${a}`]: 'graduated', [`d_${b}`]: 'promoted', council_date: '31.02.2027', protocol: '' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, '«Окончил(а)» — только для 9 и 11 классов.')
  t.match(bad.body, 'Дата — в виде ДД.ММ.ГГГГ')
  t.match(bad.body, 'Укажите номер протокола заседания.')
  t.match(bad.body, 'value="31.02.2027"', 'the typed date is kept')
  t.match(bad.body, /<option value="graduated" selected>/, 'the chosen decision is kept')
  t.match(bad.body, /<option value="promoted" selected>/)
  t.equal((await db.selectFrom('promotion_decisions').selectAll().execute()).length, 0, 'nothing written')
  t.equal((await db.selectFrom('audit_log').select('id').where('action', 'like', 'summary.%').execute()).length, 0)

  const future = await w.as.deputy.post(`/summary/${s.c5a}/decisions`, { [`d_${a}`]: 'promoted', council_date: fmtDate(day(1)), protocol: '7' })
  t.equal(future.statusCode, 400)
  t.match(future.body, 'не может быть позже сегодняшней')

  const ok = await w.as.deputy.post(`/summary/${s.c5a}/decisions`, { [`d_${a}`]: 'promoted', [`d_${b}`]: 'promoted', council_date: fmtDate(day(-2)), protocol: '7' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, `/summary/${s.c5a}`)
  const rows = await db.selectFrom('promotion_decisions').selectAll().orderBy('student_id').execute()
  t.same(rows.map((r) => [r.student_id, r.decision, r.council_date, r.protocol_number, r.year_id]),
    [[a, 'promoted', day(-2), '7', s.year], [b, 'promoted', day(-2), '7', s.year]])
  t.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'summary.decision.set').execute()).length, 2, 'one audit record per student')

  const cleared = await w.as.classTeacher.post(`/summary/${s.c5a}/decisions`, { [`d_${a}`]: '', [`d_${b}`]: 'promoted', council_date: fmtDate(day(-2)), protocol: '7' })
  t.equal(cleared.statusCode, 400)
  t.match(cleared.body, 'Решение уже записано: его можно изменить, но не снять.')

  // The class teacher adds Волков at a later sitting: the new date and protocol become the class's, for all three.
  const later = await w.as.classTeacher.post(`/summary/${s.c5a}/decisions`, {
    [`d_${a}`]: 'promoted', [`d_${b}`]: 'conditional', [`d_${c}`]: 'retained', council_date: fmtDate(day(-1)), protocol: '8',
  })
  t.equal(later.statusCode, 303)
  const after = await db.selectFrom('promotion_decisions').select(['student_id', 'decision', 'council_date', 'protocol_number']).orderBy('student_id').execute()
  t.same(after.map((r) => [r.student_id, r.decision, r.council_date, r.protocol_number]),
    [[a, 'promoted', day(-1), '8'], [b, 'conditional', day(-1), '8'], [c, 'retained', day(-1), '8']])
  const audit = await db.selectFrom('audit_log').select(['entity_id', 'before', 'after']).where('action', '=', 'summary.decision.set')
    .where('entity_id', '=', `${s.year}:${b}`).orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.same(JSON.parse(audit.before!), { decision: 'promoted', council_date: day(-2), protocol_number: '7' }, 'audit: before')
  t.same(JSON.parse(audit.after!), { decision: 'conditional', council_date: day(-1), protocol_number: '8' }, 'audit: after')
  t.match((await w.as.deputy.get('/summary')).body, `<a href="/summary/${s.c5a}/decisions">принято 3 из 3</a>`, 'the list counts the decisions')
  t.match((await w.as.deputy.get('/summary')).body, 'принято 0 из 2', '9А has none yet')
  const again = await w.as.deputy.get(`/summary/${s.c5a}/decisions`)
  t.match(again.body, `value="${fmtDate(day(-1))}"`, 'the form shows what is recorded')
  t.match(again.body, /<option value="retained" selected>/)
})

t.test('R-ARC-2: one decision for the rest of the class, with the exceptions chosen per student', async (t) => {
  const w = await world(t, ['classTeacher'])
  const { s, db } = w
  const badAll = await w.as.classTeacher.post(`/summary/${s.c5a}/decisions`, { all: 'graduated', council_date: fmtDate(day(-1)), protocol: '9' })
  t.equal(badAll.statusCode, 400)
  t.match(badAll.body, '«Окончил(а)» — только для 9 и 11 классов.')
  t.equal((await db.selectFrom('promotion_decisions').selectAll().execute()).length, 0, 'nothing written')
  const res = await w.as.classTeacher.post(`/summary/${s.c5a}/decisions`, { all: 'promoted', [`d_${s.s3.personId}`]: 'retained', council_date: fmtDate(day(-1)), protocol: '9' })
  t.equal(res.statusCode, 303)
  const rows = await db.selectFrom('promotion_decisions').select(['student_id', 'decision']).orderBy('student_id').execute()
  t.same(rows.map((r) => [r.student_id, r.decision]).sort(), [[s.u.student.personId, 'promoted'], [s.s2.personId, 'promoted'], [s.s3.personId, 'retained']].sort())
})

t.test('R-ARC-5: a closed year’s sheet is read-only — no decisions, no issue', async (t) => {
  const w = await world(t, ['deputy', 'classTeacher'])
  const { s, db } = w
  const sheet = await w.as.classTeacher.get(`/summary/${s.oldClass}`)
  t.equal(sheet.statusCode, 200, 'the class teacher of a closed year’s class still reads its sheet')
  t.match(sheet.body, 'Учебный год закрыт')
  t.notMatch(sheet.body, `action="/summary/${s.oldClass}/issue"`, 'no issue button')
  const form = await w.as.deputy.get(`/summary/${s.oldClass}/decisions`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /<select[^>]*disabled/, 'the form is disabled')
  t.notMatch(form.body, 'Сохранить решения')
  const before = (await db.selectFrom('audit_log').select('id').execute()).length
  const posted = await w.as.deputy.post(`/summary/${s.oldClass}/decisions`, { [`d_${s.u.student.personId}`]: 'promoted', council_date: fmtDate(day(-210)), protocol: '1' })
  t.equal(posted.statusCode, 409)
  t.match(posted.body, 'Учебный год 2025/2026 закрыт')
  t.equal((await w.as.deputy.post(`/summary/${s.oldClass}/issue`)).statusCode, 409)
  t.equal((await w.as.deputy.post(`/summary/${s.oldClass}/journal/issue`)).statusCode, 409)
  t.equal((await db.selectFrom('promotion_decisions').selectAll().execute()).length, 0)
  t.equal((await db.selectFrom('documents').selectAll().execute()).length, 0, 'no document reserved')
  t.equal((await db.selectFrom('audit_log').select('id').execute()).length, before, 'nothing audited')
})
