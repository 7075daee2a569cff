import type { DbOrTrx } from '../executor.js';
import { escapeLike } from '../dialect.js';
import { newId, nowIso, parseJson, toJson } from '../ids.js';
import type { UnitGroupRow, UnitKind, UnitRow } from '../tables/index.js';
import { sql } from 'kysely';

export type Unit = Omit<UnitRow, 'aliases'> & { aliases: string[] };
export type UnitGroup = Omit<UnitGroupRow, 'aliases'> & { aliases: string[] };

export interface NewUnit {
  id?: string;
  name: string;
  short_name?: string | null;
  aliases?: string[];
  parent_id?: string | null;
  kind: UnitKind;
  sort_order?: number;
  created_at?: string;
}

export function toUnit(row: UnitRow): Unit {
  return { ...row, aliases: parseJson<string[]>(row.aliases, []) };
}

function toUnitGroup(row: UnitGroupRow): UnitGroup {
  return { ...row, aliases: parseJson<string[]>(row.aliases, []) };
}

export async function createUnit(db: DbOrTrx, input: NewUnit): Promise<Unit> {
  const row = await db
    .insertInto('units')
    .values({
      id: input.id ?? newId(),
      name: input.name,
      short_name: input.short_name ?? null,
      aliases: toJson(input.aliases ?? []),
      parent_id: input.parent_id ?? null,
      kind: input.kind,
      sort_order: input.sort_order ?? 0,
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUnit(row);
}

export async function getUnit(db: DbOrTrx, id: string): Promise<Unit | undefined> {
  const row = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUnit(row);
}

/** The units of these ids (unknown ids left out), 500 ids per query. */
export async function getUnitsByIds(db: DbOrTrx, ids: readonly string[]): Promise<Unit[]> {
  const out: Unit[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('units').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute();
    out.push(...rows.map(toUnit));
  }
  return out;
}

export async function listUnits(db: DbOrTrx, filters: { kind?: UnitKind; parentId?: string } = {}): Promise<Unit[]> {
  let q = db.selectFrom('units').selectAll();
  if (filters.kind !== undefined) q = q.where('kind', '=', filters.kind);
  if (filters.parentId !== undefined) q = q.where('parent_id', '=', filters.parentId);
  const rows = await q.orderBy('sort_order').orderBy('name').execute();
  return rows.map(toUnit);
}

/** A JSON-text array column containing `name` as an element (candidate rows; confirm after parsing). */
function aliasContains(column: string, name: string) {
  return sql<boolean>`${sql.ref(column)} like ${`%${escapeLike(JSON.stringify(name))}%`} escape '\\'`;
}

/** Finds a unit by exact name, short name or alias (names are matched exactly, after trimming). */
export async function findUnitByName(db: DbOrTrx, name: string): Promise<Unit | undefined> {
  const n = name.trim();
  const exact = await db
    .selectFrom('units')
    .selectAll()
    .where((eb) => eb.or([eb('name', '=', n), eb('short_name', '=', n)]))
    .orderBy(sql`case when name = ${n} then 0 else 1 end`)
    .orderBy('sort_order')
    .executeTakeFirst();
  if (exact) return toUnit(exact);
  const candidates = await db.selectFrom('units').selectAll().where(aliasContains('aliases', n)).orderBy('sort_order').execute();
  return candidates.map(toUnit).find((u) => u.aliases.includes(n));
}

export async function updateUnit(
  db: DbOrTrx,
  id: string,
  patch: Partial<Omit<NewUnit, 'id' | 'created_at'>>,
): Promise<Unit | undefined> {
  const { aliases, ...rest } = patch;
  const row = await db
    .updateTable('units')
    .set({ ...rest, ...(aliases !== undefined ? { aliases: toJson(aliases) } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toUnit(row);
}

export interface NewUnitGroup {
  id?: string;
  name: string;
  aliases?: string[];
  memberIds?: string[];
  created_at?: string;
}

export async function createUnitGroup(db: DbOrTrx, input: NewUnitGroup): Promise<UnitGroup> {
  const row = await db
    .insertInto('unit_groups')
    .values({
      id: input.id ?? newId(),
      name: input.name,
      aliases: toJson(input.aliases ?? []),
      created_at: input.created_at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (input.memberIds !== undefined && input.memberIds.length > 0) await addUnitGroupMembers(db, row.id, input.memberIds);
  return toUnitGroup(row);
}

export async function getUnitGroup(db: DbOrTrx, id: string): Promise<UnitGroup | undefined> {
  const row = await db.selectFrom('unit_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUnitGroup(row);
}

export async function listUnitGroups(db: DbOrTrx): Promise<UnitGroup[]> {
  const rows = await db.selectFrom('unit_groups').selectAll().orderBy('name').execute();
  return rows.map(toUnitGroup);
}

/** Finds a unit group by exact name or alias, e.g. 领导小组各成员单位. */
export async function findUnitGroupByName(db: DbOrTrx, name: string): Promise<UnitGroup | undefined> {
  const n = name.trim();
  const exact = await db.selectFrom('unit_groups').selectAll().where('name', '=', n).executeTakeFirst();
  if (exact) return toUnitGroup(exact);
  const candidates = await db.selectFrom('unit_groups').selectAll().where(aliasContains('aliases', n)).execute();
  return candidates.map(toUnitGroup).find((g) => g.aliases.includes(n));
}

export async function updateUnitGroup(
  db: DbOrTrx,
  id: string,
  patch: { name?: string; aliases?: string[] },
): Promise<UnitGroup | undefined> {
  const row = await db
    .updateTable('unit_groups')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.aliases !== undefined ? { aliases: toJson(patch.aliases) } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toUnitGroup(row);
}

export async function addUnitGroupMembers(db: DbOrTrx, groupId: string, unitIds: readonly string[]): Promise<void> {
  if (unitIds.length === 0) return;
  await db
    .insertInto('unit_group_members')
    .values(unitIds.map((unit_id) => ({ group_id: groupId, unit_id })))
    .onConflict((oc) => oc.columns(['group_id', 'unit_id']).doNothing())
    .execute();
}

export async function removeUnitGroupMember(db: DbOrTrx, groupId: string, unitId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('unit_group_members')
    .where('group_id', '=', groupId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Replaces the group's members with exactly `unitIds`. */
export async function setUnitGroupMembers(db: DbOrTrx, groupId: string, unitIds: readonly string[]): Promise<void> {
  await db.deleteFrom('unit_group_members').where('group_id', '=', groupId).execute();
  await addUnitGroupMembers(db, groupId, unitIds);
}

/** Every group's member ids (group id → unit ids in the units' order), in one query. */
export async function listUnitGroupMemberIds(db: DbOrTrx): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('unit_group_members')
    .innerJoin('units', 'units.id', 'unit_group_members.unit_id')
    .select(['unit_group_members.group_id', 'units.id'])
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .orderBy('units.id')
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.group_id, [...(out.get(r.group_id) ?? []), r.id]);
  return out;
}

/** The member units of a group, in unit sort order. */
export async function listUnitGroupMembers(db: DbOrTrx, groupId: string): Promise<Unit[]> {
  const rows = await db
    .selectFrom('unit_group_members')
    .innerJoin('units', 'units.id', 'unit_group_members.unit_id')
    .selectAll('units')
    .where('unit_group_members.group_id', '=', groupId)
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .execute();
  return rows.map(toUnit);
}
