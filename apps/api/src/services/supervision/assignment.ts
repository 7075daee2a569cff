// Time-boxed assignment: a unit may ask for reassignment (REQUEST_REASSIGN) only within
// config.reassignWithinWorkdays working days after the task reached it (its creation, or the last
// REASSIGN to it).
//
// The lifecycle package reads no clock and knows no calendar (the statutory working-day calendar,
// 调休 included, comes from `chinese-days`), so the server computes the window's last day here and
// passes it to `decide` / `availableActions` as a fact; the lifecycle makes the decision and words it.
import type { Task } from "@duban/db";
import type { TaskFacts } from "@duban/workflow";
import { dayOfInstant } from "../../clock";
import type { InnerContext } from "../../context";
import { addWorkdays } from "./calendar";

export function reassignWindowOf(ctx: InnerContext, task: Pick<Task, "reached_unit_at" | "created_at">): NonNullable<TaskFacts["reassignWindow"]> {
  const reachedAt = dayOfInstant(ctx, task.reached_unit_at ?? task.created_at);
  const workdays = ctx.config.reassignWithinWorkdays;
  return { lastDay: addWorkdays(reachedAt, workdays), workdays };
}
