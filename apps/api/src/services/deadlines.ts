// THE deadline rule, in one place: a task's due date per stage (its 完成时限, else its plan's phase),
// the date that counts now (`effectiveDueDate`, persisted as tasks.effective_due_date so that SQL
// filters and counts compare the same date), and the marks on statutory working days — deadline
// red/yellow/green, signing, and the one flag the task list, dashboard, 督办单, urging, ledger and web
// all show. Pure: task facts + plan phases + today + thresholds in, marks out.
//
// Working days: weekends, public holidays and make-up working days (调休) of the Chinese calendar
// come from the maintained `chinese-days` package, not a typed list. Default import: the package's
// CommonJS build (what Node loads under tsx, i.e. `pnpm start`) has no named exports Node can
// detect; its default export carries every function in both builds.
import type { Phase, TaskStage } from "@duban/db";
import { isOpenStage, WORK_STAGES, type WorkStage } from "@duban/workflow";
import chineseDays from "chinese-days";

const { isWorkday } = chineseDays;

export type DeadlineMark = "red" | "yellow" | "green" | "none";

/** Default: a task turns yellow when at most this many working days are left. */
export const DEFAULT_YELLOW_WITHIN_WORKDAYS = 5;

const DAY_MS = 86_400_000;
/** Day numbers count from 2000-01-01; the table grows on demand and stops at 2200. */
const ORIGIN = Date.UTC(2000, 0, 1) / DAY_MS;
const LAST = Date.UTC(2200, 11, 31) / DAY_MS - ORIGIN;
/** workdaysUpTo[i] = working days in [2000-01-01, day i]. Asking the calendar once per day keeps
 *  counting O(1) afterwards; a list of a thousand tasks due decades ahead costs nothing extra. */
const workdaysUpTo: number[] = [];

// Calendar days ('YYYY-MM-DD', already in the office's zone) as day numbers: UTC arithmetic on a
// date with no time of day, never a reading of the clock.
function dayNumber(day: string): number {
  return Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / DAY_MS - ORIGIN;
}

function cumulativeWorkdays(day: number): number {
  const d = Math.min(Math.max(day, -1), LAST);
  if (d < 0) return 0;
  for (let i = workdaysUpTo.length; i <= d; i++) {
    const iso = new Date((ORIGIN + i) * DAY_MS).toISOString().slice(0, 10);
    workdaysUpTo.push((workdaysUpTo[i - 1] ?? 0) + (isWorkday(iso) ? 1 : 0));
  }
  return workdaysUpTo[d] ?? 0;
}

/**
 * Working days from `today` to `due`: after today up to and including the due date when it lies
 * ahead (0 when due today); negative — the working days past it — when overdue.
 */
export function workdaysLeft(today: string, due: string): number {
  return cumulativeWorkdays(dayNumber(due)) - cumulativeWorkdays(dayNumber(today));
}

/** The first day number whose cumulative working-day count reaches `count`, searched from `near`. */
function firstDayReaching(count: number, near: number): number {
  let d = near;
  if (cumulativeWorkdays(d) >= count) {
    while (d > -1 && cumulativeWorkdays(d - 1) >= count) d -= 1;
  } else {
    while (d < LAST && cumulativeWorkdays(d) < count) d += 1;
  }
  return d;
}

function dayString(day: number): string {
  return new Date((ORIGIN + day) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first due date with more than `n` working days left from `today` (n ≥ -1): for every date,
 * `workdaysLeft(today, due) <= n` ⇔ `due < firstDueWithMoreWorkdaysLeft(today, n)`. This turns a
 * mark into a range of dates SQL can compare a column with.
 */
export function firstDueWithMoreWorkdaysLeft(today: string, n: number): string {
  const t = dayNumber(today);
  return dayString(firstDayReaching(cumulativeWorkdays(t) + n + 1, t));
}

/** `addWorkdays(day, n) < limit` ⇔ `day < firstDayDueOnOrAfter(limit, n)` (the signing window as a range of arrival days). */
export function firstDayDueOnOrAfter(limit: string, n: number): string {
  if (n <= 0) return limit;
  const l = dayNumber(limit);
  return dayString(firstDayReaching(cumulativeWorkdays(l - 1) - n + 1, l - n));
}

/** Red past the due date, yellow within `yellowWithinWorkdays` working days, else green; none when closed or undated. */
export function deadlineMark(
  dueDate: string | null,
  stage: string,
  today: string,
  yellowWithinWorkdays: number = DEFAULT_YELLOW_WITHIN_WORKDAYS,
): DeadlineMark {
  if (dueDate === null || !isOpenStage(stage)) return "none";
  if (dueDate < today) return "red";
  return workdaysLeft(today, dueDate) <= yellowWithinWorkdays ? "yellow" : "green";
}

// ---------------------------------------------------------------------------------------------
// Due dates: the task's own, else its plan's phases

export type DueSource = "task" | "phase" | null;
export interface StageDue {
  stage: WorkStage;
  due: string | null;
  source: DueSource;
}

/** What the rule needs of a plan's phases: each work stage's last day and the handle phase's first. */
export interface PlanDues {
  end: Partial<Record<WorkStage, string>>;
  handleStart: string | null;
}

/** 'YYYY-MM' → its last day 'YYYY-MM-DD'. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** A plan's phases as the rule reads them (compute once per plan, not per task). */
export function planDuesOf(phases: readonly Pick<Phase, "stage" | "start_month" | "end_month">[]): PlanDues {
  const end: Partial<Record<WorkStage, string>> = {};
  let handleStart: string | null = null;
  for (const p of phases) {
    const stage = p.stage as WorkStage | null;
    if (stage === null || !(WORK_STAGES as readonly string[]).includes(stage)) continue;
    if (p.end_month !== null) {
      const last = lastDayOfMonth(p.end_month);
      if ((end[stage] ?? "") < last) end[stage] = last;
    }
    if (stage === "handle" && p.start_month !== null) {
      const first = `${p.start_month}-01`;
      if (handleStart === null || first < handleStart) handleStart = first;
    }
  }
  return { end, handleStart };
}

/**
 * Every stage's due date. handle: the task's 完成时限 (tasks.due_date — granted extensions have moved
 * it), else the end of the plan's handle phase. deploy: the end of its phase, never after the task's
 * due date. Later stages: the end of their phase but never before the task's due date; the task's
 * due date when the plan has no phase for them.
 */
export function stageDues(dueDate: string | null, plan: PlanDues): StageDue[] {
  const handleEnd = plan.end.handle ?? null;
  const taskDue: Omit<StageDue, "stage"> = dueDate !== null ? { due: dueDate, source: "task" } : { due: handleEnd, source: handleEnd !== null ? "phase" : null };
  return WORK_STAGES.map((stage): StageDue => {
    if (stage === "handle") return { stage, ...taskDue };
    const end = plan.end[stage] ?? null;
    if (end === null) return { stage, ...taskDue };
    if (stage === "deploy") return taskDue.due !== null && taskDue.due < end ? { stage, ...taskDue } : { stage, due: end, source: "phase" };
    return taskDue.due !== null && taskDue.due > end ? { stage, ...taskDue } : { stage, due: end, source: "phase" };
  });
}

/** The due date that counts now: the current stage's; null when the task is closed or has none. Persisted as tasks.effective_due_date. */
export function effectiveDueDate(task: { stage: TaskStage; due_date: string | null }, plan: PlanDues): StageDue | null {
  if (!isOpenStage(task.stage)) return null;
  return stageDues(task.due_date, plan).find((d) => d.stage === task.stage) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Marks

export interface DeadlineThresholds {
  /** yellow when at most this many working days are left to the due date */
  yellowWithinWorkdays: number;
  /** an unsigned task must be signed within this many working days after it reached the unit */
  signWithinWorkdays: number;
  /** signing turns yellow when at most this many working days are left to sign */
  signYellowWithinWorkdays: number;
}

export type SignMark = "green" | "yellow" | "red";

/**
 * The one mark of a task, most serious first — the order the ledger's 标记, the 督办单 colour and the
 * web agree on: overdue, then signing overdue, then the deadline near, then signing near.
 */
export const FLAGS = ["overdue", "sign_overdue", "due_soon", "sign_soon", "on_track", "none"] as const;
export type DeadlineFlag = (typeof FLAGS)[number];
export const FLAG_LABELS: Record<DeadlineFlag, string> = {
  overdue: "红色（逾期）",
  sign_overdue: "红色（逾期未签收）",
  due_soon: "黄色（临期）",
  sign_soon: "黄色（待签收）",
  on_track: "绿色（正常）",
  none: "",
};

/** The facts of a task the marks read: its row (stage, status, effective_due_date, reached_unit_at as a day). */
export interface DeadlineFacts {
  stage: TaskStage;
  status: string;
  effective_due_date: string | null;
  /** the calendar day the task reached its current lead unit (clock.ts dayOfInstant of reached_unit_at) */
  reachedUnitOn: string;
}

export interface DeadlineMarks {
  due: string | null;
  /** working days to `due` (negative: overdue by that many), null without a due date */
  workdaysLeft: number | null;
  deadline: DeadlineMark;
  overdue: boolean;
  /** while unsigned: the signing deadline */
  sign: { reachedAt: string; due: string; workdaysLeft: number; mark: SignMark } | null;
  flag: DeadlineFlag;
}

/** Unsigned: waiting in 部署 for the lead unit to sign. */
export function isUnsigned(task: { stage: TaskStage; status: string }): boolean {
  return task.stage === "deploy" && task.status === "signing";
}

/** The n-th working day after `day` (n ≥ 1); `day` itself when n is 0. */
export function addWorkdays(day: string, n: number): string {
  return n <= 0 ? day : chineseDays.findWorkday(n, day);
}

/**
 * The marks of `today` as ranges of the columns they read — what SQL counts and lists with
 * (repositories/dashboard.ts), equal to `deadlineMarks` for every task (deadlines.test.ts):
 * deadline red `due < today`; yellow `today <= due < dueSoonBefore`; signing red when the task
 * reached its unit on a day before `signOverdueReachedBefore`, yellow or red before `signNearReachedBefore`.
 */
export interface MarkBounds {
  today: string;
  dueSoonBefore: string;
  signOverdueReachedBefore: string;
  signNearReachedBefore: string;
}

export function markBounds(today: string, t: DeadlineThresholds): MarkBounds {
  return {
    today,
    dueSoonBefore: firstDueWithMoreWorkdaysLeft(today, t.yellowWithinWorkdays),
    signOverdueReachedBefore: firstDayDueOnOrAfter(firstDueWithMoreWorkdaysLeft(today, -1), t.signWithinWorkdays),
    signNearReachedBefore: firstDayDueOnOrAfter(firstDueWithMoreWorkdaysLeft(today, t.signYellowWithinWorkdays), t.signWithinWorkdays),
  };
}

export function deadlineMarks(task: DeadlineFacts, today: string, t: DeadlineThresholds): DeadlineMarks {
  const due = isOpenStage(task.stage) ? task.effective_due_date : null;
  const deadline = deadlineMark(due, task.stage, today, t.yellowWithinWorkdays);
  const overdue = deadline === "red";
  let sign: DeadlineMarks["sign"] = null;
  if (isUnsigned(task)) {
    const signDue = addWorkdays(task.reachedUnitOn, t.signWithinWorkdays);
    const left = workdaysLeft(today, signDue);
    sign = { reachedAt: task.reachedUnitOn, due: signDue, workdaysLeft: left, mark: left < 0 ? "red" : left <= t.signYellowWithinWorkdays ? "yellow" : "green" };
  }
  const flag: DeadlineFlag = overdue
    ? "overdue"
    : sign?.mark === "red"
      ? "sign_overdue"
      : deadline === "yellow"
        ? "due_soon"
        : sign?.mark === "yellow"
          ? "sign_soon"
          : deadline === "green" || sign !== null
            ? "on_track"
            : "none";
  return { due, workdaysLeft: due === null ? null : workdaysLeft(today, due), deadline, overdue, sign, flag };
}

// ---------------------------------------------------------------------------------------------
// 月调度: the monthly progress report

/** Monthly reports (月调度) are due by this day of the month; after it a missing report makes a task "behind". */
export const MONTHLY_REPORT_DAY = 20;

/** Past this month's report day: from now on a missing monthly report makes a task "behind". */
export function reportsLateOn(today: string): boolean {
  return Number(today.slice(8, 10)) > MONTHLY_REPORT_DAY;
}

/**
 * "Missing monthly report", the one meaning: a task in 办理 with a lead unit and no progress report
 * for `month` ('YYYY-MM', this month in the office's zone). `last_report_period` is the latest
 * month reported (tasks column).
 */
export function missesMonthlyReport(task: { stage: TaskStage; lead_unit_id: string | null; last_report_period: string | null }, month: string): boolean {
  return task.stage === "handle" && task.lead_unit_id !== null && (task.last_report_period ?? "") < month;
}
