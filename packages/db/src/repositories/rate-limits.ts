// rate-limiter-flexible's store on this database: an atomic upsert per consumed point, so every
// server process counts into the same row (INSERT … ON CONFLICT on SQLite ≥ 3.35 and PostgreSQL).
import { sql } from 'kysely';
import type { DbOrTrx } from '../executor.js';

export interface RateLimitRow {
  points: number;
  /** epoch milliseconds, or null for a key that never expires */
  expire: number | null;
}

const toRow = (r: { points: number | string; expire: number | string | null }): RateLimitRow => ({
  points: Number(r.points),
  expire: r.expire === null ? null : Number(r.expire),
});

/**
 * Adds `points` to `key` and returns its total. A key whose window ended (expire ≤ now) starts
 * again with `points` and a new window ending at `expire`; `replace` overwrites points and window.
 */
export async function consumeRateLimit(
  db: DbOrTrx,
  key: string,
  points: number,
  expire: number | null,
  now: number,
  replace = false,
): Promise<RateLimitRow> {
  const live = sql<boolean>`rate_limits.expire is null or rate_limits.expire > ${now}`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, points, expire })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet(
        replace
          ? { points, expire }
          : {
              points: sql<number>`case when ${live} then rate_limits.points + excluded.points else excluded.points end`,
              expire: sql<number | null>`case when ${live} then rate_limits.expire else excluded.expire end`,
            },
      ),
    )
    .returning(['points', 'expire'])
    .executeTakeFirstOrThrow();
  return toRow(row);
}

/** The key's points in its current window, or undefined when it has none. */
export async function getRateLimit(db: DbOrTrx, key: string, now: number): Promise<RateLimitRow | undefined> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['points', 'expire'])
    .where('key', '=', key)
    .where((eb) => eb.or([eb('expire', 'is', null), eb('expire', '>', now)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toRow(row);
}

export async function deleteRateLimit(db: DbOrTrx, key: string): Promise<boolean> {
  const result = await db.deleteFrom('rate_limits').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes every key that starts with `prefix` (compared exactly: no LIKE wildcards). */
export async function deleteRateLimitsByPrefix(db: DbOrTrx, prefix: string): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where(sql<string>`substr(key, 1, ${prefix.length})`, '=', prefix)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Keys starting with `prefix` whose current window holds at least `points`. */
export async function listRateLimitKeys(db: DbOrTrx, prefix: string, points: number, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('rate_limits')
    .select('key')
    .where(sql<string>`substr(key, 1, ${prefix.length})`, '=', prefix)
    .where('points', '>=', points)
    .where((eb) => eb.or([eb('expire', 'is', null), eb('expire', '>', now)]))
    .execute();
  return rows.map((r) => r.key);
}

/** Sweeps keys whose window ended before `before`. */
export async function deleteExpiredRateLimits(db: DbOrTrx, before: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expire', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
