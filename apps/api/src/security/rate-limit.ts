// In-process sliding-window limits for login attempts, by client address and by account name.
// One limiter per database handle (i.e. per running app); several server processes each keep their
// own window, so the effective limit is per process — the account lockout in the database is the
// cross-process defence.

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records an attempt at `now` and tells whether it is within the limit. */
  hit(key: string, now: number): boolean {
    const since = now - this.windowMs;
    const kept = (this.hits.get(key) ?? []).filter((t) => t > since);
    kept.push(now);
    this.hits.set(key, kept);
    if (this.hits.size > 10_000) this.sweep(since);
    return kept.length <= this.limit;
  }

  private sweep(since: number): void {
    for (const [key, times] of this.hits) if (times.every((t) => t <= since)) this.hits.delete(key);
  }
}

export interface LoginLimits {
  perAddress: number;
  perAccount: number;
  windowMs: number;
}

export class LoginRateLimiter {
  private readonly byAddress: SlidingWindowLimiter;
  private readonly byAccount: SlidingWindowLimiter;

  constructor(limits: LoginLimits) {
    this.byAddress = new SlidingWindowLimiter(limits.perAddress, limits.windowMs);
    this.byAccount = new SlidingWindowLimiter(limits.perAccount, limits.windowMs);
  }

  /** Counts one attempt; returns which limit it exceeded, or null when allowed. Both windows always count. */
  check(address: string | null, username: string, now: number): "address" | "account" | null {
    const addressOk = this.byAddress.hit(`ip:${address ?? "unknown"}`, now);
    const accountOk = this.byAccount.hit(`user:${username.toLowerCase()}`, now);
    return !addressOk ? "address" : !accountOk ? "account" : null;
  }
}

const limiters = new WeakMap<object, LoginRateLimiter>();

/** The limiter of one app (keyed by its database handle). */
export function loginLimiterFor(owner: object, limits: LoginLimits): LoginRateLimiter {
  let limiter = limiters.get(owner);
  if (limiter === undefined) {
    limiter = new LoginRateLimiter(limits);
    limiters.set(owner, limiter);
  }
  return limiter;
}
