import type { Insertable, Selectable } from 'kysely';

export type AuditOutcome = 'ok' | 'refused' | 'error';
export type HashAlg = 'sha256' | 'sm3';

export interface AuditLogTable {
  /** assigned in order by appendAudit under the audit_head lock */
  seq: number;
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  actor_unit_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  task_id: string | null;
  outcome: AuditOutcome;
  reason_code: string | null;
  from_state: string | null;
  to_state: string | null;
  comment: string | null;
  /** JSON text */
  detail: string;
  /** JSON text: string[] */
  file_hashes: string;
  client_ip: string | null;
  hash_alg: HashAlg;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
export type AuditHeadRow = Selectable<AuditHeadTable>;
