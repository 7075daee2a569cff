import fc from 'fast-check';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  appendAudit,
  canonicalAuditPayload,
  canonicalAuditPayloadReference,
  computeAuditHash,
  databaseWritesAuditPayload,
  getAuditHead,
  iterateAudit,
  listAudit,
  verifyAuditChain,
} from './audit.js';
import type { AuditProblem, AuditRecordInput, VerifyAuditResult } from './audit.js';
import type { DialectName } from './dialect.js';
import { createTestDatabase, withAuditGuardsDropped } from './testing.js';
import type { TestDatabase } from './testing.js';
import type { AuditLogRow, Database } from './tables/index.js';
import { DIALECTS, uniq } from './test-support.js';

/** Statements the database itself must refuse on audit_log, per dialect (data, not branches). */
const FORBIDDEN: Record<DialectName, { name: string; statement: (seq: number) => ReturnType<typeof sql> }[]> = {
  sqlite: [
    { name: 'UPDATE', statement: (seq) => sql`update audit_log set comment = 'x' where seq = ${seq}` },
    { name: 'DELETE', statement: (seq) => sql`delete from audit_log where seq = ${seq}` },
    { name: 'DELETE all', statement: () => sql`delete from audit_log` },
  ],
  postgres: [
    { name: 'UPDATE', statement: (seq) => sql`update audit_log set comment = 'x' where seq = ${seq}` },
    { name: 'DELETE', statement: (seq) => sql`delete from audit_log where seq = ${seq}` },
    { name: 'DELETE all', statement: () => sql`delete from audit_log` },
    { name: 'TRUNCATE', statement: () => sql`truncate audit_log` },
  ],
};

function record(extra: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    action: 'task.SUBMIT',
    actor_user_id: uniq('user-'),
    actor_username: uniq('name-'),
    actor_role: 'liaison',
    actor_unit_id: uniq('unit-'),
    object_type: 'task',
    object_id: uniq('task-'),
    from_state: 'deploy.drafting',
    to_state: 'deploy.submitted',
    comment: '提交办理方案',
    detail: { round: 1, nested: { b: 2, a: [1, '二'] } },
    file_hashes: ['a'.repeat(64)],
    client_ip: '10.1.2.3',
    ...extra,
  };
}

async function appendMany(db: Kysely<Database>, n: number, extra: (i: number) => Partial<AuditRecordInput> = () => ({})) {
  const rows: AuditLogRow[] = [];
  for (let i = 0; i < n; i += 1) rows.push(await appendAudit(db, record(extra(i))));
  return rows;
}

/**
 * Every way verifyAuditChain can read the log: the database writing the payload (on SQLite through
 * a read-only connection of its own), the payload written here from every column, and inside a
 * transaction (on SQLite through Kysely on the transaction's connection). All must agree exactly.
 */
const VERIFY_WAYS: Record<string, (db: Kysely<Database>, batchSize?: number) => Promise<VerifyAuditResult>> = {
  'database writes': (db, batchSize) => verifyAuditChain(db, { batchSize }),
  'application writes': (db, batchSize) => verifyAuditChain(db, { batchSize, payloadWriter: 'application' }),
  'in a transaction': (db, batchSize) => db.transaction().execute((trx) => verifyAuditChain(trx, { batchSize })),
};

async function verifyEveryWay(db: Kysely<Database>, batchSize?: number): Promise<VerifyAuditResult> {
  const results: Record<string, VerifyAuditResult> = {};
  for (const [way, verify] of Object.entries(VERIFY_WAYS)) results[way] = await verify(db, batchSize);
  const first = results['database writes']!;
  for (const r of Object.values(results)) expect(r).toEqual(first);
  return first;
}

describe('audit hash definition', () => {
  it('hashes the canonical payload of every column but hash, after the previous hash', () => {
    const row = {
      seq: 1, id: 'i', at: '2026-11-25T00:00:00.000Z', actor_user_id: null, actor_username: 'u', actor_role: 'office',
      actor_unit_id: null, action: 'auth.login', object_type: null, object_id: null, task_id: null, outcome: 'ok' as const,
      reason_code: null, from_state: null, to_state: null, comment: null, detail: '{}', file_hashes: '[]', client_ip: null,
      hash_alg: 'sha256' as const, prev_hash: GENESIS_HASH,
    };
    const payload = canonicalAuditPayload(row);
    expect(payload.startsWith('{"action":"auth.login","actor_role":"office"')).toBe(true);
    expect(JSON.parse(payload)).toEqual(row);
    expect(canonicalAuditPayload({ ...row, hash: 'ignored' } as typeof row)).toBe(payload);
    const h = computeAuditHash(GENESIS_HASH, row, 'sha256');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(computeAuditHash(GENESIS_HASH, row, 'sm3')).toMatch(/^[0-9a-f]{64}$/);
    expect(computeAuditHash(GENESIS_HASH, row, 'sm3')).not.toBe(h);
    expect(computeAuditHash(GENESIS_HASH, { ...row, comment: '' }, 'sha256')).not.toBe(h);
    expect(computeAuditHash('1'.repeat(64), row, 'sha256')).not.toBe(h);
  });

  it('writes the same bytes as the generic canonical JSON, for any values', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 2 ** 40 }), id: fc.string(), at: fc.string(), actor_user_id: text, actor_username: text,
          actor_role: text, actor_unit_id: text, action: fc.string({ unit: 'binary' }), object_type: text, object_id: text,
          task_id: text, outcome: fc.constantFrom('ok' as const, 'refused' as const, 'error' as const), reason_code: text,
          from_state: text, to_state: text, comment: text, detail: fc.json(), file_hashes: fc.json(), client_ip: text,
          hash_alg: fc.constantFrom('sha256' as const, 'sm3' as const), prev_hash: fc.string(),
        }),
        (row) => {
          expect(canonicalAuditPayload(row)).toBe(canonicalAuditPayloadReference(row));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe.each(DIALECTS)('audit log (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('appends linked records that verify, with SHA-256 and SM3 mixed', async () => {
    const before = await getAuditHead(t.db);
    const a = await appendAudit(t.db, record());
    const b = await t.db.transaction().execute((trx) => appendAudit(trx, record({ outcome: 'refused', reason_code: 'NOT_YOUR_UNIT' }), { alg: 'sm3' }));
    expect(a.seq).toBe(before.seq + 1);
    expect(a.prev_hash).toBe(before.hash);
    expect(b).toMatchObject({ seq: a.seq + 1, prev_hash: a.hash, hash_alg: 'sm3', outcome: 'refused' });
    expect(b.hash).toBe(computeAuditHash(a.hash, b, 'sm3'));
    expect(await getAuditHead(t.db)).toEqual({ seq: b.seq, hash: b.hash });
    const stored = await t.db.selectFrom('audit_log').selectAll().where('seq', '=', b.seq).executeTakeFirstOrThrow();
    expect(stored).toEqual(b);
    expect(JSON.parse(stored.detail)).toEqual({ round: 1, nested: { a: [1, '二'], b: 2 } });
    expect(await verifyEveryWay(t.db, 1)).toEqual({ ok: true, count: b.seq, headHash: b.hash });
  });

  it('lets the database write the payload: its writer passes the probe', async () => {
    expect(await databaseWritesAuditPayload(t.db)).toBe(true);
    expect(await t.db.transaction().execute((trx) => databaseWritesAuditPayload(trx))).toBe(true);
  });

  it('verifies records holding any text the same way, whoever writes the payload (property)', async () => {
    // a raw NUL only on SQLite: PostgreSQL text cannot hold one (the API refuses it before it gets here;
    // inside detail and file_hashes it is escaped JSON)
    const special = fc.constantFrom('\0', '\b', '\t', '\n', '\f', '\r', '\u001f', '"', '\\', '/', "'", '\u007f', '中', '😀', '\ud83d', '\ude00', '\u2028', 'a');
    const text = fc
      .oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: special, maxLength: 12 }))
      .map((x) => (dialect === 'postgres' ? x.replaceAll('\0', '') : x));
    const optional = fc.option(text, { nil: null });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            action: text, actor_username: optional, comment: optional, object_id: optional, to_state: optional, client_ip: optional,
            detail: fc.jsonValue(),
            file_hashes: fc.array(text, { maxLength: 3 }), alg: fc.constantFrom<'sha256' | 'sm3'>('sha256', 'sm3'),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (records) => {
          for (const { alg, ...r } of records) await appendAudit(t.db, record(r), { alg });
          const head = await getAuditHead(t.db);
          expect(await verifyEveryWay(t.db, 3)).toEqual({ ok: true, count: head.seq, headHash: head.hash });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('stores and hashes a lone surrogate as U+FFFD, so the record verifies', async () => {
    // e.g. a login name cut at 64 UTF-16 units in the middle of an emoji: UTF-8 cannot hold half a
    // surrogate pair, the driver stores U+FFFD, and a hash over the original could never verify.
    const cut = `${'名'.repeat(63)}😀`.slice(0, 64);
    const row = await appendAudit(t.db, record({ actor_username: cut, comment: 'a\udc00b😀', detail: { name: '\ud800' } }));
    expect(row.actor_username).toBe(`${'名'.repeat(63)}\ufffd`);
    expect(row.comment).toBe('a\ufffdb😀');
    const stored = await t.db.selectFrom('audit_log').selectAll().where('seq', '=', row.seq).executeTakeFirstOrThrow();
    expect({ ...stored, seq: Number(stored.seq) }).toEqual(row);
    expect(JSON.parse(stored.detail)).toEqual({ name: '\ud800' });
    const head = await getAuditHead(t.db);
    expect(await verifyEveryWay(t.db)).toEqual({ ok: true, count: head.seq, headHash: head.hash });
  });

  it('gives the event loop a turn between batches', async () => {
    await appendMany(t.db, 3);
    let turns = 0;
    const tick = () => {
      turns += 1;
      if (turns < 1000) immediate = setImmediate(tick);
    };
    let immediate = setImmediate(tick);
    const v = await verifyAuditChain(t.db, { batchSize: 1 });
    const seen = turns;
    clearImmediate(immediate);
    expect(v.ok).toBe(true);
    expect(seen).toBeGreaterThanOrEqual(2);
  });

  it('rolls the record and the head back with the caller transaction', async () => {
    const head = await getAuditHead(t.db);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, record());
        throw new Error('business write failed');
      }),
    ).rejects.toThrow('business write failed');
    expect(await getAuditHead(t.db)).toEqual(head);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it.each(FORBIDDEN[dialect])('the database refuses $name on audit_log', async ({ statement }) => {
    const row = await appendAudit(t.db, record());
    await expect(statement(row.seq).execute(t.db)).rejects.toThrow(/append-only/);
    expect(await t.db.selectFrom('audit_log').selectAll().where('seq', '=', row.seq).executeTakeFirst()).toEqual(row);
  });

  it('keeps the chain gap-free under concurrent appends from many transactions', async () => {
    const start = await getAuditHead(t.db);
    const n = 40;
    const rows = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          const r = await appendAudit(trx, record({ comment: `并发 ${i}` }), { alg: i % 2 === 0 ? 'sha256' : 'sm3' });
          await trx.selectFrom('tasks').select('id').limit(1).execute(); // other work in the same transaction
          return r;
        }),
      ),
    );
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => start.seq + i + 1));
    const v = await verifyAuditChain(t.db, { batchSize: 7 });
    expect(v).toMatchObject({ ok: true, count: start.seq + n });
  });

  it('lists by task, actor, unit, action, time range with keyset pages, and iterates for export', async () => {
    const taskId = uniq('task-');
    const actor = uniq('actor-');
    const unit = uniq('unit-');
    const rows = await appendMany(t.db, 5, (i) => ({
      task_id: taskId,
      actor_user_id: i < 3 ? actor : uniq('other-'),
      actor_unit_id: unit,
      action: i === 4 ? 'auth.login' : 'task.APPROVE',
      at: `2026-03-0${i + 1}T00:00:00.000Z`,
    }));
    const seqs = rows.map((r) => r.seq);

    const p1 = await listAudit(t.db, { taskId, limit: 2 });
    expect(p1.items.map((r) => r.seq)).toEqual([seqs[4], seqs[3]]);
    const p2 = await listAudit(t.db, { taskId, limit: 2, cursor: p1.nextCursor });
    const p3 = await listAudit(t.db, { taskId, limit: 2, cursor: p2.nextCursor });
    expect([...p2.items, ...p3.items].map((r) => r.seq)).toEqual([seqs[2], seqs[1], seqs[0]]);
    expect(p3.nextCursor).toBeNull();

    expect((await listAudit(t.db, { actorUserId: actor, limit: 10, order: 'asc' })).items.map((r) => r.seq)).toEqual(seqs.slice(0, 3));
    expect((await listAudit(t.db, { unitId: unit, action: 'auth.*', limit: 10 })).items.map((r) => r.seq)).toEqual([seqs[4]]);
    expect((await listAudit(t.db, { unitId: unit, action: 'task.APPROVE', limit: 10 })).items).toHaveLength(4);
    expect(
      (await listAudit(t.db, { taskId, from: '2026-03-02', to: '2026-03-04', limit: 10, order: 'asc' })).items.map((r) => r.seq),
    ).toEqual([seqs[1], seqs[2]]);

    const exported: number[] = [];
    for await (const r of iterateAudit(t.db, { taskId }, 2)) exported.push(r.seq);
    expect(exported).toEqual(seqs);
  });
});

type Tamper =
  | { kind: 'edit'; seq: number; field: EditableField }
  | { kind: 'rehash'; seq: number }
  | { kind: 'delete'; seq: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'cut'; from: number }
  | { kind: 'forge'; at: number };

const EDITABLE = ['action', 'at', 'actor_username', 'comment', 'detail', 'file_hashes', 'to_state', 'object_id', 'prev_hash', 'hash', 'hash_alg'] as const;
type EditableField = (typeof EDITABLE)[number];

const CONTENT_COLUMNS = [
  'id', 'at', 'actor_user_id', 'actor_username', 'actor_role', 'actor_unit_id', 'action', 'object_type', 'object_id',
  'task_id', 'outcome', 'reason_code', 'from_state', 'to_state', 'comment', 'detail', 'file_hashes', 'client_ip',
  'hash_alg', 'prev_hash', 'hash',
] as const;

function editedValue(row: AuditLogRow, field: EditableField): string {
  if (field === 'hash_alg') return row.hash_alg === 'sha256' ? 'sm3' : 'sha256';
  if (field === 'detail') return '{"forged":true}';
  if (field === 'file_hashes') return '[]';
  if (field === 'hash' || field === 'prev_hash') return 'f'.repeat(64);
  return `${row[field] ?? ''}-forged`;
}

/** Applies a tampering through a raw connection with the triggers dropped. */
async function tamper(url: string, op: Tamper): Promise<void> {
  await withAuditGuardsDropped(url, async (raw) => {
    const get = (seq: number) => raw.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    const content = (row: AuditLogRow) => Object.fromEntries(CONTENT_COLUMNS.map((c) => [c, row[c]])) as Omit<AuditLogRow, 'seq'>;
    switch (op.kind) {
      case 'edit': {
        const row = await get(op.seq);
        await raw.updateTable('audit_log').set({ [op.field]: editedValue(row, op.field) }).where('seq', '=', op.seq).execute();
        return;
      }
      case 'rehash': {
        // a smarter forger: edit a field AND recompute that row's own hash
        const row = await get(op.seq);
        const forged = { ...row, comment: `${row.comment ?? ''}-forged` };
        const hash = computeAuditHash(forged.prev_hash, forged, forged.hash_alg);
        await raw.updateTable('audit_log').set({ comment: forged.comment, hash }).where('seq', '=', op.seq).execute();
        return;
      }
      case 'delete':
        await raw.deleteFrom('audit_log').where('seq', '=', op.seq).execute();
        return;
      case 'swap': {
        const [ra, rb] = [await get(op.a), await get(op.b)];
        await raw.updateTable('audit_log').set({ id: `tmp-${rb.id}` }).where('seq', '=', op.b).execute();
        await raw.updateTable('audit_log').set(content(rb)).where('seq', '=', op.a).execute();
        await raw.updateTable('audit_log').set(content(ra)).where('seq', '=', op.b).execute();
        return;
      }
      case 'cut':
        await raw.deleteFrom('audit_log').where('seq', '>=', op.from).execute();
        return;
      case 'forge': {
        // a row inserted behind appendAudit's back, after the head
        const last = await get(op.at);
        const forged: AuditLogRow = { ...last, seq: op.at + 1, id: uniq('forged-'), prev_hash: last.hash };
        forged.hash = computeAuditHash(forged.prev_hash, forged, forged.hash_alg);
        await raw.insertInto('audit_log').values(forged).execute();
        return;
      }
    }
  });
}

/** Where verification must report the break for a tampering of a chain of n records. */
function expectedBreak(op: Tamper, n: number): { seq: number; problem: AuditProblem } {
  switch (op.kind) {
    case 'edit':
      return { seq: op.seq, problem: op.field === 'prev_hash' ? 'prev_hash_mismatch' : 'hash_mismatch' };
    case 'rehash':
      return op.seq === n ? { seq: n, problem: 'head_mismatch' } : { seq: op.seq + 1, problem: 'prev_hash_mismatch' };
    case 'delete':
      return op.seq === n ? { seq: n, problem: 'head_mismatch' } : { seq: op.seq, problem: 'seq_gap' };
    case 'swap':
      return { seq: op.a, problem: 'prev_hash_mismatch' };
    case 'cut':
      return { seq: op.from, problem: 'head_mismatch' };
    case 'forge':
      return { seq: n + 1, problem: 'head_mismatch' };
  }
}

/** Empties the log and resets the head to genesis (test-only, triggers dropped meanwhile). */
async function resetAuditLog(url: string): Promise<void> {
  await withAuditGuardsDropped(url, async (raw) => {
    await raw.deleteFrom('audit_log').execute();
    await raw.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).where('id', '=', 1).execute();
  });
}

describe.each(DIALECTS)('audit tampering (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  beforeEach(async () => {
    await resetAuditLog(t.url);
  });

  const cases: { name: string; op: Tamper }[] = [
    { name: 'an edited field', op: { kind: 'edit', seq: 3, field: 'comment' } },
    { name: 'an edited field re-hashed by the forger', op: { kind: 'rehash', seq: 3 } },
    { name: 'an edited prev_hash', op: { kind: 'edit', seq: 4, field: 'prev_hash' } },
    { name: 'a deleted row', op: { kind: 'delete', seq: 2 } },
    { name: 'two swapped rows', op: { kind: 'swap', a: 2, b: 4 } },
    { name: 'two swapped neighbours', op: { kind: 'swap', a: 4, b: 5 } },
    { name: 'a cut tail', op: { kind: 'cut', from: 4 } },
    { name: 'a deleted last row', op: { kind: 'delete', seq: 6 } },
    { name: 'a row forged after the head', op: { kind: 'forge', at: 6 } },
  ];

  it.each(cases)('detects $name and names the first broken seq', async ({ op }) => {
    const rows = await appendMany(t.db, 6);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, count: 6, headHash: rows[5]!.hash });
    await tamper(t.url, op);
    const v = await verifyEveryWay(t.db, 2);
    const want = expectedBreak(op, 6);
    expect(v).toMatchObject({ ok: false, brokenAt: want });
    expect(v.count).toBe(want.seq - 1);
  });

  it.runIf(dialect === 'sqlite')('reads a field that is not valid UTF-8 the same way whoever writes the payload (property)', async () => {
    // Only a tamperer can store such bytes. Re-hashed over what the driver reads, the record must
    // verify every way; left as it was, it must be a hash mismatch every way.
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 10 }),
        fc.constantFrom('comment', 'action', 'detail', 'actor_username'),
        fc.boolean(),
        async (bytes, field, rehash) => {
          await resetAuditLog(t.url);
          await appendMany(t.db, 3);
          await withAuditGuardsDropped(t.url, async (raw) => {
            await sql`update audit_log set ${sql.ref(field)} = cast(${Buffer.from(bytes)} as text) where seq = 3`.execute(raw);
            if (!rehash) return;
            const row = await raw.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
            const hash = computeAuditHash(row.prev_hash, row, row.hash_alg);
            await raw.updateTable('audit_log').set({ hash }).where('seq', '=', 3).execute();
            await raw.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
          });
          const v = await verifyEveryWay(t.db, 2);
          if (rehash) expect(v).toMatchObject({ ok: true, count: 3 });
          else expect(v).toMatchObject({ ok: false, count: 2, brokenAt: { seq: 3, problem: 'hash_mismatch' } });
        },
      ),
      { numRuns: 40 },
    );
  });

  it.runIf(dialect === 'sqlite')('reports a BLOB put in a text column as a hash mismatch, whoever writes the payload', async () => {
    // SQLite's json_object refuses a BLOB: verification goes on with the payload written here.
    const rows = await appendMany(t.db, 6);
    await withAuditGuardsDropped(t.url, (raw) => sql`update audit_log set comment = ${Buffer.from([0xff, 0, 1])} where seq = 3`.execute(raw));
    expect(await verifyEveryWay(t.db, 2)).toEqual({ ok: false, count: 2, brokenAt: { seq: 3, id: rows[2]!.id, problem: 'hash_mismatch' } });
  });

  it('detects any single tampering of any chain (property)', async () => {
    const arbitraryCase = fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.record({
          n: fc.constant(n),
          batchSize: fc.integer({ min: 1, max: 4 }),
          algs: fc.array(fc.constantFrom<'sha256' | 'sm3'>('sha256', 'sm3'), { minLength: n, maxLength: n }),
          comments: fc.array(fc.option(fc.string({ maxLength: 12 }), { nil: null }), { minLength: n, maxLength: n }),
          op: fc.oneof(
            fc.record({ kind: fc.constant('edit' as const), seq: fc.integer({ min: 1, max: n }), field: fc.constantFrom(...EDITABLE) }),
            fc.record({ kind: fc.constant('rehash' as const), seq: fc.integer({ min: 1, max: n }) }),
            fc.record({ kind: fc.constant('delete' as const), seq: fc.integer({ min: 1, max: n }) }),
            fc.record({ kind: fc.constant('cut' as const), from: fc.integer({ min: 1, max: n }) }),
            fc.record({ kind: fc.constant('forge' as const), at: fc.constant(n) }),
            ...(n >= 2
              ? [
                  fc
                    .uniqueArray(fc.integer({ min: 1, max: n }), { minLength: 2, maxLength: 2 })
                    .map(([x, y]) => ({ kind: 'swap' as const, a: Math.min(x!, y!), b: Math.max(x!, y!) })),
                ]
              : []),
          ),
        }),
      );
    await fc.assert(
      fc.asyncProperty(arbitraryCase, async ({ n, batchSize, algs, comments, op }) => {
        await resetAuditLog(t.url);
        for (let i = 0; i < n; i += 1) {
          await appendAudit(t.db, record({ comment: comments[i] ?? null }), { alg: algs[i] ?? 'sha256' });
        }
        expect((await verifyAuditChain(t.db, { batchSize })).ok).toBe(true);
        await tamper(t.url, op);
        const v = await verifyEveryWay(t.db, batchSize);
        expect(v).toMatchObject({ ok: false, brokenAt: expectedBreak(op, n) });
      }),
      { numRuns: 25 },
    );
  });
});
