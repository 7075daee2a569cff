import type { DbOrTrx } from '../executor.js';
import { newId, nowIso, parseJson, todayIso, toJson } from '../ids.js';
import type { PhaseRow, PlanRow, TaskStage } from '../tables/index.js';
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

export async function listPhases(db: DbOrTrx, planId: string): Promise<Phase[]> {
  const rows = await db.selectFrom('phases').selectAll().where('plan_id', '=', planId).orderBy('ordinal').execute();
  return rows.map(toPhase);
}

export async function getPlan(db: DbOrTrx, id: string): Promise<PlanWithPhases | undefined> {
  const plan = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (plan === undefined) return undefined;
  return { ...plan, phases: await listPhases(db, id) };
}

/** Every plan (newest first) with its task counts per stage and its overdue count. */
export async function listPlans(db: DbOrTrx, options: { today?: string } = {}): Promise<PlanSummary[]> {
  const today = options.today ?? todayIso();
  const plans = await db
    .selectFrom('plans')
    .select(['id', 'title', 'doc_number', 'issuer', 'issued_on', 'created_by', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  const counts = await db
    .selectFrom('tasks')
    .select((eb) => ['plan_id', 'stage', eb.fn.countAll<number>().as('n')])
    .groupBy(['plan_id', 'stage'])
    .execute();
  const overdue = await db
    .selectFrom('tasks')
    .select((eb) => ['plan_id', eb.fn.countAll<number>().as('n')])
    .where('due_date', '<', today)
    .where('stage', 'not in', ['done', 'terminated'])
    .groupBy('plan_id')
    .execute();
  const byPlan = new Map<string, PlanSummary>();
  const out = plans.map((p) => {
    const s: PlanSummary = { ...p, task_count: 0, stage_counts: emptyStageCounts(), overdue_count: 0 };
    byPlan.set(p.id, s);
    return s;
  });
  for (const c of counts) {
    const s = byPlan.get(c.plan_id);
    if (s === undefined) continue;
    s.stage_counts[c.stage] += Number(c.n);
    s.task_count += Number(c.n);
  }
  for (const o of overdue) {
    const s = byPlan.get(o.plan_id);
    if (s !== undefined) s.overdue_count = Number(o.n);
  }
  return out;
}
