// Every setting of the application in one table, typed, with its default; validated once at start.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

type Kind = 'string' | 'int' | 'bool'
interface Setting { env: string; kind: Kind; default: string; doc: string; min?: number; max?: number; choices?: string[] }

// The single table of configuration variables (documented in README and .env.example from this list).
export const SETTINGS = {
  port: { env: 'PORT', kind: 'int', default: '3000', min: 0, max: 65535, doc: 'TCP port to serve on' },
  host: { env: 'HOST', kind: 'string', default: '0.0.0.0', doc: 'address to listen on' },
  dataDir: { env: 'DATA_DIR', kind: 'string', default: 'data', doc: 'folder for the database, uploads, session secret, outbox, backups' },
  dbFile: { env: 'DB_FILE', kind: 'string', default: '', doc: 'SQLite file; empty means DATA_DIR/school.sqlite' },
  sessionSecret: { env: 'SESSION_SECRET', kind: 'string', default: '', doc: 'secret for cookies, 32+ characters; generated into DATA_DIR/session-secret when empty' },
  logLevel: { env: 'LOG_LEVEL', kind: 'string', default: 'info', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], doc: 'log level' },
  idleTimeoutMinutes: { env: 'IDLE_TIMEOUT_MINUTES', kind: 'int', default: '30', min: 1, max: 1440, doc: 'a session ends after this many minutes without a request' },
  lockoutThreshold: { env: 'LOCKOUT_THRESHOLD', kind: 'int', default: '5', min: 1, max: 100, doc: 'failed logins in a row that lock an account' },
  lockoutMinutes: { env: 'LOCKOUT_MINUTES', kind: 'int', default: '15', min: 1, max: 1440, doc: 'how long a locked account stays locked' },
  loginRateLimit: { env: 'LOGIN_RATE_LIMIT', kind: 'int', default: '20', min: 1, max: 10000, doc: 'login attempts per address per minute' },
  inviteDays: { env: 'INVITE_DAYS', kind: 'int', default: '14', min: 1, max: 365, doc: 'days an invitation code stays valid' },
  cookieSecure: { env: 'COOKIE_SECURE', kind: 'bool', default: 'false', doc: 'mark cookies Secure (set true behind HTTPS)' },
  trustProxy: { env: 'TRUST_PROXY', kind: 'bool', default: 'false', doc: 'trust X-Forwarded-For from a reverse proxy' },
  uploadMaxMb: { env: 'UPLOAD_MAX_MB', kind: 'int', default: '10', min: 1, max: 200, doc: 'largest uploaded file, MB' },
  demoSeed: { env: 'DEMO_SEED', kind: 'int', default: '1', min: 0, max: 2147483647, doc: 'seed of the demo school generator' },
  demoStudents: { env: 'DEMO_STUDENTS', kind: 'int', default: '300', min: 10, max: 20000, doc: 'students in a generated demo school' },
  createDemo: { env: 'CREATE_DEMO', kind: 'bool', default: 'true', doc: 'create the demo school when there is no database yet' },
  backupDirs: { env: 'BACKUP_DIRS', kind: 'string', default: '', doc: 'backup folders, comma-separated (two media, two rooms); empty means DATA_DIR/backups and DATA_DIR/backups-2' },
  backupHours: { env: 'BACKUP_HOURS', kind: 'int', default: '12', min: 0, max: 168, doc: 'hours between automatic backups; 0 switches them off' },
  backupKeep: { env: 'BACKUP_KEEP', kind: 'int', default: '14', min: 1, max: 1000, doc: 'good backups kept per folder' },
  backupWarnHours: { env: 'BACKUP_WARN_HOURS', kind: 'int', default: '36', min: 1, max: 10000, doc: 'the admin is warned when the newest good backup is older than this' },
  pageCacheMb: { env: 'PAGE_CACHE_MB', kind: 'int', default: '24', min: 0, max: 1024, doc: 'memory for journal pages and diary weeks kept until their data changes, MB; 0 switches this off' },
  chromiumPath: { env: 'PUPPETEER_EXECUTABLE_PATH', kind: 'string', default: '/usr/bin/chromium', doc: 'browser used for PDFs (Debian chromium)' },
} as const satisfies Record<string, Setting>

type Key = keyof typeof SETTINGS
type ValueOf<K extends Key> = (typeof SETTINGS)[K]['kind'] extends 'int' ? number : (typeof SETTINGS)[K]['kind'] extends 'bool' ? boolean : string
export type Config = { [K in Key]: ValueOf<K> }

export class ConfigError extends Error { override name = 'ConfigError' }

function parseOne(key: string, s: Setting, raw: string): string | number | boolean {
  if (s.kind === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${s.env} must be an integer, got "${raw}"`)
    const n = Number(raw)
    if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
      throw new ConfigError(`${s.env} must be between ${s.min} and ${s.max}, got ${n}`)
    }
    return n
  }
  if (s.kind === 'bool') {
    const v = raw.trim().toLowerCase()
    if (['1', 'true', 'yes', 'on'].includes(v)) return true
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false
    throw new ConfigError(`${s.env} must be true or false, got "${raw}"`)
  }
  if (s.choices && !s.choices.includes(raw)) throw new ConfigError(`${s.env} must be one of ${s.choices.join(', ')}`)
  return raw
}

/** Reads the settings from an environment (process.env by default) plus explicit overrides (tests). */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {}
  for (const [key, s] of Object.entries(SETTINGS) as [string, Setting][]) {
    out[key] = parseOne(key, s, env[s.env] ?? s.default)
  }
  const cfg = { ...out, ...overrides } as Config
  if (!cfg.dbFile) cfg.dbFile = cfg.dbFile || path.join(cfg.dataDir, 'school.sqlite')
  if (cfg.sessionSecret && cfg.sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters')
  return cfg
}

/** The secret is kept in DATA_DIR so sessions survive a restart without the admin having to set one. */
export function ensureSessionSecret(cfg: Config): string {
  if (cfg.sessionSecret) return cfg.sessionSecret
  mkdirSync(cfg.dataDir, { recursive: true })
  const file = path.join(cfg.dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}
