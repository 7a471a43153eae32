// Reading the accounts area's query strings and forms into typed values.
import { ROLES, type Role } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { field, fields, toId, type Parsed } from '../../lib/forms.js'
import { ACCOUNT_FILTERS, type AccountFilter } from './accounts.rules.js'

export interface UserFilter { role: Role | ''; account: AccountFilter; q: string; page: number }

/** The list filter never fails: an unknown value is simply ignored. */
export function parseUserFilter(query: unknown): UserFilter {
  const role = field(query, 'role')
  const account = field(query, 'account')
  return {
    role: (ROLES as readonly string[]).includes(role) ? (role as Role) : '',
    account: (ACCOUNT_FILTERS as readonly string[]).includes(account) ? (account as AccountFilter) : '',
    q: field(query, 'q').slice(0, 100),
    page: toId(field(query, 'page')) ?? 1,
  }
}

export interface GenerateForm { personIds: number[] | null }

/**
 * «Для всех без учётной записи и без кода» (personIds null) or «для отмеченных». Ids that do not parse are kept
 * as 0 so that the route answers 404 for them rather than silently skipping.
 */
export function parseGenerateForm(body: unknown): Parsed<GenerateForm> {
  if (field(body, 'scope') !== 'ticked') return { ok: true, value: { personIds: null } }
  const ids = fields(body, 'person').map((s) => toId(s) ?? 0)
  if (!ids.length) return { ok: false, errors: { person: t('accounts.class.noneTicked') } }
  return { ok: true, value: { personIds: [...new Set(ids)] } }
}
