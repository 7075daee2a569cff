// Running it like a service: /api/ready, Prometheus metrics scraped and parsed, scheduled backups
// with retention, and a restore drill from a scheduled backup.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, listTasks, migrateToLatest, restoreSqlite, verifyAuditChain } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "./app";
import { testConfig } from "./config";
import type { InnerContext } from "./context";
import { createAppServer } from "./http/server";
import { createLogger } from "./logger";
import { serveMetrics } from "./metrics";
import { testOpsConfig } from "./ops-config";
import { listBackups, runScheduledBackup, startScheduledBackups } from "./services/backups";
import { signIn } from "./test-support";

const dir = mkdtempSync(join(tmpdir(), "duban-ops-"));
const dbFile = join(dir, "app.db");
const backupDir = join(dir, "backups");
let now = new Date("2026-12-04T02:00:00Z");
let app: { inner: InnerContext; close: () => Promise<void> };

beforeAll(async () => {
  const config = testConfig({ filesDir: join(dir, "files"), ops: testOpsConfig({ backupDir, backupKeep: 3 }) });
  app = await openApp({ databaseUrl: dbFile, config, logger: createLogger("silent"), demoData: true, clock: () => now, sqliteSynchronous: "NORMAL" });
}, 120_000);
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function listen(server: Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The Prometheus text format, parsed: `name{labels}` → value (HELP/TYPE lines checked for every sample family). */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\w+) /.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") typed.add(meta[2] as string);
      continue;
    }
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const family = (m[1] as string).replace(/_(bucket|sum|count)$/, "");
    if (!typed.has(m[1] as string) && !typed.has(family)) throw new Error(`sample without TYPE: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ""}`, Number(m[3]));
  }
  return samples;
}

/** Sum of the samples of `name` whose labels include every given label="value". */
function sum(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, value] of samples) {
    if (!key.startsWith(`${name}{`) && key !== name) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

describe("readiness", () => {
  it("is ready when the database answers and every migration is applied; 503 naming what is missing otherwise", async () => {
    const server = createAppServer(app.inner).listen(0, "127.0.0.1");
    try {
      const base = await listen(server);
      const ok = await fetch(`${base}/api/ready`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ready: true, database: "ok", pendingMigrations: [] });

      // the same code against a database one migration behind
      const behind = createDatabase({ url: join(dir, "behind.db") });
      await migrateToLatest(behind.db);
      const last = await behind.db.selectFrom("kysely_migration" as never).select("name" as never).orderBy("name" as never, "desc").executeTakeFirstOrThrow() as { name: string };
      await behind.db.deleteFrom("kysely_migration" as never).where("name" as never, "=", last.name as never).execute();
      const behindServer = createAppServer({ ...app.inner, db: behind.db }).listen(0, "127.0.0.1");
      const behindBase = await listen(behindServer);
      const stale = await fetch(`${behindBase}/api/ready`);
      expect(stale.status).toBe(503);
      expect(await stale.json()).toEqual({ ready: false, database: "ok", pendingMigrations: [last.name] });
      // …and a database that no longer answers
      await behind.close();
      const down = await fetch(`${behindBase}/api/ready`);
      expect(down.status).toBe(503);
      expect((await down.json()) as unknown).toMatchObject({ ready: false, database: "unreachable" });
      behindServer.close();
    } finally {
      server.close();
    }
  });
});

describe("metrics", () => {
  it("are served on their own listener and count latency by procedure, transitions, refusals by code, group-commit batches and job runs", async () => {
    const metrics = serveMetrics(0, "127.0.0.1");
    try {
      const base = await listen(metrics);
      const { caller: mzj } = await signIn(app.inner, "mzj");
      const task = (await listTasks(app.inner.db, { limit: 100 })).items.find((t) => t.ordinal === 4);
      if (task === undefined) throw new Error("demo task 4 missing");
      await mzj.task.transition({ taskId: task.id, expectedVersion: task.version, event: { type: "SIGN" } });
      await expect(mzj.task.transition({ taskId: task.id, expectedVersion: task.version, event: { type: "SIGN" } })).rejects.toThrow();
      const stop = startScheduledBackups(app.inner, dbFile, 3_600_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      stop();

      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const samples = parsePrometheus(await response.text());
      expect(sum(samples, "duban_request_duration_seconds_count", { procedure: "auth.login", outcome: "ok" })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_request_duration_seconds_count", { procedure: "task.transition", type: "mutation" })).toBeGreaterThanOrEqual(2);
      expect(sum(samples, "duban_transitions_total", { event: "SIGN", outcome: "ok" })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_transitions_total", { event: "SIGN", outcome: "refused" })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_refusals_total", { code: "CONFLICT" })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_group_commit_batch_size_count")).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_job_runs_total", { job: "backup" })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, "duban_process_resident_memory_bytes")).toBeGreaterThan(0);
      // nothing but /metrics
      expect((await fetch(`${base}/trpc/auth.me`)).status).toBe(404);
    } finally {
      metrics.close();
    }
  }, 60_000);
});

describe("scheduled backups", () => {
  it("write one file per period across runs, keep the newest N, and a restore drill from the newest gives back the database as it was", async () => {
    rmSync(backupDir, { recursive: true, force: true });
    const first = await runScheduledBackup(app.inner, dbFile);
    expect(first.file).not.toBeNull();
    expect((await runScheduledBackup(app.inner, dbFile)).file).toBeNull(); // same period: already made
    for (let day = 1; day <= 4; day++) {
      now = new Date(now.getTime() + 86_400_000);
      expect((await runScheduledBackup(app.inner, dbFile)).file).not.toBeNull();
    }
    const kept = await listBackups(backupDir);
    expect(kept).toEqual(["app-2026-12-06T00.db", "app-2026-12-07T00.db", "app-2026-12-08T00.db"]);

    // After the newest backup: one more move. The restored copy must not have it, and must verify.
    const { caller: mzj } = await signIn(app.inner, "mzj");
    const task = (await listTasks(app.inner.db, { limit: 100 })).items.find((t) => t.ordinal === 5);
    if (task === undefined) throw new Error("demo task 5 missing");
    await mzj.task.transition({ taskId: task.id, expectedVersion: task.version, event: { type: "SIGN" } });
    const liveHead = await verifyAuditChain(app.inner.db);

    const restoredFile = join(dir, "restored.db");
    restoreSqlite(restoredFile, join(backupDir, kept[2] as string));
    const restored = await openApp({ databaseUrl: restoredFile, config: app.inner.config, logger: createLogger("silent") });
    try {
      const chain = await verifyAuditChain(restored.inner.db);
      expect(chain.ok).toBe(true);
      expect(liveHead.ok && chain.ok && chain.count < liveHead.count).toBe(true);
      const again = (await listTasks(restored.inner.db, { limit: 100 })).items.find((t) => t.id === task.id);
      expect(again?.version).toBe(task.version);
      const { caller } = await signIn(restored.inner, "office");
      expect((await caller.auth.me())?.username).toBe("office");
    } finally {
      await restored.close();
    }
  }, 120_000);
});
