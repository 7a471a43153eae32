// Command line: `npm run restore -- --from FILE [--to DBFILE] [--force]` — a checked backup in place of the database,
// only while the server is stopped; the replaced file is kept beside it (R-ARC-6).
import { existsSync } from 'node:fs'
import { runRestoreCommand } from '../features/archive/backup.cli.js'

if (existsSync('.env')) process.loadEnvFile('.env')
runRestoreCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
