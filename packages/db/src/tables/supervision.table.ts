import type { Insertable, Selectable } from 'kysely';

/** In-app inbox: a message to one user or to every user of a unit (read_at is shared by the unit). */
export interface NotificationsTable {
  id: string;
  user_id: string | null;
  unit_id: string | null;
  /** e.g. 'deadline_yellow', 'deadline_red', 'sign_yellow', 'sign_red', 'urge', 'notice_issued', 'notice_answered' */
  kind: string;
  task_id: string | null;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** One row per (job, day): the process whose insert succeeds runs the job that day. */
export interface JobRunsTable {
  job: string;
  /** 'YYYY-MM-DD' */
  day: string;
  started_at: string;
  finished_at: string | null;
  /** JSON text: what the run did */
  detail: string;
  /** the run holding the lease (a process's token) */
  owner: string | null;
  /** when the owner last saved progress; older than the lease: another process may take over */
  heartbeat_at: string | null;
  /** JSON text: how far an unfinished run got, saved with each page's writes */
  progress: string | null;
}

export type SupervisionNoticeColour = 'blue' | 'yellow' | 'red';
export type SupervisionNoticeStatus = 'draft' | 'issued' | 'answered';

/** 督办单: a numbered written notice (blue: deadline near, yellow: behind, red: overdue). */
export interface SupervisionNoticesTable {
  id: string;
  /** assigned when issued: year and number within the year → 督办〔year〕第seq号 */
  year: number | null;
  seq: number | null;
  number: string | null;
  colour: SupervisionNoticeColour;
  task_id: string;
  unit_id: string;
  facts: string;
  /** 'YYYY-MM-DD' */
  reply_due: string;
  status: SupervisionNoticeStatus;
  created_at: string;
  created_by: string | null;
  issued_at: string | null;
  issued_by: string | null;
  answer_text: string | null;
  answered_at: string | null;
  answered_by: string | null;
}

/** Per-year counter of issued 督办单 numbers (row-locked increment on both dialects). */
export interface NoticeCountersTable {
  year: number;
  last: number;
}

export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotificationRow = Insertable<NotificationsTable>;
export type JobRunRow = Selectable<JobRunsTable>;
export type SupervisionNoticeRow = Selectable<SupervisionNoticesTable>;
export type NewSupervisionNoticeRow = Insertable<SupervisionNoticesTable>;
