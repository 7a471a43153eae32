// The demo school's earlier, closed years: each with its classes, subgroups, curriculum, workload and the students
// who were there — today's classes a grade lower each year back, the graduates who have left, a few who moved away
// or came from another school, new first-graders every year. Pure and deterministic, like the rest of the plan.
import type { Insertable } from 'kysely'
import type { Database } from '../db/types.js'
import { academicYear } from './calendar.js'
import type { ClassInfo, PlannedYear } from './plan.js'
import type { Rng } from './random.js'

type Row<T extends keyof Database> = Insertable<Database[T]>

/** What the history is built from: the current year as planned, and a way to add the students of earlier years. */
export interface HistoryInput {
  rng: Rng
  /** The calendar year the current academic year starts in (2026 for 2026/2027). */
  startYear: number
  closedYears: number
  /** The first ids of the earliest year; every later year follows on. */
  ids: { year: number; class: number; group: number }
  /** The current classes with their rosters in the journal's (alphabetical) order. */
  classes: readonly ClassInfo[]
  /** The current year's subgroups of each class: [first halves, second halves]. */
  halves: ReadonlyMap<number, readonly (readonly number[])[]>
  groups: readonly Row<'groups'>[]
  curriculum: readonly Row<'curriculum'>[]
  workload: readonly Row<'workload'>[]
  /** Students who were at the school every year they could have been (the demo family). */
  keep: ReadonlySet<number>
  /** Adds a student (with a family) of earlier years only, in `grade` as counted in the current year (a graduate is 12+). */
  newStudent: (grade: number) => number
  byAlphabet: (a: number, b: number) => number
  classSize: number
}

export type HistoryTables = 'academic_years' | 'grade_bands' | 'periods' | 'holidays' | 'classes' | 'groups' | 'curriculum' | 'workload'
  | 'enrollments' | 'group_members'

export interface HistoryPlan {
  /** The closed years, the oldest first. */
  years: PlannedYear[]
  rows: { [T in HistoryTables]: Row<T>[] }
  /** How each current student came into this year's class. */
  currentReason: Map<number, 'initial' | 'arrival' | 'promotion'>
  /** Students who finished the ninth grade and went on elsewhere («окончил 9 классов»). */
  leftAfterNine: Set<number>
  /** Students of earlier years only. */
  former: number
}

/** Each year some students move away over the summer and as many come; into the tenth grade, many more. */
const MOVE_SHARE = 0.02
const TENTH_GRADE_SHARE = 0.15

export function planHistory(h: HistoryInput): HistoryPlan {
  const K = h.closedYears
  const { rng } = h
  const letters = h.classes.filter((c) => c.grade === 1).map((c) => c.letter)
  const currentOf = new Map(h.classes.map((c) => [`${c.grade}${c.letter}`, c]))
  const cls = (grade: number, letter: string) => currentOf.get(`${grade}${letter}`)!

  // A cohort is one class followed through the years, named by its letter and the grade it has this year (or would
  // have, had it not finished school): 5А of two years ago is cohort 7А. Rosters are found going back from the last
  // year the cohort was at school: who came in a year was not there the year before, and who left in a summer was.
  const rosters = new Map<string, number[]>() // `${yearsAgo}:${cohort grade}${letter}`
  const leftAfterNine = new Set<number>()
  let former = 0
  const newcomer = (grade: number) => {
    former++
    return h.newStudent(grade)
  }
  for (const letter of letters) {
    for (let G = 1; G <= 11 + K; G++) {
      const last = Math.max(0, G - 11)
      let roster = last === 0 ? [...cls(G, letter).roster] : Array.from({ length: Math.max(1, h.classSize + rng.int(-1, 1)) }, () => newcomer(G))
      rosters.set(`${last}:${G}${letter}`, roster)
      for (let k = last + 1; k <= K && G - k >= 1; k++) {
        const joinedGrade = G - k + 1 // the grade of the year after, which the newcomers came into
        const share = joinedGrade === 10 ? TENTH_GRADE_SHARE : MOVE_SHARE
        const earlier: number[] = []
        let came = 0
        for (const s of roster) {
          if (!h.keep.has(s) && rng.chance(share)) came++
          else earlier.push(s)
        }
        for (let i = Math.max(0, came + rng.int(-1, 1)); i > 0; i--) {
          const s = newcomer(G)
          if (joinedGrade === 10) leftAfterNine.add(s)
          earlier.push(s)
        }
        roster = earlier
        rosters.set(`${k}:${G}${letter}`, roster)
      }
    }
  }
  const inRoster = (k: number, G: number, letter: string) => new Set(rosters.get(`${k}:${G}${letter}`) ?? [])

  const rows: HistoryPlan['rows'] = {
    academic_years: [], grade_bands: [], periods: [], holidays: [], classes: [], groups: [], curriculum: [], workload: [],
    enrollments: [], group_members: [],
  }
  const years: PlannedYear[] = []
  const groupIndex = new Map(h.groups.map((g, i) => [g.id!, i]))
  const classIndex = new Map(h.classes.map((c, i) => [c.id, i]))
  for (let k = K; k >= 1; k--) {
    const i = K - k
    const plan = academicYear(`${h.startYear - k}-10-01`)
    const yearId = h.ids.year + i
    years.push({ id: yearId, plan, closed: true, yearsAgo: k })
    rows.academic_years.push({ id: yearId, name: plan.name, starts_on: plan.startsOn, ends_on: plan.endsOn, status: 'closed', adaptation_ends_on: plan.adaptationEndsOn })
    for (const b of plan.bands) rows.grade_bands.push({ year_id: yearId, grade_from: b.gradeFrom, grade_to: b.gradeTo, scheme: b.scheme })
    for (const p of plan.periods) rows.periods.push({ year_id: yearId, scheme: p.scheme, number: p.number, starts_on: p.startsOn, ends_on: p.endsOn })
    for (const x of plan.holidays) {
      rows.holidays.push({ year_id: yearId, name: x.name, starts_on: x.startsOn, ends_on: x.endsOn, grade_from: x.gradeFrom, grade_to: x.gradeTo })
    }

    // The year's classes are shaped like this year's (the same grades, letters, curriculum and subgroups).
    const classId = (current: number) => h.ids.class + i * h.classes.length + classIndex.get(current)!
    const groupId = (current: number) => h.ids.group + i * h.groups.length + groupIndex.get(current)!
    // A primary teacher takes a first grade and keeps it to the fourth, then starts again; a class teacher of the
    // upper grades does the same from the fifth to the eleventh. So the teacher who has 2А now had 4А two years ago.
    const primaryTeacher = (grade: number, letter: string) => cls(((grade + k - 1) % 4) + 1, letter).teacherId!
    const classTeacher = (grade: number, letter: string) => grade <= 4 ? primaryTeacher(grade, letter) : cls(((grade - 5 + k) % 7) + 5, letter).teacherId!
    const primaryNow = new Map(h.classes.filter((c) => c.grade <= 4).map((c) => [c.id, c.teacherId]))
    for (const c of h.classes) rows.classes.push({ id: classId(c.id), year_id: yearId, grade: c.grade, letter: c.letter, class_teacher_id: classTeacher(c.grade, c.letter) })
    for (const g of h.groups) rows.groups.push({ ...g, id: groupId(g.id!), year_id: yearId, class_id: g.class_id === null || g.class_id === undefined ? null : classId(g.class_id) })
    for (const cu of h.curriculum) rows.curriculum.push({ ...cu, class_id: classId(cu.class_id) })
    const groupClass = new Map(h.groups.map((g) => [g.id!, g.class_id!]))
    for (const w of h.workload) {
      const current = w.class_id ?? groupClass.get(w.group_id!)!
      const c = h.classes[classIndex.get(current)!]
      const teacher = c.grade <= 4 && primaryNow.get(current) === w.teacher_id ? primaryTeacher(c.grade, c.letter) : w.teacher_id
      rows.workload.push({ teacher_id: teacher, subject_id: w.subject_id, class_id: w.class_id ? classId(w.class_id) : null, group_id: w.group_id ? groupId(w.group_id) : null })
    }

    for (const c of h.classes) {
      const G = c.grade + k
      const roster = [...rosters.get(`${k}:${G}${c.letter}`)!].sort(h.byAlphabet)
      const before = inRoster(k + 1, G, c.letter)
      const after = inRoster(k - 1, G, c.letter)
      for (const s of roster) {
        rows.enrollments.push({
          student_id: s, class_id: classId(c.id), from_date: plan.startsOn, to_date: plan.endsOn,
          reason_in: before.has(s) ? 'promotion' : k === K || c.grade === 1 ? 'initial' : 'arrival',
          reason_out: after.has(s) ? 'promotion' : c.grade === 11 || (c.grade === 9 && leftAfterNine.has(s)) ? 'graduation' : 'departure',
          note: '',
        })
      }
      const halves = h.halves.get(c.id)
      if (!halves) continue
      const cut = Math.ceil(roster.length / 2)
      roster.forEach((s, j) => {
        for (const g of halves[j < cut ? 0 : 1]) rows.group_members.push({ group_id: groupId(g), student_id: s, from_date: plan.startsOn, to_date: null })
      })
    }
  }

  const currentReason = new Map<number, 'initial' | 'arrival' | 'promotion'>()
  for (const c of h.classes) {
    const before = inRoster(1, c.grade, c.letter)
    for (const s of c.roster) currentReason.set(s, before.has(s) ? 'promotion' : c.grade === 1 ? 'initial' : 'arrival')
  }
  return { years, rows, currentReason, leftAfterNine, former }
}
