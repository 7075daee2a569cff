import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// One counter that moves whenever something a signed-in request relies on changes: a session
// revoked (logout, password change, disable), a user row (role, unit, disabled, password, TOTP…;
// not the failed-login counters) or the per-role TOTP policy. Every API process keeps sessions and
// the policy in a short in-process cache and polls this one row (apps/api/src/services/auth-cache.ts);
// when it moved, the cache is dropped — so a logout or a role change reaches every process within
// the poll interval, whoever wrote it (API, CLI, another process). Triggers, so no writer can forget.

/** users columns whose change reaches sessions: all but the login counters (failed_login_count,
 *  locked_until — they move on every failed login and are read fresh at login). */
const USER_COLUMNS = [
  'id', 'username', 'display_name', 'password_hash', 'role', 'unit_id', 'phone_enc', 'must_change_password',
  'disabled', 'totp_secret_enc', 'totp_enabled', 'totp_last_step', 'password_changed_at', 'version',
];

const BUMP = 'update auth_generation set generation = generation + 1 where id = 1';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('auth_generation').values({ id: 1, generation: 1 }).execute();
  const userColumns = USER_COLUMNS;

  if (dialectOf(db) === 'postgres') {
    await sql.raw(`create function auth_generation_bump() returns trigger language plpgsql as $$
      begin ${BUMP}; return null; end $$`).execute(db);
    const changed = userColumns.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
    await sql.raw(`create trigger auth_generation_users after update on users for each row
      when (${changed}) execute function auth_generation_bump()`).execute(db);
    await sql.raw(`create trigger auth_generation_users_delete after delete on users for each row execute function auth_generation_bump()`).execute(db);
    await sql.raw(`create trigger auth_generation_sessions after update of revoked_at on sessions for each row
      when (old.revoked_at is distinct from new.revoked_at) execute function auth_generation_bump()`).execute(db);
    await sql.raw(`create trigger auth_generation_sessions_delete after delete on sessions for each row execute function auth_generation_bump()`).execute(db);
    await sql.raw(`create trigger auth_generation_role_security after insert or update or delete on role_security
      for each statement execute function auth_generation_bump()`).execute(db);
  } else {
    const changed = userColumns.map((c) => `old.${c} is not new.${c}`).join(' or ');
    await sql.raw(`create trigger auth_generation_users after update on users for each row
      when ${changed} begin ${BUMP}; end`).execute(db);
    await sql.raw(`create trigger auth_generation_users_delete after delete on users begin ${BUMP}; end`).execute(db);
    await sql.raw(`create trigger auth_generation_sessions after update of revoked_at on sessions for each row
      when old.revoked_at is not new.revoked_at begin ${BUMP}; end`).execute(db);
    await sql.raw(`create trigger auth_generation_sessions_delete after delete on sessions begin ${BUMP}; end`).execute(db);
    for (const op of ['insert', 'update', 'delete']) {
      await sql.raw(`create trigger auth_generation_role_security_${op} after ${op} on role_security begin ${BUMP}; end`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    for (const [trigger, table] of [
      ['auth_generation_users', 'users'],
      ['auth_generation_users_delete', 'users'],
      ['auth_generation_sessions', 'sessions'],
      ['auth_generation_sessions_delete', 'sessions'],
      ['auth_generation_role_security', 'role_security'],
    ]) {
      await sql.raw(`drop trigger ${trigger} on ${table}`).execute(db);
    }
    await sql`drop function auth_generation_bump()`.execute(db);
  } else {
    for (const trigger of [
      'auth_generation_users',
      'auth_generation_users_delete',
      'auth_generation_sessions',
      'auth_generation_sessions_delete',
      'auth_generation_role_security_insert',
      'auth_generation_role_security_update',
      'auth_generation_role_security_delete',
    ]) {
      await sql.raw(`drop trigger ${trigger}`).execute(db);
    }
  }
  await db.schema.dropTable('auth_generation').execute();
}
