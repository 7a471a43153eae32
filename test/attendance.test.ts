// The class teacher's weekly absence reasons over HTTP: every role, the week's content, saving in one
// audited transaction, refusals that keep the input, a closed year, and the printable sheet (R-J-5; R-ROLE-6).
import t from 'tap'
import { loginAs } from './helper.js'
import { ROLE_NAMES, world, type RoleName, type World } from './school.seed.js'
import type { DB } from '../src/db/connection.js'
import { nowIso } from '../src/lib/dates.js'

const WEEK = '2026-11-09' // Monday; Tuesday is 2026-11-10

async function lesson(db: DB, v: { year: number; classId?: number; groupId?: number; subject: number; teacher: number; date: string; n: number; status?: 'scheduled' | 'cancelled' }) {
  const row = await db.insertInto('lessons').values({
    year_id: v.year, class_id: v.classId ?? null, group_id: v.groupId ?? null, subject_id: v.subject, teacher_id: v.teacher,
    date: v.date, lesson_number: v.n, slot_id: null, moved_to_id: null, substitute_id: null, plan_topic_id: null,
    topic_entered_at: null, homework_entered_at: null, entered_by: null, status: v.status ?? 'scheduled',
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

async function absent(db: DB, lessonId: number, studentId: number, by: number) {
  await db.insertInto('absences').values({ lesson_id: lessonId, student_id: studentId, reason: null, entered_at: nowIso(), entered_by: by, reason_set_at: null, reason_set_by: null }).execute()
}

/** The seeded school plus a week of absences in 5А, 5Б and their groups, and one in the closed year. */
async function setup(t: Parameters<typeof world>[0]) {
  const w = await world(t)
  const { db, s } = w
  const teacher = s.u.teacher.personId
  const stu = s.u.student.personId
  const s2 = s.s2.personId
  const s3 = s.s3.personId
  await db.insertInto('group_members').values([
    { group_id: s.g5aEng, student_id: stu, from_date: '2026-09-01', to_date: null },
    { group_id: s.gCross, student_id: stu, from_date: '2026-09-01', to_date: null },
    { group_id: s.gCross, student_id: s3, from_date: '2026-09-01', to_date: null },
  ]).execute()
  const base = { year: s.year, subject: s.subjects.math, teacher }
  const L = {
    math2: await lesson(db, { ...base, classId: s.c5a, date: '2026-11-10', n: 2 }),
    math3: await lesson(db, { ...base, classId: s.c5a, date: '2026-11-10', n: 3 }),
    eng: await lesson(db, { ...base, subject: s.subjects.english, groupId: s.g5aEng, date: '2026-11-11', n: 1 }),
    other: await lesson(db, { ...base, classId: s.c5b, date: '2026-11-10', n: 1 }),
    cross: await lesson(db, { ...base, groupId: s.gCross, date: '2026-11-12', n: 4 }),
    cancelled: await lesson(db, { ...base, classId: s.c5a, date: '2026-11-13', n: 1, status: 'cancelled' }),
    october: await lesson(db, { ...base, classId: s.c5a, date: '2026-10-13', n: 1 }),
    afterLeaving: await lesson(db, { ...base, groupId: s.gCross, date: '2026-10-16', n: 2 }),
  }
  await db.insertInto('group_members').values({ group_id: s.gCross, student_id: s.gone.personId, from_date: '2026-09-01', to_date: null }).execute()
  for (const [l, st] of [[L.math2, stu], [L.math3, stu], [L.math2, s2], [L.eng, stu], [L.other, s3], [L.cross, stu], [L.cross, s3],
    [L.cancelled, stu], [L.october, s.gone.personId], [L.afterLeaving, s.gone.personId]] as const) await absent(db, l, st, teacher)

  // The closed year: a pupil of 4А with one absence.
  const oldPupil = (await db.insertInto('persons').values({ last_name: 'Прошлогодний', first_name: 'Пётр', created_at: nowIso() }).returning('id').executeTakeFirstOrThrow()).id
  await db.insertInto('students').values({ person_id: oldPupil }).execute()
  await db.insertInto('enrollments').values({ student_id: oldPupil, class_id: s.oldClass, from_date: '2025-09-01', to_date: '2026-05-31', reason_in: 'initial', reason_out: 'promotion' }).execute()
  const oldLesson = await lesson(db, { ...base, year: s.old, classId: s.oldClass, date: '2025-11-11', n: 1 })
  await absent(db, oldLesson, oldPupil, teacher)
  const ct2 = await loginAs(w.app, 'ct2')
  return { ...w, L, stu, s2, s3, oldLesson, oldPupil, ct2 }
}

const url = (classId: number, week = WEEK, suffix = '') => `/my-class/absences${suffix}?class=${classId}&week=${week}`

async function reasonsAudits(w: World) {
  return w.db.selectFrom('audit_log').selectAll().where('action', '=', 'attendance.reasons').execute()
}

t.test('R-J-5 R-ROLE every role on the week, the printable sheet and the save', async (t) => {
  const w = await setup(t)
  const { s } = w
  const get: Record<RoleName, number> = {
    admin: 200, director: 200, deputy: 200, scheduler: 403, teacher: 403, classTeacher: 200, clerk: 403, student: 403, parent: 403, anonymous: 302,
  }
  const post: Record<RoleName, number> = { ...get, admin: 403, director: 403, deputy: 303, classTeacher: 303 }
  for (const role of ROLE_NAMES) {
    const c = w.as[role]
    for (const path of [url(s.c5a), url(s.c5a, WEEK, '/print')]) {
      const res = await c.get(path)
      t.equal(res.statusCode, get[role], `${role} GET ${path}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/)
    }
    const res = await c.post(url(s.c5a), {})
    t.equal(res.statusCode, post[role], `${role} POST`)
    if (role === 'anonymous') t.match(res.headers.location, /^\/login/)
  }
  t.equal((await reasonsAudits(w)).length, 0, 'empty submits write nothing')

  const edit = (await w.as.classTeacher.get(url(s.c5a))).body
  t.match(edit, /<select name="r_/, 'the class teacher gets the form')
  t.match((await w.as.deputy.get(url(s.c5a))).body, /<select name="r_/, 'the deputy gets the form (stands in for the class teacher)')
  for (const role of ['admin', 'director'] as const) {
    const body = (await w.as[role].get(url(s.c5a))).body
    t.notMatch(body, /<select name="r_/, `${role} reads only`)
    t.match(body, 'Только просмотр')
    t.match(body, 'по болезни')
  }

  // A class teacher of another class reaches nothing of 5А, and 5А's class teacher nothing of 5Б.
  for (const [c, cls, who] of [[w.ct2, s.c5a, 'ct2 → 5А'], [w.as.classTeacher, s.c5b, 'ct → 5Б']] as const) {
    t.equal((await c.get(url(cls))).statusCode, 404, `${who} GET`)
    t.equal((await c.get(url(cls, WEEK, '/print'))).statusCode, 404, `${who} print`)
    t.equal((await c.post(url(cls), { [`r_${w.L.other}_${w.s3}`]: 'illness' })).statusCode, 404, `${who} POST`)
  }
  t.equal((await w.as.admin.get(url(999999))).statusCode, 404, 'a class that does not exist')
  t.equal((await w.as.admin.get('/my-class/absences?class=abc')).statusCode, 404, 'a malformed class id')
  const untouched = await w.db.selectFrom('absences').select('reason').where('reason', 'is not', null).execute()
  t.same(untouched, [], 'no refused request set a reason')
})

t.test('R-J-5 the week: absences of the class and its groups, for students in the class that week', async (t) => {
  const w = await setup(t)
  const { s, L, stu, s2, s3 } = w
  const res = await w.as.classTeacher.get(url(s.c5a, '2026-11-12'))
  t.equal(res.statusCode, 200)
  const body = res.body
  t.match(body, 'Причины пропусков, 5А')
  t.match(body, 'Неделя с 09.11.2026 по 14.11.2026', 'any day picks its week')
  for (const f of [`r_${L.math2}_${stu}`, `r_${L.math3}_${stu}`, `r_${L.math2}_${s2}`, `r_${L.eng}_${stu}`, `r_${L.cross}_${stu}`]) {
    t.match(body, `name="${f}"`, `${f} is on the form`)
  }
  for (const f of [`r_${L.other}_${s3}`, `r_${L.cross}_${s3}`, `r_${L.cancelled}_${stu}`]) t.notMatch(body, `name="${f}"`, `${f} is not`)
  t.match(body, 'Английский язык, 1 гр.', 'a subgroup lesson shows its group')
  t.match(body, '2 урок. Математика')
  t.match(body, `name="d_${stu}_2026-11-10"`, 'the same reason for the whole day where two lessons were missed')
  t.notMatch(body, `name="d_${s2}_2026-11-10"`, 'no whole-day choice for a single lesson')
  t.notMatch(body, 'Волков', 'a student of 5Б is not listed')
  t.notMatch(body, 'Ушедший', 'a student who left in October is not listed this week')
  t.match(body, 'Причина не указана: 5.')
  t.match(body, `href="/my-class/absences?class=${s.c5a}&amp;week=2026-11-02"`, 'previous week')
  t.match(body, `href="/my-class/absences?class=${s.c5a}&amp;week=2026-11-16"`, 'next week')
  t.match(body, `href="/my-class/absences/print?class=${s.c5a}&amp;week=2026-11-09"`, 'printable view')
  t.notMatch(body, '<script')

  const october = (await w.as.classTeacher.get(url(s.c5a, '2026-10-12'))).body
  t.match(october, 'Ушедший Дмитрий')
  t.match(october, 'в классе с 12.10.2026 по 15.10.2026', 'a student who left mid-week is shown with the dates in the class')
  t.match(october, `name="r_${L.october}_${s.gone.personId}"`)
  t.notMatch(october, `name="r_${L.afterLeaving}_${s.gone.personId}"`, 'not an absence after leaving the class')
  const crafted = await w.as.classTeacher.post(url(s.c5a, '2026-10-12'), { [`r_${L.afterLeaving}_${s.gone.personId}`]: 'illness' })
  t.equal(crafted.statusCode, 303)
  const after = await w.db.selectFrom('absences').select('reason').where('lesson_id', '=', L.afterLeaving).executeTakeFirstOrThrow()
  t.equal(after.reason, null, 'a field for an absence the page does not show is ignored')

  const plain = await w.as.classTeacher.get('/my-class/absences')
  t.equal(plain.statusCode, 200)
  t.match(plain.body, 'Причины пропусков, 5А', 'the class teacher lands on their class')
  const choose = (await w.as.admin.get('/my-class/absences')).body
  t.match(choose, `href="/my-class/absences?class=${s.c5a}"`, 'the administration chooses a class')
  t.match(choose, `href="/my-class/absences?class=${s.c5b}"`)
  t.match((await w.as.classTeacher.get(url(s.c5a, '2026-12-28'))).body, 'За эту неделю пропусков нет.')
})

t.test('R-J-5 one submit saves every reason in one transaction, audited', async (t) => {
  const w = await setup(t)
  const { s, L, stu, s2, s3 } = w
  const ct = s.u.classTeacher.personId
  const res = await w.as.classTeacher.post(url(s.c5a), {
    [`r_${L.math2}_${stu}`]: '', [`r_${L.math3}_${stu}`]: 'invalid', [`d_${stu}_2026-11-10`]: 'illness',
    [`r_${L.eng}_${stu}`]: 'valid', [`r_${L.cross}_${stu}`]: 'invalid', [`r_${L.math2}_${s2}`]: 'invalid',
  })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, url(s.c5a))
  const rows = await w.db.selectFrom('absences').selectAll().execute()
  const reason = (l: number, st: number) => rows.find((r) => r.lesson_id === l && r.student_id === st)!
  t.same([reason(L.math2, stu).reason, reason(L.math3, stu).reason], ['illness', 'illness'], 'the whole day applied to both lessons')
  t.equal(reason(L.eng, stu).reason, 'valid')
  t.equal(reason(L.cross, stu).reason, 'invalid')
  t.equal(reason(L.math2, s2).reason, 'invalid')
  for (const [l, st] of [[L.math2, stu], [L.eng, stu], [L.math2, s2]]) {
    t.equal(reason(l, st).reason_set_by, ct, 'who set it is recorded')
    t.ok(reason(l, st).reason_set_at, 'when it was set is recorded')
  }
  t.equal(reason(L.other, s3).reason, null, 'another class is untouched')
  t.equal(reason(L.cross, s3).reason, null, 'a 5Б student of the same group is untouched')
  const audits = await reasonsAudits(w)
  t.equal(audits.length, 1, 'one audit record for the submit')
  t.equal(audits[0].entity_id, String(s.c5a))
  t.same(JSON.parse(audits[0].after!), { week: WEEK, [`${L.math2}:${stu}`]: 'illness', [`${L.math3}:${stu}`]: 'illness', [`${L.eng}:${stu}`]: 'valid', [`${L.cross}:${stu}`]: 'invalid', [`${L.math2}:${s2}`]: 'invalid' })
  t.same(JSON.parse(audits[0].before!)[`${L.math2}:${stu}`], null)

  const page = (await w.as.classTeacher.get(url(s.c5a))).body
  t.match(page, 'Причины пропусков сохранены (изменено: 5).')
  t.match(page, new RegExp(`<select name="r_${L.eng}_${stu}"[^>]*>[\\s\\S]*?value="valid" selected`), 'the saved reason is shown')
  t.match(page, /Всего по классу<\/th>\s*<th>5<\/th><th>2<\/th><th>1<\/th><th>2<\/th><th>0<\/th>/, 'the week summary by reason')

  const again = await w.as.classTeacher.post(url(s.c5a), { [`r_${L.eng}_${stu}`]: 'valid' })
  t.equal(again.statusCode, 303)
  t.equal((await reasonsAudits(w)).length, 1, 'an unchanged submit writes nothing')
  t.match((await w.as.classTeacher.get(url(s.c5a))).body, 'Изменений нет')

  // Clearing a reason is a change like any other.
  await w.as.deputy.post(url(s.c5a), { [`r_${L.eng}_${stu}`]: '' })
  const cleared = await w.db.selectFrom('absences').selectAll().where('lesson_id', '=', L.eng).executeTakeFirstOrThrow()
  t.equal(cleared.reason, null)
  t.equal(cleared.reason_set_by, s.u.deputy.personId, 'the deputy is recorded as the one who changed it')
  t.equal((await reasonsAudits(w)).length, 2)
})

t.test('R-J-5 a refused submit keeps the input and writes nothing', async (t) => {
  const w = await setup(t)
  const { s, L, stu } = w
  const res = await w.as.classTeacher.post(url(s.c5a), { [`r_${L.math2}_${stu}`]: 'illness', [`r_${L.eng}_${stu}`]: 'sick' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Форма не сохранена')
  t.match(res.body, 'Выберите причину из списка.')
  t.match(res.body, new RegExp(`<select name="r_${L.math2}_${stu}"[^>]*>[\\s\\S]*?value="illness" selected`), 'the choice made is kept')
  const set = await w.db.selectFrom('absences').select('reason').where('reason', 'is not', null).execute()
  t.same(set, [], 'nothing written')
  t.equal((await reasonsAudits(w)).length, 0)
})

t.test('R-J-5 R-ORG-1 a closed year is read-only and refuses writes', async (t) => {
  const w = await setup(t)
  const { s } = w
  const page = await w.as.deputy.get(url(s.oldClass, '2025-11-11'))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Прошлогодний Пётр')
  t.match(page.body, 'закрыт: причины пропусков можно только просмотреть')
  t.notMatch(page.body, /<select name="r_/)
  const res = await w.as.deputy.post(url(s.oldClass, '2025-11-11'), { [`r_${w.oldLesson}_${w.oldPupil}`]: 'illness' })
  t.equal(res.statusCode, 409)
  t.match(res.body, 'Учебный год 2025/2026 закрыт и передан в архив')
  const row = await w.db.selectFrom('absences').select('reason').where('lesson_id', '=', w.oldLesson).executeTakeFirstOrThrow()
  t.equal(row.reason, null, 'nothing written')
  t.equal((await reasonsAudits(w)).length, 0)
  // The class teacher of the closed year's class no longer reaches it at all.
  t.equal((await w.as.classTeacher.get(url(s.oldClass, '2025-11-11'))).statusCode, 404)
})

t.test('R-J-5 the printable week', async (t) => {
  const w = await setup(t)
  const { s, L, stu } = w
  await w.as.classTeacher.post(url(s.c5a), { [`d_${stu}_2026-11-10`]: 'illness', [`r_${L.math2}_${stu}`]: '', [`r_${L.math3}_${stu}`]: '' })
  const res = await w.as.classTeacher.get(url(s.c5a, WEEK, '/print'))
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Пропуски уроков, 5А')
  t.match(res.body, 'Классный руководитель: Классная М. П.')
  t.match(res.body, 'Вт 10.11.2026:</strong> 2 урок. Математика — по болезни; 3 урок. Математика — по болезни')
  t.match(res.body, 'Борисова Вера')
  t.notMatch(res.body, '<select', 'no form controls on paper')
  t.match(res.body, /Всего по классу<\/th>\s*<th>5<\/th><th>2<\/th>/)
})
