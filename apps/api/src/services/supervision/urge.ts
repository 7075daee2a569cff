// 催办: urging every overdue open task one unit leads, in one action. Each urge is the ordinary
// URGE transition (versioned, audited, in the task history); the unit also gets one inbox message.
import { getUnit } from "@duban/db";
import { AppError } from "../../errors";
import { recordAudit } from "../audit";
import { transitionTask } from "../tasks";
import { allTasks, todayOf, type Authed } from "./common";
import { computeMarks, isOpen } from "./marks";

export async function urgeOverdue(ctx: Authed, input: { unitId: string; text?: string | undefined }) {
  const unit = await getUnit(ctx.db, input.unitId);
  if (unit === undefined) throw new AppError("NOT_FOUND", "单位不存在");
  const today = todayOf(ctx);
  const tasks = (await allTasks(ctx.db, { leadUnitId: input.unitId })).filter((t) => isOpen(t.stage));
  const marks = await computeMarks(ctx, tasks, today);
  const overdue = tasks.filter((t) => marks.get(t.id)?.overdue);
  const text = input.text?.trim() || "该任务已逾期，请抓紧办理并及时报送进展。";
  const urged: { taskId: string; version: number }[] = [];
  const failed: { taskId: string; message: string }[] = [];
  for (const task of overdue) {
    try {
      const r = await transitionTask(ctx, { taskId: task.id, expectedVersion: task.version, event: { type: "URGE", text } });
      urged.push({ taskId: task.id, version: r.version });
    } catch (cause) {
      failed.push({ taskId: task.id, message: cause instanceof Error ? cause.message : String(cause) });
    }
  }
  // One record of the office's single action (each URGE above has its own task.URGE record).
  await recordAudit(ctx, ctx.db, {
    action: "supervision.urgeOverdue",
    object_type: "unit",
    object_id: unit.id,
    comment: text,
    detail: { overdue: overdue.length, urged: urged.map((u) => u.taskId), failed: failed.map((f) => f.taskId) },
  });
  // Each URGE above notified the unit in its own transaction (task-effects.ts).
  return { unitId: unit.id, overdue: overdue.length, urged: urged.length, failed, taskIds: urged.map((u) => u.taskId) };
}
