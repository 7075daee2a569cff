import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase } from './database.js';
import { createAuditGuards, dropAuditGuards } from './dialect.js';
import type { DialectName } from './dialect.js';
import { readDbEnv } from './env.js';
import { migrateToLatest } from './migrator.js';
import type { Database } from './tables/index.js';

export const ALL_DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/** The dialects to test: all, or those named in TEST_DIALECTS=sqlite,postgres. */
export function testDialects(): DialectName[] {
  const wanted = readDbEnv().testDialects;
  if (wanted === undefined) return [...ALL_DIALECTS];
  const unknown = wanted.filter((d) => !(ALL_DIALECTS as readonly string[]).includes(d));
  if (unknown.length > 0) throw new Error(`TEST_DIALECTS: unknown dialect(s) ${unknown.join(', ')}`);
  return ALL_DIALECTS.filter((d) => wanted.includes(d));
}

export interface TestDatabase {
  url: string;
  db: Kysely<Database>;
  dialect: DialectName;
  /** closes the connection(s) and deletes the database */
  cleanup(): Promise<void>;
}

/**
 * A fresh, migrated database of its own: SQLite → a file in a new temp dir; PostgreSQL →
 * CREATE DATABASE duban_test_<random> on the server of TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres), dropped by cleanup().
 */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'duban-db-test-'));
    const url = join(dir, 'test.db');
    const handle = createDatabase({ url });
    if (migrate) await migrateToLatest(handle.db);
    return {
      url,
      db: handle.db,
      dialect,
      cleanup: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const handle = await createPostgresTestDatabase(null);
  if (migrate) await migrateToLatest(handle.db);
  return handle;
}

/** CREATE DATABASE duban_test_<random> (a copy of `template` when given) on the TEST_DATABASE_URL server. */
async function createPostgresTestDatabase(template: string | null): Promise<TestDatabase> {
  const serverUrl = readDbEnv().testDatabaseUrl;
  const name = `duban_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(template === null ? `create database ${name}` : `create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = createDatabase({ url, pgPoolMax: 8 });
  return {
    url,
    db: handle.db,
    dialect: 'postgres',
    cleanup: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

export interface TestDatabaseTemplate {
  /** A new database of its own holding the template's rows (cleanup() deletes it). */
  clone(): Promise<TestDatabase>;
  /** Deletes the template. */
  cleanup(): Promise<void>;
}

/**
 * Freezes a test database (built once, e.g. a scenario) into a template that each test copies, so
 * tests that write do not see one another and each can run alone. Takes `t` over: its connections
 * are closed. SQLite: VACUUM INTO a file, copied per clone; PostgreSQL: the database itself, copied
 * by CREATE DATABASE … TEMPLATE (cheaper than migrating and seeding again).
 */
export async function templateOf(t: TestDatabase): Promise<TestDatabaseTemplate> {
  if (t.dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'duban-db-template-'));
    const file = join(dir, 'template.db');
    await sql`vacuum into ${file}`.execute(t.db);
    await t.cleanup();
    return {
      clone: async () => {
        const cloneDir = mkdtempSync(join(tmpdir(), 'duban-db-test-'));
        const url = join(cloneDir, 'test.db');
        copyFileSync(file, url);
        const handle = createDatabase({ url });
        return {
          url,
          db: handle.db,
          dialect: 'sqlite',
          cleanup: async () => {
            await handle.close();
            rmSync(cloneDir, { recursive: true, force: true });
          },
        };
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // A template database must have no other session while it is copied.
  await t.db.destroy();
  const name = new URL(t.url).pathname.slice(1);
  return { clone: () => createPostgresTestDatabase(name), cleanup: () => t.cleanup() };
}

/**
 * Test-only: opens a separate raw connection to `url`, drops the audit_log append-only triggers,
 * runs `fn` (e.g. to tamper with the log), and puts the triggers back.
 */
export async function withAuditGuardsDropped<T>(
  url: string,
  fn: (raw: Kysely<Database>, dialect: DialectName) => Promise<T>,
): Promise<T> {
  const raw = createDatabase({ url, pgPoolMax: 1 });
  try {
    await dropAuditGuards(raw.db, raw.dialect);
    try {
      return await fn(raw.db, raw.dialect);
    } finally {
      await createAuditGuards(raw.db, raw.dialect);
    }
  } finally {
    await raw.close();
  }
}
