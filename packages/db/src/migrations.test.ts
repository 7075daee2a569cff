import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, findRepoRoot, resolveSqlitePath } from './database.js';
import { isPostgresUrl } from './dialect.js';
import { createMigrator, migrateToLatest } from './migrator.js';
import { migrations } from './migrations/index.js';
import { createTestDatabase } from './testing.js';
import type { TestDatabase } from './testing.js';
import { DIALECTS, seedPlanWithTasks } from './test-support.js';

const TABLES = [
  'units', 'unit_groups', 'unit_group_members', 'users', 'sessions', 'plans', 'phases', 'tasks',
  'task_units', 'submissions', 'files', 'attachments', 'progress_reports', 'rectification_items',
  'ratings', 'extension_requests', 'audit_log', 'audit_head',
] as const;

describe.each(DIALECTS)('migrations (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('applies every migration, then is a no-op', async () => {
    const first = await migrateToLatest(t.db);
    expect(first.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, 'Success']),
    );
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('creates every table, and the audit head at genesis', async () => {
    for (const table of TABLES) {
      const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(t.db);
      expect(r.rows).toHaveLength(1);
    }
    const head = await t.db.selectFrom('audit_head').selectAll().execute();
    expect(head).toEqual([{ id: 1, seq: 0, hash: '0'.repeat(64) }]);
  });

  it('goes down and up again', async () => {
    // all the way down (there is more than one migration), then every one up again
    const down = await createMigrator(t.db).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    await expect(sql`select 1 from audit_log`.execute(t.db)).rejects.toThrow();
    const up = await migrateToLatest(t.db);
    expect(up).toHaveLength(Object.keys(migrations).length);
  });
});

describe('createDatabase (url handling)', () => {
  it('chooses PostgreSQL only for postgres:// and postgresql:// URLs', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h:5432/db')).toBe(true);
    expect(isPostgresUrl('file:./x.db')).toBe(false);
    expect(isPostgresUrl('/var/lib/x.db')).toBe(false);
    expect(isPostgresUrl(':memory:')).toBe(false);
  });

  it('resolves the default file under the repo root, paths, file: URLs and :memory:', () => {
    const root = findRepoRoot();
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(resolveSqlitePath(undefined)).toBe(join(root, 'data', 'app.db'));
    expect(resolveSqlitePath('/tmp/a.db')).toBe('/tmp/a.db');
    expect(resolveSqlitePath('file:///tmp/b.db')).toBe('/tmp/b.db');
    expect(resolveSqlitePath('file:/tmp/c.db')).toBe('/tmp/c.db');
    expect(resolveSqlitePath(':memory:')).toBe(':memory:');
  });

  it('opens a file: URL with WAL, foreign keys and the chosen synchronous level, creating the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-url-'));
    try {
      const file = join(dir, 'nested', 'x.db');
      const h = createDatabase({ url: pathToFileURL(file).href, sqliteSynchronous: 'NORMAL' });
      expect(h.dialect).toBe('sqlite');
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(h.db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(h.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(h.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      expect(sync.rows[0]?.synchronous).toBe(1); // NORMAL
      await h.close();
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates an in-memory database with synchronous=FULL by default', async () => {
    const h = createDatabase({ url: ':memory:' });
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(h.db);
    expect(sync.rows[0]?.synchronous).toBe(2); // FULL
    await migrateToLatest(h.db);
    expect(await h.db.selectFrom('audit_head').select('seq').executeTakeFirst()).toEqual({ seq: 0 });
    await h.close();
  });
});

describe.each(DIALECTS)('migration 2026_12_07_0100 backfills existing rows (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("gives each completion its Beijing day, and each stay and return its task's plan", async () => {
    const migrated = await createMigrator(t.db).migrateTo('2026_12_06_0100_dashboard_ranges');
    expect(migrated.error).toBeUndefined();
    const { plan, tasks } = await seedPlanWithTasks(t.db, 2);
    const a = tasks[0]!;
    const b = tasks[1]!;
    // 2026-03-31 16:30 UTC is 2026-04-01 00:30 in Beijing: a new quarter's first day
    await sql`update tasks set completed_at = '2026-03-31T16:30:00.000Z' where id = ${a.id}`.execute(t.db);
    await sql`insert into task_stage_stays (task_id, stage, entered_at, left_at) values (${a.id}, 'handle', '2026-03-01T00:00:00.000Z', '2026-03-31T16:30:00.000Z')`.execute(t.db);
    await sql`insert into task_returns (id, task_id, unit_id, kind, reason, at) values ('r1', ${b.id}, null, 'stage', 'other', '2026-03-02T00:00:00.000Z')`.execute(t.db);
    await migrateToLatest(t.db);
    const rows = await sql<{ id: string; completed_on: string | null }>`select id, completed_on from tasks order by ordinal`.execute(t.db);
    expect(rows.rows.map((r) => r.completed_on)).toEqual(['2026-04-01', null]);
    const stays = await sql<{ plan_id: string }>`select plan_id from task_stage_stays`.execute(t.db);
    const returns = await sql<{ plan_id: string }>`select plan_id from task_returns`.execute(t.db);
    expect([...stays.rows, ...returns.rows].map((r) => r.plan_id)).toEqual([plan.id, plan.id]);
  });
});

describe.each(DIALECTS)('migration 2026_12_08_0500 backfills existing rows (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("gives each co-unit its place in its task's snapshot (machine versions 1 and 2)", async () => {
    const migrated = await createMigrator(t.db).migrateTo('2026_12_07_0200_audit_filter_indexes');
    expect(migrated.error).toBeUndefined();
    const units: string[] = [];
    for (const name of ['甲', '乙', '丙', '丁']) {
      const id = `u-${name}-${Math.random().toString(36).slice(2, 8)}`;
      await sql`insert into units (id, name, aliases, kind, created_at) values (${id}, ${name}, '[]', 'department', '2026-01-01T00:00:00.000Z')`.execute(t.db);
      units.push(id);
    }
    const [lead, a, b, c] = units as [string, string, string, string];
    const { tasks } = await seedPlanWithTasks(t.db, 3, (i) => ({
      lead_unit_id: lead,
      machine_version: i === 2 ? 2 : 1,
      // task 1 names c, a, b; task 2 names b, c; task 3 has a co row its snapshot does not name
      snapshot: { value: { deploy: 'signing' }, context: { leadUnitId: lead, coUnitIds: i === 1 ? [c, a, b] : i === 2 ? [b, c] : [] } },
    }));
    const co = (task: number, unit: string) => sql`insert into task_units (task_id, unit_id, relation) values (${tasks[task]!.id}, ${unit}, 'co')`.execute(t.db);
    await co(0, a);
    await co(0, b);
    await co(0, c);
    await co(1, c);
    await co(1, b);
    await co(2, a);
    await migrateToLatest(t.db);
    const rows = await sql<{ task_id: string; unit_id: string; relation: string; ordinal: number }>`
      select task_id, unit_id, relation, ordinal from task_units order by task_id, relation, unit_id`.execute(t.db);
    const place = (task: number, unit: string) => rows.rows.find((r) => r.task_id === tasks[task]!.id && r.unit_id === unit)?.ordinal;
    expect([place(0, c), place(0, a), place(0, b)].map(Number)).toEqual([0, 1, 2]);
    expect([place(1, b), place(1, c)].map(Number)).toEqual([0, 1]);
    expect(Number(place(2, a))).toBe(0);
    expect(rows.rows.filter((r) => r.relation === 'lead').map((r) => Number(r.ordinal))).toEqual([0, 0, 0]);
  });
});
