// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration for a path of rate-limiter-flexible: it must travel with this file into every program that compiles it (tests/ too)
/// <reference path="./rate-limiter-store.d.ts" />
// Sign-in limits that hold across server processes and cannot be turned against the server:
// rate-limiter-flexible over this application's own database (table rate_limits, one atomic upsert
// per counted failure), so every process counts into the same row. Once a key is over its limit a
// process answers from memory until the window ends (the library's in-memory block): a flood costs
// O(1) per attempt, no query, no password hash, and memory holds one entry per blocked key.
//
// Two limits (the library's "login endpoint protection" pattern):
// - failures per client address (DUBAN_LOGIN_PER_ADDRESS_PER_MINUTE): stops a flood or a password
//   spray from one address before any lookup;
// - consecutive failures per account AND address (DUBAN_LOCK_AFTER_FAILURES within
//   DUBAN_LOCK_MINUTES): the account lock. Keyed by address too, so a stranger elsewhere cannot
//   lock a user out; answered exactly like a wrong password, so a lock reveals nothing.
import {
  consumeRateLimit,
  deleteExpiredRateLimits,
  deleteRateLimit,
  deleteRateLimitsByPrefix,
  getRateLimit,
  listRateLimitKeys,
  type Database,
  type RateLimitRow,
} from "@duban/db";
import type { Kysely } from "kysely";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import RateLimiterStoreAbstract from "rate-limiter-flexible/lib/RateLimiterStoreAbstract.js";

interface StoreOptions {
  db: Kysely<Database>;
  keyPrefix: string;
  points: number;
  durationSec: number;
}

/**
 * rate-limiter-flexible's store interface over Kysely (the library ships SQLite and PostgreSQL
 * stores for raw drivers only; this one runs on the app's own connection, so SQLite is never
 * written from a second connection that would wait on the first one's lock inside the event loop).
 * If the database fails, a per-process memory limiter takes over (the library's insurance).
 */
export class DatabaseRateLimiter extends RateLimiterStoreAbstract {
  private readonly db: Kysely<Database>;

  constructor(options: StoreOptions) {
    super({
      storeClient: options.db,
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationSec,
      // Over the limit: refuse from memory until the window ends, without a query.
      inMemoryBlockOnConsumed: options.points,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSec }),
    });
    this.db = options.db;
  }

  /** Whether `key` is blocked in this process's memory (no query). */
  blockedInMemory(key: string): boolean {
    return this.getInMemoryBlockMsBeforeExpire(this.getKey(key)) > 0;
  }

  /** Unlocks every key that starts with `prefix` in the database and this process's memory. */
  async deleteByPrefix(prefix: string): Promise<number> {
    this.deleteInMemoryBlockedAll(); // the others are learnt again from the database
    return deleteRateLimitsByPrefix(this.db, this.getKey(prefix));
  }

  /** Keys (without the limiter's prefix) starting with `prefix` that are at or over the limit. */
  async keysAtLimit(prefix: string): Promise<string[]> {
    const keys = await listRateLimitKeys(this.db, this.getKey(prefix), this.points, Date.now());
    return keys.map((k) => this.parseKey(k));
  }

  // --- the store interface rate-limiter-flexible calls -----------------------------------------

  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<RateLimitRow> {
    const now = Date.now();
    return consumeRateLimit(this.db, rlKey, points, msDuration > 0 ? now + msDuration : null, now, forceExpire);
  }

  async _get(rlKey: string): Promise<RateLimitRow | null> {
    return (await getRateLimit(this.db, rlKey, Date.now())) ?? null;
  }

  _delete(rlKey: string): Promise<boolean> {
    return deleteRateLimit(this.db, rlKey);
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: RateLimitRow): RateLimiterRes {
    const first = changedPoints === result.points;
    const consumed = first ? changedPoints : result.points;
    const msBeforeNext = result.expire !== null ? Math.max(result.expire - Date.now(), 0) : -1;
    return new RateLimiterRes(Math.max(this.points - consumed, 0), msBeforeNext, consumed, first);
  }
}

export interface LoginLimits {
  /** failed sign-ins per client address per window */
  failuresPerAddress: number;
  addressWindowMs: number;
  /** consecutive failures per account and address before the lock, within lockMs */
  lockAfterFailures: number;
  lockMs: number;
}

export interface LoginCheck {
  refusal: "RATE_LIMITED" | "LOCKED" | null;
  /** failures of this account from this address in the current window (0 when none or unknown) */
  accountFailures: number;
}

/** The two sign-in limits of one app. */
export class LoginLimiter {
  readonly byAddress: DatabaseRateLimiter;
  readonly byAccountAndAddress: DatabaseRateLimiter;
  private readonly sweep: NodeJS.Timeout;

  constructor(db: Kysely<Database>, limits: LoginLimits) {
    this.byAddress = new DatabaseRateLimiter({ db, keyPrefix: "login-ip", points: limits.failuresPerAddress, durationSec: Math.max(1, Math.round(limits.addressWindowMs / 1000)) });
    this.byAccountAndAddress = new DatabaseRateLimiter({ db, keyPrefix: "login-fail", points: limits.lockAfterFailures, durationSec: Math.max(1, Math.round(limits.lockMs / 1000)) });
    // Expired rows are swept now and then; a swept row and an expired one mean the same.
    this.sweep = setInterval(() => void deleteExpiredRateLimits(db, Date.now() - 60_000).catch(() => {}), 5 * 60_000);
    this.sweep.unref();
  }

  /** Whether this address is blocked, as this process knows it (no query): the HTTP layer's fast refusal. */
  addressBlocked(address: string): boolean {
    return this.byAddress.blockedInMemory(addressKey(address));
  }

  /**
   * Whether a sign-in may be tried at all. From memory when the key is known to be blocked here;
   * else one read per limit. Never counts: only failures count (`fail`).
   */
  async check(address: string, username: string): Promise<LoginCheck> {
    const ip = addressKey(address);
    if (this.byAddress.blockedInMemory(ip)) return { refusal: "RATE_LIMITED", accountFailures: 0 };
    const account = accountKey(username, address);
    if (this.byAccountAndAddress.blockedInMemory(account)) return { refusal: "LOCKED", accountFailures: this.byAccountAndAddress.points };
    const [byAddress, byAccount] = await Promise.all([this.byAddress.get(ip), this.byAccountAndAddress.get(account)]);
    if (byAddress !== null && byAddress.consumedPoints >= this.byAddress.points) {
      await this.byAddress.consume(ip).catch(() => {}); // counted by another process: block here too
      return { refusal: "RATE_LIMITED", accountFailures: 0 };
    }
    const accountFailures = byAccount?.consumedPoints ?? 0;
    if (accountFailures >= this.byAccountAndAddress.points) {
      await this.byAccountAndAddress.consume(account).catch(() => {});
      return { refusal: "LOCKED", accountFailures };
    }
    return { refusal: null, accountFailures };
  }

  /** Counts one failed sign-in; tells whether it reached the account lock. */
  async fail(address: string, username: string): Promise<{ locked: boolean }> {
    const outcome = async (limiter: DatabaseRateLimiter, key: string) => {
      try {
        const res = await limiter.consume(key);
        return res.consumedPoints >= limiter.points;
      } catch (rejected) {
        if (rejected instanceof RateLimiterRes) return true;
        throw rejected;
      }
    };
    const [, locked] = await Promise.all([outcome(this.byAddress, addressKey(address)), outcome(this.byAccountAndAddress, accountKey(username, address))]);
    return { locked };
  }

  /** A successful sign-in ends the run of failures of this account from this address. */
  async succeed(address: string, username: string): Promise<void> {
    await this.byAccountAndAddress.delete(accountKey(username, address));
  }

  /** The administrator's unlock: every address's failures of this account. */
  async unlock(username: string): Promise<void> {
    await this.byAccountAndAddress.deleteByPrefix(`${normalise(username)}|`);
  }

  /** Accounts locked from some address now (lower-cased user names). */
  async lockedAccounts(): Promise<Set<string>> {
    const keys = await this.byAccountAndAddress.keysAtLimit("");
    return new Set(keys.map((k) => k.slice(0, k.lastIndexOf("|"))));
  }

  stop(): void {
    clearInterval(this.sweep);
  }
}

const normalise = (username: string) => username.trim().toLowerCase().slice(0, 128);
const addressKey = (address: string) => address;
/** `name|address`: an address never holds "|", so the last one splits them. */
const accountKey = (username: string, address: string) => `${normalise(username)}|${address}`;

const limiters = new WeakMap<object, LoginLimiter>();

/** The sign-in limiter of one app (keyed by its database handle); created on first use. */
export function loginLimiterOf(db: Kysely<Database>, limits: LoginLimits): LoginLimiter {
  let limiter = limiters.get(db);
  if (limiter === undefined) {
    limiter = new LoginLimiter(db, limits);
    limiters.set(db, limiter);
  }
  return limiter;
}

export function stopLoginLimiter(db: Kysely<Database>): void {
  limiters.get(db)?.stop();
  limiters.delete(db);
}
