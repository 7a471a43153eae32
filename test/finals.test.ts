// HTTP tests of final marks: proposals and warnings from known marks, the window, locking, corrections through
// the deputy (grade 5) and the director (grade 9), history, the diary query and closed years (R-FIN-1..5, R-ARC-5).
// The role-by-route matrix is in finals.roles.test.ts.
import t from 'tap'
import { count, finalsAudit, world, TODAY } from './finals.seed.js'
import { finalMarksOfStudent } from '../src/features/finals/finals.queries.js'

const setUrl = (w: Awaited<ReturnType<typeof world>>, column: string, classId = w.s.c5a) => `/finals/class/${classId}/${w.s.subjects.math}/set/${column}`
const pageUrl = (w: Awaited<ReturnType<typeof world>>, classId = w.s.c5a) => `/finals/class/${classId}/${w.s.subjects.math}`

async function lastAudit(w: Awaited<ReturnType<typeof world>>, action: string) {
  const r = await w.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').executeTakeFirstOrThrow()
  return { ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }
}

t.test('R-FIN-1,2: the page proposes marks from the journal and warns before they are set', async (t) => {
  const w = await world(t, ['teacher', 'deputy'])
  const { s } = w
  const page = await w.as.teacher.get(pageUrl(w))
  t.equal(page.statusCode, 200)
  const row = (name: string) => page.body.slice(page.body.indexOf(name), page.body.indexOf('</tr>', page.body.indexOf(name)))
  t.match(row('Антонов Артём'), 'пр. 4', '5, 4, 4 and a control work 3 (weight 2) → 3.8 → «4»')
  t.match(row('Антонов Артём'), 'мало отметок: 4 из 5', '2 h/week need 5 marks')
  t.match(row('Борисова Вера'), 'пр. н/а', 'more than half missed: «н/а» proposed')
  t.match(row('Борисова Вера'), 'пропущено больше половины уроков')
  t.match(row('Борисова Вера'), 'пропущено 6 из 10')
  t.match(row('Волков Глеб'), 'пр. 3')
  t.notMatch(row('Волков Глеб'), 'мало отметок', 'five marks are enough at 2 h/week')
  t.match(page.body, 'По учебному плану 2 ч в неделю.')
  t.match(page.body, 'открыто до', 'the open window is named')
  t.match(page.body, 'срок истёк', 'the closed window is named')
  t.match(page.body, `href="${setUrl(w, `p${s.q2}`)}"`, 'the open column has its set link')
  t.notMatch(page.body, `href="${setUrl(w, `p${s.q1}`)}"`, 'a closed column has none')

  const form = await w.as.teacher.get(setUrl(w, `p${s.q2}`))
  t.equal(form.statusCode, 200)
  t.match(form.body, '3,80', 'the weighted mean is shown')
  t.match(form.body, /<option value="4" selected>4<\/option>/, 'Антонов preselected with «4»')
  t.match(form.body, /<option value="н\/а" selected>н\/а<\/option>/, 'Борисова preselected with «н/а»')
  t.match(form.body, '4 (нужно 5)')

  const dep = await w.as.deputy.get(pageUrl(w))
  t.equal(dep.statusCode, 200)
  t.match(dep.body, 'пр. 4', 'the deputy reads the same proposals')
  t.notMatch(dep.body, '/set/', 'no set links for a reader')
})

t.test('R-FIN-3: outside the window the form refuses, keeps the input and writes nothing', async (t) => {
  const w = await world(t, ['teacher'])
  const { s } = w
  const before = [await count(w.db, 'final_marks'), await finalsAudit(w.db)]

  const early = await w.as.teacher.get(setUrl(w, `p${s.q3}`))
  t.equal(early.statusCode, 200)
  t.match(early.body, 'Выставление ещё не открыто', 'the form says when it opens')
  const earlyPost = await w.as.teacher.post(setUrl(w, `p${s.q3}`), { [`m_${s.u.student.personId}`]: '5', [`m_${s.s3.personId}`]: '3' })
  t.equal(earlyPost.statusCode, 400)
  t.match(earlyPost.body, 'Выставление ещё не открыто')
  t.match(earlyPost.body, /<option value="5" selected>5<\/option>/, 'the input is kept')

  const closed = await w.as.teacher.post(setUrl(w, `p${s.q1}`), { [`m_${s.u.student.personId}`]: '2' })
  t.equal(closed.statusCode, 400)
  t.match(closed.body, 'Срок выставления истёк')
  t.match(closed.body, /<option value="2" selected>2<\/option>/, 'the input is kept')

  const year = await w.as.teacher.post(setUrl(w, 'year'), { [`m_${s.u.student.personId}`]: '4' })
  t.equal(year.statusCode, 400, 'the year mark waits for the last period’s window')
  t.match(year.body, 'Выставление ещё не открыто')

  const bad = await w.as.teacher.post(setUrl(w, `p${s.q2}`), { [`m_${s.u.student.personId}`]: '6' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Выберите значение из списка.')
  t.same([await count(w.db, 'final_marks'), await finalsAudit(w.db)], before, 'nothing written')
})

t.test('R-FIN-1,2,4: setting a quarter in one form locks the marks; the form cannot change them', async (t) => {
  const w = await world(t, ['teacher', 'deputy'])
  const { s, db } = w
  const m = (id: number) => `m_${id}`
  const na = await w.as.teacher.post(setUrl(w, `p${s.q2}`), { [m(s.u.student.personId)]: '4', [m(s.s2.personId)]: '4', [m(s.s3.personId)]: '3' })
  t.equal(na.statusCode, 400, 'more than half missed: only «н/а» without the deputy')
  t.match(na.body, 'Пропущено больше половины уроков: ставится «н/а»')
  t.match(na.body, /<option value="3" selected>3<\/option>/, 'input kept')
  t.equal(await count(db, 'final_marks'), 0, 'nothing written')

  const ok = await w.as.teacher.post(setUrl(w, `p${s.q2}`), { [m(s.u.student.personId)]: '4', [m(s.s2.personId)]: 'н/а', [m(s.s3.personId)]: '' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, pageUrl(w))
  const rows = await db.selectFrom('final_marks').selectAll().orderBy('student_id').execute()
  t.same(rows.map((r) => [r.student_id, r.kind, r.period_id, r.value, r.proposed, r.locked, r.set_by]), [
    [s.u.student.personId, 'period', s.q2, '4', '4', 1, s.u.teacher.personId],
    [s.s2.personId, 'period', s.q2, 'н/а', 'н/а', 1, s.u.teacher.personId],
  ], 'two marks set and locked; the blank one left unset')
  const a = await lastAudit(w, 'finals.set')
  t.equal(a.entity, 'final_mark')
  t.same([a.before, a.after.value], [null, 'н/а'])
  t.equal(await finalsAudit(db), 2, 'one audit record per mark')
  const page = await w.as.teacher.get(pageUrl(w))
  t.match(page.body, 'Выставлено и закрыто отметок: 2')
  t.match(page.body, '<strong>4</strong>')

  const again = await w.as.teacher.post(setUrl(w, `p${s.q2}`), { [m(s.u.student.personId)]: '5', [m(s.s3.personId)]: '3' })
  t.equal(again.statusCode, 400, 'a locked mark cannot be changed through the set form')
  t.match(again.body, 'Отметка «4» уже выставлена и закрыта')
  t.equal(await count(db, 'final_marks'), 2, 'and nothing else of that submit is written')
  const same = await w.as.teacher.post(setUrl(w, `p${s.q2}`), { [m(s.u.student.personId)]: '4', [m(s.s3.personId)]: '3' })
  t.equal(same.statusCode, 303, 'resubmitting the same value is harmless; the new one is set')
  t.equal((await db.selectFrom('final_marks').select('value').where('student_id', '=', s.u.student.personId).executeTakeFirstOrThrow()).value, '4')
  t.equal(await count(db, 'final_marks'), 3)
  const form = await w.as.teacher.get(setUrl(w, `p${s.q2}`))
  t.notMatch(form.body, `name="m_${s.u.student.personId}"`, 'a locked mark has no select')
  t.match(form.body, 'запросить исправление')

  t.test('R-FIN-5: the diary reads final marks at once', async (t) => {
    const marks = await finalMarksOfStudent(db, s.u.student.personId, s.year)
    t.same(marks.map((x) => [x.subject, x.kind, x.periodNumber, x.scheme, x.value]), [['Математика', 'period', 2, 'quarter', '4']])
    t.same(await finalMarksOfStudent(db, s.u.student.personId, s.old), [], 'another year: nothing')
  })
})

async function setQ2(w: Awaited<ReturnType<typeof world>>, classId: number, studentId: number, value: string) {
  const r = await w.as.teacher.post(setUrl(w, `p${w.s.q2}`, classId), { [`m_${studentId}`]: value })
  if (r.statusCode !== 303) throw new Error(`set failed: ${r.statusCode}`)
  return (await w.db.selectFrom('final_marks').select('id').where('student_id', '=', studentId).executeTakeFirstOrThrow()).id
}

t.test('R-FIN-4: a grade-5 correction goes to the deputy; the director cannot decide it', async (t) => {
  const w = await world(t, ['teacher', 'deputy', 'director', 'admin'])
  const { s, db } = w
  const markId = await setQ2(w, s.c5a, s.u.student.personId, '4')
  const url = `${pageUrl(w)}/correct/${markId}`

  const form = await w.as.teacher.get(url)
  t.equal(form.statusCode, 200)
  t.match(form.body, 'заместитель директора')
  t.match(form.body, 'Причина исправления')
  const empty = await w.as.teacher.post(url, { new_value: '4', explanation: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, 'Новая отметка совпадает с выставленной.')
  t.match(empty.body, 'Укажите причину исправления.')
  t.equal(await count(db, 'final_corrections'), 0)

  const req = await w.as.teacher.post(url, { new_value: '5', explanation: 'Переписана контрольная работа.' })
  t.equal(req.statusCode, 303)
  const c = await db.selectFrom('final_corrections').selectAll().executeTakeFirstOrThrow()
  t.same([c.old_value, c.new_value, c.approver_role, c.status, c.requested_by], ['4', '5', 'deputy', 'pending', s.u.teacher.personId])
  t.equal((await lastAudit(w, 'finals.correction.request')).after.requested, '5')
  const twice = await w.as.teacher.post(url, { new_value: '3', explanation: 'Ещё раз.' })
  t.equal(twice.statusCode, 400)
  t.match(twice.body, 'уже есть запрос, ожидающий решения')
  t.match((await w.as.teacher.get(pageUrl(w))).body, 'запрошено исправление на «5»', 'the teacher sees it waiting')

  const dirList = await w.as.director.get('/finals/corrections')
  t.notMatch(dirList.body, 'Антонов', 'the director does not see the deputy’s corrections')
  t.equal((await w.as.director.get(`/finals/corrections/${c.id}`)).statusCode, 403)
  const dirPost = await w.as.director.post(`/finals/corrections/${c.id}/approve`, { order_number: '1' })
  t.equal(dirPost.statusCode, 403, 'the director cannot approve a grade-5 correction')
  t.equal((await w.as.admin.get(`/finals/corrections/${c.id}`)).statusCode, 403)
  t.equal((await db.selectFrom('final_marks').select('value').where('id', '=', markId).executeTakeFirstOrThrow()).value, '4', 'unchanged')

  const list = await w.as.deputy.get('/finals/corrections')
  t.match(list.body, 'Антонов Артём')
  t.match(list.body, '4 → <strong>5</strong>')
  const detail = await w.as.deputy.get(`/finals/corrections/${c.id}`)
  t.match(detail.body, 'Переписана контрольная работа.')
  t.notMatch(detail.body, 'name="order_number"', 'the deputy approves without an order number')
  const ok = await w.as.deputy.post(`/finals/corrections/${c.id}/approve`, { note: '' })
  t.equal(ok.statusCode, 303)
  const mark = await db.selectFrom('final_marks').selectAll().where('id', '=', markId).executeTakeFirstOrThrow()
  t.same([mark.value, mark.locked, mark.set_by], ['5', 1, s.u.deputy.personId], 'the approval changed the mark, still locked')
  const decided = await db.selectFrom('final_corrections').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow()
  t.same([decided.status, decided.decided_by], ['approved', s.u.deputy.personId])
  const a = await lastAudit(w, 'finals.correction.approve')
  t.same([a.before.value, a.after.value, a.entity_id], ['4', '5', String(markId)])
  const again = await w.as.deputy.post(`/finals/corrections/${c.id}/approve`, {})
  t.equal(again.statusCode, 400, 'a decided correction is not decided twice')
  t.match(again.body, 'Запрос уже рассмотрен')

  // A refusal keeps the mark.
  await w.as.teacher.post(url, { new_value: '3', explanation: 'Ошибка при переносе.' })
  const c2 = await db.selectFrom('final_corrections').select('id').where('status', '=', 'pending').executeTakeFirstOrThrow()
  const noNote = await w.as.deputy.post(`/finals/corrections/${c2.id}/refuse`, { note: '' })
  t.equal(noNote.statusCode, 400)
  t.match(noNote.body, 'Укажите причину отказа')
  const refuse = await w.as.deputy.post(`/finals/corrections/${c2.id}/refuse`, { note: 'Основания нет.' })
  t.equal(refuse.statusCode, 303)
  t.equal((await db.selectFrom('final_marks').select('value').where('id', '=', markId).executeTakeFirstOrThrow()).value, '5', 'refusal keeps it')
  t.equal((await db.selectFrom('final_corrections').select('status').where('id', '=', c2.id).executeTakeFirstOrThrow()).status, 'refused')

  t.test('R-FIN-4: the history is on the page for the deputy', async (t) => {
    const page = await w.as.deputy.get(`${pageUrl(w)}?history=1`)
    t.equal(page.statusCode, 200)
    t.match(page.body, 'История итоговых отметок')
    t.match(page.body, '— → 4')
    t.match(page.body, 'Выставлена (предлагалась: 4)')
    t.match(page.body, 'Запрошено исправление: Переписана контрольная работа.')
    t.match(page.body, 'Исправление утверждено по запросу Математикова А. И.: Переписана контрольная работа.')
    t.match(page.body, '4 → 5')
    t.match(page.body, 'В исправлении отказано: Основания нет.')
    t.match(page.body, 'Завучева', 'who decided')
    const plain = await w.as.deputy.get(pageUrl(w))
    t.notMatch(plain.body, 'История итоговых отметок', 'shown on request')
    t.match(plain.body, '?history=1')
    t.match(plain.body, '<strong>5</strong> <small class="muted">испр.</small>', 'a corrected mark is marked as such')
  })
})

t.test('R-FIN-4: a grade-9 correction needs the written explanation and the director’s order', async (t) => {
  const w = await world(t, ['teacher', 'deputy', 'director', 'classTeacher'])
  const { s, db } = w
  const markId = await setQ2(w, s.c9a, s.s9.personId, '4')
  const url = `${pageUrl(w, s.c9a)}/correct/${markId}`
  const form = await w.as.teacher.get(url)
  t.match(form.body, 'Письменное объяснение учителя')
  t.match(form.body, 'директор')
  const noExpl = await w.as.teacher.post(url, { new_value: '5', explanation: '' })
  t.equal(noExpl.statusCode, 400)
  t.match(noExpl.body, 'Приложите письменное объяснение')
  t.match(noExpl.body, /<option value="5" selected>5<\/option>/, 'input kept')
  t.equal(await count(db, 'final_corrections'), 0)
  const explanation = 'Объяснительная: при выставлении не учтена пересдача зачёта 10 ноября (протокол № 3).'
  t.equal((await w.as.teacher.post(url, { new_value: '5', explanation })).statusCode, 303)
  const c = await db.selectFrom('final_corrections').selectAll().executeTakeFirstOrThrow()
  t.same([c.approver_role, c.explanation], ['director', explanation])

  t.notMatch((await w.as.deputy.get('/finals/corrections')).body, 'Гришин', 'not in the deputy’s list')
  t.equal((await w.as.deputy.get(`/finals/corrections/${c.id}`)).statusCode, 403)
  t.equal((await w.as.deputy.post(`/finals/corrections/${c.id}/approve`, {})).statusCode, 403, 'the deputy cannot approve a grade-9 correction')

  const detail = await w.as.director.get(`/finals/corrections/${c.id}`)
  t.equal(detail.statusCode, 200)
  t.match(detail.body, 'Письменное объяснение учителя')
  t.match(detail.body, 'протокол № 3')
  const noOrder = await w.as.director.post(`/finals/corrections/${c.id}/approve`, { order_number: '', note: 'Согласовано' })
  t.equal(noOrder.statusCode, 400)
  t.match(noOrder.body, 'Укажите номер распоряжения директора.')
  t.match(noOrder.body, 'value="Согласовано"', 'input kept')
  t.equal((await db.selectFrom('final_marks').select('value').where('id', '=', markId).executeTakeFirstOrThrow()).value, '4', 'nothing changed')
  t.equal((await w.as.director.post(`/finals/corrections/${c.id}/approve`, { order_number: '15-у', note: '' })).statusCode, 303)
  t.equal((await db.selectFrom('final_marks').select('value').where('id', '=', markId).executeTakeFirstOrThrow()).value, '5')
  const decided = await db.selectFrom('final_corrections').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow()
  t.same([decided.status, decided.order_number, decided.decided_by], ['approved', '15-у', s.u.director.personId])
  t.match((await w.as.director.get('/finals/corrections')).body, 'распоряжение № 15-у', 'listed as decided')
  const history = await w.as.director.get(`${pageUrl(w, s.c9a)}?history=1`)
  t.match(history.body, 'Распоряжение № 15-у.')
  t.match(history.body, 'протокол № 3')
})

t.test('R-FIN-1: grade 9 pages add the exam and final columns', async (t) => {
  const w = await world(t, ['teacher'])
  const page = await w.as.teacher.get(pageUrl(w, w.s.c9a))
  t.match(page.body, 'Экзамен')
  t.match(page.body, 'Итог')
  t.notMatch((await w.as.teacher.get(pageUrl(w))).body, 'Экзамен', 'not in grade 5')
  t.equal((await w.as.teacher.get(setUrl(w, 'exam'))).statusCode, 404, 'no exam column in grade 5')
})

t.test('R-ARC-5: a closed year refuses every write', async (t) => {
  const w = await world(t, ['teacher'])
  const { s, db } = w
  const url = `/finals/class/${s.oldClass}/${s.subjects.math}`
  const page = await w.as.teacher.get(url)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Учебный год закрыт: отметки можно только просматривать.')
  const post = await w.as.teacher.post(`${url}/set/p${s.oldQ4}`, { [`m_${s.u.student.personId}`]: '5' })
  t.equal(post.statusCode, 409)
  t.match(post.body, 'закрыт и передан в архив')
  // A mark of the closed year (left from before the closing) cannot be corrected either.
  const { id } = await db.insertInto('final_marks').values({ year_id: s.old, student_id: s.u.student.personId, subject_id: s.subjects.math, kind: 'year',
    period_id: null, value: '4', proposed: null, set_by: s.u.teacher.personId, set_at: `${TODAY}T08:00:00Z`, locked: 1 }).returning('id').executeTakeFirstOrThrow()
  const corr = await w.as.teacher.post(`${url}/correct/${id}`, { new_value: '5', explanation: 'Ошибка.' })
  t.equal(corr.statusCode, 409)
  t.equal(await count(db, 'final_corrections'), 0)
  t.equal(await finalsAudit(db), 0)
})
