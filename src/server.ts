// Starts the server: settings, database (migrated; a demo school on first start), listen, clean shutdown.
import { existsSync, mkdirSync } from 'node:fs'
import { loadConfig, ensureSessionSecret, ConfigError } from './config.js'
import { openDatabase } from './db/connection.js'
import { migrateToLatest } from './db/migrate.js'
import { buildApp } from './app.js'
import { createDemoSchool, DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/demo.js'
import { startMailScheduler } from './features/digest/digest.job.js'
import { ensureDemoCertificate } from './features/integrity/integrity.service.js'
import { startBackupScheduler } from './features/archive/backups.job.js'
import { backupSettings } from './lib/backup.js'

async function main(): Promise<void> {
  // A .env file beside package.json, when present, fills settings the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env')
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Ошибка настройки: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  mkdirSync(config.dataDir, { recursive: true })
  const fresh = !existsSync(config.dbFile)
  const db = openDatabase(config.dbFile)
  await migrateToLatest(db)
  if (fresh && config.createDemo) {
    console.log(`Создаю демонстрационную школу (${config.demoStudents} учеников)…`)
    await createDemoSchool(db, { seed: config.demoSeed, students: config.demoStudents })
    // A self-signed certificate so that the demo's archived PDFs are signed; a school loads its own.
    await ensureDemoCertificate(db, config)
  }
  const secret = ensureSessionSecret(config)
  const app = await buildApp({ config, db, secret })
  // Background jobs live in the server process only (tests never start them): the weekly digest and mail retries.
  const stopMail = startMailScheduler(app)
  const stopBackups = startBackupScheduler(app, backupSettings(config))

  let closing = false
  const close = async (signal: string) => {
    // A second signal (Ctrl+C reaches both scripts/serve.mjs, which passes it on, and the server) changes nothing.
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    // A shutdown that hangs (a stuck PDF job, say) still ends.
    setTimeout(() => { app.log.error('shutdown took more than 15 s; exiting'); process.exit(1) }, 15_000).unref()
    await stopMail()
    await stopBackups()
    await app.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void close('SIGINT'))
  process.on('SIGTERM', () => void close('SIGTERM'))

  await app.listen({ port: config.port, host: config.host })
  if (config.createDemo) {
    console.log('\nДемонстрационные учётные записи (пароль для всех: ' + DEMO_PASSWORD + '):')
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.login.padEnd(10)} ${a.what}`)
  }
  console.log(`\nЖурнал работает: http://localhost:${config.port}/\n`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
