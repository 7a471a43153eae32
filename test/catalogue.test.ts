// Every message key used by the code and the templates exists in the Russian catalogue (R-NF-4, STYLE 8).
import t from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { hasMessage, t as tr, plural } from '../src/i18n/index.js'
import { projectRoot } from '../src/lib/paths.js'

function walk(dir: string, exts: string[]): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    return statSync(p).isDirectory() ? walk(p, exts) : exts.some((e) => p.endsWith(e)) ? [p] : []
  })
}

t.test('every literal key passed to t() exists', async (t) => {
  const files = [...walk(path.join(projectRoot, 'src'), ['.ts']).filter((f) => !f.includes(`${path.sep}i18n${path.sep}`)), ...walk(path.join(projectRoot, 'views'), ['.eta'])]
  const missing: string[] = []
  let seen = 0
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    // A key ending in '.' is a prefix completed at run time (common.roles. + role): not checkable here.
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]*[a-zA-Z0-9_])'(?!\s*\+)/g)) {
      seen++
      if (!hasMessage(m[1])) missing.push(`${path.relative(projectRoot, f)}: ${m[1]}`)
    }
  }
  t.ok(seen > 50, `${seen} uses checked`)
  t.same(missing, [], 'no missing keys')
})

t.test('placeholders and plural forms', async (t) => {
  t.equal(tr('common.tooLong', { max: 40 }), 'Слишком длинное значение (не более 40 символов).')
  t.equal(tr('no.such.key'), 'no.such.key', 'an unknown key shows itself instead of crashing')
  const forms: [string, string, string] = ['урок', 'урока', 'уроков']
  const cases: [number, string][] = [[1, 'урок'], [2, 'урока'], [4, 'урока'], [5, 'уроков'], [11, 'уроков'], [12, 'уроков'], [21, 'урок'], [22, 'урока'], [111, 'уроков'], [0, 'уроков']]
  for (const [n, w] of cases) t.equal(plural(n, forms), w, `${n} ${w}`)
})
