// Conditions on a task's context that decide whether a move may happen. The machine's guards
// call these, and refusals are explained with the same functions, so the two never disagree.
import type { TaskContext } from "./context";
import type { Rating } from "./vocabulary";

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
