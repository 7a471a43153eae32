// Changes for a date: cancellation, transfer, extra lesson, substitution and its withdrawal; the day's changes
// page; the substitute's access to exactly that lesson; the week queries for the journal and the diary (R-TT-2).
import t from 'tap'
import { addDays } from '../src/lib/dates.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { lessonAccess } from '../src/features/journal/journal.access.js'
import { classWeek, lessonsOfTeacherOn } from '../src/features/timetable/timetable.queries.js'
import { loginAs } from './helper.js'
import { audits, auditCount, key, lesson, nextWeekday, world, TODAY, type World } from './timetable.seed.js'

/** A future Tuesday with the 5А maths lesson (2nd) of the teacher, and the day after. */
async function day(w: World) {
  const { s } = w
  const date = nextWeekday(addDays(TODAY, 1), 2)
  const math = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date, n: 2 })
  return { date, math }
}

const row = (w: World, id: number) => w.db.selectFrom('lessons').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

t.test('R-TT-2: cancellation needs a note, is refused for a lesson with an entry, and is audited', async (t) => {
  const w = await world(t, ['scheduler', 'teacher'])
  const { date, math } = await day(w)
  const url = `/timetable/lessons/${math}/cancel`
  const form = await w.as.scheduler.get(url)
  t.equal(form.statusCode, 200)
  t.match(form.body, '5А')
  let res = await w.as.scheduler.post(url, { note: '' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Напишите короткое примечание')
  t.equal((await row(w, math)).status, 'scheduled', 'nothing written')

  res = await w.as.scheduler.post(url, { note: 'экскурсия' })
  t.equal(res.statusCode, 303)
  t.match(await row(w, math), { status: 'cancelled', change_note: 'экскурсия' })
  const [a] = await audits(w.db, 'timetable.lesson.cancel')
  t.same([a.entity_id, a.before.status, a.after.status, a.after.change_note], [String(math), 'scheduled', 'cancelled', 'экскурсия'])
  const page = await w.as.teacher.get(`/timetable/changes?date=${date}`)
  t.match(page.body, 'отменён')
  t.match(page.body, 'экскурсия')
  t.notMatch(page.body, 'Внести изменение', 'a teacher reads the changes but makes none')

  // A lesson the teacher has already filled keeps its entry: it cannot be cancelled.
  const filled = await lesson(w.db, { year: w.s.year, classId: w.s.c5a, subject: w.s.subjects.math, teacher: w.s.u.teacher.personId, date, n: 4 })
  await w.db.insertInto('lesson_columns').values({ lesson_id: filled, column_no: 1, work_kind_id: 1 }).execute()
  const refusal = await w.as.scheduler.get(`/timetable/lessons/${filled}/cancel`)
  t.match(refusal.body, 'Урок нельзя отменить: в нём уже есть записи учителя')
  t.notMatch(refusal.body, 'name="note"', 'the form is not offered')
  const before = await auditCount(w.db)
  res = await w.as.scheduler.post(`/timetable/lessons/${filled}/cancel`, { note: 'экскурсия' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Урок нельзя отменить')
  t.equal((await row(w, filled)).status, 'scheduled')
  t.equal(await auditCount(w.db), before)
  res = await w.as.scheduler.post(url, { note: 'ещё раз' })
  t.equal(res.statusCode, 400, 'a cancelled lesson is not changed again')
  t.match(res.body, 'Урок уже отменён или перенесён')
})

t.test('R-TT-2: transfer — holidays, Sundays and clashes refused with the input kept; the moved lesson points to the new one', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const { date, math } = await day(w)
  const url = `/timetable/lessons/${math}/move`
  const wed = addDays(date, 1)
  await w.db.insertInto('holidays').values({ year_id: s.year, name: 'Каникулы', starts_on: addDays(date, 7), ends_on: addDays(date, 8), grade_from: 5, grade_to: 6 }).execute()
  // Wednesday: 5А has Russian at 3rd; the maths teacher teaches an elective group at 4th.
  await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.russian, teacher: s.u.classTeacher.personId, date: wed, n: 3 })
  await lesson(w.db, { year: s.year, classId: s.c5b, subject: s.subjects.math, teacher: s.u.teacher.personId, date: wed, n: 4 })
  const before = await auditCount(w.db)
  const cases: [Record<string, string>, string][] = [
    [{ date: addDays(date, 7), lesson_number: '2', note: 'x' }, 'каникулы у этого класса'],
    [{ date: addDays(date, 5), lesson_number: '2', note: 'x' }, 'В воскресенье уроков нет.'],
    [{ date: wed, lesson_number: '3', note: 'x' }, 'у 5А в это время уже урок (Русский язык)'],
    [{ date: wed, lesson_number: '4', note: 'x' }, 'учитель Математикова Анна Ивановна в это время ведёт урок в 5Б (Математика)'],
    [{ date: 'завтра', lesson_number: '4', note: 'x' }, 'Введите дату в виде ДД.ММ.ГГГГ.'],
  ]
  for (const [form, message] of cases) {
    const res = await w.as.scheduler.post(url, form)
    t.equal(res.statusCode, 400, `${form.date} ${form.lesson_number}: refused`)
    t.match(res.body, message)
    t.match(res.body, `value="${form.date}"`, 'the date typed is kept')
  }
  t.equal(await auditCount(w.db), before, 'nothing written')
  t.equal((await row(w, math)).status, 'scheduled')

  const res = await w.as.scheduler.post(url, { date: wed, lesson_number: '5', note: 'учитель на курсах' })
  t.equal(res.statusCode, 303)
  const old = await row(w, math)
  t.match(old, { status: 'moved', change_note: 'учитель на курсах' })
  const moved = await row(w, old.moved_to_id!)
  t.match(moved, { origin: 'transfer', status: 'scheduled', date: wed, lesson_number: 5, class_id: s.c5a, subject_id: s.subjects.math, teacher_id: s.u.teacher.personId, slot_id: null })
  const [a] = await audits(w.db, 'timetable.lesson.move')
  t.same([a.before.date, a.after.date, a.after.moved_to_id], [date, wed, moved.id])
  t.match((await w.as.scheduler.get(`/timetable/changes?date=${date}`)).body, `перенесён на ${wed.split('-').reverse().join('.')}, 5-й урок`)
  t.match((await w.as.scheduler.get(`/timetable/changes?date=${wed}`)).body, `перенесён с ${date.split('-').reverse().join('.')}, 2-й урок`)
})

t.test('R-TT-2: an extra lesson is a lesson without a slot, checked for clashes and audited', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const { date } = await day(w)
  const line = key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a })
  const form = await w.as.scheduler.get(`/timetable/extra?date=${date}&class=${s.c5a}`)
  t.match(form.body, 'Рус. яз. — Классная М. П.')
  let res = await w.as.scheduler.post('/timetable/extra', { class_id: String(s.c5a), line, date, lesson_number: '2', note: 'консультация' })
  t.equal(res.statusCode, 400, 'the class has maths then')
  t.match(res.body, 'у 5А в это время уже урок (Математика)')
  t.match(res.body, 'value="консультация"')
  t.equal(await auditCount(w.db), 0)
  res = await w.as.scheduler.post('/timetable/extra', { class_id: String(s.c5a), line, date, lesson_number: '6', note: 'консультация' })
  t.equal(res.statusCode, 303)
  const extra = await w.db.selectFrom('lessons').selectAll().where('origin', '=', 'extra').executeTakeFirstOrThrow()
  t.match(extra, { slot_id: null, class_id: s.c5a, subject_id: s.subjects.russian, teacher_id: s.u.classTeacher.personId, date, lesson_number: 6, change_note: 'консультация' })
  t.equal((await audits(w.db, 'timetable.lesson.extra')).length, 1)
  t.match((await w.as.scheduler.get(`/timetable/changes?date=${date}`)).body, 'дополнительный урок')
  // A subgroup's extra lesson beside the other subgroup is no clash.
  const g1 = key(s.eng.personId, s.subjects.english, { g: s.g1 })
  const g2 = key(s.other.personId, s.subjects.english, { g: s.g2 })
  t.equal((await w.as.scheduler.post('/timetable/extra', { class_id: String(s.c5a), line: g1, date, lesson_number: '5', note: 'к' })).statusCode, 303)
  t.equal((await w.as.scheduler.post('/timetable/extra', { class_id: String(s.c5a), line: g2, date, lesson_number: '5', note: 'к' })).statusCode, 303)
  t.equal((await w.as.scheduler.post('/timetable/extra', { class_id: String(s.c5a), line: g2, date, lesson_number: '5', note: 'к' })).statusCode, 400, 'the same subgroup twice is')
})

t.test('R-TT-2: substitution — a busy substitute is refused; the substitute fills exactly that lesson; withdrawal', async (t) => {
  const w = await world(t, ['scheduler', 'teacher'])
  const { s } = w
  const { date, math } = await day(w)
  const otherDay = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date: addDays(date, 1), n: 1 })
  // Другова teaches 5Б at that time.
  await lesson(w.db, { year: s.year, classId: s.c5b, subject: s.subjects.math, teacher: s.other.personId, date, n: 2 })
  const url = `/timetable/lessons/${math}/substitute`
  const form = await w.as.scheduler.get(url)
  t.match(form.body, 'Другова Ольга Олеговна — занят(а): 5Б', 'the form shows who is busy')
  let res = await w.as.scheduler.post(url, { teacher_id: String(s.other.personId), note: 'болезнь' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'учитель Другова Ольга Олеговна в это время ведёт урок в 5Б (Математика)')
  res = await w.as.scheduler.post(url, { teacher_id: String(s.u.teacher.personId), note: 'болезнь' })
  t.match(res.body, 'Это учитель по расписанию')
  t.equal(await auditCount(w.db), 0, 'nothing written')

  res = await w.as.scheduler.post(url, { teacher_id: String(s.spare.personId), note: 'болезнь учителя' })
  t.equal(res.statusCode, 303)
  t.match(await row(w, math), { substitute_id: s.spare.personId, change_note: 'болезнь учителя', status: 'scheduled' })
  const [a] = await audits(w.db, 'timetable.lesson.substitute')
  t.same([a.before.substitute_id, a.after.substitute_id], [null, s.spare.personId])
  t.match((await w.as.teacher.get(`/timetable/changes?date=${date}`)).body, 'замена: Запасова В. А.')

  // R-TT-2 end to end: the substitute edits exactly that lesson, nothing else of the absent teacher's page.
  const spare = (await loadCurrentUser(w.db, s.spare.userId!))!
  const absent = (await loadCurrentUser(w.db, s.u.teacher.userId!))!
  t.equal((await lessonAccess(w.db, spare, math))?.access, 'edit', 'the substitute edits the substituted lesson')
  t.equal((await lessonAccess(w.db, spare, otherDay))?.access, null, 'and not the absent teacher\'s other lesson')
  t.equal((await lessonAccess(w.db, absent, otherDay))?.access, 'edit', 'the absent teacher keeps their page')

  const mine = await lessonsOfTeacherOn(w.db, s.spare.personId, date)
  t.same(mine.map((l) => [l.id, l.asSubstitute]), [[math, true]], 'the substitute\'s day lists the lesson')
  const spareClient = await loginAs(w.app, 'spare')
  t.match((await spareClient.get(`/timetable/teachers/${s.spare.personId}?week=${date}`)).body, 'замена; по расписанию — Математикова А. И.', 'and so does their week')

  // Withdrawal: refused once the substitute has written the topic; allowed before.
  await w.db.updateTable('lessons').set({ topic: 'Дроби' }).where('id', '=', math).execute()
  res = await w.as.scheduler.post(`/timetable/lessons/${math}/unsubstitute`, { note: 'вернулась' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Замену нельзя снять: заменяющий учитель уже заполнил урок.')
  await w.db.updateTable('lessons').set({ topic: '' }).where('id', '=', math).execute()
  res = await w.as.scheduler.post(`/timetable/lessons/${math}/unsubstitute`, { note: 'вернулась' })
  t.equal(res.statusCode, 303)
  t.equal((await row(w, math)).substitute_id, null)
  const [b] = await audits(w.db, 'timetable.lesson.unsubstitute')
  t.same([b.before.substitute_id, b.after.substitute_id, b.after.change_note], [s.spare.personId, null, 'вернулась'])
  t.equal((await lessonAccess(w.db, spare, math))?.access, null, 'the withdrawn substitute no longer edits it')
})


t.test('R-TT-3: the week queries for the journal and the diary show every change', async (t) => {
  const w = await world(t, ['scheduler', 'teacher'])
  const { s } = w
  const { date, math } = await day(w)
  const second = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date, n: 3 })
  const third = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date, n: 4 })
  t.equal((await w.as.scheduler.post(`/timetable/lessons/${math}/cancel`, { note: 'отмена' })).statusCode, 303)
  t.equal((await w.as.scheduler.post(`/timetable/lessons/${second}/move`, { date: addDays(date, 2), lesson_number: '1', note: 'перенос' })).statusCode, 303)
  t.equal((await w.as.scheduler.post(`/timetable/lessons/${third}/substitute`, { teacher_id: String(s.spare.personId), note: 'замена' })).statusCode, 303)

  const own = await lessonsOfTeacherOn(w.db, s.u.teacher.personId, date)
  t.same(own.map((l) => [l.id, l.substituteId, l.asSubstitute]), [[third, s.spare.personId, false]], 'cancelled and moved lessons are not the teacher\'s lessons of the day')
  const week = await classWeek(w.db, s.c5a, addDays(date, -1))
  t.same(week.map((l) => [l.lessonNumber, l.status, l.change, l.substitute]), [
    [2, 'cancelled', 'cancelled', null],
    [3, 'moved', 'moved', null],
    [4, 'scheduled', null, 'Запасова В. А.'],
    [1, 'scheduled', 'transfer', null],
  ])
  t.same(week[1].movedTo, { date: addDays(date, 2), lessonNumber: 1 })
  t.same(week[3].movedFrom, { date, lessonNumber: 3 })
  t.equal(week[0].startsAt, '09:25', 'with bell times')

  const page = await w.as.teacher.get(`/timetable/classes/${s.c5a}?week=${date}`)
  t.match(page.body, 'tt-off', 'the cancelled lesson is struck through')
  t.match(page.body, 'замена; по расписанию — Математикова А. И.')
  const mine = await w.as.teacher.get(`/timetable/teachers/${s.u.teacher.personId}?week=${date}`)
  t.match(mine.body, 'заменяет Запасова В. А.')
})
