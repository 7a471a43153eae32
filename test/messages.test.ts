// Messages over HTTP, the family side: a parent writes to the class teacher who answers; whom a family may write
// to; unread counts; the size limit; plain text escaped (R-D-3, R-ACC-2, R-ACC-8).
import t from 'tap'
import { auditRows, count, thread, world, TODAY } from './messages.seed.js'
import { loginAs } from './helper.js'
import { unreadCount, loadParty } from '../src/features/messages/messages.queries.js'

const threadIdOf = (location: unknown) => Number(/^\/messages\/(\d+)$/.exec(String(location))?.[1])

t.test('R-D-3: a parent writes to the class teacher, who reads and answers; unread counts go down on reading', async (t) => {
  const w = await world(t, ['parent', 'classTeacher'])
  const { s, db } = w
  const form = await w.as.parent.get('/messages/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, 'Классная Мария Петровна — классный руководитель 5А, Русский язык', 'the class teacher is offered, with what she is to the family')

  const res = await w.as.parent.post('/messages/new', { to: s.u.classTeacher.personId, subject: 'Пропуск в пятницу', body: 'Здравствуйте!\nАртём будет у врача.' })
  t.equal(res.statusCode, 303)
  const id = threadIdOf(res.headers.location)
  t.ok(id > 0, 'goes to the new thread')
  const stored = await db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.equal(stored.about_student_id, s.u.student.personId, 'the thread is about the parent\'s child')

  t.equal(await unreadCount(db, s.u.classTeacher.personId), 1, 'the class teacher has one unread message')
  t.equal(await unreadCount(db, s.u.parent.personId), 0, 'the sender\'s own message is not unread for her')
  const inbox = await w.as.classTeacher.get('/messages')
  t.match(inbox.body, 'Непрочитанных сообщений: 1.')
  t.match(inbox.body, /<tr class="unread">[\s\S]*Пропуск в пятницу/, 'the thread is marked unread')
  t.match(inbox.body, 'об ученике: Антонов Артём')

  const page = await w.as.classTeacher.get(`/messages/${id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Артём будет у врача.')
  t.match(page.body, 'Антонов Артём, 5А', 'the thread names the child it is about')
  t.equal(await unreadCount(db, s.u.classTeacher.personId), 0, 'opening the thread marks it read')
  t.match((await w.as.classTeacher.get('/messages')).body, 'Непрочитанных сообщений нет.')

  const answer = await w.as.classTeacher.post(`/messages/${id}/reply`, { body: 'Спасибо, отметим.' })
  t.equal(answer.statusCode, 303)
  t.match(answer.headers.location, new RegExp(`^/messages/${id}#m\\d+$`))
  t.equal(await unreadCount(db, s.u.parent.personId), 1, 'the answer is unread for the parent')
  t.match((await w.as.parent.get('/messages')).body, '<span class="count">1</span>', 'the count shows on the tab')
  t.match((await w.as.parent.get(`/messages/${id}`)).body, 'Спасибо, отметим.')
  t.equal(await unreadCount(db, s.u.parent.personId), 0)

  const sent = await w.as.classTeacher.get('/messages/sent')
  t.match(sent.body, 'Антонова Светлана Игоревна', 'sent lists the recipient')
  t.match(sent.body, 'Спасибо, отметим.')

  const audits = await auditRows(db, 'message.send')
  t.equal(audits.length, 2, 'both messages are audited')
  t.same(audits[0].after, { thread_id: id, new_thread: true, to: [s.u.classTeacher.personId], about_student_id: s.u.student.personId, chars: 'Здравствуйте!\nАртём будет у врача.'.length })
  t.notOk(audits.some((a) => JSON.stringify(a).includes('врача') || JSON.stringify(a).includes('Пропуск')), 'the audit keeps no text: messages are private')
})

t.test('R-D-3: a family\'s recipients are the teachers of their class and the administration, nobody else', async (t) => {
  const w = await world(t, ['parent', 'student'])
  const { s, db } = w
  for (const who of ['parent', 'student'] as const) {
    const body = (await w.as[who].get('/messages/new')).body
    for (const name of ['Классная Мария', 'Предметникова Анна', 'Директорова Елена', 'Завучева Ирина', 'Админов Сергей']) t.match(body, name, `${who} may write to ${name}`)
    t.match(body, 'Предметникова Анна Ивановна — Математика, Английский язык', 'the subject teacher with what she teaches the class')
    t.match(body, 'администратор (технические вопросы)')
    for (const name of ['Шестакова', 'Чужой', 'Диспетчерова', 'Секретарёва', 'Борисов', 'Шестов', 'Шестова']) t.notMatch(body, name, `${who} is not offered ${name}`)
    t.notMatch(body, 'example.org', 'no e-mail shown')
    t.notMatch(body, '900 111', 'no phone shown')
  }

  // The POST is checked as well: another class's teachers and other families are refused and nothing is written.
  for (const [who, to] of [['parent', s.teacher6], ['parent', s.ct6], ['parent', s.parent2], ['parent', s.parent6], ['parent', s.student2],
    ['student', s.teacher6], ['student', s.student2], ['student', s.u.parent], ['parent', s.u.scheduler], ['parent', s.u.clerk]] as const) {
    const target = to
    const before = await count(db, 'messages')
    const res = await w.as[who].post('/messages/new', { to: target.personId, subject: 'Вопрос', body: 'Здравствуйте' })
    t.equal(res.statusCode, 403, `${who} → person ${target.personId} refused`)
    t.match(res.body, 'Этому получателю вы писать не можете.')
    t.equal(await count(db, 'messages'), before, 'nothing written')
  }
  const mixed = await w.as.parent.post('/messages/new', { to: [s.u.classTeacher.personId, s.parent2.personId], subject: 'Вопрос', body: 'Здравствуйте' })
  t.equal(mixed.statusCode, 403, 'one recipient out of scope refuses the whole message')
  t.equal(await count(db, 'threads'), 0, 'no thread written')
  const all = await w.as.parent.post('/messages/new', { all_parents: s.c5a, subject: 'Всем', body: 'Здравствуйте' })
  t.equal(all.statusCode, 403, 'a parent cannot write to all parents of a class')
  const ghost = await w.as.parent.post('/messages/new', { to: 999999, subject: 'Вопрос', body: 'Здравствуйте' })
  t.equal(ghost.statusCode, 403, 'an unknown person is refused the same way')
  // ?to= of another family shows nothing of them.
  const pre = await w.as.parent.get(`/messages/new?to=${s.parent2.personId}`)
  t.equal(pre.statusCode, 200)
  t.notMatch(pre.body, 'Борисов', 'a preselected stranger is not shown')
  t.equal(await count(db, 'messages'), 0)
})

t.test('R-D-3: a parent with two children chooses the child; only their own', async (t) => {
  const w = await world(t, [])
  const { s, db } = w
  await db.insertInto('parent_links').values({ parent_id: s.parent6.personId, student_id: s.student2.personId, relation: 'mother' }).execute()
  const c = await loginAs(w.app, 'parent6')
  const form = await c.get('/messages/new')
  t.match(form.body, 'О ком из детей')
  t.match(form.body, 'Классная Мария', 'the teachers of both children are offered')
  t.match(form.body, 'Шестакова Галина')
  const bad = await c.post('/messages/new', { to: s.u.classTeacher.personId, about: s.u.student.personId, subject: 'Вопрос', body: 'Текст' })
  t.equal(bad.statusCode, 400, 'a child that is not hers is refused')
  t.match(bad.body, 'Выберите одного из своих детей.')
  const ok = await c.post('/messages/new', { to: s.u.classTeacher.personId, subject: 'Вопрос', body: 'Текст' })
  t.equal(ok.statusCode, 303)
  const th = await db.selectFrom('threads').select('about_student_id').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.equal(th.about_student_id, s.student2.personId, 'without a choice, the child in the teacher\'s class')
})

t.test('R-D-3: plain text — HTML escaped, line breaks kept, links not clickable; 5000 characters at most', async (t) => {
  const w = await world(t, ['parent', 'classTeacher'])
  const { s, db } = w
  const body = 'Первая строка\n<script>alert(1)</script>\n<b>жирный</b> <a href="http://evil.example">ссылка</a> http://site.example/x'
  const res = await w.as.parent.post('/messages/new', { to: s.u.classTeacher.personId, subject: '<i>Тема</i>', body: body.replace(/\n/g, '\r\n') })
  t.equal(res.statusCode, 303)
  const id = threadIdOf(res.headers.location)
  t.equal((await db.selectFrom('messages').select('body').where('thread_id', '=', id).executeTakeFirstOrThrow()).body, body, 'stored as typed, CRLF as LF')
  const page = (await w.as.classTeacher.get(`/messages/${id}`)).body
  t.notMatch(page, '<script>alert', 'no script gets through')
  t.match(page, '&lt;script&gt;alert(1)&lt;/script&gt;', 'it shows as text')
  t.match(page, '&lt;b&gt;жирный&lt;/b&gt;')
  t.notMatch(page, 'href="http://evil.example"', 'a link in the text is not a link')
  t.notMatch(page, 'href="http://site.example', 'a bare address is not made clickable')
  t.match(page, '&lt;i&gt;Тема&lt;/i&gt;', 'the subject is escaped too')
  t.match(page, /<p class="text">Первая строка\n&lt;script&gt;/, 'the line break is kept in a pre-wrap block')

  const long = 'я'.repeat(5001)
  const before = await count(db, 'messages')
  const tooLong = await w.as.parent.post('/messages/new', { to: s.u.classTeacher.personId, subject: 'Длинное', body: long })
  t.equal(tooLong.statusCode, 400)
  t.match(tooLong.body, 'Слишком длинный текст: 5001 символ, можно не более 5000.')
  t.match(tooLong.body, long, 'the text typed is kept')
  t.match(tooLong.body, 'value="Длинное"', 'the subject too')
  t.match(tooLong.body, new RegExp(`<option value="${s.u.classTeacher.personId}" selected>`), 'and the recipient')
  const tooLongReply = await w.as.parent.post(`/messages/${id}/reply`, { body: long })
  t.equal(tooLongReply.statusCode, 400)
  t.match(tooLongReply.body, 'Слишком длинный текст')
  t.match(tooLongReply.body, long)
  t.equal(await count(db, 'messages'), before, 'nothing written')
  const exact = await w.as.parent.post(`/messages/${id}/reply`, { body: 'я'.repeat(5000) })
  t.equal(exact.statusCode, 303, '5000 characters are fine')

  const empty = await w.as.parent.post('/messages/new', { to: '', subject: '', body: '   ' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, 'Выберите хотя бы одного получателя.')
  t.match(empty.body, 'Заполните это поле.')
})

t.test('R-D-3: unreadCount and the party of a person', async (t) => {
  const w = await world(t, [])
  const { s, db } = w
  const a = await thread(db, s.u.classTeacher.personId, s.u.parent.personId, 'Первое', 'Раз')
  await thread(db, s.u.teacher.personId, s.u.parent.personId, 'Второе', 'Два')
  await db.insertInto('messages').values({ thread_id: a, sender_id: s.u.classTeacher.personId, body: 'Ещё', created_at: new Date(Date.now() + 1000).toISOString() }).execute()
  t.equal(await unreadCount(db, s.u.parent.personId), 3)
  t.equal(await unreadCount(db, s.u.classTeacher.personId), 0)
  t.equal(await unreadCount(db, s.u.admin.personId), 0, 'nobody else counts them')
  const p = await loadParty(db, s.u.parent.personId, TODAY)
  t.same(p.familyClasses, [s.c5a])
  t.same(p.familyGroups, [s.g5aEng])
  const teacher = await loadParty(db, s.u.teacher.personId, TODAY)
  t.same(teacher.teachesClasses, [s.c5a], 'the subgroup counts as its class')
  t.same(teacher.teachesGroups, [s.g5aEng])
})
