// The supervision dashboard and a task's deadlines: marks with the phase fallback and signing mark.
import {
  countDashboardBuckets,
  DASHBOARD_BUCKETS,
  getTask,
  getTasksByIds,
  listDashboardBucket,
  type DashboardBucket,
  type DashboardCounts,
  type DashboardRanges,
  type Task,
} from "@duban/db";
import type { TaskStage } from "@duban/db";
import type { InnerContext } from "../../context";
import { canReadTask, readableTaskIds } from "../access";
import { markBounds, reportsLateOn, workdaysLeft as workdaysLeftOf } from "../deadlines";
import { rollupParts, type PartsRollup } from "../parts";
import { notFound } from "../../errors";
import { reassignWindowOf } from "./assignment";
import { computeMarks, type TaskMarks } from "./marks";
import { pathLabel, scopeUnit, unitNameMap, type Authed } from "./common";
import { startOfDayInstant, todayOf } from "../../clock";
import { computeStats } from "./stats";
import { docOrder, foldPlanBatches, ROW_LIMIT } from "./summary";

/** task.list's input shape, so a bucket's drill-down is `trpc.task.list({...filter, limit})`. */
export interface TaskListFilter {
  planId?: string;
  stage?: TaskStage[];
  unitId?: string;
  overdue?: boolean;
}

export interface DashboardRow {
  taskId: string;
  planId: string;
  ordinal: number;
  path: string;
  text: string;
  /** the plan's 量化指标 of the task ({ text, value, unit, comparator }[]) — beside marks.latestPercent */
  targets: unknown[];
  leadUnitId: string | null;
  leadUnitName: string | null;
  stage: TaskStage;
  status: string;
  version: number;
  marks: TaskMarks;
  /** 分解: progress of the task's parts (the drill-down opens them); null when it has none */
  parts: PartsRollup | null;
}

export async function taskDeadlines(ctx: Authed, taskId: string) {
  const task = await getTask(ctx.db, taskId);
  if (task === undefined || !(await canReadTask(ctx.db, ctx.session.user, taskId))) throw notFound("任务");
  const today = todayOf(ctx);
  const marks = (await computeMarks(ctx, [task], today)).get(task.id) as TaskMarks;
  return {
    taskId: task.id,
    today,
    stage: task.stage,
    /** the task's own 完成时限 (moved by granted extensions), else the handle phase's end */
    taskDue: marks.stageDues.find((d) => d.stage === "handle") ?? null,
    deadlineText: task.deadline_text,
    stages: marks.stageDues.map((d) => ({
      ...d,
      workdaysLeft: d.due === null ? null : workdaysLeftOf(today, d.due),
      current: d.stage === task.stage,
    })),
    /** while unsigned: the last day the unit may still ask for reassignment (REQUEST_REASSIGN) */
    reassign: marks.sign === null ? null : reassignWindow(ctx, task, today),
    marks,
  };
}

/** The reassign window as the lifecycle is told it (assignment.ts), for display. */
function reassignWindow(ctx: Authed, task: Task, today: string) {
  const { lastDay, workdays } = reassignWindowOf(ctx, task);
  return { until: lastDay, open: today <= lastDay, workdays };
}


export function toRow(task: Task, marks: TaskMarks, names: Map<string, string>, parts: PartsRollup | null = null): DashboardRow {
  return {
    taskId: task.id,
    planId: task.plan_id,
    ordinal: task.ordinal,
    path: pathLabel(task.path),
    text: task.text,
    targets: task.targets,
    leadUnitId: task.lead_unit_id,
    leadUnitName: task.lead_unit_id ? (names.get(task.lead_unit_id) ?? null) : null,
    stage: task.stage,
    status: task.status,
    version: task.version,
    marks,
    parts,
  };
}

type BucketKey = Exclude<DashboardBucket, "open">;

/**
 * The buckets, in the order the page shows them. What each holds is a condition on task columns
 * (repositories/dashboard.ts), the same as the task's marks say (marks.ts; dashboard.test.ts).
 */
const BUCKETS: { key: BucketKey; label: string; filter: (base: TaskListFilter) => TaskListFilter }[] = [
  { key: "red", label: "逾期（红）", filter: (b) => ({ ...b, overdue: true }) },
  { key: "yellow", label: "临期（黄）", filter: (b) => b },
  { key: "behind", label: "进度滞后", filter: (b) => ({ ...b, stage: ["handle"] }) },
  { key: "noReport", label: "本月未报进度", filter: (b) => ({ ...b, stage: ["handle"] }) },
  { key: "signLate", label: "签收超时", filter: (b) => ({ ...b, stage: ["deploy"] }) },
  { key: "noticeRed", label: "应发红色督办单", filter: (b) => b },
  { key: "noticeYellow", label: "应发黄色督办单", filter: (b) => b },
  { key: "noticeBlue", label: "应发蓝色督办单", filter: (b) => b },
];

/** Today's marks as ranges of task columns (the deadline rule's bounds; the signing bounds as instants). */
export function dashboardRanges(ctx: InnerContext, today: string): DashboardRanges {
  const b = markBounds(today, ctx.config);
  return {
    today,
    dueSoonBefore: b.dueSoonBefore,
    signOverdueBefore: startOfDayInstant(ctx, b.signOverdueReachedBefore),
    signNearBefore: startOfDayInstant(ctx, b.signNearReachedBefore),
    month: today.slice(0, 7),
    reportsLate: reportsLateOn(today),
  };
}

/** Plans counted in one query when the cache has none of them (the first call after a start). */
const PLANS_PER_COUNT = 500;

/**
 * The dashboard of open tasks (a liaison: their unit's), one plan or all: exact counts per bucket,
 * and per bucket the `rowLimit` most urgent tasks (most overdue / nearest deadline first; 签收超时:
 * waiting longest first) with `truncated` when there are more — those are reached through the
 * bucket's task.list `filter`. `rows`: the `rowLimit` most urgent open tasks and every task a
 * bucket lists, with their marks, in document order (all open tasks when there are no more than
 * `rowLimit`). Counts are SQL counts kept per plan until the plan changes (summary.ts); lists are
 * read in order from an index.
 */
export async function dashboard(ctx: Authed, input: { planId?: string; unitId?: string }, limit = ROW_LIMIT) {
  return dashboardOf(ctx, { planId: input.planId, unitId: scopeUnit(ctx, input.unitId) }, todayOf(ctx), limit);
}

/** The dashboard of a scope already checked (unitId: a liaison's unit, or the unit asked for). */
export async function dashboardOf(ctx: InnerContext, input: { planId?: string | undefined; unitId?: string | undefined }, today: string, limit = ROW_LIMIT) {
  const { planId, unitId } = input;
  const ranges = dashboardRanges(ctx, today);
  const counts = Object.fromEntries(DASHBOARD_BUCKETS.map((b) => [b, 0])) as DashboardCounts;
  await foldPlanBatches(
    ctx.db,
    { planId, today, key: `dashboard|${unitId ?? ""}`, batchSize: PLANS_PER_COUNT },
    (planIds) => countDashboardBuckets(ctx.db, { planIds, unitId }, ranges),
    (part: DashboardCounts) => {
      for (const b of DASHBOARD_BUCKETS) counts[b] += part[b];
    },
  );
  const lists = new Map<DashboardBucket, string[]>();
  for (const b of DASHBOARD_BUCKETS) lists.set(b, await listDashboardBucket(ctx.db, { planId, unitId }, ranges, b, limit));
  const open = lists.get("open") ?? [];
  const rows = await rowsOf(ctx, [...new Set([...lists.values()].flat())], today);
  const base: TaskListFilter = { ...(planId ? { planId } : {}), ...(unitId ? { unitId } : {}) };
  return {
    today,
    /** open tasks in scope (exact count); `rows` holds the `rowLimit` most urgent of them plus every task a bucket lists */
    open: { count: counts.open, truncated: counts.open > open.length },
    /** at most this many task ids per bucket */
    rowLimit: limit,
    buckets: BUCKETS.map((b) => {
      const taskIds = lists.get(b.key) ?? [];
      return { key: b.key, label: b.label, count: counts[b.key], taskIds, truncated: counts[b.key] > taskIds.length, filter: b.filter(base) };
    }),
    rows,
  };
}

/** Dashboard rows (with marks) of the given tasks, in document order. */
async function rowsOf(ctx: InnerContext, ids: readonly string[], today: string): Promise<DashboardRow[]> {
  const tasks: Task[] = [];
  for (let i = 0; i < ids.length; i += 500) tasks.push(...(await getTasksByIds(ctx.db, ids.slice(i, i + 500))));
  tasks.sort((a, b) => (docOrder(a) < docOrder(b) ? -1 : 1));
  const marks = await computeMarks(ctx, tasks, today);
  const names = await unitNameMap(ctx.db, tasks.map((t) => t.lead_unit_id));
  const rollups = await rollupParts(ctx.db, tasks.map((t) => t.id), today, ctx.config.yellowWithinWorkdays);
  return tasks.map((t) => toRow(t, marks.get(t.id) as TaskMarks, names, rollups.get(t.id) ?? null));
}

/**
 * The rows of the given tasks the reader may read (a statistic's task ids: overdue, completed, a
 * resolution class), with their marks, in document order. Unknown or unreadable ids are left out.
 */
export async function dashboardRows(ctx: Authed, input: { taskIds: readonly string[] }): Promise<DashboardRow[]> {
  const user = ctx.session.user;
  scopeUnit(ctx);
  const readable = await readableTaskIds(ctx.db, user, input.taskIds);
  return rowsOf(ctx, [...readable], todayOf(ctx));
}

/**
 * Computes the office's dashboard and statistics over all plans, so that their parts are cached
 * before anyone asks (after a restart, and each day after the daily job): plan by plan, yielding
 * between queries, so requests are served meanwhile.
 */
export async function warmSupervision(ctx: InnerContext, today: string): Promise<void> {
  await dashboardOf(ctx, {}, today);
  await computeStats(ctx, { today });
}
