// Form posts of messages and announcements → typed values or Russian field errors (no database here).
import { plural, t } from '../../i18n/index.js'
import { parseDate } from '../../lib/dates.js'
import { field, fields, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { MAX_BODY, MAX_SUBJECT, MAX_TITLE, bodyError, normalizeText, visibleUntilError, type AnnouncementTarget } from './messages.rules.js'

function done<T>(errors: FieldErrors, value: T): Parsed<T> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value }
}

/** The raw text of a field, line breaks kept (field() would only trim it). */
function text(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name]
  return normalizeText(Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v))
}

function checkBody(value: string, errors: FieldErrors, name = 'body'): void {
  const e = bodyError(value)
  if (e === 'required') errors[name] = t('common.required')
  else if (e === 'tooLong') {
    const chars = plural(value.length, [t('messages.errors.char1'), t('messages.errors.char2'), t('messages.errors.char5')])
    errors[name] = t('messages.errors.tooLong', { max: MAX_BODY, n: value.length, chars })
  }
}

function line(body: unknown, name: string, max: number, errors: FieldErrors): string {
  const v = field(body, name).replace(/\s+/g, ' ')
  if (!v) errors[name] = t('common.required')
  else if (v.length > max) errors[name] = t('common.tooLong', { max })
  return v
}

export interface NewMessageInput {
  /** Chosen recipients (a select for one, checkboxes for several). */
  to: number[]
  /** «All parents of this class» (staff only): the class id. */
  allParentsOf: number | null
  /** The class whose families were listed on the form. */
  classId: number | null
  /** The child a parent writes about, when they have several. */
  about: number | null
  subject: string
  body: string
}

export function parseNewMessage(body: unknown): Parsed<NewMessageInput> {
  const errors: FieldErrors = {}
  const raw = fields(body, 'to').filter(Boolean)
  const to = raw.map(toId)
  const allParentsOf = field(body, 'all_parents') ? toId(field(body, 'all_parents')) : null
  if (to.some((id) => id === null) || (field(body, 'all_parents') && allParentsOf === null)) errors.to = t('common.badChoice')
  else if (!to.length && allParentsOf === null) errors.to = t('messages.errors.noRecipient')
  const aboutRaw = field(body, 'about')
  const about = aboutRaw ? toId(aboutRaw) : null
  if (aboutRaw && about === null) errors.about = t('common.badChoice')
  const subject = line(body, 'subject', MAX_SUBJECT, errors)
  const msg = text(body, 'body')
  checkBody(msg, errors)
  return done(errors, {
    to: [...new Set(to.filter((id): id is number => id !== null))], allParentsOf, classId: toId(field(body, 'class')), about, subject, body: msg,
  })
}

export function parseReply(body: unknown): Parsed<{ body: string }> {
  const errors: FieldErrors = {}
  const msg = text(body, 'body')
  checkBody(msg, errors)
  return done(errors, { body: msg })
}

export interface AnnouncementInput { target: AnnouncementTarget; title: string; body: string; visibleUntil: string | null }

/** 'school', 'grade:5' or 'class:12' → a target; null when it is none of them. */
export function parseTarget(raw: string): AnnouncementTarget | null {
  if (raw === 'school') return { scope: 'school' }
  const g = /^grade:(\d{1,2})$/.exec(raw)
  if (g && +g[1] >= 1 && +g[1] <= 11) return { scope: 'grade', grade: +g[1] }
  const c = /^class:(\d+)$/.exec(raw)
  const id = c ? toId(c[1]) : null
  return id ? { scope: 'class', classId: id } : null
}

export function targetValue(tg: AnnouncementTarget): string {
  return tg.scope === 'school' ? 'school' : tg.scope === 'grade' ? `grade:${tg.grade}` : `class:${tg.classId}`
}

export function parseAnnouncement(body: unknown, today: string): Parsed<AnnouncementInput> {
  const errors: FieldErrors = {}
  const target = parseTarget(field(body, 'target'))
  if (!target) errors.target = t('common.badChoice')
  const title = line(body, 'title', MAX_TITLE, errors)
  const msg = text(body, 'body')
  checkBody(msg, errors)
  let visibleUntil: string | null = null
  const rawUntil = field(body, 'visible_until')
  if (rawUntil) {
    visibleUntil = parseDate(rawUntil)
    if (!visibleUntil) errors.visible_until = t('common.badDate')
    else if (visibleUntilError(visibleUntil, today)) errors.visible_until = t('messages.announcements.untilPast')
  }
  return done(errors, { target: target ?? { scope: 'school' }, title, body: msg, visibleUntil })
}
