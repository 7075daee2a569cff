// Counters kept by database triggers (migration 2026_11_25_0400_task_counters); read-only for the
// application — repositories/stats.ts reads them, nothing writes them.
import type { TaskStage, TaskUnitRelation } from './tasks.table.js';

/** Tasks per plan and stage. */
export interface TaskPlanCountsTable {
  plan_id: string;
  stage: TaskStage;
  n: number;
}

/**
 * task_units rows per unit, relation, the task's stage and due date. has_due = 0 and due_date = ''
 * for tasks without a due date and for closed (done / terminated) tasks.
 */
export interface TaskUnitCountsTable {
  unit_id: string;
  relation: TaskUnitRelation;
  stage: TaskStage;
  has_due: number;
  due_date: string;
  n: number;
}

/** PostgreSQL only: a transaction's counter changes until its COMMIT folds them into the counters. */
export interface TaskCountDeltasTable {
  tx: number;
  scope: 'plan' | 'unit';
  plan_id: string;
  unit_id: string;
  relation: TaskUnitRelation;
  stage: TaskStage;
  has_due: number;
  due_date: string;
  n: number;
}
