// The 催办 / 延期申请 flags as columns (migration 0500): backfilled from the stored snapshots, set by
// every versioned update, and filtered and paged by listTasks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigrator } from '../migrator.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { DIALECTS } from '../test-support.js';
import { createPlan } from './plans.js';
import { insertTasks, listTasks, updateTaskSnapshot } from './tasks.js';
import { createUser } from './users.js';

/** A snapshot with just the parts the backfill reads (the lifecycle's real ones carry more). */
const snapshot = (openNotices: number, extension: boolean) => ({
  status: 'active',
  value: {},
  context: { openNotices, extensionRequest: extension ? { requestedDueDate: '2027-01-01', reason: '因故', unitId: 'u' } : null },
});

describe.each(DIALECTS)('task flags (%s)', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('migration 0500 backfills the flags from the snapshots (a closed task never awaits an extension)', async () => {
    const migrator = createMigrator(t.db);
    expect((await migrator.migrateTo('2026_11_25_0400_task_counters')).error).toBeUndefined();
    const plan = await createPlan(t.db, { title: '方案', phases: [] });
    const rows = [
      { ordinal: 1, stage: 'handle' as const, snap: snapshot(0, false) },
      { ordinal: 2, stage: 'handle' as const, snap: snapshot(2, false) },
      { ordinal: 3, stage: 'handle' as const, snap: snapshot(0, true) },
      { ordinal: 4, stage: 'terminated' as const, snap: snapshot(1, true) },
    ];
    // Written as the old schema knew them (no flag columns yet).
    for (const r of rows) {
      await t.db
        .insertInto('tasks')
        .values({ id: `t${r.ordinal}`, plan_id: plan.id, ordinal: r.ordinal, path: '[]', text: `任务${r.ordinal}`, targets: '[]', stage: r.stage, status: 'drafting', snapshot: JSON.stringify(r.snap), machine_version: 1, created_at: '2026-01-01', updated_at: '2026-01-01' } as never)
        .execute();
    }
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const flags = await t.db.selectFrom('tasks').select(['id', 'open_notices', 'extension_requested']).orderBy('ordinal').execute();
    expect(flags).toEqual([
      { id: 't1', open_notices: 0, extension_requested: 0 },
      { id: 't2', open_notices: 2, extension_requested: 0 },
      { id: 't3', open_notices: 0, extension_requested: 1 },
      { id: 't4', open_notices: 1, extension_requested: 0 },
    ]);
    // and down again
    expect((await migrator.migrateTo('2026_11_25_0400_task_counters')).error).toBeUndefined();
  });

  it('updates set the flags; listTasks filters and pages on them', async () => {
    expect((await createMigrator(t.db).migrateToLatest()).error).toBeUndefined();
    const plan = await createPlan(t.db, { title: '方案', phases: [] });
    const tasks = await insertTasks(
      t.db,
      Array.from({ length: 7 }, (_, i) => ({ plan_id: plan.id, ordinal: i + 1, text: `任务${i + 1}`, stage: 'handle' as const, status: 'drafting', snapshot: snapshot(0, false), machine_version: 1 })),
    );
    const set = async (i: number, openNotices: number, extensionRequested: boolean) => {
      const task = tasks[i] as (typeof tasks)[number];
      const version = await updateTaskSnapshot(t.db, { id: task.id, expectedVersion: task.version, snapshot: snapshot(openNotices, extensionRequested), stage: 'handle', status: 'drafting', round: 1, openNotices, extensionRequested });
      task.version = version as number;
    };
    await set(1, 1, false);
    await set(3, 2, true);
    await set(5, 0, true);
    await set(6, 3, false);
    const ids = (page: { items: { ordinal: number }[] }) => page.items.map((x) => x.ordinal);
    expect(ids(await listTasks(t.db, { urged: true, limit: 10 }))).toEqual([2, 4, 7]);
    expect(ids(await listTasks(t.db, { extensionRequested: true, limit: 10 }))).toEqual([4, 6]);
    const first = await listTasks(t.db, { urged: true, limit: 2 });
    expect(ids(first)).toEqual([2, 4]);
    expect(ids(await listTasks(t.db, { urged: true, limit: 2, cursor: first.nextCursor }))).toEqual([7]);
    // acknowledged / decided: off the lists again
    await set(3, 0, false);
    expect(ids(await listTasks(t.db, { urged: true, limit: 10 }))).toEqual([2, 7]);
    expect(ids(await listTasks(t.db, { extensionRequested: true, limit: 10 }))).toEqual([6]);
  });

  it('ratedBy: rated / not rated by this evaluator in the task\'s current round only', async () => {
    expect((await createMigrator(t.db).migrateToLatest()).error).toBeUndefined();
    const plan = await createPlan(t.db, { title: '方案', phases: [] });
    const [a, b] = await Promise.all(['e1', 'e2'].map((u) => createUser(t.db, { username: u, display_name: u, password_hash: 'x', role: 'evaluator' })));
    const tasks = await insertTasks(
      t.db,
      [1, 2, 3].map((i) => ({ plan_id: plan.id, ordinal: i, text: `任务${i}`, stage: 'evaluate' as const, status: 'rating', round: 2, snapshot: snapshot(0, false), machine_version: 1 })),
    );
    const rate = (taskIndex: number, evaluator: string, round: number) =>
      t.db.insertInto('ratings').values({ task_id: (tasks[taskIndex] as (typeof tasks)[number]).id, round, evaluator_id: evaluator, rating: 'satisfied', comment: null, created_at: 'x', updated_at: 'x' }).execute();
    await rate(0, (a as { id: string }).id, 2); // this round
    await rate(1, (a as { id: string }).id, 1); // an earlier round: not rated now
    await rate(2, (b as { id: string }).id, 2); // someone else
    const ids = async (rated: boolean) => (await listTasks(t.db, { ratedBy: { evaluatorId: (a as { id: string }).id, rated }, limit: 10 })).items.map((x) => x.ordinal);
    expect(await ids(true)).toEqual([1]);
    expect(await ids(false)).toEqual([2, 3]);
  });
});
