// Form → typed value + Russian field errors, for every form of the people area.
import type { Channel, Consent, Role, StudyForm } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { parseDate, localDate } from '../../lib/dates.js'
import { field, fields, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { STAFF_ROLES } from './people.rules.js'

export interface PersonInput {
  last_name: string
  first_name: string
  middle_name: string
  birth_date: string | null
  phone: string | null
  email: string | null
}

const NAME_MAX = 60
const PHONE_RE = /^[0-9+()\-\s]{5,25}$/
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function done<T>(errors: FieldErrors, value: T): Parsed<T> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value }
}

function name(body: unknown, key: string, required: boolean, errors: FieldErrors): string {
  const v = field(body, key).replace(/\s+/g, ' ')
  if (required && !v) errors[key] = t('common.required')
  else if (v.length > NAME_MAX) errors[key] = t('common.tooLong', { max: NAME_MAX })
  return v
}

/** An optional date field: '' → null; bad → error. */
function optDate(body: unknown, key: string, errors: FieldErrors): string | null {
  const raw = field(body, key)
  if (!raw) return null
  const d = parseDate(raw)
  if (!d) errors[key] = t('common.badDate')
  return d
}

function reqDate(body: unknown, key: string, errors: FieldErrors): string {
  const raw = field(body, key)
  if (!raw) { errors[key] = t('common.required'); return '' }
  const d = parseDate(raw)
  if (!d) { errors[key] = t('common.badDate'); return '' }
  return d
}

export function validPhone(s: string): boolean { return PHONE_RE.test(s) }
export function validEmail(s: string): boolean { return s.length <= 120 && EMAIL_RE.test(s) }

/** Name, birth date and contacts; birthRequired for students. */
export function parsePerson(body: unknown, opts: { birthRequired: boolean; today?: string }): Parsed<PersonInput> {
  const errors: FieldErrors = {}
  const today = opts.today ?? localDate(new Date())
  const last_name = name(body, 'last_name', true, errors)
  const first_name = name(body, 'first_name', true, errors)
  const middle_name = name(body, 'middle_name', false, errors)
  const birth_date = opts.birthRequired ? reqDate(body, 'birth_date', errors) || null : optDate(body, 'birth_date', errors)
  if (birth_date && (birth_date > today || birth_date < '1900-01-01')) errors.birth_date = t('people.form.badBirthDate')
  const phone = field(body, 'phone')
  if (phone && !validPhone(phone)) errors.phone = t('people.form.badPhone')
  const email = field(body, 'email').toLowerCase()
  if (email && !validEmail(email)) errors.email = t('people.form.badEmail')
  return done(errors, { last_name, first_name, middle_name, birth_date, phone: phone || null, email: email || null })
}

export interface EnrollInput { classId: number; date: string; reason: 'initial' | 'arrival' }

/** The first enrollment on the new-student form. */
export function parseEnroll(body: unknown): Parsed<EnrollInput> {
  const errors: FieldErrors = {}
  const classId = toId(field(body, 'class_id'))
  if (!classId) errors.class_id = t('common.badChoice')
  const date = reqDate(body, 'from_date', errors)
  const reason = field(body, 'reason_in')
  if (reason !== 'initial' && reason !== 'arrival') errors.reason_in = t('common.badChoice')
  return done(errors, { classId: classId ?? 0, date, reason: reason as 'initial' | 'arrival' })
}

export interface StudyInput { study_form: StudyForm; pe_exempt_until: string | null; channel: Channel }

export const STUDY_FORMS: readonly StudyForm[] = ['regular', 'individual', 'home']
export const CHANNELS: readonly Channel[] = ['diary', 'paper', 'email']

export function parseStudy(body: unknown): Parsed<StudyInput> {
  const errors: FieldErrors = {}
  const study_form = field(body, 'study_form') as StudyForm
  if (!STUDY_FORMS.includes(study_form)) errors.study_form = t('common.badChoice')
  const channel = field(body, 'channel') as Channel
  if (!CHANNELS.includes(channel)) errors.channel = t('common.badChoice')
  const pe_exempt_until = optDate(body, 'pe_exempt_until', errors)
  return done(errors, { study_form, pe_exempt_until, channel })
}

export interface MoveInput { date: string; classId: number | null; note: string }

/** Departure (no class), transfer and arrival (a class). */
export function parseMove(body: unknown, needsClass: boolean): Parsed<MoveInput> {
  const errors: FieldErrors = {}
  const date = reqDate(body, 'date', errors)
  const classId = needsClass ? toId(field(body, 'class_id')) : null
  if (needsClass && !classId) errors.class_id = t('common.badChoice')
  const note = field(body, 'note')
  if (note.length > 500) errors.note = t('common.tooLong', { max: 500 })
  return done(errors, { date, classId, note })
}

export const RELATIONS = ['mother', 'father', 'guardian', 'parent'] as const
export type Relation = (typeof RELATIONS)[number]

function relation(body: unknown, errors: FieldErrors): Relation {
  const r = field(body, 'relation') as Relation
  if (!RELATIONS.includes(r)) errors.relation = t('common.badChoice')
  return r
}

export function parseParent(body: unknown): Parsed<PersonInput & { relation: Relation }> {
  const person = parsePerson(body, { birthRequired: false })
  const errors: FieldErrors = person.ok ? {} : { ...person.errors }
  const rel = relation(body, errors)
  if (!person.ok || Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { ...person.value, relation: rel } }
}

export function parseLink(body: unknown): Parsed<{ parentId: number; relation: Relation }> {
  const errors: FieldErrors = {}
  const parentId = toId(field(body, 'parent_id'))
  if (!parentId) errors.parent_id = t('people.link.choose')
  const rel = relation(body, errors)
  return done(errors, { parentId: parentId ?? 0, relation: rel })
}

export interface ConsentInput { consent: Exclude<Consent, 'unknown'>; on: string }

export function parseConsent(body: unknown, today = localDate(new Date())): Parsed<ConsentInput> {
  const errors: FieldErrors = {}
  const consent = field(body, 'consent')
  if (consent !== 'given' && consent !== 'refused') errors.consent = t('common.badChoice')
  const on = reqDate(body, 'consent_on', errors)
  if (on && on > today) errors.consent_on = t('people.consent.future')
  return done(errors, { consent: consent as ConsentInput['consent'], on })
}

/** Staff roles ticked on the form; anything else sent is refused. */
export function parseRoles(body: unknown): Parsed<Role[]> {
  const picked = fields(body, 'roles')
  const bad = picked.filter((r) => !STAFF_ROLES.includes(r as Role))
  if (bad.length) return { ok: false, errors: { roles: t('common.badChoice') } }
  return { ok: true, value: STAFF_ROLES.filter((r) => picked.includes(r)) }
}

/** The filters of the students list, from the query string. */
export interface StudentFilter { classId: number | null; q: string; departed: boolean }

export function parseStudentFilter(query: unknown): StudentFilter {
  const departed = field(query, 'departed')
  return { classId: toId(field(query, 'class')), q: field(query, 'q').slice(0, 60), departed: departed === '1' || departed === 'on' }
}
