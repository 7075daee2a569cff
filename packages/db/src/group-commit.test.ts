import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from './audit.js';
import { createDatabase } from './database.js';
import { groupCommitterOf, inGroupCommit } from './group-commit.js';
import { createTestDatabase, type TestDatabase } from './testing.js';
import { DIALECTS } from './test-support.js';

describe.each(DIALECTS)('group commit (%s)', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const record = (i: number) => ({ action: 'test.unit', object_type: 'test', object_id: `u${i}` });

  it('concurrent units share commits, each answered with its own result, the chain intact', async () => {
    const committer = groupCommitterOf(t.db);
    const before = { ...committer.stats };
    const rows = await Promise.all(Array.from({ length: 60 }, (_, i) => inGroupCommit(t.db, (trx) => appendAudit(trx, record(i)))));
    expect(rows.map((r) => r.object_id)).toEqual(Array.from({ length: 60 }, (_, i) => `u${i}`));
    expect(new Set(rows.map((r) => r.seq)).size).toBe(60);
    const commits = committer.stats.commits - before.commits;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(60);
    expect(committer.stats.units - before.units).toBe(60);
    const chain = await verifyAuditChain(t.db);
    expect(chain).toMatchObject({ ok: true, count: 60 });
  });

  it('a unit that throws is undone alone: its writes vanish, the others commit', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 9 }, (_, i) =>
        inGroupCommit(t.db, async (trx) => {
          const row = await appendAudit(trx, record(i));
          if (i % 3 === 1) throw new Error(`refused ${i}`);
          return row;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[4] as PromiseRejectedResult).reason).toEqual(new Error('refused 4'));
    const kept = await t.db.selectFrom('audit_log').select(['seq', 'object_id']).orderBy('seq').execute();
    expect(kept.map((r) => r.object_id)).toEqual(['u0', 'u2', 'u3', 'u5', 'u6', 'u8']);
    expect(kept.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: 6 });
  });

  it('a unit is answered only once its commit is visible to another connection', async () => {
    const other = createDatabase({ url: t.url });
    try {
      const seen = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const row = await inGroupCommit(t.db, (trx) => appendAudit(trx, record(i)));
          const found = await other.db.selectFrom('audit_log').select('seq').where('id', '=', row.id).executeTakeFirst();
          return found !== undefined;
        }),
      );
      expect(seen.every(Boolean)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('when the shared COMMIT fails, every unit of that batch fails and nothing is kept', async () => {
    await sql`create table gc_parent (id integer primary key)`.execute(t.db);
    await sql`create table gc_child (parent_id integer references gc_parent (id) deferrable initially deferred)`.execute(t.db);
    const results = await Promise.allSettled([
      inGroupCommit(t.db, (trx) => appendAudit(trx, record(1))),
      // a deferred foreign key is checked at COMMIT: this unit succeeds, the commit does not
      inGroupCommit(t.db, async (trx) => {
        await sql`insert into gc_child (parent_id) values (42)`.execute(trx);
        return 'child';
      }),
      inGroupCommit(t.db, (trx) => appendAudit(trx, record(3))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await t.db.selectFrom('audit_log').select('seq').execute()).toEqual([]);
    // the committer goes on working after a failed batch
    const row = await inGroupCommit(t.db, (trx) => appendAudit(trx, record(4)));
    expect(Number(row.seq)).toBe(1);
  });

  it.runIf(dialect === 'postgres')('the audit head is not held while a batch runs: another process appends meanwhile, the chain stays whole', async () => {
    const other = createDatabase({ url: t.url });
    try {
      let otherAppended = false;
      const [row] = await Promise.all([
        inGroupCommit(t.db, async (trx) => {
          const mine = await appendAudit(trx, record(1));
          // Another process appends while this unit is still running; it must not wait for our COMMIT.
          const theirs = await appendAudit(other.db, record(2));
          otherAppended = theirs.seq === 1;
          return mine;
        }),
      ]);
      expect(otherAppended).toBe(true);
      expect(row.seq).toBe(2);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: 2 });
    } finally {
      await other.close();
    }
  });

  it('records of a batch get consecutive seqs in unit order, those of a refused unit none', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        inGroupCommit(t.db, async (trx) => {
          const a = await appendAudit(trx, record(i * 10));
          const b = await appendAudit(trx, record(i * 10 + 1));
          if (i === 2) throw new Error('refused');
          return [a, b];
        }),
      ),
    );
    const rows = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows.map((r) => r.object_id)).toEqual(['u0', 'u1', 'u10', 'u11', 'u30', 'u31', 'u40', 'u41', 'u50', 'u51']);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: 10 });
  });

  it('inside a transaction already, the unit runs in it (no second transaction)', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await inGroupCommit(trx, (inner) => appendAudit(inner, record(1)));
        throw new Error('outer rolls back');
      }),
    ).rejects.toThrow('outer rolls back');
    expect(await t.db.selectFrom('audit_log').select('seq').execute()).toEqual([]);
  });
});

describe('SQLite transactions lock up front (BEGIN IMMEDIATE)', () => {
  it('a unit that reads, then writes while another process wants to write, waits its turn instead of failing', async () => {
    const t = await createTestDatabase('sqlite');
    // The other writer runs on its own thread, as another process would (its busy wait blocks only it).
    // It first asks for the write lock without waiting and reports whether it was refused (SQLITE_BUSY),
    // then waits for it and writes.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.driver);
       parentPort.once('message', () => {
         const db = new Database(workerData.file);
         db.pragma('busy_timeout = 0');
         let first = 'acquired';
         try {
           db.exec('begin immediate');
         } catch (e) {
           if (e.code !== 'SQLITE_BUSY') throw e;
           first = 'busy';
         }
         parentPort.postMessage(first);
         if (first === 'busy') {
           db.pragma('busy_timeout = 5000');
           db.exec('begin immediate');
         }
         db.exec('create table if not exists side_write (x integer); insert into side_write values (1); commit');
         db.close();
         parentPort.postMessage('written');
       });`,
      { eval: true, workerData: { file: t.url, driver: createRequire(import.meta.url).resolve('better-sqlite3') } },
    );
    const messages: unknown[] = [];
    const waiters: ((m: unknown) => void)[] = [];
    worker.on('message', (m) => (waiters.shift() ?? ((x: unknown) => messages.push(x)))(m));
    const next = () => (messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)));
    const failed = new Promise((_, reject) => worker.once('error', reject));
    try {
      const row = await inGroupCommit(t.db, async (trx) => {
        await trx.selectFrom('audit_head').selectAll().execute();
        worker.postMessage('go');
        // The other writer has asked for the lock while this unit holds it (it has only read so far).
        expect(await Promise.race([next(), failed])).toBe('busy');
        return appendAudit(trx, { action: 'test.unit' });
      });
      expect(Number(row.seq)).toBe(1);
      expect(await Promise.race([next(), failed])).toBe('written');
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, count: 1 });
      expect(await sql`select x from side_write`.execute(t.db)).toMatchObject({ rows: [{ x: 1 }] });
    } finally {
      await worker.terminate();
      await t.cleanup();
    }
  });
});
