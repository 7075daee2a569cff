import { sql } from 'kysely';
import { dialectOf } from '../dialect.js';
import type { DbOrTrx } from '../executor.js';
import type { TaskStage, TaskUnitRelation } from '../tables/index.js';

// The dashboard counts. Without a plan filter they read the counters that database triggers keep in
// every transaction that changes tasks / task_units (migration 2026_11_25_0400_task_counters):
// task_plan_counts (plan, stage) and task_unit_counts (unit, relation, stage, due date) — a few
// thousand rows instead of every task. Within one plan they count the plan's tasks (index
// tasks_plan_stage_idx), which are few.

import { CLOSED_TASK_STAGES, TASK_STAGES } from '../tables/tasks.table.js';

export { TASK_STAGES };

export function emptyStageCounts(): Record<TaskStage, number> {
  return { deploy: 0, handle: 0, inspect: 0, summarize: 0, evaluate: 0, done: 0, terminated: 0 };
}

/**
 * On PostgreSQL the triggers fold a transaction's changes into the counters at its COMMIT; until then
 * they wait in task_count_deltas. A read inside a writing transaction adds its own pending changes
 * (txid_current_if_assigned() is null for a transaction that has written nothing).
 */
function pendingDeltas(db: DbOrTrx): boolean {
  return db.isTransaction && dialectOf(db) === 'postgres';
}

function planCounters(db: DbOrTrx) {
  const counters = db.selectFrom('task_plan_counts').select(['plan_id', 'stage', 'n']);
  if (!pendingDeltas(db)) return counters;
  return counters.unionAll(
    db
      .selectFrom('task_count_deltas')
      .select(['plan_id', 'stage', 'n'])
      .where('scope', '=', 'plan')
      .where('tx', '=', sql<number>`txid_current_if_assigned()`),
  );
}

function unitCounters(db: DbOrTrx) {
  const counters = db.selectFrom('task_unit_counts').select(['unit_id', 'relation', 'stage', 'has_due', 'due_date', 'n']);
  if (!pendingDeltas(db)) return counters;
  return counters.unionAll(
    db
      .selectFrom('task_count_deltas')
      .select(['unit_id', 'relation', 'stage', 'has_due', 'due_date', 'n'])
      .where('scope', '=', 'unit')
      .where('tx', '=', sql<number>`txid_current_if_assigned()`),
  );
}

function toStageCounts(rows: readonly { stage: TaskStage; n: number | string | bigint | null }[]): Record<TaskStage, number> {
  const out = emptyStageCounts();
  for (const r of rows) out[r.stage] += Number(r.n ?? 0);
  return out;
}

/** Task counts per stage, optionally within one plan and/or for tasks one unit holds (any relation). */
export async function countTasksByStage(
  db: DbOrTrx,
  filters: { planId?: string; unitId?: string } = {},
): Promise<Record<TaskStage, number>> {
  const { planId, unitId } = filters;
  if (unitId !== undefined && planId !== undefined) {
    // one plan's tasks, each probed in task_units by its primary key (task_id, unit_id)
    const rows = await db
      .selectFrom('tasks')
      .innerJoin('task_units', (j) =>
        j.onRef('task_units.task_id', '=', 'tasks.id').on('task_units.unit_id', '=', unitId),
      )
      .where('tasks.plan_id', '=', planId)
      .select((eb) => ['tasks.stage', eb.fn.countAll<number>().as('n')])
      .groupBy('tasks.stage')
      .execute();
    return toStageCounts(rows);
  }
  if (unitId !== undefined) {
    // a unit holds a task in one relation only (primary key task_id, unit_id): the relations add up
    const rows = await db
      .selectFrom(unitCounters(db).as('c'))
      .where('c.unit_id', '=', unitId)
      .select((eb) => ['c.stage', eb.fn.sum<number>('c.n').as('n')])
      .groupBy('c.stage')
      .execute();
    return toStageCounts(rows);
  }
  let q = db.selectFrom(planCounters(db).as('c'));
  if (planId !== undefined) q = q.where('c.plan_id', '=', planId);
  const rows = await q.select((eb) => ['c.stage', eb.fn.sum<number>('c.n').as('n')]).groupBy('c.stage').execute();
  return toStageCounts(rows);
}

export interface PlanStageCount {
  plan_id: string;
  stage: TaskStage;
  count: number;
}

/** Task counts per plan and stage (of the given plans, or all), from the counters. */
export async function countTasksByPlan(db: DbOrTrx, planIds?: readonly string[]): Promise<PlanStageCount[]> {
  if (planIds !== undefined && planIds.length === 0) return [];
  let q = db.selectFrom(planCounters(db).as('c'));
  if (planIds !== undefined) q = q.where('c.plan_id', 'in', planIds);
  const rows = await q
    .select((eb) => ['c.plan_id', 'c.stage', eb.fn.sum<number>('c.n').as('n')])
    .groupBy(['c.plan_id', 'c.stage'])
    .having((eb) => eb.fn.sum('c.n'), '>', 0)
    .orderBy('c.plan_id')
    .orderBy('c.stage')
    .execute();
  return rows.map((r) => ({ plan_id: r.plan_id, stage: r.stage, count: Number(r.n) }));
}

export interface UnitStageCount {
  unit_id: string;
  relation: TaskUnitRelation;
  stage: TaskStage;
  count: number;
  /** of these, how many are overdue (due_date < today, not done/terminated) */
  overdue: number;
}

/** Per unit, relation (lead/co) and stage: how many tasks, how many overdue. In order of unit, relation, stage. */
export async function countTasksByUnit(
  db: DbOrTrx,
  filters: { planId?: string; today: string },
): Promise<UnitStageCount[]> {
  const today = filters.today;
  if (filters.planId !== undefined) return countPlanTasksByUnit(db, filters.planId, today);
  // has_due = 1 only for open tasks with a due date (closed ones are kept under has_due = 0)
  const rows = await db
    .selectFrom(unitCounters(db).as('c'))
    .select((eb) => [
      'c.unit_id',
      'c.relation',
      'c.stage',
      eb.fn.sum<number>('c.n').as('n'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('c.has_due', '=', 1), eb('c.due_date', '<', today)]))
            .then(eb.ref('c.n'))
            .else(0)
            .end(),
        )
        .as('overdue'),
    ])
    .groupBy(['c.unit_id', 'c.relation', 'c.stage'])
    .having((eb) => eb.fn.sum('c.n'), '>', 0)
    .orderBy('c.unit_id')
    .orderBy('c.relation')
    .orderBy('c.stage')
    .execute();
  return rows.map(toUnitStageCount);
}

/** A grouped row of either count query as the API returns it (SUM/COUNT come back as strings on PostgreSQL). */
function toUnitStageCount(r: { unit_id: string; relation: TaskUnitRelation; stage: TaskStage; n: number | string; overdue: number | string | null }): UnitStageCount {
  return { unit_id: r.unit_id, relation: r.relation, stage: r.stage, count: Number(r.n), overdue: Number(r.overdue ?? 0) };
}

/** countTasksByUnit within one plan: the plan's tasks joined to their task_units rows. */
async function countPlanTasksByUnit(db: DbOrTrx, planId: string, today: string): Promise<UnitStageCount[]> {
  const rows = await db
    .selectFrom('tasks')
    .innerJoin('task_units', 'task_units.task_id', 'tasks.id')
    .where('tasks.plan_id', '=', planId)
    .select((eb) => [
      'task_units.unit_id',
      'task_units.relation',
      'tasks.stage',
      eb.fn.countAll<number>().as('n'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.and([eb('tasks.due_date', '<', today), eb('tasks.stage', 'not in', CLOSED_TASK_STAGES)]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('overdue'),
    ])
    .groupBy(['task_units.unit_id', 'task_units.relation', 'tasks.stage'])
    .orderBy('task_units.unit_id')
    .orderBy('task_units.relation')
    .orderBy('tasks.stage')
    .execute();
  return rows.map(toUnitStageCount);
}
