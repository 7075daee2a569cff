import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import type { UserRole, UserRow, UserUpdate } from '../tables/index.js';

export interface NewUser {
  id?: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: UserRole;
  unit_id?: string | null;
  phone_enc?: string | null;
  must_change_password?: boolean;
  totp_secret_enc?: string | null;
  password_changed_at?: string | null;
  created_at?: string;
}

export async function createUser(db: DbOrTrx, input: NewUser): Promise<UserRow> {
  const at = input.created_at ?? nowIso();
  return db
    .insertInto('users')
    .values({
      id: input.id ?? newId(),
      username: input.username,
      display_name: input.display_name,
      password_hash: input.password_hash,
      role: input.role,
      unit_id: input.unit_id ?? null,
      phone_enc: input.phone_enc ?? null,
      must_change_password: input.must_change_password === false ? 0 : 1,
      failed_login_count: 0,
      locked_until: null,
      disabled: 0,
      totp_secret_enc: input.totp_secret_enc ?? null,
      password_changed_at: input.password_changed_at ?? null,
      created_at: at,
      updated_at: at,
      version: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getUserById(db: DbOrTrx, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getUserByUsername(db: DbOrTrx, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function listUsers(
  db: DbOrTrx,
  filters: { unitId?: string; role?: UserRole; includeDisabled?: boolean } = {},
): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  if (filters.unitId !== undefined) q = q.where('unit_id', '=', filters.unitId);
  if (filters.role !== undefined) q = q.where('role', '=', filters.role);
  if (filters.includeDisabled !== true) q = q.where('disabled', '=', 0);
  return q.orderBy('username').execute();
}

export type UserPatch = Omit<UserUpdate, 'id' | 'created_at' | 'updated_at' | 'version'>;

/**
 * Updates a user if its version is still `expectedVersion`; bumps version and updated_at.
 * Returns the updated row, or null when the version changed meanwhile (or no such user).
 */
export async function updateUser(
  db: DbOrTrx,
  id: string,
  expectedVersion: number,
  patch: UserPatch,
  at: string = nowIso(),
): Promise<UserRow | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Counts one failed login; when `lockAfter` failures are reached, sets locked_until = `lockUntil`.
 * Does not bump version (login counters must not conflict with admin edits). Returns the new count.
 */
export async function recordFailedLogin(
  db: DbOrTrx,
  id: string,
  options: { lockAfter?: number; lockUntil?: string } = {},
): Promise<{ failed_login_count: number; locked_until: string | null } | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_login_count: eb('failed_login_count', '+', 1) }))
    .where('id', '=', id)
    .returning(['failed_login_count', 'locked_until'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (options.lockAfter !== undefined && options.lockUntil !== undefined && row.failed_login_count >= options.lockAfter) {
    await db.updateTable('users').set({ locked_until: options.lockUntil }).where('id', '=', id).execute();
    return { failed_login_count: row.failed_login_count, locked_until: options.lockUntil };
  }
  return row;
}

/** After a successful login (or an admin unlock): failed count to 0, lock cleared. */
export async function resetFailedLogins(db: DbOrTrx, id: string): Promise<void> {
  await db.updateTable('users').set({ failed_login_count: 0, locked_until: null }).where('id', '=', id).execute();
}
