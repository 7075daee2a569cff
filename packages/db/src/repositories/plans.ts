import { sql } from 'kysely';
import type { DbOrTrx } from '../executor.js';
import { preparedQuery } from '../prepared.js';
import { newId, nowIso, parseJson, toJson } from '../ids.js';
import type { PhaseRow, PlanRow, PlanSourceKind, TaskStage } from '../tables/index.js';

export const PLAN_SOURCE_KINDS: readonly PlanSourceKind[] = ['document', 'instruction', 'meeting', 'proposal'];
import { emptyStageCounts } from './stats.js';

export type Phase = Omit<PhaseRow, 'duties'> & { duties: string[] };

export interface NewPhase {
  id?: string;
  ordinal: number;
  name: string;
  start_month?: string | null;
  end_month?: string | null;
  stage?: string | null;
  duties?: string[];
}

export interface NewPlan {
  id?: string;
  title: string;
  doc_number?: string | null;
  issuer?: string | null;
  issued_on?: string | null;
  source_text?: string;
  source_kind?: PlanSourceKind;
  source_ref?: string | null;
  created_by?: string | null;
  created_at?: string;
  phases?: NewPhase[];
}

export type PlanWithPhases = PlanRow & { phases: Phase[] };

export type PlanSummary = Omit<PlanRow, 'source_text'> & {
  task_count: number;
  stage_counts: Record<TaskStage, number>;
  overdue_count: number;
};

function toPhase(row: PhaseRow): Phase {
  return { ...row, duties: parseJson<string[]>(row.duties, []) };
}

/** Creates a plan and its phases (call inside a transaction to keep them together). */
export async function createPlan(db: DbOrTrx, input: NewPlan): Promise<PlanWithPhases> {
  const plan = await db
    .insertInto('plans')
    .values({
      id: input.id ?? newId(),
      title: input.title,
      doc_number: input.doc_number ?? null,
      issuer: input.issuer ?? null,
      issued_on: input.issued_on ?? null,
      source_text: input.source_text ?? '',
      // only when given: the column defaults ('document', null) serve plan documents
      ...(input.source_kind !== undefined ? { source_kind: input.source_kind } : {}),
      ...(input.source_ref != null ? { source_ref: input.source_ref } : {}),
      created_by: input.created_by ?? null,
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const phases = await insertPhases(db, plan.id, input.phases ?? []);
  return { ...plan, phases };
}

export async function insertPhases(db: DbOrTrx, planId: string, phases: readonly NewPhase[]): Promise<Phase[]> {
  if (phases.length === 0) return [];
  const rows = await db
    .insertInto('phases')
    .values(
      phases.map((p) => ({
        id: p.id ?? newId(),
        plan_id: planId,
        ordinal: p.ordinal,
        name: p.name,
        start_month: p.start_month ?? null,
        end_month: p.end_month ?? null,
        stage: p.stage ?? null,
        duties: toJson(p.duties ?? []),
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toPhase).sort((a, b) => a.ordinal - b.ordinal);
}

const phasesOfPlan = preparedQuery((db, p: { planId: string }) => db.selectFrom('phases').selectAll().where('plan_id', '=', p.planId).orderBy('ordinal'));

export async function listPhases(db: DbOrTrx, planId: string): Promise<Phase[]> {
  return (await phasesOfPlan.execute(db, { planId })).map(toPhase);
}

/** The phases of several plans (chunked), in plan and phase order. */
export async function listPhasesOfPlans(db: DbOrTrx, planIds: readonly string[]): Promise<Phase[]> {
  const out: Phase[] = [];
  for (let i = 0; i < planIds.length; i += 500) {
    const rows = await db.selectFrom('phases').selectAll().where('plan_id', 'in', planIds.slice(i, i + 500)).orderBy('plan_id').orderBy('ordinal').execute();
    out.push(...rows.map(toPhase));
  }
  return out;
}

export async function getPlan(db: DbOrTrx, id: string): Promise<PlanWithPhases | undefined> {
  const plan = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (plan === undefined) return undefined;
  return { ...plan, phases: await listPhases(db, id) };
}

/**
 * An open task past its effective due date on `today` (a closed task has none). A literal `is not
 * null`, not a bound value: SQLite uses the partial index of dated tasks only when it can see the
 * query's terms imply the index's WHERE.
 */
function isOverdueOn(today: string) {
  return sql<boolean>`tasks.effective_due_date is not null and tasks.effective_due_date < ${today}`;
}

/**
 * Every plan (newest first; or just `planId`) with its task counts per stage and its overdue count
 * (`withOverdue: false`: 0, for a caller that counts them itself, e.g. from a cache: `countOverdueTasks`).
 */
export async function listPlans(db: DbOrTrx, options: { today: string; planId?: string; withOverdue?: boolean }): Promise<PlanSummary[]> {
  const { today, withOverdue = true } = options;
  let plansQuery = db
    .selectFrom('plans')
    .select((eb) => [
      'plans.id',
      'plans.title',
      'plans.doc_number',
      'plans.issuer',
      'plans.issued_on',
      'plans.created_by',
      'plans.created_at',
      'plans.source_kind',
      'plans.source_ref',
      // per plan, a range of the partial index of tasks with an effective due date (open ones only:
      // a closed task has none) by (plan, due date) — migration 2026_12_04_0100. effective_due_date
      // is the deadline rule's date (the API's services/deadlines.ts), the one the marks show.
      withOverdue
        ? eb
            .selectFrom('tasks')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('tasks.plan_id', '=', 'plans.id')
            .where(isOverdueOn(today))
            .as('overdue_count')
        : sql<number>`0`.as('overdue_count'),
    ])
    .orderBy('plans.created_at', 'desc')
    .orderBy('plans.id');
  if (options.planId !== undefined) plansQuery = plansQuery.where('plans.id', '=', options.planId);
  const plans = await plansQuery.execute();
  // Stage counts from the trigger-kept counters (migration 0400), not from the task rows.
  let countsQuery = db.selectFrom('task_plan_counts').select(['plan_id', 'stage', 'n']);
  if (options.planId !== undefined) countsQuery = countsQuery.where('plan_id', '=', options.planId);
  const counts = await countsQuery.execute();
  const byPlan = new Map<string, PlanSummary>();
  const out = plans.map(({ overdue_count, ...p }) => {
    const s: PlanSummary = { ...p, task_count: 0, stage_counts: emptyStageCounts(), overdue_count: Number(overdue_count ?? 0) };
    byPlan.set(p.id, s);
    return s;
  });
  for (const c of counts) {
    const s = byPlan.get(c.plan_id);
    if (s === undefined) continue;
    s.stage_counts[c.stage] += Number(c.n);
    s.task_count += Number(c.n);
  }
  return out;
}

/** A plan's open tasks past their effective due date (the overdue count of `listPlans`). */
export async function countOverdueTasks(db: DbOrTrx, planId: string, today: string): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('plan_id', '=', planId)
    .where(isOverdueOn(today))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
