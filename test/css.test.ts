// The stylesheets use nothing that the old office PCs' browsers lack (R-NF-1), and pages carry no scripts.
import t from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../src/lib/paths.js'

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

// Features missing in IE11 / early Chromium-based office browsers.
const FORBIDDEN: [RegExp, string][] = [
  [/var\(--/, 'CSS custom properties'],
  [/display:\s*grid/, 'CSS grid'],
  [/:has\(/, ':has()'],
  [/:is\(|:where\(/, ':is()/:where()'],
  [/\bclamp\(/, 'clamp()'],
  [/@container/, 'container queries'],
  [/aspect-ratio/, 'aspect-ratio'],
  [/\binset:/, 'inset shorthand'],
  [/\bgap:/, 'gap (flex gap is not in old browsers)'],
  [/&\s*[.:#\[]/, 'CSS nesting'],
]

t.test('stylesheets avoid modern-only CSS', async (t) => {
  const files = walk(path.join(projectRoot, 'public'), '.css')
  t.ok(files.length >= 1)
  for (const f of files) {
    const css = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
    for (const [re, what] of FORBIDDEN) t.notOk(re.test(css), `${path.basename(f)}: no ${what}`)
  }
})

t.test('templates carry no <script>: every page works with JavaScript off', async (t) => {
  const files = walk(path.join(projectRoot, 'views'), '.eta')
  t.ok(files.length >= 5)
  const withScript = files.filter((f) => /<script/i.test(readFileSync(f, 'utf8')))
  t.same(withScript.map((f) => path.relative(projectRoot, f)), [])
})
