import type { Selectable } from 'kysely';

/** The register of signed audit archive files (migration 0501); append-only. */
export interface AuditArchivesTable {
  /** 1, 2, 3… in chain order */
  archive_seq: number;
  file_name: string;
  first_seq: number;
  last_seq: number;
  record_count: number;
  /** prev_hash of the record at first_seq (the hash of the record before it; genesis for seq 1) */
  prev_hash: string;
  /** hash of the record at last_seq */
  last_hash: string;
  /** time of the first / last record */
  from_at: string;
  to_at: string;
  /** hex SHA-256 of the canonical JSON of the archived records */
  records_sha256: string;
  archived_at: string;
  key_fingerprint: string;
  /** base64 Ed25519 signature over the manifest (audit-archive.ts) */
  signature: string;
}

export type AuditArchiveRow = Selectable<AuditArchivesTable>;
