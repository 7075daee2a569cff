import type { Insertable, Selectable } from 'kysely';

export interface ProgressReportsTable {
  id: string;
  task_id: string;
  unit_id: string | null;
  user_id: string | null;
  /** 'YYYY-MM' */
  period: string;
  text: string;
  percent: number | null;
  created_at: string;
}

export type ProgressReportRow = Selectable<ProgressReportsTable>;
export type NewProgressReportRow = Insertable<ProgressReportsTable>;
