// Supervision marks of a task, from its row and its plan only: the deadline rule's marks
// (../deadlines.ts: due date with the phase fallback, red/yellow/green, signing, the one flag),
// "behind" (monthly report missing after the 20th / progress behind the phase) and the 督办单 colour
// the task qualifies for. No audit log, no progress reports: the facts are task columns written by
// transitionTask (task-facts.ts).
import { listPhasesOfPlans, type Phase, type Task } from "@duban/db";
import { isOpenStage } from "@duban/workflow";
import { addCalendarDays } from "@duban/workflow/clock";
import { dayOfInstant, type ClockContext } from "../../clock";
import type { InnerContext } from "../../context";
import {
  deadlineMarks,
  missesMonthlyReport,
  MONTHLY_REPORT_DAY,
  reportsLateOn,
  planDuesOf,
  stageDues,
  type DeadlineMarks,
  type DueSource,
  type PlanDues,
  type StageDue,
} from "../deadlines";
import { calendarDaysBetween } from "./calendar";

export { MONTHLY_REPORT_DAY };
/** Reported percent may trail the phase's elapsed time by this many points before the task is "behind". */
export const PROGRESS_TOLERANCE = 20;

export type NoticeColour = "blue" | "yellow" | "red";

export interface TaskMarks extends DeadlineMarks {
  taskId: string;
  dueSource: DueSource;
  /** handle stage only: why the task is behind, or null */
  behind: { reason: "no_report" | "progress_behind"; expectedPercent: number | null; percent: number | null } | null;
  /** the monthly report (月调度) of this month is missing (deadlines.ts missesMonthlyReport) */
  missingReport: boolean;
  latestPercent: number | null;
  /** the 督办单 colour the task qualifies for today: red overdue (or signing overdue), yellow behind, blue near */
  colour: NoticeColour | null;
  /** every stage's due date */
  stageDues: StageDue[];
}

/** The task columns the marks are computed from (a Task, or a row of listPlanMarkTasks). */
export type MarkedTask = Pick<
  Task,
  | "id"
  | "plan_id"
  | "stage"
  | "status"
  | "due_date"
  | "created_at"
  | "lead_unit_id"
  | "effective_due_date"
  | "reached_unit_at"
  | "entered_stage_at"
  | "last_report_period"
  | "latest_percent"
  | "behind_from"
>;

/** The handle stage's window: from the day the task entered 办理 (else the plan's handle phase, else its creation) to its due date. */
export interface HandleWindow {
  start: string;
  due: string | null;
}

export function handleWindow(
  ctx: Pick<ClockContext, "config">,
  task: Pick<Task, "due_date" | "created_at" | "entered_stage_at">,
  plan: PlanDues,
): HandleWindow {
  const start = task.entered_stage_at !== null ? dayOfInstant(ctx, task.entered_stage_at) : (plan.handleStart ?? dayOfInstant(ctx, task.created_at));
  const due = stageDues(task.due_date, plan).find((x) => x.stage === "handle")?.due ?? null;
  return { start, due };
}

/** The share of the handle window elapsed by `day`, in percent (0–100); null without a due date after the start. */
export function expectedPercent(w: HandleWindow, day: string): number | null {
  if (w.due === null || w.due <= w.start) return null;
  return Math.max(0, Math.min(100, Math.round((calendarDaysBetween(w.start, day) / calendarDaysBetween(w.start, w.due)) * 100)));
}

/**
 * "Progress behind", as a date: the first day on which the reported percent trails the window's
 * elapsed share by more than PROGRESS_TOLERANCE points; null when that never happens (no report,
 * no due date, or too little left to trail). The elapsed share only grows, so a task is behind
 * from this day on — persisted as tasks.behind_from whenever the stage, the due date or the percent
 * changes (task-facts.ts), so that SQL counts it (repositories/dashboard.ts).
 */
export function progressBehindFrom(w: HandleWindow, percent: number | null): string | null {
  if (percent === null || w.due === null || w.due <= w.start) return null;
  const needed = percent + PROGRESS_TOLERANCE + 1;
  if (needed > 100) return null;
  const total = calendarDaysBetween(w.start, w.due);
  const dayAt = (k: number) => addCalendarDays(w.start, k);
  // the least k (days after the start) whose expected percent reaches `needed`, nudged past rounding
  let k = Math.max(0, Math.ceil(((needed - 0.5) * total) / 100) - 1);
  while ((expectedPercent(w, dayAt(k)) ?? 0) >= needed && k > 0) k -= 1;
  while ((expectedPercent(w, dayAt(k)) ?? 0) < needed) k += 1;
  return dayAt(k);
}

/** One task's marks (pure): its row, its plan's dues, today and this month. */
export function marksOf(ctx: Pick<InnerContext, "config">, task: MarkedTask, plan: PlanDues, today: string): TaskMarks {
  const dues = stageDues(task.due_date, plan);
  const current = isOpenStage(task.stage) ? (dues.find((d) => d.stage === task.stage) ?? null) : null;
  const d = deadlineMarks(
    { stage: task.stage, status: task.status, effective_due_date: task.effective_due_date, reachedUnitOn: dayOfInstant(ctx, task.reached_unit_at ?? task.created_at) },
    today,
    ctx.config,
  );
  const missingReport = missesMonthlyReport(task, today.slice(0, 7));
  let behind: TaskMarks["behind"] = null;
  if (task.stage === "handle" && !d.overdue) {
    const window = handleWindow(ctx, task, plan);
    const expected = expectedPercent(window, today);
    const percent = task.latest_percent;
    if (missingReport && reportsLateOn(today)) {
      behind = { reason: "no_report", expectedPercent: expected, percent };
    } else if (task.behind_from !== null && task.behind_from <= today) {
      behind = { reason: "progress_behind", expectedPercent: expected, percent };
    }
  }
  const colour: NoticeColour | null = !isOpenStage(task.stage)
    ? null
    : d.flag === "overdue" || d.flag === "sign_overdue"
      ? "red"
      : behind !== null
        ? "yellow"
        : d.flag === "due_soon" || d.flag === "sign_soon"
          ? "blue"
          : null;
  return {
    ...d,
    taskId: task.id,
    dueSource: current?.source ?? null,
    behind,
    missingReport,
    latestPercent: task.latest_percent,
    colour,
    stageDues: dues,
  };
}

/** Each plan's dues (one query for all the plans). */
export async function planDuesByPlan(ctx: InnerContext, planIds: Iterable<string>): Promise<Map<string, PlanDues>> {
  const phases = await listPhasesOfPlans(ctx.db, [...new Set(planIds)]);
  // a plan without phases is left out: callers fall back to no phases
  const byPlan = new Map<string, Phase[]>();
  for (const p of phases) byPlan.set(p.plan_id, [...(byPlan.get(p.plan_id) ?? []), p]);
  return new Map([...byPlan].map(([id, list]) => [id, planDuesOf(list)]));
}

/** Marks for many tasks at once (one query for their plans' phases). */
export async function computeMarks(ctx: InnerContext, tasks: readonly MarkedTask[], today: string): Promise<Map<string, TaskMarks>> {
  const plans = await planDuesByPlan(ctx, tasks.map((t) => t.plan_id));
  const none = planDuesOf([]);
  return new Map(tasks.map((t) => [t.id, marksOf(ctx, t, plans.get(t.plan_id) ?? none, today)]));
}
