// HTTP tests of the school area: forms with bad input, writes with their audit rows, closed years, scoping
// (R-ORG-1..3, R-ROLE, R-ACC-5, R-ARC-5, R-NF-4). The role-by-route matrix is in school.roles.test.ts.
import t from 'tap'
import { auditCount, lastAudit, world, TODAY } from './school.seed.js'
import { classLabel, classesOfYear, currentYear, periodsForGrade } from '../src/features/school/school.queries.js'

t.test('R-ROLE: the overview shows the school and the current year; only the admin edits the settings', async (t) => {
  const w = await world(t, ['admin', 'director'])
  const page = await w.as.director.get('/school')
  t.match(page.body, '2026/2027')
  t.match(page.body, 'до 15.09.2026')
  t.match(page.body, `/school/years/${w.s.year}/classes`)
  t.notMatch(page.body, '/school/settings', 'no settings link for the director')
  t.match((await w.as.admin.get('/school')).body, '/school/settings')

  const before = await auditCount(w.db)
  const bad = await w.as.admin.post('/school/settings', { school_name: '', school_address: 'ул. Школьная, 1' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Заполните это поле.')
  t.match(bad.body, 'value="ул. Школьная, 1"', 'input kept')
  t.equal(await auditCount(w.db), before, 'nothing written')
  t.equal((await w.db.selectFrom('school_settings').selectAll().execute()).length, 0)

  const ok = await w.as.admin.post('/school/settings', { school_name: 'МБОУ «СОШ № 5»', school_short_name: 'СОШ № 5', school_address: 'ул. Школьная, 1' })
  t.equal(ok.statusCode, 303)
  t.match((await w.as.admin.get('/school')).body, 'МБОУ «СОШ № 5»')
  const a = await lastAudit(w.db, 'school.settings')
  t.same(a.before, { school_name: '', school_short_name: '', school_address: '' })
  t.equal(a.after.school_name, 'МБОУ «СОШ № 5»')
  await w.as.admin.post('/school/settings', { school_name: 'МБОУ СОШ № 5', school_address: '' })
  t.equal((await lastAudit(w.db, 'school.settings')).before.school_name, 'МБОУ «СОШ № 5»', 'the value before is recorded')
})

t.test('R-ORG-1: create and edit a year; bad input is re-rendered and writes nothing', async (t) => {
  const w = await world(t, ['deputy'])
  const form = await w.as.deputy.get('/school/years/new')
  t.match(form.body, 'value="2027/2028"', 'the next year is suggested')
  t.match(form.body, 'value="2027-09-15"', 'adaptation end defaults to 15.09')

  const before = await auditCount(w.db)
  const bad = await w.as.deputy.post('/school/years/new', { name: '2027', starts_on: '01.09.2027', ends_on: '31.08.2027', status: 'open' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Укажите год в виде 2026/2027')
  t.match(bad.body, 'Окончание года должно быть позже начала.')
  t.match(bad.body, 'value="01.09.2027"', 'input kept')
  t.equal(await auditCount(w.db), before)
  const dup = await w.as.deputy.post('/school/years/new', { name: '2025/2026', starts_on: '2025-09-01', ends_on: '2026-08-31' })
  t.equal(dup.statusCode, 400)
  t.match(dup.body, 'Такой учебный год уже есть.')

  const ok = await w.as.deputy.post('/school/years/new', { name: '2027/2028', starts_on: '01.09.2027', ends_on: '31.08.2028', adaptation_ends_on: '', status: 'draft' })
  t.equal(ok.statusCode, 303)
  const y = await w.db.selectFrom('academic_years').selectAll().where('name', '=', '2027/2028').executeTakeFirstOrThrow()
  t.same([y.starts_on, y.ends_on, y.adaptation_ends_on, y.status], ['2027-09-01', '2028-08-31', '2027-09-15', 'draft'])
  t.equal((await w.db.selectFrom('grade_bands').selectAll().where('year_id', '=', y.id).execute()).length, 2, 'default bands created')
  t.equal((await lastAudit(w.db, 'school.year.create')).entity_id, String(y.id))
  const page = await w.as.deputy.get(ok.headers.location as string)
  t.match(page.body, 'Учебный год 2027/2028 создан')

  const cut = await w.as.deputy.post(`/school/years/${w.s.year}/edit`, { name: '2026/2027', starts_on: '2026-11-01', ends_on: '2027-08-31', adaptation_ends_on: '2026-11-15' })
  t.equal(cut.statusCode, 400, 'new dates may not leave periods or holidays outside')
  t.match(cut.body, 'окажется вне учебного года')
  const edit = await w.as.deputy.post(`/school/years/${w.s.year}/edit`, { name: '2026/2027', starts_on: '2026-09-01', ends_on: '2027-08-31', adaptation_ends_on: '2026-09-20', status: 'open' })
  t.equal(edit.statusCode, 303)
  const a = await lastAudit(w.db, 'school.year.update')
  t.equal(a.before.adaptation_ends_on, '2026-09-15')
  t.equal(a.after.adaptation_ends_on, '2026-09-20')
})

t.test('R-ORG-1: the year page shows bands, periods per scheme and holidays', async (t) => {
  const w = await world(t, ['deputy', 'scheduler'])
  const page = await w.as.scheduler.get(`/school/years/${w.s.year}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Четверти')
  t.match(page.body, 'Полугодия')
  t.match(page.body, '1 полугодие')
  t.match(page.body, '09.01.2027')
  t.match(page.body, 'Осенние каникулы')
  t.match(page.body, 'Даты периодов не заданы.', 'quarters have no dates yet')
  t.notMatch(page.body, `/school/years/${w.s.year}/bands`, 'no edit links for the scheduler')
  t.notMatch(page.body, '<script', 'no script at all')
  t.match((await w.as.deputy.get(`/school/years/${w.s.year}`)).body, `/school/years/${w.s.year}/bands`)
})

t.test('R-ORG-1: grade bands and periods are validated and saved with audit', async (t) => {
  const w = await world(t, ['admin'])
  const y = w.s.year
  const before = await auditCount(w.db)
  const overlap = await w.as.admin.post(`/school/years/${y}/bands`, { from_1: '1', to_1: '9', scheme_1: 'quarter', from_2: '9', to_2: '11', scheme_2: 'half' })
  t.equal(overlap.statusCode, 400)
  t.match(overlap.body, 'Параллели 1–9 и 9–11 пересекаются')
  t.match(overlap.body, /name="from_2"[^>]*value="9"/, 'input kept')
  const gap = await w.as.admin.post(`/school/years/${y}/bands`, { from_1: '1', to_1: '8', scheme_1: 'quarter' })
  t.match(gap.body, 'параллелей: 9, 10, 11')
  t.equal(await auditCount(w.db), before, 'nothing written')

  const ok = await w.as.admin.post(`/school/years/${y}/bands`, { from_1: '1', to_1: '4', scheme_1: 'quarter', from_2: '5', to_2: '9', scheme_2: 'trimester', from_3: '10', to_3: '11', scheme_3: 'half' })
  t.equal(ok.statusCode, 303)
  const bands = await w.db.selectFrom('grade_bands').select(['grade_from', 'grade_to', 'scheme']).where('year_id', '=', y).orderBy('grade_from').execute()
  t.same(bands.map((b) => b.scheme), ['quarter', 'trimester', 'half'])
  const a = await lastAudit(w.db, 'school.bands.save')
  t.equal(a.before.length, 2)
  t.equal(a.after.length, 3)

  const badPeriods = await w.as.admin.post(`/school/years/${y}/periods/trimester`, {
    start_1: '2026-09-01', end_1: '2026-11-30', start_2: '2026-11-30', end_2: '2027-02-28', start_3: '2027-03-01', end_3: '2027-09-30',
  })
  t.equal(badPeriods.statusCode, 400)
  t.match(badPeriods.body, 'после окончания предыдущего (1)')
  t.match(badPeriods.body, 'внутри учебного года')
  t.match(badPeriods.body, 'value="2027-09-30"', 'input kept')
  t.equal(await auditCount(w.db, 'school.periods.save'), 0)

  const good = { start_1: '2026-09-01', end_1: '2026-11-30', start_2: '2026-12-01', end_2: '2027-02-28', start_3: '2027-03-01', end_3: '2027-05-31' }
  t.equal((await w.as.admin.post(`/school/years/${y}/periods/trimester`, good)).statusCode, 303)
  const ids = (await w.db.selectFrom('periods').select('id').where('scheme', '=', 'trimester').orderBy('number').execute()).map((p) => p.id)
  t.equal(ids.length, 3)
  t.equal((await w.as.admin.post(`/school/years/${y}/periods/trimester`, { ...good, end_3: '2027-05-26' })).statusCode, 303)
  const again = await w.db.selectFrom('periods').select(['id', 'ends_on']).where('scheme', '=', 'trimester').orderBy('number').execute()
  t.same(again.map((p) => p.id), ids, 'periods are updated in place')
  t.equal(again[2].ends_on, '2027-05-26')
  t.same((await lastAudit(w.db, 'school.periods.save')).before.periods[2].ends_on, '2027-05-31')
  t.equal((await w.as.admin.get(`/school/years/${y}/periods/weeks`)).statusCode, 404, 'unknown scheme')

  const periods = await periodsForGrade(w.db, y, 7)
  t.same(periods.map((p) => [p.scheme, p.number]), [['trimester', 1], ['trimester', 2], ['trimester', 3]], 'periodsForGrade follows the band')
  t.same((await periodsForGrade(w.db, y, 11)).map((p) => p.number), [1, 2])
})

t.test('R-ORG-1: holidays are added, edited and deleted through a confirmation page', async (t) => {
  const w = await world(t, ['admin'])
  const y = w.s.year
  const bad = await w.as.admin.post(`/school/years/${y}/holidays/new`, { name: 'Летние', starts_on: '2027-06-01', ends_on: '2027-09-05', grade_from: '1', grade_to: '11' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Каникулы должны лежать внутри учебного года.')
  t.match(bad.body, 'value="Летние"')
  const bad2 = await w.as.admin.post(`/school/years/${y}/holidays/new`, { name: '', starts_on: '32.01.2027', ends_on: '2027-01-08' })
  t.match(bad2.body, 'Заполните это поле.')
  t.match(bad2.body, 'Введите дату в виде ДД.ММ.ГГГГ.')
  t.equal(await auditCount(w.db, 'school.holiday.create'), 0)

  const ok = await w.as.admin.post(`/school/years/${y}/holidays/new`, { name: 'Дополнительные каникулы для 1 класса', starts_on: '15.02.2027', ends_on: '21.02.2027', grade_from: '1', grade_to: '1' })
  t.equal(ok.statusCode, 303)
  const h = await w.db.selectFrom('holidays').selectAll().where('name', 'like', 'Дополнительные%').executeTakeFirstOrThrow()
  t.same([h.starts_on, h.grade_from, h.grade_to], ['2027-02-15', 1, 1])
  t.same((await lastAudit(w.db, 'school.holiday.create')).after, { year_id: y, name: h.name, starts_on: '2027-02-15', ends_on: '2027-02-21', grade_from: 1, grade_to: 1 })
  t.match((await w.as.admin.get(`/school/years/${y}`)).body, '15.02.2027')

  t.equal((await w.as.admin.post(`/school/holidays/${h.id}/edit`, { name: 'Февральские (1 кл.)', starts_on: '2027-02-15', ends_on: '2027-02-21', grade_from: '1', grade_to: '1' })).statusCode, 303)
  t.equal((await lastAudit(w.db, 'school.holiday.update')).before.name, 'Дополнительные каникулы для 1 класса')

  const confirm = await w.as.admin.get(`/school/holidays/${h.id}/delete`)
  t.match(confirm.body, 'Удалить эти каникулы из графика?')
  t.match(confirm.body, 'Февральские (1 кл.)')
  t.ok(await w.db.selectFrom('holidays').select('id').where('id', '=', h.id).executeTakeFirst(), 'GET deletes nothing')
  t.equal((await w.as.admin.post(`/school/holidays/${h.id}/delete`)).statusCode, 303)
  t.notOk(await w.db.selectFrom('holidays').select('id').where('id', '=', h.id).executeTakeFirst())
  t.equal((await lastAudit(w.db, 'school.holiday.delete')).before.name, 'Февральские (1 кл.)')
  t.equal((await w.as.admin.get('/school/holidays/99999/edit')).statusCode, 404)
})

t.test('R-ORG-3: subjects: create, duplicate name, edit, no deletion while in use', async (t) => {
  const w = await world(t, ['deputy', 'clerk'])
  const list = await w.as.clerk.get('/school/subjects')
  t.match(list.body, 'Английский язык')
  t.notMatch(list.body, '/school/subjects/new', 'no add link for the clerk')

  const bad = await w.as.deputy.post('/school/subjects/new', { name: 'математика', short_name: '', sort_order: 'x' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Заполните это поле.')
  t.match(bad.body, 'Введите число.')
  const dup = await w.as.deputy.post('/school/subjects/new', { name: 'математика', short_name: 'М' })
  t.equal(dup.statusCode, 400)
  t.match(dup.body, 'Предмет с таким названием уже есть.')
  t.match(dup.body, 'value="математика"')
  t.equal(await auditCount(w.db, 'school.subject.create'), 0)

  t.equal((await w.as.deputy.post('/school/subjects/new', { name: 'Химия', short_name: 'Хим.', sort_order: '50' })).statusCode, 303)
  const chem = await w.db.selectFrom('subjects').selectAll().where('name', '=', 'Химия').executeTakeFirstOrThrow()
  t.equal(chem.sort_order, 50)
  t.same((await lastAudit(w.db, 'school.subject.create')).after, { name: 'Химия', short_name: 'Хим.', is_pe: 0, sort_order: 50 })
  t.equal((await w.as.deputy.post(`/school/subjects/${chem.id}/edit`, { name: 'Химия', short_name: 'Химия', is_pe: 'on', sort_order: '55' })).statusCode, 303)
  const a = await lastAudit(w.db, 'school.subject.update')
  t.same([a.before.short_name, a.after.short_name, a.after.is_pe], ['Хим.', 'Химия', 1])

  const inUse = await w.as.deputy.get(`/school/subjects/${w.s.subjects.math}/delete`)
  t.match(inUse.body, 'Предмет нельзя удалить')
  t.notMatch(inUse.body, 'class="danger"', 'no delete button for a subject in use')
  const refused = await w.as.deputy.post(`/school/subjects/${w.s.subjects.math}/delete`)
  t.equal(refused.statusCode, 303)
  t.match((await w.as.deputy.get('/school/subjects')).body, 'Предмет нельзя удалить')
  t.ok(await w.db.selectFrom('subjects').select('id').where('id', '=', w.s.subjects.math).executeTakeFirst(), 'still there')
  t.equal(await auditCount(w.db, 'school.subject.delete'), 0)

  t.match((await w.as.deputy.get(`/school/subjects/${chem.id}/delete`)).body, 'Он нигде не используется')
  t.equal((await w.as.deputy.post(`/school/subjects/${chem.id}/delete`)).statusCode, 303)
  t.notOk(await w.db.selectFrom('subjects').select('id').where('id', '=', chem.id).executeTakeFirst())
  t.equal((await lastAudit(w.db, 'school.subject.delete')).before.name, 'Химия')
})

t.test('R-ORG-2: classes: list with enrolled counts, create, unique grade+letter, edit', async (t) => {
  const w = await world(t, ['admin', 'director', 'deputy', 'clerk'])
  const list = await w.as.clerk.get(`/school/years/${w.s.year}/classes`)
  t.match(list.body, '5А')
  t.match(list.body, 'Классная М. П.')
  t.match(list.body, /5А<\/a><\/td>\s*<td>[^<]*<\/td>\s*<td>2<\/td>/, 'two students now: the departed one is not counted')

  const form = await w.as.admin.get(`/school/years/${w.s.year}/classes/new`)
  t.match(form.body, 'Предметникова Анна Ивановна', 'teachers are offered')
  t.notMatch(form.body, 'Антонов Артём', 'students are not')

  const dup = await w.as.admin.post(`/school/years/${w.s.year}/classes/new`, { grade: '5', letter: 'а', class_teacher_id: String(w.s.u.teacher.personId) })
  t.equal(dup.statusCode, 400)
  t.match(dup.body, 'Класс 5А в этом году уже есть.')
  t.match(dup.body, 'value="а"', 'input kept')
  const notTeacher = await w.as.admin.post(`/school/years/${w.s.year}/classes/new`, { grade: '6', letter: 'А', class_teacher_id: String(w.s.u.student.personId) })
  t.equal(notTeacher.statusCode, 400)
  t.match(notTeacher.body, 'Выберите значение из списка.')
  const badLetter = await w.as.admin.post(`/school/years/${w.s.year}/classes/new`, { grade: '12', letter: '6-А' })
  t.match(badLetter.body, 'Укажите параллель от 1 до 11.')
  t.match(badLetter.body, 'Литера — одна-три буквы')
  t.equal(await auditCount(w.db, 'school.class.create'), 0)

  t.equal((await w.as.admin.post(`/school/years/${w.s.year}/classes/new`, { grade: '6', letter: 'в', class_teacher_id: String(w.s.u.teacher.personId) })).statusCode, 303)
  const c = await w.db.selectFrom('classes').selectAll().where('grade', '=', 6).executeTakeFirstOrThrow()
  t.same([c.letter, c.class_teacher_id], ['В', w.s.u.teacher.personId])
  t.same((await lastAudit(w.db, 'school.class.create')).after.letter, 'В')

  t.equal((await w.as.deputy.post(`/school/classes/${c.id}/edit`, { grade: '6', letter: 'Б', class_teacher_id: '' })).statusCode, 303)
  const a = await lastAudit(w.db, 'school.class.update')
  t.same([a.before.letter, a.before.class_teacher_id, a.after.letter, a.after.class_teacher_id], ['В', w.s.u.teacher.personId, 'Б', null])
  const clash = await w.as.deputy.post(`/school/classes/${c.id}/edit`, { grade: '5', letter: 'Б' })
  t.match(clash.body, 'Класс 5Б в этом году уже есть.')

  const page = await w.as.director.get(`/school/classes/${w.s.c5a}`)
  t.match(page.body, 'Математика')
  t.match(page.body, 'Предметникова Анна Ивановна')
  t.match(page.body, 'Английский язык, 1 гр.')

  const rows = await classesOfYear(w.db, w.s.year)
  t.same(rows.map((r) => r.label), ['5А', '5Б', '6Б', '10А'], 'classesOfYear in grade order')
  t.equal(classLabel(5, 'А'), '5А')
})

t.test('R-ORG-3: the curriculum form saves every subject in one go, with audit', async (t) => {
  const w = await world(t, ['deputy'])
  const { math, english, pe, art } = w.s.subjects
  const form = await w.as.deputy.get(`/school/classes/${w.s.c5a}/curriculum`)
  for (const name of ['Математика', 'Английский язык', 'Физическая культура', 'Изобразительное искусство']) t.match(form.body, name)
  t.match(form.body, new RegExp(`name="h_${math}"[^>]*value="5"`))

  const bad = await w.as.deputy.post(`/school/classes/${w.s.c5a}/curriculum`, { [`h_${math}`]: '6', [`h_${pe}`]: '12', [`h_${art}`]: 'один' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'От 0,5 до 10 с шагом 0,5 или пусто.')
  t.match(bad.body, new RegExp(`name="h_${pe}"[^>]*value="12"`), 'input kept')
  t.match(bad.body, new RegExp(`name="h_${math}"[^>]*value="6"`), 'good input kept too')
  t.equal((await w.db.selectFrom('curriculum').select('hours_per_week').where('subject_id', '=', math).executeTakeFirstOrThrow()).hours_per_week, 5, 'nothing written')

  const ok = await w.as.deputy.post(`/school/classes/${w.s.c5a}/curriculum`, { [`h_${math}`]: '6', [`h_${english}`]: '', [`h_${pe}`]: '2,5', [`h_${art}`]: '1' })
  t.equal(ok.statusCode, 303)
  const rows = await w.db.selectFrom('curriculum').select(['subject_id', 'hours_per_week']).where('class_id', '=', w.s.c5a).orderBy('subject_id').execute()
  t.same(rows, [{ subject_id: math, hours_per_week: 6 }, { subject_id: pe, hours_per_week: 2.5 }, { subject_id: art, hours_per_week: 1 }])
  const a = await lastAudit(w.db, 'school.curriculum.save')
  t.same(a.before, { [math]: 5, [english]: 3 })
  t.same(a.after, { [math]: 6, [pe]: 2.5, [art]: 1 })
  const page = await w.as.deputy.get(`/school/classes/${w.s.c5a}`)
  t.match(page.body, '2,5')
  t.match(page.body, '9,5', 'weekly total')
})

t.test('R-ORG-3: workload: lists per teacher and class, add, refuse mismatches, remove through confirmation', async (t) => {
  const w = await world(t, ['admin', 'deputy', 'scheduler'])
  const y = w.s.year
  const list = await w.as.scheduler.get(`/school/years/${y}/workload`)
  t.match(list.body, 'Предметникова Анна Ивановна')
  t.match(list.body, '5 ч в неделю', 'hours from the curriculum')
  t.notMatch(list.body, '/delete', 'no remove links for the scheduler')
  const byClass = await w.as.scheduler.get(`/school/years/${y}/workload?class=${w.s.c5b}`)
  t.match(byClass.body, 'Нагрузка не распределена.')

  const mismatch = await w.as.admin.post(`/school/years/${y}/workload/new`, { teacher_id: String(w.s.u.teacher.personId), subject_id: String(w.s.subjects.math), target: `g:${w.s.g5aEng}` })
  t.equal(mismatch.statusCode, 400)
  t.match(mismatch.body, 'Эта группа создана для предмета «Английский язык»')
  const notTeacher = await w.as.admin.post(`/school/years/${y}/workload/new`, { teacher_id: String(w.s.u.clerk.personId), subject_id: String(w.s.subjects.math), target: `c:${w.s.c5b}` })
  t.match(notTeacher.body, 'Выберите учителя из списка.')
  const otherYear = await w.as.admin.post(`/school/years/${y}/workload/new`, { teacher_id: String(w.s.u.teacher.personId), subject_id: String(w.s.subjects.math), target: `c:${w.s.oldClass}` })
  t.match(otherYear.body, 'Выберите класс или группу этого учебного года.')
  const dup = await w.as.admin.post(`/school/years/${y}/workload/new`, { teacher_id: String(w.s.u.teacher.personId), subject_id: String(w.s.subjects.math), target: `c:${w.s.c5a}` })
  t.match(dup.body, 'Такая нагрузка у этого учителя уже есть.')
  t.match(dup.body, `value="c:${w.s.c5a}" selected`, 'input kept')
  t.equal(await auditCount(w.db, 'school.workload.add'), 0)

  const ok = await w.as.admin.post(`/school/years/${y}/workload/new`, { teacher_id: String(w.s.u.classTeacher.personId), subject_id: String(w.s.subjects.english), target: `g:${w.s.g5aEng}` })
  t.equal(ok.statusCode, 303)
  const row = await w.db.selectFrom('workload').selectAll().where('group_id', '=', w.s.g5aEng).executeTakeFirstOrThrow()
  t.same([row.teacher_id, row.class_id], [w.s.u.classTeacher.personId, null])
  t.same((await lastAudit(w.db, 'school.workload.add')).after, { teacher_id: w.s.u.classTeacher.personId, subject_id: w.s.subjects.english, class_id: null, group_id: w.s.g5aEng })
  const perTeacher = await w.as.admin.get(`/school/years/${y}/workload?teacher=${w.s.u.classTeacher.personId}`)
  t.match(perTeacher.body, 'Английский язык, 1 гр.')
  t.notMatch(perTeacher.body, /Предметникова Анна Ивановна<\/a> —/, 'filtered to one teacher')
  t.match(perTeacher.body, /Классная Мария Петровна<\/a> — 3 ч в неделю/, 'the subgroup counts its class’s English hours')
  t.match((await w.as.admin.get(`/school/years/${y}/workload?class=${w.s.c5a}`)).body, 'Английский язык, 1 гр.', 'a class shows its groups’ workload too')

  const confirm = await w.as.deputy.get(`/school/workload/${w.s.w}/delete`)
  t.match(confirm.body, 'Снять с учителя эту нагрузку?')
  t.match(confirm.body, 'Предметникова Анна Ивановна')
  t.match(confirm.body, '5А')
  t.equal((await w.as.deputy.post(`/school/workload/${w.s.w}/delete`)).statusCode, 303)
  t.notOk(await w.db.selectFrom('workload').select('id').where('id', '=', w.s.w).executeTakeFirst())
  const a = await lastAudit(w.db, 'school.workload.remove')
  t.same(a.before, { id: w.s.w, teacher_id: w.s.u.teacher.personId, subject_id: w.s.subjects.math, class_id: w.s.c5a, group_id: null }, 'the row before is in the audit record')
  t.equal((await w.as.deputy.get(`/school/workload/${w.s.w}/delete`)).statusCode, 404)
})

t.test('R-ORG-2: groups: subgroup with a default name, cross-class and individual groups', async (t) => {
  const w = await world(t, ['admin', 'director', 'deputy'])
  const y = w.s.year
  const bad = await w.as.admin.post(`/school/years/${y}/groups/new`, { kind: 'subgroup', subject_id: String(w.s.subjects.english), class_id: '' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Выберите класс этого учебного года.')
  t.match(bad.body, /value="subgroup" checked/, 'input kept')
  const foreign = await w.as.admin.post(`/school/years/${y}/groups/new`, { kind: 'subgroup', subject_id: String(w.s.subjects.english), class_id: String(w.s.oldClass) })
  t.equal(foreign.statusCode, 400, 'a class of another year is refused')
  t.equal(await auditCount(w.db, 'school.group.create'), 0)

  const sub = await w.as.admin.post(`/school/years/${y}/groups/new`, { kind: 'subgroup', subject_id: String(w.s.subjects.english), class_id: String(w.s.c5a), name: '' })
  t.equal(sub.statusCode, 303)
  const g2 = await w.db.selectFrom('groups').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.same([g2.name, g2.kind, g2.class_id, g2.grade], ['Английский язык, 2 гр.', 'subgroup', w.s.c5a, 5])
  t.equal(sub.headers.location, `/school/groups/${g2.id}/members`)

  t.equal((await w.as.deputy.post(`/school/years/${y}/groups/new`, { kind: 'cross', subject_id: String(w.s.subjects.art), grade: '10' })).statusCode, 303)
  const cross = await w.db.selectFrom('groups').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.same([cross.name, cross.class_id, cross.grade], ['Изобразительное искусство, 10 кл. (сводная)', null, 10])
  t.equal((await w.as.deputy.post(`/school/years/${y}/groups/new`, { kind: 'individual', subject_id: String(w.s.subjects.math), class_id: String(w.s.c5a), name: 'Математика, Антонов (на дому)' })).statusCode, 303)
  const ind = await w.db.selectFrom('groups').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.same([ind.name, ind.kind], ['Математика, Антонов (на дому)', 'individual'])
  t.equal((await lastAudit(w.db, 'school.group.create')).after.kind, 'individual')

  const two = await w.as.deputy.post(`/school/groups/${ind.id}/members`, { student: [String(w.s.u.student.personId), String(w.s.s2.personId)] })
  t.equal(two.statusCode, 400)
  t.match(two.body, 'только один ученик')
  t.equal((await w.db.selectFrom('group_members').selectAll().where('group_id', '=', ind.id).execute()).length, 0)

  const list = await w.as.director.get(`/school/years/${y}/groups`)
  for (const name of ['Английский язык, 2 гр.', 'Изобразительное искусство, 10 кл. (сводная)', 'Индивидуальный план']) t.match(list.body, name)

  const renamed = await w.as.deputy.post(`/school/groups/${g2.id}/edit`, { name: '' })
  t.equal(renamed.statusCode, 400)
  t.equal((await w.as.deputy.post(`/school/groups/${g2.id}/edit`, { name: 'Англ., 2 гр. (Смирнова)' })).statusCode, 303)
  t.equal((await lastAudit(w.db, 'school.group.update')).before.name, 'Английский язык, 2 гр.')
})

t.test('R-ORG-2: membership: joiners from today, leavers until today, history kept', async (t) => {
  const w = await world(t, ['director', 'deputy', 'classTeacher'])
  const g = w.s.g5aEng
  const page = await w.as.classTeacher.get(`/school/groups/${g}/members`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Антонов Артём')
  t.match(page.body, 'Борисова Вера')
  t.notMatch(page.body, 'Волков', 'a student of 5Б is not offered')
  t.notMatch(page.body, 'Ушедший', 'a departed student is not offered')

  // A student id from another class is ignored, not added.
  const r1 = await w.as.classTeacher.post(`/school/groups/${g}/members`, { student: [String(w.s.u.student.personId), String(w.s.s2.personId), String(w.s.s3.personId)] })
  t.equal(r1.statusCode, 303)
  let rows = await w.db.selectFrom('group_members').selectAll().where('group_id', '=', g).orderBy('student_id').execute()
  t.same(rows.map((r) => [r.student_id, r.from_date, r.to_date]), [[w.s.u.student.personId, TODAY, null], [w.s.s2.personId, TODAY, null]])
  const a = await lastAudit(w.db, 'school.group.members')
  t.same([a.before, a.after.added, a.after.removed], [[], [w.s.u.student.personId, w.s.s2.personId].sort((x, y) => x - y), []])

  t.equal((await w.as.classTeacher.post(`/school/groups/${g}/members`, { student: String(w.s.u.student.personId) })).statusCode, 303)
  rows = await w.db.selectFrom('group_members').selectAll().where('group_id', '=', g).where('student_id', '=', w.s.s2.personId).execute()
  t.same(rows.map((r) => [r.from_date, r.to_date]), [[TODAY, TODAY]], 'the leaver’s row is ended, not deleted')
  t.match((await w.as.classTeacher.get(`/school/groups/${g}/members`)).body, 'Прежние участники')

  t.equal((await w.as.classTeacher.post(`/school/groups/${g}/members`, { student: [String(w.s.u.student.personId), String(w.s.s2.personId)] })).statusCode, 303)
  rows = await w.db.selectFrom('group_members').selectAll().where('group_id', '=', g).where('student_id', '=', w.s.s2.personId).execute()
  t.same(rows.map((r) => [r.from_date, r.to_date]), [[TODAY, null]], 're-added on the same day: the row is reopened')

  const before = await auditCount(w.db)
  t.equal((await w.as.classTeacher.post(`/school/groups/${g}/members`, { student: [String(w.s.u.student.personId), String(w.s.s2.personId)] })).statusCode, 303)
  t.equal(await auditCount(w.db), before, 'no change, no audit record')

  // Cross group: students of every grade-5 class are offered.
  const cross = await w.as.deputy.get(`/school/groups/${w.s.gCross}/members`)
  t.match(cross.body, 'Волков Глеб')
  t.match(cross.body, 'Антонов Артём')
  t.equal((await w.as.deputy.post(`/school/groups/${w.s.gCross}/members`, { student: String(w.s.s3.personId) })).statusCode, 303)
  const ro = await w.as.director.get(`/school/groups/${w.s.gCross}/members`)
  t.match(ro.body, 'Волков Глеб')
  t.notMatch(ro.body, 'type="checkbox"', 'the director reads the members without a form')
})

t.test('R-ROLE: a class teacher reaches only the groups of their own class', async (t) => {
  const w = await world(t, ['teacher', 'classTeacher'])
  const list = await w.as.classTeacher.get(`/school/years/${w.s.year}/groups`)
  t.equal(list.statusCode, 200)
  t.match(list.body, `/school/groups/${w.s.g5aEng}/members`)
  t.notMatch(list.body, `/school/groups/${w.s.g5bEng}/members`, 'not the other class’s group')
  t.notMatch(list.body, `/school/groups/${w.s.gCross}/members`, 'not a cross group')
  t.notMatch(list.body, '/groups/new', 'no create link')
  t.equal((await w.as.classTeacher.get(`/school/groups/${w.s.g5bEng}/members`)).statusCode, 403)
  t.equal((await w.as.classTeacher.get(`/school/groups/${w.s.oldGroup}/members`)).statusCode, 403, 'not their class of a closed year either')
  t.equal((await w.as.classTeacher.get(`/school/classes/${w.s.c5a}`)).statusCode, 403)
  t.equal((await w.as.teacher.get(`/school/years/${w.s.year}/groups`)).statusCode, 403)
  t.equal((await w.as.classTeacher.get('/school/groups')).headers.location, `/school/years/${w.s.year}/groups`, 'the short address leads to the current year')
})

t.test('R-ARC-5: a closed year is read-only: every write refuses it with a Russian message', async (t) => {
  const w = await world(t, ['admin'])
  const { s } = w
  const page = await w.as.admin.get(`/school/years/${s.old}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'закрыт и передан в архив')
  t.notMatch(page.body, '/edit"', 'no edit links in a closed year')
  t.notMatch((await w.as.admin.get(`/school/years/${s.old}/classes`)).body, '/classes/new')

  const writes: [string, Record<string, string>][] = [
    [`/school/years/${s.old}/edit`, { name: '2025/2026', starts_on: '2025-09-01', ends_on: '2026-08-31' }],
    [`/school/years/${s.old}/bands`, { from_1: '1', to_1: '11', scheme_1: 'half' }],
    [`/school/years/${s.old}/periods/half`, { start_1: '2025-09-01', end_1: '2025-12-28', start_2: '2026-01-09', end_2: '2026-05-26' }],
    [`/school/years/${s.old}/holidays/new`, { name: 'Зимние', starts_on: '2025-12-29', ends_on: '2026-01-08' }],
    [`/school/holidays/${s.oldHoliday}/edit`, { name: 'Осенние', starts_on: '2025-10-27', ends_on: '2025-11-05' }],
    [`/school/holidays/${s.oldHoliday}/delete`, {}],
    [`/school/years/${s.old}/classes/new`, { grade: '4', letter: 'Б' }],
    [`/school/classes/${s.oldClass}/edit`, { grade: '4', letter: 'В' }],
    [`/school/classes/${s.oldClass}/curriculum`, { [`h_${s.subjects.math}`]: '4' }],
    [`/school/years/${s.old}/workload/new`, { teacher_id: String(s.u.teacher.personId), subject_id: String(s.subjects.english), target: `c:${s.oldClass}` }],
    [`/school/workload/${s.wOld}/delete`, {}],
    [`/school/years/${s.old}/groups/new`, { kind: 'subgroup', class_id: String(s.oldClass), subject_id: String(s.subjects.english) }],
    [`/school/groups/${s.oldGroup}/edit`, { name: 'Англ.' }],
    [`/school/groups/${s.oldGroup}/members`, { student: String(s.u.student.personId) }],
  ]
  const before = await auditCount(w.db)
  for (const [url, form] of writes) {
    const res = await w.as.admin.post(url, form)
    t.equal(res.statusCode, 409, `POST ${url} refused`)
    t.match(res.body, 'Учебный год 2025/2026 закрыт и передан в архив: изменения в нём невозможны.')
    if (!url.endsWith('/delete') && !url.endsWith('/members')) {
      t.equal((await w.as.admin.get(url)).statusCode, 409, `GET ${url} refused too`)
    }
  }
  t.equal(await auditCount(w.db), before, 'nothing written')
  t.ok(await w.db.selectFrom('holidays').select('id').where('id', '=', s.oldHoliday).executeTakeFirst())
  t.ok(await w.db.selectFrom('workload').select('id').where('id', '=', s.wOld).executeTakeFirst())
  t.equal((await w.db.selectFrom('classes').selectAll().where('year_id', '=', s.old).execute()).length, 1)
})

t.test('R-ORG-1: currentYear picks the open year containing the day, else the latest not closed', async (t) => {
  const w = await world(t, ['admin'])
  t.equal((await currentYear(w.db, '2026-11-22'))?.name, '2026/2027')
  t.equal((await currentYear(w.db, '2026-03-01'))?.name, '2026/2027', 'the closed year is never current')
  await w.db.insertInto('academic_years').values({ name: '2027/2028', starts_on: '2027-09-01', ends_on: '2028-08-31', status: 'draft' }).execute()
  t.equal((await currentYear(w.db, '2026-11-22'))?.name, '2026/2027', 'a draft does not displace the open year')
  t.equal((await currentYear(w.db, '2028-10-01'))?.name, '2027/2028', 'outside every open year: the latest not closed')
  await w.db.updateTable('academic_years').set({ status: 'closed' }).execute()
  t.equal(await currentYear(w.db, '2026-11-22'), null)
  const empty = await w.as.admin.get('/school')
  t.match(empty.body, 'Учебный год ещё не заведён.')
})

t.test('bad ids answer 404, never data', async (t) => {
  const w = await world(t, ['admin'])
  for (const url of ['/school/years/abc', '/school/years/99999', '/school/classes/0', '/school/classes/99999', '/school/groups/99999/members',
    '/school/subjects/99999/edit', '/school/workload/99999/delete']) {
    t.equal((await w.as.admin.get(url)).statusCode, 404, url)
  }
  t.equal((await w.as.admin.post('/school/holidays/99999/delete')).statusCode, 404)
})
