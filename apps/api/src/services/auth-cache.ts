// What a signed-in request relies on — its session and user row, the per-role TOTP policy — kept
// in a short in-process cache, so a request costs no query for them. Correct across processes:
// every change that matters moves the one-row `auth_generation` counter (database triggers, migration
// 0601: a session revoked, a user row or the policy changed, whoever wrote it); each process polls
// that row at most every POLL_MS and drops everything when it moved. A mutation in this process
// makes the next request poll at once (`expireAuthCache`, called by the tRPC error boundary), so its
// own logout or role change is seen by its next request; other processes see it within POLL_MS.
// Unit names (auth.me's label) are kept only until the next poll, whether or not the generation
// moved (a unit's rename does not move it): the same staleness bound, one query per poll window.
import { getUnit, type Database, type DbOrTrx, type UserRole } from "@duban/db";
import type { Kysely } from "kysely";
import type { SessionUser } from "../context";

/** How stale another process's logout or role change may be here, at most (plus one request). */
export const AUTH_POLL_MS = 200;
/**
 * Mutations that never write what moves the generation (users, sessions and role_security are written
 * only by the auth, admin and security services) nor a unit (names are cached too): after one of
 * these this process's next request need not poll first. A move is the hot path; every other
 * mutation expires the cache (an unlisted one costs one query, never a stale answer).
 */
const LEAVE_SIGN_INS_ALONE = ["task.", "supervision."];

/** Whether a mutation at this tRPC path may have changed a session, a user, a role's policy or a unit. */
export function mayChangeSignIns(path: string): boolean {
  return !LEAVE_SIGN_INS_ALONE.some((prefix) => path.startsWith(prefix));
}

/** Sessions kept; the oldest is dropped beyond this. */
const MAX_SESSIONS = 20_000;

export interface CachedSession {
  session: SessionUser;
  expiresAt: string;
  /** ms since the epoch: the last touch this process knows of */
  lastSeenAt: number;
}

export class AuthCache {
  #generation: number | null = null;
  #polledAt = Number.NEGATIVE_INFINITY;
  #expiredAt = Number.NEGATIVE_INFINITY;
  #polling: Promise<void> | null = null;
  readonly #sessions = new Map<string, CachedSession>();
  #totpRequired: Map<string, boolean> | null = null;
  /** unit id → name (null: no such unit), read since the last poll */
  readonly #unitNames = new Map<string, string | null>();

  /** Polls the generation if the last poll is older than AUTH_POLL_MS or a local mutation came after it. */
  async fresh(db: DbOrTrx): Promise<number | null> {
    const now = performance.now();
    if (now - this.#polledAt >= AUTH_POLL_MS || this.#polledAt <= this.#expiredAt) {
      this.#polling ??= this.#poll(db).finally(() => {
        this.#polling = null;
      });
      await this.#polling;
    }
    return this.#generation;
  }

  async #poll(db: DbOrTrx): Promise<void> {
    const started = performance.now();
    const row = await db.selectFrom("auth_generation").select("generation").where("id", "=", 1).executeTakeFirst();
    const generation = Number(row?.generation ?? 0);
    this.#unitNames.clear();
    if (generation !== this.#generation) {
      this.#sessions.clear();
      this.#totpRequired = null;
      this.#generation = generation;
    }
    this.#polledAt = started;
  }

  /** Something this process committed may have moved the generation: the next request polls first. */
  expire(): void {
    this.#expiredAt = performance.now();
  }

  session(id: string): CachedSession | undefined {
    return this.#sessions.get(id);
  }

  /** Keeps a session read at `generation` — unless the generation moved meanwhile (the read may predate the change). */
  remember(id: string, generation: number | null, entry: CachedSession): void {
    if (generation === null || generation !== this.#generation) return;
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    Object.freeze(entry.session.user);
    this.#sessions.set(id, entry);
  }

  forget(id: string): void {
    this.#sessions.delete(id);
  }

  /** Whether the role must sign in with TOTP (role_security, read once per generation). */
  async roleRequiresTotp(db: DbOrTrx, role: UserRole): Promise<boolean> {
    const generation = await this.fresh(db);
    let policy = this.#totpRequired;
    if (policy === null) {
      const rows = await db.selectFrom("role_security").select(["role", "totp_required"]).execute();
      policy = new Map(rows.map((r) => [r.role, Boolean(r.totp_required)]));
      if (generation === this.#generation) this.#totpRequired = policy;
    }
    return policy.get(role) ?? false;
  }

  /** A unit's name (null when there is none), read at most once per poll window. */
  async unitName(db: DbOrTrx, unitId: string): Promise<string | null> {
    await this.fresh(db);
    const known = this.#unitNames.get(unitId);
    if (known !== undefined) return known;
    const polledAt = this.#polledAt;
    const name = (await getUnit(db, unitId))?.name ?? null;
    // A read that a poll overtook may predate a rename the poll stands for: used once, not kept.
    if (polledAt === this.#polledAt) this.#unitNames.set(unitId, name);
    return name;
  }
}

const caches = new WeakMap<Kysely<Database>, AuthCache>();

/** The cache of a database handle (one per Kysely instance, i.e. per process and database). */
export function authCacheOf(db: Kysely<Database>): AuthCache {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new AuthCache();
    caches.set(db, cache);
  }
  return cache;
}
