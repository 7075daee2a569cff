import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type UnitKind = 'office' | 'department' | 'street' | 'company' | 'other';

export interface UnitsTable {
  id: string;
  name: string;
  short_name: string | null;
  /** JSON text: string[] */
  aliases: string;
  parent_id: string | null;
  kind: UnitKind;
  sort_order: Generated<number>;
  created_at: string;
}

export type UnitRow = Selectable<UnitsTable>;
export type NewUnitRow = Insertable<UnitsTable>;
export type UnitUpdate = Updateable<UnitsTable>;
