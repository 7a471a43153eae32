// The year-end journal of a class read back from its PDF (R-ARC-3): title page, every subject page per period
// (grid of marks and «н», lessons with topics and homework), final marks, and the certifying sheet whose stated
// count is the PDF's real page count; wide periods split into sheets of at most 25 lessons with the names again.
import t from 'tap'
import { numberInWords } from '../src/features/archive-print/archive-print.rules.js'
import { day, linesWith, pdfInfo, pdfText, world } from './summary.seed.js'

const squash = (s: string) => s.replace(/\s+/g, ' ').trim()

/** The text of one sheet: from the line holding all the heading's parts to the page's footer. */
function sheet(text: string, ...heading: string[]): string {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => heading.every((h) => l.includes(h)))
  const end = lines.findIndex((l, i) => i > start && /лист \d+ из \d+/.test(l))
  return start < 0 ? '' : lines.slice(start, end).join('\n')
}

t.test('R-ARC-3: the issued year journal — pages, marks in the grid, topics, finals, and «N листов» equal to the real count', async (t) => {
  const w = await world(t, ['deputy'])
  const { s, db } = w
  // Thirty Russian lessons in the third quarter: more than one sheet of columns.
  for (let i = 0; i < 30; i++) {
    await db.insertInto('lessons').values({ year_id: s.year, class_id: s.c5a, subject_id: s.subjects.russian, teacher_id: s.u.classTeacher.personId,
      date: day(-48 + i * 2), lesson_number: 1, topic: `Синтаксис, тема ${i + 1}`, homework: `Упр. ${i + 1}` }).execute()
  }
  const started = Date.now()
  const res = await w.as.deputy.post(`/summary/${s.c5a}/journal/issue`)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/summary/${s.c5a}/journal`)
  t.ok(Date.now() - started < 30_000, `rendered in ${Date.now() - started} ms`)
  t.match((await w.as.deputy.get(`/summary/${s.c5a}/journal`)).body, /Выпущен документ № \d{4}-\d{6}/)
  const pdf = (await w.as.deputy.get(`/summary/${s.c5a}/journal.pdf`)).rawPayload
  const info = pdfInfo(pdf)
  t.ok(info.width > info.height, 'landscape sheets')
  const text = pdfText(pdf, w.config.dataDir)

  const stated = /скреплено печатью (\d+) \(([^)]+)\) (лист|листа|листов)\./.exec(squash(text))
  t.ok(stated, 'the certifying statement is printed')
  t.equal(Number(stated?.[1]), info.pages, `the statement names the real number of sheets (${info.pages})`)
  t.equal(stated?.[2], numberInWords(info.pages), 'in words too')
  t.match(text, `лист ${info.pages} из ${info.pages}`, 'the last sheet is numbered')
  t.match(text, `лист 1 из ${info.pages}`)
  const doc = await db.selectFrom('documents').selectAll().where('kind', '=', 'year_journal').executeTakeFirstOrThrow()
  t.equal(doc.pages, info.pages)
  t.equal(doc.subject_key, `journal:class:${s.c5a}:year:${s.year}`)
  t.match(text, `Документ № ${doc.number}`)

  t.match(text, 'КЛАССНЫЙ ЖУРНАЛ')
  t.match(text, '5 «А» класса')
  t.match(text, 'Классный руководитель: Классная Мария Ивановна')
  t.match(text, 'ЗАВЕРИТЕЛЬНЫЙ ЛИСТ')
  t.equal(linesWith(text, '/ Директорова А. С. /').length, 1, 'the director signs the certifying sheet')
  t.match(text, 'М.П.')

  // Mathematics, first quarter: six lessons; Антонов 5 then absent three times; Борисова «4 3» (two columns) and absent once.
  const grid = sheet(text, 'Математика', '1 четверть · Отметки и пропуски')
  t.ok(linesWith(grid, 'Антонов Артём').some((l) => squash(l).endsWith('Антонов Артём 5 н н н')), 'Антонов’s marks and absences in lesson order')
  // (pdftotext joins the two marks of one cell, «4 3», printed with a narrow space.)
  t.ok(linesWith(grid, 'Борисова Вера').some((l) => / Борисова Вера 4 ?3 н$/.test(squash(l))), 'Борисова’s two marks in one lesson and her absence')
  t.ok(linesWith(sheet(text, 'Математика', '2 четверть · Отметки и пропуски'), 'Волков Глеб').some((l) => squash(l).endsWith('Волков Глеб 2')), 'Волков’s 2 in the second quarter')
  // Lessons with topics and homework, in order, with their dates.
  for (let i = 1; i <= 6; i++) t.equal(linesWith(text, `Натуральные числа, урок ${i}`, `№ ${100 + i}`).length, 1, `mathematics lesson ${i}: topic and homework on one row`)
  t.equal(linesWith(text, 'Greetings', 'Ex. 5').length, 1, 'the subgroup page’s lesson')
  t.match(text, 'Английский язык — Англ. яз. (1 гр.)', 'the subgroup has its page')
  // The English subgroup lists only its members.
  const group = sheet(text, 'Англ. яз. (1 гр.)', 'Отметки и пропуски')
  t.ok(linesWith(group, 'Борисова Вера').some((l) => squash(l).endsWith('Борисова Вера 4/5')), 'a double mark in the group grid')
  t.equal(linesWith(group, 'Волков').length, 0, 'not a member: not on the group page')
  // Russian in the third quarter: 30 lessons → two sheets of 15, the names on both.
  t.match(text, '3 четверть · Отметки и пропуски (часть 1 из 2)')
  t.match(text, '3 четверть · Отметки и пропуски (часть 2 из 2)')
  t.equal(linesWith(text, 'Синтаксис, тема 30', 'Упр. 30').length, 1)
  t.equal(linesWith(sheet(text, 'Русский язык', '3 четверть · Отметки и пропуски (часть 2 из 2)'), 'Антонов Артём').length, 1, 'the names again on the second sheet')
  // Final marks of each page: quarters and the year.
  t.ok(linesWith(sheet(text, 'Математика', 'Итоговые отметки'), 'Антонов Артём Сергеевич').some((l) => squash(l).endsWith('Антонов Артём Сергеевич 3 3 4 3 3')), 'mathematics final marks of Антонов')
  t.ok(linesWith(sheet(text, 'Английский язык', 'Итоговые отметки'), 'Борисова Вера Павловна').some((l) => squash(l).endsWith('Борисова Вера Павловна 3 4 3 4 4')), 'English final marks of Борисова')
})

t.test('R-ARC-3: the preview of one page, and of the whole book, without a document being issued', async (t) => {
  const w = await world(t, ['classTeacher'])
  const { s, db } = w
  const page = await w.as.classTeacher.get(`/summary/${s.c5a}/journal/preview?page=g${s.group}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Greetings')
  t.notMatch(page.body, 'Натуральные числа', 'only the asked page')
  t.notMatch(page.body, '<script', 'no script')
  const all = await w.as.classTeacher.get(`/summary/${s.c5a}/journal/preview`)
  t.match(all.body, 'Натуральные числа, урок 6')
  t.match(all.body, 'Заверительный лист')
  t.equal((await db.selectFrom('documents').selectAll().execute()).length, 0, 'a preview issues nothing')
})
