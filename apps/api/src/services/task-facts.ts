// The facts a move writes on its task row and beside it, in the move's own transaction: the dates
// and figures the marks, the dashboard and the statistics read (migration 2026_12_04_0100), so that
// a task's marks depend on its row and its plan only — never on re-reading the audit log.
import { insertStageStay, insertTaskReturn, listPhases, type DbOrTrx, type Task, type TaskFactsUpdate } from "@duban/db";
import type { TaskDescription, TaskEvent } from "@duban/workflow";
import { dayOfInstant, type ClockContext } from "../clock";
import { effectiveDueDate, planDuesOf } from "./deadlines";
import { handleWindow, progressBehindFrom } from "./supervision/marks";

/** The fact columns this move changes (written by the same UPDATE as the snapshot). */
export async function factsOfMove(
  clock: Pick<ClockContext, "config">,
  db: DbOrTrx,
  task: Task,
  before: TaskDescription,
  after: TaskDescription,
  event: TaskEvent,
  month: string,
): Promise<TaskFactsUpdate> {
  const { at } = event;
  const facts: TaskFactsUpdate = {};
  const stageChanged = after.stage !== before.stage;
  if (stageChanged) facts.entered_stage_at = at;
  if (stageChanged && before.stage === "handle" && after.stage === "inspect" && task.completed_at === null) {
    facts.completed_at = at;
    facts.completed_on = dayOfInstant(clock, at);
  }
  if (stageChanged && after.stage === "terminated") facts.terminated_from_stage = before.stage;
  if (event.type === "REASSIGN") facts.reached_unit_at = at;
  if (event.type === "REPORT_PROGRESS") {
    facts.last_report_period = month;
    if (event.percent !== undefined && event.percent !== null) facts.latest_percent = event.percent;
  }
  if (after.resolutionClass !== (task.resolution_class ?? null)) facts.resolution_class = after.resolutionClass;
  const dueChanged = after.dueDate !== before.dueDate;
  if (stageChanged || dueChanged || facts.latest_percent !== undefined) {
    const plan = planDuesOf(await listPhases(db, task.plan_id));
    if (stageChanged || dueChanged) facts.effective_due_date = effectiveDueDate({ stage: after.stage, due_date: after.dueDate }, plan)?.due ?? null;
    // "progress behind" as a date (marks.ts): only in 办理, from its window and the latest percent
    const behindFrom =
      after.stage === "handle"
        ? progressBehindFrom(
            handleWindow(clock, { due_date: after.dueDate, created_at: task.created_at, entered_stage_at: facts.entered_stage_at ?? task.entered_stage_at }, plan),
            facts.latest_percent ?? task.latest_percent,
          )
        : null;
    if (behindFrom !== task.behind_from) facts.behind_from = behindFrom;
  }
  return facts;
}

/** The history rows of this move: the stage it left, the work it returned (with the reason category). */
export async function recordMoveHistory(db: DbOrTrx, task: Task, before: TaskDescription, after: TaskDescription, event: TaskEvent): Promise<void> {
  const { at } = event;
  if (after.stage !== before.stage && before.stage !== "terminated" && before.stage !== "done") {
    await insertStageStay(db, { task_id: task.id, plan_id: task.plan_id, stage: before.stage, entered_at: task.entered_stage_at ?? task.created_at, left_at: at });
  }
  if (event.type === "RETURN") {
    await insertTaskReturn(db, { task_id: task.id, plan_id: task.plan_id, unit_id: before.leadUnitId, kind: "stage", reason: event.reason, at });
  } else if (event.type === "RETURN_CONTRIBUTION") {
    await insertTaskReturn(db, { task_id: task.id, plan_id: task.plan_id, unit_id: event.unitId, kind: "contribution", reason: event.reason, at });
  }
}
