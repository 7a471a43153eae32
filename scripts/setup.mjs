// Installs what a fresh machine lacks before `npm start` / `npm test`: npm packages, and (as root) Debian's
// chromium and fonts for PDFs, plus poppler-utils for the PDF tests. Uses only Node's standard library.
import { execSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const forTests = process.argv.includes('--test')
const run = (cmd) => execSync(cmd, { stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } })

function needNpmInstall() {
  const marker = 'node_modules/.package-lock.json'
  if (!existsSync(marker)) return true
  return existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs
}

if (needNpmInstall()) {
  console.log('Устанавливаю пакеты npm…')
  run(existsSync('package-lock.json') ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund')
}

const debs = []
const browser = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium'
if (!existsSync(browser)) debs.push('chromium')
if (!existsSync('/usr/share/fonts/truetype/liberation')) debs.push('fonts-liberation')
if (forTests && !existsSync('/usr/bin/pdftotext')) debs.push('poppler-utils')
if (forTests && !existsSync('/usr/bin/openssl')) debs.push('openssl')
if (debs.length) {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    console.log(`Устанавливаю пакеты Debian: ${debs.join(' ')}…`)
    run('apt-get update -qq')
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${debs.join(' ')}`)
  } else {
    console.warn(`Не хватает пакетов Debian: ${debs.join(' ')}. Установите их (sudo apt-get install ${debs.join(' ')}): без них не будет PDF.`)
  }
}
