// The `digest` command: sends the weekly digest by hand (and the letters waiting for a retry), printing what happened.
import { existsSync } from 'node:fs'
import { ConfigError, loadConfig } from '../../config.js'
import { openDatabase } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrate.js'
import { parseDate } from '../../lib/dates.js'
import { retryPending, type MailRow } from '../../lib/mail.js'
import { runDigest } from './digest.job.js'
import { weekLabel, weekOf } from './digest.rules.js'

export const USAGE = 'Использование: node dist/src/cli/digest.js [--week ГГГГ-ММ-ДД] [--file ПУТЬ]\n'
  + '  --week  любой день недели, письма за которую отправить (по умолчанию — последняя законченная неделя)\n'
  + '  --file  файл базы данных (по умолчанию DB_FILE или DATA_DIR/school.sqlite)'

export interface DigestArgs { week?: string; file?: string; help: boolean }

export function parseDigestArgs(argv: readonly string[]): DigestArgs | string {
  const out: DigestArgs = { help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') { out.help = true; continue }
    if (a !== '--week' && a !== '--file') return `неизвестный параметр «${a}»`
    const v = argv[++i]
    if (v === undefined) return `после ${a} нужно значение`
    if (a === '--file') { out.file = v; continue }
    const d = parseDate(v)
    if (!d) return `--week: нужна дата ГГГГ-ММ-ДД, а не «${v}»`
    out.week = weekOf(d)
  }
  return out
}

const STATUS: Record<MailRow['status'], string> = { sent: 'отправлено', outbox: 'сохранено в папку', pending: 'НЕ ОТПРАВЛЕНО, будет повтор', failed: 'НЕ ОТПРАВЛЕНО' }

function line(m: MailRow): string {
  const where = m.status === 'outbox' ? ` → ${m.outbox_file}` : m.status === 'pending' || m.status === 'failed' ? ` (${m.last_error})` : ''
  return `  № ${m.id} ${m.to_address}: ${STATUS[m.status]}${where}`
}

/** Runs the command; returns the exit code (1 when a letter could not be sent: it stays queued and is shown to the admin). */
export async function runDigestCommand(argv: readonly string[], opts: { env?: Record<string, string | undefined>; now?: Date; log?: (s: string) => void; fail?: (s: string) => void } = {}): Promise<number> {
  const log = opts.log ?? console.log
  const fail = opts.fail ?? console.error
  const args = parseDigestArgs(argv)
  if (typeof args === 'string') { fail(`Ошибка: ${args}\n${USAGE}`); return 2 }
  if (args.help) { log(USAGE); return 0 }
  let config
  try {
    config = loadConfig(opts.env ?? process.env)
  } catch (e) {
    if (e instanceof ConfigError) { fail(`Ошибка настройки: ${e.message}`); return 2 }
    throw e
  }
  const file = args.file ?? config.dbFile
  if (!existsSync(file)) { fail(`Нет файла базы данных ${file}.`); return 1 }
  const db = openDatabase(file)
  try {
    await migrateToLatest(db)
    const now = opts.now ?? new Date()
    const retried = await retryPending(db, config, now)
    if (retried.length) {
      log(`Повторная отправка писем из очереди: ${retried.length}`)
      retried.forEach((m) => log(line(m)))
    }
    const run = await runDigest(db, config, { week: args.week, now })
    log(`Письма о дневнике за неделю ${weekLabel(run.week)}: ${run.letters.length}` + (run.empty ? ` (без уроков на неделе, не отправлено: ${run.empty})` : ''))
    run.letters.forEach((m) => log(line(m)))
    const notSent = [...retried, ...run.letters].filter((m) => m.status === 'pending' || m.status === 'failed')
    if (notSent.length) fail(`Не отправлено писем: ${notSent.length}. Они видны администратору на странице «Почта» (/settings/mail).`)
    return notSent.length ? 1 : 0
  } finally {
    await db.destroy()
  }
}
