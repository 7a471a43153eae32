// Runs the whole suite with tap and ends with the plain line "N passed, N failed" that CI reads.
// Counts the tests at the first level inside each file, plus any file that failed before running a test.
import { spawn } from 'node:child_process'

const files = process.argv.slice(2)
const args = ['--reporter=tap', '--disable-coverage', '--timeout=300', '--jobs=2',
  ...(files.length ? files : ['dist/test/**/*.test.js'])]
const child = spawn('node_modules/.bin/tap', args, { stdio: ['ignore', 'pipe', 'inherit'] })

let passed = 0
let failed = 0
let childrenOfFile = 0
let buf = ''
function line(l) {
  if (/^ {4}ok \d+/.test(l)) { passed++; childrenOfFile++ }
  else if (/^ {4}not ok \d+/.test(l)) { failed++; childrenOfFile++ }
  else if (/^(not ok|ok) \d+/.test(l)) {
    if (l.startsWith('not ok') && childrenOfFile === 0) failed++
    childrenOfFile = 0
  }
}
child.stdout.on('data', (d) => {
  process.stdout.write(d)
  buf += d
  let i
  while ((i = buf.indexOf('\n')) >= 0) { line(buf.slice(0, i)); buf = buf.slice(i + 1) }
})
child.on('close', (code) => {
  if (buf) line(buf)
  if (code !== 0 && failed === 0) failed = 1
  console.log(`\n${passed} passed, ${failed} failed`)
  process.exit(failed > 0 ? 1 : 0)
})
