// Command line: `node dist/src/cli/demo.js [--seed N] [--students N] [--file PATH] [--today YYYY-MM-DD] [--journal MODE] [--years N] [--force]`.
import { runDemoCommand } from '../demo/cli.js'

runDemoCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
