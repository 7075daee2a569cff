import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// 层层分解 (issue 20): a task may be split into sub-tasks to any depth, and a plan may come from a
// source other than a plan document (立项 by hand).
//
//   tasks.parent_id           the task it was split from (null: assigned directly in its plan)
//   tasks.depth               1 for a plan's own tasks, parent's + 1 for a part
//   tasks.supervisor_unit_id  the unit whose liaison reviews it (the splitter); null: the office
//   tasks.waived              1 once its splitter released the parent from waiting for it
//   plans.source_kind         document | instruction (领导批示) | meeting (会议议定事项) | proposal (建议提案)
//   plans.source_ref          the source's reference as written (批示件号, 会议名称 and date, 提案号)
//
// The snapshot holds the same facts for the lifecycle (machine version 2); these columns are what
// the lists, the roll-up and the visibility rule query.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('parent_id', 'text', (c) => c.references('tasks.id')).execute();
  await db.schema.alterTable('tasks').addColumn('depth', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('tasks').addColumn('supervisor_unit_id', 'text', (c) => c.references('units.id')).execute();
  await db.schema.alterTable('tasks').addColumn('waived', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // A parent's parts (roll-up, the parts-settled check) and a unit's parts to supervise (我的待办).
  await db.schema.createIndex('tasks_parent_idx').on('tasks').columns(['parent_id', 'stage']).where(sql.ref('parent_id'), 'is not', null).execute();
  await db.schema
    .createIndex('tasks_supervisor_idx')
    .on('tasks')
    .columns(['supervisor_unit_id', 'plan_id', 'ordinal', 'id'])
    .where(sql.ref('supervisor_unit_id'), 'is not', null)
    .execute();

  await db.schema
    .alterTable('plans')
    .addColumn('source_kind', 'text', (c) =>
      c.notNull().defaultTo('document').check(sql`source_kind in ('document','instruction','meeting','proposal')`),
    )
    .execute();
  await db.schema.alterTable('plans').addColumn('source_ref', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plans').dropColumn('source_ref').execute();
  await db.schema.alterTable('plans').dropColumn('source_kind').execute();
  await db.schema.dropIndex('tasks_supervisor_idx').execute();
  await db.schema.dropIndex('tasks_parent_idx').execute();
  for (const column of ['waived', 'supervisor_unit_id', 'depth', 'parent_id']) {
    await db.schema.alterTable('tasks').dropColumn(column).execute();
  }
}
