// The business rows a lifecycle move writes beside the snapshot: submissions, progress reports,
// rectification items, ratings, extension requests, attachments and the task's unit links.
// Runs inside the transition's transaction.
import {
  closeRectificationItem,
  createAttachment,
  createExtensionRequest,
  createProgressReport,
  createRectificationItems,
  createSubmission,
  decideExtensionRequest,
  insertNotifications,
  listExtensionRequests,
  markRectified,
  removeTaskUnit,
  setTaskUnit,
  upsertRating,
  type DbOrTrx,
  type SubmissionKind,
  type UserRow,
} from "@duban/db";
import { stageOf, type TaskEvent, type TaskSnapshot } from "@duban/workflow";
import { AppError } from "../errors";
import { readableFiles } from "./access";

const SUBMISSION_KIND: Record<string, SubmissionKind> = {
  deploy: "handling_plan",
  handle: "completion",
  inspect: "rectification",
  summarize: "summary",
};

export function rectificationRowId(taskId: string, itemId: string): string {
  return `${taskId}:${itemId}`;
}

/** Evidence named in a move must exist and be the user's to use (uploaded by them or already visible to them). */
export async function checkFilesUsable(db: DbOrTrx, user: UserRow, hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  const usable = await readableFiles(db, user, hashes);
  if (hashes.some((hash) => !usable.has(hash))) {
    throw new AppError("BAD_INPUT", "附件不存在，请重新上传", { fields: { fileHashes: "附件不存在，请重新上传" } });
  }
}

async function attach(db: DbOrTrx, ownerType: string, ownerId: string, hashes: readonly string[] | undefined, at: string) {
  for (const hash of hashes ?? []) await createAttachment(db, { file_sha256: hash, owner_type: ownerType, owner_id: ownerId, created_at: at });
}

export async function applyTaskEffects(
  db: DbOrTrx,
  taskId: string,
  event: TaskEvent,
  before: TaskSnapshot,
  after: TaskSnapshot,
  /** the calendar month of the move in the office's zone (clock.ts): a progress report counts for it */
  month: string,
): Promise<void> {
  const { actor, at } = event;
  const stage = stageOf(before);
  const base = { task_id: taskId, unit_id: actor.unitId, user_id: actor.userId, created_at: at };
  switch (event.type) {
    case "SUBMIT": {
      const kind = SUBMISSION_KIND[stage] ?? "other";
      const row = await createSubmission(db, {
        ...base,
        stage,
        round: before.context.round,
        kind,
        text: event.text,
        resolution_class: event.resolutionClass ?? null,
      });
      await attach(db, "submission", row.id, event.fileHashes, at);
      return;
    }
    case "SUBMIT_CONTRIBUTION": {
      const row = await createSubmission(db, { ...base, stage, round: before.context.round, kind: "contribution", text: event.text });
      await attach(db, "submission", row.id, event.fileHashes, at);
      return;
    }
    case "REPORT_PROGRESS": {
      const row = await createProgressReport(db, {
        ...base,
        period: month,
        text: event.text,
        percent: event.percent ?? null,
      });
      await attach(db, "progress_report", row.id, event.fileHashes, at);
      return;
    }
    case "RECORD_INSPECTION": {
      await createSubmission(db, { ...base, stage, round: before.context.round, kind: "inspection", text: event.text });
      const known = new Set(before.context.rectification.items.map((i) => i.id));
      const added = after.context.rectification.items.filter((i) => !known.has(i.id));
      await createRectificationItems(
        db,
        taskId,
        after.context.round,
        added.map((i) => ({ id: rectificationRowId(taskId, i.id), description: i.description })),
        at,
      );
      return;
    }
    case "RECTIFY": {
      const id = rectificationRowId(taskId, event.itemId);
      if ((await markRectified(db, id, event.text, at)) === null) throw new Error(`rectification item ${id} missing`);
      await attach(db, "rectification_item", id, event.fileHashes, at);
      return;
    }
    case "CLOSE_ITEM": {
      const id = rectificationRowId(taskId, event.itemId);
      if ((await closeRectificationItem(db, id, actor.userId, at)) === null) throw new Error(`rectification item ${id} missing`);
      return;
    }
    case "RATE":
      await upsertRating(db, {
        task_id: taskId,
        round: before.context.round,
        evaluator_id: actor.userId,
        rating: event.rating,
        comment: event.comment ?? null,
        at,
      });
      return;
    case "REQUEST_EXTENSION":
      await createExtensionRequest(db, {
        ...base,
        current_due_date: before.context.dueDate,
        requested_due_date: event.requestedDueDate,
        reason: event.reason,
      });
      return;
    case "DECIDE_EXTENSION": {
      const [pending] = await listExtensionRequests(db, { taskId, status: "pending" });
      if (pending === undefined) throw new Error(`task ${taskId} has no pending extension request row`);
      await decideExtensionRequest(db, pending.id, {
        status: event.granted ? "granted" : "refused",
        decided_by: actor.userId,
        decision_comment: event.comment ?? null,
        at,
      });
      return;
    }
    case "URGE":
    case "INSTRUCT":
      // The lead unit finds every urge and instruction in its inbox as well as in the task's count.
      await insertNotifications(db, [
        {
          unit_id: before.context.leadUnitId,
          kind: event.type === "URGE" ? "urge" : "instruction",
          task_id: taskId,
          title: event.type === "URGE" ? "催办：请及时办理此任务" : "领导批示",
          body: event.text ?? "",
          created_at: at,
        },
      ]);
      return;
    case "REASSIGN": {
      // updateTaskSnapshot has moved the lead row; bring the co-unit rows in step with the snapshot.
      const { leadUnitId, coUnitIds } = after.context;
      for (const unitId of before.context.coUnitIds) {
        if (unitId !== leadUnitId && !coUnitIds.includes(unitId)) await removeTaskUnit(db, taskId, unitId);
      }
      // each in its place: lists read a task's co-units in this order (task_units.ordinal)
      for (const [ordinal, unitId] of coUnitIds.entries()) await setTaskUnit(db, taskId, unitId, "co", ordinal);
      return;
    }
    default:
      return;
  }
}

/** The comment an audit record shows for a move: its text, reason or comment. */
export function auditComment(event: TaskEvent): string | null {
  const e = event as { text?: string; reason?: string; comment?: string };
  const value = e.text ?? e.reason ?? e.comment ?? null;
  return value === null ? null : value.slice(0, 2000);
}
