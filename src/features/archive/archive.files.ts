// The archive folder of a closed year on disk: the issued PDFs, a snapshot of the database, manifest.json and
// MANIFEST.sha256 (readable by `sha256sum -c`); written into a temporary folder, verified, then renamed (R-ARC-5).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { t } from '../../i18n/index.js'
import { backupErrorText, sha256File, snapshotDatabase } from '../../lib/backup.js'
import { archiveFolderName, formatSums, parseSums } from './archive.rules.js'

/** The archive cannot be written; the message says why, in words for the deputy. */
export class ArchiveError extends Error {}

export const MANIFEST_JSON = 'manifest.json'
export const MANIFEST_SUMS = 'MANIFEST.sha256'
export const SNAPSHOT = 'database.sqlite'
export const README = 'README.txt'

export interface ArchiveDocument {
  id: number; number: string; kind: string; title: string; subject_key: string; issued_at: string
  stored_name: string | null; sha256: string | null; pages: number | null; signed: number; superseded_by: number | null
}

export interface ArchiveMeta {
  school: string
  year: { id: number; name: string; starts_on: string; ends_on: string }
  closedAt: string
  closedBy: string
  electronicKeepUntil: string
  paperKeepUntil: string
}

export interface ManifestFile { path: string; sha256: string; bytes: number; what: 'document' | 'database' | 'readme'; document?: Record<string, unknown> }

export const sha256Of = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/**
 * Writes the archive of a year under DATA_DIR/archive/<year>/ and verifies it. A missing or altered PDF, a failed
 * snapshot or a full disk throws ArchiveError and leaves nothing behind but what was there before.
 */
export async function writeArchive(o: { dataDir: string; dbFile: string; meta: ArchiveMeta; documents: ArchiveDocument[] }):
  Promise<{ folder: string; manifestSha256: string; files: number }> {
  const root = path.join(o.dataDir, 'archive')
  const name = archiveFolderName(o.meta.year.name)
  const temp = path.join(root, `.${name}.partial-${process.pid}-${Date.now()}`)
  try {
    mkdirSync(path.join(temp, 'documents'), { recursive: true })
    const files: ManifestFile[] = []

    for (const d of o.documents) {
      const source = path.join(o.dataDir, 'documents', d.stored_name ?? '')
      if (!d.stored_name || !existsSync(source)) throw new ArchiveError(t('archive.close.errors.missingPdf', { number: d.number, title: d.title }))
      const rel = `documents/${d.stored_name}`
      copyFileSync(source, path.join(temp, rel))
      const sha256 = await sha256File(path.join(temp, rel))
      // The copy must be the document as issued: the registry holds its hash since the day it was printed.
      if (d.sha256 && sha256 !== d.sha256) throw new ArchiveError(t('archive.close.errors.changedPdf', { number: d.number, title: d.title }))
      files.push({
        path: rel, sha256, bytes: statSync(path.join(temp, rel)).size, what: 'document',
        document: { number: d.number, kind: d.kind, title: d.title, subject: d.subject_key, issued_at: d.issued_at, pages: d.pages, signed: d.signed === 1, current: d.superseded_by === null },
      })
    }

    try {
      const snap = await snapshotDatabase(o.dbFile, path.join(temp, SNAPSHOT))
      files.push({ path: SNAPSHOT, sha256: snap.sha256, bytes: snap.bytes, what: 'database' })
    } catch (e) {
      throw new ArchiveError(t('archive.close.errors.snapshot', { reason: backupErrorText(e, root) }))
    }

    const readme = t('archive.readme', {
      school: o.meta.school || '—', year: o.meta.year.name, closedAt: o.meta.closedAt.slice(0, 10), closedBy: o.meta.closedBy,
      electronic: o.meta.electronicKeepUntil, paper: o.meta.paperKeepUntil, documents: o.documents.length,
    }) + '\n'
    writeFileSync(path.join(temp, README), readme)
    files.push({ path: README, sha256: sha256Of(readme), bytes: Buffer.byteLength(readme), what: 'readme' })

    const manifest = JSON.stringify({ format: 'school-journal-archive/1', ...o.meta, files }, null, 2) + '\n'
    writeFileSync(path.join(temp, MANIFEST_JSON), manifest)
    const sums = formatSums([...files, { path: MANIFEST_JSON, sha256: sha256Of(manifest) }])
    writeFileSync(path.join(temp, MANIFEST_SUMS), sums)
    const manifestSha256 = sha256Of(sums)

    // Read back from the disk before it counts: what was written is what was meant.
    const check = await verifyFolder(temp, manifestSha256)
    if (!check.ok) throw new ArchiveError(t('archive.close.errors.verify', { files: check.problems.map((p) => p.path).join(', ') }))

    let folder = path.join(root, name)
    for (let i = 2; existsSync(folder); i++) folder = path.join(root, `${name} (${i})`)
    renameSync(temp, folder)
    return { folder, manifestSha256, files: files.length + 1 }
  } catch (e) {
    rmSync(temp, { recursive: true, force: true })
    if (e instanceof ArchiveError) throw e
    throw new ArchiveError(t('archive.close.errors.write', { reason: backupErrorText(e, root) }))
  }
}

export type Problem = 'changed' | 'missing' | 'extra' | 'unreadable'
export interface FolderCheck { ok: boolean; checked: number; problems: { path: string; problem: Problem }[] }

function walk(dir: string, base = ''): string[] {
  return readdirSync(dir).flatMap((f) => {
    const rel = base ? `${base}/${f}` : f
    return statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f), rel) : [rel]
  })
}

/**
 * Re-hashes every file of an archive folder against MANIFEST.sha256, and the list itself against the hash recorded
 * when the year was closed. Reports changed, missing and extra files (an extra file is not part of the archive).
 */
export async function verifyFolder(folder: string, manifestSha256: string): Promise<FolderCheck> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return { ok: false, checked: 0, problems: [{ path: folder, problem: 'missing' }] }
  const sumsFile = path.join(folder, MANIFEST_SUMS)
  if (!existsSync(sumsFile)) return { ok: false, checked: 0, problems: [{ path: MANIFEST_SUMS, problem: 'missing' }] }
  const text = readFileSync(sumsFile, 'utf8')
  const problems: FolderCheck['problems'] = []
  if (sha256Of(text) !== manifestSha256) problems.push({ path: MANIFEST_SUMS, problem: 'changed' })
  const entries = parseSums(text)
  if (!entries) return { ok: false, checked: 0, problems: [...problems, { path: MANIFEST_SUMS, problem: 'unreadable' }] }
  let checked = 0
  for (const e of entries) {
    const file = path.join(folder, e.path)
    if (!existsSync(file)) { problems.push({ path: e.path, problem: 'missing' }); continue }
    checked++
    if ((await sha256File(file)) !== e.sha256) problems.push({ path: e.path, problem: 'changed' })
  }
  const listed = new Set([MANIFEST_SUMS, ...entries.map((e) => e.path)])
  for (const f of walk(folder)) if (!listed.has(f)) problems.push({ path: f, problem: 'extra' })
  return { ok: problems.length === 0, checked, problems }
}

/** The files listed in manifest.json, for the archive's page; null when it cannot be read. */
export function readManifest(folder: string): { files: ManifestFile[] } | null {
  try {
    const m = JSON.parse(readFileSync(path.join(folder, MANIFEST_JSON), 'utf8')) as { files?: ManifestFile[] }
    return Array.isArray(m.files) ? { files: m.files } : null
  } catch {
    return null
  }
}
