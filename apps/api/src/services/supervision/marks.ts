// Supervision marks of a task: its due date per stage (task's own 完成时限, else the plan's phase
// for that stage), the deadline mark on working days, the signing mark, "behind" (no monthly
// report / progress behind the phase), and the 督办单 colour the task qualifies for.
import { listPhases, listTaskMoves, latestProgressByTask, type DbOrTrx, type Phase, type Task, type TaskMove } from "@duban/db";
import type { InnerContext } from "../../context";
import { deadlineMark, workdaysLeft, type DeadlineMark } from "../deadlines";
import { addWorkdays, calendarDaysBetween, lastDayOfMonth } from "./calendar";

export const WORK_STAGES = ["deploy", "handle", "inspect", "summarize", "evaluate"] as const;
export type WorkStage = (typeof WORK_STAGES)[number];

/** Monthly reports (月调度) are due by this day of the month; after it a missing report makes a task "behind". */
export const MONTHLY_REPORT_DAY = 20;
/** Reported percent may trail the phase's elapsed time by this many points before the task is "behind". */
export const PROGRESS_TOLERANCE = 20;

export type DueSource = "task" | "phase" | null;
export interface StageDue {
  stage: WorkStage;
  due: string | null;
  source: DueSource;
}

export function isOpen(stage: string): boolean {
  return stage !== "done" && stage !== "terminated";
}

/** Phase ends / starts per phases list (one list per plan in computeMarks): computed once, not per task. */
const phaseDays = new WeakMap<readonly Phase[], Map<string, string | null>>();
function memoPhase(phases: readonly Phase[], key: string, compute: () => string | null): string | null {
  let m = phaseDays.get(phases);
  if (m === undefined) phaseDays.set(phases, (m = new Map()));
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) ?? null;
}

/** The last day of the last phase of `stage`, or null. */
function phaseEnd(phases: readonly Phase[], stage: WorkStage): string | null {
  return memoPhase(phases, `end:${stage}`, () => {
    const ends = phases.filter((p) => p.stage === stage && p.end_month !== null).map((p) => p.end_month as string);
    return ends.length ? lastDayOfMonth(ends.sort().at(-1) as string) : null;
  });
}
function phaseStart(phases: readonly Phase[], stage: WorkStage): string | null {
  return memoPhase(phases, `start:${stage}`, () => {
    const starts = phases.filter((p) => p.stage === stage && p.start_month !== null).map((p) => p.start_month as string);
    return starts.length ? `${starts.sort()[0]}-01` : null;
  });
}

/**
 * Every stage's due date. handle: the task's 完成时限 (tasks.due_date — granted extensions have moved
 * it), else the end of the plan's handle phase. deploy: the end of its phase, never after the task's
 * due date. Later stages: the end of their phase but never before the task's due date; the task's
 * due date when the plan has no phase for them.
 */
export function stageDues(task: Pick<Task, "due_date">, phases: readonly Phase[]): StageDue[] {
  const taskDue: StageDue = task.due_date
    ? { stage: "handle", due: task.due_date, source: "task" }
    : { stage: "handle", due: phaseEnd(phases, "handle"), source: phaseEnd(phases, "handle") ? "phase" : null };
  return WORK_STAGES.map((stage): StageDue => {
    if (stage === "handle") return taskDue;
    const end = phaseEnd(phases, stage);
    // deploy: its phase's end, but never after the task's own due date
    if (stage === "deploy") {
      if (end === null) return { stage, due: taskDue.due, source: taskDue.source };
      return taskDue.due !== null && taskDue.due < end ? { stage, due: taskDue.due, source: taskDue.source } : { stage, due: end, source: "phase" };
    }
    // later stages without a phase of their own: the task's due date (as the task list marks them)
    if (end === null) return { stage, due: taskDue.due, source: taskDue.source };
    if (taskDue.due !== null && taskDue.due > end) return { stage, due: taskDue.due, source: taskDue.source };
    return { stage, due: end, source: "phase" };
  });
}

export type SignMark = "green" | "yellow" | "red";
export type NoticeColour = "blue" | "yellow" | "red";

export interface TaskMarks {
  taskId: string;
  /** the current stage's due date and where it came from */
  due: string | null;
  dueSource: DueSource;
  /** working days to `due` (negative: overdue by that many), null without a due date */
  workdaysLeft: number | null;
  /** red/yellow/green/none on `due` (phase fallback included) */
  deadline: DeadlineMark;
  overdue: boolean;
  /** while unsigned: the signing deadline (working days after the task reached the unit) */
  sign: { reachedAt: string; due: string; workdaysLeft: number; mark: SignMark } | null;
  /** handle stage only: why the task is behind, or null */
  behind: { reason: "no_report" | "progress_behind"; expectedPercent: number | null; percent: number | null } | null;
  reportedThisMonth: boolean;
  latestPercent: number | null;
  latestProgress: string | null;
  /** the 督办单 colour the task qualifies for today: red overdue, yellow behind, blue deadline near */
  colour: NoticeColour | null;
  /** every stage's due date */
  stageDues: StageDue[];
}

/** The task columns the marks are computed from (a Task, or a row of listPlanMarkTasks). */
export type MarkedTask = Pick<Task, "id" | "plan_id" | "stage" | "status" | "due_date" | "created_at">;

/** When the task reached its current lead unit: the last REASSIGN, else creation (per task). */
export async function reachedUnitAt(db: DbOrTrx, tasks: readonly MarkedTask[]): Promise<Map<string, string>> {
  const out = new Map(tasks.map((t) => [t.id, t.created_at]));
  const moves = await listTaskMoves(db, { taskIds: tasks.map((t) => t.id), actions: ["task.REASSIGN"] });
  for (const m of moves) out.set(m.task_id, m.at);
  return out;
}

/**
 * When each task entered its current stage (from the transitions in the audit log; creation for
 * deploy). `moves`: the tasks' state-changing moves if the caller has them already.
 */
async function enteredStageAt(db: DbOrTrx, tasks: readonly MarkedTask[], moves?: readonly TaskMove[]): Promise<Map<string, string>> {
  const out = new Map(tasks.map((t) => [t.id, t.created_at]));
  for (const m of moves ?? (await listTaskMoves(db, { taskIds: tasks.map((t) => t.id), stateChanges: true }))) {
    const from = m.from_state?.split("/")[0];
    const to = m.to_state?.split("/")[0];
    if (from !== to) out.set(m.task_id, m.at);
  }
  return out;
}

const NO_PHASES: readonly Phase[] = [];

/**
 * Marks for many tasks at once (a few queries, not per task). `moves`: the tasks' moves with
 * `stateChanges: true` (listTaskMoves), when the caller loaded them already.
 */
export async function computeMarks(ctx: InnerContext, tasks: readonly MarkedTask[], today: string, moves?: readonly TaskMove[]): Promise<Map<string, TaskMarks>> {
  const planIds = [...new Set(tasks.map((t) => t.plan_id))];
  const phasesByPlan = new Map<string, Phase[]>();
  for (const id of planIds) phasesByPlan.set(id, await listPhases(ctx.db, id));
  const [reached, entered, progress] = await Promise.all([
    reachedUnitAt(ctx.db, tasks),
    enteredStageAt(ctx.db, tasks, moves),
    latestProgressByTask(ctx.db, tasks.map((t) => t.id)),
  ]);
  const month = today.slice(0, 7);
  const out = new Map<string, TaskMarks>();
  for (const task of tasks) {
    const phases = phasesByPlan.get(task.plan_id) ?? NO_PHASES;
    const dues = stageDues(task, phases);
    const current = dues.find((d) => d.stage === task.stage) ?? null;
    const due = current?.due ?? null;
    const open = isOpen(task.stage);
    const deadline = deadlineMark(due, task.stage, today, ctx.config.yellowWithinWorkdays);
    const overdue = open && due !== null && due < today;

    let sign: TaskMarks["sign"] = null;
    if (task.stage === "deploy" && task.status === "signing") {
      const reachedAt = (reached.get(task.id) ?? task.created_at).slice(0, 10);
      const signDue = addWorkdays(reachedAt, ctx.config.signWithinWorkdays);
      const left = workdaysLeft(today, signDue);
      sign = { reachedAt, due: signDue, workdaysLeft: left, mark: left < 0 ? "red" : left <= 1 ? "yellow" : "green" };
    }

    const p = progress.get(task.id);
    const reportedThisMonth = p?.periods.has(month) ?? false;
    let behind: TaskMarks["behind"] = null;
    if (task.stage === "handle" && !overdue) {
      const start = (entered.get(task.id) ?? phaseStart(phases, "handle") ?? task.created_at).slice(0, 10);
      const handleDue = dues.find((d) => d.stage === "handle")?.due ?? null;
      const expected =
        handleDue !== null && handleDue > start
          ? Math.max(0, Math.min(100, Math.round((calendarDaysBetween(start, today) / calendarDaysBetween(start, handleDue)) * 100)))
          : null;
      const percent = p?.percent ?? null;
      if (!reportedThisMonth && Number(today.slice(8, 10)) > MONTHLY_REPORT_DAY) {
        behind = { reason: "no_report", expectedPercent: expected, percent };
      } else if (expected !== null && percent !== null && percent + PROGRESS_TOLERANCE < expected) {
        behind = { reason: "progress_behind", expectedPercent: expected, percent };
      }
    }

    const colour: NoticeColour | null = !open
      ? null
      : overdue || sign?.mark === "red"
        ? "red"
        : behind !== null
          ? "yellow"
          : deadline === "yellow" || sign?.mark === "yellow"
            ? "blue"
            : null;

    out.set(task.id, {
      taskId: task.id,
      due,
      dueSource: current?.source ?? null,
      workdaysLeft: due === null ? null : workdaysLeft(today, due),
      deadline,
      overdue,
      sign,
      behind,
      reportedThisMonth,
      latestPercent: p?.percent ?? null,
      latestProgress: p?.text ?? null,
      colour,
      stageDues: dues,
    });
  }
  return out;
}
