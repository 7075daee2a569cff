import type { Insertable, Selectable, Updateable } from 'kysely';

export interface SessionsTable {
  /** hash of the session token (the token itself is never stored) */
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** absolute expiry */
  expires_at: string;
  client_ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export type SessionRow = Selectable<SessionsTable>;
export type NewSessionRow = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
