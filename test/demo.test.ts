// Tests of the demo school generator: determinism, size, structure, families, demo accounts, the command.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { openDatabase, type DB } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { loadCurrentUser } from '../src/features/auth/auth.queries.js'
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoNotEmptyError, createDemoSchool } from '../src/demo/demo.js'
import { academicYear } from '../src/demo/calendar.js'
import { HOUR_CAP } from '../src/demo/curriculum.js'
import { feminineSurname } from '../src/demo/names.js'
import { classesPerGrade } from '../src/demo/plan.js'
import { UsageError, parseDemoArgs, runDemoCommand } from '../src/demo/cli.js'
import { buildTestApp, loginAs } from './helper.js'

const TODAY = '2026-11-22'
t.setTimeout(300_000) // whole schools with their journals are generated several times

async function freshDb(): Promise<DB> {
  const db = openDatabase(':memory:')
  await migrateToLatest(db)
  return db
}

/** A hash of every row of every table, except what is random by design (password salt) or the clock (audit time). */
async function dumpHash(db: DB): Promise<string> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'
    and name not like 'sqlite_%' and name not like 'kysely_%' and name <> 'sessions' order by name`.execute(db)
  const h = createHash('sha256')
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)
    const lines = rows.rows.map((r) => {
      const row = { ...r }
      if (name === 'users') delete row.password_hash
      if (name === 'audit_log') delete row.at
      return JSON.stringify(row)
    })
    h.update(`${name}\n${lines.sort().join('\n')}\n`)
  }
  return h.digest('hex')
}

const one = async (db: DB, q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0].n)

t.test('R-ORG-1: the academic year is the one around today, with periods and holidays', async (t) => {
  const y = academicYear(TODAY)
  t.same([y.name, y.startsOn, y.endsOn, y.adaptationEndsOn], ['2026/2027', '2026-09-01', '2027-05-31', '2026-09-15'])
  t.same(y.bands, [{ gradeFrom: 1, gradeTo: 9, scheme: 'quarter' }, { gradeFrom: 10, gradeTo: 11, scheme: 'half' }])
  for (const [today, name] of [['2026-09-01', '2026/2027'], ['2027-03-01', '2026/2027'], ['2027-05-31', '2026/2027'],
    ['2027-08-01', '2027/2028'], ['2025-12-31', '2025/2026']]) {
    t.equal(academicYear(today).name, name, `${today} → ${name}`)
  }
  // Periods of each scheme follow one another with only holidays between them.
  const holidays = y.holidays.filter((h) => h.gradeTo === 11)
  for (const scheme of ['quarter', 'half'] as const) {
    const ps = y.periods.filter((p) => p.scheme === scheme)
    t.equal(ps[0].startsOn, y.startsOn)
    t.equal(ps[ps.length - 1].endsOn, y.endsOn)
    for (let i = 1; i < ps.length; i++) {
      const gap = holidays.find((h) => h.startsOn > ps[i - 1].endsOn && h.endsOn < ps[i].startsOn)
      t.ok(gap, `${scheme} ${i} and ${i + 1} are separated by holidays`)
    }
  }
  const quarters = y.periods.filter((p) => p.scheme === 'quarter')
  t.ok(quarters.every((q) => !holidays.some((h) => h.startsOn <= q.endsOn && h.endsOn >= q.startsOn)), 'no holidays inside a quarter')
  t.same(y.holidays.map((h) => [h.name, h.startsOn, h.endsOn, h.gradeFrom, h.gradeTo]), [
    ['Осенние каникулы', '2026-10-31', '2026-11-08', 1, 11],
    ['Зимние каникулы', '2026-12-31', '2027-01-11', 1, 11],
    ['Дополнительные каникулы для 1 классов', '2027-02-15', '2027-02-21', 1, 1],
    ['Весенние каникулы', '2027-03-27', '2027-04-04', 1, 11],
  ])
})

t.test('feminine surnames and classes per grade', async (t) => {
  for (const [m, f] of [['Иванов', 'Иванова'], ['Соловьёв', 'Соловьёва'], ['Ильин', 'Ильина'], ['Покровский', 'Покровская'],
    ['Троицкий', 'Троицкая'], ['Лановой', 'Лановая'], ['Шевченко', 'Шевченко'], ['Черных', 'Черных']]) {
    t.equal(feminineSurname(m), f, `${m} → ${f}`)
  }
  for (const [students, perGrade] of [[10, 2], [300, 2], [900, 3], [1500, 5], [3000, 10]]) {
    t.equal(classesPerGrade(students), perGrade, `${students} students → ${perGrade} classes per grade`)
  }
})

t.test('the same seed gives the same school; another seed another school', async (t) => {
  const hashes: string[] = []
  for (const seed of [7, 7, 8]) {
    const db = await freshDb()
    await createDemoSchool(db, { seed, students: 150, today: TODAY })
    hashes.push(await dumpHash(db))
    await db.destroy()
  }
  t.equal(hashes[0], hashes[1], 'seed 7 twice: byte-identical rows')
  t.not(hashes[0], hashes[2], 'seed 8 differs')
})

/** Everything a school must satisfy, checked on the data as written. */
async function checkSchool(t: Test, db: DB, students: number) {
  t.equal(await one(db, sql`select count(*) n from students`), students, 'as many students as asked')
  t.equal(await one(db, sql`select count(*) n from person_roles where role = 'student'`), students)

  const grades = await sql<{ grade: number; n: number }>`select grade, count(*) n from classes group by grade order by grade`.execute(db)
  t.same(grades.rows.map((r) => r.grade), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'grades 1–11')
  t.ok(grades.rows.every((r) => r.n >= 2), 'at least two classes in each grade')
  t.equal(await one(db, sql`select count(*) n from classes c where not exists
    (select 1 from person_roles r where r.person_id = c.class_teacher_id and r.role = 'teacher')`), 0, 'every class has a class teacher who is a teacher')
  t.equal(await one(db, sql`select count(*) n from (select class_teacher_id from classes group by 1 having count(*) > 1)`), 0,
    'nobody is class teacher of two classes')

  // R-ORG-3: every curriculum line is taught — by groups where the class is split, otherwise to the class.
  t.equal(await one(db, sql`select count(*) n from curriculum cu where
    case when exists (select 1 from groups g where g.class_id = cu.class_id and g.subject_id = cu.subject_id)
      then exists (select 1 from groups g where g.class_id = cu.class_id and g.subject_id = cu.subject_id
                   and not exists (select 1 from workload w where w.group_id = g.id and w.subject_id = g.subject_id))
        or exists (select 1 from workload w where w.class_id = cu.class_id and w.subject_id = cu.subject_id)
      else not exists (select 1 from workload w where w.class_id = cu.class_id and w.subject_id = cu.subject_id) end`), 0,
  'every curriculum line has its workload')
  t.equal(await one(db, sql`select count(*) n from workload w left join groups g on g.id = w.group_id
    where not exists (select 1 from curriculum cu where cu.class_id = coalesce(w.class_id, g.class_id) and cu.subject_id = w.subject_id)`), 0,
  'no workload outside the curriculum')
  const loads = await sql<{ teacher_id: number; h: number }>`select w.teacher_id, sum(cu.hours_per_week) h from workload w
    left join groups g on g.id = w.group_id
    join curriculum cu on cu.class_id = coalesce(w.class_id, g.class_id) and cu.subject_id = w.subject_id
    group by w.teacher_id`.execute(db)
  t.ok(loads.rows.length > 0)
  t.equal(loads.rows.filter((r) => r.h > HOUR_CAP).length, 0, `no teacher above ${HOUR_CAP} hours a week`)
  t.equal(await one(db, sql`select count(*) n from person_roles r where r.role = 'teacher'
    and not exists (select 1 from workload w where w.teacher_id = r.person_id)`), 0, 'every teacher has a workload')
  t.equal(await one(db, sql`select count(*) n from workload w join persons p on p.id = w.teacher_id
    join classes c on c.class_teacher_id = p.id and c.id = w.class_id where c.grade <= 4`) > 0, true,
  'primary classes are taught by their class teacher')

  // Subgroups split each class: every student is in exactly one group of each split subject.
  t.equal(await one(db, sql`select count(*) n from enrollments e join groups g on g.class_id = e.class_id
    where (select count(*) from group_members m join groups g2 on g2.id = m.group_id
           where m.student_id = e.student_id and g2.class_id = g.class_id and g2.subject_id = g.subject_id) <> 1`), 0,
  'subgroups split the class')

  t.equal(await one(db, sql`select count(*) n from students s where not exists (select 1 from parent_links l where l.student_id = s.person_id)`), 0,
    'every student has a parent')
  t.equal(await one(db, sql`select count(*) n from students s where
    (select count(*) from enrollments e where e.student_id = s.person_id and e.to_date is null) <> 1`), 0,
  'every student has exactly one open enrollment')
  t.equal(await one(db, sql`select count(*) n from enrollments where reason_in <> 'initial' or from_date <> '2026-09-01'`), 0,
    'enrolled from the first day of the year')
  t.ok(await one(db, sql`select count(*) n from (select parent_id from parent_links group by 1 having count(*) > 1)`) > students / 20,
    'a share of siblings share parents')

  // Names: children carry the family surname in their gender's form and the father's name in the patronymic.
  const kids = await sql<{ last_name: string; middle_name: string; birth_date: string; grade: number; parents: string; fathers: string | null }>`
    select p.last_name, p.middle_name, p.birth_date, c.grade,
      (select group_concat(pp.last_name) from parent_links l join persons pp on pp.id = l.parent_id where l.student_id = p.id) parents,
      (select group_concat(pp.first_name) from parent_links l join persons pp on pp.id = l.parent_id
        where l.student_id = p.id and l.relation = 'father') fathers
    from students s join persons p on p.id = s.person_id join enrollments e on e.student_id = p.id join classes c on c.id = e.class_id`.execute(db)
  const stem = (s: string) => s.replace(/ё/g, 'е').slice(0, 2)
  const masculine = (s: string) => s.replace(/(ов|ев|ёв|ин|ын)а$/, '$1').replace(/(с|ц)кая$/, '$1кий').replace(/ая$/, 'ой')
  const bad: string[] = []
  for (const k of kids.rows) {
    const girl = k.middle_name.endsWith('на')
    if (!k.parents.split(',').some((p) => masculine(p) === masculine(k.last_name))) bad.push(`${k.last_name}: ${k.parents}`)
    if (k.last_name !== (girl ? feminineSurname(masculine(k.last_name)) : masculine(k.last_name))) bad.push(`${k.last_name} ${k.middle_name}`)
    if (k.fathers && stem(k.fathers) !== stem(k.middle_name)) bad.push(`${k.middle_name}: ${k.fathers}`)
    // Born between September and August of the year that makes a first-grader seven.
    const age = 2026 - Number(k.birth_date.slice(0, 4))
    if (age < k.grade + 6 || age > k.grade + 7) bad.push(`${k.birth_date} in grade ${k.grade}`)
  }
  t.same(bad, [], 'surnames, patronymics and ages fit the family and the grade')

  // R-ACC-7: consent with a date when known; families who refused get paper.
  t.equal(await one(db, sql`select count(*) n from parents where (consent = 'unknown') <> (consent_on is null)`), 0, 'consent dated when known')
  t.equal(await one(db, sql`select count(*) n from students s join parent_links l on l.student_id = s.person_id
    join parents pa on pa.person_id = l.parent_id where pa.consent = 'refused' and s.channel <> 'paper'`), 0, 'refusers get paper')
  const consents = await sql<{ consent: string; n: number }>`select consent, count(*) n from parents group by 1 order by 2 desc`.execute(db)
  t.equal(consents.rows[0].consent, 'given', 'consent mostly given')
  t.equal(await one(db, sql`select count(*) n from students s where s.channel = 'email' and not exists (select 1 from parent_links l
    join persons p on p.id = l.parent_id where l.student_id = s.person_id and p.email is not null)`), 0, 'e-mail digests go to a parent with an address')
  t.ok(await one(db, sql`select count(*) n from students where study_form = 'home'`) >= 1, 'someone schooled at home')
  t.ok(await one(db, sql`select count(*) n from students where pe_exempt_until is not null`) >= 1, 'someone exempt from PE')

  t.same((await db.selectFrom('users').select('login').orderBy('id').execute()).map((u) => u.login), DEMO_ACCOUNTS.map((a) => a.login),
    'only the demo accounts have logins')
  const settings = await db.selectFrom('school_settings').selectAll().orderBy('key').execute()
  t.same(settings.map((s) => s.key), ['school_address', 'school_name', 'school_short_name'])
  t.match(settings.find((s) => s.key === 'school_name')!.value, /^МБОУ «Средняя общеобразовательная школа № \d+»$/)
  const log = await db.selectFrom('audit_log').selectAll().where('action', '=', 'demo.create').execute()
  t.equal(log.length, 1, 'one audit record')
  t.match(JSON.parse(log[0].after!), { students, classes: grades.rows.reduce((s, r) => s + r.n, 0) })
}

t.test('R-ORG-2, R-ORG-3: the school grows with the students option, and quickly', async (t) => {
  // The 1,500-student school is the benchmark's: a whole year of journal, about a million marks.
  for (const [students, classes, minTeachers, maxTeachers, journal, seconds] of [
    [300, 22, 25, 50, 'toToday', 30], [1500, 55, 95, 110, 'fullYear', 180]] as const) {
    const db = await freshDb()
    const started = process.hrtime.bigint()
    const summary = await createDemoSchool(db, { seed: 1, students, today: TODAY, journal })
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    t.comment(`${students} students, journal ${journal}: ${ms.toFixed(0)} ms (${summary.counts.persons} persons, ${summary.counts.teachers} teachers,`
      + ` ${summary.counts.lessons} lessons, ${summary.counts.marks} marks)`)
    t.ok(ms < seconds * 1000, `${students} students in seconds, not hours (${(ms / 1000).toFixed(0)} s)`)
    t.equal(summary.counts.classes, classes, `${classes} classes`)
    t.ok(summary.counts.teachers >= minTeachers && summary.counts.teachers <= maxTeachers, `${summary.counts.teachers} teachers`)
    t.equal(await one(db, sql`select count(*) n from classes`), classes)
    t.same(summary.totals.students, students, 'the summary counts every table')
    if (journal === 'fullYear') {
      t.ok(summary.counts.marks > 900_000 && summary.counts.marks < 1_100_000, `about a million marks: ${summary.counts.marks}`)
      // Marks per student present at a lesson, by grade: none in the unmarked first grade, most in the middle grades.
      const byGrade = async (q: ReturnType<typeof sql<{ grade: number; n: number }>>) => new Map((await q.execute(db)).rows.map((r) => [r.grade, Number(r.n)]))
      const marks = await byGrade(sql`select c.grade, count(*) n from marks m join lessons l on l.id = m.lesson_id
        left join groups g on g.id = l.group_id join classes c on c.id = coalesce(l.class_id, g.class_id) group by 1`)
      const seats = await byGrade(sql`select c.grade, sum(case when l.group_id is null then (select count(*) from enrollments e where e.class_id = l.class_id)
          else (select count(*) from group_members m where m.group_id = l.group_id) end) n
        from lessons l left join groups g on g.id = l.group_id join classes c on c.id = coalesce(l.class_id, g.class_id)
        where l.status = 'scheduled' group by 1`)
      const d = Array.from({ length: 11 }, (_, i) => Number(((marks.get(i + 1) ?? 0) / seats.get(i + 1)!).toFixed(2)))
      t.comment(`marks per student and lesson, grades 1–11: ${d.join(' ')}`)
      t.equal(d[0], 0, 'none in the first grade')
      t.ok(d.slice(1).every((x) => x > 0.6 && x < 0.85), 'some 0.6–0.85 a lesson in grades 2–11: about 4 marks a day')
    }
    await t.test(`${students} students: structure`, (t) => checkSchool(t, db, students))
    await db.destroy()
  }
})

t.test('a tiny school still has the demo family and a full curriculum', async (t) => {
  const db = await freshDb()
  t.teardown(() => db.destroy())
  await createDemoSchool(db, { seed: 3, students: 10, today: TODAY })
  await checkSchool(t, db, 10)
})

t.test('R-ACC-1, R-ACC-4: the demo accounts log in through the form with the demo password', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  await createDemoSchool(db, { seed: 1, students: 300, today: TODAY })
  for (const a of DEMO_ACCOUNTS) {
    const c = await loginAs(app, a.login, DEMO_PASSWORD)
    t.equal((await c.get('/')).statusCode, 200, `${a.login} reaches the home page`)
  }
  const user = async (login: string) => {
    const u = await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()
    return (await loadCurrentUser(db, u.id))!
  }
  for (const role of ['admin', 'director', 'deputy', 'scheduler', 'clerk', 'teacher', 'parent', 'student'] as const) {
    t.same((await user(role)).roles, [role], `${role} holds the role ${role}`)
  }
  const c5a = await db.selectFrom('classes').select('id').where('grade', '=', 5).where('letter', '=', 'А').executeTakeFirstOrThrow()

  const teacher = await user('teacher')
  t.same(teacher.classTeacherOf, [c5a.id], 'the teacher is class teacher of 5А')
  const taught = await db.selectFrom('workload as w').innerJoin('subjects as s', 's.id', 'w.subject_id')
    .select(['s.name', 'w.class_id']).where('w.teacher_id', '=', teacher.personId).execute()
  for (const subject of ['Русский язык', 'Литература']) {
    t.ok(taught.some((w) => w.name === subject && w.class_id === c5a.id), `teaches ${subject} in 5А`)
    t.ok(taught.some((w) => w.name === subject && w.class_id !== c5a.id), `teaches ${subject} in another class`)
  }

  const parent = await user('parent')
  const children = await db.selectFrom('parent_links as l').innerJoin('enrollments as e', 'e.student_id', 'l.student_id')
    .innerJoin('classes as c', 'c.id', 'e.class_id').select(['l.student_id', 'c.id', 'c.grade', 'c.letter'])
    .where('l.parent_id', '=', parent.personId).where('e.to_date', 'is', null).orderBy('c.grade', 'desc').execute()
  t.equal(children.length, 2, 'the parent has two children')
  t.not(children[0].id, children[1].id, 'in different classes')
  t.equal(children[0].id, c5a.id, 'one of them in 5А')

  const student = await user('student')
  t.equal(student.personId, children[0].student_id, "the student is the parent's child in 5А")
  const enrol = await db.selectFrom('enrollments').select('class_id').where('student_id', '=', student.personId).where('to_date', 'is', null).execute()
  t.same(enrol, [{ class_id: c5a.id }], 'the student is in 5А')
  const channel = await db.selectFrom('students').select('channel').where('person_id', '=', student.personId).executeTakeFirstOrThrow()
  t.equal(channel.channel, 'diary', 'the demo family reads the electronic diary')
})

t.test('a demo school is written only into an empty database', async (t) => {
  const db = await freshDb()
  t.teardown(() => db.destroy())
  await createDemoSchool(db, { seed: 1, students: 50, today: TODAY })
  const before = await dumpHash(db)
  await t.rejects(createDemoSchool(db, { seed: 2, students: 50, today: TODAY }), DemoNotEmptyError)
  t.equal(await dumpHash(db), before, 'nothing changed')
  await t.rejects(createDemoSchool(await freshDb(), { seed: 1, students: 50, today: '22.11.2026' }), RangeError, 'today must be ISO')
})

t.test('the demo command: arguments', async (t) => {
  const defaults = { seed: 1, students: 300, file: 'data/school.sqlite' }
  t.same(parseDemoArgs([], defaults), { ...defaults, force: false, help: false })
  t.same(parseDemoArgs(['--seed', '5', '--students', '1500', '--file', '/tmp/x.sqlite', '--force', '--today', '22.11.2026'], defaults),
    { seed: 5, students: 1500, file: '/tmp/x.sqlite', force: true, help: false, today: '2026-11-22' })
  for (const bad of [['--students', 'many'], ['--students', '1'], ['--seed'], ['--today', '2026-13-01'], ['--what']]) {
    t.throws(() => parseDemoArgs(bad, defaults), UsageError, bad.join(' '))
  }
})

t.test('the demo command writes a new file and overwrites only with --force', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'sub', 'demo.sqlite')
  const out: string[] = []
  const err: string[] = []
  const run = (...args: string[]) => runDemoCommand([...args, '--file', file, '--today', TODAY], (s) => out.push(s), (s) => err.push(s))

  t.equal(await run('--students', '60', '--seed', '4'), 0)
  t.ok(existsSync(file))
  t.match(out.join('\n'), /учеников 60/)
  t.match(out.join('\n'), 'journal-demo')
  const count = async () => {
    const db = openDatabase(file)
    const n = await one(db, sql`select count(*) n from students`)
    await db.destroy()
    return n
  }
  t.equal(await count(), 60)

  t.equal(await run('--students', '80'), 1, 'an existing file is kept')
  t.match(err.join('\n'), '--force')
  t.equal(await count(), 60)

  t.equal(await run('--students', '80', '--force'), 0)
  t.equal(await count(), 80, 'replaced with --force')
  t.equal(await run('--students', 'x'), 2, 'bad arguments')
})
