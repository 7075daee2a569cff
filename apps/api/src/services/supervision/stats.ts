// Statistics of a plan (or all plans): the figures of the dashboard charts and of the quarterly
// bulletin's per-unit table. Everything comes from what is already recorded — task rows, progress
// reports, snapshots and the audit log's transitions — no new inputs ("enter once").
import { getTaskSnapshots, listPlanMarkTasks, listRatingVotes, listTaskMoves, listTaskUnitLinks, type MarkTask, type TaskStage } from "@duban/db";
import { MACHINE_VERSION, RATINGS, RESOLUTION_CLASSES, RETURN_REASONS, upgradePersistedTask } from "@duban/workflow";
import type { InnerContext } from "../../context";
import { calendarDaysBetween } from "./calendar";
import { RATING_LABELS, RESOLUTION_CLASS_LABELS, RETURN_REASON_LABELS, STAGE_LABELS, unitNameMap } from "./common";
import type { TaskListFilter } from "./dashboard";
import { computeMarks, isOpen, WORK_STAGES, type TaskMarks } from "./marks";
import { docOrder, foldPlans, ROW_LIMIT, TopList, type TopResult } from "./summary";

const ALL_STAGES: TaskStage[] = ["deploy", "handle", "inspect", "summarize", "evaluate", "done", "terminated"];

const stageOfState = (s: string | null) => (s ?? "").split("/")[0] ?? "";

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

/** The resolution class (A/B/C) in a stored snapshot's context (upgraded first), without restoring an actor. */
function resolutionClassOf(machineVersion: number, snapshot: string): string | null {
  const upgraded = upgradePersistedTask({ machineVersion, snapshot: JSON.parse(snapshot) as unknown });
  const c = (upgraded.snapshot as { context?: { resolutionClass?: unknown } }).context?.resolutionClass;
  return typeof c === "string" ? c : null;
}

/**
 * Each task's resolution class: read by the database from snapshots of the current machine version;
 * older snapshots (none today) are loaded and upgraded here.
 */
async function resolutionClasses(ctx: InnerContext, tasks: readonly MarkTask[]): Promise<Map<string, string | null>> {
  const out = new Map(tasks.map((t) => [t.id, t.machine_version === MACHINE_VERSION ? t.resolution_class : null]));
  const older = tasks.filter((t) => t.machine_version !== MACHINE_VERSION);
  if (older.length > 0) {
    const snapshots = await getTaskSnapshots(ctx.db, older.map((t) => t.id));
    for (const t of older) out.set(t.id, resolutionClassOf(t.machine_version, snapshots.get(t.id) ?? "{}"));
  }
  return out;
}

async function statsPart(ctx: InnerContext, planId: string, options: StatsOptions, limit: number): Promise<StatsPart> {
  const { today } = options;
  const tasks = await listPlanMarkTasks(ctx.db, planId, { resolutionClass: true });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const ids = tasks.map((t) => t.id);
  const moves = await listTaskMoves(ctx.db, { taskIds: ids, stateChanges: true });
  const marks = await computeMarks(ctx, tasks, today, moves);
  const inWindow = (at: string) => (options.from === undefined || at.slice(0, 10) >= options.from) && (options.to === undefined || at.slice(0, 10) <= options.to);

  // completion (left handle for inspect), stage durations, returns
  const completedAt = new Map<string, string>();
  const enteredAt = new Map<string, { stage: string; at: string }>(tasks.map((t) => [t.id, { stage: "deploy", at: t.created_at }]));
  const durations: Record<string, { sum: number; n: number }> = Object.fromEntries(WORK_STAGES.map((s) => [s, { sum: 0, n: 0 }]));
  const returnsByReason: Record<string, number> = {};
  const returnsByTask = new Map<string, number>();
  let returnsTotal = 0;
  for (const m of moves) {
    const from = stageOfState(m.from_state);
    const to = stageOfState(m.to_state);
    if (from === "handle" && to === "inspect" && !completedAt.has(m.task_id)) completedAt.set(m.task_id, m.at);
    if (from !== to && from !== "") {
      const entered = enteredAt.get(m.task_id);
      const d = durations[from];
      if (entered && entered.stage === from && d) {
        d.sum += calendarDaysBetween(entered.at, m.at);
        d.n += 1;
      }
      enteredAt.set(m.task_id, { stage: to, at: m.at });
    }
    if (m.action === "task.RETURN" && inWindow(m.at)) {
      const detail = JSON.parse(m.detail) as { reason?: unknown };
      const reason = typeof detail.reason === "string" ? detail.reason : "other";
      returnsByReason[reason] = (returnsByReason[reason] ?? 0) + 1;
      returnsByTask.set(m.task_id, (returnsByTask.get(m.task_id) ?? 0) + 1);
      returnsTotal += 1;
    }
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
  const classOf = await resolutionClasses(ctx, tasks);
  let completedOnTime = 0;
  let open = 0;
  for (const t of tasks) {
    byStage[t.stage] = (byStage[t.stage] ?? 0) + 1;
    const m = marks.get(t.id) as TaskMarks;
    const order = docOrder(t);
    const lead = leadLink.get(t.id);
    const leadUnit = t.lead_unit_id === null ? undefined : unit(t.lead_unit_id);
    const isOpenTask = isOpen(t.stage);
    if (isOpenTask) open += 1;
    if (lead && isOpenTask) lead.open += 1;
    const at = completedAt.get(t.id);
    if (at !== undefined && inWindow(at)) {
      const due = m.stageDues.find((d) => d.stage === "handle")?.due ?? null;
      const ok = due === null || at.slice(0, 10) <= due;
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
    const c = classOf.get(t.id) ?? null;
    if (c !== null) classes.get(c)?.add({ id: t.id, key: 0, order });
    if (leadUnit) leadUnit.returns += returnsByTask.get(t.id) ?? 0;
    // 月调度: a handle-stage task with a lead unit and no progress report for this month (as missingReportsOf)
    if (leadUnit && t.stage === "handle" && !m.reportedThisMonth) leadUnit.missingReports += 1;
  }

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
 * stage's due date (phase fallback included). Returns = audit records task.RETURN, by the task's
 * lead unit and by the `reason` in their detail.
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
    byStage: ALL_STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: byStage.get(stage) ?? 0, filter: { ...base, stage: [stage] } as TaskListFilter })),
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
