// Command line: `node dist/src/cli/digest.js [--week YYYY-MM-DD] [--file DB]` — the weekly digest, sent by hand.
import { existsSync } from 'node:fs'
import { runDigestCommand } from '../features/digest/digest.cli.js'

// Like the server, a .env file beside package.json fills settings the environment does not set (DATA_DIR, DB_FILE).
if (existsSync('.env')) process.loadEnvFile('.env')
runDigestCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
