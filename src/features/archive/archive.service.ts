// Closing a year and verifying its archive: the checklist, the read-only switch, the archive written and checked,
// and the way back when anything fails (the year stays open and the reason is shown and recorded) (R-ARC-5);
// and the state of the backups for the admin (R-ARC-6).
import { existsSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import type { DB } from '../../db/connection.js'
import type { Actor } from '../../lib/audit.js'
import type { BackupSettings } from '../../lib/backup.js'
import { localDate, nowIso } from '../../lib/dates.js'
import * as q from './archive.queries.js'
import { ArchiveError, verifyFolder, writeArchive, type FolderCheck } from './archive.files.js'
import { closeChecklist, destinationState, keepUntil, ELECTRONIC_YEARS, PAPER_YEARS, type AttemptRow, type Checklist } from './archive.rules.js'

export async function checklistOf(db: DB, year: q.Year): Promise<Checklist> {
  return closeChecklist(await q.checklistData(db, year))
}

export type CloseOutcome =
  | { ok: true; folder: string; files: number }
  | { ok: false; reason: 'checklist'; checklist: Checklist }
  | { ok: false; reason: 'failed'; error: string }

/**
 * Closes the year when its checklist is green. The year is made read-only first, so that no mark can change between
 * the snapshot and the closing; then the archive is written and verified and recorded. If that fails, the year goes
 * back to its previous state and the outcome says why (also in the audit log).
 */
export async function closeYear(db: DB, o: { dataDir: string; dbFile: string; actor: Actor & { personId: number }; yearId: number }): Promise<CloseOutcome> {
  const year = await q.getYear(db, o.yearId)
  const checklist = await checklistOf(db, year)
  if (!checklist.ok) return { ok: false, reason: 'checklist', checklist }

  const before = await q.markClosed(db, o.actor, year.id)
  const closedAt = nowIso()
  const meta = {
    school: await q.schoolName(db),
    year: { id: year.id, name: year.name, starts_on: year.starts_on, ends_on: year.ends_on },
    closedAt, closedBy: await q.personName(db, o.actor.personId),
    electronicKeepUntil: keepUntil(year.ends_on, ELECTRONIC_YEARS), paperKeepUntil: keepUntil(year.ends_on, PAPER_YEARS),
  }
  let written: Awaited<ReturnType<typeof writeArchive>> | null = null
  try {
    written = await writeArchive({ dataDir: o.dataDir, dbFile: o.dbFile, meta, documents: await q.documentsOfYear(db, year.id) })
    await q.recordArchive(db, o.actor, {
      yearId: year.id, closedBy: o.actor.personId, closedAt, folder: written.folder, manifestSha256: written.manifestSha256,
      verifiedAt: nowIso(), electronicKeepUntil: meta.electronicKeepUntil, paperKeepUntil: meta.paperKeepUntil, files: written.files,
    })
    return { ok: true, folder: written.folder, files: written.files }
  } catch (e) {
    const error = e instanceof ArchiveError ? e.message : String((e as Error).message ?? e)
    // An archive that was written but could not be recorded belongs to no one: the next closing writes a new one.
    if (written) rmSync(written.folder, { recursive: true, force: true })
    await q.reopenAfterFailure(db, o.actor, year.id, before.status === 'draft' ? 'draft' : 'open', error)
    return { ok: false, reason: 'failed', error }
  }
}

/** Re-hashes a closed year's archive and records the result; null when the year has no archive. */
export async function verifyYearArchive(db: DB, actor: Actor, yearId: number): Promise<FolderCheck | null> {
  const y = await q.yearArchive(db, yearId)
  if (!y?.archive) return null
  const check = await verifyFolder(y.archive.folder, y.archive.manifestSha256)
  await q.recordVerification(db, actor, yearId, check)
  return check
}

export const today = () => localDate(new Date())

/**
 * The backups as the admin sees them: each configured destination's state (checked against the disk: is the copy
 * still there), the newest good copy anywhere, whether anything is red, and whether all folders share one disk.
 */
export async function backupOverview(db: DB, s: BackupSettings, now: Date) {
  const attempts = await q.attemptsOf(db, s.destinations)
  const exists = (a: AttemptRow) => a.file !== null && existsSync(path.join(a.destination, a.file))
  const states = s.destinations.map((d) => destinationState(d, attempts, exists, now, s.warnHours))
  const devices = new Set(s.destinations.filter((d) => existsSync(d)).map((d) => statSync(d).dev))
  const newest = states.map((x) => x.lastGood?.started_at).filter((x): x is string => !!x).sort().pop() ?? null
  return {
    states, exists, newest,
    warning: states.some((x) => x.warning !== null) || s.destinations.length < 2,
    sameDisk: s.destinations.length > 1 && devices.size === 1 && s.destinations.every((d) => existsSync(d)),
  }
}

