import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The stage column's values. The lifecycle (@duban/workflow TASK_STAGES) owns the list; the db, a
 * leaf, repeats it as data and the API asserts at compile time and in a test that the two are equal
 * (apps/api/src/vocabulary.test.ts).
 */
export const TASK_STAGES = ['deploy', 'handle', 'inspect', 'summarize', 'evaluate', 'done', 'terminated'] as const;
export type TaskStage = (typeof TASK_STAGES)[number];
/** Closed: done or terminated (workflow's CLOSED_STAGES); every other stage is open. */
export const CLOSED_TASK_STAGES = ['done', 'terminated'] as const satisfies readonly TaskStage[];

export interface TasksTable {
  id: string;
  plan_id: string;
  ordinal: number;
  /** JSON text: string[] e.g. ["二","（一）","1"] */
  path: string;
  heading: string | null;
  text: string;
  lead_unit_id: string | null;
  deadline_text: string | null;
  /** 'YYYY-MM-DD' */
  due_date: string | null;
  /** JSON text: array of targets */
  targets: string;
  stage: TaskStage;
  status: string;
  round: Generated<number>;
  /** JSON text of the persisted XState snapshot */
  snapshot: string;
  machine_version: number;
  /** urges/instructions the lead unit has not acknowledged (from the snapshot; written with every move) */
  open_notices: Generated<number>;
  /** 1 while an extension request awaits the office's decision (from the snapshot) */
  extension_requested: Generated<number>;
  /** 分解: the task this one was split from; null for a plan's own tasks */
  parent_id: string | null;
  /** 1 for a plan's own tasks, the parent's + 1 for a part */
  depth: Generated<number>;
  /** the unit whose liaison reviews this task (its splitter); null: the office */
  supervisor_unit_id: string | null;
  /** 1 once the splitter released the parent from waiting for this part */
  waived: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
  // Facts written by transitionTask with every move (migration 2026_12_04_0100): the marks, the
  // dashboard and the statistics read them instead of re-deriving them from the audit log.
  /** the current stage's due date (完成时限, else the plan's phase; the API's deadline rule); null when closed or none */
  effective_due_date: string | null;
  /** ISO instant the task entered its current stage */
  entered_stage_at: string | null;
  /** ISO instant the task reached its current lead unit (creation, or the last REASSIGN) */
  reached_unit_at: string | null;
  /** ISO instant 办理 was first approved (the task left handle for inspect) */
  completed_at: string | null;
  /** 'YYYY-MM-DD': the calendar day (configured zone) of completed_at — what on-time and a quarter compare (migration 2026_12_07_0100) */
  completed_on: string | null;
  latest_percent: number | null;
  /** 'YYYY-MM': the latest month with a progress report */
  last_report_period: string | null;
  /** 办理结果分类 graded in the summary */
  resolution_class: string | null;
  /** the stage a terminated task was in */
  terminated_from_stage: TaskStage | null;
  /** 'YYYY-MM-DD': the first day the task is "progress behind" in 办理 (the API's marks.ts); null: never (migration 2026_12_06_0100) */
  behind_from: string | null;
}

/** One stay of a task in a stage, written when the task leaves it. */
export interface TaskStageStaysTable {
  task_id: string;
  /** the task's plan (migration 2026_12_07_0100): a plan's statistics read its own range */
  plan_id: string | null;
  stage: TaskStage;
  entered_at: string;
  left_at: string;
}

/** One return: a stage RETURN (the lead unit's work) or a RETURN_CONTRIBUTION (a co-unit's). */
export interface TaskReturnsTable {
  id: string;
  task_id: string;
  /** the task's plan (migration 2026_12_07_0100) */
  plan_id: string | null;
  /** whose work was returned */
  unit_id: string | null;
  kind: 'stage' | 'contribution';
  reason: string;
  at: string;
}

export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;

export type TaskUnitRelation = 'lead' | 'co';

export interface TaskUnitsTable {
  task_id: string;
  unit_id: string;
  relation: TaskUnitRelation;
  /** the co-unit's 协办意见 status in the snapshot (pending/submitted/accepted/returned/waived), written with every move; meaningful on co rows only */
  contribution_status: Generated<string>;
  /** a co row's place in the task's co-units (the order the plan names them: the snapshot's context.coUnitIds); 0 on lead rows (migration 2026_12_08_0500) */
  ordinal: Generated<number>;
}

export type TaskUnitRow = Selectable<TaskUnitsTable>;
export type NewTaskUnitRow = Insertable<TaskUnitsTable>;
