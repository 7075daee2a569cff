import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Supervision (issue 7): in-app notifications, once-a-day job runs, 督办单 and their numbering.
// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.references('tasks.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addCheckConstraint('notifications_addressee', sql`user_id is not null or unit_id is not null`)
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_unit_idx').on('notifications').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'day'])
    .execute();

  await db.schema
    .createTable('supervision_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer')
    .addColumn('seq', 'integer')
    .addColumn('number', 'text', (c) => c.unique())
    .addColumn('colour', 'text', (c) => c.notNull().check(sql`colour in ('blue','yellow','red')`))
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('reply_due', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','issued','answered')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('issued_at', 'text')
    .addColumn('issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('answer_text', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('answered_by', 'text', (c) => c.references('users.id'))
    .addUniqueConstraint('supervision_notices_year_seq', ['year', 'seq'])
    .execute();
  await db.schema.createIndex('supervision_notices_task_idx').on('supervision_notices').columns(['task_id', 'status']).execute();
  await db.schema.createIndex('supervision_notices_unit_idx').on('supervision_notices').columns(['unit_id', 'status']).execute();

  await db.schema
    .createTable('notice_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['notice_counters', 'supervision_notices', 'job_runs', 'notifications']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
