import type { Kysely, Transaction } from 'kysely';
import type { Database } from './tables/index.js';

/** What every repository function takes first: the database or a transaction on it. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Runs `fn` in the given transaction, or opens one when handed the bare database. */
export function inTransaction<T>(db: DbOrTrx, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
