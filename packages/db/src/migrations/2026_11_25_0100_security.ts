import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Security (issue 9): TOTP state on users, and the per-role policy a security administrator sets.
// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

const ROLES = `('liaison','office','leader','evaluator','auditor','sysadmin','secadmin')`;

export async function up(db: Kysely<any>): Promise<void> {
  // totp_secret_enc (encrypted, initial migration) holds the secret from setup on; it counts only once enabled.
  await db.schema.alterTable('users').addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The last accepted 30-second step: a code is accepted once (no replay within its window).
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();

  await db.schema
    .createTable('role_security')
    .addColumn('role', 'text', (c) => c.primaryKey().check(sql.raw(`role in ${ROLES}`)))
    .addColumn('totp_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('role_security').execute();
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
  await db.schema.alterTable('users').dropColumn('totp_enabled').execute();
}
