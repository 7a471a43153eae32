// Command line for the benchmark (R-NF-1,2): readies a copy of a generated demo school for `npm run bench` and
// prints, as JSON, what the load generator needs — the pages to fetch and, for up to 50 teachers, a login and an
// extra lesson dated today in one of their classes, whose marks the save-lesson and concurrency cases write.
// It writes only into the copy it is given.
import { hashPassword } from '../features/auth/auth.service.js'
import { openDatabase } from '../db/connection.js'
import { migrateToLatest } from '../db/migrate.js'
import { addDays, localDate, mondayOf } from '../lib/dates.js'
import { DEMO_PASSWORD } from '../demo/demo.js'
import { currentYear, periodsForGrade } from '../features/school/school.queries.js'

export interface BenchTeacher { login: string; lessonId: number; studentIds: number[]; kindId: number }
export interface BenchPlan {
  password: string
  teachers: BenchTeacher[]
  journalUrl: string
  journalStudents: number
  journalLessons: number
  diaryUrl: string
  reportUrl: string
  weeklyPdfUrl: string
  weeklyPdfStudents: number
  summaryIssueUrl: string
}

async function main(file: string, maxTeachers: number): Promise<BenchPlan> {
  const db = openDatabase(file)
  try {
    await migrateToLatest(db)
    const today = localDate(new Date())
    const year = await currentYear(db, today)
    if (!year) throw new Error('no current year in the bench database')

    // Class sizes today, marked grades only (grade 1 has no marks).
    const classes = await db.selectFrom('classes as c')
      .innerJoin('enrollments as e', 'e.class_id', 'c.id')
      .select(['c.id', 'c.grade', (eb) => eb.fn.countAll<number>().as('n')])
      .where('c.year_id', '=', year.id).where('c.grade', '>=', 2)
      .where('e.from_date', '<=', today).where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', today)]))
      .groupBy('c.id').orderBy('n', 'desc').orderBy('c.id').execute()
    const size = new Map(classes.map((c) => [c.id, Number(c.n)]))
    const biggest = classes[0]

    const load = await db.selectFrom('workload').select(['teacher_id', 'subject_id', 'class_id'])
      .where('class_id', 'in', classes.map((c) => c.id)).orderBy('teacher_id').execute()
    // One class per teacher, the biggest they teach.
    const pick = new Map<number, { subject: number; cls: number }>()
    for (const w of load) {
      const cur = pick.get(w.teacher_id)
      if (!cur || size.get(w.class_id!)! > size.get(cur.cls)!) pick.set(w.teacher_id, { subject: w.subject_id, cls: w.class_id! })
    }
    const chosen = [...pick.entries()].slice(0, maxTeachers)

    const kind = await db.selectFrom('work_kinds').select('id').where('deadline', '=', 'same_day').orderBy('sort_order').executeTakeFirstOrThrow()
    const hash = await hashPassword(DEMO_PASSWORD)
    const now = new Date().toISOString()
    const teachers: BenchTeacher[] = []
    await db.transaction().execute(async (trx) => {
      for (const [i, [teacherId, { subject, cls }]] of chosen.entries()) {
        // A teacher with a demo account keeps it; the others get bench-tNN with the demo password.
        const user = await trx.selectFrom('users').select('login').where('person_id', '=', teacherId).executeTakeFirst()
        const login = user?.login ?? `bench-t${String(i + 1).padStart(2, '0')}`
        if (!user) {
          await trx.insertInto('users').values({
            person_id: teacherId, login, password_hash: hash, failed_logins: 0, locked_until: null, disabled_at: null,
            last_login_at: null, created_at: now, password_changed_at: now,
          }).execute()
        }
        // An extra lesson today, after the timetabled ones: its marks are due the same day, so saving is allowed.
        const { id } = await trx.insertInto('lessons').values({
          year_id: year.id, class_id: cls, subject_id: subject, teacher_id: teacherId, date: today, lesson_number: 8,
          origin: 'extra', topic: 'Повторение', topic_entered_at: now, entered_by: teacherId,
        }).returning('id').executeTakeFirstOrThrow()
        const students = await trx.selectFrom('enrollments').select('student_id').where('class_id', '=', cls)
          .where('from_date', '<=', today).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)]))
          .orderBy('student_id').execute()
        teachers.push({ login, lessonId: id, studentIds: students.map((s) => s.student_id), kindId: kind.id })
      }
    })

    // The journal page: the biggest class, a subject it has, the last finished quarter (else the current one) in full.
    const subj = await db.selectFrom('workload').select('subject_id').where('class_id', '=', biggest.id).orderBy('subject_id').executeTakeFirstOrThrow()
    const periods = await periodsForGrade(db, year.id, biggest.grade)
    const period = [...periods].reverse().find((p) => p.ends_on < today) ?? periods.find((p) => p.starts_on <= today) ?? periods[0]
    const journalLessons = await db.selectFrom('lessons').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('class_id', '=', biggest.id).where('subject_id', '=', subj.subject_id)
      .where('date', '>=', period.starts_on).where('date', '<=', period.ends_on).executeTakeFirstOrThrow()

    // The demo parent's first child, this week.
    const child = await db.selectFrom('users as u').innerJoin('parent_links as pl', 'pl.parent_id', 'u.person_id')
      .select('pl.student_id').where('u.login', '=', 'parent').orderBy('pl.student_id').executeTakeFirstOrThrow()
    const monday = mondayOf(today)
    return {
      password: DEMO_PASSWORD,
      teachers,
      journalUrl: `/journal/class/${biggest.id}/${subj.subject_id}?period=${period.id}&all=1`,
      journalStudents: Number(biggest.n),
      journalLessons: Number(journalLessons.n),
      diaryUrl: `/diary/${child.student_id}?week=${monday}`,
      reportUrl: '/reports/control',
      weeklyPdfUrl: `/my-class/weekly.pdf?class=${biggest.id}&week=${addDays(monday, -7)}&who=all`,
      weeklyPdfStudents: Number(biggest.n),
      summaryIssueUrl: `/summary/${biggest.id}/issue`,
    }
  } finally {
    await db.destroy()
  }
}

const args = process.argv.slice(2)
const file = args[args.indexOf('--file') + 1]
const teachers = args.includes('--teachers') ? Number(args[args.indexOf('--teachers') + 1]) : 50
if (!args.includes('--file') || !file) {
  console.error('usage: node dist/src/cli/bench-prepare.js --file DB [--teachers 50]')
  process.exit(2)
}
main(file, teachers).then(
  (plan) => process.stdout.write(JSON.stringify(plan) + '\n'),
  (e: unknown) => { console.error(e); process.exit(1) },
)
