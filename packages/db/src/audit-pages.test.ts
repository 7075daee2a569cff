// The auditor's pages (listAudit): every filter, paged by its cursor either way, returns each
// matching record exactly once and in the page's order — by seq, or by (at, seq) when the page is
// filtered by time — on both dialects; and each of the auditor's filters is read from its index.
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditOrderedByTime, listAudit } from './audit.js';
import type { AuditFilters, AuditRecordInput } from './audit.js';
import { createTestDatabase } from './testing.js';
import type { TestDatabase } from './testing.js';
import type { AuditLogRow, Database } from './tables/index.js';
import { DIALECTS, uniq } from './test-support.js';

type Shape = Omit<AuditFilters, 'limit' | 'cursor' | 'order'>;

/** What listAudit must return, computed here from every record: the filter, then the page's order. */
function expectedSeqs(all: readonly AuditLogRow[], f: Shape, order: 'asc' | 'desc'): number[] {
  const rows = all.filter(
    (r) =>
      (f.taskId === undefined || r.task_id === f.taskId) &&
      (f.actorUserId === undefined || r.actor_user_id === f.actorUserId) &&
      (f.unitId === undefined || r.actor_unit_id === f.unitId) &&
      (f.from === undefined || r.at >= f.from) &&
      (f.to === undefined || r.at < f.to) &&
      (f.outcome === undefined || r.outcome === f.outcome) &&
      (f.action === undefined || (f.action.endsWith('*') ? r.action.startsWith(f.action.slice(0, -1)) : r.action === f.action)),
  );
  const byTime = auditOrderedByTime(f);
  rows.sort((a, b) => (byTime && a.at !== b.at ? (a.at < b.at ? -1 : 1) : Number(a.seq) - Number(b.seq)));
  if (order === 'desc') rows.reverse();
  return rows.map((r) => Number(r.seq));
}

/** Every page of a filter, following nextCursor to the end. */
async function pageThrough(db: Kysely<Database>, f: Shape, order: 'asc' | 'desc', limit: number): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: number | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listAudit(db, { ...f, order, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seqs.push(...page.items.map((r) => r.seq));
    if (page.nextCursor === null) return seqs;
    expect(page.items).toHaveLength(limit);
    expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.seq);
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe.each(DIALECTS)('audit pages (%s)', (dialect) => {
  let t: TestDatabase;
  const person = uniq('person-');
  const unit = uniq('unit-');
  const otherUnit = uniq('unit-');
  const task = uniq('task-');
  let all: AuditLogRow[];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    // 60 records whose instants run against their seq in places (`at` is stamped when a move
    // starts, seq when it is chained), with ties (the same instant for several records), spread
    // over two weeks of 2031 and one record on each side of them.
    const day = (i: number) => String(1 + ((i * 5) % 14)).padStart(2, '0');
    for (let i = 0; i < 60; i++) {
      const at = i === 0 ? '2031-04-30T23:59:59.999Z' : i === 59 ? '2031-05-15T00:00:00.000Z' : `2031-05-${day(i)}T0${i % 3}:00:00.000Z`;
      const input: AuditRecordInput = {
        at,
        action: i % 4 === 0 ? 'task.SUBMIT' : i % 4 === 1 ? 'task.APPROVE' : i % 4 === 2 ? 'auth.login' : 'task.RETURN',
        actor_user_id: i % 3 === 0 ? person : uniq('someone-'),
        actor_unit_id: i % 2 === 0 ? unit : otherUnit,
        task_id: i % 5 === 0 ? task : uniq('task-'),
        outcome: i % 7 === 3 ? 'refused' : i % 11 === 5 ? 'error' : 'ok',
      };
      await appendAudit(t.db, input);
    }
    all = (await t.db.selectFrom('audit_log').selectAll().execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const week = { from: '2031-05-03T00:00:00.000Z', to: '2031-05-10T00:00:00.000Z' };
  const shapes: [string, Shape][] = [
    ['everything', {}],
    ['refused only', { outcome: 'refused' }],
    ['errors only', { outcome: 'error' }],
    ['one week', week],
    ['from only', { from: week.from }],
    ['to only', { to: week.to }],
    ['one person', { actorUserId: person }],
    ['one person + one week', { actorUserId: person, ...week }],
    ['one unit + one event', { unitId: unit, action: 'task.SUBMIT' }],
    ['one unit + one week', { unitId: otherUnit, ...week }],
    ['one event + one week', { action: 'task.RETURN', ...week }],
    ['refused + one week', { outcome: 'refused', ...week }],
    ['refused + one unit', { outcome: 'refused', unitId: unit }],
    ['one task + one week', { taskId: task, ...week }],
    ['an event prefix + one unit', { action: 'task.*', unitId: unit }],
    ['one unit + one event + from', { unitId: otherUnit, action: 'task.RETURN', from: week.from }],
  ];

  it.each(shapes)('%s: every matching record once, in order, page after page, both ways', async (_name, shape) => {
    for (const order of ['desc', 'asc'] as const) {
      const expected = expectedSeqs(all, shape, order);
      expect(expected.length).toBeGreaterThan(0);
      for (const limit of [1, 4, 7, 100]) {
        expect(await pageThrough(t.db, shape, order, limit)).toEqual(expected);
      }
    }
  });

  it('orders a time-filtered page by (at, seq), which here differs from seq order', () => {
    const byTime = expectedSeqs(all, week, 'desc');
    expect(byTime).not.toEqual([...byTime].sort((a, b) => b - a));
  });

  it('continues by seq when the cursor record is no longer in the database (archived meanwhile)', async () => {
    const head = Math.max(...all.map((r) => r.seq));
    const gone = head + 1000; // no record has it
    for (const order of ['desc', 'asc'] as const) {
      const page = await listAudit(t.db, { ...week, order, limit: 500, cursor: order === 'desc' ? gone : 0 });
      expect(page.items.map((r) => r.seq)).toEqual(expectedSeqs(all, week, order));
    }
    expect((await listAudit(t.db, { ...week, order: 'asc', limit: 500, cursor: gone })).items).toEqual([]);
  });
});

// The query plans of the auditor's filters (issue 15's bench: these read millions of rows at 1M
// tasks). SQLite, as the server runs it (no statistics): its choice is fixed by the indexes and the
// query's shape. PostgreSQL's depends on its statistics, so there a sort or a full scan is priced out
// and the plan must then be an index range in the page's order.
const PLANS: [string, AuditFilters, { sqlite: string; postgres: string }][] = [
  ['refused only', { outcome: 'refused', limit: 100 }, { sqlite: 'audit_log_not_ok_idx', postgres: 'audit_log_not_ok_idx' }],
  ['one week', { from: '2031-05-03T00:00:00.000Z', to: '2031-05-10T00:00:00.000Z', limit: 100 }, { sqlite: 'audit_log_at_idx', postgres: 'audit_log_at_seq_idx' }],
  ['one person + one month', { actorUserId: 'p', from: '2031-05-01T00:00:00.000Z', to: '2031-06-01T00:00:00.000Z', limit: 100 }, { sqlite: 'audit_log_actor_at_idx', postgres: 'audit_log_actor_at_idx' }],
  ['one unit + one event', { unitId: 'u', action: 'task.SUBMIT', limit: 100 }, { sqlite: 'audit_log_unit_action_idx', postgres: 'audit_log_unit_action_idx' }],
  ['one unit + one week', { unitId: 'u', from: '2031-05-03T00:00:00.000Z', to: '2031-05-10T00:00:00.000Z', limit: 100 }, { sqlite: 'audit_log_unit_at_idx', postgres: 'audit_log_unit_at_idx' }],
  ['one event + one week', { action: 'task.RETURN', from: '2031-05-03T00:00:00.000Z', to: '2031-05-10T00:00:00.000Z', limit: 100 }, { sqlite: 'audit_log_action_at_idx', postgres: 'audit_log_action_at_idx' }],
  ['refused + one week', { outcome: 'refused', from: '2031-05-03T00:00:00.000Z', to: '2031-05-10T00:00:00.000Z', limit: 100 }, { sqlite: 'audit_log_not_ok_at_idx', postgres: 'audit_log_not_ok_at_idx' }],
];

describe.each(DIALECTS)('audit filter plans (%s)', (dialect) => {
  let t: TestDatabase;
  let logged: Kysely<Database>;
  let close: () => Promise<void>;
  const captured: CompiledQuery[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    // 5 000 records (inserted as rows into the empty log: plans need no chain) of 50 people in 20 units, 16 events,
    // 2 % refused, over May 2031; 'p' / 'u' are one of them
    const actions = ['task.SUBMIT', 'task.RETURN', ...Array.from({ length: 14 }, (_, k) => `task.E${k}`)];
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      seq: i + 1,
      id: `plan-${i}`,
      at: `2031-05-${String(1 + Math.floor(i / 162)).padStart(2, '0')}T${String(Math.floor(i / 7) % 24).padStart(2, '0')}:00:00.000Z`,
      action: actions[i % 16] as string,
      actor_user_id: i % 50 === 0 ? 'p' : `p${i % 50}`,
      actor_unit_id: i % 20 === 0 ? 'u' : `u${i % 20}`,
      outcome: i % 50 === 7 ? ('refused' as const) : ('ok' as const),
      hash_alg: 'sha256' as const,
      prev_hash: '0'.repeat(64),
      hash: '0'.repeat(64),
      detail: '{}',
      file_hashes: '[]',
    }));
    for (let i = 0; i < rows.length; i += 500) await t.db.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
    // PostgreSQL plans by its statistics (autovacuum would gather them); SQLite's server runs without
    if (dialect === 'postgres') await sql`analyze audit_log`.execute(t.db);
    const log = (e: { level: string; query: CompiledQuery }) => void (e.level === 'query' && captured.push(e.query));
    if (dialect === 'sqlite') {
      const raw = new SQLite(t.url, { readonly: true });
      logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log });
      close = () => logged.destroy();
    } else {
      logged = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 1 }) }), log });
      close = () => logged.destroy();
    }
  });
  afterAll(async () => {
    await close?.();
    await t?.cleanup();
  });

  /** The plan of the page query listAudit runs (the last one; a cursor's record is read before it). */
  async function planOf(filters: AuditFilters): Promise<string> {
    captured.length = 0;
    await listAudit(logged, filters);
    const q = captured[captured.length - 1] as CompiledQuery;
    if (dialect === 'sqlite') {
      const { rows } = await logged.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
      return rows.map((r) => r.detail).join(' | ');
    }
    return logged.transaction().execute(async (trx) => {
      for (const off of ['enable_seqscan', 'enable_sort', 'enable_incremental_sort', 'enable_bitmapscan']) await sql.raw(`set local ${off} = off`).execute(trx);
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (costs off) ${q.sql}`, [...q.parameters]));
      return rows.map((r) => r['QUERY PLAN'].trim()).join(' | ');
    });
  }

  it.each(PLANS)('%s: one index range in the page order, first page and a later one', async (_name, filters, index) => {
    const cursor = (await listAudit(t.db, { ...filters, limit: 2 })).nextCursor;
    expect(cursor).not.toBeNull();
    for (const f of [filters, { ...filters, cursor }]) {
      const plan = await planOf(f);
      expect(plan).toContain(index[dialect]);
      expect(plan).not.toMatch(/TEMP B-TREE|Sort|Seq Scan|SCAN audit_log(?! USING)/);
    }
  });
});
