// 催办: urging every overdue open task one unit leads, in one action. Each urge is the ordinary
// URGE transition (versioned, audited, in the task history); the unit also gets one inbox message.
import { getUnit, listTasks } from "@duban/db";
import { AppError } from "../../errors";
import { recordAudit } from "../audit";
import { transitionTask } from "../tasks";
import type { Authed } from "./common";
import { todayOf } from "../../clock";

const URGE_TOGETHER = 100;

export async function urgeOverdue(ctx: Authed, input: { unitId: string; text?: string | undefined }) {
  const unit = await getUnit(ctx.db, input.unitId);
  if (unit === undefined) throw new AppError("NOT_FOUND", "单位不存在");
  const today = todayOf(ctx);
  const text = input.text?.trim() || "该任务已逾期，请抓紧办理并及时报送进展。";
  const urged: { taskId: string; version: number }[] = [];
  const failed: { taskId: string; message: string }[] = [];
  // Overdue by the deadline rule's date (tasks.effective_due_date), as every mark shows it, a page
  // of URGE_TOGETHER at a time (memory holds one page, whatever the unit's backlog). An URGE moves
  // no task out of the filter or the order, so the cursor walks every overdue task once. The page
  // is sent together so its urges share group commits (one durable commit for many, not one per
  // task); each is still its own versioned, audited move.
  let cursor: string | null = null;
  let overdue = 0;
  do {
    const page = await listTasks(ctx.db, { leadUnitId: input.unitId, overdue: true, today, cursor, limit: URGE_TOGETHER });
    overdue += page.items.length;
    const results = await Promise.allSettled(page.items.map((task) => transitionTask(ctx, { taskId: task.id, expectedVersion: task.version, event: { type: "URGE", text } })));
    results.forEach((r, j) => {
      const taskId = (page.items[j] as (typeof page.items)[number]).id;
      if (r.status === "fulfilled") urged.push({ taskId, version: r.value.version });
      else failed.push({ taskId, message: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    });
    cursor = page.nextCursor;
  } while (cursor !== null);
  // One record of the office's single action (each URGE above has its own task.URGE record).
  await recordAudit(ctx, ctx.db, {
    action: "supervision.urgeOverdue",
    object_type: "unit",
    object_id: unit.id,
    comment: text,
    detail: { overdue, urged: urged.map((u) => u.taskId), failed: failed.map((f) => f.taskId) },
  });
  // Each URGE above notified the unit in its own transaction (task-effects.ts).
  return { unitId: unit.id, overdue, urged: urged.length, failed, taskIds: urged.map((u) => u.taskId) };
}
