// Online backup and restore of the embedded SQLite database. The backup uses SQLite's backup
// API page by page while the server keeps writing (WAL), so it is consistent without a stop.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { resolveSqlitePath } from './database.js';

export async function backupSqlite(url: string | undefined, destination: string): Promise<{ pages: number }> {
  const source = resolveSqlitePath(url);
  if (source === ':memory:') throw new Error('cannot back up an in-memory database');
  mkdirSync(dirname(destination), { recursive: true });
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages in ONE step: SQLite restarts a stepwise backup whenever another
    // connection writes between steps, so under steady writes (a live server) a 100-page-per-step
    // backup never finished. One step copies one consistent snapshot; WAL writers are not blocked.
    const result = await db.backup(destination, { progress: () => 0x7fffffff });
    return { pages: result.totalPages };
  } finally {
    db.close();
  }
}

/** Throws unless `file` is a SQLite database that passes integrity_check. */
export function assertSqliteIntact(file: string): void {
  const check = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const ok = check.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`backup file fails integrity_check: ${String(ok)}`);
  } finally {
    check.close();
  }
}

/**
 * Replaces the database file with a backup. The server must be stopped: the old file and its
 * WAL are moved aside (kept as `<file>.before-restore`) and the backup is checked before use.
 */
export function restoreSqlite(url: string | undefined, backupFile: string): { replaced: boolean } {
  const target = resolveSqlitePath(url);
  if (target === ':memory:') throw new Error('cannot restore into an in-memory database');
  assertSqliteIntact(backupFile);
  mkdirSync(dirname(target), { recursive: true });
  const replaced = existsSync(target);
  if (replaced) {
    renameSync(target, `${target}.before-restore`);
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  }
  copyFileSync(backupFile, `${target}.restoring`);
  renameSync(`${target}.restoring`, target);
  return { replaced };
}
