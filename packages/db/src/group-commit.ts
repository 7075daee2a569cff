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
import { sql, type ControlledTransaction, type Kysely, type Transaction } from 'kysely';
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
}

interface Job {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const SAVEPOINT = 'group_unit';

export class GroupCommitter {
  readonly #db: Kysely<Database>;
  readonly #maxBatch: number;
  #queue: Job[] = [];
  #draining = false;
  readonly stats: GroupCommitStats = { commits: 0, units: 0, largestBatch: 0 };

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
    try {
      for (const job of batch) {
        await sql`savepoint ${sql.raw(SAVEPOINT)}`.execute(trx);
        let value: unknown;
        try {
          value = await job.work(trx);
        } catch (error) {
          // Undo this unit only; if even that fails the transaction is unusable (caught below).
          await sql`rollback to savepoint ${sql.raw(SAVEPOINT)}`.execute(trx);
          await sql`release savepoint ${sql.raw(SAVEPOINT)}`.execute(trx);
          job.reject(error);
          continue;
        }
        await sql`release savepoint ${sql.raw(SAVEPOINT)}`.execute(trx);
        done.push({ job, value });
      }
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      // Every unit fails with the transaction, except those already refused (a settled promise
      // ignores a second reject), which keep their own error.
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.commits++;
    this.stats.units += done.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    for (const { job, value } of done) job.resolve(value);
  }
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
