import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import { startBackgroundCheckpoints } from './checkpointer.js';
import { isPostgresUrl } from './dialect.js';
import type { DialectName } from './dialect.js';
import type { Database } from './tables/index.js';

export interface CreateDatabaseOptions {
  /** postgres:// or postgresql:// → PostgreSQL; a path, `file:` URL or `:memory:` → SQLite; undefined → <repo>/data/app.db */
  url?: string | undefined;
  /** SQLite `PRAGMA synchronous` (default FULL: an acknowledged audit record survives a power cut) */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /**
   * SQLite WAL checkpoints: 'inline' (SQLite's default: inside the commit that grows the WAL past
   * 1000 pages) or 'background' (a worker thread of this process: checkpointer.ts; a server's choice)
   */
  sqliteCheckpoints?: 'inline' | 'background';
  /** SQLite busy_timeout in ms (default 5000) */
  sqliteBusyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10) */
  pgPoolMax?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

/** Walks up from `start` to the directory holding pnpm-workspace.yaml. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
    dir = parent;
  }
}

/** Resolves a SQLite location: ':memory:', a plain path, or a file: URL. */
export function resolveSqlitePath(url: string | undefined): string {
  if (url === undefined) return join(findRepoRoot(), 'data', 'app.db');
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('file:')) {
    const rest = url.slice('file:'.length).split('?')[0] ?? '';
    return isAbsolute(rest) ? rest : resolve(rest);
  }
  return isAbsolute(url) ? url : resolve(url);
}

// BIGINT (int8, oid 20) and NUMERIC counts come back as strings from pg by default; the schema keeps
// every integer within 2^53, so parse them to numbers and both dialects return the same types.
const PG_INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

export function createDatabase(options: CreateDatabaseOptions = {}): DatabaseHandle {
  const { url } = options;
  if (url !== undefined && isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.pgPoolMax ?? 10, types: pgTypes });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', (err) => console.error('[db] idle PostgreSQL client error:', err.message));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }

  const path = resolveSqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.sqliteBusyTimeoutMs ?? 5000))}`);
  const checkpoints = options.sqliteCheckpoints === 'background' && path !== ':memory:' ? startBackgroundCheckpoints(sqlite, path) : null;
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), not at their first
 * write: a deferred transaction that has read and then finds another process (the CLI, a second
 * server) writing fails at once with SQLITE_BUSY_SNAPSHOT, which busy_timeout cannot wait out.
 * Nearly every transaction here writes, so waiting for the lock up front is the right default.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running the small
 * statements this app issues. The same SQL text (Kysely emits parameters, never literals) reuses
 * its prepared statement; least recently used ones are dropped beyond `max`.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement !== undefined) {
        cache.delete(sqlText);
      } else {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}
