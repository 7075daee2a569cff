import type { Insertable, Selectable, Updateable } from 'kysely';

export type ExtensionStatus = 'pending' | 'granted' | 'refused';

export interface ExtensionRequestsTable {
  id: string;
  task_id: string;
  unit_id: string | null;
  user_id: string | null;
  current_due_date: string | null;
  requested_due_date: string;
  reason: string;
  status: ExtensionStatus;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  created_at: string;
}

export type ExtensionRequestRow = Selectable<ExtensionRequestsTable>;
export type NewExtensionRequestRow = Insertable<ExtensionRequestsTable>;
export type ExtensionRequestUpdate = Updateable<ExtensionRequestsTable>;
