import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedQuery } from './prepared.js';
import type { UnitKind } from './tables/index.js';
import { createTestDatabase, type TestDatabase } from './testing.js';
import { DIALECTS, seedUnit, uniq } from './test-support.js';

describe.each(DIALECTS)('prepared queries (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const unitsNamed = preparedQuery((db, p: { name: string; kind: UnitKind }) =>
    db.selectFrom('units').select(['id', 'name']).where('name', '=', p.name).where('kind', '=', p.kind).orderBy('id'),
  );

  it('answers as the same query built by Kysely, for each call’s values, inside a transaction too', async () => {
    const a = await seedUnit(t.db, uniq('甲单位-'));
    const b = await seedUnit(t.db, uniq('乙单位-'));
    for (const unit of [a, b]) {
      const built = await t.db.selectFrom('units').select(['id', 'name']).where('name', '=', unit.name).where('kind', '=', unit.kind).orderBy('id').execute();
      expect(await unitsNamed.execute(t.db, { name: unit.name, kind: unit.kind })).toEqual(built);
      expect(built).toHaveLength(1);
    }
    expect(await unitsNamed.execute(t.db, { name: '没有这个单位', kind: a.kind })).toEqual([]);
    const inside = await t.db.transaction().execute((trx) => unitsNamed.execute(trx, { name: a.name, kind: a.kind }));
    expect(inside.map((u) => u.id)).toEqual([a.id]);
  });

  it('writes with the values given, nulls included, and returns the written rows', async () => {
    const insertUnit = preparedQuery((db, p: { id: string; name: string; parent_id: string | null }) =>
      db.insertInto('units').values({ id: p.id, name: p.name, short_name: null, aliases: '[]', kind: 'department', parent_id: p.parent_id, created_at: '2026-12-06T00:00:00.000Z' }).returning(['id', 'name', 'parent_id']),
    );
    const parent = await seedUnit(t.db);
    const rows = [
      await insertUnit.execute(t.db, { id: crypto.randomUUID(), name: uniq('子单位-'), parent_id: parent.id }),
      await insertUnit.execute(t.db, { id: crypto.randomUUID(), name: uniq('独立单位-'), parent_id: null }),
    ];
    expect(rows.map((r) => r[0]?.parent_id)).toEqual([parent.id, null]);
    for (const [row] of rows) expect(await t.db.selectFrom('units').select(['id', 'name', 'parent_id']).where('id', '=', row!.id).executeTakeFirst()).toEqual(row);
  });

  it('refuses a build that transforms a value instead of binding it', async () => {
    const bad = preparedQuery((db, p: { name: string }) => db.selectFrom('units').select('id').where('name', '=', `${p.name}%`));
    await expect(bad.execute(t.db, { name: 'x' })).rejects.toThrow(/name not bound as a parameter/);
  });
});
