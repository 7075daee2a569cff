// Statistics of a plan (or all plans): the figures of the dashboard charts and of the quarterly
// bulletin's per-unit table. Everything comes from what is already recorded — task rows, progress
// reports, snapshots and the audit log's transitions — no new inputs ("enter once").
import { listRatingVotes, listTaskMoves, listTaskUnitLinks, type Task, type TaskStage } from "@duban/db";
import { RATINGS, RESOLUTION_CLASSES, RETURN_REASONS, type Rating } from "@duban/workflow";
import type { InnerContext } from "../../context";
import { snapshotOf } from "../tasks";
import { calendarDaysBetween } from "./calendar";
import { allTasks, RATING_LABELS, RESOLUTION_CLASS_LABELS, RETURN_REASON_LABELS, STAGE_LABELS, unitNameMap } from "./common";
import type { TaskListFilter } from "./dashboard";
import { computeMarks, isOpen, WORK_STAGES } from "./marks";
import { missingReportsOf } from "./reports";

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

/**
 * On time = the handle stage's completion was approved (the task left 办理 for 检查) on or before its
 * due date (tasks.due_date, else the handle phase's end). Overdue = open and past the current
 * stage's due date (phase fallback included). Returns = audit records task.RETURN, by the task's
 * lead unit and by the `reason` in their detail.
 */
export async function computeStats(ctx: InnerContext, options: StatsOptions) {
  const { today } = options;
  const base: TaskListFilter = options.planId ? { planId: options.planId } : {};
  const tasks = await allTasks(ctx.db, options.planId ? { planId: options.planId } : {});
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const marks = await computeMarks(ctx, tasks, today);
  const moves = await listTaskMoves(ctx.db, { taskIds: tasks.map((t) => t.id) });
  const inWindow = (at: string) => (options.from === undefined || at.slice(0, 10) >= options.from) && (options.to === undefined || at.slice(0, 10) <= options.to);

  // by stage
  const byStage = ALL_STAGES.map((stage) => {
    const ids = tasks.filter((t) => t.stage === stage).map((t) => t.id);
    return { stage, label: STAGE_LABELS[stage], count: ids.length, filter: { ...base, stage: [stage] } as TaskListFilter };
  });

  // completion (left handle for inspect) and stage durations
  const completedAt = new Map<string, string>();
  const enteredAt = new Map<string, { stage: string; at: string }>(tasks.map((t) => [t.id, { stage: "deploy", at: t.created_at }]));
  const durations = new Map<string, number[]>(WORK_STAGES.map((s) => [s, []]));
  const returns: { taskId: string; reason: string; at: string }[] = [];
  for (const m of moves) {
    const from = stageOfState(m.from_state);
    const to = stageOfState(m.to_state);
    if (from === "handle" && to === "inspect" && !completedAt.has(m.task_id)) completedAt.set(m.task_id, m.at);
    if (from !== to && from !== "") {
      const entered = enteredAt.get(m.task_id);
      if (entered && entered.stage === from) durations.get(from)?.push(calendarDaysBetween(entered.at, m.at));
      enteredAt.set(m.task_id, { stage: to, at: m.at });
    }
    if (m.action === "task.RETURN" && inWindow(m.at)) {
      const detail = JSON.parse(m.detail) as { reason?: unknown };
      returns.push({ taskId: m.task_id, reason: typeof detail.reason === "string" ? detail.reason : "other", at: m.at });
    }
  }
  const handleDue = (t: Task) => marks.get(t.id)?.stageDues.find((d) => d.stage === "handle")?.due ?? null;
  const completed = tasks.filter((t) => completedAt.has(t.id) && inWindow(completedAt.get(t.id) as string));
  const onTime = completed.filter((t) => {
    const due = handleDue(t);
    return due === null || (completedAt.get(t.id) as string).slice(0, 10) <= due;
  });
  const overdueTasks = tasks.filter((t) => marks.get(t.id)?.overdue);

  // resolution classes (from the snapshots) beside the evaluation results (ratings of the last round)
  const classes = new Map<string, string[]>(RESOLUTION_CLASSES.map((c) => [c, []]));
  for (const t of tasks) {
    const c = snapshotOf(t).context.resolutionClass;
    if (c !== null) classes.get(c)?.push(t.id);
  }
  const votes = await listRatingVotes(ctx.db, tasks.map((t) => t.id));
  const lastRound = new Map<string, number>();
  for (const v of votes) lastRound.set(v.task_id, Math.max(lastRound.get(v.task_id) ?? 0, v.round));
  const ratingCounts = new Map<Rating, number>(RATINGS.map((r) => [r, 0]));
  for (const v of votes) if (v.round === lastRound.get(v.task_id)) ratingCounts.set(v.rating as Rating, (ratingCounts.get(v.rating as Rating) ?? 0) + 1);

  // per unit
  const links = new Map<string, { lead: Set<string>; co: Set<string> }>();
  for (const l of await listTaskUnitLinks(ctx.db, options.planId ? { planId: options.planId } : {})) {
    const entry = links.get(l.unit_id) ?? { lead: new Set<string>(), co: new Set<string>() };
    entry[l.relation].add(l.task_id);
    links.set(l.unit_id, entry);
  }
  const missing = await missingReportsOf(ctx.db, { period: today.slice(0, 7), planId: options.planId });
  const missingByUnit = new Map(missing.map((u) => [u.unitId, u.count]));
  const returnsByUnit = new Map<string, number>();
  for (const r of returns) {
    const lead = byId.get(r.taskId)?.lead_unit_id;
    if (lead) returnsByUnit.set(lead, (returnsByUnit.get(lead) ?? 0) + 1);
  }
  const names = await unitNameMap(ctx.db, links.keys());
  const onTimeIds = new Set(onTime.map((t) => t.id));
  const completedIds = new Set(completed.map((t) => t.id));
  const units: UnitRankRow[] = [...links.entries()].map(([unitId, l]) => {
    const leadIds = [...l.lead];
    const done = leadIds.filter((id) => completedIds.has(id)).length;
    const ok = leadIds.filter((id) => onTimeIds.has(id)).length;
    return {
      rank: 0,
      unitId,
      unitName: names.get(unitId) ?? unitId,
      lead: l.lead.size,
      co: l.co.size,
      open: leadIds.filter((id) => isOpen(byId.get(id)?.stage ?? "done")).length,
      completed: done,
      completedOnTime: ok,
      onTimeRate: done === 0 ? null : ok / done,
      overdue: leadIds.filter((id) => marks.get(id)?.overdue).length,
      returns: returnsByUnit.get(unitId) ?? 0,
      missingReports: missingByUnit.get(unitId) ?? 0,
      filters: { all: { ...base, unitId }, overdue: { ...base, unitId, overdue: true } },
    };
  });
  units.sort(
    (a, b) =>
      a.overdue - b.overdue ||
      a.missingReports - b.missingReports ||
      a.returns - b.returns ||
      (b.onTimeRate ?? 1) - (a.onTimeRate ?? 1) ||
      b.lead - a.lead ||
      a.unitName.localeCompare(b.unitName, "zh"),
  );
  // Ranked among the units that lead tasks — the table bulletins show — so ranks start at 1.
  const leadUnits = units.filter((u) => u.lead > 0);
  leadUnits.forEach((u, i) => (u.rank = i + 1));

  const avg = (xs: number[]) => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10);
  return {
    today,
    planId: options.planId ?? null,
    total: tasks.length,
    open: tasks.filter((t) => isOpen(t.stage)).length,
    byStage,
    onTime: { completed: completed.length, completedOnTime: onTime.length, rate: completed.length === 0 ? null : onTime.length / completed.length, taskIds: completed.map((t) => t.id) },
    overdue: { count: overdueTasks.length, taskIds: overdueTasks.map((t) => t.id), filter: { ...base, overdue: true } as TaskListFilter },
    returns: {
      total: returns.length,
      byReason: RETURN_REASONS.map((reason) => ({ reason, label: RETURN_REASON_LABELS[reason], count: returns.filter((r) => r.reason === reason).length })),
      byUnit: leadUnits.filter((u) => u.returns > 0).map((u) => ({ unitId: u.unitId, unitName: u.unitName, count: u.returns, filter: u.filters.all })),
    },
    avgDaysPerStage: WORK_STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], days: avg(durations.get(stage) ?? []), samples: durations.get(stage)?.length ?? 0 })),
    resolutionClasses: RESOLUTION_CLASSES.map((c) => ({ class: c, label: RESOLUTION_CLASS_LABELS[c], count: classes.get(c)?.length ?? 0, taskIds: classes.get(c) ?? [] })),
    evaluation: RATINGS.map((r) => ({ rating: r, label: RATING_LABELS[r], votes: ratingCounts.get(r) ?? 0 })),
    missingReports: { period: today.slice(0, 7), total: missing.reduce((n, u) => n + u.count, 0) },
    units: leadUnits,
  };
}

export type SupervisionStats = Awaited<ReturnType<typeof computeStats>>;
