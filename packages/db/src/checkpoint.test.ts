import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, computeAuditHash, GENESIS_HASH, type AuditRecordInput } from './audit.js';
import {
  createAuditCheckpoint,
  keyFingerprint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpointSignature,
  verifyLogAgainstCheckpoint,
  type AuditCheckpoint,
  type CheckpointVerdict,
} from './checkpoint.js';
import { createDatabase } from './database.js';
import { dropAuditGuards } from './dialect.js';
import type { DbOrTrx } from './executor.js';
import { migrateToLatest } from './migrator.js';
import type { AuditLogRow } from './tables/index.js';
import { createTestDatabase, type TestDatabase } from './testing.js';
import { DIALECTS } from './test-support.js';

const { privateKey } = generateKeyPairSync('ed25519');
const { privateKey: otherKey } = generateKeyPairSync('ed25519');
const AT = '2026-11-25T08:00:00.000Z';

function record(i: number): AuditRecordInput {
  return {
    action: i % 3 === 0 ? 'auth.login' : 'task.SUBMIT',
    actor_user_id: `user-${i % 4}`,
    actor_username: `用户${i % 4}`,
    actor_role: 'liaison',
    actor_unit_id: `unit-${i % 2}`,
    object_type: 'task',
    object_id: `task-${i}`,
    comment: i % 5 === 0 ? null : `第${i}条`,
    detail: { i },
    client_ip: '10.0.0.1',
    outcome: i % 7 === 0 ? 'refused' : 'ok',
  };
}

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back: the chain is tampered with, judged, restored. */
async function inRolledBack<T>(db: DbOrTrx, fn: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      out = await fn(trx);
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return out as T;
}

describe('checkpoint signing (pure)', () => {
  it('signs a canonical body that verifies with the key, and fails on any change or another key', () => {
    const cp = signCheckpoint({ count: 3, headHash: 'a'.repeat(64), hashAlg: 'sm3' }, privateKey, AT);
    expect(cp).toMatchObject({ version: 1, count: 3, headHash: 'a'.repeat(64), hashAlg: 'sm3', at: AT, keyFingerprint: keyFingerprint(privateKey) });
    expect(cp.keyFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(verifyCheckpointSignature(cp, privateKey)).toEqual({ ok: true });
    expect(parseCheckpoint(JSON.stringify(cp))).toEqual({ ok: true, checkpoint: cp });
    for (const changed of [{ count: 4 }, { headHash: 'b'.repeat(64) }, { hashAlg: 'sha256' as const }, { at: '2026-11-25T08:00:00.001Z' }]) {
      expect(verifyCheckpointSignature({ ...cp, ...changed }, privateKey)).toEqual({ ok: false, problem: 'bad_signature' });
    }
    expect(verifyCheckpointSignature(cp, otherKey)).toEqual({ ok: false, problem: 'unknown_key' });
    const forged = signCheckpoint({ count: 3, headHash: 'a'.repeat(64), hashAlg: 'sm3' }, otherKey, AT);
    expect(verifyCheckpointSignature({ ...forged, keyFingerprint: cp.keyFingerprint }, privateKey)).toEqual({ ok: false, problem: 'bad_signature' });
  });

  it('rejects malformed checkpoint JSON with a reason', () => {
    const cp = signCheckpoint({ count: 1, headHash: 'c'.repeat(64), hashAlg: 'sha256' }, privateKey, AT);
    expect(parseCheckpoint('{not json')).toEqual({ ok: false, message: 'checkpoint is not valid JSON' });
    expect(parseCheckpoint({ ...cp, count: -1 })).toMatchObject({ ok: false, message: /count/ });
    expect(parseCheckpoint({ ...cp, headHash: 'xyz' })).toMatchObject({ ok: false, message: /headHash/ });
    expect(parseCheckpoint({ ...cp, version: 2 })).toMatchObject({ ok: false, message: /version/ });
  });
});

type Tamper =
  | { kind: 'edit'; seq: number; field: (typeof EDITABLE)[number]; value: string }
  | { kind: 'delete'; seq: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'cut'; keep: number; moveHead: boolean }
  | { kind: 'rewrite'; seq: number }
  | { kind: 'checkpoint'; field: 'count' | 'headHash' | 'at' | 'signature' | 'key' }
  | { kind: 'none' };

const EDITABLE = ['action', 'actor_username', 'actor_unit_id', 'comment', 'detail', 'client_ip', 'at', 'object_id', 'hash', 'prev_hash'] as const;

async function rows(db: DbOrTrx): Promise<AuditLogRow[]> {
  return (await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
}

async function setHead(db: DbOrTrx, seq: number, hash: string) {
  await db.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
}

async function applyTamper(db: DbOrTrx, t: Tamper, chain: AuditLogRow[]): Promise<void> {
  switch (t.kind) {
    case 'edit': {
      const old = chain[t.seq - 1]?.[t.field];
      const value = old === t.value ? `${t.value}!` : t.value;
      await sql`update audit_log set ${sql.ref(t.field)} = ${value} where seq = ${t.seq}`.execute(db);
      return;
    }
    case 'delete':
      await db.deleteFrom('audit_log').where('seq', '=', t.seq).execute();
      return;
    case 'swap':
      await db.updateTable('audit_log').set({ seq: -1 }).where('seq', '=', t.a).execute();
      await db.updateTable('audit_log').set({ seq: t.a }).where('seq', '=', t.b).execute();
      await db.updateTable('audit_log').set({ seq: t.b }).where('seq', '=', -1).execute();
      return;
    case 'cut': {
      await db.deleteFrom('audit_log').where('seq', '>', t.keep).execute();
      if (t.moveHead) await setHead(db, t.keep, t.keep === 0 ? GENESIS_HASH : (chain[t.keep - 1]?.hash ?? ''));
      return;
    }
    case 'rewrite': {
      // The careful attacker: edits one record and recomputes every later hash and the head.
      let prev = chain[t.seq - 2]?.hash ?? GENESIS_HASH;
      for (const r of chain.slice(t.seq - 1)) {
        const changed = { ...r, prev_hash: prev, comment: r.seq === t.seq ? `${r.comment ?? ''}（改）` : r.comment };
        const hash = computeAuditHash(prev, changed, r.hash_alg);
        await db.updateTable('audit_log').set({ prev_hash: prev, hash, comment: changed.comment }).where('seq', '=', r.seq).execute();
        prev = hash;
      }
      await setHead(db, chain.length, prev);
      return;
    }
    case 'checkpoint':
    case 'none':
      return;
  }
}

function tamperCheckpoint(cp: AuditCheckpoint, t: Tamper): AuditCheckpoint {
  if (t.kind !== 'checkpoint') return cp;
  switch (t.field) {
    case 'count':
      return { ...cp, count: cp.count + 1 };
    case 'headHash':
      return { ...cp, headHash: GENESIS_HASH.replace(/^0/, '1') };
    case 'at':
      return { ...cp, at: '2030-01-01T00:00:00.000Z' };
    case 'signature': {
      const sig = Buffer.from(cp.signature, 'base64');
      sig[0] = (sig[0] ?? 0) ^ 1;
      return { ...cp, signature: sig.toString('base64') };
    }
    case 'key':
      return signCheckpoint(cp, otherKey, cp.at);
  }
}

/** What the verdict must be: the problem and where. */
function expected(t: Tamper, count: number, n: number): Partial<CheckpointVerdict> {
  switch (t.kind) {
    case 'none':
      return { ok: true };
    case 'edit':
      return { ok: false, problem: 'chain_broken', seq: t.seq };
    case 'delete':
      if (t.seq < n) return { ok: false, problem: 'chain_broken', seq: t.seq };
      return n - 1 < count ? { ok: false, problem: 'log_shorter', logCount: n - 1 } : { ok: false, problem: 'chain_broken', seq: n };
    case 'swap':
      return { ok: false, problem: 'chain_broken', seq: Math.min(t.a, t.b) };
    case 'cut':
      return { ok: false, problem: 'log_shorter', logCount: t.keep, seq: t.keep + 1 };
    case 'rewrite':
      return { ok: false, problem: 'diverged', seq: count };
    case 'checkpoint':
      return { ok: false, problem: t.field === 'key' ? 'unknown_key' : 'bad_signature' };
  }
}

const N = 30;

function arbitraryCase() {
  return fc.integer({ min: 1, max: N }).chain((count) =>
    fc.record({
      count: fc.constant(count),
      tamper: fc.oneof(
        fc.constant<Tamper>({ kind: 'none' }),
        fc.record({ kind: fc.constant('edit' as const), seq: fc.integer({ min: 1, max: N }), field: fc.constantFrom(...EDITABLE), value: fc.string({ maxLength: 8 }) }),
        fc.record({ kind: fc.constant('delete' as const), seq: fc.integer({ min: 1, max: N }) }),
        fc
          .uniqueArray(fc.integer({ min: 1, max: N }), { minLength: 2, maxLength: 2 })
          .map(([a = 1, b = 2]): Tamper => ({ kind: 'swap', a, b })),
        // only a cut BEFORE the checkpoint can be seen by it (records after it rely on the chain and a later checkpoint)
        fc.record({ kind: fc.constant('cut' as const), keep: fc.integer({ min: 0, max: count - 1 }), moveHead: fc.boolean() }),
        fc.record({ kind: fc.constant('rewrite' as const), seq: fc.integer({ min: 1, max: count }) }),
        fc.record({ kind: fc.constant('checkpoint' as const), field: fc.constantFrom('count' as const, 'headHash' as const, 'at' as const, 'signature' as const, 'key' as const) }),
      ),
    }),
  );
}

const RUNS: Record<string, number> = { sqlite: 1000, postgres: 150 };

describe.each(DIALECTS)('checkpoint against the log (%s)', (dialect) => {
  let t: TestDatabase;
  let chain: AuditLogRow[];
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    for (let i = 1; i <= N; i += 1) await appendAudit(t.db, record(i), { alg: i % 4 === 0 ? 'sm3' : 'sha256' });
    chain = await rows(t.db);
    // This database is the tamper test's own: the append-only triggers go, so tampering is possible.
    await dropAuditGuards(t.db, dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('an untouched log extends its checkpoints, including the empty one and the latest', async () => {
    const latest = await createAuditCheckpoint(t.db, privateKey, AT);
    expect(latest).toMatchObject({ count: N, headHash: chain[N - 1]?.hash });
    expect(await verifyLogAgainstCheckpoint(t.db, latest, privateKey)).toMatchObject({ ok: true, checkpointCount: N, logCount: N });
    const empty = signCheckpoint({ count: 0, headHash: GENESIS_HASH, hashAlg: 'sha256' }, privateKey, AT);
    expect(await verifyLogAgainstCheckpoint(t.db, JSON.stringify(empty), privateKey)).toMatchObject({ ok: true });
  });

  it(`detects and locates every random tampering (${RUNS[dialect]} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryCase(), async ({ count, tamper }) => {
        const head = chain[count - 1];
        if (head === undefined) throw new Error('no head');
        const cp = tamperCheckpoint(signCheckpoint({ count, headHash: head.hash, hashAlg: head.hash_alg }, privateKey, AT), tamper);
        const verdict = await inRolledBack(t.db, async (trx) => {
          await applyTamper(trx, tamper, chain);
          return verifyLogAgainstCheckpoint(trx, JSON.parse(JSON.stringify(cp)), privateKey);
        });
        expect(verdict).toMatchObject(expected(tamper, count, N));
        if (!verdict.ok && verdict.problem === 'log_shorter') expect(verdict.message).toMatch(/^log shorter than checkpoint: \d+ < \d+/);
      }),
      { numRuns: RUNS[dialect] ?? 100 },
    );
    // every tampering was rolled back
    expect(await rows(t.db)).toEqual(chain);
  }, 120_000);

  it('reports a whole-database swap for an older copy as a shorter log', async () => {
    const later = signCheckpoint({ count: N, headHash: chain[N - 1]?.hash ?? '', hashAlg: chain[N - 1]?.hash_alg ?? 'sha256' }, privateKey, AT);
    const verdict = await inRolledBack(t.db, async (trx) => {
      await applyTamper(trx, { kind: 'cut', keep: 12, moveHead: true }, chain);
      return verifyLogAgainstCheckpoint(trx, later, privateKey);
    });
    expect(verdict).toEqual({
      ok: false,
      problem: 'log_shorter',
      seq: 13,
      checkpointCount: N,
      logCount: 12,
      message: `log shorter than checkpoint: 12 < ${N} (tail cut off, or an older database restored)`,
    });
  });
});

describe('checkpoint against a restored backup file (sqlite)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-checkpoint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an earlier copy of the database file is caught by a later checkpoint (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 8 }), async (before, after) => {
        run += 1;
        const live = join(dir, `live-${run}.db`);
        const copy = join(dir, `backup-${run}.db`);
        const handle = createDatabase({ url: live, sqliteSynchronous: 'NORMAL' });
        await migrateToLatest(handle.db);
        for (let i = 1; i <= before; i += 1) await appendAudit(handle.db, record(i));
        await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
        copyFileSync(live, copy); // the old backup
        for (let i = 1; i <= after; i += 1) await appendAudit(handle.db, record(before + i));
        const later = await createAuditCheckpoint(handle.db, privateKey, AT);
        expect(await verifyLogAgainstCheckpoint(handle.db, later, privateKey)).toMatchObject({ ok: true });
        await handle.close();

        // The whole file is replaced by the older copy.
        copyFileSync(copy, live);
        const restored = createDatabase({ url: live });
        try {
          const verdict = await verifyLogAgainstCheckpoint(restored.db, later, privateKey);
          expect(verdict).toMatchObject({ ok: false, problem: 'log_shorter', logCount: before, checkpointCount: before + after });
          expect(verdict.message).toContain(`log shorter than checkpoint: ${before} < ${before + after}`);
        } finally {
          await restored.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
