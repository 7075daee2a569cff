// Statistics of a plan (or all plans): the figures of the dashboard charts and of the quarterly
// bulletin's per-unit table. Everything comes from what the moves recorded — the task rows' fact
// columns, their stage stays and returns (task-facts.ts), ratings — no new inputs ("enter once"),
// and no re-reading of the audit log. Counted in SQL (@duban/db plan-stats.ts), 500 plans per
// query, each plan's counts kept until it changes (summary.ts); the bounded lists are read in order.
import { addCalendarDays } from "@duban/workflow/clock";
import { countPlanStats, countTasksByUnit, emptyUnitStats, listClassifiedTaskIds, listCompletedTaskIds, listDashboardBucket, type PlanStatsCounts, type UnitStats } from "@duban/db";
import { RATINGS, RESOLUTION_CLASSES, RETURN_REASONS, TASK_STAGES, WORK_STAGES } from "@duban/workflow";
import { startOfDayInstant } from "../../clock";
import type { InnerContext } from "../../context";
import { RATING_LABELS, RESOLUTION_CLASS_LABELS, RETURN_REASON_LABELS, STAGE_LABELS, unitNameMap } from "./common";
import { dashboardRanges, type TaskListFilter } from "./dashboard";
import { planDuesByPlan } from "./marks";
import { foldPlanBatches, ROW_LIMIT } from "./summary";

export interface UnitRankRow {
  rank: number;
  unitId: string;
  unitName: string;
  /** tasks the unit leads / co-handles */
  lead: number;
  co: number;
  open: number;
  /** lead tasks whose completion (handle stage) was approved, and of those on or before the due date */
  completed: number;
  completedOnTime: number;
  onTimeRate: number | null;
  overdue: number;
  returns: number;
  missingReports: number;
  filters: { all: TaskListFilter; overdue: TaskListFilter };
}

export interface StatsOptions {
  planId?: string | undefined;
  today: string;
  /** limits "completed", "returns" to events on these calendar days, inclusive (a quarter) */
  from?: string;
  to?: string;
}

/** Plans counted in one query when the cache has none of them (the first call after a start). */
const PLANS_PER_QUERY = 500;

/**
 * On time = the handle stage's completion was approved (the task left 办理 for 检查) on or before its
 * due date (tasks.due_date, else the handle phase's end). Overdue = open and past the current
 * stage's due date (deadlines.ts, phase fallback included). Returns = task_returns rows: a stage
 * RETURN counts against the lead unit, a RETURN_CONTRIBUTION against the co-unit, each by reason.
 *
 * Every count is exact; the task id lists (overdue, completed, each resolution class) hold at most
 * `limit` ids — most overdue first, else in document order — with `truncated` when there are more.
 */
export async function computeStats(ctx: InnerContext, options: StatsOptions & { limit?: number | undefined }) {
  const { today } = options;
  const limit = options.limit ?? ROW_LIMIT;
  const base: TaskListFilter = options.planId ? { planId: options.planId } : {};
  const window = {
    fromDay: options.from,
    toDay: options.to,
    returnsFrom: options.from === undefined ? undefined : startOfDayInstant(ctx, options.from),
    returnsBefore: options.to === undefined ? undefined : startOfDayInstant(ctx, addCalendarDays(options.to, 1)),
  };
  let total = 0;
  let open = 0;
  let completedCount = 0;
  let completedOnTime = 0;
  let overdueCount = 0;
  let returnsTotal = 0;
  const byStage = new Map<string, number>();
  const classes = new Map<string, number>();
  const returnsByReason = new Map<string, number>();
  const durations = new Map(WORK_STAGES.map((s) => [s as string, { sum: 0, n: 0 }]));
  const ratings = new Map<string, number>();
  const units = new Map<string, UnitStats>();
  const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  await foldPlanBatches<PlanStatsCounts>(
    ctx.db,
    { planId: options.planId, today, key: `stats|${options.from ?? ""}|${options.to ?? ""}`, batchSize: PLANS_PER_QUERY },
    async (planIds) => {
      const dues = await planDuesByPlan(ctx, planIds);
      const handleEnds = new Map(planIds.map((id) => [id, dues.get(id)?.end.handle ?? null]));
      return countPlanStats(ctx.db, planIds, { today, month: today.slice(0, 7), handleEnds, ...window });
    },
    (p) => {
      total += p.total;
      open += p.open;
      completedCount += p.completed;
      completedOnTime += p.completedOnTime;
      overdueCount += p.overdue;
      returnsTotal += p.returnsTotal;
      for (const [k, n] of Object.entries(p.byStage)) add(byStage, k, n);
      for (const [k, n] of Object.entries(p.classes)) add(classes, k, n);
      for (const [k, n] of Object.entries(p.returnsByReason)) add(returnsByReason, k, n);
      for (const [k, d] of Object.entries(p.durations)) {
        const acc = durations.get(k);
        if (acc) {
          acc.sum += d.sum;
          acc.n += d.n;
        }
      }
      for (const [k, n] of Object.entries(p.ratings)) add(ratings, k, n);
      for (const [id, u] of Object.entries(p.units)) {
        const acc = units.get(id) ?? emptyUnitStats();
        for (const k of Object.keys(acc) as (keyof UnitStats)[]) acc[k] += u[k];
        units.set(id, acc);
      }
    },
  );

  // co-handled tasks per unit (task_units has no plan column: the trigger-kept counters, or one plan's join)
  for (const c of await countTasksByUnit(ctx.db, { planId: options.planId, today })) {
    if (c.relation !== "co") continue;
    const acc = units.get(c.unit_id) ?? emptyUnitStats();
    acc.co += c.count;
    units.set(c.unit_id, acc);
  }

  // the lists: the most overdue first (the dashboard's deadline-red list), completions and classes in document order
  const scope = { planId: options.planId };
  const rowsOf = (ids: string[], count: number) => ({ taskIds: ids, truncated: count > ids.length });
  const listLimit = Math.min(limit, 2_147_483_647);
  const [overdueIds, completedIds, classIds] = await Promise.all([
    listLimit > 0 && overdueCount > 0 ? listDashboardBucket(ctx.db, scope, dashboardRanges(ctx, today), "red", listLimit) : [],
    completedCount > 0 ? listCompletedTaskIds(ctx.db, scope, window, listLimit) : [],
    Promise.all(RESOLUTION_CLASSES.map((c) => ((classes.get(c) ?? 0) > 0 ? listClassifiedTaskIds(ctx.db, scope, c, listLimit) : []))),
  ]);

  const names = await unitNameMap(ctx.db, units.keys());
  const rows: UnitRankRow[] = [...units].map(([unitId, u]) => ({
    rank: 0,
    unitId,
    unitName: names.get(unitId) ?? unitId,
    lead: u.lead,
    co: u.co,
    open: u.open,
    completed: u.completed,
    completedOnTime: u.completedOnTime,
    onTimeRate: u.completed === 0 ? null : u.completedOnTime / u.completed,
    overdue: u.overdue,
    returns: u.returns,
    missingReports: u.missingReports,
    filters: { all: { ...base, unitId }, overdue: { ...base, unitId, overdue: true } },
  }));
  rows.sort(
    (a, b) =>
      a.overdue - b.overdue ||
      a.missingReports - b.missingReports ||
      a.returns - b.returns ||
      (b.onTimeRate ?? 1) - (a.onTimeRate ?? 1) ||
      b.lead - a.lead ||
      a.unitName.localeCompare(b.unitName, "zh"),
  );
  // Ranked among the units that lead tasks — the table bulletins show — so ranks start at 1.
  const leadUnits = rows.filter((u) => u.lead > 0);
  leadUnits.forEach((u, i) => (u.rank = i + 1));

  const missingTotal = rows.reduce((n, u) => n + u.missingReports, 0);
  return {
    today,
    planId: options.planId ?? null,
    /** at most this many ids in each `taskIds` (`truncated` when there are more) */
    rowLimit: limit,
    total,
    open,
    byStage: TASK_STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: byStage.get(stage) ?? 0, filter: { ...base, stage: [stage] } as TaskListFilter })),
    onTime: {
      completed: completedCount,
      completedOnTime,
      rate: completedCount === 0 ? null : completedOnTime / completedCount,
      ...rowsOf(completedIds, completedCount),
    },
    overdue: { count: overdueCount, ...rowsOf(overdueIds, overdueCount), filter: { ...base, overdue: true } as TaskListFilter },
    returns: {
      total: returnsTotal,
      byReason: RETURN_REASONS.map((reason) => ({ reason, label: RETURN_REASON_LABELS[reason], count: returnsByReason.get(reason) ?? 0 })),
      byUnit: leadUnits.filter((u) => u.returns > 0).map((u) => ({ unitId: u.unitId, unitName: u.unitName, count: u.returns, filter: u.filters.all })),
    },
    avgDaysPerStage: WORK_STAGES.map((stage) => {
      const d = durations.get(stage) ?? { sum: 0, n: 0 };
      return { stage, label: STAGE_LABELS[stage], days: d.n === 0 ? null : Math.round((d.sum / d.n) * 10) / 10, samples: d.n };
    }),
    resolutionClasses: RESOLUTION_CLASSES.map((c, i) => {
      const count = classes.get(c) ?? 0;
      return { class: c, label: RESOLUTION_CLASS_LABELS[c], count, ...rowsOf(classIds[i] ?? [], count) };
    }),
    evaluation: RATINGS.map((r) => ({ rating: r, label: RATING_LABELS[r], votes: ratings.get(r) ?? 0 })),
    missingReports: { period: today.slice(0, 7), total: missingTotal },
    units: leadUnits,
  };
}

export type SupervisionStats = Awaited<ReturnType<typeof computeStats>>;
