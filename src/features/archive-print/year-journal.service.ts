// The year-end printout of a class's journal (R-ARC-3): for every subject page of the class and every period,
// the grid of marks and «н» cut into sheets of at most GRID_COLUMNS lessons, the list of lessons with topics and
// homework, then the page's final marks; a title page and, last, the certifying sheet with the sheet count.
// Data is read with one query per kind for the whole class and year, whatever its size.
import type { DB } from '../../db/connection.js'
import type { FinalKind } from '../../db/types.js'
import { plural, t } from '../../i18n/index.js'
import { fmtDate } from '../../lib/dates.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import { entryFrom, formatEntry, type MarkValue } from '../journal/journal.rules.js'
import { enrolledOn, pageRoster, type RosterRow } from '../journal/journal.roster.js'
import { getSettings, periodsForGrade } from '../school/school.queries.js'
import * as q from './archive-print.queries.js'
import { evenChunks, monthSpans, numberInWords, subjectColumns } from './archive-print.rules.js'
import { classWords } from './summary.service.js'

export interface GridSheet {
  part: number
  parts: number
  months: { label: string; span: number }[]
  lessons: { day: string; lessonNumber: number; flag: string }[]
  rows: { n: number; name: string; cells: { text: string; kind: '' | 'abs' | 'off' }[] }[]
}

export interface Section {
  label: string
  from: string
  to: string
  grids: GridSheet[]
  lessons: { n: number; date: string; lessonNumber: number; topic: string; homework: string; notes: string[] }[]
}

export interface PrintedPage {
  key: string
  subject: string
  groupName: string | null
  teachers: string[]
  lessonCount: number
  sections: Section[]
  finals: { heads: string[]; rows: { n: number; name: string; values: string[] }[] }
}

/** A piece of CSS `content`: a string, a page counter (in figures, words or the noun's form), or a line break. */
export type CssToken = { text: string } | { counter: 'page' | 'pages' | 'words' | 'noun' } | { br: true }

/**
 * What the book's @page rules print: the document number and «лист N из M» in every page's margin, and on the
 * certifying sheet the statement with the sheet count, which Chromium fills in from counter(pages) — so the
 * count is the real one in a single rendering, in figures, in words and with the noun's right form.
 */
export interface PageRules {
  footerLeft: CssToken[]
  footerRight: CssToken[]
  certify: CssToken[]
  /** Counter styles for 1…MAX_SHEETS: the number in words, and «лист / листа / листов». */
  words: string[]
  nouns: string[]
}

export const MAX_SHEETS = 999

/** Text safe inside a CSS string that the template writes between quotes. */
const cssText = (s: string) => s.replace(/["\\<>&'\n\r]/g, ' ')

/** A catalogue message with {slots} → tokens, the slots becoming counters (or line breaks). */
export function cssTokens(message: string, slots: Record<string, CssToken>): CssToken[] {
  return message.split(/(\{\w+\}|\n)/).filter(Boolean).map((part) => {
    if (part === '\n') return { br: true as const }
    const slot = /^\{(\w+)\}$/.exec(part)
    return slot && slots[slot[1]] ? slots[slot[1]] : { text: cssText(part) }
  })
}

export function pageRules(docNumber: string | null, classWordsText: string, yearName: string): PageRules {
  const sheetNoun = (n: number) => plural(n, [t('summary.journal.sheetForms.one'), t('summary.journal.sheetForms.few'), t('summary.journal.sheetForms.many')])
  const numbers = Array.from({ length: MAX_SHEETS }, (_, i) => i + 1)
  return {
    footerLeft: docNumber ? [{ text: cssText(t('common.printed.documentNo', { number: docNumber })) }] : [],
    footerRight: cssTokens(t('common.printed.sheet'), { n: { counter: 'page' }, m: { counter: 'pages' } }),
    certify: [
      ...cssTokens(t('summary.journal.certifyTitle').toUpperCase(), {}), { br: true }, { br: true },
      ...cssTokens(t('summary.journal.certifyBook', { classWords: classWordsText, year: yearName }), {}), { br: true },
      ...cssTokens(t('summary.journal.certify'), { n: { counter: 'pages' }, words: { counter: 'words' }, sheets: { counter: 'noun' } }),
    ],
    words: numbers.map((n) => cssText(numberInWords(n))),
    nouns: numbers.map((n) => cssText(sheetNoun(n))),
  }
}

export interface YearJournalModel {
  cls: q.ClassInfo
  school: { name: string; address: string }
  classWords: string
  classTeacher: string | null
  /** «Начат 01.09.2026, окончен 31.05.2027» */
  dates: string
  pages: PrintedPage[]
  signatures: { deputy: string | null; director: string | null }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

const overlaps = (r: RosterRow, from: string, to: string) => r.spans.some((s) => s.from <= to && s.to >= from)

/** The book of the class's year; `onlyPage` narrows it to one subject page (the on-screen preview of a page). */
export async function yearJournal(db: DB, cls: q.ClassInfo, opts: { onlyPage?: string; signingPersonId?: number } = {}): Promise<YearJournalModel> {
  const [allPages, periods, settings, deputies, directors] = await Promise.all([
    q.journalPages(db, cls.id, cls.yearId), periodsForGrade(db, cls.yearId, cls.grade), getSettings(db),
    q.peopleWithRole(db, 'deputy'), q.peopleWithRole(db, 'director'),
  ])
  const pages = opts.onlyPage ? allPages.filter((p) => p.key === opts.onlyPage) : allPages
  const groupIds = pages.flatMap((p) => (p.groupId !== null ? [p.groupId] : []))
  const classPages = pages.some((p) => p.classId !== null)
  const [lessons, marks, absences, classRoster] = await Promise.all([
    q.yearLessons(db, cls.yearId, cls.id, groupIds), q.yearMarks(db, cls.yearId, cls.id, groupIds), q.yearAbsences(db, cls.yearId, cls.id, groupIds),
    pageRoster(db, { classId: cls.id, groupId: null }, cls.yearStarts, cls.yearEnds),
  ])
  const rosters = new Map<string, RosterRow[]>()
  for (const p of pages) {
    rosters.set(p.key, p.groupId !== null ? await pageRoster(db, { classId: null, groupId: p.groupId }, cls.yearStarts, cls.yearEnds) : classRoster)
  }
  const studentIds = [...new Set([...rosters.values()].flat().map((r) => r.studentId))]
  const finals = await q.finalMarks(db, cls.yearId, studentIds)

  const lessonsOf = new Map<string, q.LessonRow[]>()
  for (const l of lessons) {
    const key = l.groupId !== null ? `g${l.groupId}` : `c${cls.id}s${l.subjectId}`
    if (l.groupId === null && !classPages) continue
    push(lessonsOf, key, l)
  }
  const cellMarks = new Map<string, { column: number; value: MarkValue }[]>()
  for (const m of marks) push(cellMarks, `${m.lessonId}:${m.studentId}`, { column: m.column, value: m.value as MarkValue })
  const absent = new Set(absences.map((a) => `${a.lessonId}:${a.studentId}`))
  const finalOf = new Map<string, string>()
  const kindsOf = new Map<number, Set<FinalKind>>()
  for (const f of finals) {
    finalOf.set(`${f.studentId}:${f.subjectId}:${f.kind === 'period' ? `p${f.periodId}` : f.kind}`, f.value)
    kindsOf.set(f.subjectId, (kindsOf.get(f.subjectId) ?? new Set<FinalKind>()).add(f.kind))
  }

  // The sections of the year: its periods, and the whole year when the grade has no periods; lessons outside
  // every period (a date moved into holidays) get a section of their own so that nothing is left out.
  const ranges = periods.length
    ? periods.map((p) => ({ label: t(`summary.journal.period.${p.scheme}`, { n: p.number }), from: p.starts_on, to: p.ends_on }))
    : [{ label: t('summary.journal.wholeYear'), from: cls.yearStarts, to: cls.yearEnds }]

  const printed = pages.map((p): PrintedPage => {
    const roster = rosters.get(p.key) ?? []
    const own = lessonsOf.get(p.key) ?? []
    const outside = own.filter((l) => !ranges.some((r) => r.from <= l.date && l.date <= r.to))
    const sectionRanges = outside.length
      ? [...ranges, { label: t('summary.journal.outside'), from: outside[0].date, to: outside[outside.length - 1].date }]
      : ranges
    const sections = sectionRanges.map((r, ri): Section | null => {
      const inRange = ri < ranges.length ? own.filter((l) => r.from <= l.date && l.date <= r.to) : outside
      if (!inRange.length) return null
      const students = roster.filter((s) => overlaps(s, r.from, r.to))
      const chunks = evenChunks(inRange)
      const grids = chunks.map((chunk, ci): GridSheet => ({
        part: ci + 1, parts: chunks.length,
        months: monthSpans(chunk.map((l) => l.date)).map((m) => ({ label: t(`journal.months.m${m.month}`), span: m.span })),
        lessons: chunk.map((l) => ({ day: l.date.slice(8, 10), lessonNumber: l.lessonNumber, flag: l.extracurricular ? t('summary.journal.flagExtra') : l.distance ? t('summary.journal.flagDistance') : '' })),
        rows: students.map((s, si) => ({
          n: si + 1, name: `${s.lastName} ${s.firstName}`,
          cells: chunk.map((l) => {
            if (!enrolledOn(s, l.date)) return { text: '', kind: 'off' as const }
            const key = `${l.id}:${s.studentId}`
            const isAbsent = absent.has(key)
            return { text: formatEntry(entryFrom(isAbsent, cellMarks.get(key) ?? [])), kind: isAbsent ? 'abs' as const : '' as const }
          }),
        })),
      }))
      return {
        label: r.label, from: r.from, to: r.to, grids,
        lessons: inRange.map((l, i) => ({
          n: i + 1, date: l.date, lessonNumber: l.lessonNumber, topic: l.topic, homework: l.homework,
          notes: [
            l.substitute ? t('summary.journal.substitute', { name: l.substitute }) : '',
            l.distance ? t('summary.journal.distance', { order: l.distanceOrder }) : '',
            l.extracurricular ? t('summary.journal.extracurricular') : '',
          ].filter(Boolean),
        })),
      }
    }).filter((s): s is Section => s !== null)

    const columns = subjectColumns(periods, kindsOf.get(p.subjectId) ?? new Set(), cls.grade)
    return {
      key: p.key, subject: p.subject, groupName: p.groupName, teachers: p.teachers, lessonCount: own.length, sections,
      finals: {
        heads: columns.map((c) => (c.kind === 'period' ? t(`summary.journal.period.${periods[0].scheme}`, { n: c.periodNumber! }) : t(`summary.journal.final.${c.kind}`))),
        rows: roster.map((s, i) => ({
          n: i + 1, name: fullName({ last_name: s.lastName, first_name: s.firstName, middle_name: s.middleName }),
          values: columns.map((c) => finalOf.get(`${s.studentId}:${p.subjectId}:${c.key}`) ?? ''),
        })),
      },
    }
  })

  const signer = (list: q.PersonRow[]) => {
    const p = list.find((x) => x.id === opts.signingPersonId) ?? list[0]
    return p ? shortName(p) : null
  }
  return {
    cls, school: { name: settings.school_name, address: settings.school_address }, classWords: classWords(cls.grade, cls.letter),
    classTeacher: cls.classTeacher ? fullName(cls.classTeacher) : null,
    dates: t('summary.journal.dates', { from: fmtDate(cls.yearStarts), to: fmtDate(cls.yearEnds) }),
    pages: printed,
    signatures: { deputy: signer(deputies), director: signer(directors) },
  }
}
