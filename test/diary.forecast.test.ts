// The diary's forecast of a period mark is the finals page's proposal for the same marks, whatever the school's
// rounding threshold: the same rules module, the same lessons, weights and absences (R-D-1, R-FIN-1).
import t from 'tap'
import { world, TODAY } from './finals.seed.js'
import { pageInfo } from '../src/features/finals/finals.queries.js'
import { buildPage } from '../src/features/finals/finals.service.js'
import type { Target } from '../src/features/journal/journal.access.js'
import { studentCard } from '../src/features/diary/diary.queries.js'
import { periodPage } from '../src/features/diary/diary.service.js'

const label = (kind: string) => kind

t.test('R-FIN-1: forecast = finals proposal, per student, page and threshold', async (t) => {
  const w = await world(t, ['parent'])
  const { db, s } = w
  const pages: { target: Target; subjectId: number; subject: string }[] = [
    { target: { classId: s.c5a, groupId: null }, subjectId: s.subjects.math, subject: 'Математика' },
    { target: { classId: s.c9a, groupId: null }, subjectId: s.subjects.math, subject: 'Математика' },
    { target: { classId: null, groupId: s.g5aEng }, subjectId: s.subjects.english, subject: 'Английский язык' },
  ]
  // Expected proposals of the fixture, to be sure the comparison compares something.
  const expected: Record<string, Record<number, string | null>> = {
    '0.5': { [s.u.student.personId]: '4', [s.s2.personId]: 'н/а', [s.s3.personId]: '3', [s.s9.personId]: '4' },
    '0.9': { [s.u.student.personId]: '3', [s.s2.personId]: 'н/а', [s.s3.personId]: '3', [s.s9.personId]: '4' },
  }
  for (const threshold of ['0.5', '0.6', '0.9']) {
    await db.deleteFrom('school_settings').where('key', '=', 'rounding_threshold').execute()
    await db.insertInto('school_settings').values({ key: 'rounding_threshold', value: threshold }).execute()
    for (const p of pages) {
      const info = (await pageInfo(db, p.target, p.subjectId))!
      const model = await buildPage(db, { page: info, access: 'read' }, TODAY)
      for (const st of model.students) {
        for (const period of [s.q1, s.q2, s.q3]) {
          const proposal = st.cells[`p${period}`].proposal
          const card = (await studentCard(db, st.id, TODAY))!
          const diary = (await periodPage(db, { card, access: 'staff', family: [], canAcknowledge: false }, period, TODAY, label))!
          const line = diary.subjects.find((x) => x.subject === p.subject && (p.target.groupId === null) === (x.group === null))
          t.equal(line?.summary?.proposal ?? null, proposal, `threshold ${threshold}, ${info.label} ${p.subject}, ${st.name}, period ${period}: ${proposal}`)
          if (period === s.q2 && p.target.groupId === null && expected[threshold]) t.equal(proposal, expected[threshold][st.id], `${st.name}: the fixture’s proposal`)
        }
      }
    }
  }
})

t.test('R-FIN-1: the parent reads the same forecast on the diary page', async (t) => {
  const w = await world(t, ['parent'])
  const { db, s } = w
  const url = `/diary/${s.u.student.personId}/marks?period=${s.q2}`
  const forecastCell = (body: string) => /Математика<\/td>[\s\S]*?<td class="num">([^<]*)<\/td>\s*<td class="num">(?:<strong>([^<]*)<\/strong>)?/.exec(body)
  let m = forecastCell((await w.as.parent.get(url)).body)
  t.same([m?.[1], m?.[2]], ['3,80', '4'], 'mean (5+4+4+3·2)/5 = 3,8 proposes 4 at the ordinary threshold')
  await db.insertInto('school_settings').values({ key: 'rounding_threshold', value: '0.9' }).execute()
  m = forecastCell((await w.as.parent.get(url)).body)
  t.same([m?.[1], m?.[2]], ['3,80', '3'], 'at 0,9 the same mean proposes 3, as the finals page does')
})
