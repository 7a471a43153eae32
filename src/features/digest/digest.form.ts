// Form posts of the digest area → typed values or Russian field errors (nothing here touches the database).
import { t } from '../../i18n/index.js'
import { checkbox, field, type FieldErrors, type Parsed } from '../../lib/forms.js'
import { validEmail, validFrom, validHost, validSiteUrl, EMAIL_MAX } from './digest.rules.js'

export function parseEmailForm(body: unknown): Parsed<{ email: string }> {
  const email = field(body, 'email').toLowerCase()
  if (!email) return { ok: false, errors: { email: t('digest.err.emailRequired') } }
  if (!validEmail(email)) return { ok: false, errors: { email: t('digest.err.email', { max: EMAIL_MAX }) } }
  return { ok: true, value: { email } }
}

export interface MailSettingsValue {
  host: string
  port: number | null
  secure: boolean
  user: string
  /** null: keep the stored password (the field was left blank); '' with clearPassword: remove it. */
  password: string | null
  clearPassword: boolean
  from: string
  siteUrl: string
}

/** SMTP settings: all optional while the host is empty (letters then go to the outbox folder). */
export function parseMailSettingsForm(body: unknown): Parsed<MailSettingsValue> {
  const errors: FieldErrors = {}
  const host = field(body, 'smtp_host')
  if (host && !validHost(host)) errors.smtp_host = t('digest.err.host')
  const rawPort = field(body, 'smtp_port')
  let port: number | null = null
  if (rawPort) {
    port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : null
    if (port === null || port < 1 || port > 65535) errors.smtp_port = t('digest.err.port')
  }
  const user = field(body, 'smtp_user')
  if (user.length > 200) errors.smtp_user = t('common.tooLong', { max: 200 })
  // Passwords may begin or end with spaces: read the raw value, not the trimmed one.
  const rawPassword = (body as Record<string, unknown> | undefined)?.smtp_password
  const password = typeof rawPassword === 'string' && rawPassword !== '' ? rawPassword : null
  if (password && password.length > 200) errors.smtp_password = t('common.tooLong', { max: 200 })
  const from = field(body, 'smtp_from')
  if (from && !validFrom(from)) errors.smtp_from = t('digest.err.from')
  else if (!from && host) errors.smtp_from = t('digest.err.fromRequired')
  const siteUrl = field(body, 'site_url').replace(/\/+$/, '')
  if (siteUrl && !validSiteUrl(siteUrl)) errors.site_url = t('digest.err.siteUrl')
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { host, port, secure: checkbox(body, 'smtp_secure'), user, password, clearPassword: checkbox(body, 'clear_password'), from, siteUrl } }
}

/** The test letter's address. */
export function parseTestForm(body: unknown): Parsed<{ to: string }> {
  const p = parseEmailForm({ email: field(body, 'to') })
  return p.ok ? { ok: true, value: { to: p.value.email } } : { ok: false, errors: { to: p.errors.email } }
}
