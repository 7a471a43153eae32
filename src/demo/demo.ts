// TEMPORARY placeholder: replaced by the demo generator.
import type { DB } from '../db/connection.js'
export const DEMO_PASSWORD = 'journal-demo'
export const DEMO_ACCOUNTS: { login: string; what: string }[] = []
export async function createDemoSchool(_db: DB, _opts: { seed: number; students: number }): Promise<void> {}
