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

/** The stage stays of a plan's tasks. */
export function listPlanStageStays(db: DbOrTrx, planId: string): Promise<{ task_id: string; stage: TaskStage; entered_at: string; left_at: string }[]> {
  return db
    .selectFrom('task_stage_stays')
    .innerJoin('tasks', 'tasks.id', 'task_stage_stays.task_id')
    .select(['task_stage_stays.task_id', 'task_stage_stays.stage', 'task_stage_stays.entered_at', 'task_stage_stays.left_at'])
    .where('tasks.plan_id', '=', planId)
    .execute();
}

/** The returns of a plan's tasks, oldest first. */
export function listPlanReturns(db: DbOrTrx, planId: string): Promise<TaskReturnsRow[]> {
  return db
    .selectFrom('task_returns')
    .innerJoin('tasks', 'tasks.id', 'task_returns.task_id')
    .select(['task_returns.task_id', 'task_returns.unit_id', 'task_returns.kind', 'task_returns.reason', 'task_returns.at'])
    .where('tasks.plan_id', '=', planId)
    .orderBy('task_returns.at')
    .execute();
}

export type TaskReturnsRow = Omit<TaskReturnsTable, 'id'>;
