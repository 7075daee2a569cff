// The task counters (migration 2026_11_25_0400_task_counters) against a recount from the base tables,
// after random sequences of every kind of change to tasks / task_units, committed or rolled back; and
// the count functions against the straightforward queries over the base tables they replaced.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTrx } from '../executor.js';
import { createMigrator, migrateToLatest } from '../migrator.js';
import type { TaskStage, TaskUnitRelation } from '../tables/index.js';
import { createTestDatabase } from '../testing.js';
import type { TestDatabase } from '../testing.js';
import { backendPid, DIALECTS, seedUnit, taskInput, uniq, waitUntilBlockedBy } from '../test-support.js';
import { createPlan } from './plans.js';
import { countTasksByPlan, countTasksByStage, countTasksByUnit, emptyStageCounts, TASK_STAGES } from './stats.js';
import { insertTasks, removeTaskUnit, setTaskUnit, updateTaskSnapshot } from './tasks.js';

// ---------------------------------------------------------------------------------------------
// Oracles: the base tables, counted directly.

const CLOSED: readonly string[] = ['done', 'terminated'];
const TODAYS = ['2026-01-01', '2026-06-15', '2027-01-01'];

interface BaseLink {
  task_id: string;
  plan_id: string;
  unit_id: string;
  relation: TaskUnitRelation;
  stage: TaskStage;
  due_date: string | null;
}

async function baseTasks(db: DbOrTrx) {
  return db.selectFrom('tasks').select(['id', 'plan_id', 'stage', 'due_date']).execute();
}
async function baseLinks(db: DbOrTrx): Promise<BaseLink[]> {
  return db
    .selectFrom('task_units')
    .innerJoin('tasks', 'tasks.id', 'task_units.task_id')
    .select(['task_units.task_id', 'tasks.plan_id', 'task_units.unit_id', 'task_units.relation', 'tasks.stage', 'tasks.due_date'])
    .execute();
}

const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** What task_plan_counts / task_unit_counts must hold, recounted in JS from the base rows. */
async function expectedCounters(db: DbOrTrx) {
  const plans = new Map<string, { plan_id: string; stage: string; n: number }>();
  for (const t of await baseTasks(db)) {
    const k = `${t.plan_id}|${t.stage}`;
    const e = plans.get(k) ?? { plan_id: t.plan_id, stage: t.stage, n: 0 };
    e.n += 1;
    plans.set(k, e);
  }
  const units = new Map<string, { unit_id: string; relation: string; stage: string; has_due: number; due_date: string; n: number }>();
  for (const l of await baseLinks(db)) {
    const open = !CLOSED.includes(l.stage) && l.due_date !== null;
    const due = open ? (l.due_date as string) : '';
    const k = `${l.unit_id}|${l.relation}|${l.stage}|${open ? 1 : 0}|${due}`;
    const e = units.get(k) ?? { unit_id: l.unit_id, relation: l.relation, stage: l.stage, has_due: open ? 1 : 0, due_date: due, n: 0 };
    e.n += 1;
    units.set(k, e);
  }
  return {
    plans: byKey([...plans.values()], (r) => `${r.plan_id}|${r.stage}`),
    units: byKey([...units.values()], (r) => `${r.unit_id}|${r.relation}|${r.stage}|${r.has_due}|${r.due_date}`),
  };
}

async function storedCounters(db: DbOrTrx) {
  const plans = await db.selectFrom('task_plan_counts').select(['plan_id', 'stage', 'n']).execute();
  const units = await db.selectFrom('task_unit_counts').select(['unit_id', 'relation', 'stage', 'has_due', 'due_date', 'n']).execute();
  return {
    plans: byKey(plans.map((r) => ({ ...r, n: Number(r.n) })), (r) => `${r.plan_id}|${r.stage}`),
    units: byKey(
      units.map((r) => ({ ...r, has_due: Number(r.has_due), n: Number(r.n) })),
      (r) => `${r.unit_id}|${r.relation}|${r.stage}|${r.has_due}|${r.due_date}`,
    ),
  };
}

/** Committed state: the counters equal the recount, nothing is pending. */
async function expectCountersConsistent(t: TestDatabase) {
  expect(await storedCounters(t.db)).toEqual(await expectedCounters(t.db));
  if (t.dialect === 'postgres') {
    const pending = await t.db.selectFrom('task_count_deltas').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(0);
  }
}

/** The pre-counter query results (bench/README.md), computed here in JS from the base rows. */
async function referenceResults(db: DbOrTrx, planIds: readonly string[], unitIds: readonly string[]) {
  const tasks = await baseTasks(db);
  const links = await baseLinks(db);
  const stageCounts = (rows: { stage: TaskStage }[]) => {
    const out = emptyStageCounts();
    for (const r of rows) out[r.stage] += 1;
    return out;
  };
  const byUnit = (rows: BaseLink[], today: string) => {
    const m = new Map<string, { unit_id: string; relation: TaskUnitRelation; stage: TaskStage; count: number; overdue: number }>();
    for (const l of rows) {
      const k = `${l.unit_id}|${l.relation}|${l.stage}`;
      const e = m.get(k) ?? { unit_id: l.unit_id, relation: l.relation, stage: l.stage, count: 0, overdue: 0 };
      e.count += 1;
      if (l.due_date !== null && l.due_date < today && !CLOSED.includes(l.stage)) e.overdue += 1;
      m.set(k, e);
    }
    return byKey([...m.values()], (r) => `${r.unit_id}|${r.relation}|${r.stage}`);
  };
  const plans = new Map<string, { plan_id: string; stage: TaskStage; count: number }>();
  for (const t of tasks) {
    const e = plans.get(`${t.plan_id}|${t.stage}`) ?? { plan_id: t.plan_id, stage: t.stage, count: 0 };
    e.count += 1;
    plans.set(`${t.plan_id}|${t.stage}`, e);
  }
  return {
    all: stageCounts(tasks),
    perPlan: planIds.map((p) => stageCounts(tasks.filter((t) => t.plan_id === p))),
    perUnit: unitIds.map((u) => stageCounts(links.filter((l) => l.unit_id === u))),
    perPlanUnit: planIds.flatMap((p) => unitIds.map((u) => stageCounts(links.filter((l) => l.plan_id === p && l.unit_id === u)))),
    byPlan: byKey([...plans.values()], (r) => `${r.plan_id}|${r.stage}`),
    byUnit: TODAYS.map((today) => byUnit(links, today)),
    byUnitInPlan: planIds.map((p) => byUnit(links.filter((l) => l.plan_id === p), '2026-06-15')),
  };
}

async function actualResults(db: DbOrTrx, planIds: readonly string[], unitIds: readonly string[]) {
  const sortUnits = (rows: Awaited<ReturnType<typeof countTasksByUnit>>) => byKey(rows, (r) => `${r.unit_id}|${r.relation}|${r.stage}`);
  const byPlan = await countTasksByPlan(db);
  return {
    all: await countTasksByStage(db),
    perPlan: await Promise.all(planIds.map((planId) => countTasksByStage(db, { planId }))),
    perUnit: await Promise.all(unitIds.map((unitId) => countTasksByStage(db, { unitId }))),
    perPlanUnit: await Promise.all(planIds.flatMap((planId) => unitIds.map((unitId) => countTasksByStage(db, { planId, unitId })))),
    // already ordered by plan, stage (the same order as byKey's)
    byPlan: byPlan.map((r) => ({ ...r })),
    byUnit: await Promise.all(TODAYS.map(async (today) => sortUnits(await countTasksByUnit(db, { today })))),
    byUnitInPlan: await Promise.all(planIds.map(async (planId) => sortUnits(await countTasksByUnit(db, { planId, today: '2026-06-15' })))),
  };
}

// ---------------------------------------------------------------------------------------------
// Random changes

const STAGES = [...TASK_STAGES];
const DUES = [null, '2025-12-31', '2026-03-01', '2026-06-15', '2026-12-31'];

type Cmd =
  | { kind: 'insert'; tasks: { lead: number | null; co: number[]; stage: TaskStage; due: number }[] }
  | { kind: 'move'; task: number; stage: TaskStage; due: number | null; lead: number | null | undefined }
  | { kind: 'setUnit'; task: number; unit: number; relation: TaskUnitRelation }
  | { kind: 'removeUnit'; task: number; unit: number }
  | { kind: 'rawUnitMove'; task: number; unit: number }
  | { kind: 'rawPlanMove'; task: number; plan: number }
  | { kind: 'delete'; task: number };

const N_UNITS = 4;
const N_PLANS = 2;
const unitIdx = fc.nat({ max: N_UNITS - 1 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      tasks: fc.array(
        fc.record({
          lead: fc.option(unitIdx, { nil: null }),
          co: fc.uniqueArray(unitIdx, { maxLength: 2 }),
          stage: fc.constantFrom(...STAGES),
          due: fc.nat({ max: DUES.length - 1 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      task: fc.nat(),
      stage: fc.constantFrom(...STAGES),
      due: fc.option(fc.nat({ max: DUES.length - 1 }), { nil: null }),
      lead: fc.option(fc.option(unitIdx, { nil: null }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('setUnit' as const), task: fc.nat(), unit: unitIdx, relation: fc.constantFrom<TaskUnitRelation>('lead', 'co') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeUnit' as const), task: fc.nat(), unit: unitIdx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rawUnitMove' as const), task: fc.nat(), unit: unitIdx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rawPlanMove' as const), task: fc.nat(), plan: fc.nat({ max: N_PLANS - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), task: fc.nat() }) },
);
const batchArb = fc.record({ rollback: fc.boolean(), cmds: fc.array(cmdArb, { minLength: 1, maxLength: 8 }) });

interface World {
  planIds: string[];
  unitIds: string[];
}

async function pickTask(db: DbOrTrx, w: World, i: number) {
  const rows = await db.selectFrom('tasks').select(['id', 'version']).where('plan_id', 'in', w.planIds).orderBy('id').execute();
  return rows.length === 0 ? undefined : rows[i % rows.length];
}

async function apply(db: DbOrTrx, w: World, cmd: Cmd): Promise<void> {
  const unit = (i: number) => w.unitIds[i] as string;
  switch (cmd.kind) {
    case 'insert': {
      const base = Number((await db.selectFrom('tasks').select((eb) => eb.fn.max('ordinal').as('m')).executeTakeFirst())?.m ?? 0);
      await insertTasks(
        db,
        cmd.tasks.map((t, i) =>
          taskInput(w.planIds[i % w.planIds.length] as string, base + i + 1, {
            lead_unit_id: t.lead === null ? null : unit(t.lead),
            co_unit_ids: t.co.map(unit),
            stage: t.stage,
            due_date: DUES[t.due] ?? null,
          }),
        ),
      );
      return;
    }
    case 'move': {
      const task = await pickTask(db, w, cmd.task);
      if (task === undefined) return;
      await updateTaskSnapshot(db, {
        id: task.id,
        expectedVersion: task.version,
        snapshot: { moved: true },
        stage: cmd.stage,
        status: `${cmd.stage}-status`,
        round: 1,
        ...(cmd.due === null ? {} : { dueDate: DUES[cmd.due] ?? null }),
        ...(cmd.lead === undefined ? {} : { leadUnitId: cmd.lead === null ? null : unit(cmd.lead) }),
      });
      return;
    }
    case 'setUnit': {
      const task = await pickTask(db, w, cmd.task);
      if (task !== undefined) await setTaskUnit(db, task.id, unit(cmd.unit), cmd.relation);
      return;
    }
    case 'removeUnit': {
      const task = await pickTask(db, w, cmd.task);
      if (task !== undefined) await removeTaskUnit(db, task.id, unit(cmd.unit));
      return;
    }
    case 'rawUnitMove': {
      // UPDATE of task_units.unit_id (no application path does this; the triggers must still hold)
      const task = await pickTask(db, w, cmd.task);
      if (task === undefined) return;
      const held = await db.selectFrom('task_units').select('unit_id').where('task_id', '=', task.id).execute();
      const from = held[0]?.unit_id;
      const to = unit(cmd.unit);
      if (from === undefined || held.some((h) => h.unit_id === to)) return;
      await db.updateTable('task_units').set({ unit_id: to }).where('task_id', '=', task.id).where('unit_id', '=', from).execute();
      return;
    }
    case 'rawPlanMove': {
      const task = await pickTask(db, w, cmd.task);
      if (task !== undefined) await db.updateTable('tasks').set({ plan_id: w.planIds[cmd.plan] as string }).where('id', '=', task.id).execute();
      return;
    }
    case 'delete': {
      // task_units rows go by ON DELETE CASCADE
      const task = await pickTask(db, w, cmd.task);
      if (task !== undefined) await db.deleteFrom('tasks').where('id', '=', task.id).execute();
      return;
    }
  }
}

class Rollback extends Error {}

async function newWorld(db: DbOrTrx): Promise<World> {
  const planIds: string[] = [];
  for (let i = 0; i < N_PLANS; i++) planIds.push((await createPlan(db, { title: uniq('方案-') })).id);
  const unitIds: string[] = [];
  for (let i = 0; i < N_UNITS; i++) unitIds.push((await seedUnit(db)).id);
  return { planIds, unitIds };
}

describe.each(DIALECTS)('task counters (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('equal a recount of the base tables after random changes, committed or rolled back; the counts equal the base-table queries, also inside the writing transaction', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        const w = await newWorld(t.db);
        for (const batch of batches) {
          try {
            await t.db.transaction().execute(async (trx) => {
              for (const cmd of batch.cmds) await apply(trx, w, cmd);
              // read inside the transaction (PostgreSQL: the counters plus this transaction's pending deltas)
              expect(await actualResults(trx, w.planIds, w.unitIds)).toEqual(await referenceResults(trx, w.planIds, w.unitIds));
              if (batch.rollback) throw new Rollback();
            });
          } catch (e) {
            if (!(e instanceof Rollback)) throw e;
          }
          await expectCountersConsistent(t);
          expect(await actualResults(t.db, w.planIds, w.unitIds)).toEqual(await referenceResults(t.db, w.planIds, w.unitIds));
        }
      }),
      { numRuns: dialect === 'sqlite' ? 60 : 25 },
    );
  }, 120_000);

  it('follow single statements outside a transaction, and a failed statement changes nothing', async () => {
    const w = await newWorld(t.db);
    const [task] = await insertTasks(t.db, [
      taskInput(w.planIds[0]!, 1, { lead_unit_id: w.unitIds[0]!, co_unit_ids: [w.unitIds[1]!], stage: 'handle', due_date: '2026-03-01' }),
    ]);
    await expectCountersConsistent(t);
    expect(await countTasksByStage(t.db, { unitId: w.unitIds[1]! })).toMatchObject({ handle: 1 });
    // a duplicate task_units row fails (primary key): the counters keep their values
    await expect(t.db.insertInto('task_units').values({ task_id: task!.id, unit_id: w.unitIds[1]!, relation: 'co' }).execute()).rejects.toThrow();
    await expectCountersConsistent(t);
    await t.db.updateTable('tasks').set({ stage: 'done' }).where('id', '=', task!.id).execute();
    await expectCountersConsistent(t);
    expect((await countTasksByUnit(t.db, { today: '2027-01-01' })).filter((r) => r.unit_id === w.unitIds[0]!)).toEqual([
      { unit_id: w.unitIds[0]!, relation: 'lead', stage: 'done', count: 1, overdue: 0 },
    ]);
    await t.db.deleteFrom('tasks').where('id', '=', task!.id).execute();
    await expectCountersConsistent(t);
    expect(await countTasksByStage(t.db, { unitId: w.unitIds[0]! })).toEqual(emptyStageCounts());
  });

  it('keep no zero rows', async () => {
    const zero = await t.db.selectFrom('task_unit_counts').select('n').where('n', '<=', 0).execute();
    const zeroPlans = await t.db.selectFrom('task_plan_counts').select('n').where('n', '<=', 0).execute();
    expect([...zero, ...zeroPlans]).toEqual([]);
  });

  it('are backfilled by the migration from the rows already there, and rebuilt after going down and up', async () => {
    const fresh = await createTestDatabase(dialect, { migrate: false });
    try {
      const m = await createMigrator(fresh.db).migrateTo('2026_11_25_0300_query_indexes');
      expect(m.error).toBeUndefined();
      // written before the counters exist (no triggers yet)
      const w = await newWorld(fresh.db);
      await insertTasks(
        fresh.db,
        Array.from({ length: 30 }, (_, i) =>
          taskInput(w.planIds[i % 2]!, i + 1, {
            lead_unit_id: w.unitIds[i % N_UNITS]!,
            co_unit_ids: i % 3 === 0 ? [w.unitIds[(i + 1) % N_UNITS]!] : [],
            stage: STAGES[i % STAGES.length]!,
            due_date: DUES[i % DUES.length] ?? null,
          }),
        ),
      );
      await migrateToLatest(fresh.db);
      await expectCountersConsistent(fresh);
      expect(await actualResults(fresh.db, w.planIds, w.unitIds)).toEqual(await referenceResults(fresh.db, w.planIds, w.unitIds));
      expect((await createMigrator(fresh.db).migrateTo('2026_11_25_0300_query_indexes')).error).toBeUndefined();
      await sql`update tasks set stage = 'done' where ordinal <= 5`.execute(fresh.db);
      await migrateToLatest(fresh.db);
      await expectCountersConsistent(fresh);
    } finally {
      await fresh.cleanup();
    }
  });

  if (dialect === 'postgres') {
    it('a task_units change waits for a concurrent change of its task’s stage (no lost update under READ COMMITTED)', async () => {
      const w = await newWorld(t.db);
      for (const order of ['stage first', 'unit first'] as const) {
        const [task] = await insertTasks(t.db, [taskInput(w.planIds[0]!, 1, { lead_unit_id: w.unitIds[0]!, stage: 'deploy', due_date: '2026-03-01' })]);
        const a = await t.db.startTransaction().execute();
        const b = await t.db.startTransaction().execute();
        try {
          const stage = () => a.updateTable('tasks').set({ stage: 'handle' }).where('id', '=', task!.id).execute();
          const unit = () => b.insertInto('task_units').values({ task_id: task!.id, unit_id: w.unitIds[1]!, relation: 'co' }).execute();
          const [first, second, firstTrx, secondTrx] = order === 'stage first' ? [stage, unit, a, b] : [unit, stage, b, a];
          const [firstPid, secondPid] = [await backendPid(firstTrx), await backendPid(secondTrx)];
          await first();
          const waiting = second(); // blocks on the task row until `first` commits
          waiting.catch(() => undefined); // (awaited below; not an unhandled rejection meanwhile)
          // Commit only once the second really waits for the first's lock (else this would test nothing).
          await waitUntilBlockedBy(t.db, secondPid, firstPid);
          await firstTrx.commit().execute();
          await waiting;
          await (firstTrx === a ? b : a).commit().execute();
        } catch (e) {
          await a.rollback().execute().catch(() => undefined);
          await b.rollback().execute().catch(() => undefined);
          throw e;
        }
        await expectCountersConsistent(t);
        expect(await countTasksByStage(t.db, { unitId: w.unitIds[1]! })).toMatchObject({ handle: order === 'stage first' ? 1 : 2, deploy: 0 });
      }
    });

    it('two transactions moving tasks across the same counters in opposite orders both commit (counter rows are locked only at COMMIT, in key order)', async () => {
      const w = await newWorld(t.db);
      const [x, y] = await insertTasks(t.db, [
        taskInput(w.planIds[0]!, 1, { lead_unit_id: w.unitIds[0]!, stage: 'deploy', due_date: '2026-03-01' }),
        taskInput(w.planIds[0]!, 2, { lead_unit_id: w.unitIds[1]!, stage: 'deploy', due_date: '2026-03-01' }),
      ]);
      const a = await t.db.startTransaction().execute();
      const b = await t.db.startTransaction().execute();
      // a: lead of x from unit 0 to unit 1; b: lead of y from unit 1 to unit 0 (same stage and due date)
      await updateTaskSnapshot(a, { id: x!.id, expectedVersion: 1, snapshot: {}, stage: 'deploy', status: 's', round: 1, leadUnitId: w.unitIds[1]! });
      await updateTaskSnapshot(b, { id: y!.id, expectedVersion: 1, snapshot: {}, stage: 'deploy', status: 's', round: 1, leadUnitId: w.unitIds[0]! });
      await Promise.all([a.commit().execute(), b.commit().execute()]);
      await expectCountersConsistent(t);
    });

    it('stay exact under concurrent transactions (one task each, like transitions), then nothing is pending', async () => {
      const w = await newWorld(t.db);
      await insertTasks(
        t.db,
        Array.from({ length: 8 }, (_, i) =>
          taskInput(w.planIds[0]!, i + 1, { lead_unit_id: w.unitIds[i % N_UNITS]!, co_unit_ids: [w.unitIds[(i + 1) % N_UNITS]!], stage: 'deploy', due_date: '2026-03-01' }),
        ),
      );
      const ids = (await t.db.selectFrom('tasks').select('id').where('plan_id', '=', w.planIds[0]!).orderBy('id').execute()).map((r) => r.id);
      const rnd = fc.sample(fc.array(fc.tuple(fc.nat({ max: ids.length - 1 }), fc.constantFrom(...STAGES), unitIdx, fc.boolean()), { minLength: 12, maxLength: 12 }), 6);
      await Promise.all(
        rnd.map(async (ops) => {
          for (const [i, stage, u, add] of ops) {
            await t.db.transaction().execute(async (trx) => {
              const id = ids[i]!;
              const row = await trx.selectFrom('tasks').select('version').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
              await updateTaskSnapshot(trx, { id, expectedVersion: row.version, snapshot: {}, stage, status: 's', round: 1, dueDate: u % 2 === 0 ? '2026-03-01' : '2026-06-30' });
              if (add) await setTaskUnit(trx, id, w.unitIds[u]!, 'co');
              else await removeTaskUnit(trx, id, w.unitIds[u]!);
            });
          }
        }),
      );
      await expectCountersConsistent(t);
    });

    it('TRUNCATE empties the counters of the truncated side', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const w = await newWorld(fresh.db);
        await insertTasks(fresh.db, [taskInput(w.planIds[0]!, 1, { lead_unit_id: w.unitIds[0]!, stage: 'handle', due_date: '2026-03-01' })]);
        await sql`truncate task_units`.execute(fresh.db);
        await expectCountersConsistent(fresh);
        await insertTasks(fresh.db, [taskInput(w.planIds[0]!, 2, { lead_unit_id: w.unitIds[1]!, stage: 'handle' })]);
        await sql`truncate tasks cascade`.execute(fresh.db);
        await expectCountersConsistent(fresh);
      } finally {
        await fresh.cleanup();
      }
    });
  }
});
