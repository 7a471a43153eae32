// The `demo` command: writes a new database file holding a migrated demo school.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, loadConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { migrateToLatest } from '../db/migrate.js'
import { parseDate } from '../lib/dates.js'
import { DEMO_ACCOUNTS, DEMO_PASSWORD, MAX_CLOSED_YEARS, createDemoSchool } from './demo.js'
import { JOURNAL_MODES, type JournalMode } from './journal.js'

export const USAGE = 'Использование: node dist/src/cli/demo.js [--seed N] [--students N] [--file ПУТЬ] [--today ГГГГ-ММ-ДД]'
  + ` [--journal none|toToday|fullYear] [--years 0…${MAX_CLOSED_YEARS}] [--force]\n`
  + '  --students  учеников в текущем учебном году\n'
  + '  --journal   журнал текущего года: none — без журнала, toToday — по сегодняшний день (по умолчанию), fullYear — весь год\n'
  + '  --years     сколько прошлых, закрытых учебных лет добавить перед текущим (по умолчанию 0), каждый с полным журналом\n'
  + '  --force     заменить существующий файл'

export interface DemoArgs {
  seed: number; students: number; file: string; today?: string; journal?: JournalMode; years?: number; force: boolean; help: boolean
}

export class UsageError extends Error { override name = 'UsageError' }

/** Parses the command line; the defaults come from the settings (DEMO_SEED, DEMO_STUDENTS, DB_FILE). */
export function parseDemoArgs(argv: readonly string[], defaults: { seed: number; students: number; file: string }): DemoArgs {
  const out: DemoArgs = { ...defaults, force: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`после ${a} нужно значение`)
      return v
    }
    const count = (min: number, max: number) => {
      const v = value()
      if (!/^\d+$/.test(v) || +v < min || +v > max) throw new UsageError(`${a}: нужно целое число от ${min} до ${max}, а не «${v}»`)
      return +v
    }
    if (a === '--seed') out.seed = count(0, 2 ** 31 - 1)
    else if (a === '--students') out.students = count(2, 20_000)
    else if (a === '--file') out.file = value()
    else if (a === '--today') {
      const v = value()
      if (parseDate(v) === null) throw new UsageError(`--today: нужна дата ГГГГ-ММ-ДД, а не «${v}»`)
      out.today = parseDate(v)!
    } else if (a === '--journal') {
      const v = value()
      const mode = JOURNAL_MODES.find((m) => m === v)
      if (!mode) throw new UsageError(`--journal: нужно одно из ${JOURNAL_MODES.join(', ')}, а не «${v}»`)
      out.journal = mode
    } else if (a === '--years') out.years = count(0, MAX_CLOSED_YEARS)
    else if (a === '--force') out.force = true
    else if (a === '--help' || a === '-h') out.help = true
    else throw new UsageError(`неизвестный параметр «${a}»`)
  }
  return out
}

function removeDatabase(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
}

/** Runs the command; returns the exit code. */
export async function runDemoCommand(argv: readonly string[], log: (s: string) => void = console.log, fail: (s: string) => void = console.error): Promise<number> {
  let args: DemoArgs
  try {
    const config = loadConfig()
    args = parseDemoArgs(argv, { seed: config.demoSeed, students: config.demoStudents, file: config.dbFile })
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof ConfigError)) throw e
    fail(`Ошибка: ${e.message}\n${USAGE}`)
    return 2
  }
  if (args.help) {
    log(USAGE)
    return 0
  }
  if (existsSync(args.file)) {
    if (!args.force) {
      fail(`Файл ${args.file} уже существует. Чтобы заменить его демонстрационной школой, добавьте --force.`)
      return 1
    }
    removeDatabase(args.file)
  }
  mkdirSync(path.dirname(path.resolve(args.file)), { recursive: true })
  const started = process.hrtime.bigint()
  const db = openDatabase(args.file)
  try {
    await migrateToLatest(db)
    const summary = await createDemoSchool(db, {
      seed: args.seed, students: args.students, today: args.today, journal: args.journal, closedYears: args.years,
    })
    await db.destroy()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const c = summary.counts
    log(`Демонстрационная школа записана в ${args.file} (зерно ${args.seed}).`)
    log(`Учебный год ${summary.year}: классов ${c.classes}, учителей ${c.teachers}, учеников ${c.students}, родителей ${c.parents}.`)
    if (c.former_students) log(`Прошлые годы: бывших учеников (выпускники и выбывшие) ${c.former_students}.`)
    for (const y of summary.years) {
      const j = y.counts
      if (!j.lessons) continue
      log(`Журнал ${y.name}${y.closed ? ' (закрыт)' : ''}: уроков ${j.lessons}, тем КТП ${j.plan_topics}, отметок ${j.marks}, пропусков ${j.absences},`
        + ` итоговых отметок ${j.final_marks}${j.promotion_decisions ? `, решений о переводе ${j.promotion_decisions}` : ''}.`)
    }
    log(`\nУчётные записи (пароль для всех: ${DEMO_PASSWORD}):`)
    for (const a of DEMO_ACCOUNTS) log(`  ${a.login.padEnd(10)} ${a.what}`)
    // Last, for whoever times the command (the benchmark): every table's rows, the file's size and the time taken.
    const t = summary.totals
    log(`\nСтрок в таблицах: ${Object.keys(t).filter((k) => t[k] > 0).map((k) => `${k} ${t[k]}`).join(', ')}.`)
    log(`Размер файла ${(statSync(args.file).size / 2 ** 20).toFixed(0)} МБ; записано за ${seconds.toFixed(1)} с.`)
    return 0
  } catch (e) {
    // Never leave a half-made file behind that the next start would take for a real database.
    await db.destroy().catch(() => undefined)
    removeDatabase(args.file)
    throw e
  }
}
