import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import type { ExtensionRequestRow, ExtensionStatus } from '../tables/index.js';

export interface NewExtensionRequest {
  id?: string;
  task_id: string;
  unit_id?: string | null;
  user_id?: string | null;
  current_due_date?: string | null;
  requested_due_date: string;
  reason: string;
  created_at?: string;
}

export function createExtensionRequest(db: DbOrTrx, input: NewExtensionRequest): Promise<ExtensionRequestRow> {
  return db
    .insertInto('extension_requests')
    .values({
      id: input.id ?? newId(),
      task_id: input.task_id,
      unit_id: input.unit_id ?? null,
      user_id: input.user_id ?? null,
      current_due_date: input.current_due_date ?? null,
      requested_due_date: input.requested_due_date,
      reason: input.reason,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getExtensionRequest(db: DbOrTrx, id: string): Promise<ExtensionRequestRow | undefined> {
  return db.selectFrom('extension_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listExtensionRequests(
  db: DbOrTrx,
  filters: { taskId?: string; unitId?: string; status?: ExtensionStatus } = {},
): Promise<ExtensionRequestRow[]> {
  let q = db.selectFrom('extension_requests').selectAll();
  if (filters.taskId !== undefined) q = q.where('task_id', '=', filters.taskId);
  if (filters.unitId !== undefined) q = q.where('unit_id', '=', filters.unitId);
  if (filters.status !== undefined) q = q.where('status', '=', filters.status);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Grants or refuses a pending request. Returns the row, or null when it was not pending (or missing). */
export async function decideExtensionRequest(
  db: DbOrTrx,
  id: string,
  decision: { status: Exclude<ExtensionStatus, 'pending'>; decided_by: string; decision_comment?: string | null; at?: string },
): Promise<ExtensionRequestRow | null> {
  const row = await db
    .updateTable('extension_requests')
    .set({
      status: decision.status,
      decided_by: decision.decided_by,
      decided_at: decision.at ?? nowIso(),
      decision_comment: decision.decision_comment ?? null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
