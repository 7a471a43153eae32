// Queries built and compiled by Kysely once, then run with new arguments only (R-NF-1). For the few reads that
// every request makes (its session, the current user, the unread count, the page cache's data versions),
// building and compiling cost several times the indexed read itself: 62 µs against 12 µs for the current user.
import { CompiledQuery, type Compilable } from 'kysely'
import type { DB } from './connection.js'

const ARG = '\u0000arg:'

/**
 * `build` is called once, with stand-ins for the arguments, and its SQL kept; every later call runs that SQL
 * with the arguments in the stand-ins' places. So each argument must be a plain value of the query (a
 * parameter): never used to decide the query's shape (no `in` with an array, no `if` on it). A shape that
 * loses an argument is refused at the first call.
 */
export function prepared<A extends (string | number)[], O>(build: (db: DB, ...args: A) => Compilable<O>) {
  let kept: { sql: string; fixed: readonly unknown[]; slots: (number | null)[] } | null = null
  return async (db: DB, ...args: A): Promise<O[]> => {
    if (!kept) {
      const standIns = args.map((_, i) => `${ARG}${i}`) as A
      const c = build(db, ...standIns).compile()
      const slots = c.parameters.map((p) => (typeof p === 'string' && p.startsWith(ARG) ? Number(p.slice(ARG.length)) : null))
      for (let i = 0; i < args.length; i++) {
        if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} is not a parameter of ${c.sql}`)
      }
      kept = { sql: c.sql, fixed: c.parameters, slots }
    }
    const k = kept
    const params = k.slots.map((s, i) => (s === null ? k.fixed[i] : args[s]))
    return (await db.executeQuery<O>(CompiledQuery.raw(k.sql, params))).rows
  }
}
