// Bells, the weekly timetable of a class (grid form), lesson generation and a closed year (R-TT-1, R-ARC-5).
import t from 'tap'
import { addDays } from '../src/lib/dates.js'
import { generateLessons } from '../src/features/timetable/timetable.service.js'
import { audits, auditCount, key, nextWeekday, world, TODAY } from './timetable.seed.js'

const count = async (q: { execute(): Promise<unknown[]> }) => (await q.execute()).length

t.test('R-TT-1: bells are validated (ordered, not overlapping) and saved with their audit record', async (t) => {
  const w = await world(t, ['scheduler', 'teacher'])
  const { s } = w
  const url = `/timetable/years/${s.year}/bells`
  let res = await w.as.scheduler.post(url, { s_1: '08:30', e_1: '09:15', s_2: '09:10', e_2: '09:55' })
  t.equal(res.statusCode, 400, 'overlapping lessons are refused')
  t.match(res.body, 'Урок 2 начинается раньше, чем заканчивается урок 1 (09:15).')
  t.match(res.body, 'value="09:10"', 'the input is kept')
  res = await w.as.scheduler.post(url, { s_1: '09:00', e_1: '08:45' })
  t.match(res.body, 'Урок 1 должен заканчиваться позже, чем начинается.')
  res = await w.as.scheduler.post(url, { s_1: 'восемь', e_1: '08:45', s_2: '09:00' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Введите время в виде ЧЧ:ММ')
  t.match(res.body, 'Урок 2: укажите и начало, и конец.')
  t.equal(await auditCount(w.db), 0, 'nothing written')
  t.equal((await w.db.selectFrom('bells').select('starts_at').where('year_id', '=', s.year).where('number', '=', 1).executeTakeFirstOrThrow()).starts_at, '08:30')

  res = await w.as.scheduler.post(url, { s_0: '8:00', e_0: '8:40', s_1: '08:50', e_1: '09:35', s_2: '9.45', e_2: '10:30' })
  t.equal(res.statusCode, 303)
  const bells = await w.db.selectFrom('bells').select(['number', 'starts_at', 'ends_at']).where('year_id', '=', s.year).orderBy('number').execute()
  t.same(bells, [{ number: 0, starts_at: '08:00', ends_at: '08:40' }, { number: 1, starts_at: '08:50', ends_at: '09:35' }, { number: 2, starts_at: '09:45', ends_at: '10:30' }])
  const [a] = await audits(w.db, 'timetable.bells.save')
  t.equal(a.before.length, 6, 'the audit keeps the old schedule')
  t.equal(a.after.length, 3, 'and the new one')
  const page = await w.as.teacher.get(url)
  t.equal(page.statusCode, 200)
  t.match(page.body, '09:45', 'a teacher reads the bells')
  t.notMatch(page.body, '<form method="post" action="/timetable/years', 'without a form')
})

t.test('R-TT-1: the grid offers the class workload; two subgroups share a cell', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const res = await w.as.scheduler.get(`/timetable/classes/${s.c5a}/edit`)
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Матем. — Математикова А. И.')
  t.match(res.body, 'Англ. яз., 1 гр. — Англичанова Е. С.')
  t.match(res.body, 'name="c6_6_2"', 'a second place in each cell for the other subgroup, Monday to Saturday, lessons 1–6')
  t.notMatch(res.body, 'Матем. — Другова', 'nothing from another class')
  t.match(res.body, `value="${addDays(TODAY, 1)}"`, 'takes effect from tomorrow by default')
})

t.test('R-TT-1: saving a timetable opens slots and generates the lessons of the whole year', async (t) => {
  const w = await world(t, ['scheduler', 'teacher'])
  const { s } = w
  const form = {
    valid_from: s.starts,
    c1_1_1: key(s.u.teacher.personId, s.subjects.math, { c: s.c5a }),
    c1_2_1: key(s.eng.personId, s.subjects.english, { g: s.g1 }),
    c1_2_2: key(s.other.personId, s.subjects.english, { g: s.g2 }),
    c3_3_1: key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a }),
  }
  const res = await w.as.scheduler.post(`/timetable/classes/${s.c5a}/edit`, form)
  t.equal(res.statusCode, 303, 'a first timetable may start at the beginning of the year')
  const slots = await w.db.selectFrom('timetable_slots').selectAll().where('year_id', '=', s.year).orderBy('id').execute()
  t.equal(slots.length, 4)
  t.ok(slots.every((x) => x.valid_from === s.starts && x.valid_to === null))
  t.same(slots.filter((x) => x.group_id !== null).map((x) => x.group_id), [s.g1, s.g2], 'both subgroups on Monday, 2nd lesson')

  const mondays = await w.db.selectFrom('lessons').select('date').where('slot_id', '=', slots[0].id).orderBy('date').execute()
  t.ok(mondays.length >= 40, `${mondays.length} Mondays of maths in the year`)
  t.equal(mondays[0].date, nextWeekday(s.starts, 1), 'from the first Monday')
  t.equal(mondays.at(-1)!.date <= s.ends, true)
  t.equal(await count(w.db.selectFrom('lessons').select('id').where('slot_id', 'in', slots.map((x) => x.id))), mondays.length * 4, 'the same number for each slot (no holidays in the fixture)')
  const [save] = await audits(w.db, 'timetable.slots.save')
  t.equal(save.after.opened.length, 4)
  const [gen] = await audits(w.db, 'timetable.lessons.generate')
  t.equal(gen.after.created, mondays.length * 4)

  const next = await w.as.scheduler.get(String(res.headers.location))
  t.match(next.body, 'Расписание 5А сохранено')
  const classWeek = await w.as.scheduler.get(`/timetable/classes/${s.c5a}?week=${mondays[3].date}`)
  t.match(classWeek.body, 'Матем.', 'the class week shows the lessons')
  t.match(classWeek.body, 'Англ. яз., 2 гр.')
  const week = await w.as.teacher.get(`/timetable/teachers/${s.u.teacher.personId}?week=${mondays[3].date}`)
  t.match(week.body, '5А', 'the teacher week shows their class')
})

t.test('R-TT-1: a clash is refused with a Russian message naming it; the input is kept and nothing written', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  // 5Б has maths with Другова on Monday, 3rd lesson, all year.
  await w.db.insertInto('timetable_slots').values({ year_id: s.year, class_id: s.c5b, subject_id: s.subjects.math, teacher_id: s.other.personId,
    weekday: 1, lesson_number: 3, valid_from: s.starts }).execute()
  const before = await auditCount(w.db)
  const url = `/timetable/classes/${s.c5a}/edit`
  const mathA = key(s.u.teacher.personId, s.subjects.math, { c: s.c5a })
  const russianA = key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a })
  const eng1 = key(s.eng.personId, s.subjects.english, { g: s.g1 })
  const eng2 = key(s.other.personId, s.subjects.english, { g: s.g2 })
  const cases: [string, Record<string, string>, string][] = [
    ['the class twice in a cell', { c2_1_1: mathA, c2_1_2: russianA }, 'Вторник, 1-й урок: у класса (или одной подгруппы) два урока сразу — «Матем. — Математикова А. И.» и «Рус. яз. — Классная М. П.».'],
    ['the whole class and a subgroup', { c2_1_1: mathA, c2_1_2: eng1 }, 'два урока сразу'],
    ['the same subgroup twice', { c4_2_1: eng1, c4_2_2: eng1 }, 'Четверг, 2-й урок: у класса (или одной подгруппы) два урока сразу'],
    ['a teacher in another class at that time', { c1_3_1: eng1, c1_3_2: eng2 }, 'Понедельник, 3-й урок: учитель Другова О. О. в это время ведёт урок в 5Б (Математика)'],
  ]
  for (const [what, cells, message] of cases) {
    const res = await w.as.scheduler.post(url, { valid_from: s.starts, ...cells })
    t.equal(res.statusCode, 400, `${what}: refused`)
    t.match(res.body, message, `${what}: says why`)
    for (const v of Object.values(cells)) t.match(res.body, `<option value="${v}" selected>`, `${what}: keeps the choice`)
    t.match(res.body, `value="${s.starts}"`, `${what}: keeps the date`)
  }
  const ok = await w.as.scheduler.post(url, { valid_from: s.starts, c1_3_1: eng1, c1_4_2: eng2 })
  t.equal(ok.statusCode, 303, 'the same lines without the clash are saved')
  t.equal(await count(w.db.selectFrom('timetable_slots').select('id').where('class_id', 'is', null)), 2)
  t.equal(await auditCount(w.db, 'timetable.slots.save'), 1, 'only the accepted save is recorded')
  t.ok(await auditCount(w.db) > before)

  const bad = await w.as.scheduler.post(url, { valid_from: s.starts, c1_1_1: '999.1.c1' })
  t.equal(bad.statusCode, 400, 'a line outside the class workload is refused')
})

t.test('R-TT-1: a change closes changed slots from its date, keeps history, removes empty future lessons and keeps filled ones', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const url = `/timetable/classes/${s.c5a}/edit`
  const mathA = key(s.u.teacher.personId, s.subjects.math, { c: s.c5a })
  const russianA = key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a })
  t.equal((await w.as.scheduler.post(url, { valid_from: s.starts, c1_1_1: mathA, c2_2_1: russianA })).statusCode, 303)
  const [math, russian] = await w.db.selectFrom('timetable_slots').selectAll().where('class_id', '=', s.c5a).orderBy('weekday').execute()

  const from = nextWeekday(addDays(TODAY, 1), 1) // the next Monday after today
  const filledDate = addDays(from, 7)
  const filled = await w.db.selectFrom('lessons').select('id').where('slot_id', '=', math.id).where('date', '=', filledDate).executeTakeFirstOrThrow()
  await w.db.updateTable('lessons').set({ topic: 'Дроби' }).where('id', '=', filled.id).execute()
  const pastBefore = await count(w.db.selectFrom('lessons').select('id').where('slot_id', '=', math.id).where('date', '<', from))
  const futureBefore = await count(w.db.selectFrom('lessons').select('id').where('slot_id', '=', math.id).where('date', '>=', from))

  // Not from today: today's and past lessons are never rewritten by a timetable change.
  let res = await w.as.scheduler.post(url, { valid_from: TODAY, c1_1_1: russianA, c2_2_1: russianA })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'не раньше завтрашнего дня')

  res = await w.as.scheduler.post(url, { valid_from: from, c1_1_1: russianA, c2_2_1: russianA })
  t.equal(res.statusCode, 303)
  const after = await w.db.selectFrom('timetable_slots').selectAll().where('class_id', '=', s.c5a).orderBy('id').execute()
  t.equal(after.length, 3, 'one slot closed, one kept, one opened')
  t.equal(after.find((x) => x.id === math.id)!.valid_to, addDays(from, -1), 'maths ends the day before the change')
  t.same(after.find((x) => x.id === russian.id), russian, 'the unchanged Tuesday slot is the same row, untouched')
  const opened = after.find((x) => x.id !== math.id && x.id !== russian.id)!
  t.match(opened, { weekday: 1, lesson_number: 1, subject_id: s.subjects.russian, valid_from: from, valid_to: null })

  t.equal(await count(w.db.selectFrom('lessons').select('id').where('slot_id', '=', math.id).where('date', '<', from)), pastBefore, 'past lessons stay')
  const futureMath = await w.db.selectFrom('lessons').select(['id', 'topic']).where('slot_id', '=', math.id).where('date', '>=', from).execute()
  t.same(futureMath, [{ id: filled.id, topic: 'Дроби' }], 'only the filled future lesson of the closed slot stays')
  t.equal(await count(w.db.selectFrom('lessons').select('id').where('slot_id', '=', opened.id).where('date', '<', from)), 0, 'the new slot has no lessons before its date')
  t.ok(await count(w.db.selectFrom('lessons').select('id').where('slot_id', '=', opened.id)) > 0, 'and lessons from its date')

  const [removal] = await audits(w.db, 'timetable.lessons.remove')
  t.equal(removal.before.length, futureBefore - 1, 'every removed lesson is in the audit record')
  const saves = await audits(w.db, 'timetable.slots.save')
  t.equal(saves[1].before.closed[0].id, math.id)
  t.same(saves[1].after.kept_lessons, [filled.id])
  const next = await w.as.scheduler.get(String(res.headers.location))
  t.match(next.body, 'Оставлены уроки по старому расписанию, в которых уже есть записи (1)')
})

t.test('R-TT-1: a line that has left the workload stays in the grid, marked, and may be kept', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const url = `/timetable/classes/${s.c5a}/edit`
  const russianA = key(s.u.classTeacher.personId, s.subjects.russian, { c: s.c5a })
  t.equal((await w.as.scheduler.post(url, { valid_from: s.starts, c1_1_1: russianA })).statusCode, 303)
  await w.db.deleteFrom('workload').where('teacher_id', '=', s.u.classTeacher.personId).execute()
  const page = await w.as.scheduler.get(url)
  t.match(page.body, `<option value="${russianA}" selected>Рус. яз. — Классная М. П. (нет в нагрузке)</option>`)
  const res = await w.as.scheduler.post(url, { valid_from: addDays(TODAY, 1), c1_1_1: russianA, c1_2_1: key(s.u.teacher.personId, s.subjects.math, { c: s.c5a }) })
  t.equal(res.statusCode, 303, 'saving the rest keeps it')
  t.equal(await count(w.db.selectFrom('timetable_slots').select('id').where('valid_to', 'is not', null)), 0, 'and does not close it')
})

t.test('R-TT-1: generation — 3 weekly slots over 3 weeks with a holiday week give exactly 6 lessons; a re-run adds none', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const y1 = s.ends.slice(0, 4)
  const monday = nextWeekday(`${y1}-02-01`, 1)
  const to = addDays(monday, 20)
  await w.db.insertInto('holidays').values([
    { year_id: s.year, name: 'Дополнительные каникулы', starts_on: addDays(monday, 7), ends_on: addDays(monday, 13), grade_from: 5, grade_to: 5 },
    { year_id: s.year, name: 'Только для первых классов', starts_on: addDays(monday, 14), ends_on: addDays(monday, 20), grade_from: 1, grade_to: 1 },
  ]).execute()
  await w.db.insertInto('timetable_slots').values([1, 3, 5].map((wd) => ({
    year_id: s.year, class_id: s.c5b, subject_id: s.subjects.math, teacher_id: s.other.personId, weekday: wd, lesson_number: 2, valid_from: s.starts,
  }))).execute()
  const actor = { userId: s.u.scheduler.userId, personId: s.u.scheduler.personId }
  const first = await w.db.transaction().execute((trx) => generateLessons(trx, actor, s.year, monday, to))
  t.equal(first.created, 6)
  const dates = (await w.db.selectFrom('lessons').select('date').where('class_id', '=', s.c5b).orderBy('date').execute()).map((r) => r.date)
  t.same(dates, [monday, addDays(monday, 2), addDays(monday, 4), addDays(monday, 14), addDays(monday, 16), addDays(monday, 18)])
  const again = await w.db.transaction().execute((trx) => generateLessons(trx, actor, s.year, monday, to))
  t.equal(again.created, 0, 'idempotent')
  t.equal(await count(w.db.selectFrom('lessons').select('id').where('class_id', '=', s.c5b)), 6)
  t.equal(await auditCount(w.db, 'timetable.lessons.generate'), 1, 'only the run that wrote is recorded')

  // A lesson cancelled on its date is still that slot's lesson: generation never re-creates it.
  await w.db.updateTable('lessons').set({ status: 'cancelled' }).where('date', '=', monday).execute()
  const res = await w.as.scheduler.post(`/timetable/years/${s.year}/generate`, {})
  t.equal(res.statusCode, 303)
  const page = await w.as.scheduler.get(String(res.headers.location))
  const created = Number(/Создано уроков по расписанию: (\d+)/.exec(page.body)?.[1])
  t.ok(created > 100, `the button fills the year (${created})`)
  t.equal(await count(w.db.selectFrom('lessons').select('id').where('date', '=', monday).where('class_id', '=', s.c5b)), 1)
  const res2 = await w.as.scheduler.post(`/timetable/years/${s.year}/generate`, {})
  t.match((await w.as.scheduler.get(String(res2.headers.location))).body, 'Создано уроков по расписанию: 0.')
})

t.test('R-ARC-5: a closed year refuses every write route of the timetable', async (t) => {
  const w = await world(t, ['scheduler'])
  const { s } = w
  const before = await auditCount(w.db)
  const lessonsBefore = await count(w.db.selectFrom('lessons').select('id'))
  const mathOld = key(s.u.teacher.personId, s.subjects.math, { c: s.oldClass })
  const gets = [`/timetable/classes/${s.oldClass}/edit`, ...['cancel', 'move', 'substitute', 'unsubstitute'].map((k) => `/timetable/lessons/${s.oldLesson}/${k}`),
    `/timetable/extra?class=${s.oldClass}`]
  for (const url of gets) t.equal((await w.as.scheduler.get(url)).statusCode, 409, `GET ${url}: the form says the year is closed`)
  const posts: [string, Record<string, string>][] = [
    [`/timetable/years/${s.old}/bells`, { s_1: '08:00', e_1: '08:45' }],
    [`/timetable/years/${s.old}/generate`, {}],
    [`/timetable/classes/${s.oldClass}/edit`, { valid_from: addDays(s.starts, -300), c2_1_1: mathOld }],
    [`/timetable/lessons/${s.oldLesson}/cancel`, { note: 'x' }],
    [`/timetable/lessons/${s.oldLesson}/move`, { date: addDays(s.starts, -300), lesson_number: '3', note: 'x' }],
    [`/timetable/lessons/${s.oldLesson}/substitute`, { teacher_id: String(s.spare.personId), note: 'x' }],
    [`/timetable/lessons/${s.oldLesson}/unsubstitute`, { note: 'x' }],
    ['/timetable/extra', { class_id: String(s.oldClass), line: mathOld, date: addDays(s.starts, -300), lesson_number: '3', note: 'x' }],
  ]
  for (const [url, form] of posts) {
    const res = await w.as.scheduler.post(url, form)
    t.equal(res.statusCode, 409, `POST ${url} refused`)
    t.match(res.body, 'закрыт и передан в архив')
  }
  t.equal(await auditCount(w.db), before, 'nothing recorded')
  t.equal(await count(w.db.selectFrom('lessons').select('id')), lessonsBefore, 'no lesson created')
  t.equal(await count(w.db.selectFrom('timetable_slots').select('id').where('year_id', '=', s.old)), 1)
  const page = await w.as.scheduler.get(`/timetable/years/${s.old}/bells`)
  t.equal(page.statusCode, 200, 'the closed year is still readable')
  t.notMatch(page.body, 'name="s_1"', 'without a form')
})
