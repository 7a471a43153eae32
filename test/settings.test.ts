// HTTP tests of the journal settings (R-J-4, R-J-6): every route for every role, the rules saved and read back
// by journalSettings with an audit record, bad values refused with the input kept, kinds of work added,
// renamed and reweighted, and a kind in use kept.
import t from 'tap'
import type { DB } from '../src/db/connection.js'
import { journalSettings } from '../src/lib/school-settings.js'
import { expectFor, world, ROLE_NAMES, TODAY, type RoleName, type Seed } from './school.seed.js'

const EDIT: RoleName[] = ['admin', 'deputy']
const GOOD = { homework_grace_minutes: '60', rounding_threshold: '0,6', default_entry_days: '5', final_days_before: '7', final_days_after: '2', show_class_average: 'on' }

async function settingsAudit(db: DB, action?: string) {
  let q = db.selectFrom('audit_log').selectAll().where('action', 'like', 'settings.%')
  if (action) q = q.where('action', '=', action)
  return (await q.orderBy('id').execute()).map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null }))
}

const kinds = (db: DB) => db.selectFrom('work_kinds').selectAll().orderBy('id').execute()
const kindId = async (db: DB, name: string) => (await db.selectFrom('work_kinds').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id

/** A lesson of 5А mathematics whose first mark column is of this kind of work. */
async function useKind(db: DB, s: Seed, workKindId: number) {
  const l = await db.insertInto('lessons').values({
    year_id: s.year, class_id: s.c5a, subject_id: s.subjects.math, teacher_id: s.u.teacher.personId, date: TODAY, lesson_number: 1, origin: 'extra',
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('lesson_columns').values({ lesson_id: l.id, column_no: 1, work_kind_id: workKindId }).execute()
}

t.test('R-J-6/R-ROLE: every GET route of the journal settings answers each role as it should', async (t) => {
  const w = await world(t)
  const id = await kindId(w.db, 'Диктант')
  for (const url of ['/settings/journal', '/settings/journal/kinds/new', `/settings/journal/kinds/${id}/edit`, `/settings/journal/kinds/${id}/delete`]) {
    for (const role of ROLE_NAMES) {
      const res = await w.as[role].get(url)
      t.equal(res.statusCode, expectFor(EDIT, role), `${role} GET ${url}`)
      if (role === 'anonymous') t.match(res.headers.location, /^\/login/)
    }
  }
  t.equal((await w.as.admin.get('/settings/journal/kinds/99999/edit')).statusCode, 404)
  t.equal((await w.as.admin.get('/settings/journal/kinds/abc/delete')).statusCode, 404)
})

t.test('R-J-6/R-ROLE: every POST route refuses the roles that may not write and writes nothing', async (t) => {
  const w = await world(t)
  const { db } = w
  const ids = (await kinds(db)).map((k) => k.id)
  const mine = Object.fromEntries(ROLE_NAMES.map((r, i) => [r, ids[i]])) as Record<RoleName, number>
  const routes: [string, (r: RoleName) => string, (r: RoleName) => Record<string, string>][] = [
    ['rules', () => '/settings/journal', (r) => ({ ...GOOD, homework_grace_minutes: String(60 + ROLE_NAMES.indexOf(r)) })],
    ['new kind', () => '/settings/journal/kinds/new', (r) => ({ name: `Вид ${r}`, short_name: 'В', weight: '1', deadline_kind: 'same_day', sort_order: '5' })],
    ['edit kind', (r) => `/settings/journal/kinds/${mine[r]}/edit`, (r) => ({ name: `Переименован ${r}`, short_name: 'П', weight: '3', deadline_kind: 'days', deadline_days: '4', sort_order: '1' })],
    ['delete kind', (r) => `/settings/journal/kinds/${mine[r]}/delete`, () => ({})],
  ]
  for (const [name, url, form] of routes) {
    for (const role of ROLE_NAMES) {
      const before = { kinds: await kinds(db), settings: await journalSettings(db), audit: (await settingsAudit(db)).length }
      const res = await w.as[role].post(url(role), form(role))
      t.equal(res.statusCode, expectFor(EDIT, role, 303), `${role} POST ${name}`)
      if (EDIT.includes(role)) {
        t.equal((await settingsAudit(db)).length, before.audit + 1, `${role}: ${name} audited`)
        continue
      }
      t.same(await kinds(db), before.kinds, `${role}: kinds unchanged`)
      t.same(await journalSettings(db), before.settings, `${role}: rules unchanged`)
      t.equal((await settingsAudit(db)).length, before.audit, `${role}: no audit row`)
    }
  }
})

t.test('R-J-6: the rules are saved, read back by journalSettings and audited with before and after', async (t) => {
  const w = await world(t, ['deputy'])
  const { db } = w
  const page = await w.as.deputy.get('/settings/journal')
  t.match(page.body, 'Правила журнала')
  t.match(page.body, /name="homework_grace_minutes"[^>]*value="120"/, 'the default is shown')
  t.match(page.body, /name="rounding_threshold"[^>]*value="0,5"/, 'a decimal with a comma')
  t.match(page.body, 'Допустимо от 0 до 1440, по умолчанию 120.')
  t.match(page.body, /type="checkbox" name="show_class_average">/, 'the yes/no rule is an unticked checkbox')

  const res = await w.as.deputy.post('/settings/journal', GOOD)
  t.equal(res.statusCode, 303)
  t.same(await journalSettings(db), {
    homework_grace_minutes: 60, rounding_threshold: 0.6, default_entry_days: 5, final_days_before: 7, final_days_after: 2, show_class_average: 1,
  })
  const [a] = await settingsAudit(db, 'settings.journal')
  t.same(a.before, { homework_grace_minutes: 120, rounding_threshold: 0.5, default_entry_days: 7, final_days_before: 6, final_days_after: 3, show_class_average: 0 })
  t.match(a.after, { homework_grace_minutes: 60, rounding_threshold: 0.6, show_class_average: 1 })
  const shown = await w.as.deputy.get('/settings/journal')
  t.match(shown.body, 'Правила журнала сохранены.')
  t.match(shown.body, /name="rounding_threshold"[^>]*value="0,6"/)
  t.match(shown.body, /name="show_class_average" checked>/)

  // Unticking the flag turns it off; saving the same values again writes nothing.
  const { show_class_average: _flag, ...noFlag } = GOOD
  await w.as.deputy.post('/settings/journal', noFlag)
  t.equal((await journalSettings(db)).show_class_average, 0)
  const again = await w.as.deputy.post('/settings/journal', noFlag)
  t.equal(again.statusCode, 303)
  t.equal((await settingsAudit(db, 'settings.journal')).length, 2, 'no audit row for a save that changed nothing')
})

t.test('R-J-6: bad values are refused with the input kept and nothing written', async (t) => {
  const w = await world(t, ['admin'])
  const { db } = w
  const res = await w.as.admin.post('/settings/journal', { ...GOOD, homework_grace_minutes: '2000', rounding_threshold: '0,3', default_entry_days: '' })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Форма не сохранена')
  t.match(res.body, 'Введите целое число от 0 до 1440.')
  t.match(res.body, 'Введите число от 0,5 до 0,9.')
  t.match(res.body, 'Заполните это поле.')
  t.match(res.body, /name="homework_grace_minutes"[^>]*value="2000"/, 'the input is kept')
  t.match(res.body, /name="final_days_before"[^>]*value="7"/, 'the good fields too')
  t.match(res.body, /name="show_class_average" checked>/)
  t.match(res.body, 'Контрольная работа', 'the kinds of work are still listed')
  t.same(await db.selectFrom('school_settings').selectAll().where('key', '=', 'homework_grace_minutes').execute(), [])
  t.same(await settingsAudit(db), [])
})

t.test('R-J-4: kinds of work are added, renamed and reweighted; control works listed with their weight', async (t) => {
  const w = await world(t, ['deputy'])
  const { db } = w
  const page = await w.as.deputy.get('/settings/journal')
  t.match(page.body, /<td>Контрольная работа<\/td><td>КР<\/td><td>2<\/td><td>в течение 3 дн.<\/td>\s*<td>да<\/td>/)
  t.match(page.body, /<td>Диктант<\/td><td>Дикт<\/td><td>1,5<\/td><td>к следующему уроку<\/td>/)

  const add = await w.as.deputy.post('/settings/journal/kinds/new', { name: 'Изложение', short_name: 'Изл', weight: '1,5', deadline_kind: 'days', deadline_days: '7', sort_order: '95' })
  t.equal(add.statusCode, 303)
  const created = await db.selectFrom('work_kinds').selectAll().where('name', '=', 'Изложение').executeTakeFirstOrThrow()
  t.match(created, { short_name: 'Изл', weight: 1.5, deadline: 'days:7', is_control: 0, sort_order: 95 })
  t.match((await settingsAudit(db, 'settings.work_kind.create'))[0].after, { name: 'Изложение', weight: 1.5 })

  const dup = await w.as.deputy.post('/settings/journal/kinds/new', { name: 'диктант', short_name: 'Д', weight: '1', deadline_kind: 'same_day' })
  t.equal(dup.statusCode, 400)
  t.match(dup.body, 'Вид работы с таким названием уже есть.')
  t.match(dup.body, 'value="диктант"')

  const badWeight = await w.as.deputy.post(`/settings/journal/kinds/${created.id}/edit`, { name: 'Изложение', short_name: 'Изл', weight: '12', deadline_kind: 'days', deadline_days: '7' })
  t.equal(badWeight.statusCode, 400)
  t.match(badWeight.body, 'Вес — число от 0,5 до 10')
  t.match(badWeight.body, 'value="12"')
  t.equal((await db.selectFrom('work_kinds').select('weight').where('id', '=', created.id).executeTakeFirstOrThrow()).weight, 1.5)

  const kr = await kindId(db, 'Контрольная работа')
  const form = await w.as.deputy.get(`/settings/journal/kinds/${kr}/edit`)
  t.match(form.body, /name="weight"[^>]*value="2"/)
  t.match(form.body, /<option value="days" selected>/)
  t.match(form.body, /name="deadline_days"[^>]*value="3"/)
  t.match(form.body, /name="is_control" checked/)
  const edit = await w.as.deputy.post(`/settings/journal/kinds/${kr}/edit`, { name: 'Контрольная работа', short_name: 'К/р', weight: '3', deadline_kind: 'days', deadline_days: '5', is_control: 'on', sort_order: '100' })
  t.equal(edit.statusCode, 303)
  const after = await db.selectFrom('work_kinds').selectAll().where('id', '=', kr).executeTakeFirstOrThrow()
  t.match(after, { short_name: 'К/р', weight: 3, deadline: 'days:5', is_control: 1 })
  const [upd] = await settingsAudit(db, 'settings.work_kind.update')
  t.match(upd.before, { short_name: 'КР', weight: 2, deadline: 'days:3' })
  t.match(upd.after, { short_name: 'К/р', weight: 3, deadline: 'days:5' })
})

t.test('R-J-4: a kind of work in use cannot be deleted, only renamed or reweighted; an unused one is deleted after confirmation', async (t) => {
  const w = await world(t, ['admin'])
  const { db, s } = w
  const dict = await kindId(db, 'Диктант')
  await useKind(db, s, dict)
  const list = await w.as.admin.get('/settings/journal')
  t.notMatch(list.body, `/settings/journal/kinds/${dict}/delete`, 'no delete link for a kind in use')
  const confirm = await w.as.admin.get(`/settings/journal/kinds/${dict}/delete`)
  t.match(confirm.body, 'Вид работы «Диктант» уже выбран в уроках (1), поэтому удалить его нельзя')
  t.notMatch(confirm.body, `action="/settings/journal/kinds/${dict}/delete"`)
  const res = await w.as.admin.post(`/settings/journal/kinds/${dict}/delete`)
  t.equal(res.statusCode, 409)
  t.match(res.body, 'удалить его нельзя')
  t.ok(await db.selectFrom('work_kinds').select('id').where('id', '=', dict).executeTakeFirst(), 'still there')
  t.same(await settingsAudit(db, 'settings.work_kind.delete'), [])
  const form = await w.as.admin.get(`/settings/journal/kinds/${dict}/edit`)
  t.match(form.body, 'его можно переименовать и изменить вес, но не удалить')
  const rename = await w.as.admin.post(`/settings/journal/kinds/${dict}/edit`, { name: 'Словарный диктант', short_name: 'СД', weight: '1', deadline_kind: 'next_lesson', sort_order: '50' })
  t.equal(rename.statusCode, 303)
  t.equal((await db.selectFrom('work_kinds').select('name').where('id', '=', dict).executeTakeFirstOrThrow()).name, 'Словарный диктант')

  const zach = await kindId(db, 'Зачёт')
  const ask = await w.as.admin.get(`/settings/journal/kinds/${zach}/delete`)
  t.match(ask.body, 'Удалить вид работы «Зачёт»?')
  t.match(ask.body, `action="/settings/journal/kinds/${zach}/delete"`)
  const del = await w.as.admin.post(`/settings/journal/kinds/${zach}/delete`)
  t.equal(del.statusCode, 303)
  t.notOk(await db.selectFrom('work_kinds').select('id').where('id', '=', zach).executeTakeFirst())
  t.match((await settingsAudit(db, 'settings.work_kind.delete'))[0], { entity_id: String(zach), before: { name: 'Зачёт', weight: 2, is_control: 1 } })
  t.match((await w.as.admin.get('/settings/journal')).body, 'Вид работы «Зачёт» удалён.')
})
