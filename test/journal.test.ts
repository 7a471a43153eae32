// HTTP tests of the lesson form: one submit saves everything, each rule refuses with its Russian message on the
// same form and writes nothing, warnings ask for a confirmation, removals keep their history (R-J-1,2,4..7).
import t from 'tap'
import { buildTestApp, loginAs, type Client } from './helper.js'
import { fmtDate } from '../src/lib/dates.js'
import { addLesson, count, day, kindId, seedJournal, snapshot, type Seed } from './journal.seed.js'
import type { DB } from '../src/db/connection.js'

async function setup(students = 30) {
  const { app, db } = await buildTestApp()
  const s = await seedJournal(db, { students })
  const teacher = await loginAs(app, 'teacher')
  return { app, db, s, teacher }
}

/** A lesson form as the browser sends it: every student's cell (empty unless given) and the kinds of work. */
async function lessonForm(db: DB, s: Seed, cells: Record<number, string>, extra: Record<string, string | boolean> = {}) {
  const form: Record<string, string | boolean> = { kind_1: String(await kindId(db, 'Отв')), ...extra }
  s.students.forEach((id, i) => { form[`c_${id}`] = cells[i] ?? '' })
  return form
}

async function post(c: Client, lessonId: number, form: Record<string, string | boolean>) {
  return c.post(`/journal/lessons/${lessonId}`, form)
}

t.test('R-J-1,2,4,7 one submit saves topic, homework, kinds, 30 cells and individual homework in one transaction', async (t) => {
  const { app, db, s, teacher } = await setup()
  t.teardown(() => app.close())
  const plan = await db.insertInto('plan_topics').values([1, 2].map((n) => ({ year_id: s.yearId, subject_id: s.math, grade: 5, number: n, title: `Тема КТП ${n}` })))
    .returning('id').execute()
  const earlier = await addLesson(db, s, { date: day(-1) })
  const lesson = await addLesson(db, s, { date: day(0) })
  await db.updateTable('lessons').set({ plan_topic_id: plan[0].id, topic: 'Тема КТП 1' }).where('id', '=', earlier).execute()

  const form = await teacher.get(`/journal/lessons/${lesson}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, new RegExp(`<option value="${plan[1].id}" selected>2. Тема КТП 2`), 'the next unused КТП topic is preselected')
  t.match(form.body, /name="kind_1" tabindex="4">\s*<option value="">— нет —<\/option>\s*<option value="\d+" selected>Ответ на уроке/, 'the first kind of work is preselected')
  const tabs = [...form.body.matchAll(/name="c_(\d+)"[^>]*tabindex="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])])
  t.same(tabs.map((x) => x[0]), s.students, 'one field per student in class-list order')
  t.same(tabs.map((x) => x[1]), s.students.map((_, i) => 10 + i), 'Tab goes down the list')

  // 30 cells as a teacher writes them: marks, double marks, two kinds, the second kind only, absences, empty.
  const patterns = ['5', '4/5', '5 4', '- 3', 'н', 'y', '', '3', '2', '4']
  const cells = Object.fromEntries(s.students.map((_, i) => [i, patterns[i % patterns.length]]))
  const before = await snapshot(db)
  const res = await post(teacher, lesson, await lessonForm(db, s, cells, {
    plan_topic: String(plan[1].id), topic: '', homework: '№ 245, 246', kind_2: String(await kindId(db, 'СР')),
    [`hw_${s.students[3]}`]: 'Карточка № 3',
  }))
  t.equal(res.statusCode, 303, 'saved and redirected')
  t.equal(res.headers.location, `/journal/lessons/${lesson}`)
  const marks = await db.selectFrom('marks').selectAll().where('lesson_id', '=', lesson).execute()
  const absences = await db.selectFrom('absences').selectAll().where('lesson_id', '=', lesson).execute()
  // Per 10 students: 5 | 4/5 | 5,4 | -,3 | н | н | — | 3 | 2 | 4 → 8 marks and 2 absences.
  t.equal(marks.length, 24, '24 marks')
  t.equal(absences.length, 6, '6 absences')
  t.ok(marks.some((m) => m.value === '4/5' && m.column_no === 1), 'a double mark in one cell')
  t.ok(marks.some((m) => m.student_id === s.students[3] && m.column_no === 2 && m.value === '3'), '«- 3» fills only the second column')
  const after = await snapshot(db)
  t.equal(after.mark_history - before.mark_history, 30, 'one history row per changed cell value')
  t.equal(after.audit - before.audit, 1, 'one audit record for the lesson')
  t.equal(after.lesson_columns - before.lesson_columns, 2, 'two mark columns')
  const l = await db.selectFrom('lessons').selectAll().where('id', '=', lesson).executeTakeFirstOrThrow()
  t.equal(l.topic, 'Тема КТП 2')
  t.equal(l.plan_topic_id, plan[1].id)
  t.equal(l.homework, '№ 245, 246')
  t.ok(l.topic_entered_at && l.homework_entered_at, 'entry times recorded (R-J-7)')
  t.equal(l.entered_by, s.u.teacher.personId)
  t.equal((await db.selectFrom('homework_individual').select('text').where('student_id', '=', s.students[3]).executeTakeFirstOrThrow()).text, 'Карточка № 3')
  const auditRow = await db.selectFrom('audit_log').selectAll().where('action', '=', 'journal.lesson.save').executeTakeFirstOrThrow()
  t.match(JSON.parse(auditRow.after!), { topic: 'Тема КТП 2', homework: '№ 245, 246', cells: { [`${s.students[0]}:1`]: '5' } })

  const again = await teacher.get(`/journal/lessons/${lesson}`)
  t.match(again.body, 'Урок сохранён.', 'the flash message')
  t.match(again.body, `value="4/5"`, 'the form shows what was saved')
  t.match(again.body, `value="- 3"`)
  const topicEnteredAt = l.topic_entered_at
  const same = await post(teacher, lesson, await lessonForm(db, s, cells, {
    plan_topic: String(plan[1].id), homework: '№ 245, 246', kind_2: String(await kindId(db, 'СР')), [`hw_${s.students[3]}`]: 'Карточка № 3',
  }))
  t.equal(same.statusCode, 303)
  t.match((await teacher.get(`/journal/lessons/${lesson}`)).body, 'Изменений нет')
  t.same(await snapshot(db), after, 'saving the same form again writes nothing')
  t.equal((await db.selectFrom('lessons').select('topic_entered_at').where('id', '=', lesson).executeTakeFirstOrThrow()).topic_entered_at, topicEnteredAt,
    'the entry time is kept when the topic did not change')

  const page = await teacher.get(`/journal/class/${s.c5a}/${s.math}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /<td class="c">4\/5<\/td>/, 'the journal page shows the marks')
  t.match(page.body, /<td class="abs">н<\/td>/, 'and the absences')
})

t.test('R-J-6 a future lesson takes no marks or «н», but topic and homework may be planned', async (t) => {
  const { app, db, s, teacher } = await setup()
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(2) })
  const form = await teacher.get(`/journal/lessons/${lesson}`)
  t.match(form.body, 'Урок ещё не прошёл')
  t.notMatch(form.body, /name="kind_1"[^>]*>\s*<option value="">— нет —<\/option>\s*<option value="\d+" selected/, 'no kind preselected for a future lesson')
  const before = await snapshot(db)
  for (const cell of ['5', 'н']) {
    const res = await post(teacher, lesson, await lessonForm(db, s, { 0: cell }, { topic: 'Планирую', homework: 'Задание' }))
    t.equal(res.statusCode, 400, `«${cell}» refused`)
    t.match(res.body, `Урок ${fmtDate(day(2))} ещё не прошёл`)
    t.match(res.body, 'Нельзя заранее', 'the rule is named')
    t.same(await snapshot(db), before, 'nothing written')
  }
  const ok = await post(teacher, lesson, { topic: 'Планирую', homework: 'Задание' })
  t.equal(ok.statusCode, 303)
  const l = await db.selectFrom('lessons').select(['topic', 'homework']).where('id', '=', lesson).executeTakeFirstOrThrow()
  t.same(l, { topic: 'Планирую', homework: 'Задание' })
})

t.test('R-J-6 marks after the checking deadline of their kind of work are refused', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const a = await addLesson(db, s, { date: day(-3) })
  const b = await addLesson(db, s, { date: day(-1) })
  await addLesson(db, s, { date: day(1) })
  // [lesson, kind, next lesson → deadline, allowed today?]
  const cases: [number, string, string, boolean][] = [
    [a, 'Отв', 'oral answer: the same day', false],
    [a, 'СР', 'written work: by the next lesson, which was yesterday', false],
    [a, 'КР', 'control work: 3 days, ends today', true],
    [b, 'СР', 'written work: the next lesson is tomorrow', true],
    [b, 'Отв', 'oral answer of yesterday', false],
    [b, 'Твор', 'creative work: 7 days', true],
  ]
  for (const [lesson, kind, name, allowed] of cases) {
    await db.deleteFrom('marks').execute()
    await db.deleteFrom('lesson_columns').execute()
    const before = await snapshot(db)
    const res = await post(teacher, lesson, await lessonForm(db, s, { 0: '4' }, { kind_1: String(await kindId(db, kind)) }))
    t.equal(res.statusCode, allowed ? 303 : 400, name)
    if (!allowed) {
      t.match(res.body, 'Срок проверки истёк', `${name}: says why`)
      t.match(res.body, 'Разрешение на отметки после срока', `${name}: offers the request`)
      t.same(await snapshot(db), before, `${name}: nothing written`)
    }
  }
})

t.test('R-J-6 a late mark needs the deputy\'s recorded approval, used once', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(-2) })
  const form = await lessonForm(db, s, { 0: '5', 1: 'н' }, { topic: 'Повторение' })
  const refused = await post(teacher, lesson, form)
  t.equal(refused.statusCode, 400)

  const noReason = await post(teacher, lesson, { ...form, action: 'request', late_reason: '' })
  t.equal(noReason.statusCode, 400)
  t.match(noReason.body, 'Укажите причину')
  const req = await post(teacher, lesson, { ...form, action: 'request', late_reason: 'Болела, была на больничном' })
  t.equal(req.statusCode, 200)
  t.match(req.body, 'Запрос отправлен заместителю директора')
  t.match(req.body, `name="c_${s.students[0]}" value="5"`, 'the typed marks are still in the form')
  const pending = await db.selectFrom('late_approvals').selectAll().executeTakeFirstOrThrow()
  t.match(pending, { lesson_id: lesson, status: 'pending', reason: 'Болела, была на больничном', requested_by: s.u.teacher.personId })
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'journal.late.request').executeTakeFirst(), 'the request is audited')
  const twice = await post(teacher, lesson, { ...form, action: 'request', late_reason: 'ещё раз' })
  t.notMatch(twice.body, 'Запрос отправлен')
  t.equal(await count(db, 'late_approvals'), 1, 'one pending request per lesson')
  t.equal((await post(teacher, lesson, form)).statusCode, 400, 'still refused while pending')

  const deputy = await loginAs(app, 'deputy')
  const list = await deputy.get('/journal/approvals')
  t.equal(list.statusCode, 200)
  t.match(list.body, 'Болела, была на больничном')
  t.match(list.body, 'Математикова Анна Ивановна')
  const bad = await deputy.post(`/journal/approvals/${pending.id}/approve`, { days: '99' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Срок — от 1 до 30 дней.')
  t.equal((await db.selectFrom('late_approvals').select('status').executeTakeFirstOrThrow()).status, 'pending', 'a bad number of days decides nothing')
  const ok = await deputy.post(`/journal/approvals/${pending.id}/approve`, { days: '2' })
  t.equal(ok.statusCode, 303)
  t.match((await deputy.get('/journal/approvals')).body, `Разрешение выдано до ${fmtDate(day(2))}`)
  const approved = await db.selectFrom('late_approvals').selectAll().executeTakeFirstOrThrow()
  t.match(approved, { status: 'approved', valid_until: day(2), decided_by: s.u.deputy.personId })
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'journal.late.approve').executeTakeFirst(), 'the approval is audited')

  t.match((await teacher.get(`/journal/lessons/${lesson}`)).body, `действует до ${fmtDate(day(2))}`)
  const saved = await post(teacher, lesson, form)
  t.equal(saved.statusCode, 303, 'saved with the approval')
  t.match((await teacher.get(`/journal/lessons/${lesson}`)).body, 'по разрешению заместителя директора')
  const mark = await db.selectFrom('marks').selectAll().executeTakeFirstOrThrow()
  t.equal(mark.late_approval_id, pending.id, 'the mark records the approval it was entered under')
  t.equal((await db.selectFrom('late_approvals').select('status').executeTakeFirstOrThrow()).status, 'used')
  const hist = await db.selectFrom('mark_history').selectAll().where('column_no', '=', 1).executeTakeFirstOrThrow()
  t.match(hist.reason, `разрешение № ${pending.id}`)

  const later = await post(teacher, lesson, { ...form, [`c_${s.students[0]}`]: '4' })
  t.equal(later.statusCode, 400, 'a used approval does not open the lesson again')
  t.equal((await deputy.post(`/journal/approvals/${pending.id}/refuse`)).statusCode, 303)
  t.match((await deputy.get('/journal/approvals')).body, 'По этому запросу уже принято решение')
})

t.test('R-J-6 a refused or expired approval lets nothing through', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(-2) })
  const form = await lessonForm(db, s, { 0: '5' })
  await post(teacher, lesson, { ...form, action: 'request', late_reason: 'Забыла' })
  const id = (await db.selectFrom('late_approvals').select('id').executeTakeFirstOrThrow()).id
  const deputy = await loginAs(app, 'deputy')
  t.equal((await deputy.post(`/journal/approvals/${id}/refuse`)).statusCode, 303)
  t.equal((await db.selectFrom('late_approvals').select('status').executeTakeFirstOrThrow()).status, 'refused')
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'journal.late.refuse').executeTakeFirst())
  t.equal((await post(teacher, lesson, form)).statusCode, 400, 'refused: still no late marks')
  await db.insertInto('late_approvals').values({ lesson_id: lesson, requested_by: s.u.teacher.personId, requested_at: day(-2), reason: 'x', status: 'approved', valid_until: day(-1) }).execute()
  t.equal((await post(teacher, lesson, form)).statusCode, 400, 'an expired approval does not count')
  t.equal(await count(db, 'marks'), 0)
})

t.test('R-J-6 no 1 or 2 in the adaptation period', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  await db.updateTable('academic_years').set({ adaptation_ends_on: day(5) }).execute()
  const lesson = await addLesson(db, s, { date: day(0) })
  for (const cell of ['2', '1', '5/2']) {
    const res = await post(teacher, lesson, await lessonForm(db, s, { 0: cell }))
    t.equal(res.statusCode, 400, `«${cell}» refused`)
    t.match(res.body, `Период адаптации (до ${fmtDate(day(5))})`)
  }
  t.equal(await count(db, 'marks'), 0)
  t.equal((await post(teacher, lesson, await lessonForm(db, s, { 0: '3' }))).statusCode, 303, 'a 3 is fine')
})

t.test('R-J-4 grade 1 is unmarked: only «н»', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0), classId: s.c1a })
  const form = await teacher.get(`/journal/lessons/${lesson}`)
  t.equal(form.statusCode, 200)
  t.notMatch(form.body, 'name="kind_1"', 'no kinds of work in grade 1')
  t.match(form.body, 'безотметочное обучение')
  const cells = (v: string) => Object.fromEntries(s.students1a.map((id, i) => [`c_${id}`, i === 0 ? v : '']))
  const res = await post(teacher, lesson, { ...cells('5'), kind_1: String(await kindId(db, 'Отв')) })
  t.equal(res.statusCode, 400)
  t.match(res.body, '1 класс — безотметочное обучение: ставится только «н»')
  t.equal(await count(db, 'marks'), 0)
  t.equal((await post(teacher, lesson, cells('н'))).statusCode, 303)
  t.equal(await count(db, 'absences'), 1)
  t.equal(await count(db, 'lesson_columns'), 0, 'no kind of work stored even if one was sent')
})

t.test('R-J-5 no «н» in PE while exempt; the page shows until when', async (t) => {
  const { app, db, s } = await setup(3)
  t.teardown(() => app.close())
  await db.updateTable('students').set({ pe_exempt_until: day(10) }).where('person_id', '=', s.students[0]).execute()
  const lesson = await addLesson(db, s, { date: day(0), subjectId: s.pe, teacherId: s.u.pe.personId })
  const pe = await loginAs(app, 'pe')
  const form = await pe.get(`/journal/lessons/${lesson}`)
  t.match(form.body, `освобождён(а) от физкультуры до ${fmtDate(day(10))}`)
  const res = await post(pe, lesson, await lessonForm(db, s, { 0: 'н' }))
  t.equal(res.statusCode, 400)
  t.match(res.body, `Освобождён(а) от физкультуры до ${fmtDate(day(10))}: «н» на физкультуре не ставится.`)
  t.match(res.body, 'Когда «н» не ставится')
  t.equal(await count(db, 'absences'), 0)
  t.equal((await post(pe, lesson, await lessonForm(db, s, { 1: 'н', 0: '5' }))).statusCode, 303, 'others get «н»; the exempt one a mark')
  const page = await pe.get(`/journal/class/${s.c5a}/${s.pe}`)
  t.match(page.body, `освобождён(а) от физкультуры до ${fmtDate(day(10))}`)
})

t.test('R-J-5 distance lessons: order number required, no «н»', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  const noOrder = await post(teacher, lesson, await lessonForm(db, s, { 0: '5' }, { distance: true }))
  t.equal(noOrder.statusCode, 400)
  t.match(noOrder.body, 'укажите номер приказа')
  const absent = await post(teacher, lesson, await lessonForm(db, s, { 0: 'н' }, { distance: true, distance_order: '15-о' }))
  t.equal(absent.statusCode, 400)
  t.match(absent.body, 'Дистанционный урок: «н» не ставится.')
  t.equal(await count(db, 'absences'), 0)
  t.equal((await post(teacher, lesson, await lessonForm(db, s, { 0: '5' }, { distance: true, distance_order: '15-о' }))).statusCode, 303)
  t.same(await db.selectFrom('lessons').select(['distance', 'distance_order']).where('id', '=', lesson).executeTakeFirstOrThrow(), { distance: 1, distance_order: '15-о' })
})

t.test('R-J-2 an extracurricular lesson takes neither «н» nor marks', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  for (const [cell, msg] of [['н', 'Внеурочное занятие: «н» не ставится.'], ['5', 'Внеурочное занятие: отметки не ставятся.']]) {
    const res = await post(teacher, lesson, await lessonForm(db, s, { 0: cell }, { extracurricular: true }))
    t.equal(res.statusCode, 400, `«${cell}» refused`)
    t.match(res.body, msg)
  }
  t.equal(await count(db, 'marks') + await count(db, 'absences'), 0)
  t.equal((await post(teacher, lesson, await lessonForm(db, s, {}, { extracurricular: true }))).statusCode, 303)
  t.equal((await db.selectFrom('lessons').select('extracurricular').where('id', '=', lesson).executeTakeFirstOrThrow()).extracurricular, 1)
})

t.test('R-J-6 a 1 or 2 after 3+ missed lessons or right after the holidays asks for confirmation', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const missed = []
  for (const d of [-6, -5, -4]) missed.push(await addLesson(db, s, { date: day(d) }))
  for (const l of missed) await db.insertInto('absences').values({ lesson_id: l, student_id: s.students[0], entered_at: day(-4), entered_by: s.u.teacher.personId }).execute()
  const lesson = await addLesson(db, s, { date: day(0) })
  const form = await lessonForm(db, s, { 0: '2', 1: '2' })
  const before = await snapshot(db)
  const warned = await post(teacher, lesson, form)
  t.equal(warned.statusCode, 200, 'a warning, not a refusal')
  t.match(warned.body, 'Пропустил(а) 3 и более урока подряд')
  t.match(warned.body, 'Сохранить, несмотря на предупреждения')
  t.match(warned.body, `name="c_${s.students[0]}" value="2"`)
  t.same(await snapshot(db), before, 'nothing written before the confirmation')
  t.equal((await post(teacher, lesson, { ...form, confirm: true })).statusCode, 303, 'confirmed: saved')
  t.equal(await count(db, 'marks'), 2)

  // Holidays between the previous lesson and this one.
  await db.insertInto('holidays').values({ year_id: s.yearId, name: 'Дополнительные каникулы', starts_on: day(-3), ends_on: day(-1) }).execute()
  const afterHolidays = await addLesson(db, s, { date: day(0), number: 6 })
  const res = await post(teacher, afterHolidays, await lessonForm(db, s, { 2: '1' }))
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Первый урок после каникул')
  t.equal((await post(teacher, afterHolidays, await lessonForm(db, s, { 2: '4' }))).statusCode, 303, 'a good mark needs no confirmation')
})

t.test('R-NF-4 a rejected submit keeps everything typed and writes nothing', async (t) => {
  const { app, db, s, teacher } = await setup()
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  const cells = Object.fromEntries(s.students.map((_, i) => [i, i === 7 ? '55' : i === 9 ? 'н 5' : String(1 + (i % 5))]))
  const before = await snapshot(db)
  const res = await post(teacher, lesson, await lessonForm(db, s, cells, { topic: 'Умножение дробей', homework: 'Стр. 12', [`hw_${s.students[2]}`]: 'Своё' }))
  t.equal(res.statusCode, 400)
  t.same(await snapshot(db), before, 'not a single row written')
  t.match(res.body, 'Урок не сохранён: ничего не записано')
  t.match(res.body, 'Запись в клетке')
  t.match(res.body, `name="c_${s.students[7]}" value="55"`, 'the wrong cell is kept')
  t.match(res.body, `name="c_${s.students[9]}" value="н 5"`)
  t.match(res.body, '«н» и отметка в одной клетке')
  t.match(res.body, `name="c_${s.students[8]}" value="4"`, 'the good cells are kept')
  t.match(res.body, 'value="Умножение дробей"')
  t.match(res.body, 'Стр. 12</textarea>')
  t.match(res.body, 'value="Своё"')
  const tooLong = await post(teacher, lesson, await lessonForm(db, s, {}, { topic: 'я'.repeat(501) }))
  t.equal(tooLong.statusCode, 400)
  t.match(tooLong.body, 'не более 500 символов')
  const gap = await post(teacher, lesson, { kind_2: String(await kindId(db, 'СР')) })
  t.equal(gap.statusCode, 400)
  t.match(gap.body, 'Сначала выберите вид работы для столбца 1')
  t.same(await snapshot(db), before)
})

t.test('R-J-9 removing a mark or an absence is an audited change that keeps its history', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  t.equal((await post(teacher, lesson, await lessonForm(db, s, { 0: '5', 1: 'н' }, { topic: 'Тема', homework: 'ДЗ' }))).statusCode, 303)
  t.equal((await post(teacher, lesson, await lessonForm(db, s, { 0: '', 1: '' }, { topic: 'Тема', homework: 'ДЗ', reason: 'Ошиблась строкой' }))).statusCode, 303)
  t.equal(await count(db, 'marks'), 0)
  t.equal(await count(db, 'absences'), 0)
  const hist = await db.selectFrom('mark_history').select(['student_id', 'column_no', 'old_value', 'new_value', 'reason', 'by']).orderBy('id').execute()
  t.same(hist, [
    { student_id: s.students[0], column_no: 1, old_value: null, new_value: '5', reason: '', by: s.u.teacher.personId },
    { student_id: s.students[1], column_no: 0, old_value: null, new_value: 'н', reason: '', by: s.u.teacher.personId },
    { student_id: s.students[0], column_no: 1, old_value: '5', new_value: null, reason: 'Ошиблась строкой', by: s.u.teacher.personId },
    { student_id: s.students[1], column_no: 0, old_value: 'н', new_value: null, reason: 'Ошиблась строкой', by: s.u.teacher.personId },
  ])
  const audits = await db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'journal.lesson.save').orderBy('id').execute()
  t.equal(audits.length, 2, 'one audit record per save')
  t.match(JSON.parse(audits[1].before!), { cells: { [`${s.students[0]}:1`]: '5', [`${s.students[1]}:0`]: 'н' } })
  t.match(JSON.parse(audits[1].after!), { cells: { [`${s.students[0]}:1`]: null } })
  // Clearing the lesson entry (topic and homework) is a change like any other: audited, times cleared.
  t.equal((await post(teacher, lesson, await lessonForm(db, s, {}))).statusCode, 303)
  audits.push(...await db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'journal.lesson.save').orderBy('id', 'desc').limit(1).execute())
  t.same(JSON.parse(audits[2].before!), { topic: 'Тема', homework: 'ДЗ' })
  t.same(JSON.parse(audits[2].after!), { topic: '', homework: '' })
  t.same(await db.selectFrom('lessons').select(['topic_entered_at', 'homework_entered_at']).where('id', '=', lesson).executeTakeFirstOrThrow(),
    { topic_entered_at: null, homework_entered_at: null })
})

t.test('R-J-9 R-FIN-4 the deputy sees who changed which cell, when, and why', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  await post(teacher, lesson, await lessonForm(db, s, { 0: '3' }))
  await post(teacher, lesson, await lessonForm(db, s, { 0: '4' }, { reason: 'Пересдал' }))
  const url = `/journal/class/${s.c5a}/${s.math}`
  const deputy = await loginAs(app, 'deputy')
  const page = await deputy.get(`${url}?history=1`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'История изменений отметок и пропусков')
  t.match(page.body, /3 → 4<\/td>\s*<td>Математикова А\. И\.<\/td>/)
  t.match(page.body, 'Пересдал')
  t.match(page.body, `href="#h-${lesson}-${s.students[0]}"`, 'the changed cell links to its history')
  t.match((await deputy.get(url)).body, 'Показать историю изменений')
  t.match((await deputy.get(`/journal/lessons/${lesson}`)).body, 'История изменений этого урока')
  const own = await teacher.get(`${url}?history=1`)
  t.notMatch(own.body, 'История изменений отметок', 'the history view is the administration\'s')
})

t.test('R-ARC-5 a closed year refuses every write', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const lesson = await addLesson(db, s, { date: day(0) })
  await db.updateTable('academic_years').set({ status: 'closed' }).execute()
  const form = await teacher.get(`/journal/lessons/${lesson}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, 'Учебный год закрыт')
  t.notMatch(form.body, 'name="c_', 'no fields to fill')
  const before = await snapshot(db)
  const res = await post(teacher, lesson, await lessonForm(db, s, { 0: '5' }, { topic: 'x' }))
  t.equal(res.statusCode, 409)
  t.match(res.body, 'закрыт')
  const req = await post(teacher, lesson, { action: 'request', late_reason: 'x' })
  t.equal(req.statusCode, 409)
  t.same(await snapshot(db), before)
})

t.test('R-J-1 a student not in the class on the lesson\'s date has no field, and a forged one is ignored', async (t) => {
  const { app, db, s, teacher } = await setup(3)
  t.teardown(() => app.close())
  const gone = s.students[2]
  await db.updateTable('enrollments').set({ to_date: day(-5), reason_out: 'departure' }).where('student_id', '=', gone).execute()
  const before = await addLesson(db, s, { date: day(-6) })
  const lesson = await addLesson(db, s, { date: day(0) })
  const form = await teacher.get(`/journal/lessons/${lesson}`)
  t.notMatch(form.body, `name="c_${gone}"`)
  t.match(form.body, `name="c_${s.students[1]}"`)
  t.match((await teacher.get(`/journal/lessons/${before}`)).body, `name="c_${gone}"`, 'on an earlier date the student is there')
  const res = await post(teacher, lesson, { kind_1: String(await kindId(db, 'Отв')), [`c_${gone}`]: '5', [`c_${s.students[0]}`]: '4' })
  t.equal(res.statusCode, 303)
  t.same((await db.selectFrom('marks').select('student_id').execute()).map((m) => m.student_id), [s.students[0]])
})
