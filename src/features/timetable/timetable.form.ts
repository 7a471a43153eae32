// Form posts of the timetable area → typed values or Russian field errors (nothing here touches the database).
import { t } from '../../i18n/index.js'
import { parseDate } from '../../lib/dates.js'
import { field, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { BELL_NUMBERS, bellErrors, parseLineKey, parseTime, type Bell, type SlotLine } from './timetable.rules.js'

function result<T>(errors: FieldErrors, value: () => T): Parsed<T> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value() }
}

function date(body: unknown, name: string, errors: FieldErrors): string {
  const raw = field(body, name)
  if (!raw) { errors[name] = t('common.required'); return '' }
  const iso = parseDate(raw)
  if (!iso) errors[name] = t('common.badDate')
  return iso ?? ''
}

const NOTE_MAX = 200

/** The short note every change carries («болезнь учителя», «экскурсия»). */
function note(body: unknown, errors: FieldErrors): string {
  const v = field(body, 'note')
  if (!v) errors.note = t('timetable.change.noteRequired')
  else if (v.length > NOTE_MAX) errors.note = t('common.tooLong', { max: NOTE_MAX })
  return v
}

function lessonNumber(body: unknown, errors: FieldErrors, allowed: readonly number[]): number {
  const raw = field(body, 'lesson_number')
  const n = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN
  if (!allowed.includes(n)) { errors.lesson_number = raw ? t('common.badChoice') : t('common.required'); return 0 }
  return n
}

// ---------------------------------------------------------------------------------------------------------
// Bells: one row per lesson number, start and end; a blank row means the school has no such lesson.

export const bellField = (n: number, part: 's' | 'e') => `${part}_${n}`

export function parseBellsForm(body: unknown): Parsed<Bell[]> {
  const errors: FieldErrors = {}
  const bells: Bell[] = []
  for (const n of BELL_NUMBERS) {
    const s = field(body, bellField(n, 's'))
    const e = field(body, bellField(n, 'e'))
    if (!s && !e) continue
    const starts = parseTime(s)
    const ends = parseTime(e)
    if (!s || !e) errors[`b_${n}`] = t('timetable.bells.bothTimes', { n })
    else if (!starts || !ends) errors[`b_${n}`] = t('timetable.bells.badTime')
    else bells.push({ number: n, starts_at: starts, ends_at: ends })
  }
  if (!Object.keys(errors).length) {
    for (const [n, msg] of Object.entries(bellErrors(bells))) errors[`b_${n}`] = msg
  }
  return result(errors, () => bells)
}

// ---------------------------------------------------------------------------------------------------------
// The grid of a class's week: a select per place in a cell (two or more where subgroups share a lesson time).

export const cellField = (weekday: number, n: number, k: number) => `c${weekday}_${n}_${k}`
export const WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5, 6]

export interface GridValue { from: string; slots: SlotLine[] }

/** Each chosen line must be one the form offered (the class's workload, or a line already in its timetable). */
export function parseGridForm(body: unknown, opts: { numbers: readonly number[]; perCell: number; lines: ReadonlySet<string> }): Parsed<GridValue> {
  const errors: FieldErrors = {}
  const from = date(body, 'valid_from', errors)
  const slots: SlotLine[] = []
  for (const wd of WEEKDAYS) {
    for (const n of opts.numbers) {
      for (let k = 1; k <= opts.perCell; k++) {
        const v = field(body, cellField(wd, n, k))
        if (!v) continue
        const line = opts.lines.has(v) ? parseLineKey(v) : null
        if (!line) { errors[`c${wd}_${n}`] = t('common.badChoice'); continue }
        slots.push({ weekday: wd, lesson_number: n, ...line })
      }
    }
  }
  return result(errors, () => ({ from, slots }))
}

// ---------------------------------------------------------------------------------------------------------
// Changes for a date

export function parseNoteForm(body: unknown): Parsed<{ note: string }> {
  const errors: FieldErrors = {}
  const v = note(body, errors)
  return result(errors, () => ({ note: v }))
}

export function parseMoveForm(body: unknown, numbers: readonly number[]): Parsed<{ date: string; lessonNumber: number; note: string }> {
  const errors: FieldErrors = {}
  const d = date(body, 'date', errors)
  const n = lessonNumber(body, errors, numbers)
  const v = note(body, errors)
  return result(errors, () => ({ date: d, lessonNumber: n, note: v }))
}

export function parseSubstituteForm(body: unknown): Parsed<{ teacherId: number; note: string }> {
  const errors: FieldErrors = {}
  const id = toId(field(body, 'teacher_id'))
  if (!id) errors.teacher_id = field(body, 'teacher_id') ? t('common.badChoice') : t('timetable.change.pickTeacher')
  const v = note(body, errors)
  return result(errors, () => ({ teacherId: id!, note: v }))
}

export function parseExtraForm(body: unknown, lines: ReadonlySet<string>, numbers: readonly number[]) {
  const errors: FieldErrors = {}
  const raw = field(body, 'line')
  const line = lines.has(raw) ? parseLineKey(raw) : null
  if (!line) errors.line = raw ? t('common.badChoice') : t('timetable.change.pickLine')
  const d = date(body, 'date', errors)
  const n = lessonNumber(body, errors, numbers)
  const v = note(body, errors)
  return result(errors, () => ({ line: line!, date: d, lessonNumber: n, note: v }))
}
