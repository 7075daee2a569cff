// Conditions on a task's context that decide whether a move may happen. The machine's guards
// call these, and refusals are explained with the same functions, so the two never disagree.
import type { TaskContext } from "./context";
import type { Rating, StageOrTerminated } from "./vocabulary";

/**
 * A sub-task stops holding up its parent's 办理 completion once its own 办理 is approved (it is past
 * handle), it is terminated, or its splitter waived it.
 */
export const PART_SETTLED_STAGES: readonly StageOrTerminated[] = ["inspect", "summarize", "evaluate", "done", "terminated"];

export function partSettled(part: { stage: StageOrTerminated; waived: boolean }): boolean {
  return part.waived || PART_SETTLED_STAGES.includes(part.stage);
}

/**
 * The parent's 办理 completion waits until every sub-task is settled. A task that was split and is
 * decided without the facts is held (fail safe): the server always passes them.
 */
export function partsSettled(context: TaskContext, facts: TaskFacts | undefined): boolean {
  if (context.partCount === 0) return true;
  return facts?.unsettledPartIds !== undefined && facts.unsettledPartIds.length === 0;
}

/** A due date a sub-task may have: on or before its parent's (none set: any). */
export function withinParentDueDate(context: Pick<TaskContext, "parentDueDate">, dueDate: string | null | undefined): boolean {
  return context.parentDueDate === null || (dueDate !== null && dueDate !== undefined && dueDate <= context.parentDueDate);
}

/**
 * Facts the lifecycle does not read itself (it reads no clock and knows no calendar): the server
 * computes them and passes them to `decide` and `availableActions`, which make the decision.
 */
export interface TaskFacts {
  /** Today (YYYY-MM-DD) in the configured time zone. */
  today: string;
  /** REQUEST_REASSIGN is allowed up to and including `lastDay`: `workdays` working days after the task reached its lead unit. */
  reassignWindow?: { lastDay: string; workdays: number };
  /** 分解: the sub-tasks of this task that still hold up its 办理 completion (see `partSettled`). */
  unsettledPartIds?: readonly string[];
}

/** Without the facts (pure tests, tools) the window is not checked; the server always passes them. */
export function reassignWindowOpen(facts: TaskFacts | undefined): boolean {
  return facts?.reassignWindow === undefined || facts.today <= facts.reassignWindow.lastDay;
}

/** Co-units whose part still holds up the lead unit's report (not accepted or waived). */
export function unsettledContributions(context: TaskContext): string[] {
  return Object.entries(context.contributions)
    .filter(([, c]) => c.status !== "accepted" && c.status !== "waived")
    .map(([unitId]) => unitId);
}

/** The lead unit's completion report waits until every co-unit's part is accepted or waived. */
export function contributionsSettled(context: TaskContext): boolean {
  return Object.values(context.contributions).every((c) => c.status === "accepted" || c.status === "waived");
}

export function hasOpenItems(context: TaskContext): boolean {
  return context.rectification.items.some((item) => item.status === "open");
}

export function allItemsClosed(context: TaskContext): boolean {
  return context.rectification.items.every((item) => item.status === "closed");
}

/**
 * The evaluation fails — and the task goes back to handling for a new round — when 不满意
 * ratings are a strict majority of all ratings given. Ties (e.g. 1 of 2) pass.
 */
export function evaluationFails(ratings: Record<string, Rating>): boolean {
  const all = Object.values(ratings);
  const unsatisfied = all.filter((r) => r === "unsatisfied").length;
  return unsatisfied * 2 > all.length;
}
