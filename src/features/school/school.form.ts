// Form posts of the school area → typed values or Russian field errors (nothing here touches the database).
import type { PeriodScheme } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { parseDate } from '../../lib/dates.js'
import { checkbox, field, fields, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'
import type { ClassValue, GroupValue, Settings, SubjectValue, WorkloadValue, YearValue } from './school.queries.js'
import {
  bandErrors, defaultAdaptationEnd, holidayErrors, normalizeLetter, parseHours, periodErrors, validYearName, yearDateErrors,
  GROUP_KINDS, PERIOD_COUNT, SCHEMES, type Band, type GroupKind, type HolidayValue, type PeriodRow,
} from './school.rules.js'

function result<T>(errors: FieldErrors, value: () => T): Parsed<T> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value() }
}

function text(body: unknown, name: string, errors: FieldErrors, max: number, required = true): string {
  const v = field(body, name)
  if (required && !v) errors[name] = t('common.required')
  else if (v.length > max) errors[name] = t('common.tooLong', { max })
  return v
}

function date(body: unknown, name: string, errors: FieldErrors): string {
  const raw = field(body, name)
  if (!raw) { errors[name] = t('common.required'); return '' }
  const iso = parseDate(raw)
  if (!iso) errors[name] = t('common.badDate')
  return iso ?? ''
}

function grade(body: unknown, name: string, errors: FieldErrors, fallback?: number): number {
  const raw = field(body, name)
  if (!raw && fallback !== undefined) return fallback
  const n = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN
  if (!(n >= 1 && n <= 11)) { errors[name] = t('school.badGrade'); return 0 }
  return n
}

export function parseSettingsForm(body: unknown): Parsed<Settings> {
  const errors: FieldErrors = {}
  const v = {
    school_name: text(body, 'school_name', errors, 300),
    school_short_name: text(body, 'school_short_name', errors, 80, false),
    school_address: text(body, 'school_address', errors, 300, false),
  }
  return result(errors, () => v)
}

export function parseYearForm(body: unknown): Parsed<YearValue> {
  const errors: FieldErrors = {}
  const name = field(body, 'name')
  if (!name) errors.name = t('common.required')
  else if (!validYearName(name)) errors.name = t('school.years.badName')
  const starts_on = date(body, 'starts_on', errors)
  const ends_on = date(body, 'ends_on', errors)
  let adaptation_ends_on = ''
  if (field(body, 'adaptation_ends_on')) adaptation_ends_on = date(body, 'adaptation_ends_on', errors)
  else if (starts_on) adaptation_ends_on = defaultAdaptationEnd(starts_on)
  const status = field(body, 'status') || 'open'
  if (status !== 'draft' && status !== 'open') errors.status = t('common.badChoice')
  if (starts_on && ends_on && adaptation_ends_on && !errors.adaptation_ends_on) {
    Object.assign(errors, yearDateErrors({ starts_on, ends_on, adaptation_ends_on }))
  }
  return result(errors, () => ({ name, starts_on, ends_on, adaptation_ends_on, status: status as 'draft' | 'open' }))
}

/** Rows of the band form: blank rows are skipped; errors of the set as a whole go under 'bands'. */
export const BAND_ROWS = 6

export function parseBandsForm(body: unknown): Parsed<Band[]> {
  const errors: FieldErrors = {}
  const bands: Band[] = []
  for (let i = 1; i <= BAND_ROWS; i++) {
    const from = field(body, `from_${i}`)
    const to = field(body, `to_${i}`)
    if (!from && !to) continue
    const g1 = grade(body, `from_${i}`, errors)
    const g2 = grade(body, `to_${i}`, errors, g1)
    const scheme = field(body, `scheme_${i}`) as PeriodScheme
    if (!SCHEMES.includes(scheme)) errors[`scheme_${i}`] = t('common.badChoice')
    if (g1 && g2) bands.push({ grade_from: g1, grade_to: g2, scheme })
  }
  if (!Object.keys(errors).length) {
    const problems = bandErrors(bands)
    if (problems.length) errors.bands = problems.join(' ')
  }
  return result(errors, () => bands.sort((a, b) => a.grade_from - b.grade_from))
}

/** All periods of the scheme at once (a quarter year has four): each row needs both dates. */
export function parsePeriodsForm(body: unknown, scheme: PeriodScheme, year: { starts_on: string; ends_on: string }): Parsed<PeriodRow[]> {
  const errors: FieldErrors = {}
  const rows: PeriodRow[] = []
  for (let n = 1; n <= PERIOD_COUNT[scheme]; n++) {
    const starts_on = date(body, `start_${n}`, errors)
    const ends_on = date(body, `end_${n}`, errors)
    if (starts_on && ends_on) rows.push({ number: n, starts_on, ends_on })
  }
  if (!Object.keys(errors).length) Object.assign(errors, periodErrors(rows, year))
  return result(errors, () => rows)
}

export function parseHolidayForm(body: unknown, year: { starts_on: string; ends_on: string }): Parsed<HolidayValue> {
  const errors: FieldErrors = {}
  const v: HolidayValue = {
    name: text(body, 'name', errors, 100),
    starts_on: date(body, 'starts_on', errors),
    ends_on: date(body, 'ends_on', errors),
    grade_from: grade(body, 'grade_from', errors, 1),
    grade_to: grade(body, 'grade_to', errors, 11),
  }
  if (!Object.keys(errors).length) Object.assign(errors, holidayErrors(v, year))
  return result(errors, () => v)
}

export function parseSubjectForm(body: unknown): Parsed<SubjectValue> {
  const errors: FieldErrors = {}
  const name = text(body, 'name', errors, 100)
  const short_name = text(body, 'short_name', errors, 20)
  const orderRaw = field(body, 'sort_order')
  const sort_order = orderRaw === '' ? 100 : /^\d{1,4}$/.test(orderRaw) ? Number(orderRaw) : NaN
  if (Number.isNaN(sort_order)) errors.sort_order = t('common.badNumber')
  return result(errors, () => ({ name, short_name, is_pe: checkbox(body, 'is_pe') ? 1 : 0, sort_order }))
}

export function parseClassForm(body: unknown): Parsed<ClassValue> {
  const errors: FieldErrors = {}
  const g = grade(body, 'grade', errors)
  const letterRaw = field(body, 'letter')
  const letter = normalizeLetter(letterRaw)
  if (!letterRaw) errors.letter = t('common.required')
  else if (!letter) errors.letter = t('school.classes.badLetter')
  const teacherRaw = field(body, 'class_teacher_id')
  const class_teacher_id = teacherRaw ? toId(teacherRaw) : null
  if (teacherRaw && !class_teacher_id) errors.class_teacher_id = t('common.badChoice')
  return result(errors, () => ({ grade: g, letter: letter!, class_teacher_id }))
}

/** Hours per subject, fields h_<subjectId>; only the listed subjects are read. */
export function parseCurriculumForm(body: unknown, subjectIds: number[]): Parsed<Map<number, number | null>> {
  const errors: FieldErrors = {}
  const hours = new Map<number, number | null>()
  for (const id of subjectIds) {
    const r = parseHours(field(body, `h_${id}`))
    if (r.ok) hours.set(id, r.value)
    else errors[`h_${id}`] = t('school.curriculum.badHours')
  }
  return result(errors, () => hours)
}

/** The target is one select: «c:12» a whole class, «g:7» a group. */
export function parseWorkloadForm(body: unknown): Parsed<WorkloadValue> {
  const errors: FieldErrors = {}
  const teacher_id = toId(field(body, 'teacher_id'))
  if (!teacher_id) errors.teacher_id = t('school.workload.pickTeacher')
  const subject_id = toId(field(body, 'subject_id'))
  if (!subject_id) errors.subject_id = t('school.workload.pickSubject')
  const m = /^([cg]):(\d+)$/.exec(field(body, 'target'))
  const id = m ? toId(m[2]) : null
  if (!id) errors.target = t('school.workload.pickTarget')
  return result(errors, () => ({
    teacher_id: teacher_id!, subject_id: subject_id!, class_id: m![1] === 'c' ? id : null, group_id: m![1] === 'g' ? id : null,
  }))
}

/** A new group: a subgroup or individual group belongs to a class; a cross group to a grade. Name may be blank. */
export function parseGroupForm(body: unknown): Parsed<Omit<GroupValue, 'grade'> & { grade: number | null }> {
  const errors: FieldErrors = {}
  const kind = field(body, 'kind') as GroupKind
  if (!GROUP_KINDS.includes(kind)) errors.kind = t('common.badChoice')
  const subject_id = toId(field(body, 'subject_id'))
  if (!subject_id) errors.subject_id = t('school.workload.pickSubject')
  let class_id: number | null = null
  let g: number | null = null
  if (kind === 'cross') g = grade(body, 'grade', errors)
  else if (kind) {
    class_id = toId(field(body, 'class_id'))
    if (!class_id) errors.class_id = t('school.groups.pickClass')
  }
  const name = text(body, 'name', errors, 100, false)
  return result(errors, () => ({ kind, class_id, subject_id: subject_id!, grade: g, name }))
}

export function parseGroupNameForm(body: unknown): Parsed<{ name: string }> {
  const errors: FieldErrors = {}
  const name = text(body, 'name', errors, 100)
  return result(errors, () => ({ name }))
}

/** The checked students (field «student», repeated); anything that is not an id is ignored. */
export function parseMembersForm(body: unknown): number[] {
  return [...new Set(fields(body, 'student').map(toId).filter((id): id is number => id !== null))]
}
