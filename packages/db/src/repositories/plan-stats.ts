// The statistics of plans counted in SQL (the dashboard's charts, the quarterly bulletin's per-unit
// table): grouped queries over the task rows' fact columns and the history facts a move writes
// (task_stage_stays, task_returns, ratings) — never a task's marks computed in JavaScript, never the
// audit log. The API's supervision/stats.ts says what each figure means and folds plans' parts.
import { sql, type RawBuilder } from 'kysely';
import { dialectOf } from '../dialect.js';
import type { DbOrTrx } from '../executor.js';
import { CLOSED_TASK_STAGES } from '../tables/tasks.table.js';
import { missesMonthlyReportSql, OPEN, overdueSql } from './dashboard.js';
import { countTasksByPlan } from './stats.js';

export interface PlanStatsWindow {
  /** today 'YYYY-MM-DD': overdue = open and past the current stage's due date */
  today: string;
  /** this month 'YYYY-MM' (月调度: a missing report) */
  month: string;
  /** per plan, the end of its handle phase (a task's due date when it has none), or null */
  handleEnds: ReadonlyMap<string, string | null>;
  /** completions counted on these calendar days (tasks.completed_on), inclusive; unbounded when absent */
  fromDay?: string | undefined;
  toDay?: string | undefined;
  /** returns counted at these instants: at >= returnsFrom and at < returnsBefore */
  returnsFrom?: string | undefined;
  returnsBefore?: string | undefined;
}

export interface UnitStats {
  lead: number;
  /** co-handled tasks: not counted per plan here (countTasksByUnit) */
  co: number;
  /** of the tasks the unit leads: open, completed in the window, of those on time, overdue */
  open: number;
  completed: number;
  completedOnTime: number;
  overdue: number;
  /** returns of the unit's work in the window (task_returns.unit_id) */
  returns: number;
  /** handle tasks it leads (tasks.lead_unit_id) without this month's report */
  missingReports: number;
}

export const emptyUnitStats = (): UnitStats => ({ lead: 0, co: 0, open: 0, completed: 0, completedOnTime: 0, overdue: 0, returns: 0, missingReports: 0 });

/** One plan's counts. Every figure is exact; no task ids (lists are read on their own, in order). */
export interface PlanStatsCounts {
  total: number;
  open: number;
  byStage: Record<string, number>;
  completed: number;
  completedOnTime: number;
  overdue: number;
  classes: Record<string, number>;
  /** per stage left: the number of stays and their summed length in days */
  durations: Record<string, { sum: number; n: number }>;
  returnsTotal: number;
  returnsByReason: Record<string, number>;
  /** votes of each task's last rating round, by rating */
  ratings: Record<string, number>;
  units: Record<string, UnitStats>;
}

const emptyCounts = (): PlanStatsCounts => ({
  total: 0,
  open: 0,
  byStage: {},
  completed: 0,
  completedOnTime: 0,
  overdue: 0,
  classes: {},
  durations: {},
  returnsTotal: 0,
  returnsByReason: {},
  ratings: {},
  units: {},
});

const num = (v: unknown) => Number(v ?? 0);
const sumIf = (cond: RawBuilder<boolean>) => sql<number>`sum(case when ${cond} then 1 else 0 end)`;

function completedIn(w: Pick<PlanStatsWindow, 'fromDay' | 'toDay'>): RawBuilder<boolean> {
  const parts = [sql<boolean>`tasks.completed_on is not null`];
  if (w.fromDay !== undefined) parts.push(sql<boolean>`tasks.completed_on >= ${w.fromDay}`);
  if (w.toDay !== undefined) parts.push(sql<boolean>`tasks.completed_on <= ${w.toDay}`);
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

/**
 * On time, for a task with its own due date: completed on or before it. A task without one is due at
 * its plan's handle phase end: those completions are counted per day (countPlanStats) and
 * compared with the plan's date (`onTimeUndated`) — a join of every task with a table of plans' dates would be
 * read once per task.
 */
const ON_TIME_DATED = sql<boolean>`(tasks.due_date is not null and tasks.completed_on <= tasks.due_date)`;
const UNDATED = sql<boolean>`tasks.due_date is null`;

/** An undated completion is on time when its plan has no handle phase end or it is not after it. */
const onTimeUndated = (w: PlanStatsWindow, planId: string, day: string) => {
  const end = w.handleEnds.get(planId) ?? null;
  return end === null || day <= end;
};

/** Length of a stage stay in days (fractional), from the stored ISO instants. */
function stayDays(db: DbOrTrx): RawBuilder<number> {
  return dialectOf(db) === 'postgres'
    ? sql<number>`extract(epoch from (cast(s.left_at as timestamptz) - cast(s.entered_at as timestamptz))) / 86400.0`
    : sql<number>`(julianday(s.left_at) - julianday(s.entered_at))`;
}

/**
 * Each plan's counts (every plan asked for, zeros included): a few grouped queries for all of them,
 * each reading index ranges that start with the plan's id. Per unit, the figures of the tasks it
 * leads (tasks.lead_unit_id, the lead link of task_units written with it) and of its returned work;
 * co-handled tasks are counted apart (countTasksByUnit), since task_units has no plan column.
 */
export async function countPlanStats(db: DbOrTrx, planIds: readonly string[], w: PlanStatsWindow): Promise<Map<string, PlanStatsCounts>> {
  const out = new Map(planIds.map((id) => [id, emptyCounts()]));
  if (planIds.length === 0) return out;
  const part = (planId: string) => out.get(planId) as PlanStatsCounts;
  const unit = (planId: string, unitId: string) => (part(planId).units[unitId] ??= emptyUnitStats());
  const inPlans = (table: string) => sql<boolean>`${sql.ref(`${table}.plan_id`)} in (${sql.join(planIds)})`;
  const completed = completedIn(w);
  const overdue = overdueSql(w.today);

  // per stage: the trigger-kept counters; per grade: the partial index of graded tasks
  for (const c of await countTasksByPlan(db, planIds)) {
    const p = part(c.plan_id);
    p.total += c.count;
    if (!(CLOSED_TASK_STAGES as readonly string[]).includes(c.stage)) p.open += c.count;
    p.byStage[c.stage] = (p.byStage[c.stage] ?? 0) + c.count;
  }
  const { rows: graded } = await sql<{ plan_id: string; resolution_class: string; n: unknown }>`
    select tasks.plan_id as plan_id, tasks.resolution_class as resolution_class, count(*) as n from tasks
    where tasks.resolution_class is not null and ${inPlans('tasks')}
    group by tasks.plan_id, tasks.resolution_class`.execute(db);
  for (const r of graded) part(r.plan_id).classes[r.resolution_class] = num(r.n);

  // a row per (plan, lead unit) — as many as the units each plan gives work to — and one for the
  // plan's tasks without a lead unit: the plan's figures are their sums
  const { rows: leads } = await sql<{ plan_id: string; unit_id: string | null; n: unknown; open: unknown; completed: unknown; on_time: unknown; overdue: unknown; missing: unknown }>`
    select tasks.plan_id as plan_id, tasks.lead_unit_id as unit_id, count(*) as n, ${sumIf(OPEN)} as open,
      ${sumIf(completed)} as completed, ${sumIf(sql<boolean>`${completed} and ${ON_TIME_DATED}`)} as on_time, ${sumIf(overdue)} as overdue,
      ${sumIf(missesMonthlyReportSql(w.month))} as missing
    from tasks
    where ${inPlans('tasks')}
    group by tasks.plan_id, tasks.lead_unit_id`.execute(db);
  for (const r of leads) {
    const p = part(r.plan_id);
    p.completed += num(r.completed);
    p.completedOnTime += num(r.on_time);
    p.overdue += num(r.overdue);
    if (r.unit_id === null) continue;
    const u = unit(r.plan_id, r.unit_id);
    u.lead += num(r.n);
    u.open += num(r.open);
    u.completed += num(r.completed);
    u.completedOnTime += num(r.on_time);
    u.overdue += num(r.overdue);
    u.missingReports += num(r.missing);
  }

  // undated completions, by day: on time unless after the plan's handle phase end
  const { rows: undated } = await sql<{ plan_id: string; lead_unit_id: string | null; completed_on: string; n: unknown }>`
    select tasks.plan_id as plan_id, tasks.lead_unit_id as lead_unit_id, tasks.completed_on as completed_on, count(*) as n from tasks
    where ${inPlans('tasks')} and ${completed} and ${UNDATED}
    group by tasks.plan_id, tasks.lead_unit_id, tasks.completed_on`.execute(db);
  for (const r of undated) {
    if (!onTimeUndated(w, r.plan_id, r.completed_on)) continue;
    part(r.plan_id).completedOnTime += num(r.n);
    if (r.lead_unit_id !== null) unit(r.plan_id, r.lead_unit_id).completedOnTime += num(r.n);
  }

  const { rows: stays } = await sql<{ plan_id: string; stage: string; n: unknown; days: unknown }>`
    select s.plan_id as plan_id, s.stage as stage, count(*) as n, sum(${stayDays(db)}) as days
    from task_stage_stays s
    where ${inPlans('s')}
    group by s.plan_id, s.stage`.execute(db);
  for (const r of stays) part(r.plan_id).durations[r.stage] = { sum: num(r.days), n: num(r.n) };

  const returnsWindow = [inPlans('r')];
  if (w.returnsFrom !== undefined) returnsWindow.push(sql<boolean>`r.at >= ${w.returnsFrom}`);
  if (w.returnsBefore !== undefined) returnsWindow.push(sql<boolean>`r.at < ${w.returnsBefore}`);
  const { rows: returns } = await sql<{ plan_id: string; reason: string; unit_id: string | null; n: unknown }>`
    select r.plan_id as plan_id, r.reason as reason, r.unit_id as unit_id, count(*) as n
    from task_returns r
    where ${sql.join(returnsWindow, sql` and `)}
    group by r.plan_id, r.reason, r.unit_id`.execute(db);
  for (const r of returns) {
    const p = part(r.plan_id);
    const n = num(r.n);
    p.returnsTotal += n;
    p.returnsByReason[r.reason] = (p.returnsByReason[r.reason] ?? 0) + n;
    if (r.unit_id !== null) unit(r.plan_id, r.unit_id).returns += n;
  }

  const { rows: votes } = await sql<{ plan_id: string; rating: string; n: unknown }>`
    select tasks.plan_id as plan_id, v.rating as rating, count(*) as n
    from ratings v inner join tasks on tasks.id = v.task_id
    where ${inPlans('tasks')} and v.round = (select max(l.round) from ratings l where l.task_id = v.task_id)
    group by tasks.plan_id, v.rating`.execute(db);
  for (const r of votes) part(r.plan_id).ratings[r.rating] = num(r.n);
  return out;
}

/** A SQL LIMIT for a bounded list: Infinity (every row) as the largest 32-bit integer. */
const sqlLimit = (limit: number) => (Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 2_147_483_647);

/** Ids of tasks matching `where` (one plan or all), in document order, at most `limit`. */
async function listTaskIdsInDocOrder(db: DbOrTrx, where: RawBuilder<boolean>, planId: string | undefined, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const all = planId === undefined ? [where] : [where, sql<boolean>`tasks.plan_id = ${planId}`];
  const { rows } = await sql<{ id: string }>`
    select tasks.id as id from tasks where ${sql.join(all, sql` and `)}
    order by tasks.plan_id, tasks.ordinal, tasks.id limit ${sqlLimit(limit)}`.execute(db);
  return rows.map((r) => r.id);
}

/** Ids of tasks completed in the window (one plan or all), in document order, at most `limit`. */
export function listCompletedTaskIds(db: DbOrTrx, scope: { planId?: string | undefined }, w: Pick<PlanStatsWindow, 'fromDay' | 'toDay'>, limit: number): Promise<string[]> {
  return listTaskIdsInDocOrder(db, completedIn(w), scope.planId, limit);
}

/** Ids of tasks of a resolution class (one plan or all), in document order, at most `limit`. */
export function listClassifiedTaskIds(db: DbOrTrx, scope: { planId?: string | undefined }, resolutionClass: string, limit: number): Promise<string[]> {
  return listTaskIdsInDocOrder(db, sql<boolean>`tasks.resolution_class = ${resolutionClass}`, scope.planId, limit);
}
