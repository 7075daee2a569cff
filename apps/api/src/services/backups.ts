// Scheduled online backups with retention. SQLite: SQLite's backup API while the server keeps
// writing (packages/db backup.ts), one file per period named by its start (China time), so several
// processes or a restart make one, not several; the newest `backupKeep` files are kept. PostgreSQL:
// nothing here — use the database's own tools (README: pg_basebackup + WAL archiving, or pg_dump).
import { link, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { assertSqliteIntact, backupSqlite } from "@duban/db";
import type { InnerContext } from "../context";
import { jobRuns } from "../metrics";

const BACKUP_NAME = /^app-(\d{4}-\d{2}-\d{2}T\d{2})\.db$/;

/** The period's start in China time, `YYYY-MM-DDTHH` (hours floored to the period). */
export function backupPeriod(at: Date, everyHours: number): string {
  const china = new Date(at.getTime() + 8 * 3_600_000);
  const hoursSinceEpoch = Math.floor(china.getTime() / 3_600_000);
  const start = new Date((hoursSinceEpoch - (hoursSinceEpoch % Math.max(1, Math.round(everyHours)))) * 3_600_000);
  return start.toISOString().slice(0, 13);
}

export interface ScheduledBackupResult {
  /** the file written, or null when this period's backup exists already */
  file: string | null;
  /** files removed by retention */
  removed: string[];
}

/** The backups in `dir`, oldest first (names sort by time). */
export async function listBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => BACKUP_NAME.test(n)).sort();
}

/**
 * One scheduled backup of the SQLite database at `databaseUrl`: written to a temp file, checked
 * (integrity_check), then hard-linked to its period's name — a name that exists means another
 * process made this period's backup. Then the oldest files beyond `backupKeep` are removed.
 */
export async function runScheduledBackup(ctx: InnerContext, databaseUrl: string | undefined): Promise<ScheduledBackupResult> {
  const { backupDir: dir, backupKeep, backupEveryHours } = ctx.config.ops;
  if (dir === null || ctx.dialect !== "sqlite") return { file: null, removed: [] };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `app-${backupPeriod(ctx.clock(), backupEveryHours)}.db`;
  let file: string | null = null;
  if (!(await listBackups(dir)).includes(name)) {
    const tmp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
    try {
      await backupSqlite(databaseUrl, tmp);
      assertSqliteIntact(tmp);
      await link(tmp, join(dir, name)).then(
        () => (file = join(dir, name)),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        },
      );
    } finally {
      await rm(tmp, { force: true });
    }
  }
  const all = await listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - backupKeep));
  for (const old of removed) await rm(join(dir, old), { force: true });
  return { file, removed };
}

/** Checks at start and then every 15 minutes whether this period's backup is due. */
export function startScheduledBackups(ctx: InnerContext, databaseUrl: string | undefined, everyMs = 15 * 60_000): () => void {
  if (ctx.config.ops.backupDir === null) return () => {};
  if (ctx.dialect !== "sqlite") {
    ctx.logger.info("scheduled backups: PostgreSQL is backed up with its own tools (see README), not by the app");
    return () => {};
  }
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runScheduledBackup(ctx, databaseUrl);
      jobRuns.inc({ job: "backup", outcome: result.file ? "ran" : "skipped" });
      if (result.file) ctx.logger.info({ file: result.file, removed: result.removed }, "scheduled backup written");
    } catch (err) {
      jobRuns.inc({ job: "backup", outcome: "failed" });
      ctx.logger.error({ err }, "scheduled backup failed");
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
