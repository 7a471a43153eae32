// Marks, absences and period marks of the demo journal: students of differing ability and health, written one
// lesson at a time through streaming inserts (a full year of a large school is about a million marks).
import type { Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import { addDays, mondayOf, weekday } from '../lib/dates.js'
import { journalSettings } from '../lib/school-settings.js'
import { isHoliday } from '../features/timetable/timetable.rules.js'
import { MAX_LESSONS_WITHOUT_MARK, absenceBlocked, inAdaptation } from '../features/journal/journal.rules.js'
import {
  correctionApprover, hasExams, proposeFinalMark, proposePeriodMark, proposeYearMark, weightedMean, type FinalValue, type WeightedMark,
} from '../features/finals/finals.rules.js'
import { stamp } from './calendar.js'
import { RowWriter } from './insert.js'
import type { Lesson, Page, School } from './journal.js'
import { Rng } from './random.js'

interface Pupil {
  id: number
  idx: number
  grade: number
  classId: number
  classTeacher: number
  peExemptUntil: string | null
  /** The student's usual mark (excellent ≈ 4.8, good ≈ 4.3, average ≈ 3.7, weak ≈ 3.2). */
  mean: number
  /** Chance of missing a single lesson without a reason. */
  skip: number
}

export interface MarksOptions {
  seed: number
  /** What stays with a student from year to year comes from this one. */
  schoolSeed: number
  /** A closed year: nothing may wait for a decision (no pending correction). */
  closed: boolean
  /** The last date with entries. */
  until: string
  today: string
  /** The year is over: every period has its marks and every absence its reason. */
  fullYear: boolean
  finalMarkId: number
  correctionId: number
}

/** A well-mixed number in [0, 1) from two integers: stable per student and subject or day, whatever the order of work. */
function hash01(a: number, b: number): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(b + 0x3c6ef372, 0x85ebca6b)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 12
  h = Math.imul(h, 0x297a2d39)
  h ^= h >>> 15
  return (h >>> 0) / 4294967296
}

/** Roughly normal noise with mean 0 and deviation 1. */
function noise(rng: Rng): number {
  return (rng.next() + rng.next() + rng.next() - 1.5) * 2
}

/** Illness is seasonal: rare in September and May, common from October to February. */
const SEASON = [1.2, 1.3, 1, 0.7, 0.5, 0, 0, 0, 0.6, 1.1, 1.3, 1.3] // January … December

/**
 * The share of the students present that a teacher asks and marks in an ordinary lesson, by grade (index 1..11):
 * more in grades 5–8, whose lessons go round the class, fewer in the senior grades' lecture-like lessons. With the
 * written works and nobody going long without a mark, a student gets some 0.7 marks a lesson, about 700 a year.
 */
const ASKED = [0, 0, 0.38, 0.4, 0.4, 0.44, 0.44, 0.44, 0.42, 0.4, 0.38, 0.38]

/** The state exams every ninth- and eleventh-grader sits (ОГЭ, ЕГЭ), recorded under these subjects. */
const EXAM_SUBJECTS = ['Русский язык', 'Алгебра']

const ABSENT_ILL = 1
const ABSENT_DAY = 2
const ABSENT_LESSON = 3

/**
 * Writes lesson_columns, marks, absences, individual homework and a few corrected marks for every filled
 * lesson, then the period marks of the periods that have ended and two correction requests.
 */
export async function writeMarks(db: Kysely<Database>, school: School, pages: Page[], lessons: Lesson[], o: MarksOptions): Promise<Record<string, number>> {
  const rng = new Rng(o.seed ^ 0x3a2c5)
  const pupils = makePupils(school, o.schoolSeed)
  const days: string[] = []
  for (let d = school.startsOn; d <= school.endsOn; d = addDays(d, 1)) days.push(d)
  const dayIndex = new Map(days.map((d, i) => [d, i]))
  const health = makeHealth(school, pupils, days, rng)
  const nSubjects = school.subjects.size
  // Weight of each digit 1–5 per student × subject × period (index within the scheme): enough to propose a period mark.
  const acc = new Float64Array(pupils.size * nSubjects * 4 * 5)
  const periodsOf = (grade: number) => {
    const scheme = school.bands.find((b) => b.gradeFrom <= grade && grade <= b.gradeTo)?.scheme ?? 'quarter'
    return school.periods.filter((p) => p.scheme === scheme).sort((a, b) => a.number - b.number)
  }
  const schemeOfGrade = new Map(Array.from({ length: 11 }, (_, i) => [i + 1, periodsOf(i + 1)]))

  const columns = new RowWriter(db, 'lesson_columns', ['lesson_id', 'column_no', 'work_kind_id'])
  const marks = new RowWriter(db, 'marks', ['lesson_id', 'student_id', 'column_no', 'value', 'entered_at', 'entered_by', 'late_approval_id'])
  const absences = new RowWriter(db, 'absences', ['lesson_id', 'student_id', 'reason', 'entered_at', 'entered_by', 'reason_set_at', 'reason_set_by'])
  const individual = new RowWriter(db, 'homework_individual', ['lesson_id', 'student_id', 'text', 'entered_at'])
  const history = new RowWriter(db, 'mark_history', ['lesson_id', 'student_id', 'column_no', 'old_value', 'new_value', 'at', 'by', 'reason'])

  interface PageState { since: Int16Array; absentBefore: Uint8Array; previous: Lesson | null; rng: Rng }
  const state = new Map<Page, PageState>()
  const stateOf = (p: Page) => {
    let s = state.get(p)
    if (!s) {
      s = { since: new Int16Array(p.roster.length), absentBefore: new Uint8Array(p.roster.length), previous: null, rng: new Rng(o.seed * 31 + p.index * 7717 + 3) }
      state.set(p, s)
    }
    return s
  }

  for (const l of lessons) {
    if (l.status !== 'scheduled' || l.date > o.until || l.markedAt === null) continue
    const p = l.page
    const st = stateOf(p)
    const r = st.rng
    const day = dayIndex.get(l.date)!
    const by = l.enteredBy!
    const adaptation = inAdaptation(l.date, school.startsOn, school.adaptationEndsOn)
    const period = schemeOfGrade.get(p.grade)!.findIndex((x) => x.startsOn <= l.date && l.date <= x.endsOn)
    const reasonDay = addDays(mondayOf(l.date), 7)
    const reasonsSet = o.fullYear || reasonDay <= o.until

    // Who is in the lesson: «н» for the absent, none for a PE-exempt student in PE nor on a distance lesson.
    const roster = p.roster
    const here = new Uint8Array(roster.length)
    for (let i = 0; i < roster.length; i++) {
      const pu = pupils.get(roster[i])!
      let code = health[pu.idx * days.length + day]
      if (code === 0 && r.chance(pu.skip)) code = ABSENT_LESSON
      const exempt = p.isPe && pu.peExemptUntil !== null && l.date <= pu.peExemptUntil
      here[i] = code === 0 && !exempt ? 1 : 0
      const blocked = absenceBlocked({ distance: l.distance === 1, extracurricular: false, isPe: p.isPe, date: l.date }, pu.peExemptUntil)
      if (code !== 0 && blocked === null) {
        const reason = code === ABSENT_ILL ? (hash01(pu.id, day) < 0.92 ? 'illness' : 'valid') : code === ABSENT_DAY ? 'valid' : r.chance(0.8) ? 'invalid' : 'valid'
        await absences.add([l.id, pu.id, reasonsSet ? reason : null, l.markedAt, by,
          reasonsSet ? stamp(reasonDay, 14 * 60 + Math.floor(hash01(pu.classId, day) * 150)) : null, reasonsSet ? pu.classTeacher : null])
      }
      // Homework of the missed lesson for a student who was away last time.
      if (here[i] && st.absentBefore[i] && l.homework && p.grade >= 3 && st.previous && r.chance(0.3)) {
        const prev = st.previous
        await individual.add([l.id, pu.id, prev.homework ? `Выполнить задание пропущенного урока: ${prev.homework}` : `Разобрать тему пропущенного урока: ${prev.topic}`, l.homeworkAt])
      }
      st.absentBefore[i] = code !== 0 ? 1 : 0
    }
    st.previous = l

    // Marks: everyone present in a written work; in class, those not asked for a while and a few more.
    const marked = new Uint8Array(roster.length)
    let columnNo = 0
    for (const c of l.columns) {
      const chosen: number[] = []
      const share = c.everyone ? 1 : c.kind.name === 'Домашняя работа' ? 0.4 : ASKED[p.grade] + (p.isPe ? 0.1 : 0)
      for (let i = 0; i < roster.length; i++) {
        if (here[i] && (c.everyone || st.since[i] >= MAX_LESSONS_WITHOUT_MARK - 1 || r.chance(share))) chosen.push(i)
      }
      if (chosen.length === 0) {
        const any = []
        for (let i = 0; i < roster.length; i++) if (here[i]) any.push(i)
        if (any.length === 0) continue
        chosen.push(r.pick(any))
      }
      const no = ++columnNo
      await columns.add([l.id, no, c.kind.id])
      const control = c.kind.weight >= 2
      const fix = !c.double && r.chance(0.004) ? r.pick(chosen) : -1
      for (const i of chosen) {
        const pu = pupils.get(roster[i])!
        const mu = pu.mean + (hash01(pu.id, p.subjectId) - 0.5) * 0.7
        const a = markValue(mu - (c.double ? 0.25 : 0), control, adaptation, r)
        const value = c.double ? `${a}/${markValue(mu + 0.1, control, adaptation, r)}` : String(a)
        let at = c.enteredAt
        if (i === fix) {
          // A mark corrected soon after entry (a typo): the history keeps old → new.
          at = new Date(Date.parse(at) + 20 * 60_000).toISOString()
          const old = a === 5 ? '4' : String(a + 1)
          await history.add([l.id, pu.id, no, old, value, at, by, 'Исправлена ошибка при вводе'])
        }
        await marks.add([l.id, pu.id, no, value, at, by, c.lateApprovalId])
        marked[i] = 1
        if (period >= 0) {
          const base = ((pu.idx * nSubjects + school.subjects.get(p.subjectId)!.index) * 4 + period) * 5
          for (const d of value.split('/')) acc[base + Number(d) - 1] += c.kind.weight
        }
      }
    }
    for (let i = 0; i < roster.length; i++) st.since[i] = marked[i] ? 0 : st.since[i] + 1
  }
  for (const w of [columns, marks, absences, individual, history]) await w.flush()

  const finals = await writeFinals(db, school, pages, pupils, acc, schemeOfGrade, o, rng)
  return {
    lesson_columns: columns.written, marks: marks.written, absences: absences.written, homework_individual: individual.written,
    mark_history: history.written, ...finals,
  }
}

/** A mark around the student's usual level: 2s are rare, 1s never, and none below 3 in the adaptation weeks. */
function markValue(mu: number, control: boolean, adaptation: boolean, rng: Rng): number {
  const v = Math.min(5, Math.max(2, Math.round(mu + noise(rng) * (control ? 0.7 : 0.55))))
  return adaptation && v < 3 ? 3 : v
}

function makePupils(school: School, schoolSeed: number): Map<number, Pupil> {
  const out = new Map<number, Pupil>()
  const ids = [...school.students.keys()].sort((a, b) => a - b)
  for (const id of ids) {
    const s = school.students.get(id)!
    const c = school.classes.get(s.classId)!
    // Drawn from the student and the school's seed, not the year's: a good student stays good from year to year.
    const rng = new Rng(Math.floor(hash01(id, schoolSeed) * 2 ** 31))
    // The demo student is a good one: her diary shows mostly fours and fives.
    const tier = id === school.accounts.student ? 'good' : rng.weighted([['excellent', 12], ['good', 38], ['average', 38], ['weak', 12]] as const)
    const mean = { excellent: 4.8, good: 4.3, average: 3.7, weak: 3.25 }[tier] + (rng.next() - 0.5) * 0.2
    const skip = { excellent: 0.001, good: 0.002, average: 0.004, weak: 0.01 }[tier]
    out.set(id, { id, idx: out.size, grade: c.grade, classId: s.classId, classTeacher: c.teacherId, peExemptUntil: s.peExemptUntil, mean, skip })
  }
  return out
}

/**
 * Which school days each student missed: illness in runs of 3–9 school days (a few children are often ill),
 * now and then a whole day for a valid reason. One byte per student and calendar day.
 */
function makeHealth(school: School, pupils: Map<number, Pupil>, days: string[], rng: Rng): Uint8Array {
  const out = new Uint8Array(pupils.size * days.length)
  const weekdays = days.map((d) => weekday(d))
  const months = days.map((d) => Number(d.slice(5, 7)) - 1)
  const off = Array.from({ length: 12 }, (_, g) => days.map((d, i) => weekdays[i] > 5 || isHoliday(d, g, school.holidays)))
  for (const pu of pupils.values()) {
    const sickly = rng.chance(0.15)
    const rate = (sickly ? 4.5 : 1.3) / 165
    let left = 0
    const skip = off[pu.grade]
    for (let d = 0; d < days.length; d++) {
      if (skip[d]) {
        if (weekdays[d] <= 5) left = 0 // back healthy after the holidays
        continue
      }
      const at = pu.idx * days.length + d
      if (left > 0) {
        out[at] = ABSENT_ILL
        left--
      } else if (rng.chance(rate * SEASON[months[d]])) {
        out[at] = ABSENT_ILL
        left = rng.int(3, sickly ? 9 : 7) - 1
      } else if (rng.chance(0.005)) out[at] = ABSENT_DAY
    }
  }
  return out
}

/**
 * Period marks of every student in every subject for the periods that have ended: the proposed mark (weighted
 * mean, the school's rounding) set as it is by the subject's teacher on the period's last day, a handful decided
 * the other way; «осв» in PE for the exempt, «н/а» without marks. Then one correction waiting for the deputy
 * (5th grade) and one approved by the director's order (9th grade).
 */
async function writeFinals(
  db: Kysely<Database>, school: School, pages: Page[], pupils: Map<number, Pupil>, acc: Float64Array,
  schemeOfGrade: Map<number, School['periods']>, o: MarksOptions, rng: Rng,
): Promise<Record<string, number>> {
  const { rounding_threshold: threshold } = await journalSettings(db)
  const classPage = new Map(pages.filter((p) => p.groupId === null).map((p) => [`${p.classId}:${p.subjectId}`, p]))
  const groupPage = new Map(pages.filter((p) => p.groupId !== null).map((p) => [p.groupId!, p]))
  const subjectsOf = new Map<number, number[]>()
  for (const p of pages) {
    const list = subjectsOf.get(p.classId) ?? subjectsOf.set(p.classId, []).get(p.classId)!
    if (!list.includes(p.subjectId)) list.push(p.subjectId)
  }
  const w = new RowWriter(db, 'final_marks', ['id', 'year_id', 'student_id', 'subject_id', 'kind', 'period_id', 'value', 'proposed', 'set_by', 'set_at', 'locked'])
  const corrections: { id: number; grade: number; old: string; value: string; teacher: number; periodEnd: string; approved: boolean }[] = []
  let id = o.finalMarkId
  for (const pu of pupils.values()) {
    if (pu.grade === 1) continue // unmarked: no period marks
    const c = school.classes.get(pu.classId)!
    const periods = schemeOfGrade.get(pu.grade)!
    const yearOver = o.fullYear || periods[periods.length - 1].endsOn < o.today
    for (const subjectId of subjectsOf.get(pu.classId) ?? []) {
      const group = school.groupOf.get(`${pu.id}:${subjectId}`)
      const page = group !== undefined ? groupPage.get(group)! : classPage.get(`${pu.classId}:${subjectId}`)!
      const set: FinalValue[] = []
      for (let pi = 0; pi < periods.length; pi++) {
        const period = periods[pi]
        if (!(o.fullYear || period.endsOn < o.today)) continue
        const base = ((pu.idx * school.subjects.size + school.subjects.get(subjectId)!.index) * 4 + pi) * 5
        const weighted: WeightedMark[] = []
        for (let d = 0; d < 5; d++) if (acc[base + d] > 0) weighted.push({ value: String(d + 1), weight: acc[base + d] })
        const proposed = proposePeriodMark(weighted, threshold)
        let value: FinalValue
        if (page.isPe && pu.peExemptUntil !== null && pu.peExemptUntil >= period.endsOn) value = 'осв'
        else if (proposed === null) value = 'н/а'
        else {
          value = proposed
          // Near the middle the teacher decides, and sometimes not as the arithmetic would.
          const mean = weightedMean(weighted)!
          const frac = mean - Math.floor(mean)
          if (Math.abs(frac - 0.5) < 0.1 && rng.chance(0.15)) value = String(Number(proposed) >= mean ? Math.floor(mean) : Math.ceil(mean)) as FinalValue
        }
        const rec = { id, grade: pu.grade, old: value, value, teacher: page.teacherId, periodEnd: period.endsOn, approved: false }
        const wanted = (c.name === '5А' && page.subject === 'Русский язык' && !o.closed) ? 'pending'
          : (c.name === '9А' && page.subject === 'Алгебра') ? 'approved' : null
        if (wanted && period.number === 1 && (value === '3' || value === '4') && !corrections.some((x) => x.approved === (wanted === 'approved'))) {
          rec.value = String(Number(value) + 1) as FinalValue
          rec.approved = wanted === 'approved'
          corrections.push(rec)
        }
        // An approved correction has changed the mark; a pending one has not yet.
        const final = rec.approved ? rec.value : value
        set.push(final)
        await w.add([id++, school.yearId, pu.id, subjectId, 'period', period.id, final,
          value === 'осв' ? null : proposed, page.teacherId, stamp(period.endsOn, 15 * 60 + rng.int(0, 180)), 1])
      }
      // When the year is over, its mark from the period marks (the demo has no intermediate attestation); the
      // graduating grades sit the state exams in Russian and mathematics, and get their final marks.
      if (yearOver && set.length) {
        const proposed = proposeYearMark(set, null, threshold)
        const yearMark = proposed ?? 'н/а'
        const end = periods[periods.length - 1].endsOn
        await w.add([id++, school.yearId, pu.id, subjectId, 'year', null, yearMark, proposed, page.teacherId, stamp(end, 16 * 60 + rng.int(0, 120)), 1])
        if (hasExams(pu.grade)) {
          const exam = EXAM_SUBJECTS.includes(page.subject) ? String(Math.min(5, Math.max(3, Math.round(pu.mean + noise(rng) * 0.6)))) as FinalValue : null
          if (exam) await w.add([id++, school.yearId, pu.id, subjectId, 'exam', null, exam, null, page.teacherId, stamp(end, 17 * 60), 1])
          const final = proposeFinalMark(yearMark, exam, threshold)
          await w.add([id++, school.yearId, pu.id, subjectId, 'final', null, final ?? 'н/а', final, page.teacherId, stamp(end, 17 * 60 + 30), 1])
        }
      }
    }
  }
  await w.flush()

  const rows = corrections.map((x, i) => {
    const asked = minDate(addDays(x.periodEnd, 4), o.fullYear ? addDays(x.periodEnd, 4) : o.today)
    const decided = minDate(addDays(asked, 2), o.fullYear ? addDays(asked, 2) : o.today)
    const approver = correctionApprover(x.grade)
    return {
      id: o.correctionId + i, final_mark_id: x.id, old_value: x.old, new_value: x.value, requested_by: x.teacher,
      requested_at: stamp(asked, 15 * 60 + 10),
      explanation: x.approved
        ? `Объяснительная: при выставлении отметки за 1 четверть не учтена контрольная работа, написанная учеником после болезни (справка). Прошу исправить «${x.old}» на «${x.value}».`
        : `Контрольный диктант пересдан после болезни (справка). Прошу исправить отметку за 1 четверть с «${x.old}» на «${x.value}».`,
      approver_role: approver, status: x.approved ? 'approved' as const : 'pending' as const,
      decided_by: x.approved ? (approver === 'director' ? school.accounts.director : school.accounts.deputy) : null,
      decided_at: x.approved ? stamp(decided, 11 * 60 + 30) : null,
      order_number: x.approved ? `Приказ № ${rng.int(150, 260)}-о от ${decided.split('-').reverse().join('.')}` : '',
      decision_note: '',
    }
  })
  if (rows.length) await db.insertInto('final_corrections').values(rows).execute()
  return { final_marks: w.written, final_corrections: rows.length }
}

function minDate(a: string, b: string): string {
  return a < b ? a : b
}
