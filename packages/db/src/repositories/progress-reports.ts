import { sql } from 'kysely';
import type { DbOrTrx } from '../executor.js';
import { newId, nowIso, parseJson } from '../ids.js';
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

export interface MissingReportsFilter {
  /** 'YYYY-MM' */
  period: string;
  planId?: string | undefined;
  leadUnitId?: string | undefined;
}

/** Open 办理-stage tasks with a lead unit and no progress report for the period (月调度). */
function missingReportTasks(db: DbOrTrx, f: MissingReportsFilter) {
  let q = db
    .selectFrom('tasks')
    .where('tasks.stage', '=', 'handle')
    .where('tasks.lead_unit_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('progress_reports as p').select('p.id').whereRef('p.task_id', '=', 'tasks.id').where('p.period', '=', f.period))),
    );
  if (f.planId !== undefined) q = q.where('tasks.plan_id', '=', f.planId);
  if (f.leadUnitId !== undefined) q = q.where('tasks.lead_unit_id', '=', f.leadUnitId);
  return q;
}

/**
 * 月调度 per lead unit: how many of its 办理-stage tasks have no report for the period, and the
 * first `tasksPerUnit` of them in document order — two queries whatever the number of tasks.
 */
export async function missingReportsByUnit(
  db: DbOrTrx,
  f: MissingReportsFilter,
  tasksPerUnit: number,
): Promise<{ counts: { unitId: string; count: number }[]; tasks: { id: string; unitId: string; path: string[]; text: string }[] }> {
  const counts = await missingReportTasks(db, f)
    .select((eb) => ['tasks.lead_unit_id as unitId', eb.fn.countAll<number | string>().as('count')])
    .groupBy('tasks.lead_unit_id')
    .execute();
  const ranked = missingReportTasks(db, f).select([
    'tasks.id',
    'tasks.lead_unit_id as unitId',
    'tasks.path',
    'tasks.text',
    sql<number>`row_number() over (partition by tasks.lead_unit_id order by tasks.plan_id, tasks.ordinal, tasks.id)`.as('rank'),
  ]);
  const tasks = await db
    .selectFrom(ranked.as('r'))
    .select(['r.id', 'r.unitId', 'r.path', 'r.text'])
    .where('r.rank', '<=', tasksPerUnit)
    .orderBy('r.unitId')
    .orderBy('r.rank')
    .execute();
  return {
    counts: counts.map((c) => ({ unitId: c.unitId as string, count: Number(c.count) })),
    tasks: tasks.map((t) => ({ id: t.id, unitId: t.unitId as string, path: parseJson<string[]>(t.path, []), text: t.text })),
  };
}

