// Pure rules of lesson files: which files are accepted, how names are kept and how a download is labelled
// (R-J-2: files attached to a lesson or its homework).
import { t } from '../../i18n/index.js'

export type Purpose = 'lesson' | 'homework'
export const PURPOSES: readonly Purpose[] = ['lesson', 'homework']

/**
 * Documents and images only, each with the type it is served as. The type comes from this table, never
 * from what the browser claimed, and every download is an attachment: nothing uploaded renders in a page.
 */
export const ALLOWED_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  txt: 'text/plain; charset=utf-8',
  rtf: 'application/rtf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
}

export const ALLOWED_LIST = Object.keys(ALLOWED_TYPES).join(', ')
const MAX_NAME = 200

/**
 * The name to keep: the last part of what the browser sent (old browsers send the whole path), without
 * control characters, at most 200 characters with its extension kept.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? ''
  const name = base.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  if (name.length <= MAX_NAME) return name
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : ''
  return name.slice(0, MAX_NAME - ext.length) + ext
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

export type UploadError = 'noFile' | 'empty' | 'badType' | 'badPurpose'

/** Checks an upload that arrived whole (the size limit is enforced while it is read). */
export function checkUpload(u: { name: string; size: number; purpose: string }):
  { ok: true; name: string; ext: string; mime: string; purpose: Purpose } | { ok: false; error: UploadError } {
  const name = cleanFileName(u.name)
  if (!name) return { ok: false, error: 'noFile' }
  if (!(PURPOSES as readonly string[]).includes(u.purpose)) return { ok: false, error: 'badPurpose' }
  const ext = extensionOf(name)
  const mime = Object.prototype.hasOwnProperty.call(ALLOWED_TYPES, ext) ? ALLOWED_TYPES[ext] : undefined
  if (!mime) return { ok: false, error: 'badType' }
  if (u.size === 0) return { ok: false, error: 'empty' }
  return { ok: true, name, ext, mime, purpose: u.purpose as Purpose }
}

/** `attachment` with the original name: an ASCII fallback for old browsers plus the exact UTF-8 name (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii || 'file'}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

/** «340 байт», «12 КБ», «1,5 МБ». */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return t('files.size.b', { n: bytes })
  if (bytes < 1024 * 1024) return t('files.size.kb', { n: Math.round(bytes / 1024) })
  return t('files.size.mb', { n: (bytes / 1048576).toFixed(1).replace('.', ',') })
}
