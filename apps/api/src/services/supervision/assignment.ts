// Time-boxed assignment: a unit may ask for reassignment (REQUEST_REASSIGN) only within
// config.reassignWithinWorkdays working days after the task reached it (its creation, or the last
// REASSIGN to it). Called by transitionTask before the lifecycle decides.
//
// Why here and not as a guard of the machine: the lifecycle package reads no clock and knows no
// calendar; a guard would need the statutory working-day calendar (调休, from `chinese-days`) and a
// new "assigned at" field in every persisted snapshot (a snapshot version upgrade). The server
// already stamps the event time, so it checks the window with the calendar it owns.
import { listTaskMoves, type DbOrTrx, type Task } from "@duban/db";
import type { InnerContext } from "../../context";
import { AppError } from "../../errors";
import { addWorkdays, chineseDate } from "./calendar";

export async function checkReassignWindow(ctx: InnerContext, db: DbOrTrx, task: Task): Promise<void> {
  const reassigns = await listTaskMoves(db, { taskIds: [task.id], actions: ["task.REASSIGN"] });
  const reachedAt = (reassigns.at(-1)?.at ?? task.created_at).slice(0, 10);
  const lastDay = addWorkdays(reachedAt, ctx.config.reassignWithinWorkdays);
  const today = ctx.clock().toISOString().slice(0, 10);
  if (today > lastDay) {
    throw new AppError(
      "GUARD_FAILED",
      `申请改派须在任务交办后 ${ctx.config.reassignWithinWorkdays} 个工作日内（${chineseDate(lastDay)}前）提出，已超过期限；如确需调整，请联系领导小组办公室`,
      { guard: "reassignWindow" },
    );
  }
}
