// The supervision dashboard and a task's deadlines: marks with the phase fallback and signing mark.
import { getTask, type Task } from "@duban/db";
import type { TaskStage } from "@duban/db";
import { canReadTask } from "../access";
import { workdaysLeft as workdaysLeftOf } from "../deadlines";
import { notFound } from "../../errors";
import { addWorkdays } from "./calendar";
import { computeMarks, isOpen, type TaskMarks } from "./marks";
import { allTasks, pathLabel, scopeUnit, todayOf, unitNameMap, type Authed } from "./common";

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
    reassign: marks.sign === null ? null : reassignWindow(ctx, marks.sign.reachedAt, today),
    marks,
  };
}

function reassignWindow(ctx: Authed, reachedAt: string, today: string) {
  const until = addWorkdays(reachedAt, ctx.config.reassignWithinWorkdays);
  return { until, open: today <= until, workdays: ctx.config.reassignWithinWorkdays };
}


/** Open tasks with their marks, scoped to the reader's unit for liaisons. */
export async function loadMarkedTasks(ctx: Authed, input: { planId?: string; unitId?: string }, today: string) {
  const unitId = scopeUnit(ctx, input.unitId);
  const tasks = (await allTasks(ctx.db, { ...(input.planId ? { planId: input.planId } : {}), ...(unitId ? { unitId } : {}) })).filter((t) =>
    isOpen(t.stage),
  );
  const marks = await computeMarks(ctx, tasks, today);
  return { tasks, marks, unitId };
}

export function toRow(task: Task, marks: TaskMarks, names: Map<string, string>): DashboardRow {
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
  };
}

export async function dashboard(ctx: Authed, input: { planId?: string; unitId?: string }) {
  const today = todayOf(ctx);
  const { tasks, marks, unitId } = await loadMarkedTasks(ctx, input, today);
  const names = await unitNameMap(ctx.db, tasks.map((t) => t.lead_unit_id));
  const rows = tasks.map((t) => toRow(t, marks.get(t.id) as TaskMarks, names));
  const base: TaskListFilter = { ...(input.planId ? { planId: input.planId } : {}), ...(unitId ? { unitId } : {}) };
  const bucket = (key: string, label: string, pick: (r: DashboardRow) => boolean, filter: TaskListFilter) => {
    const ids = rows.filter(pick).map((r) => r.taskId);
    return { key, label, count: ids.length, taskIds: ids, filter };
  };
  return {
    today,
    buckets: [
      bucket("red", "逾期（红）", (r) => r.marks.deadline === "red", { ...base, overdue: true }),
      bucket("yellow", "临期（黄）", (r) => r.marks.deadline === "yellow", base),
      bucket("behind", "进度滞后", (r) => r.marks.behind !== null, { ...base, stage: ["handle"] }),
      bucket("noReport", "本月未报进度", (r) => r.stage === "handle" && !r.marks.reportedThisMonth, { ...base, stage: ["handle"] }),
      bucket("signLate", "签收超时", (r) => r.marks.sign !== null && r.marks.sign.mark !== "green", { ...base, stage: ["deploy"] }),
      bucket("noticeRed", "应发红色督办单", (r) => r.marks.colour === "red", base),
      bucket("noticeYellow", "应发黄色督办单", (r) => r.marks.colour === "yellow", base),
      bucket("noticeBlue", "应发蓝色督办单", (r) => r.marks.colour === "blue", base),
    ],
    rows,
  };
}
