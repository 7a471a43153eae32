// Closing a year with first-graders (R-ARC-5): grade 1 is taught without marks [R-J-6], so its pupils owe no year
// marks, and the checklist must not stay red for ever because of them.
import t from 'tap'
import { buildTestApp, makePerson } from './helper.js'
import { seed } from './archive.seed.js'
import { checklistData } from '../src/features/archive/archive.queries.js'
import { closeChecklist } from '../src/features/archive/archive.rules.js'
import { getYear } from '../src/features/school/school.queries.js'

t.test('R-ARC-5: first-graders need no year marks; second-graders still do', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const s = await seed(db)
  const cls = async (grade: number) => (await db.insertInto('classes').values({ year_id: s.year, grade, letter: 'А', class_teacher_id: null }).returning('id').executeTakeFirstOrThrow()).id
  const c1a = await cls(1)
  const c2a = await cls(2)
  const first = (await makePerson(db, { roles: ['student'], login: null, last: 'Первоклассникова', first: 'Анна' })).personId
  const second = (await makePerson(db, { roles: ['student'], login: null, last: 'Второклассников', first: 'Борис' })).personId
  await db.insertInto('enrollments').values([
    { student_id: first, class_id: c1a, from_date: '2025-09-01', reason_in: 'initial' },
    { student_id: second, class_id: c2a, from_date: '2025-09-01', reason_in: 'initial' },
  ]).execute()
  await db.insertInto('curriculum').values([{ class_id: c1a, subject_id: s.subjects.math, hours_per_week: 4 }, { class_id: c2a, subject_id: s.subjects.math, hours_per_week: 4 }]).execute()
  await db.insertInto('groups').values({ year_id: s.year, name: 'Русский язык, 1А', kind: 'subgroup', class_id: c1a, subject_id: s.subjects.russian, grade: 1 }).execute()

  const list = closeChecklist(await checklistData(db, await getYear(db, s.year)))
  const marks = list.items.find((i) => i.key === 'yearMarks')!
  t.ok(marks.problems.some((p) => p.where.startsWith('5А')), 'the fixture is red elsewhere, so the list is read')
  t.notOk(marks.problems.some((p) => p.where.startsWith('1А')), 'nothing asked of 1А')
  t.ok(marks.problems.some((p) => p.where === '2А · Математика' && p.names.some((n) => n.startsWith('Второклассников Борис'))), '2А still needs its year marks')
})
