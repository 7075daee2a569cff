import type { DbOrTrx } from '../executor.js';
import { newId } from '../ids.js';
import { preparedQuery } from '../prepared.js';
import type { TaskReturnsTable, TaskStage, TaskStageStaysTable } from '../tables/index.js';

// The history facts a move writes beside the task's fact columns (migration 2026_12_04_0100): a
// stage stay when a task leaves a stage, a return when work is sent back. The statistics read
// these, never the audit log.

const insertStay = preparedQuery((db, p: TaskStageStaysTable) =>
  db.insertInto('task_stage_stays').values({ task_id: p.task_id, plan_id: p.plan_id, stage: p.stage, entered_at: p.entered_at, left_at: p.left_at }),
);

export async function insertStageStay(db: DbOrTrx, stay: TaskStageStaysTable): Promise<void> {
  await insertStay.execute(db, stay);
}

const insertReturn = preparedQuery((db, p: TaskReturnsTable) =>
  db.insertInto('task_returns').values({ id: p.id, task_id: p.task_id, plan_id: p.plan_id, unit_id: p.unit_id, kind: p.kind, reason: p.reason, at: p.at }),
);

export async function insertTaskReturn(db: DbOrTrx, r: Omit<TaskReturnsTable, 'id'>): Promise<void> {
  await insertReturn.execute(db, { id: newId(), ...r });
}
