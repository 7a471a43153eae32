// The message catalogue: every user-facing string is looked up here by key (Russian now; Kazakh to follow).
import { ru } from './ru/index.js'

type Tree = { [k: string]: string | Tree }
export type Params = Record<string, string | number>

const catalogues: Record<string, Tree> = { ru }
const flat = new Map<string, Map<string, string>>()

function flatten(tree: Tree, prefix: string, out: Map<string, string>): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else flatten(v, key, out)
  }
  return out
}
for (const [lang, tree] of Object.entries(catalogues)) flat.set(lang, flatten(tree, '', new Map()))

export function hasMessage(key: string, lang = 'ru'): boolean {
  return flat.get(lang)?.has(key) ?? false
}

export function allKeys(lang = 'ru'): string[] {
  return [...(flat.get(lang)?.keys() ?? [])]
}

/** t('auth.login.title'), t('x.y', { n: 3 }) with {n} placeholders. An unknown key shows itself, never crashes. */
export function t(key: string, params?: Params, lang = 'ru'): string {
  const msg = flat.get(lang)?.get(key) ?? key
  if (!params) return msg
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

/** Russian plural form: plural(5, ['урок', 'урока', 'уроков']). */
export function plural(n: number, forms: [string, string, string]): string {
  const a = Math.abs(n) % 100
  const b = a % 10
  if (a > 10 && a < 20) return forms[2]
  if (b > 1 && b < 5) return forms[1]
  if (b === 1) return forms[0]
  return forms[2]
}
