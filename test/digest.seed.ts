// Shared fixture of the digest and mail tests: the school of school.seed with a filled week of 5А, a real SMTP
// server on loopback that collects what it receives, a closed port, and a small MIME reader for the letters.
import net, { type AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SMTPServer } from 'smtp-server'
import type { DB } from '../src/db/connection.js'
import { nowIso } from '../src/lib/dates.js'
import { world, type RoleName, type World } from './school.seed.js'

/** The week every test sends: Monday 16.11.2026 (5А studies from 01.09.2026). */
export const WEEK = '2026-11-16'
export const NEXT_WEEK = '2026-11-23'

async function kindId(db: DB, name: string): Promise<number> {
  return (await db.selectFrom('work_kinds').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
}

/**
 * A week of 5А: mathematics on Monday with a test (the child 5, a classmate 3), English on Wednesday where the
 * child was ill, individual homework on Thursday; and 5Б's lesson with its own student's mark. The next week has
 * one lesson with a mark, so that a letter would have news.
 */
export async function fillWeek(w: Pick<World, 'db' | 's'>): Promise<void> {
  const { db, s } = w
  const lesson = async (classId: number, subject: number, date: string, n: number, topic: string, homework: string) =>
    (await db.insertInto('lessons').values({
      year_id: s.year, class_id: classId, subject_id: subject, teacher_id: s.u.teacher.personId, date, lesson_number: n, origin: 'timetable', topic, homework,
    }).returning('id').executeTakeFirstOrThrow()).id
  const mark = async (lessonId: number, studentId: number, value: string) =>
    db.insertInto('marks').values({ lesson_id: lessonId, student_id: studentId, column_no: 1, value, entered_at: nowIso(), entered_by: s.u.teacher.personId }).execute()

  const math = await lesson(s.c5a, s.subjects.math, '2026-11-16', 1, 'Сложение дробей', '№ 245, 247')
  await db.insertInto('lesson_columns').values({ lesson_id: math, column_no: 1, work_kind_id: await kindId(db, 'Контрольная работа') }).execute()
  await mark(math, s.u.student.personId, '5')
  await mark(math, s.s2.personId, '3')
  const eng = await lesson(s.c5a, s.subjects.english, '2026-11-18', 2, 'Present Simple', 'Учебник, с. 40, упр. 3')
  await db.insertInto('absences').values({ lesson_id: eng, student_id: s.u.student.personId, reason: 'illness', entered_at: nowIso(), entered_by: s.u.teacher.personId }).execute()
  const art = await lesson(s.c5a, s.subjects.art, '2026-11-19', 3, 'Натюрморт', 'Принести краски')
  await db.insertInto('homework_individual').values({ lesson_id: art, student_id: s.u.student.personId, text: 'Дорисовать эскиз', entered_at: nowIso() }).execute()
  await db.insertInto('homework_individual').values({ lesson_id: art, student_id: s.s2.personId, text: 'Секретное задание Веры', entered_at: nowIso() }).execute()
  const other = await lesson(s.c5b, s.subjects.math, '2026-11-17', 1, 'Тема пятого Б', 'Задание пятого Б')
  await mark(other, s.s3.personId, '2')

  const next = await lesson(s.c5a, s.subjects.math, '2026-11-23', 1, 'Вычитание дробей', '№ 250')
  await db.insertInto('lesson_columns').values({ lesson_id: next, column_no: 1, work_kind_id: await kindId(db, 'Ответ на уроке') }).execute()
  await mark(next, s.u.student.personId, '4')
}

/** The school with a filled week; the parent's own e-mail is on file; DATA_DIR is a fresh temporary folder. */
export async function digestWorld(t: { teardown(fn: () => unknown): void }, roles: readonly RoleName[] = ['admin', 'parent']): Promise<World & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'digest-test-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const w = await world(t, roles)
  // world() builds with the shared default DATA_DIR (app.config is this same object); letters land in this test's folder.
  w.config.dataDir = dataDir
  await w.db.updateTable('persons').set({ email: 'mama@example.ru' }).where('id', '=', w.s.u.parent.personId).execute()
  await fillWeek(w)
  return { ...w, dataDir }
}

export interface Received { from: string; to: string[]; raw: string; user: string | null }

export interface TestSmtp { port: number; messages: Received[]; close(): Promise<void> }

/** A real SMTP server on 127.0.0.1 (a free port) keeping every message; with `auth`, it demands that login. */
export async function startSmtp(t: { teardown(fn: () => unknown): void }, opts: { auth?: { user: string; pass: string }; rejectRcpt?: string } = {}): Promise<TestSmtp> {
  const messages: Received[] = []
  const server = new SMTPServer({
    logger: false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username })
      return cb(new Error('Invalid username or password'))
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectRcpt && address.address === opts.rejectRcpt) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number }
        err.responseCode = 550
        return cb(err)
      }
      cb()
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'), user: typeof session.user === 'string' ? session.user : null,
        })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  t.teardown(close)
  return { port, messages, close }
}

/** A port on loopback where nothing listens: connecting is refused at once. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

// ----- reading a letter back ------------------------------------------------------------------------------

function decodeWords(s: string): string {
  return s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
}

function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) out.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim())
  }
  return out
}

function body(headers: Map<string, string>, raw: string): string {
  const enc = (headers.get('content-transfer-encoding') ?? '').toLowerCase()
  if (enc === 'base64') return Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (enc === 'quoted-printable') {
    return Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
  }
  return raw
}

export interface Letter { subject: string; to: string; from: string; text: string; html: string }

/** The subject and both parts of a letter as nodemailer builds it (multipart/alternative, or one text part). */
export function readLetter(raw: string): Letter {
  const split = raw.search(/\r?\n\r?\n/)
  const head = headersOf(raw.slice(0, split))
  const rest = raw.slice(split).replace(/^\r?\n\r?\n/, '')
  const out: Letter = { subject: decodeWords(head.get('subject') ?? ''), to: head.get('to') ?? '', from: decodeWords(head.get('from') ?? ''), text: '', html: '' }
  const boundary = /boundary="?([^";]+)"?/.exec(head.get('content-type') ?? '')?.[1]
  const parts = boundary ? rest.split(`--${boundary}`).slice(1, -1) : [raw.slice(0, split) + '\n\n' + rest]
  for (const p of parts) {
    const cut = p.replace(/^\r?\n/, '').search(/\r?\n\r?\n/)
    const part = p.replace(/^\r?\n/, '')
    const h = boundary ? headersOf(part.slice(0, cut)) : head
    const content = body(h, boundary ? part.slice(cut).replace(/^\r?\n\r?\n/, '') : rest)
    if ((h.get('content-type') ?? '').startsWith('text/html')) out.html = content
    else out.text = content
  }
  return out
}
