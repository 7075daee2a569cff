import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type TaskStage = 'deploy' | 'handle' | 'inspect' | 'summarize' | 'evaluate' | 'done' | 'terminated';

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
  version: Generated<number>;
  created_at: string;
  updated_at: string;
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
}

export type TaskUnitRow = Selectable<TaskUnitsTable>;
export type NewTaskUnitRow = Insertable<TaskUnitsTable>;
