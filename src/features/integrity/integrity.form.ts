// Forms of document integrity: the registry's filters and the certificate upload, each → a typed value or errors.
import { checkbox, field, toId, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { t } from '../../i18n/index.js'
import type { RegistryFilter } from './integrity.queries.js'
import { isDocumentKind, P12_MAX_BYTES } from './integrity.rules.js'

/** The registry's filters from the query string; anything unreadable simply filters nothing. */
export function parseRegistryFilter(query: unknown): { filter: RegistryFilter; input: Record<string, string> } {
  const kind = field(query, 'kind')
  const year = field(query, 'year')
  const q = field(query, 'q').slice(0, 100)
  const currentOnly = checkbox(query, 'current')
  const page = Math.min(toId(field(query, 'page')) ?? 1, 10_000)
  return {
    filter: { kind: isDocumentKind(kind) ? kind : null, yearId: toId(year), q, currentOnly, page },
    input: { kind: isDocumentKind(kind) ? kind : '', year: toId(year) ? year : '', q, current: currentOnly ? 'on' : '' },
  }
}

export interface KeyUpload { data: Buffer; passphrase: string }

/** The uploaded key file and its passphrase, before the file is opened with it. */
export function parseKeyUpload(u: { name: string; data: Buffer | null; passphrase: string }): Parsed<KeyUpload> {
  const errors: FieldErrors = {}
  if (!u.data || u.data.length === 0) errors.file = t('integrity.err.noFile')
  else if (!/\.(p12|pfx)$/i.test(u.name)) errors.file = t('integrity.err.notP12Name')
  else if (u.data.length > P12_MAX_BYTES) errors.file = t('integrity.err.fileTooBig')
  if (u.passphrase.length > 200) errors.passphrase = t('common.tooLong', { max: 200 })
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { data: u.data!, passphrase: u.passphrase } }
}
