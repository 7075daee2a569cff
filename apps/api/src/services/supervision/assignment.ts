// Time-boxed assignment: a unit may ask for reassignment (REQUEST_REASSIGN) only within
// config.reassignWithinWorkdays working days after the task reached it (its creation, or the last
// REASSIGN to it).
//
// The lifecycle package reads no clock and knows no calendar (the statutory working-day calendar,
// 调休 included, comes from `chinese-days`), so the server computes the window's last day here and
// passes it to `decide` / `availableActions` as a fact; the lifecycle makes the decision and words it.
import { listTaskMoves, type DbOrTrx, type Task } from "@duban/db";
import type { TaskFacts } from "@duban/workflow";
import { dayOfInstant } from "../../clock";
import type { InnerContext } from "../../context";
import { addWorkdays } from "./calendar";

export async function reassignWindowOf(ctx: InnerContext, db: DbOrTrx, task: Task): Promise<NonNullable<TaskFacts["reassignWindow"]>> {
  const reassigns = await listTaskMoves(db, { taskIds: [task.id], actions: ["task.REASSIGN"] });
  const reachedAt = dayOfInstant(ctx, reassigns.at(-1)?.at ?? task.created_at);
  const workdays = ctx.config.reassignWithinWorkdays;
  return { lastDay: addWorkdays(reachedAt, workdays), workdays };
}
