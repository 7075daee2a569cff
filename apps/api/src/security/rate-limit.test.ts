// The sign-in limiter itself, on a real SQLite file: windows, the account lock, two limiters (two
// processes) on one database, and a flood that costs no query once a key is blocked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, migrateToLatest } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginLimiter } from "./rate-limit";

const dir = mkdtempSync(join(tmpdir(), "duban-rate-limit-"));
const url = join(dir, "limits.db");
const handles = [createDatabase({ url }), createDatabase({ url })] as const;
const limits = { failuresPerAddress: 4, addressWindowMs: 60_000, lockAfterFailures: 3, lockMs: 60_000 };
let n = 0;
const name = () => `user${(n += 1)}`;

beforeAll(async () => {
  await migrateToLatest(handles[0].db);
});
afterAll(async () => {
  for (const h of handles) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sign-in limiter over the database", () => {
  it("locks an account for one address after N failures; the same account elsewhere and a success are unaffected", async () => {
    const limiter = new LoginLimiter(handles[0].db, limits);
    try {
      const user = name();
      expect(await limiter.fail("10.0.0.1", user)).toEqual({ locked: false });
      expect(await limiter.fail("10.0.0.1", user)).toEqual({ locked: false });
      expect(await limiter.check("10.0.0.1", user)).toEqual({ refusal: null, accountFailures: 2 });
      expect(await limiter.fail("10.0.0.1", user)).toEqual({ locked: true });
      expect((await limiter.check("10.0.0.1", user)).refusal).toBe("LOCKED");
      expect((await limiter.check("10.0.0.2", user)).refusal).toBeNull();
      expect([...(await limiter.lockedAccounts())]).toContain(user);
      await limiter.unlock(user.toUpperCase());
      expect(await limiter.check("10.0.0.1", user)).toEqual({ refusal: null, accountFailures: 0 });
    } finally {
      limiter.stop();
    }
  });

  it("two limiters on one database (two server processes) count into the same rows", async () => {
    const [a, b] = handles.map((h) => new LoginLimiter(h.db, limits)) as [LoginLimiter, LoginLimiter];
    try {
      const user = name();
      await a.fail("10.0.1.1", user);
      await b.fail("10.0.1.1", user);
      expect((await b.check("10.0.1.1", user)).accountFailures).toBe(2);
      expect(await a.fail("10.0.1.1", user)).toEqual({ locked: true });
      // b never saw the third failure, yet refuses: it reads the shared row.
      expect((await b.check("10.0.1.1", user)).refusal).toBe("LOCKED");
      // The address limit is shared too: 4 failures over both processes.
      await a.fail("10.0.1.1", name());
      expect((await b.check("10.0.1.1", name())).refusal).toBe("RATE_LIMITED");
    } finally {
      a.stop();
      b.stop();
    }
  });

  it("a window ends: the key counts from zero again", async () => {
    const limiter = new LoginLimiter(handles[0].db, { ...limits, addressWindowMs: 1_000, lockMs: 1_000 });
    try {
      const user = name();
      for (let i = 0; i < 3; i += 1) await limiter.fail("10.0.2.1", user);
      expect((await limiter.check("10.0.2.1", user)).refusal).toBe("LOCKED");
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await limiter.check("10.0.2.1", user)).toEqual({ refusal: null, accountFailures: 0 });
    } finally {
      limiter.stop();
    }
  });

  it("once an address is blocked, 100,000 more attempts are answered from memory: no query, flat memory", async () => {
    const limiter = new LoginLimiter(handles[0].db, limits);
    try {
      for (let i = 0; i < limits.failuresPerAddress; i += 1) await limiter.fail("10.0.3.1", name());
      let queries = 0;
      const db = handles[0].db;
      const counting = db.withPlugin({ transformQuery: (args) => ((queries += 1), args.node), transformResult: async (args) => args.result });
      const watched = new LoginLimiter(counting, limits);
      // the first check learns the block from the database; every later one is answered from memory
      expect((await watched.check("10.0.3.1", "x")).refusal).toBe("RATE_LIMITED");
      const after = queries;
      global.gc?.();
      const heap = process.memoryUsage().heapUsed;
      const started = performance.now();
      for (let i = 0; i < 100_000; i += 1) expect((await watched.check("10.0.3.1", `spray${i}`)).refusal).toBe("RATE_LIMITED");
      const perCheckUs = ((performance.now() - started) * 1000) / 100_000;
      expect(queries).toBe(after);
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(32 * 1024 * 1024);
      expect(perCheckUs).toBeLessThan(200);
      watched.stop();
    } finally {
      limiter.stop();
    }
  });
});
