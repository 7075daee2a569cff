import type { DbOrTrx } from '../executor.js';
import { newId } from '../ids.js';
import type { TaskReturnsTable, TaskStage, TaskStageStaysTable } from '../tables/index.js';

// The history facts a move writes beside the task's fact columns (migration 2026_12_04_0100): a
// stage stay when a task leaves a stage, a return when work is sent back. The statistics read
// these, never the audit log.

export async function insertStageStay(db: DbOrTrx, stay: TaskStageStaysTable): Promise<void> {
  await db.insertInto('task_stage_stays').values(stay).execute();
}

export async function insertTaskReturn(db: DbOrTrx, r: Omit<TaskReturnsTable, 'id'>): Promise<void> {
  await db.insertInto('task_returns').values({ id: newId(), ...r }).execute();
}
