import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import { preparedQuery } from '../prepared.js';
import type { ResolutionClass, SubmissionKind, SubmissionRow } from '../tables/index.js';

export interface NewSubmission {
  id?: string;
  task_id: string;
  stage: string;
  round: number;
  kind: SubmissionKind;
  unit_id?: string | null;
  user_id?: string | null;
  text: string;
  resolution_class?: ResolutionClass | null;
  created_at?: string;
}

const insertSubmission = preparedQuery((db, p: SubmissionRow) =>
    db
      .insertInto('submissions')
      .values({ id: p.id, task_id: p.task_id, stage: p.stage, round: p.round, kind: p.kind, unit_id: p.unit_id, user_id: p.user_id, text: p.text, resolution_class: p.resolution_class, created_at: p.created_at })
      .returningAll(),
);

export async function createSubmission(db: DbOrTrx, input: NewSubmission): Promise<SubmissionRow> {
  const [row] = await insertSubmission.execute(db, {
    id: input.id ?? newId(),
    task_id: input.task_id,
    stage: input.stage,
    round: input.round,
    kind: input.kind,
    unit_id: input.unit_id ?? null,
    user_id: input.user_id ?? null,
    text: input.text,
    resolution_class: input.resolution_class ?? null,
    created_at: input.created_at ?? nowIso(),
  });
  if (row === undefined) throw new Error('submission insert returned no row');
  return row;
}

export function getSubmission(db: DbOrTrx, id: string): Promise<SubmissionRow | undefined> {
  return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A task's submissions, oldest first. */
export function listSubmissions(
  db: DbOrTrx,
  taskId: string,
  filters: { stage?: string; round?: number; kind?: SubmissionKind; unitId?: string } = {},
): Promise<SubmissionRow[]> {
  let q = db.selectFrom('submissions').selectAll().where('task_id', '=', taskId);
  if (filters.stage !== undefined) q = q.where('stage', '=', filters.stage);
  if (filters.round !== undefined) q = q.where('round', '=', filters.round);
  if (filters.kind !== undefined) q = q.where('kind', '=', filters.kind);
  if (filters.unitId !== undefined) q = q.where('unit_id', '=', filters.unitId);
  return q.orderBy('created_at').orderBy('id').execute();
}
