import type { DbOrTrx } from '../executor.js';
import { nowIso } from '../ids.js';
import type { RatingRow, RatingValue } from '../tables/index.js';

export interface RatingInput {
  task_id: string;
  round: number;
  evaluator_id: string;
  rating: RatingValue;
  comment?: string | null;
  at?: string;
}

/** Inserts or replaces an evaluator's rating of a task's round (created_at kept on replace). */
export async function upsertRating(db: DbOrTrx, input: RatingInput): Promise<RatingRow> {
  const at = input.at ?? nowIso();
  return db
    .insertInto('ratings')
    .values({
      task_id: input.task_id,
      round: input.round,
      evaluator_id: input.evaluator_id,
      rating: input.rating,
      comment: input.comment ?? null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['task_id', 'round', 'evaluator_id']).doUpdateSet({
        rating: input.rating,
        comment: input.comment ?? null,
        updated_at: at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listRatings(db: DbOrTrx, taskId: string, round?: number): Promise<RatingRow[]> {
  let q = db.selectFrom('ratings').selectAll().where('task_id', '=', taskId);
  if (round !== undefined) q = q.where('round', '=', round);
  return q.orderBy('round').orderBy('created_at').orderBy('evaluator_id').execute();
}

/** Counts per rating value for a task's round. */
export async function summarizeRatings(db: DbOrTrx, taskId: string, round: number): Promise<Record<RatingValue, number>> {
  const rows = await db
    .selectFrom('ratings')
    .select((eb) => ['rating', eb.fn.countAll<number>().as('n')])
    .where('task_id', '=', taskId)
    .where('round', '=', round)
    .groupBy('rating')
    .execute();
  const out: Record<RatingValue, number> = { satisfied: 0, basically_satisfied: 0, unsatisfied: 0 };
  for (const r of rows) out[r.rating] = Number(r.n);
  return out;
}
