// Group commit: units of work that arrive while a commit is being made share the next one.
//
// A durable commit costs an fsync (SQLite WAL, synchronous=FULL) or a WAL flush (PostgreSQL); a
// task transition is a few small statements. Committing each move on its own therefore spends
// most of its time waiting for the disk, and on SQLite (one writer) every other request waits too.
// Here concurrent units of work run one after another inside ONE transaction, each in its own
// SAVEPOINT: a unit that throws is rolled back alone (nothing it wrote survives) and its caller gets
// the error; the others go on. Every caller whose unit succeeded is answered only after the shared
// COMMIT has returned — nothing is acknowledged before it is on disk. If the COMMIT fails, every
// unit of the batch fails with it.
//
// The batch's audit records are chained together at its end (`PendingAuditAppends`): the audit
// head, which every writer needs, is locked only for that last step and the COMMIT — so several API
// processes on one PostgreSQL run their batches side by side instead of taking turns.
import { CompiledQuery, type ControlledTransaction, type Kysely, type Transaction } from 'kysely';
import { deferAuditAppends, PendingAuditAppends } from './audit.js';
import type { DbOrTrx } from './executor.js';
import type { Database } from './tables/index.js';

export interface GroupCommitOptions {
  /** At most this many units share one commit (bounds the latency of the first in a batch). */
  maxBatch?: number;
}

export interface GroupCommitStats {
  /** transactions committed */
  commits: number;
  /** units of work that succeeded (and were committed) */
  units: number;
  /** largest batch seen */
  largestBatch: number;
  /** ms spent holding the audit head (chaining the batch's records + COMMIT): the part of a batch that
   *  API processes on one PostgreSQL take in turns (on SQLite the whole batch is: one writer) */
  headHeldMs: number;
}

interface Job {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// Each unit of a batch runs in this savepoint (compiled once: the same three statements every unit).
const SAVEPOINT = CompiledQuery.raw('savepoint group_unit');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint group_unit');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release savepoint group_unit');

export class GroupCommitter {
  readonly #db: Kysely<Database>;
  readonly #maxBatch: number;
  #queue: Job[] = [];
  #draining = false;
  readonly stats: GroupCommitStats = { commits: 0, units: 0, largestBatch: 0, headHeldMs: 0 };

  constructor(db: Kysely<Database>, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 128);
  }

  /** Runs `work` in a shared transaction; resolves with its result once that transaction is committed. */
  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#draining) {
        this.#draining = true;
        // Let every request that is already being handled in this turn of the event loop join.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#runBatch(this.#queue.splice(0, this.#maxBatch));
    } finally {
      this.#draining = false;
    }
  }

  async #runBatch(batch: Job[]): Promise<void> {
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.#db.startTransaction().execute();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    const done: { job: Job; value: unknown }[] = [];
    const audit = new PendingAuditAppends();
    let headSince: number | null = null;
    deferAuditAppends(trx, audit);
    try {
      for (const job of batch) {
        const auditMark = audit.mark();
        await trx.executeQuery(SAVEPOINT);
        let value: unknown;
        try {
          value = await job.work(trx);
        } catch (error) {
          // Undo this unit only; if even that fails the transaction is unusable (caught below).
          await trx.executeQuery(ROLLBACK_TO_SAVEPOINT);
          await trx.executeQuery(RELEASE_SAVEPOINT);
          audit.rollbackTo(auditMark);
          job.reject(error);
          continue;
        }
        await trx.executeQuery(RELEASE_SAVEPOINT);
        done.push({ job, value });
      }
      headSince = performance.now();
      await audit.flush(trx);
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      // Every unit fails with the transaction, except those already refused (a settled promise
      // ignores a second reject), which keep their own error.
      for (const job of batch) job.reject(error);
      return;
    }
    if (headSince !== null) this.stats.headHeldMs += performance.now() - headSince;
    this.stats.commits++;
    this.stats.units += done.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    for (const listener of batchListeners) listener(done.length);
    for (const { job, value } of done) job.resolve(value);
  }
}

const batchListeners = new Set<(units: number) => void>();

/** Calls `listener` with the number of units after every group commit (for metrics); returns the unsubscribe. */
export function onGroupCommit(listener: (units: number) => void): () => void {
  batchListeners.add(listener);
  return () => batchListeners.delete(listener);
}

const committers = new WeakMap<Kysely<Database>, GroupCommitter>();

/** The group committer of a database handle (one per Kysely instance, made on first use). */
export function groupCommitterOf(db: Kysely<Database>): GroupCommitter {
  let committer = committers.get(db);
  if (committer === undefined) {
    committer = new GroupCommitter(db);
    committers.set(db, committer);
  }
  return committer;
}

/**
 * Like `inTransaction`, but the transaction may be shared with other concurrent callers (group
 * commit); resolves only after it is committed. Inside a transaction already, runs `work` in it.
 * `work` must use only the transaction it is given (never the bare database: on SQLite the shared
 * transaction holds the one connection).
 */
export function inGroupCommit<T>(db: DbOrTrx, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return groupCommitterOf(db).run(work);
}
