// The week the control report tests count by hand (R-REP-1): Monday 09.11.2026 – Saturday 14.11.2026 on top of the
// shared reports fixture. Every lesson, mark and entry time is here, with what each figure should come to.
import type { DB } from '../src/db/connection.js'
import { addAbsence, addLesson, addMark, noon, parseReportCsv, type Seed } from './reports.seed.js'
import { t } from '../src/i18n/index.js'

/** A local wall-clock time of a date as an ISO instant, as the journal stamps entries. */
export const at = (date: string, time: string) => new Date(`${date}T${time}:00`).toISOString()

export const WEEK = '10.11.2026'

/**
 * Maths 5А (teacher), lessons 2 (ends 10:10); the class's last lesson of the day decides when homework is late
 * (its end + 120 min by default):
 *   M1 Mon 09.11  topic+КТП 1, homework at 12:00 (5А's day ends 10:10 → limit 12:10: on time), saved; marks Антонов 5, Борисова 4 (oral, same day)
 *   M2 Tue 10.11  topic+КТП 2, homework at 14:00 (5А's day ends at lesson 3, 11:15 → 13:15: late), saved;
 *                 marks (homework, by the next lesson = M3 11.11): Волков 3 on 11.11 (in time), Антонов 4 on 13.11 (late)
 *   M3 Wed 11.11  nothing: no topic, no homework, not saved, no «н» (attendance not recorded)
 *   M4 Thu 12.11  topic, no homework, not saved but Галкина «н» (attendance recorded); mark Борисова 5 (oral, same day)
 *   M5 Fri 13.11  topic, homework at 12:00 (day ends 10:10 → 12:10: on time), saved, distance (no attendance due);
 *                 marks (control work, 3 days → 16.11): Антонов 3 on 16.11 (in time), Борисова 2 on 17.11 (late)
 *   a cancelled and a moved lesson on Sat 14.11: not held.
 * → held 5; topic 4/5 = 80,0 %; homework 3/5 = 60,0 %; on time 2/5 = 40,0 %; marks 7, 2 late → 5/7 = 71,4 %;
 *   attendance 3/4 = 75,0 %; students 4: none 1 (Галкина), one 1 (Волков); marks 7 / (4 × 5) = 35,0 %;
 *   4+ lessons without a mark: Галкина (5) → 1; КТП (3 topics of 1 h): done 2, behind 1.
 * Maths 5Б (teacher): Mon 09.11 lesson 1 (5Б's day ends 09:15 → 11:15), homework at 12:00 → late; Дёмин 4.
 * → held 1; 100 %; 100 %; 0,0 %; 100 %; 100 %; students 2, none 1, one 1; 1/2 = 50,0 %; КТП done 0, behind 1.
 * Russian 5А: ct on Tue 10.11 lesson 3 (all filled, homework at 12:00: on time); teacher2 substitutes ct on
 * Thu 12.11 lesson 3 and fills nothing (the lesson counts for teacher2, R-REP-5).
 * English, 5А subgroup (Антонов, Борисова), teacher2: Wed 11.11 lesson 4 (day ends 12:10 → 14:10), all filled,
 * both get a 5.
 */
export async function controlWeek(db: DB, s: Seed) {
  const math = s.subjects.math, ru = s.subjects.russian, en = s.subjects.english
  const teacher = s.u.teacher.personId, ct = s.u.classTeacher.personId, t2 = s.u.teacher2.personId
  const [a0, a1, a2, a3] = s.a
  const [b0] = s.b
  const plan = async (number: number, title: string) =>
    (await db.insertInto('plan_topics').values({ year_id: s.year, subject_id: math, grade: 5, number, title, hours: 1 }).returning('id').executeTakeFirstOrThrow()).id
  const topics = [await plan(1, 'Дроби'), await plan(2, 'Сложение дробей'), await plan(3, 'Вычитание дробей')]
  const saved = async (id: number, by: number) => { await db.updateTable('lessons').set({ entered_by: by }).where('id', '=', id).execute() }

  const m1 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-09', topic: 'Дроби', planTopic: topics[0], homework: '№ 1', homeworkAt: at('2026-11-09', '12:00') })
  await saved(m1, teacher)
  await addMark(db, s, m1, a0, '5')
  await addMark(db, s, m1, a1, '4')
  const m2 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-10', topic: 'Сложение дробей', planTopic: topics[1], homework: '№ 2', homeworkAt: at('2026-11-10', '14:00') })
  await saved(m2, teacher)
  await addMark(db, s, m2, a2, '3', { kind: s.kinds.home, enteredAt: noon('2026-11-11') })
  await addMark(db, s, m2, a0, '4', { kind: s.kinds.home, enteredAt: noon('2026-11-13') })
  const m3 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-11' })
  const m4 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-12', topic: 'Вычитание дробей' })
  await addAbsence(db, m4, a3, null)
  await addMark(db, s, m4, a1, '5')
  const m5 = await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-13', topic: 'Контрольная работа', homework: '№ 5', homeworkAt: at('2026-11-13', '12:00') })
  await saved(m5, teacher)
  await db.updateTable('lessons').set({ distance: 1, distance_order: '15-у' }).where('id', '=', m5).execute()
  await addMark(db, s, m5, a0, '3', { kind: s.kinds.test, enteredAt: noon('2026-11-16') })
  await addMark(db, s, m5, a1, '2', { kind: s.kinds.test, enteredAt: noon('2026-11-17') })
  await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-14', status: 'cancelled' })
  await addLesson(db, s, { cls: s.c5a, subject: math, teacher, date: '2026-11-14', number: 3, status: 'moved' })

  const b1 = await addLesson(db, s, { cls: s.c5b, subject: math, teacher, date: '2026-11-09', number: 1, topic: 'Дроби', homework: '№ 1', homeworkAt: at('2026-11-09', '12:00') })
  await saved(b1, teacher)
  await addMark(db, s, b1, b0, '4')

  const r1 = await addLesson(db, s, { cls: s.c5a, subject: ru, teacher: ct, date: '2026-11-10', number: 3, topic: 'Орфограммы', homework: 'Упр. 5', homeworkAt: at('2026-11-10', '12:00') })
  await saved(r1, ct)
  const r2 = await addLesson(db, s, { cls: s.c5a, subject: ru, teacher: ct, substitute: t2, date: '2026-11-12', number: 3 })

  const e1 = await addLesson(db, s, { group: s.g5aEng, subject: en, teacher: t2, date: '2026-11-11', number: 4, topic: 'Present Simple', homework: 'Ex. 3', homeworkAt: at('2026-11-11', '12:00') })
  await saved(e1, t2)
  await addMark(db, s, e1, a0, '5')
  await addMark(db, s, e1, a1, '5')
  return { m1, m2, m3, m4, m5, b1, r1, r2, e1, topics }
}

export const TITLES = { teachers: t('reports.control.byTeacher'), pages: t('reports.control.byPage'), classes: t('reports.control.byClass') }

/** The three tables of the report's .csv, each as its rows of cells after the heading row. */
export function csvTables(csv: Buffer): { teachers: string[][]; pages: string[][]; classes: string[][]; all: string[][][] } {
  const rows = parseReportCsv(csv)
  const all: string[][][] = []
  let cur: string[][] | null = null
  for (const r of rows) {
    if (r.length === 1 && Object.values(TITLES).includes(r[0])) { cur = []; all.push(cur); continue }
    if (cur && r.length <= 1 && (r[0] ?? '') === '') { cur = null; continue }
    if (cur) cur.push(r)
  }
  const body = (i: number) => (all[i] ?? []).slice(1)
  return { teachers: body(0), pages: body(1), classes: body(2), all }
}
