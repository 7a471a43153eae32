// Tests of the demo school with earlier, closed years (the retention case of the benchmark): the years, the students
// going up a grade a year, graduates and newcomers, each closed year's journal, final marks and promotion decisions,
// and the current year left as it would be without them (R-ORG-1,2; R-J-4,6; R-FIN-1; R-ARC-2,5).
import { createHash } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import { openDatabase, type DB } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { currentYear } from '../src/features/school/school.queries.js'
import { councilDateRefusal, decisionRefusal, isDebt } from '../src/features/archive-print/archive-print.rules.js'
import { lastEntryDate, parseDeadline } from '../src/features/journal/journal.rules.js'
import { localDate } from '../src/lib/dates.js'
import { MAX_CLOSED_YEARS, createDemoSchool, type DemoSummary } from '../src/demo/demo.js'
import { UsageError, parseDemoArgs } from '../src/demo/cli.js'
import type { PromotionDecision } from '../src/db/types.js'

const TODAY = '2026-11-22'
const STUDENTS = 150
t.setTimeout(600_000) // schools of six years are generated several times

async function freshDb(): Promise<DB> {
  const db = openDatabase(':memory:')
  await migrateToLatest(db)
  return db
}

const one = async (db: DB, q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0].n)
const rows = async <T>(db: DB, q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows
const dayOf = (ts: string) => localDate(new Date(ts))

// The school with five closed years, and the same school without them.
const db = await freshDb()
t.teardown(() => db.destroy())
let started = process.hrtime.bigint()
const summary: DemoSummary = await createDemoSchool(db, { seed: 1, students: STUDENTS, today: TODAY, closedYears: 5 })
t.comment(`${STUDENTS} students, 5 closed years + the current one: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms, ${JSON.stringify(summary.totals)}`)
const single = await freshDb()
t.teardown(() => single.destroy())
started = process.hrtime.bigint()
await createDemoSchool(single, { seed: 1, students: STUDENTS, today: TODAY })
t.comment(`the same school without earlier years: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`)

t.test('R-ORG-1, R-ARC-5: five closed years before the open current one, in order', async (t) => {
  const years = await rows<{ id: number; name: string; status: string; starts_on: string; ends_on: string }>(db, sql`
    select id, name, status, starts_on, ends_on from academic_years order by id`)
  t.same(years.map((y) => `${y.name} ${y.status}`), ['2021/2022 closed', '2022/2023 closed', '2023/2024 closed', '2024/2025 closed',
    '2025/2026 closed', '2026/2027 open'], 'the oldest first, ids in the order of time')
  t.ok(years.every((y, i) => i === 0 || y.starts_on > years[i - 1].ends_on), 'one after another')
  t.equal((await currentYear(db, TODAY))?.name, '2026/2027', 'the app takes the open year as the current one')
  t.same(summary.years.map((y) => [y.name, y.closed]), years.map((y) => [y.name, y.status === 'closed']), 'the summary names every year')
  for (const table of ['periods', 'grade_bands', 'holidays', 'bells', 'classes', 'groups', 'timetable_slots', 'plan_topics', 'lessons']) {
    t.equal(await one(db, sql`select count(distinct year_id) n from ${sql.table(table)}`), 6, `${table} in every year`)
  }
  t.equal(await one(db, sql`select count(distinct k) n from (select year_id, count(*) k from classes group by 1)`), 1, 'the same number of classes every year')
  // Lesson ids follow time: a closed year's lessons were written before the next year's.
  t.equal(await one(db, sql`select count(*) n from lessons a join lessons b on b.id = a.id + 1 where b.year_id < a.year_id`), 0, 'ids in the order of the years')
  t.equal(await one(db, sql`select count(*) n from year_archives`), 0, 'no archive records: the closed years predate the archive (and it has no files)')
})

t.test('R-ORG-2: students go up a grade a year in their class; graduates leave; first-graders come', async (t) => {
  const enrol = await rows<{ student_id: number; year: number; starts_on: string; ends_on: string; grade: number; letter: string; from_date: string;
    to_date: string | null; reason_in: string; reason_out: string | null; status: string; birth: string }>(db, sql`
    select e.student_id, y.id year, y.starts_on, y.ends_on, c.grade, c.letter, e.from_date, e.to_date, e.reason_in, e.reason_out, y.status,
      p.birth_date birth
    from enrollments e join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id join persons p on p.id = e.student_id
    order by e.student_id, y.starts_on`)
  const by = new Map<number, typeof enrol>()
  for (const e of enrol) (by.get(e.student_id) ?? by.set(e.student_id, []).get(e.student_id)!).push(e)
  const firstYear = Math.min(...enrol.map((e) => e.year))
  const bad: string[] = []
  let graduates = 0
  let newcomers = 0
  for (const [id, list] of by) {
    list.forEach((e, i) => {
      const prev = list[i - 1]
      const next = list[i + 1]
      if (prev && (prev.year !== e.year - 1 || prev.grade !== e.grade - 1 || prev.letter !== e.letter)) bad.push(`${id}: ${prev.grade}${prev.letter} → ${e.grade}${e.letter}`)
      if (e.from_date !== e.starts_on) bad.push(`${id}: from ${e.from_date}`)
      if (e.status === 'closed' ? e.to_date !== e.ends_on : e.to_date !== null) bad.push(`${id}: to ${e.to_date}`)
      const reasonIn = prev ? 'promotion' : e.year === firstYear || e.grade === 1 ? 'initial' : 'arrival'
      if (e.reason_in !== reasonIn) bad.push(`${id}: ${e.reason_in} in ${e.grade}${e.letter}, not ${reasonIn}`)
      const reasonOut = e.status === 'open' ? null : next ? 'promotion' : e.grade === 11 || e.grade === 9 ? ['graduation', 'departure'] : 'departure'
      if (Array.isArray(reasonOut) ? !reasonOut.includes(e.reason_out!) : e.reason_out !== reasonOut) bad.push(`${id}: ${e.reason_out} out of ${e.grade}${e.letter}`)
      // Born between September and August of the year that made a first-grader seven.
      const age = Number(e.starts_on.slice(0, 4)) - Number(e.birth.slice(0, 4))
      if (age < e.grade + 6 || age > e.grade + 7) bad.push(`${id}: born ${e.birth}, in grade ${e.grade} in ${e.starts_on}`)
    })
    const last = list[list.length - 1]
    if (last.reason_out === 'graduation') graduates++
    if (list[0].reason_in === 'arrival') newcomers++
  }
  t.same(bad.slice(0, 10), [], 'a year at a time, one grade up, the same letter, with the reasons the records give')
  t.ok(graduates > 5 * 2 * 5, `${graduates} left after the ninth or eleventh grade`)
  t.ok(newcomers > 5, `${newcomers} came from other schools`)
  t.ok(enrol.some((e) => e.reason_out === 'departure'), 'a few moved away')
  t.equal(await one(db, sql`select count(*) n from enrollments e join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id
    where y.status = 'open'`), STUDENTS, 'this year has the students asked for')
  t.equal(await one(db, sql`select count(*) n from students s where not exists (select 1 from enrollments e where e.student_id = s.person_id)`), 0,
    'every student was in some class')
  t.equal(await one(db, sql`select count(*) n from students s where not exists (select 1 from parent_links l where l.student_id = s.person_id)`), 0,
    'every student, former ones too, has a parent')
  t.equal(summary.counts.former_students, await one(db, sql`select count(*) n from students s where not exists (select 1 from enrollments e
    join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id where e.student_id = s.person_id and y.status = 'open')`),
  'former students are counted')
  const sizes = await rows<{ n: number }>(db, sql`select count(*) n from enrollments group by class_id`)
  const mean = STUDENTS / 22
  t.ok(sizes.every((s) => s.n >= mean - 4 && s.n <= mean + 4), `classes of ${Math.min(...sizes.map((s) => s.n))}–${Math.max(...sizes.map((s) => s.n))}`)

  // Subgroups split each class of each year.
  t.equal(await one(db, sql`select count(*) n from enrollments e join groups g on g.class_id = e.class_id
    where (select count(*) from group_members m join groups g2 on g2.id = m.group_id
           where m.student_id = e.student_id and g2.class_id = g.class_id and g2.subject_id = g.subject_id) <> 1`), 0, 'subgroups split the class')
})

t.test('R-ORG-3: every year is taught by the school’s teachers, each in one place at a time', async (t) => {
  t.equal(await one(db, sql`select count(*) n from (select year_id, class_teacher_id from classes group by 1, 2 having count(*) > 1)`), 0,
    'nobody is class teacher of two classes in a year')
  t.equal(await one(db, sql`select count(*) n from classes c where c.grade <= 4 and not exists (select 1 from workload w
    where w.class_id = c.id and w.teacher_id = c.class_teacher_id)`), 0, 'a primary class is taught by its class teacher every year')
  t.equal(await one(db, sql`select count(*) n from (select w.teacher_id, c.year_id from workload w join classes c on c.id = w.class_id
    where c.grade <= 4 and c.class_teacher_id = w.teacher_id group by 1, 2 having count(distinct c.id) > 1)`), 0, 'one primary class each')
  t.equal(await one(db, sql`select count(*) n from (select year_id, teacher_id, weekday, lesson_number from timetable_slots group by 1, 2, 3, 4
    having count(*) > 1)`), 0, 'nobody double-booked in any year’s timetable')
  t.equal(await one(db, sql`select count(*) n from (select date, lesson_number, coalesce(substitute_id, teacher_id) who from lessons
    where status = 'scheduled' group by 1, 2, 3 having count(*) > 1)`), 0, 'nor on any date')
  t.equal(await one(db, sql`select count(*) n from curriculum cu join classes c on c.id = cu.class_id where
    case when exists (select 1 from groups g where g.class_id = cu.class_id and g.subject_id = cu.subject_id)
      then exists (select 1 from groups g where g.class_id = cu.class_id and g.subject_id = cu.subject_id
                   and not exists (select 1 from workload w where w.group_id = g.id))
      else not exists (select 1 from workload w where w.class_id = cu.class_id and w.subject_id = cu.subject_id) end`), 0,
  'every curriculum line of every year has its teacher')
  // The demo teacher led 11А last year and took 5А this year: the account sees only the current class.
  const teacher = (await db.selectFrom('users').select('id').where('login', '=', 'teacher').executeTakeFirstOrThrow()).id
  const me = (await loadCurrentUser(db, teacher))!
  const led = await rows<{ name: string; grade: number; letter: string }>(db, sql`select y.name, c.grade, c.letter from classes c
    join academic_years y on y.id = c.year_id where c.class_teacher_id = ${me.personId} order by y.starts_on`)
  t.same(led.map((c) => `${c.grade}${c.letter}`), ['7А', '8А', '9А', '10А', '11А', '5А'], 'the demo teacher led her class from 7А to 11А, then took 5А')
  t.equal(me.classTeacherOf.length, 1, 'the demo teacher is class teacher of this year’s 5А only')
})

t.test('R-J-4, R-J-6, R-FIN-1: each closed year has a whole journal, within the rules', async (t) => {
  const perYear = await rows<{ name: string; lessons: number; empty: number; marks: number; grade1: number; future: number }>(db, sql`
    select y.name, count(*) lessons, sum(l.status = 'scheduled' and l.topic = '') empty,
      (select count(*) from marks m join lessons x on x.id = m.lesson_id where x.year_id = y.id) marks,
      (select count(*) from marks m join lessons x on x.id = m.lesson_id join classes c on c.id = x.class_id where x.year_id = y.id and c.grade = 1) grade1,
      sum(l.date < y.starts_on or l.date > y.ends_on) future
    from lessons l join academic_years y on y.id = l.year_id where y.status = 'closed' group by y.id order by y.starts_on`)
  t.equal(perYear.length, 5)
  for (const y of perYear) {
    t.ok(y.lessons > 20_000 && y.empty === 0 && y.future === 0, `${y.name}: ${y.lessons} lessons within the year, each with its topic`)
    t.ok(y.marks > STUDENTS * 400 && y.grade1 === 0, `${y.name}: ${y.marks} marks, none in the first grade`)
  }
  t.equal(await one(db, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id join academic_years y on y.id = l.year_id
    where l.date between y.starts_on and y.adaptation_ends_on and m.value glob '*[12]*'`), 0, 'no 1 or 2 in any year’s adaptation weeks')
  t.equal(await one(db, sql`select count(*) n from absences a join lessons l on l.id = a.lesson_id join academic_years y on y.id = l.year_id
    where y.status = 'closed' and a.reason is null`), 0, 'every absence of a closed year has its reason')
  t.equal(await one(db, sql`select count(*) n from marks m join lessons l on l.id = m.lesson_id where not exists (select 1 from enrollments e
    join classes c on c.id = e.class_id where e.student_id = m.student_id and c.year_id = l.year_id)`), 0, 'marks only for students of that year')
  t.equal(await one(db, sql`select count(*) n from lessons l join timetable_slots s on s.id = l.slot_id where s.year_id <> l.year_id`), 0,
    'each year’s lessons come from its own timetable')
  t.equal(await one(db, sql`select count(*) n from lessons l join plan_topics p on p.id = l.plan_topic_id where p.year_id <> l.year_id`), 0,
    'and take the topics of its own КТП')

  // Entered within the kind's deadline, or later with the deputy's approval (R-J-6), in every year.
  const marks = await rows<{ page: string; date: string; deadline: string; entered_at: string; approval: number | null }>(db, sql`
    select coalesce('c' || l.class_id || ':' || l.subject_id, 'g' || l.group_id) page, l.date, k.deadline, m.entered_at, m.late_approval_id approval
    from marks m join lessons l on l.id = m.lesson_id join lesson_columns c on c.lesson_id = m.lesson_id and c.column_no = m.column_no
    join work_kinds k on k.id = c.work_kind_id where k.deadline <> 'same_day'`)
  const dates = await rows<{ page: string; date: string }>(db, sql`select coalesce('c' || class_id || ':' || subject_id, 'g' || group_id) page, date
    from lessons where status = 'scheduled' order by date, lesson_number`)
  const byPage = new Map<string, string[]>()
  for (const d of dates) (byPage.get(d.page) ?? byPage.set(d.page, []).get(d.page)!).push(d.date)
  const next = (page: string, date: string) => byPage.get(page)!.find((d) => d > date) ?? null
  const late = marks.filter((m) => dayOf(m.entered_at) > lastEntryDate(m.date, parseDeadline(m.deadline), next(m.page, m.date)))
  t.equal(late.filter((m) => m.approval === null).length, 0, `${late.length} written works marked late, each with an approval`)
  t.equal(marks.filter((m) => dayOf(m.entered_at) < m.date).length, 0, 'none before its lesson')
})

t.test('R-FIN-1, R-ARC-2: a closed year ends with year marks and the council’s decisions', async (t) => {
  t.equal(await one(db, sql`select count(*) n from enrollments e join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id
    join curriculum cu on cu.class_id = c.id where y.status = 'closed' and c.grade >= 2 and not exists (select 1 from final_marks f
      where f.year_id = y.id and f.student_id = e.student_id and f.subject_id = cu.subject_id and f.kind = 'year')`), 0,
  'every student of grades 2–11 has a year mark in each subject')
  t.equal(await one(db, sql`select count(*) n from final_marks f join enrollments e on e.student_id = f.student_id
    join classes c on c.id = e.class_id and c.year_id = f.year_id where f.kind in ('exam', 'final') and c.grade not in (9, 11)`), 0,
  'exams and final marks in the ninth and eleventh grades only')
  t.ok(await one(db, sql`select count(*) n from final_marks f join academic_years y on y.id = f.year_id where y.status = 'closed' and f.kind = 'final'`) > 0,
    'final marks of the graduating grades')
  t.equal(await one(db, sql`select count(*) n from final_corrections fc join final_marks f on f.id = fc.final_mark_id
    join academic_years y on y.id = f.year_id where y.status = 'closed' and fc.status = 'pending'`), 0, 'no correction left waiting in a closed year')
  t.equal(await one(db, sql`select count(*) n from final_marks f join academic_years y on y.id = f.year_id where y.status = 'closed'
    and substr(f.set_at, 1, 10) > y.ends_on`), 0, 'final marks set by the year’s end')

  const decisions = await rows<{ student_id: number; year: string; grade: number; decision: PromotionDecision; council_date: string;
    starts_on: string; ends_on: string; reason_out: string; debts: number; set_by: number; deputy: number }>(db, sql`
    select e.student_id, y.name year, c.grade, d.decision, d.council_date, y.starts_on, y.ends_on, e.reason_out, d.set_by,
      (select person_id from users where login = 'deputy') deputy,
      (select count(*) from final_marks f where f.year_id = y.id and f.student_id = e.student_id and f.kind = 'year' and f.value in ('1', '2', 'н/а')) debts
    from enrollments e join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id
    left join promotion_decisions d on d.year_id = y.id and d.student_id = e.student_id where y.status = 'closed'`)
  t.ok(decisions.length > STUDENTS * 4)
  t.same(decisions.filter((d) => d.decision === null).slice(0, 3), [], 'a decision on every student of a closed year')
  t.same(decisions.filter((d) => decisionRefusal(d.decision, d.grade) !== null
    || councilDateRefusal(d.council_date, { starts_on: d.starts_on, ends_on: d.ends_on }, TODAY) !== null).slice(0, 3), [],
  'each one the app would accept (the grade’s decisions, the council within the year’s summer)')
  t.same(decisions.filter((d) => (d.decision === 'graduated') !== (d.reason_out === 'graduation')).slice(0, 3), [],
    'who finished school left with graduation, the eleventh grade all of them')
  t.same(decisions.filter((d) => d.decision !== 'graduated' && (d.decision === 'conditional') !== (d.debts > 0)).slice(0, 3), [],
    'promoted with a debt exactly those with an unsatisfactory or missing year mark')
  t.equal(decisions.filter((d) => d.set_by !== d.deputy).length, 0, 'entered by the deputy')
  t.ok(isDebt('н/а') && !isDebt('3'))
  t.equal(await one(db, sql`select count(*) n from promotion_decisions d join academic_years y on y.id = d.year_id where y.status = 'open'`), 0,
    'none yet in the current year')
})

t.test('R-ORG-1: the current year is the one the school would have without its earlier years', async (t) => {
  const current = async (d: DB) => {
    const h = createHash('sha256')
    const year = (await rows<{ id: number }>(d, sql`select id from academic_years where status = 'open'`))[0].id
    // Ids of lessons and classes move with the years before them; what a user sees does not.
    const queries = [
      sql`select m.student_id, l.date, l.lesson_number, l.subject_id, l.topic, l.homework, m.column_no, m.value, m.entered_at
        from marks m join lessons l on l.id = m.lesson_id where l.year_id = ${year}`,
      sql`select a.student_id, l.date, l.lesson_number, l.subject_id, a.reason, a.entered_at from absences a join lessons l on l.id = a.lesson_id
        where l.year_id = ${year}`,
      sql`select student_id, subject_id, kind, value, proposed, set_by, set_at from final_marks where year_id = ${year}`,
      sql`select l.date, l.lesson_number, l.subject_id, l.teacher_id, l.substitute_id, l.status, l.change_note from lessons l where l.year_id = ${year}`,
      sql`select e.student_id, c.grade, c.letter, c.class_teacher_id from enrollments e join classes c on c.id = e.class_id where c.year_id = ${year}`,
    ]
    for (const q of queries) h.update((await q.execute(d)).rows.map((r) => JSON.stringify(r)).sort().join('\n'))
    return h.digest('hex')
  }
  t.equal(await current(db), await current(single), 'the same classes, lessons, marks, absences and period marks')
  t.equal(await one(single, sql`select count(*) n from enrollments where reason_in <> 'initial'`), 0, 'without earlier years everyone is simply enrolled')
  t.ok(await one(db, sql`select count(*) n from enrollments e join classes c on c.id = e.class_id join academic_years y on y.id = c.year_id
    where y.status = 'open' and e.reason_in = 'promotion'`) > STUDENTS * 0.8, 'with them, most were promoted from last year’s class')
})

t.test('the same seed gives the same six years; the number of years is checked', async (t) => {
  const hashes: string[] = []
  for (let i = 0; i < 2; i++) {
    const d = await freshDb()
    const s = await createDemoSchool(d, { seed: 9, students: 40, today: TODAY, closedYears: 2, journal: 'fullYear' })
    t.equal(s.years.length, 3)
    const h = createHash('sha256')
    for (const table of ['academic_years', 'classes', 'enrollments', 'persons', 'lessons', 'marks', 'absences', 'final_marks', 'promotion_decisions']) {
      h.update((await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(d)).rows.map((r) => JSON.stringify(r)).sort().join('\n'))
    }
    hashes.push(h.digest('hex'))
    await d.destroy()
  }
  t.equal(hashes[0], hashes[1], 'byte-identical rows')
  for (const bad of [-1, 1.5, MAX_CLOSED_YEARS + 1]) {
    await t.rejects(createDemoSchool(await freshDb(), { seed: 1, students: 40, today: TODAY, closedYears: bad }), RangeError, `${bad} closed years`)
  }
})

t.test('the demo command takes --years', async (t) => {
  const defaults = { seed: 1, students: 300, file: 'data/school.sqlite' }
  t.same(parseDemoArgs(['--years', '5', '--journal', 'fullYear'], defaults), { ...defaults, years: 5, journal: 'fullYear', force: false, help: false })
  t.equal(parseDemoArgs([], defaults).years, undefined, 'none by default')
  for (const bad of [['--years'], ['--years', '6'], ['--years', 'five'], ['--years', '-1']]) t.throws(() => parseDemoArgs(bad, defaults), UsageError, bad.join(' '))
})
