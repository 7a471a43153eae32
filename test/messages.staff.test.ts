// Messages over HTTP, the staff side and privacy: a thread is read only by its participants, whatever the role;
// staff write to staff and to the families of the classes they work with (R-D-3, R-ACC-2).
import t from 'tap'
import { auditRows, count, thread, world, ROLE_NAMES } from './messages.seed.js'
import { loginAs } from './helper.js'

t.test('R-D-3, R-ACC-2: a thread is read only by its participants; everyone else gets 404, staff included', async (t) => {
  const w = await world(t)
  const { s, db } = w
  const id = await thread(db, s.u.parent.personId, s.u.classTeacher.personId, 'Личный вопрос', 'Только для классного руководителя')
  const other = await thread(db, s.parent2.personId, s.u.teacher.personId, 'Вопрос Борисова', 'Про оценки Веры')
  for (const role of ROLE_NAMES) {
    const c = w.as[role]
    const res = await c.get(`/messages/${id}`)
    const participant = role === 'parent' || role === 'classTeacher'
    t.equal(res.statusCode, role === 'anonymous' ? 302 : participant ? 200 : 404, `${role} GET /messages/${id}`)
    if (!participant) t.notMatch(res.body, 'Только для классного', `${role} sees nothing of it`)
    const before = await count(db, 'messages')
    const rep = await c.post(`/messages/${id}/reply`, { body: 'Вмешиваюсь' })
    t.equal(rep.statusCode, role === 'anonymous' ? 302 : participant ? 303 : 404, `${role} POST reply`)
    t.equal(await count(db, 'messages'), before + (participant ? 1 : 0), participant ? 'the participant replied' : 'nothing written')
    const inbox = await c.get('/messages')
    if (role !== 'anonymous' && role !== 'teacher') t.notMatch(inbox.body, 'Вопрос Борисова', `${role} does not see another family's thread in the inbox`)
    for (const bad of [`/messages/${other}`, '/messages/999999', '/messages/abc', '/messages/0']) {
      if (role === 'anonymous' || role === 'teacher') continue
      t.equal((await c.get(bad)).statusCode, 404, `${role} GET ${bad}`)
    }
  }
  t.equal((await w.as.teacher.get(`/messages/${other}`)).statusCode, 200, 'the teacher reads the thread she takes part in')
  t.notMatch((await w.as.parent.get('/messages')).body, 'Борисов', 'the parent\'s inbox never names another family')
})

t.test('R-D-3: staff write to staff and to the families of the classes they work with', async (t) => {
  const w = await world(t, ['classTeacher', 'teacher', 'scheduler', 'director'])
  const { s, db } = w
  // The class teacher opens 5А: its students and parents are listed with their child, never 6Б's.
  const form = await w.as.classTeacher.get(`/messages/new?class=${s.c5a}`)
  t.match(form.body, 'Антонова Светлана Игоревна')
  t.match(form.body, 'мать: Антонов Артём')
  t.match(form.body, 'Борисов Олег Романович')
  t.match(form.body, 'ученик 5А')
  t.match(form.body, 'Всем родителям класса 5А')
  t.match(form.body, 'Шестакова Галина', 'all staff are offered')
  t.notMatch(form.body, 'Шестова', 'another class\'s family is not')
  const other = await w.as.classTeacher.get(`/messages/new?class=${s.c6b}`)
  t.notMatch(other.body, 'Шестова', 'a class she does not work with is not opened')
  t.notMatch(other.body, '>6Б<', 'nor offered')

  // ?to= of a parent opens the child's class with the parent ticked.
  const pre = await w.as.classTeacher.get(`/messages/new?to=${s.u.parent.personId}`)
  t.match(pre.body, new RegExp(`name="to" value="${s.u.parent.personId}" checked`))

  const res = await w.as.classTeacher.post('/messages/new', { class: s.c5a, all_parents: s.c5a, subject: 'Родительское собрание', body: 'В четверг в 18:00.' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/messages/sent')
  const threads = await db.selectFrom('threads').select(['id', 'about_student_id']).where('subject', '=', 'Родительское собрание').orderBy('id').execute()
  t.equal(threads.length, 2, 'one thread per parent of 5А')
  t.same(threads.map((x) => x.about_student_id).sort(), [s.u.student.personId, s.student2.personId].sort(), 'each about the parent\'s child')
  for (const th of threads) t.equal(Number((await db.selectFrom('thread_participants').select((eb) => eb.fn.countAll<number>().as('n')).where('thread_id', '=', th.id).executeTakeFirstOrThrow()).n), 2, 'two participants only')
  const mum = await loginAs(w.app, 'parent')
  const seen = await mum.get('/messages')
  t.match(seen.body, 'Родительское собрание')
  t.notMatch(seen.body, 'Борисов', 'the other parent is not named to her')
  t.equal((await auditRows(db, 'message.send')).length, 2, 'each message audited')

  // A subject teacher reaches 5А's families (her workload) but not 6Б's.
  t.equal((await w.as.teacher.post('/messages/new', { to: s.u.parent.personId, subject: 'Оценки', body: 'Добрый день' })).statusCode, 303)
  t.equal((await w.as.teacher.post('/messages/new', { to: s.parent6.personId, subject: 'Оценки', body: 'Добрый день' })).statusCode, 403)
  t.equal((await w.as.teacher.post('/messages/new', { all_parents: s.c6b, subject: 'Оценки', body: 'Добрый день' })).statusCode, 403)
  // A scheduler writes to staff only; the director to any family.
  t.equal((await w.as.scheduler.post('/messages/new', { to: s.u.teacher.personId, subject: 'Замена', body: 'Завтра 3 урок' })).statusCode, 303)
  t.equal((await w.as.scheduler.post('/messages/new', { to: s.u.parent.personId, subject: 'Замена', body: 'Завтра 3 урок' })).statusCode, 403)
  t.equal((await w.as.director.post('/messages/new', { to: s.parent6.personId, subject: 'Приглашение', body: 'Зайдите, пожалуйста' })).statusCode, 303)
  const dirForm = await w.as.director.get(`/messages/new?class=${s.c6b}`)
  t.match(dirForm.body, 'Шестова Дарья', 'the administration opens any class')
})
