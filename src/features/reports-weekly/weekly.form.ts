// The query string of the weekly report pages: class, week, whose pages, and the one student (R-ARC-1).
import { t } from '../../i18n/index.js'
import { field, toId, type Parsed } from '../../lib/forms.js'
import { parseWho, type Who } from './weekly.rules.js'

export interface Selection { who: Who; studentId: number | null }

/**
 * Whose pages to print. An absent «who» is left to the caller's default (null); a «student» choice needs a
 * student id. Which ids are in the class is the caller's check (an id from elsewhere answers 404).
 */
export function parseSelection(query: unknown): Parsed<Selection | null> {
  const raw = field(query, 'who')
  if (raw === '') return { ok: true, value: null }
  const who = parseWho(raw)
  if (!who) return { ok: false, errors: { who: t('weekly.errors.who') } }
  const studentId = toId(field(query, 'student'))
  if (who === 'student' && studentId === null) return { ok: false, errors: { student: t('weekly.errors.who') } }
  return { ok: true, value: { who, studentId: who === 'student' ? studentId : null } }
}
