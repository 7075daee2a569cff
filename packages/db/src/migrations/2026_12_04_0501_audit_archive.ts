import { sql, type Kysely } from 'kysely';
import { createAuditGuards, dialectOf, dropAuditGuards } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// Audit retention (issue 19): the register of signed archive files. Each row is the signed manifest
// of one archive file (a contiguous run of the chain, seq first_seq..last_seq); the row is itself
// append-only. The audit log's delete guard is rebuilt archive-aware (dialect.ts createAuditGuards):
// a record may be deleted only when a registered archive covers its seq — every other DELETE,
// every UPDATE and TRUNCATE stay refused.
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('audit_archives')
    .addColumn('archive_seq', 'integer', (c) => c.primaryKey())
    .addColumn('file_name', 'text', (c) => c.notNull().unique())
    .addColumn('first_seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('last_seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('record_count', 'integer', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('from_at', 'text', (c) => c.notNull())
    .addColumn('to_at', 'text', (c) => c.notNull())
    .addColumn('records_sha256', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text', (c) => c.notNull())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_archives_range', sql`first_seq <= last_seq and record_count = last_seq - first_seq + 1`)
    .execute();
  if (dialect === 'postgres') {
    await sql`
      create or replace function audit_archives_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_archives is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
      $$`.execute(db);
    await sql`create trigger audit_archives_no_update_delete before update or delete on audit_archives
      for each row execute function audit_archives_append_only()`.execute(db);
    await sql`create trigger audit_archives_no_truncate before truncate on audit_archives
      for each statement execute function audit_archives_append_only()`.execute(db);
    await sql`revoke update, delete, truncate on audit_archives from public`.execute(db);
  } else {
    await sql`create trigger audit_archives_no_update before update on audit_archives
      begin select raise(abort, 'audit_archives is append-only: UPDATE refused'); end`.execute(db);
    await sql`create trigger audit_archives_no_delete before delete on audit_archives
      begin select raise(abort, 'audit_archives is append-only: DELETE refused'); end`.execute(db);
  }
  await dropAuditGuards(db, dialect);
  await createAuditGuards(db, dialect);
}

export async function down(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await dropAuditGuards(db, dialect);
  if (dialect === 'postgres') {
    await sql`drop trigger if exists audit_archives_no_update_delete on audit_archives`.execute(db);
    await sql`drop trigger if exists audit_archives_no_truncate on audit_archives`.execute(db);
    await sql`drop function if exists audit_archives_append_only()`.execute(db);
  }
  await db.schema.dropTable('audit_archives').execute();
  await createAuditGuards(db, dialect);
}
