// The school's signing key (R-ARC-4): installing an uploaded PKCS#12 file or a self-signed one, and opening the
// installed one to sign with. Key files live in DATA_DIR/keys (0600); the settings table names the current one.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { DB } from '../../db/connection.js'
import type { Config } from '../../config.js'
import { SYSTEM, type Actor } from '../../lib/audit.js'
import { t } from '../../i18n/index.js'
import { makeSelfSignedP12, readP12, SigningError, type SigningKey } from '../../print/signing.js'
import { installSigningKey, schoolNameSetting, signingSettings, type CertificateFacts } from './integrity.queries.js'

export function keysDir(dataDir: string): string {
  return path.join(dataDir, 'keys')
}

export type InstalledKey =
  | { ok: true; key: SigningKey; file: string }
  | { ok: false; file: string; problem: 'missing' | SigningError['code'] }

/** The installed key, opened; null when the school has none. A key that no longer opens is reported, not thrown. */
export async function currentSigningKey(db: DB, dataDir: string): Promise<InstalledKey | null> {
  const s = await signingSettings(db)
  if (!s) return null
  const file = path.join(keysDir(dataDir), path.basename(s.file))
  if (!existsSync(file)) return { ok: false, file: s.file, problem: 'missing' }
  try {
    return { ok: true, key: readP12(readFileSync(file), s.passphrase), file: s.file }
  } catch (e) {
    if (e instanceof SigningError) return { ok: false, file: s.file, problem: e.code }
    throw e
  }
}

function facts(file: string, k: SigningKey): CertificateFacts {
  return { file, subject: k.subject, fingerprint: k.fingerprint, validTo: k.validTo }
}

/** Checks the file opens with the passphrase (SigningError otherwise), stores it and makes it current. */
export async function installKey(db: DB, actor: Actor, dataDir: string, p12: Buffer, passphrase: string, how: 'upload' | 'self_signed'): Promise<SigningKey> {
  const key = readP12(p12, passphrase)
  const before = await currentSigningKey(db, dataDir)
  const dir = keysDir(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // Named by the certificate, so that an earlier key is never overwritten (older signatures stay explainable).
  const file = `signing-${key.fingerprint.replace(/:/g, '').slice(0, 16).toLowerCase()}.p12`
  writeFileSync(path.join(dir, file), p12, { mode: 0o600 })
  chmodSync(path.join(dir, file), 0o600)
  await installSigningKey(db, actor, { file, passphrase }, facts(file, key), before?.ok ? facts(before.file, before.key) : null, how)
  return key
}

/** A self-signed certificate in the school's name, for the demo or to try signing before a real one arrives. */
export async function installSelfSigned(db: DB, actor: Actor, dataDir: string): Promise<SigningKey> {
  const school = await schoolNameSetting(db)
  const name = school.name || t('common.appName')
  const passphrase = randomBytes(18).toString('base64url')
  const p12 = makeSelfSignedP12({ commonName: school.shortName || name, organization: name, unit: t('integrity.cert.selfSignedUnit') }, passphrase)
  return installKey(db, actor, dataDir, p12, passphrase, 'self_signed')
}

/** For src/server.ts on a demo start: the demo school signs its documents with a self-signed certificate. */
export async function ensureDemoCertificate(db: DB, config: Pick<Config, 'dataDir'>): Promise<void> {
  if (await signingSettings(db)) return
  await installSelfSigned(db, SYSTEM, config.dataDir)
}
