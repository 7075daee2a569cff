import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The statistics counted in SQL (issue 15: their first call at 1M tasks took 36 s computing every
// task's marks in JavaScript; repositories/plan-stats.ts). One fact that was an instant becomes a day:
//
//   tasks.completed_on   the calendar day (Beijing time, the configured zone) 办理 was first
//                        approved — completed_at's day. On time = completed_on <= the handle due
//                        date; a quarter's completions = completed_on within it. Written with
//                        completed_at (the API's task-facts.ts).
//
// Indexes, each for one query shape:
//   every task by plan with the columns the per-plan counts read — a plan's counts from the index;
//   stage stays by task with their stage and instants — the durations without the table;
//   completed tasks, and classified tasks, in document order — the statistics' bounded lists.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('completed_on', 'text').execute();
  // as of this migration the zone is Beijing (+08:00, no summer time); one statement, any size
  const day =
    dialectOf(db) === 'postgres'
      ? sql`to_char(cast(completed_at as timestamptz) at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`
      : sql`strftime('%Y-%m-%d', completed_at, '+8 hours')`;
  await sql`update tasks set completed_on = ${day} where completed_at is not null`.execute(db);
  await db.schema
    .createIndex('tasks_plan_stats_idx')
    .on('tasks')
    .columns(['plan_id', 'stage', 'resolution_class', 'completed_on', 'due_date', 'effective_due_date', 'lead_unit_id', 'last_report_period', 'id'])
    .execute();
  await db.schema.createIndex('task_stage_stays_stats_idx').on('task_stage_stays').columns(['task_id', 'stage', 'entered_at', 'left_at']).execute();
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
  await db.schema.dropIndex('task_stage_stays_stats_idx').execute();
  await db.schema.dropIndex('tasks_plan_stats_idx').execute();
  await db.schema.alterTable('tasks').dropColumn('completed_on').execute();
}
