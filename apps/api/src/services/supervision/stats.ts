// Statistics of a plan (or all plans): the figures of the dashboard charts and of the quarterly
// bulletin's per-unit table. Everything comes from what the moves recorded — the task rows' fact
// columns, their stage stays and returns (task-facts.ts), ratings — no new inputs ("enter once"),
// and no re-reading of the audit log.
import { listPlanMarkTasks, listPlanReturns, listPlanStageStays, listRatingVotes, listTaskUnitLinks } from "@duban/db";
import { isOpenStage, RATINGS, RESOLUTION_CLASSES, RETURN_REASONS, TASK_STAGES, WORK_STAGES } from "@duban/workflow";
import { dayOfInstant } from "../../clock";
import type { InnerContext } from "../../context";
import { calendarDaysBetween } from "./calendar";
import { RATING_LABELS, RESOLUTION_CLASS_LABELS, RETURN_REASON_LABELS, STAGE_LABELS, unitNameMap } from "./common";
import type { TaskListFilter } from "./dashboard";
import { computeMarks, type TaskMarks } from "./marks";
import { docOrder, foldPlans, ROW_LIMIT, TopList, type TopResult } from "./summary";


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
  /** limits "completed", "returns" to events at or after / before these ISO dates (for a quarter) */
  from?: string;
  to?: string;
}

interface UnitAcc {
  lead: number;
  co: number;
  open: number;
  completed: number;
  completedOnTime: number;
  overdue: number;
  returns: number;
  missingReports: number;
}
const newUnitAcc = (): UnitAcc => ({ lead: 0, co: 0, open: 0, completed: 0, completedOnTime: 0, overdue: 0, returns: 0, missingReports: 0 });

/** One plan's share of the statistics: counts, sums and bounded id lists (see summary.ts). */
interface StatsPart {
  total: number;
  open: number;
  byStage: Record<string, number>;
  completed: TopResult;
  completedOnTime: number;
  overdue: TopResult;
  returnsByReason: Record<string, number>;
  returnsTotal: number;
  durations: Record<string, { sum: number; n: number }>;
  classes: Record<string, TopResult>;
  ratings: Record<string, number>;
  units: [string, UnitAcc][];
}

async function statsPart(ctx: InnerContext, planId: string, options: StatsOptions, limit: number): Promise<StatsPart> {
  const { today } = options;
  const tasks = await listPlanMarkTasks(ctx.db, planId);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const ids = tasks.map((t) => t.id);
  const marks = await computeMarks(ctx, tasks, today);
  const inWindow = (at: string) => {
    const day = dayOfInstant(ctx, at);
    return (options.from === undefined || day >= options.from) && (options.to === undefined || day <= options.to);
  };

  // stage durations (every stay a task has left), returns (stage and contribution, by reason and unit)
  const durations: Record<string, { sum: number; n: number }> = Object.fromEntries(WORK_STAGES.map((s) => [s, { sum: 0, n: 0 }]));
  for (const stay of await listPlanStageStays(ctx.db, planId)) {
    const d = durations[stay.stage];
    if (d) {
      d.sum += calendarDaysBetween(stay.entered_at, stay.left_at);
      d.n += 1;
    }
  }
  const returnsByReason: Record<string, number> = {};
  const returnsByUnit = new Map<string, number>();
  let returnsTotal = 0;
  for (const r of await listPlanReturns(ctx.db, planId)) {
    if (!inWindow(r.at)) continue;
    returnsByReason[r.reason] = (returnsByReason[r.reason] ?? 0) + 1;
    if (r.unit_id !== null) returnsByUnit.set(r.unit_id, (returnsByUnit.get(r.unit_id) ?? 0) + 1);
    returnsTotal += 1;
  }

  const byStage: Record<string, number> = {};
  const completed = new TopList(limit);
  const overdue = new TopList(limit);
  const classes = new Map(RESOLUTION_CLASSES.map((c) => [c as string, new TopList(limit)]));
  const units = new Map<string, UnitAcc>();
  const unit = (id: string) => {
    let u = units.get(id);
    if (u === undefined) units.set(id, (u = newUnitAcc()));
    return u;
  };
  // open / completed / overdue by the lead link (task_units), returns and missing reports by tasks.lead_unit_id
  const leadLink = new Map<string, UnitAcc>();
  for (const l of await listTaskUnitLinks(ctx.db, { planId })) {
    const u = unit(l.unit_id);
    if (l.relation === "lead") {
      u.lead += 1;
      leadLink.set(l.task_id, u);
    } else u.co += 1;
  }
  let completedOnTime = 0;
  let open = 0;
  for (const t of tasks) {
    byStage[t.stage] = (byStage[t.stage] ?? 0) + 1;
    const m = marks.get(t.id) as TaskMarks;
    const order = docOrder(t);
    const lead = leadLink.get(t.id);
    const leadUnit = t.lead_unit_id === null ? undefined : unit(t.lead_unit_id);
    const isOpenTask = isOpenStage(t.stage);
    if (isOpenTask) open += 1;
    if (lead && isOpenTask) lead.open += 1;
    const at = t.completed_at;
    if (at !== null && inWindow(at)) {
      const due = m.stageDues.find((d) => d.stage === "handle")?.due ?? null;
      const ok = due === null || dayOfInstant(ctx, at) <= due;
      completed.add({ id: t.id, key: 0, order });
      if (ok) completedOnTime += 1;
      if (lead) {
        lead.completed += 1;
        if (ok) lead.completedOnTime += 1;
      }
    }
    if (m.overdue) {
      overdue.add({ id: t.id, key: m.workdaysLeft ?? 0, order });
      if (lead) lead.overdue += 1;
    }
    const c = t.resolution_class;
    if (c !== null) classes.get(c)?.add({ id: t.id, key: 0, order });
    // 月调度 (deadlines.ts missesMonthlyReport: a lead unit's handle-stage task without this month's report)
    if (leadUnit && m.missingReport) leadUnit.missingReports += 1;
  }

  for (const [unitId, n] of returnsByUnit) unit(unitId).returns += n;
  const votes = await listRatingVotes(ctx.db, ids);
  const lastRound = new Map<string, number>();
  for (const v of votes) lastRound.set(v.task_id, Math.max(lastRound.get(v.task_id) ?? 0, v.round));
  const ratings: Record<string, number> = {};
  for (const v of votes) if (v.round === lastRound.get(v.task_id) && byId.has(v.task_id)) ratings[v.rating] = (ratings[v.rating] ?? 0) + 1;

  return {
    total: tasks.length,
    open,
    byStage,
    completed: completed.result(),
    completedOnTime,
    overdue: overdue.result(),
    returnsByReason,
    returnsTotal,
    durations,
    classes: Object.fromEntries([...classes].map(([c, l]) => [c, l.result()])),
    ratings,
    units: [...units],
  };
}

/**
 * On time = the handle stage's completion was approved (the task left 办理 for 检查) on or before its
 * due date (tasks.due_date, else the handle phase's end). Overdue = open and past the current
 * stage's due date (deadlines.ts, phase fallback included). Returns = task_returns rows: a stage
 * RETURN counts against the lead unit, a RETURN_CONTRIBUTION against the co-unit, each by reason.
 *
 * Computed one plan at a time (summary.ts): every count is exact; the task id lists (overdue,
 * completed, each resolution class) hold at most `limit` ids — most overdue first, else in
 * document order — with `truncated` when there are more.
 */
export async function computeStats(ctx: InnerContext, options: StatsOptions & { limit?: number | undefined }) {
  const { today } = options;
  const limit = options.limit ?? ROW_LIMIT;
  const base: TaskListFilter = options.planId ? { planId: options.planId } : {};
  let total = 0;
  let open = 0;
  let completedOnTime = 0;
  let returnsTotal = 0;
  const byStage = new Map<string, number>();
  const completed = new TopList(limit);
  const overdue = new TopList(limit);
  const classes = new Map(RESOLUTION_CLASSES.map((c) => [c as string, new TopList(limit)]));
  const returnsByReason = new Map<string, number>();
  const durations = new Map(WORK_STAGES.map((s) => [s as string, { sum: 0, n: 0 }]));
  const ratings = new Map<string, number>();
  const units = new Map<string, UnitAcc>();
  const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  await foldPlans(
    ctx.db,
    { planId: options.planId, today, key: `stats|${options.from ?? ""}|${options.to ?? ""}|${limit}` },
    (planId) => statsPart(ctx, planId, options, limit),
    (p) => {
      total += p.total;
      open += p.open;
      completedOnTime += p.completedOnTime;
      returnsTotal += p.returnsTotal;
      for (const [k, n] of Object.entries(p.byStage)) add(byStage, k, n);
      completed.addResult(p.completed);
      overdue.addResult(p.overdue);
      for (const [c, r] of Object.entries(p.classes)) classes.get(c)?.addResult(r);
      for (const [k, n] of Object.entries(p.returnsByReason)) add(returnsByReason, k, n);
      for (const [k, d] of Object.entries(p.durations)) {
        const acc = durations.get(k);
        if (acc) {
          acc.sum += d.sum;
          acc.n += d.n;
        }
      }
      for (const [k, n] of Object.entries(p.ratings)) add(ratings, k, n);
      for (const [id, u] of p.units) {
        const acc = units.get(id) ?? newUnitAcc();
        for (const k of Object.keys(acc) as (keyof UnitAcc)[]) acc[k] += u[k];
        units.set(id, acc);
      }
    },
  );

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

  const completedList = completed.result();
  const overdueList = overdue.result();
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
      completed: completedList.count,
      completedOnTime,
      rate: completedList.count === 0 ? null : completedOnTime / completedList.count,
      taskIds: completedList.items.map((x) => x.id),
      truncated: completedList.truncated,
    },
    overdue: { count: overdueList.count, taskIds: overdueList.items.map((x) => x.id), truncated: overdueList.truncated, filter: { ...base, overdue: true } as TaskListFilter },
    returns: {
      total: returnsTotal,
      byReason: RETURN_REASONS.map((reason) => ({ reason, label: RETURN_REASON_LABELS[reason], count: returnsByReason.get(reason) ?? 0 })),
      byUnit: leadUnits.filter((u) => u.returns > 0).map((u) => ({ unitId: u.unitId, unitName: u.unitName, count: u.returns, filter: u.filters.all })),
    },
    avgDaysPerStage: WORK_STAGES.map((stage) => {
      const d = durations.get(stage) ?? { sum: 0, n: 0 };
      return { stage, label: STAGE_LABELS[stage], days: d.n === 0 ? null : Math.round((d.sum / d.n) * 10) / 10, samples: d.n };
    }),
    resolutionClasses: RESOLUTION_CLASSES.map((c) => {
      const r = classes.get(c)?.result() ?? { count: 0, items: [], truncated: false };
      return { class: c, label: RESOLUTION_CLASS_LABELS[c], count: r.count, taskIds: r.items.map((x) => x.id), truncated: r.truncated };
    }),
    evaluation: RATINGS.map((r) => ({ rating: r, label: RATING_LABELS[r], votes: ratings.get(r) ?? 0 })),
    missingReports: { period: today.slice(0, 7), total: missingTotal },
    units: leadUnits,
  };
}

export type SupervisionStats = Awaited<ReturnType<typeof computeStats>>;
