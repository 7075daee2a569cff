import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// A co-unit's 协办意见 status (pending / submitted / accepted / returned / waived) on its task_units
// row, so 我的待办's 待协办 tab (tasks the unit may SUBMIT_CONTRIBUTION now) is filtered, paged and
// counted by the database. Written with every move from the new snapshot (transitionTask); a new
// co-unit owes its part, hence the default. Meaningful on co rows only (every reader filters
// relation = 'co'). Backfilled here from the stored snapshots.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('task_units').addColumn('contribution_status', 'text', (c) => c.notNull().defaultTo('pending')).execute();
  if (dialectOf(db) === 'postgres') {
    await sql`update task_units set contribution_status = coalesce(
        (select t.snapshot::jsonb -> 'context' -> 'contributions' -> task_units.unit_id ->> 'status' from tasks t where t.id = task_units.task_id),
        'pending')
      where relation = 'co'`.execute(db);
  } else {
    await sql`update task_units set contribution_status = coalesce(
        (select json_extract(t.snapshot, '$.context.contributions."' || task_units.unit_id || '".status') from tasks t where t.id = task_units.task_id),
        'pending')
      where relation = 'co'`.execute(db);
  }
  // Few rows wait on a contribution: a partial index per unit.
  await db.schema
    .createIndex('task_units_contribution_due_idx')
    .on('task_units')
    .columns(['unit_id', 'task_id'])
    .where(sql<boolean>`relation = 'co' and contribution_status in ('pending', 'returned')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('task_units_contribution_due_idx').execute();
  await db.schema.alterTable('task_units').dropColumn('contribution_status').execute();
}
