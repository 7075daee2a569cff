import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type UserRole = 'liaison' | 'office' | 'leader' | 'evaluator' | 'auditor' | 'sysadmin' | 'secadmin';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: UserRole;
  unit_id: string | null;
  phone_enc: string | null;
  /** 0 | 1 */
  must_change_password: Generated<number>;
  failed_login_count: Generated<number>;
  locked_until: string | null;
  /** 0 | 1 */
  disabled: Generated<number>;
  totp_secret_enc: string | null;
  /** 0 | 1: TOTP confirmed with a code (auth.totpEnable) and required at login */
  totp_enabled: Generated<number>;
  /** the last accepted TOTP time step (replay protection) */
  totp_last_step: number | null;
  password_changed_at: string | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
