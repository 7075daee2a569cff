import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
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

export function createSubmission(db: DbOrTrx, input: NewSubmission): Promise<SubmissionRow> {
  return db
    .insertInto('submissions')
    .values({
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
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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
