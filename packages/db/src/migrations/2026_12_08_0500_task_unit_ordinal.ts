import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// A co-unit's place in its task's list of co-units (责任单位 in the order the plan names them, which
// is the snapshot's context.coUnitIds order), so that task lists read a page's co-units from
// task_units instead of parsing every row's snapshot. Written with the rows (insertTasks, REASSIGN);
// lead rows keep 0. Backfilled here from the stored snapshots (every machine version keeps the list
// at context.coUnitIds); a co row its snapshot does not name keeps 0.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('task_units').addColumn('ordinal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  if (dialectOf(db) === 'postgres') {
    await sql`update task_units set ordinal = x.ordinal
      from (
        select t.id as task_id, e.unit_id, (e.n - 1)::integer as ordinal
        from tasks t
        cross join lateral jsonb_array_elements_text(t.snapshot::jsonb -> 'context' -> 'coUnitIds') with ordinality as e(unit_id, n)
        where t.id in (select task_id from task_units where relation = 'co')
      ) x
      where task_units.task_id = x.task_id and task_units.unit_id = x.unit_id and task_units.relation = 'co' and x.ordinal <> 0`.execute(db);
  } else {
    await sql`update task_units set ordinal = coalesce(
        (select cast(j.key as integer) from tasks t, json_each(t.snapshot, '$.context.coUnitIds') j
          where t.id = task_units.task_id and j.value = task_units.unit_id),
        0)
      where relation = 'co'`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('task_units').dropColumn('ordinal').execute();
}
