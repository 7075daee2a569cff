import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// Two facts of a task's snapshot that the 我的待办 tabs filter on — urges not yet acknowledged and
// an extension request awaiting a decision — as columns, so the server can filter and page them
// (they were filtered in the page over the first 500 tasks). Written with every move from the
// lifecycle's own description of the new snapshot; backfilled here from the stored snapshots.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('open_notices', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tasks').addColumn('extension_requested', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  if (dialectOf(db) === 'postgres') {
    await sql`update tasks set
      open_notices = coalesce((snapshot::jsonb #>> '{context,openNotices}')::integer, 0),
      extension_requested = case when jsonb_typeof(snapshot::jsonb #> '{context,extensionRequest}') = 'object'
        and stage not in ('done', 'terminated') then 1 else 0 end`.execute(db);
  } else {
    await sql`update tasks set
      open_notices = coalesce(json_extract(snapshot, '$.context.openNotices'), 0),
      extension_requested = case when json_type(snapshot, '$.context.extensionRequest') = 'object'
        and stage not in ('done', 'terminated') then 1 else 0 end`.execute(db);
  }
  // Few tasks carry either flag: partial indexes in the list's document order.
  await db.schema.createIndex('tasks_urged_idx').on('tasks').columns(['plan_id', 'ordinal', 'id']).where(sql.ref('open_notices'), '>', 0).execute();
  await db.schema.createIndex('tasks_extension_requested_idx').on('tasks').columns(['plan_id', 'ordinal', 'id']).where(sql.ref('extension_requested'), '=', 1).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_extension_requested_idx').execute();
  await db.schema.dropIndex('tasks_urged_idx').execute();
  await db.schema.alterTable('tasks').dropColumn('extension_requested').execute();
  await db.schema.alterTable('tasks').dropColumn('open_notices').execute();
}
