// Tests of the demo school's journal: timetable, lessons and their changes, КТП, entries, marks, absences and
// period marks, checked on the rows as written (R-TT-1,2; R-J-1..8; R-FIN-1..4).
import { createHash } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import { openDatabase, type DB } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { addDays, localDate, mondayOf } from '../src/lib/dates.js'
import { lastEntryDate, parseDeadline } from '../src/features/journal/journal.rules.js'
import { proposeFinalMark, proposePeriodMark, type FinalValue, type WeightedMark } from '../src/features/finals/finals.rules.js'
import { createDemoSchool } from '../src/demo/demo.js'
import { UsageError, parseDemoArgs } from '../src/demo/cli.js'
import { BELLS, dayLengths, maxLessonsPerDay, weeklyCount } from '../src/demo/timetable.js'
import { planTopics } from '../src/demo/topics.js'

const TODAY = '2026-11-22' // a Sunday: the first quarter (to 30.10) is over, the autumn holidays too
t.setTimeout(300_000) // several whole schools are generated

async function freshDb(): Promise<DB> {
  const db = openDatabase(':memory:')
  await migrateToLatest(db)
  return db
}

const one = async (db: DB, q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0].n)
const rows = async <T>(db: DB, q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows
/** The school's local date of a stored timestamp (the app shows and checks times in local time). */
const dayOf = (ts: string) => localDate(new Date(ts))

async function journalHash(db: DB): Promise<string> {
  const h = createHash('sha256')
  for (const table of ['bells', 'timetable_slots', 'lessons', 'plan_topics', 'lesson_columns', 'marks', 'absences', 'mark_history',
    'homework_individual', 'late_approvals', 'final_marks', 'final_corrections']) {
    const all = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)
    h.update(`${table}\n${all.rows.map((r) => JSON.stringify(r)).sort().join('\n')}\n`)
  }
  return h.digest('hex')
}

t.test('pure parts: bells, day lengths, weekly counts, the КТП', async (t) => {
  t.same(BELLS[0], { number: 1, startsAt: '08:30', endsAt: '09:15' }, 'the first lesson at 08:30')
  t.equal(BELLS.length, 8)
  for (let i = 1; i < BELLS.length; i++) {
    const [h1, m1] = BELLS[i - 1].endsAt.split(':').map(Number)
    const [h2, m2] = BELLS[i].startsAt.split(':').map(Number)
    const brk = h2 * 60 + m2 - (h1 * 60 + m1)
    t.ok(brk >= 10 && brk <= 20, `break after lesson ${i}: ${brk} min`)
  }
  t.ok(BELLS.every((b) => {
    const [h1, m1] = b.startsAt.split(':').map(Number)
    const [h2, m2] = b.endsAt.split(':').map(Number)
    return h2 * 60 + m2 - h1 * 60 - m1 === 45
  }), 'every lesson is 45 minutes')

  for (const [hours, count] of [[0, 0], [0.5, 1], [1, 1], [1.5, 2], [2, 2], [5, 5]]) t.equal(weeklyCount(hours), count, `${hours} h → ${count} a week`)
  for (const [total, grade, lengths] of [[20, 1, [4, 4, 4, 4, 4]], [22, 2, [4, 5, 5, 4, 4]], [33, 9, [6, 7, 7, 7, 6]], [26, 5, [5, 6, 5, 5, 5]]] as const) {
    t.same(dayLengths(total, grade), lengths, `${total} lessons in grade ${grade}`)
    t.ok(Math.max(...dayLengths(total, grade)) <= maxLessonsPerDay(grade), 'within the grade’s day')
  }

  const ru5 = planTopics('Русский язык', 5, 170)
  t.equal(ru5.length, 170, 'as many topics as hours')
  t.same(ru5.map((x) => x.number), Array.from({ length: 170 }, (_, i) => i + 1), 'numbered 1…170')
  t.equal(ru5[0].title, 'Язык и общение')
  t.same(ru5.filter((x) => x.control).slice(0, 4).map((x) => x.title), [
    'Контрольный диктант № 1 с грамматическим заданием', 'Контрольная работа № 1',
    'Контрольный диктант № 2 с грамматическим заданием', 'Контрольная работа № 2',
  ], 'control dictations and control works alternate, each numbered on its own')
  t.ok(ru5.filter((x) => x.control).every((x) => x.number % 8 === 0 || x.number === 170), 'a control work every eighth lesson')
  t.equal(ru5[169].title, 'Итоговая контрольная работа')
  t.ok(ru5.some((x) => x.title.startsWith('Повторение и обобщение: ')), 'review lessons between the textbook topics')
  t.equal(planTopics('Музыка', 5, 34).filter((x) => x.control).length, 0, 'no control works in music')
  t.equal(planTopics('Русский язык', 1, 170).filter((x) => x.control).length, 0, 'none in the unmarked first grade')
  t.equal(new Set(planTopics('История', 7, 68).map((x) => x.title)).size, 68, 'topic titles do not repeat')
})

// One school for most checks: 300 students, the journal filled up to TODAY.
const db = await freshDb()
t.teardown(() => db.destroy())
const started = process.hrtime.bigint()
const summary = await createDemoSchool(db, { seed: 1, students: 300, today: TODAY })
t.comment(`300 students with the journal to ${TODAY}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms, ${JSON.stringify(summary.counts)}`)
const ids = async (q: ReturnType<typeof sql<{ id: number }>>) => (await q.execute(db)).rows[0].id
const c5a = await ids(sql`select id from classes where grade = 5 and letter = 'А'`)
const teacher = await ids(sql`select person_id id from users where login = 'teacher'`)
const russian = await ids(sql`select id from subjects where name = 'Русский язык'`)

t.test('R-TT-1: the timetable keeps every teacher in one place and every class in one lesson at a time', async (t) => {
  t.equal(await one(db, sql`select count(*) n from bells`), 8, 'eight bells')
  t.equal(await one(db, sql`select count(*) n from (select teacher_id, weekday, lesson_number from timetable_slots
    group by 1, 2, 3 having count(*) > 1)`), 0, 'no teacher is double-booked in the weekly timetable')
  t.equal(await one(db, sql`select count(*) n from (select coalesce(s.class_id, g.class_id) c, s.weekday, s.lesson_number
    from timetable_slots s left join groups g on g.id = s.group_id group by 1, 2, 3
    having count(distinct s.subject_id) > 1 or sum(s.class_id is not null) > 1 or (sum(s.class_id is not null) = 1 and count(*) > 1))`), 0,
  'no class has two things in one cell (both subgroups of a split subject share theirs)')
  t.equal(await one(db, sql`select count(*) n from timetable_slots s join groups g on g.id = s.group_id
    where not exists (select 1 from timetable_slots o where o.group_id <> s.group_id and o.weekday = s.weekday
      and o.lesson_number = s.lesson_number and o.subject_id = s.subject_id
      and o.group_id in (select id from groups where class_id = g.class_id))`), 0, 'the two subgroups are taught at the same time')
  t.equal(await one(db, sql`select count(*) n from timetable_slots where weekday > 5 or valid_from <> '2026-09-01' or valid_to is not null`), 0,
    'Monday to Friday, valid from the start of the year')
  t.equal(await one(db, sql`select count(*) n from timetable_slots s join workload w on w.teacher_id = s.teacher_id
    and w.subject_id = s.subject_id and (w.class_id = s.class_id or w.group_id = s.group_id)`),
  await one(db, sql`select count(*) n from timetable_slots`), 'each slot is taught by the teacher whose workload it is')

  // Hours per week as in the curriculum: the class's slots, or each subgroup's.
  const hours = await rows<{ class_id: number; subject_id: number; hours: number; slots: number }>(db, sql`
    select cu.class_id, cu.subject_id, cu.hours_per_week hours,
      case when exists (select 1 from groups g where g.class_id = cu.class_id and g.subject_id = cu.subject_id)
        then (select max(k) from (select count(*) k from timetable_slots s join groups g on g.id = s.group_id
              where g.class_id = cu.class_id and g.subject_id = cu.subject_id group by s.group_id))
        else (select count(*) from timetable_slots s where s.class_id = cu.class_id and s.subject_id = cu.subject_id) end slots
    from curriculum cu`)
  t.ok(hours.length > 200)
  t.same(hours.filter((h) => h.slots !== weeklyCount(h.hours)), [], 'weekly slots equal the curriculum hours')

  // Days as long as the grade allows, without gaps.
  const days = await rows<{ grade: number; n: number; top: number }>(db, sql`
    select c.grade, count(distinct s.lesson_number) n, max(s.lesson_number) top from timetable_slots s
    left join groups g on g.id = s.group_id join classes c on c.id = coalesce(s.class_id, g.class_id) group by c.id, s.weekday`)
  t.same(days.filter((d) => d.n > maxLessonsPerDay(d.grade)), [], 'lessons a day: 4 in the first grade, 5 in primary, 6 in 5–6, 7 above')
  t.same(days.filter((d) => d.top !== d.n), [], 'a class’s day has no gaps: lessons 1…n')
  t.equal(days.filter((d) => d.grade === 1).every((d) => d.n === 4), true, 'first-graders have four lessons a day')
})

t.test('R-TT-1: lessons of the whole year follow the timetable on school days only', async (t) => {
  t.equal(await one(db, sql`select count(*) n from lessons where strftime('%w', date) in ('0', '6')`), 0, 'no lessons at weekends')
  t.equal(await one(db, sql`select count(*) n from lessons l left join groups g on g.id = l.group_id
    join classes c on c.id = coalesce(l.class_id, g.class_id)
    join holidays h on l.date between h.starts_on and h.ends_on and c.grade between h.grade_from and h.grade_to`), 0,
  'none in the holidays of the grade (first-graders have their February week off)')
  t.ok(await one(db, sql`select count(*) n from lessons l join classes c on c.id = l.class_id
    where c.grade = 2 and l.date between '2027-02-15' and '2027-02-21'`) > 0, 'second-graders study in that week')
  t.equal(await one(db, sql`select count(*) n from lessons where date < '2026-09-01' or date > '2027-05-31'`), 0, 'within the year')
  t.equal(await one(db, sql`select count(*) n from timetable_slots s where
    (select count(*) from lessons l where l.slot_id = s.id and l.origin = 'timetable') not between 30 and 36`), 0,
  'each slot gives a lesson every school week (30–36 in a year)')
  t.equal(await one(db, sql`select count(*) n from lessons l join timetable_slots s on s.id = l.slot_id where l.origin = 'timetable'
    and (cast(strftime('%w', l.date) as integer) <> s.weekday or l.lesson_number <> s.lesson_number or l.teacher_id <> s.teacher_id
      or l.subject_id <> s.subject_id or l.class_id is not s.class_id or l.group_id is not s.group_id)`), 0, 'each lesson is its slot’s')
})

t.test('R-TT-2: changes in the past — a cancellation, a transfer, an extra lesson, substitutions', async (t) => {
  const recent = (col: string) => sql`${sql.ref(col)} between ${addDays(TODAY, -28)} and ${TODAY}`
  t.equal(await one(db, sql`select count(*) n from lessons where status = 'cancelled' and change_note <> '' and ${recent('date')}`), 1, 'a cancelled lesson')
  const moved = await rows<{ date: string; to_date: string; origin: string; note: string; same: number }>(db, sql`
    select l.date, m.date to_date, m.origin, m.change_note note,
      (l.subject_id = m.subject_id and l.class_id is m.class_id and l.group_id is m.group_id and l.teacher_id = m.teacher_id) same
    from lessons l join lessons m on m.id = l.moved_to_id where l.status = 'moved'`)
  t.equal(moved.length, 1, 'a moved lesson')
  t.match(moved[0], { origin: 'transfer', same: 1, note: /^Перенос урока с \d\d\.\d\d\.\d{4}$/ }, 'points to its new lesson of the same page')
  t.ok(moved[0].to_date > moved[0].date && moved[0].to_date <= TODAY, 'later, and still in the past')
  t.equal(await one(db, sql`select count(*) n from lessons where origin = 'extra' and status = 'scheduled' and slot_id is null and ${recent('date')}`), 1, 'an extra lesson')

  const subs = await rows<{ class_id: number | null; substitute_id: number; same_subject: number; date: string }>(db, sql`
    select l.class_id, l.substitute_id, l.date, exists (select 1 from workload w where w.teacher_id = l.substitute_id and w.subject_id = l.subject_id) same_subject
    from lessons l where l.substitute_id is not null`)
  t.ok(subs.length >= 4, `${subs.length} lessons with a substitute`)
  t.ok(subs.every((s) => s.date <= TODAY && s.date >= addDays(TODAY, -28)), 'all in the recent past')
  t.ok(subs.some((s) => s.class_id === c5a), 'one of them in 5А')
  t.ok(subs.some((s) => s.substitute_id === teacher), 'the demo teacher once stands in for a colleague')
  t.ok(subs.filter((s) => s.same_subject).length > subs.length / 2, 'mostly by a free teacher of the same subject')
  t.equal(await one(db, sql`select count(*) n from lessons where substitute_id = teacher_id`), 0)
  // Nobody in two places at once on any day, substitutes, transfers and extra lessons included.
  t.equal(await one(db, sql`select count(*) n from (select date, lesson_number, coalesce(substitute_id, teacher_id) who from lessons
    where status = 'scheduled' group by 1, 2, 3 having count(*) > 1)`), 0, 'no teacher double-booked on a date')
  t.equal(await one(db, sql`select count(*) n from (select l.date, l.lesson_number, coalesce(l.class_id, g.class_id) c from lessons l
    left join groups g on g.id = l.group_id where l.status = 'scheduled' group by 1, 2, 3 having count(distinct l.subject_id) > 1)`), 0,
  'no class with two lessons at once on a date')
  const distance = await rows<{ n: number; order: string }>(db, sql`select count(*) n, distance_order "order" from lessons where distance = 1 group by 2`)
  t.equal(distance.length, 1, 'one day of distance learning')
  t.match(distance[0].order, /^Приказ № \d+-о от \d\d\.\d\d\.\d{4}$/, 'with the order number')
  t.equal(await one(db, sql`select count(*) n from absences a join lessons l on l.id = a.lesson_id where l.distance = 1`), 0, 'no «н» on distance lessons')
})

t.test('R-J-3: the КТП, and lessons taking its topics in order', async (t) => {
  const plans = await rows<{ subject_id: number; grade: number; n: number; top: number; hours: number }>(db, sql`
    select p.subject_id, p.grade, count(*) n, max(p.number) top,
      (select max(cu.hours_per_week) from curriculum cu join classes c on c.id = cu.class_id where c.grade = p.grade and cu.subject_id = p.subject_id) hours
    from plan_topics p group by 1, 2`)
  t.equal(plans.length, await one(db, sql`select count(*) n from (select distinct cu.subject_id, c.grade from curriculum cu join classes c on c.id = cu.class_id)`),
    'a plan for every subject of every grade')
  t.same(plans.filter((p) => p.n !== Math.round(p.hours * 34) || p.top !== p.n), [], 'hours × 34 topics, numbered 1…n')
  t.equal(await one(db, sql`select count(*) n from plan_topics where title like 'Контрольная работа № %' or title like 'Контрольный диктант № %'`) > 100, true,
    'control works in the plans of the main subjects')

  // Past lessons of each page carry topics 1, 2, 3 … in date order; the future is empty.
  const past = await rows<{ page: string; number: number | null; topic: string; title: string | null }>(db, sql`
    select coalesce('c' || l.class_id || ':' || l.subject_id, 'g' || l.group_id) page, p.number, l.topic, p.title from lessons l
    left join plan_topics p on p.id = l.plan_topic_id where l.status = 'scheduled' and l.date <= ${TODAY} order by l.date, l.lesson_number`)
  const seen = new Map<string, number>()
  const bad: string[] = []
  for (const r of past) {
    const k = (seen.get(r.page) ?? 0) + 1
    seen.set(r.page, k)
    if (r.number !== k || r.topic !== r.title) bad.push(`${r.page} #${k}: ${r.number} ${r.topic}`)
  }
  t.same(bad.slice(0, 5), [], 'every past lesson has the next topic of the plan')
  t.equal(await one(db, sql`select count(*) n from lessons where date > ${TODAY} and (topic <> '' or homework <> '' or plan_topic_id is not null
    or topic_entered_at is not null or entered_by is not null)`), 0, 'future lessons are empty')
  t.equal(await one(db, sql`select count(*) n from lessons where status <> 'scheduled' and (topic <> '' or homework <> '')`), 0,
    'cancelled and moved lessons have no entry')
})

t.test('R-J-2, R-J-7: homework and the times of entries', async (t) => {
  const past = await rows<{ grade: number; subject: string; homework: string; date: string; n: number; topic_at: string; hw_at: string | null; by: number; who: number }>(db, sql`
    select c.grade, s.name subject, l.homework, l.date, l.lesson_number n, l.topic_entered_at topic_at, l.homework_entered_at hw_at, l.entered_by by,
      coalesce(l.substitute_id, l.teacher_id) who
    from lessons l left join groups g on g.id = l.group_id join classes c on c.id = coalesce(l.class_id, g.class_id)
    join subjects s on s.id = l.subject_id where l.status = 'scheduled' and l.date <= ${TODAY}`)
  t.ok(past.length > 5000)
  t.equal(past.filter((l) => l.by !== l.who).length, 0, 'entered by the teacher, or the substitute of a replaced lesson')
  t.equal(past.filter((l) => l.grade === 1 && l.homework).length, 0, 'no homework in the first grade')
  const main = past.filter((l) => l.grade >= 2 && (l.subject === 'Русский язык' || l.subject === 'Математика' || l.subject === 'Алгебра'))
  t.ok(main.filter((l) => l.homework).length / main.length > 0.75, 'most lessons of the main subjects have homework')
  t.ok(main.some((l) => /^§ \d+, упр\. \d+/.test(l.homework)) && main.some((l) => /№ \d+/.test(l.homework)), 'as teachers write it')
  t.equal(past.filter((l) => l.homework && l.hw_at === null).length, 0, 'homework has its time')

  // Minutes after the lesson's end at which the topic came in (local time, as monitoring reads it).
  const ends = new Map(BELLS.map((b) => [b.number, b.endsAt]))
  let sameHour = 0
  let nextDay = 0
  for (const l of past) {
    const at = new Date(l.topic_at)
    const [h, m] = ends.get(l.n)!.split(':').map(Number)
    const end = new Date(Number(l.date.slice(0, 4)), Number(l.date.slice(5, 7)) - 1, Number(l.date.slice(8, 10)), h, m)
    const late = (at.getTime() - end.getTime()) / 60_000
    if (dayOf(l.topic_at) === l.date && late >= -5 && late <= 60) sameHour++
    else if (dayOf(l.topic_at) === addDays(l.date, 1)) nextDay++
  }
  t.ok(sameHour / past.length > 0.85, `${((sameHour / past.length) * 100).toFixed(1)} % within the hour after the lesson`)
  t.ok(nextDay > 10 && nextDay / past.length < 0.1, `${nextDay} entered the next day: monitoring has something to show`)
  t.equal(sameHour + nextDay, past.length, 'nothing else')
  t.ok(await one(db, sql`select count(*) n from homework_individual`) > 10, 'individual homework for students who missed a lesson')
})

t.test('R-J-4, R-J-6: marks — none in the future, none in grade 1, no 1 or 2 while adapting, within deadlines', async (t) => {
  t.equal(await one(db, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id where l.date > ${TODAY}`), 0, 'no marks after today')
  t.equal(await one(db, sql`select count(*) n from absences a join lessons l on l.id = a.lesson_id where l.date > ${TODAY}`), 0, 'no absences after today')
  t.equal(await one(db, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id where l.status <> 'scheduled'`), 0, 'only on held lessons')
  t.equal(await one(db, sql`select count(*) n from (select lesson_id from marks union select lesson_id from lesson_columns) x
    join lessons l on l.id = x.lesson_id left join groups g on g.id = l.group_id join classes c on c.id = coalesce(l.class_id, g.class_id) where c.grade = 1`), 0,
  'grade 1 is unmarked')
  t.ok(await one(db, sql`select count(*) n from absences a join lessons l on l.id = a.lesson_id join classes c on c.id = l.class_id where c.grade = 1`) > 0,
    'but its attendance is kept')
  t.equal(await one(db, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id
    where l.date between '2026-09-01' and '2026-09-15' and (m.value glob '*[12]*')`), 0, 'no 1 or 2 in the adaptation period')
  t.ok(await one(db, sql`select count(*) n from marks where value glob '[12]'`) > 0, 'but 2s exist later')
  t.equal(await one(db, sql`select count(*) n from marks where value = '1'`), 0, 'no 1s')
  const values = await rows<{ value: string; n: number }>(db, sql`select value, count(*) n from marks group by 1 order by 2 desc`)
  const total = values.reduce((s, v) => s + v.n, 0)
  t.equal(values[0].value, '4', 'fours are the most common mark')
  t.ok((values.find((v) => v.value === '2')?.n ?? 0) / total < 0.04, '2s are rare')
  t.equal(await one(db, sql`select count(*) n from marks m where not exists
    (select 1 from lesson_columns c where c.lesson_id = m.lesson_id and c.column_no = m.column_no)`), 0, 'every mark has its column’s kind of work')
  t.equal(await one(db, sql`select count(*) n from lesson_columns c where c.column_no > 1 and not exists
    (select 1 from lesson_columns p where p.lesson_id = c.lesson_id and p.column_no = c.column_no - 1)`), 0, 'columns are numbered 1, 2, …')
  t.equal(await one(db, sql`select count(*) n from marks m join absences a on a.lesson_id = m.lesson_id and a.student_id = m.student_id`), 0,
    'nobody both absent and marked')
  t.ok(await one(db, sql`select count(*) n from marks m join lesson_columns c on c.lesson_id = m.lesson_id and c.column_no = m.column_no
    join work_kinds k on k.id = c.work_kind_id where k.name in ('Диктант', 'Контрольный диктант') and m.value glob '[1-5]/[1-5]'`) > 20,
  'dictations carry double marks «4/5»')
  t.equal(await one(db, sql`select count(*) n from marks where value glob '[1-5]/[1-5]' and not exists (select 1 from lesson_columns c
    join work_kinds k on k.id = c.work_kind_id where c.lesson_id = marks.lesson_id and c.column_no = marks.column_no
    and k.name in ('Диктант', 'Контрольный диктант', 'Сочинение (10–11 классы)'))`), 0, 'and only they (and essays)')
  // Everyone present writes a control work.
  t.equal(await one(db, sql`select count(*) n from lesson_columns c join work_kinds k on k.id = c.work_kind_id join lessons l on l.id = c.lesson_id
    where k.is_control = 1 and l.class_id is not null and l.distance = 0 and (select count(*) from enrollments e where e.class_id = l.class_id)
      <> (select count(*) from marks m where m.lesson_id = l.id and m.column_no = c.column_no)
       + (select count(*) from absences a where a.lesson_id = l.id)`), 0, 'everyone present is marked in a control work')

  // Entered within the kind's deadline, or later with the deputy's approval (R-J-6).
  const marks = await rows<{ page: string; date: string; lesson_id: number; deadline: string; entered_at: string; approval: number | null }>(db, sql`
    select coalesce('c' || l.class_id || ':' || l.subject_id, 'g' || l.group_id) page, l.date, l.id lesson_id, k.deadline, m.entered_at, m.late_approval_id approval
    from marks m join lessons l on l.id = m.lesson_id join lesson_columns c on c.lesson_id = m.lesson_id and c.column_no = m.column_no
    join work_kinds k on k.id = c.work_kind_id`)
  const dates = await rows<{ page: string; date: string }>(db, sql`select coalesce('c' || class_id || ':' || subject_id, 'g' || group_id) page, date
    from lessons where status = 'scheduled' order by date, lesson_number`)
  const byPage = new Map<string, string[]>()
  for (const d of dates) (byPage.get(d.page) ?? byPage.set(d.page, []).get(d.page)!).push(d.date)
  const next = (page: string, date: string) => byPage.get(page)!.find((d) => d > date) ?? null
  const late = marks.filter((m) => dayOf(m.entered_at) > lastEntryDate(m.date, parseDeadline(m.deadline), next(m.page, m.date)))
  t.ok(late.length > 0, `${late.length} marks entered after the deadline`)
  t.equal(late.filter((m) => m.approval === null).length, 0, 'each of them with an approval')
  t.equal(marks.filter((m) => dayOf(m.entered_at) < m.date || dayOf(m.entered_at) > TODAY).length, 0, 'none before its lesson or after today')
  const approvals = await rows<{ id: number; lesson_id: number; status: string; decided_by: number; deputy: number }>(db, sql`
    select a.id, a.lesson_id, a.status, a.decided_by, (select person_id from users where login = 'deputy') deputy from late_approvals a`)
  t.ok(approvals.length >= 3, `${approvals.length} late approvals`)
  t.ok(approvals.every((a) => a.status === 'approved' && a.decided_by === a.deputy), 'approved by the deputy')
  t.ok(approvals.every((a) => late.some((m) => m.approval === a.id && m.lesson_id === a.lesson_id)), 'each used for its lesson’s late marks')
  t.ok(await one(db, sql`select count(*) n from mark_history where old_value <> new_value and reason <> ''`) > 0, 'a few corrected marks keep their history')
})

t.test('R-J-8: every student of grades 2–11 has marks in each main subject, at least every few lessons', async (t) => {
  t.equal(await one(db, sql`select count(*) n from enrollments e join classes c on c.id = e.class_id join curriculum cu on cu.class_id = c.id
    join subjects s on s.id = cu.subject_id where c.grade >= 2 and s.name in ('Русский язык', 'Математика', 'Алгебра', 'Геометрия', 'Английский язык')
    and not exists (select 1 from marks m join lessons l on l.id = m.lesson_id where m.student_id = e.student_id and l.subject_id = s.id)`), 0,
  'nobody without marks in a main subject')
  // On the demo teacher's page: nobody present goes more than four lessons without a mark.
  const cells = await rows<{ id: number; student_id: number; marked: number; absent: number }>(db, sql`
    select l.id, e.student_id, exists (select 1 from marks m where m.lesson_id = l.id and m.student_id = e.student_id) marked,
      exists (select 1 from absences a where a.lesson_id = l.id and a.student_id = e.student_id) absent
    from lessons l join enrollments e on e.class_id = l.class_id
    where l.class_id = ${c5a} and l.subject_id = ${russian} and l.status = 'scheduled' and l.date <= ${TODAY} order by l.date, l.lesson_number`)
  const run = new Map<number, number>()
  let worst = 0
  for (const c of cells) {
    const r = c.marked ? 0 : c.absent ? run.get(c.student_id) ?? 0 : (run.get(c.student_id) ?? 0) + 1
    run.set(c.student_id, r)
    worst = Math.max(worst, r)
  }
  t.ok(worst <= 4, `at most ${worst} lessons in a row without a mark`)
})

t.test('R-J-5: absences — a realistic share, reasons set weekly by the class teacher, none in PE while exempt', async (t) => {
  const share = await one(db, sql`select 1.0 * (select count(*) from absences) / (
    (select count(*) from lessons l join enrollments e on e.class_id = l.class_id where l.status = 'scheduled' and l.date <= ${TODAY})
    + (select count(*) from lessons l join group_members m on m.group_id = l.group_id where l.status = 'scheduled' and l.date <= ${TODAY})) n`)
  t.ok(share > 0.035 && share < 0.08, `${(share * 100).toFixed(1)} % of student-lessons missed`)
  t.equal(await one(db, sql`select count(*) n from absences a join lessons l on l.id = a.lesson_id join subjects s on s.id = l.subject_id
    join students st on st.person_id = a.student_id where s.is_pe = 1 and st.pe_exempt_until >= l.date`), 0, 'no «н» in PE for the exempt')
  t.ok(await one(db, sql`select count(*) n from lessons l join subjects s on s.id = l.subject_id join enrollments e on e.class_id = l.class_id
    join students st on st.person_id = e.student_id where s.is_pe = 1 and st.pe_exempt_until >= l.date and l.date <= ${TODAY}`) > 0,
  'though exempt students have PE lessons')
  const reasons = await rows<{ reason: string | null; n: number }>(db, sql`select reason, count(*) n from absences group by 1 order by 2 desc`)
  t.equal(reasons[0].reason, 'illness', 'mostly illness')
  t.ok(reasons.some((r) => r.reason === 'valid') && reasons.some((r) => r.reason === 'invalid'), 'some valid, some not')
  const all = await rows<{ date: string; reason: string | null; set_at: string | null; set_by: number | null; class_teacher: number }>(db, sql`
    select l.date, a.reason, a.reason_set_at set_at, a.reason_set_by set_by, c.class_teacher_id class_teacher from absences a
    join lessons l on l.id = a.lesson_id join enrollments e on e.student_id = a.student_id join classes c on c.id = e.class_id`)
  const set = all.filter((a) => a.reason !== null)
  t.equal(set.filter((a) => a.set_by !== a.class_teacher || dayOf(a.set_at!) !== addDays(mondayOf(a.date), 7)).length, 0,
    'set by the class teacher on the following Monday')
  t.equal(all.filter((a) => (a.reason === null) !== (addDays(mondayOf(a.date), 7) > TODAY)).length, 0, 'this week’s are not set yet')
  // Illness comes in runs of days: someone is away for a whole day, several days in a row.
  t.ok(await one(db, sql`select count(*) n from (select a.student_id, l.date from absences a join lessons l on l.id = a.lesson_id
    where a.reason = 'illness' group by 1, 2 having count(*) >= 4)`) > 100, 'whole days missed')
})

t.test('R-FIN-1..4: period marks for the ended first quarter, and both correction paths', async (t) => {
  const q1 = await rows<{ id: number; ends_on: string }>(db, sql`select id, ends_on from periods where scheme = 'quarter' and number = 1`)
  t.equal(q1[0].ends_on, '2026-10-30')
  t.equal(await one(db, sql`select count(*) n from final_marks where period_id <> ${q1[0].id} or kind <> 'period'`), 0,
    'only the first quarter has ended (the half-year has not, nor the year)')
  t.equal(await one(db, sql`select count(*) n from enrollments e join classes c on c.id = e.class_id join curriculum cu on cu.class_id = c.id
    where c.grade between 2 and 9 and not exists (select 1 from final_marks f where f.student_id = e.student_id and f.subject_id = cu.subject_id)`), 0,
  'every student of grades 2–9 has a mark in each subject')
  t.equal(await one(db, sql`select count(*) n from final_marks f join enrollments e on e.student_id = f.student_id join classes c on c.id = e.class_id
    where c.grade = 1 or c.grade >= 10`), 0, 'none in the unmarked first grade, none yet for the half-year grades')
  t.equal(await one(db, sql`select count(*) n from final_marks where locked <> 1 or substr(set_at, 1, 10) not between '2026-10-29' and '2026-10-31'`), 0,
    'locked, set on the period’s last day')
  t.equal(await one(db, sql`select count(*) n from final_marks f join enrollments e on e.student_id = f.student_id join classes c on c.id = e.class_id
    where not exists (select 1 from workload w left join groups g on g.id = w.group_id where w.teacher_id = f.set_by and w.subject_id = f.subject_id
      and (w.class_id = c.id or g.class_id = c.id))`), 0, 'by the subject’s teacher')
  const same = await one(db, sql`select 1.0 * sum(value = proposed) / count(*) n from final_marks where proposed is not null`)
  t.ok(same > 0.9 && same < 1, `${(same * 100).toFixed(1)} % as proposed, a handful decided otherwise`)
  t.ok(await one(db, sql`select count(*) n from final_marks f join subjects s on s.id = f.subject_id where s.is_pe = 1 and f.value = 'осв'`) > 0,
    '«осв» in PE for the exempt')

  // The proposal is the weighted mean of the quarter's marks, recomputed from the journal.
  const marks = await rows<{ student_id: number; subject_id: number; value: string; weight: number }>(db, sql`
    select m.student_id, l.subject_id, m.value, k.weight from marks m join lessons l on l.id = m.lesson_id
    join lesson_columns c on c.lesson_id = m.lesson_id and c.column_no = m.column_no join work_kinds k on k.id = c.work_kind_id
    where l.date between '2026-09-01' and '2026-10-30'`)
  const by = new Map<string, WeightedMark[]>()
  for (const m of marks) (by.get(`${m.student_id}:${m.subject_id}`) ?? by.set(`${m.student_id}:${m.subject_id}`, []).get(`${m.student_id}:${m.subject_id}`)!).push(m)
  const finals = await rows<{ student_id: number; subject_id: number; proposed: string | null }>(db, sql`select student_id, subject_id, proposed from final_marks`)
  t.same(finals.filter((f) => f.proposed !== proposePeriodMark(by.get(`${f.student_id}:${f.subject_id}`) ?? [], 0.5)).slice(0, 3), [],
    'proposed = proposePeriodMark over the quarter’s marks with the kinds’ weights')

  const corr = await rows<{ grade: number; status: string; approver_role: string; decided_by: number | null; order_number: string; old_value: string;
    new_value: string; value: string; explanation: string; director: number }>(db, sql`
    select c.grade, fc.status, fc.approver_role, fc.decided_by, fc.order_number, fc.old_value, fc.new_value, f.value, fc.explanation,
      (select person_id from users where login = 'director') director
    from final_corrections fc join final_marks f on f.id = fc.final_mark_id join enrollments e on e.student_id = f.student_id
    join classes c on c.id = e.class_id order by c.grade`)
  t.equal(corr.length, 2)
  t.match(corr[0], { grade: 5, status: 'pending', approver_role: 'deputy', decided_by: null, order_number: '' }, 'a request waiting for the deputy in grade 5')
  t.equal(corr[0].value, corr[0].old_value, 'the pending one has not changed the mark')
  t.match(corr[1], { grade: 9, status: 'approved', approver_role: 'director', order_number: /^Приказ № \d+-о от \d\d\.\d\d\.2026$/ },
    'one approved by the director’s order in grade 9')
  t.equal(corr[1].decided_by, corr[1].director)
  t.equal(corr[1].value, corr[1].new_value, 'the approved one has changed the mark')
  t.match(corr[1].explanation, /^Объяснительная/, 'with the teacher’s written explanation')
})

t.test('R-J-1: the demo teacher’s 5А Russian page is full and realistic', async (t) => {
  const page = await rows<{ topic: string; homework: string; marks: number; absences: number; entered_by: number }>(db, sql`
    select l.topic, l.homework, l.entered_by, (select count(*) from marks m where m.lesson_id = l.id) marks,
      (select count(*) from absences a where a.lesson_id = l.id) absences
    from lessons l where l.class_id = ${c5a} and l.subject_id = ${russian} and l.status = 'scheduled' and l.date <= ${TODAY} order by l.date`)
  t.ok(page.length >= 20, `${page.length} past lessons`)
  t.ok(page.every((l) => l.topic !== '' && l.marks > 0), 'each with its topic and marks')
  t.ok(page.filter((l) => l.homework).length / page.length > 0.7, 'most with homework')
  t.ok(page.some((l) => l.topic.startsWith('Контрольный диктант')) && page.some((l) => l.topic.startsWith('Контрольная работа')), 'control works')
  t.ok(page.filter((l) => l.absences > 0).length >= 3, 'some absences')
  t.ok(page.every((l) => l.entered_by === teacher), 'filled by the demo teacher')
  t.equal(await one(db, sql`select count(*) n from lessons where class_id = ${c5a} and subject_id = ${russian} and date > ${TODAY}`) > 50, true,
    'and the rest of the year is scheduled')
  const student = await ids(sql`select person_id id from users where login = 'student'`)
  const own = await rows<{ value: string }>(db, sql`select value from marks where student_id = ${student}`)
  t.ok(own.length > 50, `the demo student has ${own.length} marks for her diary`)
  t.ok(own.filter((m) => m.value.startsWith('4') || m.value.startsWith('5')).length / own.length > 0.7, 'mostly fours and fives')
})

t.test('modes: fullYear fills the whole year as if it were over; none writes no journal; both are deterministic', async (t) => {
  const full: string[] = []
  for (const seed of [5, 5]) {
    const d = await freshDb()
    const s = await createDemoSchool(d, { seed, students: 40, today: TODAY, journal: 'fullYear' })
    t.equal(await one(d, sql`select count(*) n from lessons where status = 'scheduled' and topic = ''`), 0, 'every lesson of the year has its topic')
    t.ok(await one(d, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id where l.date > '2027-05-01'`) > 0, 'marks in May')
    t.equal(await one(d, sql`select count(*) n from absences where reason is null`), 0, 'every absence has its reason')
    const finals = await rows<{ what: string }>(d, sql`select distinct f.kind || ':' || coalesce(p.scheme || p.number, '') what
      from final_marks f left join periods p on p.id = f.period_id order by 1`)
    t.same(finals.map((f) => f.what), ['exam:', 'final:', 'period:half1', 'period:half2', 'period:quarter1', 'period:quarter2', 'period:quarter3',
      'period:quarter4', 'year:'], 'every period and the year have their marks, and the graduating grades their exams and final marks')
    t.equal(await one(d, sql`select count(*) n from final_marks f join enrollments e on e.student_id = f.student_id join classes c on c.id = e.class_id
      where f.kind in ('exam', 'final') and c.grade not in (9, 11)`), 0, 'exams and final marks only in grades 9 and 11')
    t.equal(await one(d, sql`select count(*) n from final_marks f join subjects s on s.id = f.subject_id
      where f.kind = 'exam' and s.name not in ('Русский язык', 'Алгебра')`), 0, 'exams in Russian and mathematics')
    t.equal(await one(d, sql`select count(*) n from final_marks y join enrollments e on e.student_id = y.student_id join classes c on c.id = e.class_id
      where y.kind = 'year' and c.grade in (9, 11) and not exists (select 1 from final_marks f where f.kind = 'final'
        and f.student_id = y.student_id and f.subject_id = y.subject_id)`), 0, 'a final mark for every year mark of a graduating grade')
    const finalsOf = await rows<{ year: string; exam: string | null; final: string }>(d, sql`select y.value year, x.value exam, f.value final
      from final_marks y join final_marks f on f.student_id = y.student_id and f.subject_id = y.subject_id and f.kind = 'final'
      left join final_marks x on x.student_id = y.student_id and x.subject_id = y.subject_id and x.kind = 'exam' where y.kind = 'year'`)
    t.same(finalsOf.filter((f) => f.final !== (proposeFinalMark(f.year as FinalValue, f.exam as FinalValue | null, 0.5) ?? 'н/а')), [],
      'the final mark is the year and exam marks’ mean as the rule proposes it')
    t.equal(s.counts.marks, await one(d, sql`select count(*) n from marks`), 'the summary counts the rows')
    full.push(await journalHash(d))
    await d.destroy()
  }
  t.equal(full[0], full[1], 'the same seed gives the same full year')

  const none = await freshDb()
  await createDemoSchool(none, { seed: 5, students: 40, today: TODAY, journal: 'none' })
  t.equal(await one(none, sql`select (select count(*) from lessons) + (select count(*) from timetable_slots) + (select count(*) from bells) n`), 0,
    'journal: none writes no timetable nor lessons')
  t.equal(await one(none, sql`select count(*) n from students`), 40, 'but the school')
  await none.destroy()
  await t.rejects(createDemoSchool(await freshDb(), { seed: 1, students: 40, today: TODAY, journal: 'everything' as 'none' }), RangeError)

  // Before the year starts there is nothing to fill, only the timetable and the plan.
  const august = await freshDb()
  const a = await createDemoSchool(august, { seed: 5, students: 40, today: '2026-08-20' })
  t.ok(a.counts.lessons > 0 && a.counts.plan_topics > 0)
  t.equal(await one(august, sql`select (select count(*) from marks) + (select count(*) from absences) + (select count(*) from final_marks)
    + (select count(*) from lessons where topic <> '' or substitute_id is not null or status <> 'scheduled') n`), 0, 'no entries, no changes')
  await august.destroy()
})

t.test('the same seed gives the same journal; another seed another', async (t) => {
  const hashes: string[] = []
  for (const seed of [3, 3, 4]) {
    const d = await freshDb()
    await createDemoSchool(d, { seed, students: 120, today: TODAY })
    hashes.push(await journalHash(d))
    await d.destroy()
  }
  t.equal(hashes[0], hashes[1], 'seed 3 twice: identical journal rows')
  t.not(hashes[0], hashes[2], 'seed 4 differs')
})

t.test('the demo command takes --journal', async (t) => {
  const defaults = { seed: 1, students: 300, file: 'data/school.sqlite' }
  t.same(parseDemoArgs(['--journal', 'fullYear'], defaults), { ...defaults, journal: 'fullYear', force: false, help: false })
  t.same(parseDemoArgs(['--journal', 'none'], defaults).journal, 'none')
  t.equal(parseDemoArgs([], defaults).journal, undefined, 'the default is left to createDemoSchool (toToday)')
  for (const bad of [['--journal'], ['--journal', 'all'], ['--journal', 'FULLYEAR']]) t.throws(() => parseDemoArgs(bad, defaults), UsageError, bad.join(' '))
})
