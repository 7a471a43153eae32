// The timetable area answered for every role: each route, each role, GET and POST (R-TT-1,2; R-ROLE; R-ACC-2,3).
import t from 'tap'
import { auditCount, expectFor, lesson, nextWeekday, world, READERS, ROLE_NAMES, SCHEDULER, TODAY, type RoleName } from './timetable.seed.js'
import { addDays } from '../src/lib/dates.js'

t.test('R-TT-1, R-ROLE: every GET route answers each role as it should', async (t) => {
  const w = await world(t)
  const { s } = w
  const day = nextWeekday(addDays(TODAY, 1), 2)
  const l = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date: day, n: 2 })
  const routes: [string, RoleName[], number?][] = [
    ['/timetable', READERS],
    [`/timetable/years/${s.year}/bells`, READERS],
    // A teacher reads the classes they teach; a class teacher their own class; nobody else's.
    [`/timetable/classes/${s.c5a}`, READERS],
    [`/timetable/classes/${s.c5b}`, ['admin', 'director', 'deputy', 'scheduler']],
    [`/timetable/teachers/${s.u.teacher.personId}`, ['admin', 'director', 'deputy', 'scheduler', 'teacher']],
    [`/timetable/teachers/${s.u.classTeacher.personId}`, ['admin', 'director', 'deputy', 'scheduler', 'classTeacher']],
    [`/timetable/classes/${s.c5a}/edit`, SCHEDULER],
    [`/timetable/changes?date=${day}`, READERS],
    [`/timetable/lessons/${l}/cancel`, SCHEDULER],
    [`/timetable/lessons/${l}/move`, SCHEDULER],
    [`/timetable/lessons/${l}/substitute`, SCHEDULER],
    [`/timetable/lessons/${l}/unsubstitute`, SCHEDULER],
    [`/timetable/extra?date=${day}`, SCHEDULER],
    [`/timetable/extra?date=${day}&class=${s.c5a}`, SCHEDULER],
  ]
  for (const [url, allowed, ok] of routes) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(allowed, role, ok), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, `anonymous GET ${url} goes to login`)
    }
  }
})

t.test('R-TT-2, R-ROLE: every POST route refuses the roles that may not write, and writes nothing', async (t) => {
  const w = await world(t)
  const { s } = w
  const day = nextWeekday(addDays(TODAY, 1), 2)
  const l = await lesson(w.db, { year: s.year, classId: s.c5a, subject: s.subjects.math, teacher: s.u.teacher.personId, date: day, n: 2 })
  await w.db.updateTable('lessons').set({ substitute_id: s.spare.personId }).where('id', '=', l).execute()
  const mathA = `${s.u.teacher.personId}.${s.subjects.math}.c${s.c5a}`
  const routes: [string, Record<string, string>][] = [
    [`/timetable/years/${s.year}/bells`, { s_1: '08:00', e_1: '08:45' }],
    [`/timetable/years/${s.year}/generate`, {}],
    [`/timetable/classes/${s.c5a}/edit`, { valid_from: day, c1_1_1: mathA }],
    [`/timetable/lessons/${l}/cancel`, { note: 'болезнь' }],
    [`/timetable/lessons/${l}/move`, { date: addDays(day, 1), lesson_number: '5', note: 'перенос' }],
    [`/timetable/lessons/${l}/substitute`, { teacher_id: String(s.eng.personId), note: 'болезнь' }],
    [`/timetable/lessons/${l}/unsubstitute`, { note: 'вернулась' }],
    ['/timetable/extra', { class_id: String(s.c5a), line: mathA, date: day, lesson_number: '6', note: 'доп.' }],
  ]
  for (const [url, form] of routes) {
    for (const role of ROLE_NAMES) {
      if (SCHEDULER.includes(role)) continue
      const before = await auditCount(w.db)
      const res = await w.as[role].post(url, form)
      t.equal(res.statusCode, role === 'anonymous' ? 302 : 403, `${role} POST ${url}`)
      t.equal(await auditCount(w.db), before, `${role} POST ${url} wrote nothing`)
    }
  }
  const row = await w.db.selectFrom('lessons').selectAll().where('id', '=', l).executeTakeFirstOrThrow()
  t.equal(row.status, 'scheduled', 'the lesson is untouched')
  t.equal(row.substitute_id, s.spare.personId, 'the substitution is untouched')
  t.equal((await w.db.selectFrom('timetable_slots').select('id').where('year_id', '=', s.year).execute()).length, 0, 'no slot written')
  t.equal((await w.db.selectFrom('bells').select('number').where('year_id', '=', s.year).execute()).length, 6, 'bells untouched')
})

t.test('R-ROLE: the menu and the overview show a teacher only their own week and classes', async (t) => {
  const w = await world(t, ['teacher', 'scheduler', 'deputy'])
  const { s } = w
  const teacherPage = await w.as.teacher.get('/timetable')
  t.match(teacherPage.body, `/timetable/teachers/${s.u.teacher.personId}`, 'the teacher has their own week')
  t.match(teacherPage.body, `/timetable/classes/${s.c5a}"`, 'and the class they teach')
  t.notMatch(teacherPage.body, `/timetable/classes/${s.c5b}"`, 'but not another class')
  t.notMatch(teacherPage.body, '/edit', 'and no editing')
  const deputyPage = await w.as.deputy.get('/timetable')
  t.match(deputyPage.body, `/timetable/classes/${s.c5b}"`, 'the deputy sees every class')
  t.notMatch(deputyPage.body, 'generate', 'but no generation button')
  const schedulerPage = await w.as.scheduler.get('/timetable')
  t.match(schedulerPage.body, `/timetable/classes/${s.c5a}/edit`, 'the scheduler edits')
  t.match(schedulerPage.body, `/timetable/years/${s.year}/generate`, 'and generates lessons')
})
