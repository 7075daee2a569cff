import type { Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// Indexes the benchmark asked for (bench/README.md): a stage filter read in document order becomes
// a range scan instead of a sort of every matching task; counts per plan and stage read the index.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tasks_stage_order_idx').on('tasks').columns(['stage', 'plan_id', 'ordinal', 'id']).execute();
  await db.schema.createIndex('tasks_plan_stage_idx').on('tasks').columns(['plan_id', 'stage']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_plan_stage_idx').execute();
  await db.schema.dropIndex('tasks_stage_order_idx').execute();
}
