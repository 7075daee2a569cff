import type { Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// 督办单 lists, newest first (supervision.ts listNotices: created_at desc, id desc, keyset pages).
// Each filter the list is read with becomes one index range read in the page's order, and the
// per-status counts (countNoticesByStatus) an index range too:
//   every notice                              (created_at, id)
//   one status (the office's tabs)            (status, created_at, id)
//   one unit (a liaison: issued + answered)   (unit_id, created_at, id)
//   one unit, one status (a liaison's tabs)   (unit_id, status, created_at, id) — replaces
//                                             supervision_notices_unit_idx (unit_id, status), its prefix
// One task's notices (a handful) keep supervision_notices_task_idx (task_id, status) and are sorted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('supervision_notices_created_idx').on('supervision_notices').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('supervision_notices_status_created_idx').on('supervision_notices').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('supervision_notices_unit_created_idx').on('supervision_notices').columns(['unit_id', 'created_at', 'id']).execute();
  await db.schema
    .createIndex('supervision_notices_unit_status_created_idx')
    .on('supervision_notices')
    .columns(['unit_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('supervision_notices_unit_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('supervision_notices_unit_idx').on('supervision_notices').columns(['unit_id', 'status']).execute();
  for (const name of [
    'supervision_notices_unit_status_created_idx',
    'supervision_notices_unit_created_idx',
    'supervision_notices_status_created_idx',
    'supervision_notices_created_idx',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
