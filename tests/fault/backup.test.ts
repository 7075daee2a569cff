// Fault test (SQLite only: backupSqlite/restoreSqlite are SQLite's online backup): a backup taken
// while a loop keeps writing transitions, restored into a new file, must hold a verifying audit
// chain, every transition acknowledged before the backup began, and task rows that match their
// audit records.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppServer, createLogger, openApp, testConfig } from "@duban/api";
import { backupSqlite, restoreSqlite } from "@duban/db";
import { afterAll, describe, expect, it } from "vitest";
import { checkConsistency, createSignedTasks, driveTask, login, type Load, type Target } from "./support";

const TASKS = 8;

describe("online backup under write load (SQLite only)", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-fault-backup-"));
  const cleanups: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it("restores a consistent database that holds every move acknowledged before the backup", async () => {
    const dbPath = join(dir, "live.db");
    const app = await openApp({
      databaseUrl: dbPath,
      config: testConfig({ filesDir: join(dir, "files") }),
      logger: createLogger("silent"),
      demoData: true,
      sqliteSynchronous: "FULL",
    });
    cleanups.push(() => app.close());
    const server: Server = createAppServer(app.inner);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const target: Target = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    const office = await login(target, "office");
    const liaison = await login(target, "mzj");
    if (liaison.unitId === null) throw new Error("mzj has no unit");
    // Long task texts make the file span many pages, so the backup takes several steps while the
    // writes go on between them.
    const taskIds = await createSignedTasks(office, liaison, liaison.unitId, TASKS);
    await createSignedTasks(office, liaison, liaison.unitId, 300, "。".repeat(2000), false);

    const load: Load = { acks: [], unknown: 0, stopped: false };
    const workers = taskIds.map((id) => driveTask(id, liaison, office, load));
    while (load.acks.length < 50) await new Promise((r) => setTimeout(r, 10));

    const ackedBefore = load.acks.slice();
    const backupFile = join(dir, "backup.db");
    const started = performance.now();
    const { pages } = await backupSqlite(dbPath, backupFile);
    const backupMs = performance.now() - started;
    const ackedDuring = load.acks.length - ackedBefore.length;
    load.stopped = true;
    await Promise.all(workers);
    console.info(`[backup] ${pages} pages in ${backupMs.toFixed(0)} ms; ${ackedBefore.length} moves before, ${ackedDuring} during`);

    const restored = join(dir, "restored.db");
    restoreSqlite(restored, backupFile);
    const report = await checkConsistency(restored, taskIds, ackedBefore);
    expect(report.problems).toEqual([]);
    expect(report.chain.ok).toBe(true);
    expect(report.transitions).toBeGreaterThanOrEqual(ackedBefore.length);
    expect(pages).toBeGreaterThan(100);
  }, 60_000);
});
