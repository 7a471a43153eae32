// The menu shows only what the person may use: one table of entries with the roles that reach them.
import { t } from '../i18n/index.js'
import { hasAccess, type Access } from './auth.js'
import type { CurrentUser } from '../features/auth/auth.queries.js'

export interface MenuItem { href: string; label: string; current: boolean; badge?: number }

// Later areas add their entries here. A class teacher's tools (codes, absences, groups, import) are
// reached from «Мой класс», so that the menu stays one line on an office PC's screen.
export const MENU: { href: string; key: string; roles: Access[] }[] = [
  { href: '/', key: 'common.menu.home', roles: ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk', 'student', 'parent'] },
  { href: '/diary', key: 'common.menu.diary', roles: ['student', 'parent'] },
  { href: '/messages', key: 'common.menu.messages', roles: ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk', 'student', 'parent'] },
  { href: '/journal', key: 'common.menu.journal', roles: ['teacher', 'classTeacher', 'admin', 'director', 'deputy'] },
  { href: '/timetable', key: 'common.menu.timetable', roles: ['scheduler', 'teacher', 'admin', 'director', 'deputy'] },
  { href: '/finals', key: 'common.menu.finals', roles: ['teacher', 'classTeacher', 'admin', 'director', 'deputy'] },
  { href: '/plan', key: 'common.menu.plan', roles: ['teacher'] },
  { href: '/journal/approvals', key: 'common.menu.approvals', roles: ['deputy'] },
  { href: '/finals/corrections', key: 'common.menu.corrections', roles: ['deputy', 'director'] },
  { href: '/my-class', key: 'common.menu.myClass', roles: ['classTeacher'] },
  { href: '/reports', key: 'common.menu.reports', roles: ['admin', 'director', 'deputy', 'teacher', 'classTeacher'] },
  { href: '/students', key: 'common.menu.students', roles: ['clerk'] },
  { href: '/manage', key: 'common.menu.manage', roles: ['admin', 'director', 'deputy', 'scheduler', 'clerk'] },
]

// The administration's pages, as tiles on /manage: one menu entry instead of ten keeps the bar on one line.
export const MANAGE: { href: string; key: string; roles: Access[] }[] = [
  { href: '/school', key: 'common.menu.school', roles: ['admin', 'director', 'deputy', 'scheduler', 'clerk'] },
  { href: '/students', key: 'common.menu.students', roles: ['admin', 'director', 'deputy', 'clerk'] },
  { href: '/staff', key: 'common.menu.staff', roles: ['admin', 'director', 'deputy', 'clerk'] },
  { href: '/import', key: 'common.menu.import', roles: ['clerk', 'admin'] },
  { href: '/admin/users', key: 'common.menu.users', roles: ['admin'] },
  { href: '/summary', key: 'common.menu.summary', roles: ['admin', 'deputy', 'director'] },
  { href: '/my-class/weekly', key: 'common.menu.weekly', roles: ['admin', 'deputy', 'director'] },
  { href: '/documents', key: 'common.menu.documents', roles: ['admin', 'deputy', 'director'] },
  { href: '/archive', key: 'archive.menu.archive', roles: ['deputy', 'director', 'admin'] },
  { href: '/admin/backups', key: 'archive.menu.backups', roles: ['admin', 'director', 'deputy'] },
  { href: '/my-class/absences', key: 'common.menu.absences', roles: ['admin', 'director', 'deputy'] },
  { href: '/announcements', key: 'common.menu.announcements', roles: ['admin', 'director', 'deputy'] },
  { href: '/settings/journal', key: 'common.menu.journalSettings', roles: ['admin', 'deputy'] },
  { href: '/settings/mail', key: 'common.menu.mail', roles: ['admin'] },
  { href: '/settings/signing', key: 'common.menu.signing', roles: ['admin'] },
  { href: '/audit', key: 'common.menu.audit', roles: ['admin', 'deputy', 'director'] },
]

export function manageFor(user: CurrentUser): { href: string; label: string }[] {
  return MANAGE.filter((m) => hasAccess(user, ...m.roles)).map((m) => ({ href: m.href, label: t(m.key) }))
}

function currentHref(path: string, user: CurrentUser): string | null {
  let best: string | null = null
  for (const m of MENU) {
    if (!hasAccess(user, ...m.roles)) continue
    const hit = m.href === '/' ? path === '/' : path === m.href || path.startsWith(m.href + '/')
    if (hit && (!best || m.href.length > best.length)) best = m.href
  }
  // A page reached from the /manage tiles highlights «Управление».
  if ((best === null || best === '/') && MANAGE.some((m) => path === m.href || path.startsWith(m.href + '/'))) return '/manage'
  return best
}

export function menuFor(user: CurrentUser | null, url: string, unread = 0): MenuItem[] {
  if (!user) return []
  const path = url.split('?')[0]
  return MENU.filter((m) => hasAccess(user, ...m.roles)).map((m) => ({
    href: m.href,
    label: t(m.key),
    // The longest matching entry is the current one (/my-class/codes, not /my-class).
    current: m.href === currentHref(path, user),
    badge: m.href === '/messages' && unread > 0 ? unread : undefined,
  }))
}
