import type { Insertable, Selectable, Updateable } from 'kysely';

export interface UnitGroupsTable {
  id: string;
  name: string;
  /** JSON text: string[] */
  aliases: string;
  created_at: string;
}

export interface UnitGroupMembersTable {
  group_id: string;
  unit_id: string;
}

export type UnitGroupRow = Selectable<UnitGroupsTable>;
export type NewUnitGroupRow = Insertable<UnitGroupsTable>;
export type UnitGroupUpdate = Updateable<UnitGroupsTable>;
export type UnitGroupMemberRow = Selectable<UnitGroupMembersTable>;
