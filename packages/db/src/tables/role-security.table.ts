import type { Generated, Selectable } from 'kysely';
import type { UserRole } from './users.table.js';

/** Per-role security policy set by the security administrator (安全管理员). */
export interface RoleSecurityTable {
  role: UserRole;
  /** 0 | 1: users of this role must sign in with a TOTP code */
  totp_required: Generated<number>;
  updated_at: string;
  updated_by: string | null;
}

export type RoleSecurityRow = Selectable<RoleSecurityTable>;

/** One row (id 1): moves whenever a session is revoked, a user row or the TOTP policy changes (migration 0601 triggers). */
export interface AuthGenerationTable {
  id: number;
  generation: number;
}
