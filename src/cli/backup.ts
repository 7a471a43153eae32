// Command line: `npm run backup [-- --to DIR ...]` — a checked backup of the database now (R-ARC-6).
import { existsSync } from 'node:fs'
import { runBackupCommand } from '../features/archive/backup.cli.js'

// The same settings as the server: a .env file beside package.json fills what the environment does not set.
if (existsSync('.env')) process.loadEnvFile('.env')
runBackupCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
