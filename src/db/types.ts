// The typed shape of every table: Generated<> for columns the database fills, | null for nullable ones.
import type { Generated } from 'kysely'

export type Role = 'admin' | 'director' | 'deputy' | 'scheduler' | 'teacher' | 'clerk' | 'student' | 'parent'
export const ROLES: readonly Role[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk', 'student', 'parent']
export type PeriodScheme = 'quarter' | 'trimester' | 'half'
export type Channel = 'diary' | 'paper' | 'email'
export type Consent = 'unknown' | 'given' | 'refused'
export type StudyForm = 'regular' | 'individual' | 'home'

export interface SchoolSettingsTable { key: string; value: string }

export interface PersonsTable {
  id: Generated<number>
  last_name: string
  first_name: string
  middle_name: Generated<string>
  birth_date: string | null
  email: string | null
  phone: string | null
  hide_contacts: Generated<number>
  created_at: string
}

export interface PersonRolesTable { person_id: number; role: Role }

export interface UsersTable {
  id: Generated<number>
  person_id: number
  login: string
  password_hash: string
  failed_logins: Generated<number>
  locked_until: string | null
  disabled_at: string | null
  last_login_at: string | null
  created_at: string
  password_changed_at: string
}

export interface SessionsTable {
  sid: string
  user_id: number | null
  data: string
  expires_at: string
  created_at: string
}

export interface InvitationsTable {
  id: Generated<number>
  code: string
  person_id: number
  purpose: 'register' | 'reset'
  created_by: number | null
  created_at: string
  expires_at: string
  used_at: string | null
  revoked_at: string | null
}

export interface AuditLogTable {
  id: Generated<number>
  at: string
  actor_user_id: number | null
  action: string
  entity: string
  entity_id: string | null
  before: string | null
  after: string | null
  ip: string | null
}

export interface AcademicYearsTable {
  id: Generated<number>
  name: string
  starts_on: string
  ends_on: string
  status: Generated<'draft' | 'open' | 'closed'>
  adaptation_ends_on: string | null
}

export interface GradeBandsTable {
  id: Generated<number>
  year_id: number
  grade_from: number
  grade_to: number
  scheme: PeriodScheme
}

export interface PeriodsTable {
  id: Generated<number>
  year_id: number
  scheme: PeriodScheme
  number: number
  starts_on: string
  ends_on: string
}

export interface HolidaysTable {
  id: Generated<number>
  year_id: number
  name: string
  starts_on: string
  ends_on: string
  grade_from: Generated<number>
  grade_to: Generated<number>
}

export interface SubjectsTable {
  id: Generated<number>
  name: string
  short_name: string
  is_pe: Generated<number>
  sort_order: Generated<number>
}

export interface ClassesTable {
  id: Generated<number>
  year_id: number
  grade: number
  letter: string
  class_teacher_id: number | null
}

export interface GroupsTable {
  id: Generated<number>
  year_id: number
  name: string
  kind: 'subgroup' | 'cross' | 'individual'
  class_id: number | null
  subject_id: number
  grade: number
}

export interface CurriculumTable {
  id: Generated<number>
  class_id: number
  subject_id: number
  hours_per_week: number
}

export interface WorkloadTable {
  id: Generated<number>
  teacher_id: number
  subject_id: number
  class_id: number | null
  group_id: number | null
}

export interface StudentsTable {
  person_id: number
  study_form: Generated<StudyForm>
  pe_exempt_until: string | null
  channel: Generated<Channel>
}

export interface ParentsTable {
  person_id: number
  consent: Generated<Consent>
  consent_on: string | null
}

export interface ParentLinksTable { parent_id: number; student_id: number; relation: Generated<string> }

export interface EnrollmentsTable {
  id: Generated<number>
  student_id: number
  class_id: number
  from_date: string
  to_date: string | null
  reason_in: 'initial' | 'arrival' | 'transfer' | 'promotion'
  reason_out: 'departure' | 'transfer' | 'graduation' | 'promotion' | null
  note: Generated<string>
}

export interface GroupMembersTable { group_id: number; student_id: number; from_date: string; to_date: string | null }

export interface BellsTable { year_id: number; number: number; starts_at: string; ends_at: string }

export interface TimetableSlotsTable {
  id: Generated<number>
  year_id: number
  class_id: number | null
  group_id: number | null
  subject_id: number
  teacher_id: number
  weekday: number
  lesson_number: number
  valid_from: string
  valid_to: string | null
  room: Generated<string>
}

export type LessonStatus = 'scheduled' | 'cancelled' | 'moved'
export interface LessonsTable {
  id: Generated<number>
  year_id: number
  slot_id: number | null
  class_id: number | null
  group_id: number | null
  subject_id: number
  teacher_id: number
  date: string
  lesson_number: number
  status: Generated<LessonStatus>
  origin: Generated<'timetable' | 'extra' | 'transfer'>
  moved_to_id: number | null
  substitute_id: number | null
  change_note: Generated<string>
  plan_topic_id: number | null
  topic: Generated<string>
  homework: Generated<string>
  distance: Generated<number>
  distance_order: Generated<string>
  extracurricular: Generated<number>
  topic_entered_at: string | null
  homework_entered_at: string | null
  entered_by: number | null
}

export interface WorkKindsTable {
  id: Generated<number>
  name: string
  short_name: string
  weight: Generated<number>
  deadline: Generated<string>
  is_control: Generated<number>
  sort_order: Generated<number>
}

export interface LessonColumnsTable { lesson_id: number; column_no: number; work_kind_id: number }

export interface MarksTable {
  lesson_id: number
  student_id: number
  column_no: number
  value: string
  entered_at: string
  entered_by: number
  late_approval_id: number | null
}

export type AbsenceReason = 'illness' | 'valid' | 'invalid'
export interface AbsencesTable {
  lesson_id: number
  student_id: number
  reason: AbsenceReason | null
  entered_at: string
  entered_by: number
  reason_set_at: string | null
  reason_set_by: number | null
}

export interface MarkHistoryTable {
  id: Generated<number>
  lesson_id: number
  student_id: number
  /** 0 for the absence «н», 1.. for mark columns. */
  column_no: number
  old_value: string | null
  new_value: string | null
  at: string
  by: number
  reason: Generated<string>
}

export interface HomeworkIndividualTable { lesson_id: number; student_id: number; text: string; entered_at: string }

export interface AttachmentsTable {
  id: Generated<number>
  lesson_id: number
  purpose: 'lesson' | 'homework'
  file_name: string
  stored_name: string
  mime: string
  size: number
  sha256: string
  uploaded_by: number
  uploaded_at: string
  removed_at: string | null
}

export interface PlanTopicsTable {
  id: Generated<number>
  year_id: number
  subject_id: number
  grade: number
  number: number
  title: string
  hours: Generated<number>
}

export interface LateApprovalsTable {
  id: Generated<number>
  lesson_id: number
  requested_by: number
  requested_at: string
  reason: string
  status: Generated<'pending' | 'approved' | 'refused' | 'used'>
  decided_by: number | null
  decided_at: string | null
  valid_until: string | null
}

export type FinalKind = 'period' | 'attestation' | 'year' | 'exam' | 'final'
export interface FinalMarksTable {
  id: Generated<number>
  year_id: number
  student_id: number
  subject_id: number
  kind: FinalKind
  period_id: number | null
  value: string
  proposed: string | null
  set_by: number
  set_at: string
  locked: Generated<number>
}

export interface FinalCorrectionsTable {
  id: Generated<number>
  final_mark_id: number
  old_value: string
  new_value: string
  requested_by: number
  requested_at: string
  explanation: string
  approver_role: 'deputy' | 'director'
  status: Generated<'pending' | 'approved' | 'refused'>
  decided_by: number | null
  decided_at: string | null
  order_number: Generated<string>
  decision_note: Generated<string>
}

export interface AcknowledgementsTable { student_id: number; person_id: number; week: string; at: string }

export interface ThreadsTable {
  id: Generated<number>
  subject: string
  created_by: number
  created_at: string
  last_message_at: string
  about_student_id: number | null
}

export interface ThreadParticipantsTable { thread_id: number; person_id: number; last_read_at: string | null }

export interface MessagesTable { id: Generated<number>; thread_id: number; sender_id: number; body: string; created_at: string }

export interface AnnouncementsTable {
  id: Generated<number>
  author_id: number
  scope: 'school' | 'grade' | 'class'
  grade: number | null
  class_id: number | null
  title: string
  body: string
  created_at: string
  visible_until: string | null
  withdrawn_at: string | null
}

export interface DigestSubscriptionsTable {
  id: Generated<number>
  parent_id: number
  student_id: number
  email: string
  token: string
  created_at: string
  unsubscribed_at: string | null
  last_sent_week: string | null
}

export interface MailLogTable {
  id: Generated<number>
  kind: string
  to_address: string
  subject: string
  body_text: string
  body_html: string | null
  ref: string | null
  status: Generated<'pending' | 'sent' | 'outbox' | 'failed'>
  attempts: Generated<number>
  last_error: string | null
  created_at: string
  next_attempt_at: string | null
  sent_at: string | null
  outbox_file: string | null
}

export type DocumentKind = 'weekly_report' | 'summary_sheet' | 'year_journal' | 'breach_act' | 'report' | 'archive_manifest' | 'slips'
export interface DocumentsTable {
  id: Generated<number>
  number: string
  code: string
  kind: DocumentKind
  title: string
  subject_key: string
  year_id: number | null
  issued_by: number | null
  issued_at: string
  pages: number | null
  sha256: string | null
  stored_name: string | null
  signed: Generated<number>
  superseded_by: number | null
}

export type PromotionDecision = 'promoted' | 'conditional' | 'retained' | 'graduated'
export interface PromotionDecisionsTable {
  year_id: number
  student_id: number
  decision: PromotionDecision
  council_date: string
  protocol_number: string
  set_by: number
  set_at: string
}

export interface YearArchivesTable {
  year_id: number
  closed_by: number
  closed_at: string
  folder: string
  manifest_sha256: string
  verified_at: string | null
  electronic_keep_until: string
  paper_keep_until: string
}

export interface BackupsTable {
  id: Generated<number>
  destination: string
  file: string | null
  started_at: string
  finished_at: string | null
  bytes: number | null
  sha256: string | null
  status: 'running' | 'ok' | 'failed'
  error: string | null
}

/** Bumped by triggers on every write to the school's data; read by the page cache (src/lib/page-cache.ts). */
export interface DataVersionsTable {
  /** 'school' or 'class:<id>' */
  scope: string
  v: number
}

export interface Database {
  school_settings: SchoolSettingsTable
  persons: PersonsTable
  person_roles: PersonRolesTable
  users: UsersTable
  sessions: SessionsTable
  invitations: InvitationsTable
  audit_log: AuditLogTable
  academic_years: AcademicYearsTable
  grade_bands: GradeBandsTable
  periods: PeriodsTable
  holidays: HolidaysTable
  subjects: SubjectsTable
  classes: ClassesTable
  groups: GroupsTable
  curriculum: CurriculumTable
  workload: WorkloadTable
  students: StudentsTable
  parents: ParentsTable
  parent_links: ParentLinksTable
  enrollments: EnrollmentsTable
  group_members: GroupMembersTable
  bells: BellsTable
  timetable_slots: TimetableSlotsTable
  lessons: LessonsTable
  work_kinds: WorkKindsTable
  lesson_columns: LessonColumnsTable
  marks: MarksTable
  absences: AbsencesTable
  mark_history: MarkHistoryTable
  homework_individual: HomeworkIndividualTable
  attachments: AttachmentsTable
  plan_topics: PlanTopicsTable
  late_approvals: LateApprovalsTable
  final_marks: FinalMarksTable
  final_corrections: FinalCorrectionsTable
  acknowledgements: AcknowledgementsTable
  threads: ThreadsTable
  thread_participants: ThreadParticipantsTable
  messages: MessagesTable
  announcements: AnnouncementsTable
  digest_subscriptions: DigestSubscriptionsTable
  mail_log: MailLogTable
  documents: DocumentsTable
  promotion_decisions: PromotionDecisionsTable
  year_archives: YearArchivesTable
  backups: BackupsTable
  data_versions: DataVersionsTable
}
