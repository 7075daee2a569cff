import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// 我的待办's counts (issue 20's bench: a department's tabs at 1M tasks in three levels took 1.7 s).
// Each tab is one COUNT of a unit's tasks by status or stage; these make each an index range:
//   tasks (lead_unit_id, status) and (lead_unit_id, stage): 待签收/待提交/被退回, 整改事项 …
//   tasks (lead_unit_id) where open_notices > 0: 催办 (few tasks are urged at any time)
//   task_units (unit_id, relation, contribution_status, task_id): 待协办 of a co-unit
//   tasks (supervisor_unit_id, stage, status, effective_due_date, extension_requested, parent_id)
//     for parts only: the reviewer's tabs of a unit that split (待审核, 逾期, 延期申请, 督办的子任务)
//     read the index alone instead of every part it supervises (~19 000 at 1M: 40 ms a count)
// tasks_lead_unit_idx (lead_unit_id) is a prefix of the stage index, so it goes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tasks_lead_status_idx').on('tasks').columns(['lead_unit_id', 'status']).execute();
  await db.schema.createIndex('tasks_lead_stage_idx').on('tasks').columns(['lead_unit_id', 'stage']).execute();
  await db.schema.dropIndex('tasks_lead_unit_idx').execute();
  await db.schema.createIndex('tasks_urged_lead_idx').on('tasks').column('lead_unit_id').where(sql.ref('open_notices'), '>', 0).execute();
  await db.schema
    .createIndex('tasks_supervisor_counts_idx')
    .on('tasks')
    .columns(['supervisor_unit_id', 'stage', 'status', 'effective_due_date', 'extension_requested', 'parent_id'])
    .where(sql.ref('supervisor_unit_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('task_units_unit_relation_idx')
    .on('task_units')
    .columns(['unit_id', 'relation', 'contribution_status', 'task_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('task_units_unit_relation_idx').execute();
  await db.schema.dropIndex('tasks_supervisor_counts_idx').execute();
  await db.schema.dropIndex('tasks_urged_lead_idx').execute();
  await db.schema.createIndex('tasks_lead_unit_idx').on('tasks').column('lead_unit_id').execute();
  await db.schema.dropIndex('tasks_lead_stage_idx').execute();
  await db.schema.dropIndex('tasks_lead_status_idx').execute();
}
