import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The statistics counted in SQL (issue 15: their first call at 1M tasks took 36 s computing every
// task's marks in JavaScript; repositories/plan-stats.ts). A plan's counts read ranges of indexes
// that begin with its id, never one probe per task:
//
//   tasks.completed_on          the calendar day (Beijing time, the configured zone) 办理 was first
//                               approved — completed_at's day. On time = completed_on <= the handle
//                               due date; a quarter's completions = completed_on within it. Written
//                               with completed_at (the API's task-facts.ts).
//   task_stage_stays.plan_id,   the task's plan, written with the row (tasks never change plans).
//   task_returns.plan_id
//
// Indexes: every task by plan with the columns the counts (the statistics' and the dashboard's) read; a plan's stays and returns with
// theirs; completed and classified tasks in document order (the statistics' bounded lists).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('completed_on', 'text').execute();
  // as of this migration the zone is Beijing (+08:00, no summer time); one statement, any size
  const day =
    dialectOf(db) === 'postgres'
      ? sql`to_char(cast(completed_at as timestamptz) at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`
      : sql`strftime('%Y-%m-%d', completed_at, '+8 hours')`;
  await sql`update tasks set completed_on = ${day} where completed_at is not null`.execute(db);
  for (const table of ['task_stage_stays', 'task_returns']) {
    await db.schema.alterTable(table).addColumn('plan_id', 'text').execute();
    await sql`update ${sql.table(table)} set plan_id = (select tasks.plan_id from tasks where tasks.id = ${sql.ref(`${table}.task_id`)})`.execute(db);
  }
  await db.schema
    .createIndex('tasks_plan_stats_idx')
    .on('tasks')
    .columns([
      // (plan, lead unit) first: the per-unit figures are grouped so, reading the index in order
      'plan_id',
      'lead_unit_id',
      'stage',
      'resolution_class',
      'completed_on',
      'due_date',
      'effective_due_date',
      'last_report_period',
      // the dashboard's marks too: SQLite (without ANALYZE statistics) takes this index for a plan's
      // bucket counts rather than the partial tasks_open_plan_marks_idx — it must cover them as well
      'status',
      'behind_from',
      'reached_unit_at',
      'created_at',
      'id',
    ])
    .execute();
  await db.schema.createIndex('task_stage_stays_plan_idx').on('task_stage_stays').columns(['plan_id', 'stage', 'entered_at', 'left_at']).execute();
  await db.schema.createIndex('task_returns_plan_idx').on('task_returns').columns(['plan_id', 'reason', 'unit_id', 'at']).execute();
  await db.schema
    .createIndex('tasks_completed_doc_idx')
    .on('tasks')
    .columns(['plan_id', 'ordinal', 'id', 'completed_on'])
    .where(sql.ref('completed_on'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('tasks_classified_doc_idx')
    .on('tasks')
    .columns(['resolution_class', 'plan_id', 'ordinal', 'id'])
    .where(sql.ref('resolution_class'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_classified_doc_idx').execute();
  await db.schema.dropIndex('tasks_completed_doc_idx').execute();
  await db.schema.dropIndex('task_returns_plan_idx').execute();
  await db.schema.dropIndex('task_stage_stays_plan_idx').execute();
  await db.schema.dropIndex('tasks_plan_stats_idx').execute();
  await db.schema.alterTable('task_returns').dropColumn('plan_id').execute();
  await db.schema.alterTable('task_stage_stays').dropColumn('plan_id').execute();
  await db.schema.alterTable('tasks').dropColumn('completed_on').execute();
}
