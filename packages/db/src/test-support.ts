// Shared by the *.test.ts files only (not exported from the package).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTrx } from './executor.js';
import { createPlan } from './repositories/plans.js';
import { insertTasks } from './repositories/tasks.js';
import type { NewTask } from './repositories/tasks.js';
import { createUnit } from './repositories/units.js';
import { createUser } from './repositories/users.js';
import type { UserRole } from './tables/index.js';
import { testDialects } from './testing.js';

/** The dialects every suite runs on (TEST_DIALECTS=sqlite,postgres filters). */
export const DIALECTS = testDialects();

/** A short unique suffix, so every test seeds its own distinct rows. */
export function uniq(prefix = ''): string {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

export async function seedUnit(db: DbOrTrx, name = uniq('单位-')) {
  return createUnit(db, { name, kind: 'department', aliases: [`${name}别名`] });
}

export async function seedUser(db: DbOrTrx, role: UserRole = 'liaison', unitId: string | null = null) {
  return createUser(db, {
    username: uniq('user-'),
    display_name: '测试用户',
    password_hash: 'x',
    role,
    unit_id: unitId,
  });
}

export function taskInput(planId: string, ordinal: number, extra: Partial<NewTask> = {}): NewTask {
  return {
    plan_id: planId,
    ordinal,
    path: ['一', String(ordinal)],
    heading: `标题${ordinal}`,
    text: `任务正文 ${ordinal}`,
    stage: 'deploy',
    status: 'drafting',
    snapshot: { value: { deploy: 'drafting' }, context: { n: ordinal } },
    machine_version: 1,
    ...extra,
  };
}

export async function seedPlanWithTasks(db: DbOrTrx, n: number, extra: (i: number) => Partial<NewTask> = () => ({})) {
  const plan = await createPlan(db, { title: uniq('方案-'), doc_number: uniq('东政办〔2021〕') });
  const tasks = await insertTasks(
    db,
    Array.from({ length: n }, (_, i) => taskInput(plan.id, i + 1, extra(i + 1))),
  );
  return { plan, tasks };
}

/** The server process id of a PostgreSQL connection (e.g. that of a started transaction). */
export async function backendPid(db: DbOrTrx): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return Number(rows[0]!.pid);
}

/**
 * Polls (over `observer`, a connection of its own) until the PostgreSQL backend `waiter` waits for a
 * lock held by `blocker` (pg_blocking_pids), and fails after `timeoutMs`: a test that means to
 * exercise a lock wait cannot then pass without one.
 */
export async function waitUntilBlockedBy(observer: DbOrTrx, waiter: number, blocker: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ blockers: number[] | null }>`select pg_blocking_pids(${waiter}) as blockers`.execute(observer);
    if ((rows[0]?.blockers ?? []).map(Number).includes(blocker)) return;
    if (Date.now() > deadline) throw new Error(`backend ${waiter} did not come to wait for a lock of backend ${blocker} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
