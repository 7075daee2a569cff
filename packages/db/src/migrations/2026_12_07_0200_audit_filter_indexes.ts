import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The auditor's filters (audit.list, issue 15's bench at 1M tasks / 10.85 M records: refused only
// 1.3 s, one week 1.1 s, one unit + one event 116 ms). Each page becomes one index range read in
// the page's order (audit.ts listAudit: by seq; a page filtered by time by (at, seq)):
//
//   records that are not 'ok' (refused, error: ~1 %) by seq, and by (at, seq) — partial indexes
//     (the query repeats their condition as the same literal: SQLite uses a partial index only then);
//   one unit's records of one event by seq, (actor_unit_id, action, seq);
//   one person's, one unit's, one event's records by time, (x, at, seq) — one person + one month
//     reads its 100 entries, and ordering time-filtered pages by time costs the unit and event
//     filters nothing: by (x, seq) they would read every record of the unit / event and sort;
//   every record by time, (at, seq), on PostgreSQL only: it replaces audit_log_at_idx (at), whose
//     equal instants are in no seq order there. On SQLite audit_log_at_idx already is (at, seq) —
//     seq is the rowid, the last column of every index — and stays.
const NOT_OK = sql<boolean>`outcome <> 'ok'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_not_ok_idx').on('audit_log').column('seq').where(NOT_OK).execute();
  await db.schema.createIndex('audit_log_not_ok_at_idx').on('audit_log').columns(['at', 'seq']).where(NOT_OK).execute();
  await db.schema.createIndex('audit_log_unit_action_idx').on('audit_log').columns(['actor_unit_id', 'action', 'seq']).execute();
  await db.schema.createIndex('audit_log_actor_at_idx').on('audit_log').columns(['actor_user_id', 'at', 'seq']).execute();
  await db.schema.createIndex('audit_log_unit_at_idx').on('audit_log').columns(['actor_unit_id', 'at', 'seq']).execute();
  await db.schema.createIndex('audit_log_action_at_idx').on('audit_log').columns(['action', 'at', 'seq']).execute();
  if (dialectOf(db) === 'postgres') {
    await db.schema.createIndex('audit_log_at_seq_idx').on('audit_log').columns(['at', 'seq']).execute();
    await db.schema.dropIndex('audit_log_at_idx').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
    await db.schema.dropIndex('audit_log_at_seq_idx').execute();
  }
  for (const name of [
    'audit_log_action_at_idx',
    'audit_log_unit_at_idx',
    'audit_log_actor_at_idx',
    'audit_log_unit_action_idx',
    'audit_log_not_ok_at_idx',
    'audit_log_not_ok_idx',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
