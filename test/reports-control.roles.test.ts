// Who reaches the journal-keeping control report and its drill-down, and what each sees (R-REP-1, R-REP-6): the
// administration the whole school, a class teacher their class and their own lessons, a teacher their own lessons;
// nobody gets another teacher's figures or lessons by asking for them.
import t from 'tap'
import { world, ROLE_NAMES } from './reports.seed.js'
import { controlWeek, csvTables, WEEK } from './reports-control.seed.js'

const Q = `range=week&week=${WEEK}`
const URLS = [`/reports/control?${Q}`, `/reports/control.csv?${Q}`, `/reports/control.xlsx?${Q}`,
  `/reports/control/lessons?${Q}&metric=no_topic`, `/reports/control/lessons.csv?${Q}`, `/reports/control/lessons.xlsx?${Q}&metric=held`]

/** The teacher, class and subject of each row of the first table, and the classes of the last. */
function tables(csv: Buffer) {
  const { teachers, classes } = csvTables(csv)
  return { teachers: teachers.map((r) => r.slice(0, 3).join(' / ')), classes: classes.map((r) => r[0]) }
}

t.test('R-REP-6: every role on every route of the report', async (t) => {
  const w = await world(t)
  await controlWeek(w.db, w.s)
  const expected: Record<(typeof ROLE_NAMES)[number], number> = {
    admin: 200, director: 200, deputy: 200, teacher: 200, classTeacher: 200, teacher2: 200,
    scheduler: 403, clerk: 403, student: 403, parent: 403, anonymous: 302,
  }
  for (const role of ROLE_NAMES) {
    for (const url of URLS) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expected[role], `${role} ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/, 'anonymous: to the login page')
      if (expected[role] === 403) t.notMatch(res.body, 'Математикова', `${role}: no names`)
    }
  }
  const index = await w.as.deputy.get('/reports')
  t.match(index.body, 'href="/reports/control"', 'listed on /reports')
  t.notMatch(index.body, 'href="/reports/control/lessons"', 'the drill-down is not listed')
})

t.test('R-REP-6: a teacher sees the same report of their own lessons only', async (t) => {
  const w = await world(t, ['deputy', 'teacher', 'classTeacher', 'teacher2'])
  await controlWeek(w.db, w.s)
  const get = async (role: 'deputy' | 'teacher' | 'classTeacher' | 'teacher2', url: string) => (await w.as[role].get(url))

  const mine = tables((await get('teacher', `/reports/control.csv?${Q}`)).rawPayload)
  t.same(mine.teachers, ['Математикова А. И. / 5А / Математика', 'Математикова А. И. / 5Б / Математика', 'Итого /  / '])
  t.same(mine.classes, ['5А', '5Б'])
  const page = await get('teacher', `/reports/control?${Q}`)
  t.match(page.body, 'Показаны только ваши уроки')
  t.notMatch(page.body, 'Классная', 'no other teacher')
  t.notMatch(page.body, 'Англичанова')
  // The 5А row per class holds only the teacher's maths: 5 lessons (not the 8 of the class).
  t.same(csvTables((await get('teacher', `/reports/control.csv?${Q}`)).rawPayload).classes[0].slice(0, 2), ['5А', '5'])

  t.equal((await get('teacher', `/reports/control?${Q}&teacher=${w.s.u.classTeacher.personId}`)).statusCode, 400, 'another teacher is not offered')
  t.equal((await get('teacher', `/reports/control?${Q}&class=${w.s.c5a}`)).statusCode, 400, 'a class they do not lead is not offered')

  // teacher2 gave English to the subgroup and substituted in Russian — not 5А's maths.
  t.same(tables((await get('teacher2', `/reports/control.csv?${Q}`)).rawPayload).teachers,
    ['Англичанова О. С. / 5А / Русский язык', 'Англичанова О. С. / 5А, Английский язык, 1 гр. / Английский язык', 'Итого /  / '])
  // ct led 5А's Russian but teacher2 gave the lesson of 12.11: it is not ct's, but ct sees it as 5А's class teacher.
  const ct = tables((await get('classTeacher', `/reports/control.csv?${Q}`)).rawPayload)
  t.same(ct.teachers, ['Англичанова О. С. / 5А / Русский язык', 'Англичанова О. С. / 5А, Английский язык, 1 гр. / Английский язык',
    'Классная М. П. / 5А / Русский язык', 'Математикова А. И. / 5А / Математика', 'Итого /  / '], 'the class teacher: all of 5А')
  t.same(ct.classes, ['5А'], 'but not 5Б')
  t.notMatch((await get('classTeacher', `/reports/control?${Q}`)).body, '5Б', '5Б appears nowhere, not even in the filters')
  t.equal((await get('classTeacher', `/reports/control?${Q}&class=${w.s.c5b}`)).statusCode, 400)
})

t.test('R-REP-6: the drill-down never lists lessons beyond reach', async (t) => {
  const w = await world(t, ['deputy', 'teacher', 'classTeacher', 'teacher2'])
  const l = await controlWeek(w.db, w.s)
  const { teacher, classTeacher, teacher2 } = w.s.u
  const lessons = async (role: 'deputy' | 'teacher' | 'classTeacher' | 'teacher2', q: string) => {
    const res = await w.as[role].get(`/reports/control/lessons?${Q}&${q}`)
    return { status: res.statusCode, body: res.body, ids: [...res.body.matchAll(/href="\/journal\/lessons\/(\d+)"/g)].map((m) => Number(m[1])) }
  }
  // Refused: another teacher's lessons, another teacher's class or group — 404 or 400, never rows.
  const refused: [string, 'teacher' | 'classTeacher' | 'teacher2', string, number][] = [
    ['by=ct for the maths teacher', 'teacher', `by=${classTeacher.personId}&metric=held`, 404],
    ['by=teacher2 for the maths teacher', 'teacher', `by=${teacher2.personId}`, 404],
    ['teacher=ct for the maths teacher', 'teacher', `teacher=${classTeacher.personId}`, 400],
    ['the English group for the maths teacher', 'teacher', `page=g${w.s.g5aEng}`, 404],
    ['5А as a whole for the maths teacher', 'teacher', `page=k${w.s.c5a}&subject=${w.s.subjects.russian}`, 404],
    ['5А maths for teacher2', 'teacher2', `page=c${w.s.c5a}&subject=${w.s.subjects.math}`, 404],
    ['the maths teacher for teacher2', 'teacher2', `by=${teacher.personId}`, 404],
    ['5Б for the class teacher', 'classTeacher', `page=c${w.s.c5b}`, 404],
    ['5Б by the maths teacher for the class teacher', 'classTeacher', `page=c${w.s.c5b}&by=${teacher.personId}`, 404],
    ['class=5Б for the class teacher', 'classTeacher', `class=${w.s.c5b}`, 400],
  ]
  for (const [name, role, q, status] of refused) {
    const r = await lessons(role, q)
    t.equal(r.status, status, name)
    t.same(r.ids, [], `${name}: no lessons`)
  }
  // Allowed: the class teacher follows the maths teacher's row of 5А, and gets 5А's maths only (not 5Б's lesson).
  const ctMaths = await lessons('classTeacher', `page=c${w.s.c5a}&by=${teacher.personId}&subject=${w.s.subjects.math}&metric=held`)
  t.equal(ctMaths.status, 200)
  t.same(ctMaths.ids, [l.m1, l.m2, l.m3, l.m4, l.m5])
  const ctBy = await lessons('classTeacher', `by=${teacher.personId}`)
  t.same(ctBy.ids, [l.m1, l.m2, l.m3, l.m4, l.m5], 'by the maths teacher, seen by 5А\'s class teacher: 5А only')
  // Unnarrowed, a teacher's list holds their own lessons only; the substituted one is teacher2's, not ct's.
  t.same((await lessons('teacher', 'metric=held')).ids, [l.b1, l.m1, l.m2, l.m3, l.m4, l.m5])
  t.same((await lessons('teacher2', 'metric=held')).ids, [l.e1, l.r2])
  t.same((await lessons('classTeacher', 'metric=no_topic')).ids, [l.m3, l.r2], 'the class teacher: 5А\'s lessons without a topic')
  // The deputy reaches every row.
  t.same((await lessons('deputy', `page=g${w.s.g5aEng}&metric=held`)).ids, [l.e1])
})
