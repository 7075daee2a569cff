import type { DbOrTrx } from '../executor.js';
import { todayIso } from '../ids.js';
import type { TaskStage, TaskUnitRelation } from '../tables/index.js';

export const TASK_STAGES = ['deploy', 'handle', 'inspect', 'summarize', 'evaluate', 'done', 'terminated'] as const satisfies readonly TaskStage[];

export function emptyStageCounts(): Record<TaskStage, number> {
  return { deploy: 0, handle: 0, inspect: 0, summarize: 0, evaluate: 0, done: 0, terminated: 0 };
}

/** Task counts per stage, optionally within one plan and/or for tasks one unit holds (any relation). */
export async function countTasksByStage(
  db: DbOrTrx,
  filters: { planId?: string; unitId?: string } = {},
): Promise<Record<TaskStage, number>> {
  // With a unit, start from that unit's task_units rows (index task_units_unit_idx) and join
  // the tasks: an EXISTS per task would visit every task of the table.
  let q =
    filters.unitId === undefined
      ? db.selectFrom('tasks').select((eb) => ['tasks.stage', eb.fn.countAll<number>().as('n')])
      : db
          .selectFrom('task_units')
          .innerJoin('tasks', 'tasks.id', 'task_units.task_id')
          .where('task_units.unit_id', '=', filters.unitId)
          .select((eb) => ['tasks.stage', eb.fn.countAll<number>().as('n')]);
  if (filters.planId !== undefined) q = q.where('tasks.plan_id', '=', filters.planId);
  const rows = await q.groupBy('tasks.stage').execute();
  const out = emptyStageCounts();
  for (const r of rows) out[r.stage] = Number(r.n);
  return out;
}

export interface PlanStageCount {
  plan_id: string;
  stage: TaskStage;
  count: number;
}

export async function countTasksByPlan(db: DbOrTrx): Promise<PlanStageCount[]> {
  const rows = await db
    .selectFrom('tasks')
    .select((eb) => ['plan_id', 'stage', eb.fn.countAll<number>().as('n')])
    .groupBy(['plan_id', 'stage'])
    .orderBy('plan_id')
    .orderBy('stage')
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

/** Per unit, relation (lead/co) and stage: how many tasks, how many overdue. */
export async function countTasksByUnit(
  db: DbOrTrx,
  filters: { planId?: string; today?: string } = {},
): Promise<UnitStageCount[]> {
  const today = filters.today ?? todayIso();
  let q = db
    .selectFrom('task_units')
    .innerJoin('tasks', 'tasks.id', 'task_units.task_id')
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
              eb.and([eb('tasks.due_date', '<', today), eb('tasks.stage', 'not in', ['done', 'terminated'])]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('overdue'),
    ]);
  if (filters.planId !== undefined) q = q.where('tasks.plan_id', '=', filters.planId);
  const rows = await q
    .groupBy(['task_units.unit_id', 'task_units.relation', 'tasks.stage'])
    .orderBy('task_units.unit_id')
    .execute();
  return rows.map((r) => ({
    unit_id: r.unit_id,
    relation: r.relation,
    stage: r.stage,
    count: Number(r.n),
    overdue: Number(r.overdue ?? 0),
  }));
}
