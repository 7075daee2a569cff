// Settings of issue 19 (operations), one nested block of AppConfig: scheduled backups, the audit
// archive and its online window. The metrics listener is main.ts's business (a port, not a setting
// of the app).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import type { Env } from "./env";

/** 等保 / 网络安全法: audit records stay in the database for at least six months. */
export const MIN_AUDIT_ONLINE_DAYS = 184;

export interface OpsConfig {
  /** Scheduled online backups (SQLite) go here, one file per period; null = no scheduled backups. */
  backupDir: string | null;
  /** Backups kept; older ones are removed after each new one. */
  backupKeep: number;
  /** A backup every this many hours (the file name carries the period, so N processes make one). */
  backupEveryHours: number;
  /** Signed audit archive files (`pnpm cli audit archive`) — keep them on other storage too. */
  archiveDir: string;
  /** Audit records younger than this many days are never archived (≥ MIN_AUDIT_ONLINE_DAYS). */
  auditOnlineDays: number;
}

export function opsConfigFromEnv(env: Env): OpsConfig {
  const data = join(findRepoRoot(), "data");
  return {
    backupDir: env.DUBAN_BACKUP_DIR === "off" ? null : (env.DUBAN_BACKUP_DIR ?? join(data, "backups")),
    backupKeep: env.DUBAN_BACKUP_KEEP,
    backupEveryHours: env.DUBAN_BACKUP_HOURS,
    archiveDir: env.DUBAN_ARCHIVE_DIR ?? join(data, "audit-archive"),
    auditOnlineDays: Math.max(MIN_AUDIT_ONLINE_DAYS, env.DUBAN_AUDIT_ONLINE_DAYS),
  };
}

/** Tests: everything in a temp folder of this process. */
export function testOpsConfig(overrides: Partial<OpsConfig> = {}): OpsConfig {
  const dir = join(tmpdir(), `duban-test-ops-${process.pid}`);
  return { backupDir: join(dir, "backups"), backupKeep: 3, backupEveryHours: 24, archiveDir: join(dir, "audit-archive"), auditOnlineDays: MIN_AUDIT_ONLINE_DAYS, ...overrides };
}
