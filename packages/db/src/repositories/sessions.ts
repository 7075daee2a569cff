import type { DbOrTrx } from '../executor.js';
import { nowIso } from '../ids.js';
import type { SessionRow } from '../tables/index.js';

export interface NewSession {
  /** the hash of the session token */
  id: string;
  user_id: string;
  expires_at: string;
  client_ip?: string | null;
  user_agent?: string | null;
  created_at?: string;
}

export async function createSession(db: DbOrTrx, input: NewSession): Promise<SessionRow> {
  const at = input.created_at ?? nowIso();
  return db
    .insertInto('sessions')
    .values({
      id: input.id,
      user_id: input.user_id,
      created_at: at,
      last_seen_at: at,
      expires_at: input.expires_at,
      client_ip: input.client_ip ?? null,
      user_agent: input.user_agent ?? null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The session if it exists, is not revoked and has not reached expires_at. Idle timeouts are the caller's. */
export function getValidSession(db: DbOrTrx, id: string, now: string = nowIso()): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function touchSession(db: DbOrTrx, id: string, now: string = nowIso()): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeSession(db: DbOrTrx, id: string, now: string = nowIso()): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every live session of a user (password change, disable, role change). Returns how many. */
export async function revokeUserSessions(db: DbOrTrx, userId: string, now: string = nowIso()): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
