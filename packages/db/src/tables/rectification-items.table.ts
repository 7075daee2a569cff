import type { Insertable, Selectable, Updateable } from 'kysely';

export type RectificationStatus = 'open' | 'rectified' | 'closed';

export interface RectificationItemsTable {
  id: string;
  task_id: string;
  round: number;
  ordinal: number;
  description: string;
  status: RectificationStatus;
  rectification_text: string | null;
  created_at: string;
  rectified_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
}

export type RectificationItemRow = Selectable<RectificationItemsTable>;
export type NewRectificationItemRow = Insertable<RectificationItemsTable>;
export type RectificationItemUpdate = Updateable<RectificationItemsTable>;
