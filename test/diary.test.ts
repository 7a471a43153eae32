// The diary over HTTP: what a family sees of a week and a period, that nobody reaches another family's diary by
// any id, that staff reads are audited, and the acknowledgement of a week (R-D-1, R-D-2, R-ACC-2, R-ACC-5, R-FIN-5).
import t from 'tap'
import { buildTestApp, makePerson, loginAs, Client } from './helper.js'
import { addLesson, kindId, seedJournal, TODAY, day } from './journal.seed.js'
import type { DB } from '../src/db/connection.js'
import type { Insertable } from 'kysely'
import type { LessonsTable } from '../src/db/types.js'
import { addDays, mondayOf, nowIso } from '../src/lib/dates.js'
import { diaryWeek } from '../src/features/diary/diary.queries.js'

const ROLES = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk', 'student', 'parent', 'anonymous'] as const
type Role = (typeof ROLES)[number]
const EXTRA = ['other', 'parent2', 'classmate', 'sibling', 'lonely'] as const
type Who = Role | (typeof EXTRA)[number]

/** Last week, Monday to Saturday: wholly in the past and inside the second quarter of the journal fixture. */
const W = addDays(mondayOf(TODAY), -7)
const wd = (n: number) => addDays(W, n)
/** A week touching the autumn holidays of the fixture. */
const HOLIDAY_WEEK = mondayOf(day(-35))

async function seed(db: DB) {
  const s = await seedJournal(db, { students: 6 })
  const ins = db.insertInto.bind(db)
  const enroll = (student: number, classId: number) =>
    ins('enrollments').values({ student_id: student, class_id: classId, from_date: day(-100), reason_in: 'initial' }).execute()
  const link = (parent: number, student: number, relation = 'mother') => ins('parent_links').values({ parent_id: parent, student_id: student, relation }).execute()

  // Two families: «parent» with «student» (5А) and «sibling» (5Б); «parent2» with «classmate» (5А).
  const sibling = await makePerson(db, { roles: ['student'], login: 'sibling', last: 'Ааронова', first: 'Сестрица' })
  await enroll(sibling.personId, s.c5b)
  await link(s.u.parent.personId, sibling.personId)
  const classmate = await makePerson(db, { roles: ['student'], login: 'classmate', last: 'Одноклассников', first: 'Олег' })
  await enroll(classmate.personId, s.c5a)
  const parent2 = await makePerson(db, { roles: ['parent'], login: 'parent2', last: 'Одноклассникова', first: 'Ольга' })
  await link(parent2.personId, classmate.personId)
  // Families of the acknowledgements page: an account never used, and a parent without an account.
  const never = await makePerson(db, { roles: ['parent'], login: 'never', last: 'Невходившая', first: 'Нина' })
  await link(never.personId, s.students[1])
  const noAccount = await makePerson(db, { roles: ['parent'], login: null, last: 'Безучётная', first: 'Белла' })
  await link(noAccount.personId, s.students[2], 'father')
  const lonely = await makePerson(db, { roles: ['parent'], login: 'lonely' })

  const subject = async (name: string, short_name: string) => (await ins('subjects').values({ name, short_name, sort_order: 20 }).returning('id').executeTakeFirstOrThrow()).id
  const english = await subject('Английский язык', 'Англ. яз.')
  const chess = await subject('Шахматы', 'Шахм.')
  const group = async (name: string, kind: 'subgroup' | 'cross', classId: number | null, subjectId: number, members: number[]) => {
    const id = (await ins('groups').values({ year_id: s.yearId, name, kind, class_id: classId, subject_id: subjectId, grade: 5 }).returning('id').executeTakeFirstOrThrow()).id
    await ins('group_members').values(members.map((m) => ({ group_id: id, student_id: m, from_date: day(-100) }))).execute()
    return id
  }
  const g1 = await group('Английский язык, 1 гр.', 'subgroup', s.c5a, english, [s.u.student.personId])
  const g2 = await group('Английский язык, 2 гр.', 'subgroup', s.c5a, english, [classmate.personId])
  const club = await group('Шахматный клуб', 'cross', null, chess, [s.u.student.personId])
  await ins('workload').values([
    { teacher_id: s.u.other.personId, subject_id: english, group_id: g1 }, { teacher_id: s.u.other.personId, subject_id: english, group_id: g2 },
  ]).execute()
  await db.updateTable('persons').set({ email: 'other@school.example', hide_contacts: 1 }).where('id', '=', s.u.other.personId).execute()
  await db.updateTable('persons').set({ email: 'math@school.example', phone: '+7 900 000-00-01' }).where('id', '=', s.u.teacher.personId).execute()

  const lesson = async (o: Partial<Insertable<LessonsTable>> & { date: string; lesson_number: number }) =>
    (await ins('lessons').values({ year_id: s.yearId, class_id: s.c5a, subject_id: s.math, teacher_id: s.u.teacher.personId, ...o })
      .returning('id').executeTakeFirstOrThrow()).id
  const at = nowIso()
  const by = s.u.teacher.personId
  const [oral, test] = [await kindId(db, 'Отв'), await kindId(db, 'КР')]

  // Monday: mathematics with a topic, homework for all and for the student, two marks of two kinds, files.
  const mon1 = await lesson({ date: wd(0), lesson_number: 1, topic: 'Обыкновенные дроби', homework: '№ 12, 14' })
  await ins('lesson_columns').values([{ lesson_id: mon1, column_no: 1, work_kind_id: oral }, { lesson_id: mon1, column_no: 2, work_kind_id: test }]).execute()
  const mark = (lessonId: number, student: number, column: number, value: string) =>
    ins('marks').values({ lesson_id: lessonId, student_id: student, column_no: column, value, entered_at: at, entered_by: by }).execute()
  await mark(mon1, s.u.student.personId, 1, '5')
  await mark(mon1, s.u.student.personId, 2, '4/5')
  await mark(mon1, classmate.personId, 2, '2')
  await ins('homework_individual').values([
    { lesson_id: mon1, student_id: s.u.student.personId, text: 'Повторить таблицу умножения', entered_at: at },
    { lesson_id: mon1, student_id: classmate.personId, text: 'Задание только для Олега', entered_at: at },
  ]).execute()
  const file = (purpose: 'lesson' | 'homework', name: string) => ins('attachments').values({
    lesson_id: mon1, purpose, file_name: name, stored_name: `${purpose}.pdf`, mime: 'application/pdf', size: 2048, sha256: 'x', uploaded_by: by, uploaded_at: at,
  }).returning('id').executeTakeFirstOrThrow()
  const hwFile = (await file('homework', 'Карточка с дробями.pdf')).id
  await file('lesson', 'Презентация учителя.pdf')
  // Monday: PE, absent through illness.
  const mon2 = await lesson({ date: wd(0), lesson_number: 2, subject_id: s.pe, teacher_id: s.u.pe.personId, topic: 'Бег' })
  await ins('absences').values({ lesson_id: mon2, student_id: s.u.student.personId, reason: 'illness', entered_at: at, entered_by: by }).execute()
  // Tuesday: a cancelled lesson and a lesson moved to Wednesday; Wednesday: an extra lesson.
  await lesson({ date: wd(1), lesson_number: 1, status: 'cancelled', topic: 'Отменённая тема' })
  const moved = await lesson({ date: wd(2), lesson_number: 4, origin: 'transfer', topic: 'Перенесённая тема' })
  await lesson({ date: wd(1), lesson_number: 2, status: 'moved', moved_to_id: moved })
  await lesson({ date: wd(2), lesson_number: 3, origin: 'extra', topic: 'Консультация' })
  // Thursday: a substitute, the student's English group, the other group; Friday: distance learning, the club.
  await lesson({ date: wd(3), lesson_number: 1, substitute_id: s.u.substitute.personId, topic: 'Сложение дробей' })
  await lesson({ date: wd(3), lesson_number: 2, class_id: null, group_id: g1, subject_id: english, teacher_id: s.u.other.personId, topic: 'My family' })
  await lesson({ date: wd(3), lesson_number: 2, class_id: null, group_id: g2, subject_id: english, teacher_id: s.u.other.personId, topic: 'Чужая группа' })
  await lesson({ date: wd(4), lesson_number: 1, distance: 1, distance_order: '15-у', topic: 'Вычитание дробей' })
  await lesson({ date: wd(4), lesson_number: 6, class_id: null, group_id: club, subject_id: chess, teacher_id: s.u.pe.personId, topic: 'Дебют' })
  // A control work planned ahead.
  const planned = await lesson({ date: day(3), lesson_number: 2, topic: 'Итоговая контрольная' })
  await ins('lesson_columns').values({ lesson_id: planned, column_no: 1, work_kind_id: test }).execute()
  // A 5Б lesson the same day: not the student's.
  await addLesson(db, s, { date: wd(0), classId: s.c5b, teacherId: s.u.other.personId, number: 3 })

  return { s, sibling, classmate, parent2, never, noAccount, lonely, english, g1, g2, club, mon1, hwFile, test }
}

async function world(t: { teardown(fn: () => unknown): void }) {
  const ta = await buildTestApp()
  t.teardown(() => ta.app.close())
  const f = await seed(ta.db)
  const as = {} as Record<Who, Client>
  for (const who of [...ROLES, ...EXTRA]) {
    if (who === 'anonymous') { as[who] = new Client(ta.app); await as[who].get('/login'); continue }
    as[who] = await loginAs(ta.app, who === 'classTeacher' ? 'ct' : who)
  }
  return { ...ta, f, as }
}

// One school for the whole file (logging fifteen people in is the slow part); the tests that write run last.
const { as, db, f } = await world(t)

async function auditCount(db: DB, action: string): Promise<number> {
  return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n)
}

t.test('R-D-1: the diary shows the announcements of the student’s school, grade and class only', async (t) => {
  const post = (scope: 'school' | 'grade' | 'class', title: string, o: { grade?: number; class_id?: number } = {}) => db.insertInto('announcements').values({
    author_id: f.s.u.deputy.personId, scope, grade: o.grade ?? null, class_id: o.class_id ?? null, title, body: `${title}: текст`, created_at: nowIso(),
    visible_until: null, withdrawn_at: null,
  }).execute()
  await post('school', 'Родительское собрание школы')
  await post('class', 'Экскурсия 5А', { class_id: f.s.c5a })
  await post('class', 'Экскурсия 5Б', { class_id: f.s.c5b })
  await post('grade', 'Олимпиада для первых классов', { grade: 1 })
  const body = (await as.parent.get(`/diary/${f.s.u.student.personId}`)).body
  t.match(body, 'Родительское собрание школы')
  t.match(body, 'Экскурсия 5А')
  t.notMatch(body, 'Экскурсия 5Б')
  t.notMatch(body, 'Олимпиада для первых классов')
  t.match((await as.parent.get(`/diary/${f.sibling.personId}`)).body, 'Экскурсия 5Б', 'the sibling in 5Б sees 5Б’s')
  await db.deleteFrom('announcements').execute()
})

t.test('R-D-1: the week shows lessons in order with changes, topics, homework, files, marks with kinds, absences', async (t) => {
  const res = await as.parent.get(`/diary/${f.s.u.student.personId}?week=${W}`)
  t.equal(res.statusCode, 200)
  const body = res.body
  for (const text of [
    'Ааронов Артём', '5А', 'Обыкновенные дроби', '№ 12, 14', 'Повторить таблицу умножения', 'Карточка с дробями.pdf', `/journal/files/${f.hwFile}`,
    'ответ на уроке', 'контрольная работа', '4/5', 'по болезни', '08:00–08:45',
    'Урок отменён', 'Перенесён на', 'Перенесён с', 'Дополнительный урок', 'Замена: ведёт Заменова З.', 'Дистанционное обучение (приказ № 15-у)',
    'My family', 'Шахматы', 'Дебют', 'Ознакомлен(а)',
  ]) t.match(body, text, `shows «${text}»`)
  // Nothing of other students: their individual homework, their group's lesson, their marks or names; no lesson materials.
  for (const text of ['Задание только для Олега', 'Чужая группа', 'Одноклассников', 'Презентация учителя.pdf', 'Абрамов']) t.notMatch(body, text, `hides «${text}»`)
  t.notMatch(body, /class="mark m2"/, 'the classmate’s «2» is not shown')
  // Order: Monday's lessons by number, days in order.
  t.ok(body.indexOf('Обыкновенные дроби') < body.indexOf('Бег'), 'lesson 1 before lesson 2')
  t.ok(body.indexOf('Понедельник') < body.indexOf('Вторник') && body.indexOf('Вторник') < body.indexOf('Пятница'), 'days in order')

  const hol = await as.parent.get(`/diary/${f.s.u.student.personId}?week=${HOLIDAY_WEEK}`)
  t.match(hol.body, 'Каникулы: Осенние каникулы', 'holidays are shown as such')
})

t.test('R-D-1: diaryWeek, the shared data of the page and the digest', async (t) => {
  const w = await diaryWeek(db, f.s.u.student.personId, W)
  t.equal(w.monday, W)
  t.equal(w.saturday, wd(5))
  t.equal(w.classLabel, '5А')
  t.same(w.days.map((d) => d.date), [0, 1, 2, 3, 4, 5].map(wd))
  const mon = w.days[0].lessons
  t.same(mon.map((l) => [l.number, l.subject]), [[1, 'Математика'], [2, 'Физическая культура']], 'only the student’s lessons, in order')
  const m = mon[0]
  t.equal(m.topic, 'Обыкновенные дроби')
  t.equal(m.homework, '№ 12, 14')
  t.equal(m.individualHomework, 'Повторить таблицу умножения')
  t.same(m.files.map((x) => [x.name, x.href]), [['Карточка с дробями.pdf', `/journal/files/${f.hwFile}`]])
  t.same(m.marks.map((x) => [x.value, x.kind, x.weight, x.isControl, x.date]), [['5', 'Ответ на уроке', 1, false, W], ['4/5', 'Контрольная работа', 2, true, W]])
  t.same(mon[1].absence, { reason: 'illness' })
  t.equal(m.startsAt, '08:00')
  const all = w.days.flatMap((d) => d.lessons)
  t.same(all.filter((l) => l.change).map((l) => [l.date, l.change]).sort(), [[wd(1), 'cancelled'], [wd(1), 'moved'], [wd(2), 'extra'], [wd(2), 'transfer']].sort())
  t.same(all.find((l) => l.change === 'moved')!.movedTo, { date: wd(2), number: 4 })
  t.equal(all.find((l) => l.substitute)!.substitute, 'Заменова З. П.')
  t.same(all.filter((l) => l.distance).map((l) => l.distanceOrder), ['15-у'])
  t.same(all.filter((l) => l.group).map((l) => l.group), ['Английский язык, 1 гр.', 'Шахматный клуб'], 'the student’s group and the cross-class club, not the other group')
  t.equal(w.days.every((d) => d.holiday === null), true)
  const now = await diaryWeek(db, f.s.u.student.personId, mondayOf(TODAY))
  t.same(now.lateMarks.map((m) => [m.subject, m.date, m.value, m.kind]), [['Математика', W, '5', 'Ответ на уроке'], ['Математика', W, '4/5', 'Контрольная работа']],
    'marks entered this week for last week’s lessons')
  t.equal((await diaryWeek(db, f.s.u.student.personId, W)).lateMarks.length, 0, 'and not in the week of their lesson')
  const hol = await diaryWeek(db, f.s.u.student.personId, HOLIDAY_WEEK)
  t.ok(hol.days.some((d) => d.holiday === 'Осенние каникулы'))
})

t.test('R-ACC-2: every diary route × every role; no family reaches another family by an id in the URL', async (t) => {
  const me = f.s.u.student.personId
  const expect = (res: { statusCode: number; headers: Record<string, unknown> }, code: number, what: string) => {
    t.equal(res.statusCode, code, what)
    if (code === 302) t.match(String(res.headers.location), /^\/login/, `${what} goes to login`)
  }
  // [url, who gets 200; everyone else's code]
  const own: Who[] = ['admin', 'director', 'deputy', 'classTeacher', 'student', 'parent']
  const cases: [string, Who[], Partial<Record<Who, number>>][] = [
    ['/diary', ['admin', 'director', 'deputy', 'classTeacher', 'other', 'student', 'parent', 'parent2', 'classmate', 'sibling', 'lonely'], { scheduler: 403, teacher: 403, clerk: 403 }],
    [`/diary/${me}`, own, { other: 403, scheduler: 403, teacher: 403, clerk: 403, parent2: 404, classmate: 404, sibling: 404, lonely: 404 }],
    [`/diary/${me}/marks`, own, { other: 403, scheduler: 403, teacher: 403, clerk: 403, parent2: 404, classmate: 404, sibling: 404, lonely: 404 }],
    [`/diary/${f.sibling.personId}`, ['admin', 'director', 'deputy', 'other', 'parent', 'sibling'], { classTeacher: 403, scheduler: 403, teacher: 403, clerk: 403, student: 404, parent2: 404, classmate: 404, lonely: 404 }],
    [`/diary/${f.classmate.personId}/marks`, ['admin', 'director', 'deputy', 'classTeacher', 'parent2', 'classmate'], { other: 403, scheduler: 403, teacher: 403, clerk: 403, student: 404, parent: 404, sibling: 404, lonely: 404 }],
    [`/diary/class/${f.s.c5a}/acknowledgements`, ['admin', 'director', 'deputy', 'classTeacher'], { other: 404, scheduler: 403, teacher: 403, clerk: 403, student: 403, parent: 403, parent2: 403, classmate: 403, sibling: 403, lonely: 403 }],
  ]
  for (const [url, ok, codes] of cases) {
    for (const who of [...ROLES, ...EXTRA]) {
      const code = who === 'anonymous' ? 302 : ok.includes(who) ? 200 : codes[who]
      expect(await as[who].get(url), code ?? -1, `${who} GET ${url}`)
    }
  }
  // Ids that name no student, or a staff member, or garbage: not found for families and staff alike.
  for (const id of ['999999', String(f.s.u.teacher.personId), String(f.s.u.parent.personId), 'abc', '0']) {
    for (const who of ['parent', 'student', 'admin'] as const) {
      expect(await as[who].get(`/diary/${id}`), 404, `${who} GET /diary/${id}`)
      expect(await as[who].get(`/diary/${id}/marks`), 404, `${who} GET /diary/${id}/marks`)
    }
  }
  expect(await as.classTeacher.get('/diary/class/999999/acknowledgements'), 404, 'no such class')
  // What the family's pages show: their own child only, the switcher between their own children only.
  const mine = (await as.parent.get('/diary')).body
  t.match(mine, 'Ааронов Артём', 'the parent’s /diary opens the first child')
  t.match(mine, `/diary/${f.sibling.personId}`, 'the switcher offers the other child')
  t.notMatch(mine, `/diary/${f.classmate.personId}`, 'and nobody else')
  t.match((await as.student.get('/diary')).body, 'Ааронов Артём', 'the student’s /diary is their own')
  t.notMatch((await as.student.get('/diary')).body, `/diary/${f.sibling.personId}`, 'a student has no switcher to a sibling')
  t.match((await as.lonely.get('/diary')).body, 'не привязан ни один ученик')
  // The staff's class list is no way in for a family: ?class= is ignored for them.
  t.notMatch((await as.parent2.get(`/diary?class=${f.s.c5a}`)).body, 'Ааронов Артём', 'a parent cannot list another class')
  t.match((await as.lonely.get(`/diary?class=${f.s.c5a}`)).body, 'не привязан ни один ученик')
  t.match((await as.classTeacher.get('/diary')).body, `/diary/class/${f.s.c5a}/acknowledgements`, 'the class teacher’s list links the acknowledgements')
  expect(await as.classTeacher.get(`/diary?class=${f.s.c5b}`), 404, 'a class teacher never lists another class')
  t.match((await as.deputy.get(`/diary?class=${f.s.c5b}`)).body, 'Ааронова Сестрица', 'the deputy lists any class')
  // Family reads are not audited as staff reads; the refused ones wrote nothing at all.
  t.equal(await db.selectFrom('acknowledgements').select('week').execute().then((r) => r.length), 0)
})

t.test('R-ACC-5: every staff read of a diary is audited, family reads are not', async (t) => {
  const me = f.s.u.student.personId
  const before = await auditCount(db, 'diary.read')
  await as.parent.get(`/diary/${me}`)
  await as.student.get(`/diary/${me}/marks`)
  t.equal(await auditCount(db, 'diary.read'), before, 'the family reads its own diary without an audit record')
  await as.teacher.get(`/diary/${me}`)
  t.equal(await auditCount(db, 'diary.read'), before, 'a refused read is no read')
  for (const who of ['admin', 'director', 'deputy', 'classTeacher'] as const) {
    await as[who].get(`/diary/${me}?week=${W}`)
    await as[who].get(`/diary/${me}/marks`)
  }
  const rows = await db.selectFrom('audit_log as a').innerJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['u.login', 'a.entity', 'a.entity_id', 'a.after']).where('a.action', '=', 'diary.read').orderBy('a.id').offset(before).limit(100).execute()
  t.equal(rows.length, 8, 'two reads by each of four staff members')
  t.same([...new Set(rows.map((r) => r.login))], ['admin', 'director', 'deputy', 'ct'])
  t.ok(rows.every((r) => r.entity === 'person' && r.entity_id === String(me)), 'whose diary was read')
  t.same(JSON.parse(rows[0].after!), { page: 'week', week: W })
  t.match((await as.admin.get(`/diary/${me}`)).body, 'Просмотр записан в журнал действий', 'the staff member is told')
})

t.test('R-D-1, R-FIN-5: the period page: marks with dates and kinds, mean, forecast, final marks at once, control works', async (t) => {
  const url = `/diary/${f.s.u.student.personId}/marks?period=${f.s.periods[1]}`
  let body = (await as.parent.get(url)).body
  t.match(body, 'Математика')
  t.match(body, '4,60', 'weighted mean: (5 + 2·4 + 2·5) / 5')
  t.match(body, /<strong>5<\/strong>/, 'the forecast rounds 4,6 up')
  t.match(body, 'Контрольные работы периода')
  t.match(body, 'Контрольная работа')
  t.match(body, new RegExp(`${day(3).split('-').reverse().join('\\.')}[\\s\\S]*?запланирована`), 'a planned control work, with its date')
  t.notMatch(body, 'Средний балл класса', 'no class average unless the school enables it')
  t.match(body, 'Математикова Анна Ивановна', 'the teachers of the class')
  t.match(body, 'math@school.example', 'contacts of a teacher who shows them')
  t.match(body, 'Другая Ольга', 'the group’s teacher')
  t.notMatch(body, 'other@school.example', 'hidden contacts stay hidden')
  t.match(body, 'Осенние каникулы', 'the holidays')
  t.notMatch(body, 'Одноклассников')

  // A period mark set by the teacher is in the diary at the next page view (R-FIN-5).
  await db.insertInto('final_marks').values({
    year_id: f.s.yearId, student_id: f.s.u.student.personId, subject_id: f.s.math, kind: 'period', period_id: f.s.periods[0],
    value: '4', proposed: '4', set_by: f.s.u.teacher.personId, set_at: nowIso(), locked: 1,
  }).execute()
  body = (await as.parent.get(url)).body
  t.match(body, 'Итоговые отметки')
  t.match(body, /1 четв\.[\s\S]*<strong>4<\/strong>/, 'the first quarter’s mark shows')

  // The class average of a control work: only when enabled, never with names, and only with five marks or more.
  await db.insertInto('school_settings').values({ key: 'show_class_average', value: '1' }).execute()
  for (const [i, v] of [[1, '5'], [2, '4'], [3, '3']] as const) {
    await db.insertInto('marks').values({ lesson_id: f.mon1, student_id: f.s.students[i], column_no: 2, value: v, entered_at: nowIso(), entered_by: f.s.u.teacher.personId }).execute()
  }
  body = (await as.parent.get(url)).body
  t.match(body, 'Средний балл класса')
  t.match(body, '3,83', 'the mean of 4/5, 2, 5, 4, 3 (six numbers)')
  for (const name of ['Одноклассников', 'Белова', 'Васильев']) t.notMatch(body, name, `no classmate’s name: ${name}`)
  await db.deleteFrom('marks').where('lesson_id', '=', f.mon1).where('student_id', '=', f.s.students[3]).execute()
  t.notMatch((await as.parent.get(url)).body, '3,83', 'with four marks the average is not shown')
})

t.test('R-D-2: a parent confirms a week once; the class teacher sees who did, who did not, who never logs in', async (t) => {
  const me = f.s.u.student.personId
  const ackUrl = `/diary/${me}/acknowledge`
  const acks = () => db.selectFrom('acknowledgements').selectAll().execute()
  const ackAudit = () => auditCount(db, 'diary.acknowledge')

  // Refused: other families by the URL (whatever the form says), the student, staff, anonymous; a future week.
  const refused: [Who, string, number][] = [
    ['parent2', ackUrl, 404], ['classmate', ackUrl, 404], ['sibling', ackUrl, 404], ['lonely', ackUrl, 404],
    ['parent', `/diary/${f.classmate.personId}/acknowledge`, 404], ['parent', '/diary/999999/acknowledge', 404],
    ['student', ackUrl, 403], ['student', `/diary/${f.classmate.personId}/acknowledge`, 404],
    ['admin', ackUrl, 403], ['director', ackUrl, 403], ['deputy', ackUrl, 403], ['classTeacher', ackUrl, 403],
    ['teacher', ackUrl, 403], ['scheduler', ackUrl, 403], ['clerk', ackUrl, 403], ['other', ackUrl, 403], ['anonymous', ackUrl, 302],
  ]
  for (const [who, url, code] of refused) {
    const res = await as[who].post(url, { week: W, student: String(me), student_id: String(me) })
    t.equal(res.statusCode, code, `${who} POST ${url}`)
  }
  t.same(await acks(), [], 'nothing confirmed by a refused request')
  t.equal(await ackAudit(), 0)
  let res = await as.parent.post(ackUrl, { week: addDays(mondayOf(TODAY), 7) })
  t.equal(res.statusCode, 303)
  t.same(await acks(), [], 'a week that has not begun cannot be confirmed')
  t.equal((await as.parent.post(ackUrl, { week: 'вчера' })).statusCode, 400, 'a bad week is refused')
  t.equal((await as.parent.post(ackUrl, { week: W }, { csrf: false })).statusCode, 403, 'no CSRF token, no confirmation')
  t.same(await acks(), [])

  // The parent confirms; the form's student field cannot redirect the confirmation to another child.
  res = await as.parent.post(ackUrl, { week: wd(3), student: String(f.classmate.personId) })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/diary/${me}?week=${W}`, 'back to the confirmed week (any day of it names the week)')
  let rows = await acks()
  t.equal(rows.length, 1)
  t.same({ student: rows[0].student_id, person: rows[0].person_id, week: rows[0].week }, { student: me, person: f.s.u.parent.personId, week: W })
  t.equal(await ackAudit(), 1, 'audited')
  const page = await as.parent.get(`/diary/${me}?week=${W}`)
  t.match(page.body, 'Спасибо! Ознакомление с неделей', 'the flash message')
  t.match(page.body, 'Вы подтвердили ознакомление с этой неделей', 'the date and time shown afterwards')
  t.notMatch(page.body, 'name="week"', 'no second button')
  // Idempotent: again changes nothing.
  res = await as.parent.post(ackUrl, { week: W })
  t.equal(res.statusCode, 303)
  t.equal((await acks()).length, 1, 'still one confirmation')
  t.equal(await ackAudit(), 1, 'no second audit record')
  t.match((await as.parent.get(`/diary/${me}?week=${W}`)).body, 'уже подтверждено')
  // The student and staff see the confirmation.
  t.match((await as.student.get(`/diary/${me}?week=${W}`)).body, /Ознакомлены: Тестов\d+ И\. П\./)
  // The sibling's week is confirmed separately.
  t.equal((await as.parent.post(`/diary/${f.sibling.personId}/acknowledge`, { week: W })).statusCode, 303)
  rows = await acks()
  t.equal(rows.length, 2)

  const cls = (await as.classTeacher.get(`/diary/class/${f.s.c5a}/acknowledgements?week=${W}`)).body
  t.match(cls, 'Ознакомление с дневником, 5А')
  t.match(cls, /Ааронов Артём[\s\S]*?подтвердили[\s\S]*?подтвердил\(а\) \d\d\.\d\d\.\d{4} \d\d:\d\d/, 'the student’s family confirmed, with the time')
  t.match(cls, /Одноклассников Олег[\s\S]*?не подтвердили/, 'the classmate’s family did not')
  t.match(cls, /Невходившая Нина[\s\S]*?ни разу не входил/, 'an account never used')
  t.match(cls, /Безучётная Белла[\s\S]*?нет учётной записи/, 'a parent without an account')
  t.match(cls, /Семьи, которые ни разу не входили в дневник[\s\S]*Безучётная Белла/, 'listed among the families that never log in')
  t.match(cls, 'Подтвердили: 1.', 'the count')
  t.notMatch(cls, 'Ааронова Сестрица', 'the 5Б sibling is not on 5А’s page')
  const other = (await as.classTeacher.get(`/diary/class/${f.s.c5a}/acknowledgements?week=${addDays(W, -7)}`)).body
  t.match(other, 'Подтвердили: 0.', 'another week has its own confirmations')

  // A closed (archived) year takes no more confirmations.
  await db.updateTable('academic_years').set({ status: 'closed' }).where('id', '=', f.s.yearId).execute()
  res = await as.parent.post(ackUrl, { week: addDays(W, -7) })
  t.equal(res.statusCode, 303)
  t.equal((await acks()).length, 2, 'nothing written in a closed year')
  t.match((await as.parent.get(res.headers.location as string)).body, 'закрыт')
})
