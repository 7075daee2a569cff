import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// plan.list counts each plan's overdue open tasks: a partial index of the open tasks by plan and due
// date answers it from the index alone (without it: every task past its date, read from the table).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('tasks_open_plan_due_idx')
    .on('tasks')
    .columns(['plan_id', 'due_date', 'stage'])
    .where(sql.ref('stage'), 'not in', sql`('done', 'terminated')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_open_plan_due_idx').execute();
}
