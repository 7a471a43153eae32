// Builds the whole demo school in memory as table rows (pure and deterministic: same options, same rows).
import type { Insertable } from 'kysely'
import type { Channel, Consent, Database, Role } from '../db/types.js'
import { addDays } from '../lib/dates.js'
import { academicYear, type YearPlan } from './calendar.js'
import {
  HOURS, HOUR_CAP, PRIMARY_SPECIALIST_SUBJECTS, SPECIALTIES, SUBJECTS, TARGET_LOAD, splitIntoSubgroups, type Specialty,
} from './curriculum.js'
import { planHistory, type HistoryPlan, type HistoryTables } from './history.js'
import { NameMaker, translit, type FamilyNames, type Name, type Sex } from './names.js'
import { Rng } from './random.js'

export interface PlanOptions {
  seed: number
  students: number
  today: string
  /** Earlier academic years to add before the current one, each closed, with the students who were there (0 by default). */
  closedYears?: number
}

/** The first free id of each table whose rows others refer to (ids are assigned here, not by the database). */
export interface IdBase { person: number; user: number; year: number; subject: number; class: number; group: number }

type Rows = { [T in keyof Database]: Insertable<Database[T]>[] }
/** Tables of the journal, filled by journal.ts after the school's rows are in (lessons, marks …), not by the school plan. */
type JournalTables = 'bells' | 'timetable_slots' | 'lessons' | 'work_kinds' | 'lesson_columns' | 'marks' | 'absences'
  | 'mark_history' | 'homework_individual' | 'attachments' | 'plan_topics' | 'late_approvals' | 'final_marks' | 'final_corrections'
  | 'acknowledgements' | 'threads' | 'thread_participants' | 'messages' | 'announcements' | 'digest_subscriptions' | 'mail_log'
  | 'documents' | 'promotion_decisions' | 'year_archives' | 'backups'

export type DemoLogin = 'admin' | 'director' | 'deputy' | 'scheduler' | 'clerk' | 'teacher' | 'parent' | 'student'

/** One academic year of the plan: its calendar and whether it is a closed year of the past or the current one. */
export interface PlannedYear { id: number; plan: YearPlan; closed: boolean; yearsAgo: number }

export interface SchoolPlan {
  /** The rows of every year (the earlier ones first): filter by year for one year's journal. */
  rows: Omit<Rows, 'users' | 'sessions' | 'invitations' | 'audit_log' | 'data_versions' | JournalTables>
  /** The current year. */
  year: YearPlan
  /** Every year of the plan, the oldest first and the current one last. */
  years: PlannedYear[]
  /** The person behind each demo login. */
  accounts: Record<DemoLogin, number>
  createdAt: string
  counts: Record<string, number>
  /** Students of the closed years who finished the ninth grade and went on elsewhere. */
  leftAfterNine: ReadonlySet<number>
}

/** Letters of parallel classes; З and Й are skipped, as schools do. */
const LETTERS = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'И', 'К', 'Л', 'М', 'Н', 'О', 'П', 'Р', 'С', 'Т']
const CLASS_SIZE = 27
/** The demo family: a daughter in 5А (the student account) and a son in 2А. */
const DEMO_CLASS = '5А'
const DEMO_SIBLING_CLASS = '2А'
const CITIES = ['Тверь', 'Калуга', 'Владимир', 'Ярославль', 'Рязань', 'Тула', 'Кострома', 'Смоленск', 'Вологда', 'Псков']
const STREETS = ['ул. Школьная', 'ул. Садовая', 'ул. Гагарина', 'ул. Мира', 'ул. Победы', 'ул. Советская', 'пр-т Ленина']

export interface ClassInfo { id: number; grade: number; letter: string; name: string; size: number; teacherId: number | null; roster: number[] }
/** One line of teaching: a subject in a class, or in one subgroup (half 1 or 2) of it. */
interface Unit { classId: number; grade: number; groupId: number | null; half: 0 | 1 | 2; subject: string; hours: number }

export function classesPerGrade(students: number): number {
  return Math.min(LETTERS.length, Math.max(2, Math.round(students / 11 / CLASS_SIZE)))
}

/** Subgroups a year's classes have: two for each split subject of each class. */
function groupsOfYear(perGrade: number): number {
  let n = 0
  for (let grade = 1; grade <= 11; grade++) n += perGrade * 2 * Object.keys(HOURS[grade]).filter((s) => splitIntoSubgroups(s, grade)).length
  return n
}

export function planSchool(opts: PlanOptions, base: IdBase): SchoolPlan {
  const rng = new Rng(opts.seed)
  const names = new NameMaker(rng)
  const year = academicYear(opts.today)
  const Y = year.startYear
  const closedYears = opts.closedYears ?? 0
  // Timestamps come from the calendar, not the clock: the same seed must give the same bytes. The people were
  // entered when the school began to keep its journal here, in the first year of the plan.
  const createdAt = `${Y - closedYears}-09-01T00:00:00.000Z`
  // Ids follow time: the earlier years' years, classes and subgroups come first, the current year's after them.
  const perGrade = classesPerGrade(opts.students)
  const current = { year: base.year + closedYears, class: base.class + closedYears * perGrade * 11, group: base.group + closedYears * groupsOfYear(perGrade) }
  const rows: SchoolPlan['rows'] = {
    school_settings: [], persons: [], person_roles: [], academic_years: [], grade_bands: [], periods: [], holidays: [],
    subjects: [], classes: [], groups: [], curriculum: [], workload: [], students: [], parents: [], parent_links: [],
    enrollments: [], group_members: [],
  }

  // School
  const number = rng.int(2, 60)
  const domain = `school${number}.example.org` // example.org is reserved: demo mail never reaches anyone
  rows.school_settings.push(
    { key: 'school_name', value: `МБОУ «Средняя общеобразовательная школа № ${number}»` },
    { key: 'school_short_name', value: `МБОУ СОШ № ${number}` },
    { key: 'school_address', value: `г. ${rng.pick(CITIES)}, ${rng.pick(STREETS)}, д. ${rng.int(1, 60)}` },
  )

  // Year, bands, periods, holidays
  const yearId = current.year
  rows.academic_years.push({
    id: yearId, name: year.name, starts_on: year.startsOn, ends_on: year.endsOn, status: 'open',
    adaptation_ends_on: year.adaptationEndsOn,
  })
  for (const b of year.bands) rows.grade_bands.push({ year_id: yearId, grade_from: b.gradeFrom, grade_to: b.gradeTo, scheme: b.scheme })
  for (const p of year.periods) {
    rows.periods.push({ year_id: yearId, scheme: p.scheme, number: p.number, starts_on: p.startsOn, ends_on: p.endsOn })
  }
  for (const h of year.holidays) {
    rows.holidays.push({ year_id: yearId, name: h.name, starts_on: h.startsOn, ends_on: h.endsOn, grade_from: h.gradeFrom, grade_to: h.gradeTo })
  }

  // Subjects
  const subjectId = new Map<string, number>()
  SUBJECTS.forEach((s, i) => {
    const id = base.subject + i
    subjectId.set(s.name, id)
    rows.subjects.push({ id, name: s.name, short_name: s.short, is_pe: s.isPe ? 1 : 0, sort_order: (i + 1) * 10 })
  })
  const shortOf = new Map(SUBJECTS.map((s) => [s.name, s.short]))

  // Classes with their sizes; the remainder goes first to the demo family's classes so that even a tiny
  // school has them filled.
  const classes: ClassInfo[] = []
  for (let grade = 1; grade <= 11; grade++) {
    for (let i = 0; i < perGrade; i++) {
      const letter = LETTERS[i]
      classes.push({ id: current.class + classes.length, grade, letter, name: `${grade}${letter}`, size: 0, teacherId: null, roster: [] })
    }
  }
  const byName = new Map(classes.map((c) => [c.name, c]))
  const demoClass = byName.get(DEMO_CLASS)!
  const siblingClass = byName.get(DEMO_SIBLING_CLASS)!
  for (const c of classes) c.size = Math.floor(opts.students / classes.length)
  const remainderOrder = [demoClass, siblingClass, ...rng.shuffle(classes.filter((c) => c !== demoClass && c !== siblingClass))]
  for (let i = 0; i < opts.students % classes.length; i++) remainderOrder[i].size++

  // Curriculum and the units of teaching (subgroups get a group each)
  const units: Unit[] = []
  let groupSeq = current.group
  const groupsOfClass = new Map<number, number[][]>() // class → [[group of subgroup 1…], [… of subgroup 2]]
  for (const c of classes) {
    const halves: number[][] = [[], []]
    for (const [subject, hours] of Object.entries(HOURS[c.grade])) {
      const sid = subjectId.get(subject)!
      rows.curriculum.push({ class_id: c.id, subject_id: sid, hours_per_week: hours })
      if (!splitIntoSubgroups(subject, c.grade)) {
        units.push({ classId: c.id, grade: c.grade, groupId: null, half: 0, subject, hours })
        continue
      }
      for (const half of [1, 2] as const) {
        const id = groupSeq++
        rows.groups.push({ id, year_id: yearId, name: `${c.name} ${shortOf.get(subject)} (${half} гр.)`, kind: 'subgroup', class_id: c.id, subject_id: sid, grade: c.grade })
        halves[half - 1].push(id)
        units.push({ classId: c.id, grade: c.grade, groupId: id, half, subject, hours })
      }
    }
    if (halves[0].length) groupsOfClass.set(c.id, halves)
  }

  // People
  let personSeq = base.person
  const born = (fromIso: string, spanDays: number) => addDays(fromIso, rng.int(0, spanDays))
  const phone = () => `+7 9${rng.int(0, 9)}${rng.int(0, 9)} ${rng.int(100, 999)}-${rng.int(10, 99)}-${rng.int(10, 99)}`
  function person(n: Name, birth: string | null, roles: Role[], email: string | null, tel: string | null): number {
    const id = personSeq++
    rows.persons.push({
      id, last_name: n.last, first_name: n.first, middle_name: n.middle, birth_date: birth, email, phone: tel,
      hide_contacts: 0, created_at: createdAt,
    })
    for (const role of roles) rows.person_roles.push({ person_id: id, role })
    return id
  }
  const workEmail = (n: Name, id: number) => `${translit(n.last)}.${translit(n.first[0])}${translit(n.middle[0])}${id}@${domain}`
  /** A member of staff aged between `youngest` and 62. */
  function staff(sex: Sex, roles: Role[], youngest = 25): number {
    const n = names.adult(sex)
    const id = personSeq
    return person(n, born(`${Y - 62}-01-01`, 365 * (62 - youngest)), roles, workEmail(n, id), phone())
  }

  // Administration; only the demo persons will get accounts.
  const accounts = {} as Record<DemoLogin, number>
  accounts.director = staff(rng.chance(0.5) ? 'm' : 'f', ['director'], 42)
  accounts.deputy = staff('f', ['deputy'], 35)
  for (let i = 1; i < Math.max(1, Math.round(opts.students / 600)); i++) staff(rng.chance(0.2) ? 'm' : 'f', ['deputy'], 35)
  accounts.scheduler = staff('f', ['scheduler'])
  accounts.clerk = staff('f', ['clerk'])
  accounts.admin = staff('m', ['admin'])

  // Teachers: a class teacher per primary class teaches it almost everything; subject teachers share the
  // rest, each taking a run of consecutive classes (as «ведёт параллели») up to about one post's hours.
  const load = new Map<number, number>()
  const teachesIn = new Map<number, Set<number>>() // teacher → classes
  function assign(teacherId: number, u: Unit) {
    rows.workload.push({ teacher_id: teacherId, subject_id: subjectId.get(u.subject)!, class_id: u.groupId ? null : u.classId, group_id: u.groupId })
    load.set(teacherId, (load.get(teacherId) ?? 0) + u.hours)
    if (!teachesIn.has(teacherId)) teachesIn.set(teacherId, new Set())
    teachesIn.get(teacherId)!.add(u.classId)
  }
  for (const c of classes.filter((k) => k.grade <= 4)) {
    c.teacherId = staff(rng.chance(0.03) ? 'm' : 'f', ['teacher'])
    for (const u of units) if (u.classId === c.id && !PRIMARY_SPECIALIST_SUBJECTS.has(u.subject)) assign(c.teacherId, u)
  }
  const teachersBySpecialty = new Map<string, number[]>()
  for (const sp of SPECIALTIES) teachersBySpecialty.set(sp.key, staffSpecialty(sp))

  function staffSpecialty(sp: Specialty): number[] {
    // Subgroups run as all first halves, then all second halves: the two halves of a class then fall to two
    // teachers, who teach them at the same time in the timetable.
    const mine = units.filter((u) => sp.subjects.includes(u.subject) && (u.grade > 4 || PRIMARY_SPECIALIST_SUBJECTS.has(u.subject)))
      .sort((a, b) => (a.half === 2 ? 1 : 0) - (b.half === 2 ? 1 : 0))
    // A bundle is what one teacher takes as a whole: all of a class's lessons of the specialty, or one subgroup.
    const bundles: Unit[][] = []
    for (const u of mine) {
      const last = bundles[bundles.length - 1]
      if (u.groupId === null && last && last[0].groupId === null && last[0].classId === u.classId) last.push(u)
      else bundles.push([u])
    }
    const hours = (b: Unit[]) => b.reduce((s, u) => s + u.hours, 0)
    const total = bundles.reduce((s, b) => s + hours(b), 0)
    if (total === 0) return []
    const largest = Math.max(...bundles.map(hours))
    // Cutting the run at the bundles' midpoints keeps every share within one bundle of the average.
    let n = Math.max(mine.some((u) => u.half) ? 2 : 1, Math.round(total / TARGET_LOAD))
    while (total / n + largest > HOUR_CAP) n++
    const share = total / n
    const teachers: number[] = []
    let done = 0
    let current = -1
    for (const b of bundles) {
      const h = hours(b)
      const k = Math.min(n - 1, Math.floor((done + h / 2) / share))
      done += h
      // A share that no bundle's midpoint falls in is skipped rather than given to a teacher with no hours.
      if (k !== current) teachers.push(staff(rng.chance(sp.male) ? 'm' : 'f', ['teacher']))
      current = k
      for (const u of b) assign(teachers[teachers.length - 1], u)
    }
    return teachers
  }

  // Class teachers of grades 5–11: someone who teaches the class; 5А's is the first Russian teacher, whose
  // run of classes starts at 5А (the demo 'teacher' account).
  const taken = new Set(classes.map((c) => c.teacherId).filter((id): id is number => id !== null))
  accounts.teacher = teachersBySpecialty.get('russian')![0]
  demoClass.teacherId = accounts.teacher
  taken.add(accounts.teacher)
  const subjectTeachers = [...teachersBySpecialty.values()].flat()
  for (const c of classes.filter((k) => k.grade >= 5 && k.teacherId === null)) {
    const free = subjectTeachers.filter((t) => !taken.has(t))
    const inClass = free.filter((t) => teachesIn.get(t)?.has(c.id))
    c.teacherId = rng.pick(inClass.length ? inClass : free.length ? free : subjectTeachers)
    taken.add(c.teacherId)
  }
  for (const [teacher, hours] of load) {
    if (hours > HOUR_CAP) throw new Error(`demo: teacher ${teacher} got ${hours} hours`)
  }

  // Families and students
  const studentIds: number[] = []
  const studentInfo = new Map<number, { grade: number; classId: number | null; name: Name }>()
  const freeSlots = rng.shuffle(classes.flatMap((c) => Array.from({ length: c.size }, () => c)))
  const used = new Array<boolean>(freeSlots.length).fill(false)
  const takeSlot = (c: ClassInfo) => {
    const i = freeSlots.findIndex((s, j) => s === c && !used[j])
    used[i] = true
  }
  // A child's grade here is the one they are (or would be) in this year: a graduate of three years ago counts as 14.
  const childBirth = (grade: number) => born(`${Y - 7 - grade}-09-01`, 364)

  /** A family with its children: in this year's classes, or (`cls` null) students of earlier years only. */
  function family(
    children: { cls: ClassInfo | null; grade: number; sex: Sex }[], makeup: 'both' | 'mother' | 'father', consent: Consent, channel?: Channel,
    consentYear = Y,
  ): { mother: number | null; kids: number[] } {
    const fam: FamilyNames = { surname: names.surname(), father: names.father() }
    const kids = children.map(({ cls, grade, sex }) => {
      const n = names.child(fam, sex)
      const id = person(n, childBirth(grade), ['student'], null, null)
      studentInfo.set(id, { grade, classId: cls?.id ?? null, name: n })
      if (cls) {
        studentIds.push(id)
        cls.roster.push(id)
      }
      return id
    })
    const oldest = Math.max(...children.map((c) => c.grade))
    const parentBirth = () => born(`${Y - 7 - oldest - rng.int(22, 38)}-01-01`, 364)
    const consentOn = consent === 'unknown' ? null : born(`${consentYear}-08-20`, 30)
    let anyEmail = false
    const parentEmail = (n: Name) => `${translit(n.first)}.${translit(n.last)}${rng.int(1, 999)}@${rng.pick(['example.com', 'example.net', 'example.org'])}`
    function parent(n: Name, relation: string): number {
      const email = rng.chance(0.6) ? parentEmail(n) : null
      anyEmail ||= email !== null
      const id = person(n, parentBirth(), ['parent'], email, rng.chance(0.92) ? phone() : null)
      rows.parents.push({ person_id: id, consent, consent_on: consentOn })
      for (const k of kids) rows.parent_links.push({ parent_id: id, student_id: k, relation })
      return id
    }
    let mother: number | null = null
    if (makeup !== 'father') {
      // Some mothers keep their own surname; a mother alone shares it with the children.
      const own = makeup === 'both' && rng.chance(0.1)
      mother = parent(names.adult('f', own ? names.surname() : fam.surname), 'mother')
    }
    if (makeup !== 'mother') parent(names.adult('m', fam.surname, fam.father), 'father')
    // Families that refused consent get paper reports (R-ACC-7); e-mail needs an address.
    for (const k of kids) {
      const drawn = rng.weighted<Channel>([['diary', 82], ['paper', 10], ['email', anyEmail ? 8 : 0]])
      rows.students.push({ person_id: k, study_form: 'regular', pe_exempt_until: null, channel: consent === 'refused' ? 'paper' : channel ?? drawn })
    }
    return { mother, kids }
  }

  takeSlot(demoClass)
  takeSlot(siblingClass)
  const demo = family([{ cls: demoClass, grade: demoClass.grade, sex: 'f' }, { cls: siblingClass, grade: siblingClass.grade, sex: 'm' }], 'both', 'given', 'diary')
  accounts.parent = demo.mother!
  accounts.student = demo.kids[0]

  for (let i = 0; i < freeSlots.length; i++) {
    if (used[i]) continue
    used[i] = true
    const children: { cls: ClassInfo; grade: number; sex: Sex }[] = [{ cls: freeSlots[i], grade: freeSlots[i].grade, sex: rng.chance(0.5) ? 'm' : 'f' }]
    // About one family in five has two children at the school, a few have three; siblings are of different ages.
    const wanted = rng.chance(0.2) ? (rng.chance(0.15) ? 3 : 2) : 1
    for (let j = i + 1; j < freeSlots.length && j < i + 200 && children.length < wanted; j++) {
      if (!used[j] && !children.some((c) => c.cls.grade === freeSlots[j].grade)) {
        used[j] = true
        children.push({ cls: freeSlots[j], grade: freeSlots[j].grade, sex: rng.chance(0.5) ? 'm' : 'f' })
      }
    }
    const makeup = rng.weighted<'both' | 'mother' | 'father'>([['both', 70], ['mother', 25], ['father', 5]])
    family(children, makeup, rng.weighted<Consent>([['given', 88], ['unknown', 8], ['refused', 4]]))
  }

  // A few students on PE exemption, one or two schooled at home (not the demo family).
  const others = rng.shuffle(studentIds.filter((id) => !demo.kids.includes(id)))
  const studentRow = new Map(rows.students.map((s) => [s.person_id, s]))
  const exemptUntil = [year.periods[0].endsOn, year.periods[1].endsOn, year.periods[2].endsOn, year.endsOn]
  const homeCount = Math.min(others.length, Math.max(1, Math.round(opts.students / 750)))
  for (const id of others.slice(0, homeCount)) studentRow.get(id)!.study_form = 'home'
  for (const id of others.slice(homeCount, homeCount + Math.max(1, Math.round(opts.students * 0.03)))) {
    studentRow.get(id)!.pe_exempt_until = rng.pick(exemptUntil)
  }

  // Rosters in the journal's (alphabetical) order
  const collator = new Intl.Collator('ru')
  const byAlphabet = (a: number, b: number) => {
    const x = studentInfo.get(a)!.name
    const y = studentInfo.get(b)!.name
    return collator.compare(x.last, y.last) || collator.compare(x.first, y.first) || collator.compare(x.middle, y.middle) || a - b
  }
  for (const c of classes) c.roster.sort(byAlphabet)
  const counts: Record<string, number> = {
    classes: classes.length, teachers: load.size, students: studentIds.length, parents: rows.parents.length,
    persons: rows.persons.length, groups: rows.groups.length, curriculum: rows.curriculum.length, workload: rows.workload.length,
  }

  // The earlier years, built from this one; their rows go before this year's, as they were written in their time.
  const years: PlannedYear[] = [{ id: yearId, plan: year, closed: false, yearsAgo: 0 }]
  let history: HistoryPlan | null = null
  if (closedYears > 0) {
    const makeups = [['both', 70], ['mother', 25], ['father', 5]] as const
    const consents = [['given', 88], ['unknown', 8], ['refused', 4]] as const
    history = planHistory({
      rng: new Rng(opts.seed ^ 0x41d7), startYear: Y, closedYears, ids: base, classes, halves: groupsOfClass,
      groups: rows.groups, curriculum: rows.curriculum, workload: rows.workload, keep: new Set(demo.kids), byAlphabet,
      classSize: Math.floor(opts.students / classes.length),
      newStudent: (grade) => family([{ cls: null, grade, sex: rng.chance(0.5) ? 'm' : 'f' }], rng.weighted(makeups), rng.weighted(consents),
        undefined, Y - closedYears).kids[0],
    })
    years.unshift(...history.years)
  }

  // Class rows, enrollments, subgroups split by the roster
  for (const c of classes) {
    rows.classes.push({ id: c.id, year_id: yearId, grade: c.grade, letter: c.letter, class_teacher_id: c.teacherId })
    for (const s of c.roster) {
      const reason = history?.currentReason.get(s) ?? 'initial'
      rows.enrollments.push({ student_id: s, class_id: c.id, from_date: year.startsOn, to_date: null, reason_in: reason, reason_out: null, note: '' })
    }
    const halves = groupsOfClass.get(c.id)
    if (!halves) continue
    const cut = Math.ceil(c.roster.length / 2)
    c.roster.forEach((s, i) => {
      for (const g of halves[i < cut ? 0 : 1]) rows.group_members.push({ group_id: g, student_id: s, from_date: year.startsOn, to_date: null })
    })
  }

  if (history) {
    const prepend = <T extends HistoryTables>(table: T, earlier: SchoolPlan['rows'][T]) => {
      rows[table] = [...earlier, ...rows[table]] as SchoolPlan['rows'][T]
    }
    for (const table of Object.keys(history.rows) as HistoryTables[]) prepend(table, history.rows[table])
    counts.former_students = history.former
  }
  return { rows, year, years, accounts, createdAt, counts, leftAfterNine: history?.leftAfterNine ?? new Set() }
}
