import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import type { ProgressReportRow } from '../tables/index.js';

export interface NewProgressReport {
  id?: string;
  task_id: string;
  unit_id?: string | null;
  user_id?: string | null;
  /** 'YYYY-MM' */
  period: string;
  text: string;
  percent?: number | null;
  created_at?: string;
}

export function createProgressReport(db: DbOrTrx, input: NewProgressReport): Promise<ProgressReportRow> {
  return db
    .insertInto('progress_reports')
    .values({
      id: input.id ?? newId(),
      task_id: input.task_id,
      unit_id: input.unit_id ?? null,
      user_id: input.user_id ?? null,
      period: input.period,
      text: input.text,
      percent: input.percent ?? null,
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A task's progress reports, by period then time. */
export function listProgressReports(
  db: DbOrTrx,
  taskId: string,
  filters: { period?: string; unitId?: string } = {},
): Promise<ProgressReportRow[]> {
  let q = db.selectFrom('progress_reports').selectAll().where('task_id', '=', taskId);
  if (filters.period !== undefined) q = q.where('period', '=', filters.period);
  if (filters.unitId !== undefined) q = q.where('unit_id', '=', filters.unitId);
  return q.orderBy('period').orderBy('created_at').orderBy('id').execute();
}

/** Every report for a period ('YYYY-MM'), by task then time: which tasks have reported this month. */
export function listProgressReportsForPeriod(db: DbOrTrx, period: string): Promise<ProgressReportRow[]> {
  return db
    .selectFrom('progress_reports')
    .selectAll()
    .where('period', '=', period)
    .orderBy('task_id')
    .orderBy('created_at')
    .execute();
}
