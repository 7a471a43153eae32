// The summary sheet put together from the live data (R-ARC-2, "formed automatically in real time"): students
// with their period, year, exam and final marks per curriculum subject, absences, the council's decisions, and
// who signs. The same model feeds the screen, the PDF and the decisions form.
import type { DB } from '../../db/connection.js'
import type { FinalKind, PromotionDecision } from '../../db/types.js'
import { t, plural } from '../../i18n/index.js'
import { fmtDate, nowIso } from '../../lib/dates.js'
import { shortName, fullName, type NameParts } from '../auth/auth.queries.js'
import { getSettings, periodsForGrade } from '../school/school.queries.js'
import * as q from './archive-print.queries.js'
import {
  genderOf, isDebt, legendOf, sheetLayout, subjectColumns, type Gender, type Layout, type SummaryColumn,
} from './archive-print.rules.js'

export interface ColumnView extends SummaryColumn { head: string }
export interface SubjectView { id: number; name: string; short: string; columns: ColumnView[] }

export interface StudentView {
  n: number
  id: number
  /** Full name, as the sheet prints it. */
  name: string
  shortName: string
  gender: Gender
  /** «прибыл(а) …», «выбыл(а) …» when the student was not in the class for the whole year. */
  notes: string[]
  /** Left the class before the year's end: no decision is taken for them here. */
  departed: boolean
  departedOn: string | null
  marks: Record<string, string>
  absences: { total: number; illness: number }
  decision: { value: PromotionDecision; text: string; councilDate: string; protocol: string; setAt: string } | null
  /** Subjects whose year (or final) mark leaves an academic debt, for the decisions form. */
  debts: string[]
}

export interface SummaryModel {
  cls: q.ClassInfo
  school: { name: string; address: string }
  classWords: string
  subjects: SubjectView[]
  layout: Layout<SubjectView>
  students: StudentView[]
  legend: { short: string; name: string }[]
  columnLegend: string
  signatures: { classTeacher: string | null; deputy: string | null; director: string | null }
  /** The council's date and protocol when every decided student shares them (the usual case). */
  council: { date: string; protocol: string } | null
  formedAt: string
}

export const markKey = (subjectId: number, column: string) => `${subjectId}:${column}`

/** «5 «А» класса» — the class as official papers name it. */
export function classWords(grade: number, letter: string): string {
  return t('summary.classWords', { grade, letter })
}

const genderKey = (g: Gender) => g ?? 'n'

function decisionText(d: PromotionDecision, gender: Gender, grade: number): string {
  return t(`summary.decisionText.${d}.${genderKey(gender)}`, { next: grade + 1, grade, classes: plural(grade, ['класс', 'класса', 'классов']) })
}

function columnHead(c: SummaryColumn): string {
  return c.kind === 'period' ? String(c.periodNumber) : t(`summary.sheet.head.${c.kind}`)
}

/** Whether the student belonged to the class on that date (absences elsewhere in the year are not the class's). */
function inClass(s: q.ClassStudent, date: string, yearEnd: string): boolean {
  return s.spans.some((sp) => sp.from <= date && date <= (sp.to ?? yearEnd))
}

export async function summarySheet(db: DB, cls: q.ClassInfo, opts: { signingPersonId?: number } = {}): Promise<SummaryModel> {
  const [periods, curriculum, roster, settings] = await Promise.all([
    periodsForGrade(db, cls.yearId, cls.grade), q.curriculumSubjects(db, cls.id), q.classStudents(db, cls.id), getSettings(db),
  ])
  const ids = roster.map((s) => s.id)
  const [finals, absences, decisions, deputies, directors] = await Promise.all([
    q.finalMarks(db, cls.yearId, ids), q.absencesOfYear(db, cls.yearId, ids), q.decisionsOf(db, cls.yearId, ids),
    q.peopleWithRole(db, 'deputy'), q.peopleWithRole(db, 'director'),
  ])

  const kindsOf = new Map<number, Set<FinalKind>>()
  for (const f of finals) {
    const set = kindsOf.get(f.subjectId) ?? new Set<FinalKind>()
    set.add(f.kind)
    kindsOf.set(f.subjectId, set)
  }
  const subjects: SubjectView[] = curriculum.map((s) => ({
    id: s.id, name: s.name, short: s.short || s.name,
    columns: subjectColumns(periods, kindsOf.get(s.id) ?? new Set(), cls.grade).map((c) => ({ ...c, head: columnHead(c) })),
  }))
  const yearKey = (subjectId: number) => subjects.find((s) => s.id === subjectId)?.columns.some((c) => c.kind === 'final') ? 'final' : 'year'

  const marksOf = new Map<number, Record<string, string>>()
  for (const f of finals) {
    const rec = marksOf.get(f.studentId) ?? {}
    rec[markKey(f.subjectId, f.kind === 'period' ? `p${f.periodId}` : f.kind)] = f.value
    marksOf.set(f.studentId, rec)
  }
  const decisionOf = new Map(decisions.map((d) => [d.studentId, d]))

  const students = roster.map((s, i): StudentView => {
    const gender = genderOf(s.middle_name)
    const g = genderKey(gender)
    const first = s.spans[0]
    const last = s.spans[s.spans.length - 1]
    const notes: string[] = []
    if (first.from > cls.yearStarts) notes.push(t(`summary.sheet.arrived.${g}`, { date: fmtDate(first.from) }))
    const departed = last.to !== null && last.to < cls.yearEnds && last.reasonOut !== 'promotion' && last.reasonOut !== 'graduation'
    if (departed) notes.push(t(`summary.sheet.departed.${g}`, { date: fmtDate(last.to) }))
    const mine = absences.filter((a) => a.studentId === s.id && inClass(s, a.date, cls.yearEnds))
    const marks = marksOf.get(s.id) ?? {}
    const d = decisionOf.get(s.id)
    return {
      n: i + 1, id: s.id, name: fullName(s), shortName: shortName(s), gender, notes, departed, departedOn: departed ? last.to : null, marks,
      absences: { total: mine.length, illness: mine.filter((a) => a.reason === 'illness').length },
      decision: d ? { value: d.decision, text: decisionText(d.decision, gender, cls.grade), councilDate: d.councilDate, protocol: d.protocol, setAt: d.setAt } : null,
      debts: subjects.filter((sub) => { const v = marks[markKey(sub.id, yearKey(sub.id))]; return v !== undefined && isDebt(v) }).map((sub) => sub.name),
    }
  })

  const decided = students.map((s) => s.decision).filter((d) => d !== null)
  const shared = decided.length && decided.every((d) => d.councilDate === decided[0].councilDate && d.protocol === decided[0].protocol)
  const short = (p: NameParts | null | undefined) => (p ? shortName(p) : null)
  const signer = (list: q.PersonRow[]) => short(list.find((p) => p.id === opts.signingPersonId) ?? list[0])
  const periodWord = periods.length ? t(`summary.sheet.periodWord.${periods[0].scheme}`) : ''
  const used = new Set(subjects.flatMap((s) => s.columns.map((c) => c.kind)))
  return {
    cls, school: { name: settings.school_name, address: settings.school_address }, classWords: classWords(cls.grade, cls.letter),
    subjects, layout: sheetLayout(subjects), students, legend: legendOf(subjects),
    columnLegend: [
      periods.length ? t('summary.sheet.legendPeriods', { from: 1, to: periods.length, what: periodWord }) : null,
      ...(['attestation', 'year', 'exam', 'final'] as const).filter((k) => used.has(k)).map((k) => t(`summary.sheet.legend.${k}`)),
    ].filter(Boolean).join(', '),
    signatures: { classTeacher: short(cls.classTeacher), deputy: signer(deputies), director: signer(directors) },
    council: shared ? { date: decided[0].councilDate, protocol: decided[0].protocol } : null,
    formedAt: nowIso(),
  }
}
