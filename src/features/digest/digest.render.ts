// The digest letter of one child's week: subject, plain text and simple HTML (an escaped Eta template) (R-D-4).
import { Eta } from 'eta'
import { t } from '../../i18n/index.js'
import { fmtDate, weekday } from '../../lib/dates.js'
import { viewsRoot } from '../../lib/paths.js'
import { weekLabel } from './digest.rules.js'

/** What a letter shows of one lesson; only the subscribed child's own marks, absence and homework. */
export interface DigestLesson {
  number: number
  subject: string
  topic: string
  homework: string
  /** The child's own extra homework, if the teacher gave one. */
  individualHomework: string
  marks: { value: string; kind: string }[]
  absence: 'illness' | 'valid' | 'invalid' | 'unknown' | null
  /** A change against the timetable, in words («отменён», «замена: …»), or null. */
  change: string | null
}

export interface DigestWeek {
  studentName: string
  classLabel: string | null
  monday: string
  /** The school days; holiday is the holiday's name when the day falls in one. */
  days: { date: string; holiday: string | null; lessons: DigestLesson[] }[]
  /** Marks entered this week for lessons of earlier weeks (a test checked late). */
  lateMarks: { subject: string; date: string; value: string; kind: string }[]
}

export interface DigestLinks { diary: string; unsubscribe: string }

export interface RenderedDigest { subject: string; text: string; html: string }

/** A week with no lesson and no late mark (holidays, a child who left) is not worth a letter. */
export function isEmptyWeek(w: DigestWeek): boolean {
  return w.days.every((d) => d.lessons.length === 0) && w.lateMarks.length === 0
}

export function digestSubject(w: DigestWeek): string {
  const who = w.classLabel ? `${w.studentName}, ${w.classLabel}` : w.studentName
  return t('digest.mail.subject', { who, week: weekLabel(w.monday) })
}

const dayTitle = (date: string) => `${t(`digest.weekdays.${weekday(date)}`)}, ${fmtDate(date).slice(0, 5)}`
const markText = (m: { value: string; kind: string }) => (m.kind ? `${m.value} (${m.kind})` : m.value)
const absenceText = (a: DigestLesson['absence']) => (a ? t(`digest.absence.${a}`) : '')

/** The week's totals shown first: marks per subject and lessons missed. */
export function weekSummary(w: DigestWeek): { marks: { subject: string; values: string[] }[]; absences: number } {
  const bySubject = new Map<string, string[]>()
  let absences = 0
  for (const d of w.days) {
    for (const l of d.lessons) {
      if (l.absence) absences++
      if (!l.marks.length) continue
      const list = bySubject.get(l.subject) ?? []
      list.push(...l.marks.map((m) => m.value))
      bySubject.set(l.subject, list)
    }
  }
  return { marks: [...bySubject].map(([subject, values]) => ({ subject, values })), absences }
}

export function digestText(w: DigestWeek, links: DigestLinks): string {
  const out: string[] = []
  const sum = weekSummary(w)
  out.push(digestSubject(w), '')
  out.push(t('digest.mail.marksTitle'))
  if (!sum.marks.length) out.push(`  ${t('digest.mail.noMarks')}`)
  for (const m of sum.marks) out.push(`  ${m.subject}: ${m.values.join(', ')}`)
  out.push(`${t('digest.mail.absencesTitle')}: ${sum.absences}`, '')
  if (w.lateMarks.length) {
    out.push(t('digest.mail.lateTitle'))
    for (const m of w.lateMarks) out.push(`  ${m.subject}, ${fmtDate(m.date).slice(0, 5)}: ${markText(m)}`)
    out.push('')
  }
  for (const d of w.days) {
    if (!d.lessons.length && d.holiday) out.push(`${dayTitle(d.date)}: ${d.holiday}`, '')
    if (!d.lessons.length) continue
    out.push(dayTitle(d.date) + (d.holiday ? ` (${d.holiday})` : ''))
    for (const l of d.lessons) {
      out.push(`  ${l.number}. ${l.subject}${l.change ? ` (${l.change})` : ''}`)
      if (l.topic) out.push(`     ${t('digest.mail.topic')}: ${l.topic}`)
      if (l.homework) out.push(`     ${t('digest.mail.homework')}: ${l.homework}`)
      if (l.individualHomework) out.push(`     ${t('digest.mail.individual')}: ${l.individualHomework}`)
      if (l.marks.length) out.push(`     ${t('digest.mail.marks')}: ${l.marks.map(markText).join(', ')}`)
      if (l.absence) out.push(`     ${t('digest.mail.absent')}: ${absenceText(l.absence)}`)
    }
    out.push('')
  }
  out.push(`${t('digest.mail.fullDiary')}: ${links.diary}`)
  out.push(`${t('digest.mail.why')}`)
  out.push(`${t('digest.mail.unsubscribe')}: ${links.unsubscribe}`)
  return out.join('\n') + '\n'
}

// Templates of letters are rendered outside a request, so they get an Eta of their own (escaping on, as for pages).
const eta = new Eta({ views: viewsRoot, autoEscape: true, cache: process.env.NODE_ENV !== 'development', autoTrim: [false, 'nl'] })

export function digestHtml(w: DigestWeek, links: DigestLinks): string {
  return eta.render('digest/email', {
    t, subject: digestSubject(w), summary: weekSummary(w), links,
    days: w.days.filter((d) => d.lessons.length || d.holiday).map((d) => ({ title: dayTitle(d.date), holiday: d.holiday, lessons: d.lessons })),
    lateMarks: w.lateMarks.map((m) => ({ ...m, day: fmtDate(m.date).slice(0, 5) })),
    markText, absenceText,
  })
}

export function renderDigest(w: DigestWeek, links: DigestLinks): RenderedDigest {
  return { subject: digestSubject(w), text: digestText(w, links), html: digestHtml(w, links) }
}
