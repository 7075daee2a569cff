// Fault test (SQLite only: a child process on a WAL file with synchronous=FULL): the API server is
// killed with SIGKILL at random moments under write load, restarted on the same file, and every
// transition a client saw acknowledged (HTTP 200) must still be there, nothing half-moved, the
// audit chain intact. The kill moments come from a seeded PRNG: the seed is printed, and
// FAULT_SEED=<seed> replays the same delays (the load's own timing still varies from run to run).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConsistency, createSignedTasks, driveTask, faultSeed, login, seededRandom, startChildServer, waitForAcks, type ChildServer, type Load, type Target } from "./support";

const KILLS = 4;
const TASKS = 12;
const SEED = faultSeed();
console.info(`[fault] FAULT_SEED=${SEED}`);

/** Runs a test body; a failure names the seed that replays it. */
async function withSeed(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error) error.message += ` (replay the kill delays with FAULT_SEED=${SEED})`;
    throw error;
  }
}

describe("crash safety (SQLite, child process, SIGKILL under load)", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-fault-crash-"));
  const dbPath = join(dir, "app.db");
  const filesDir = join(dir, "files");
  let server: ChildServer | null = null;

  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged transition across ${KILLS} kills`, () => withSeed(async () => {
    const random = seededRandom(SEED);
    server = await startChildServer(dbPath, filesDir);
    const target: Target = { url: server.baseUrl };
    const office = await login(target, "office");
    const liaison = await login(target, "mzj");
    if (liaison.unitId === null) throw new Error("mzj has no unit");
    const taskIds = await createSignedTasks(office, liaison, liaison.unitId, TASKS);

    const load: Load = { acks: [], unknown: 0, stopped: false };
    const workers = taskIds.map((id) => driveTask(id, liaison, office, load));
    const killLog: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      // Let some moves land in this life of the server, then kill it at a random moment.
      const before = load.acks.length;
      const deadline = Date.now() + 10_000;
      while (load.acks.length < before + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
      const ackedAtKill = load.acks.length;
      await server.kill("SIGKILL");
      killLog.push(`kill ${k + 1}: ${ackedAtKill - before} acks in this life`);
      server = await startChildServer(dbPath, filesDir);
      target.url = server.baseUrl;
    }
    // A last stretch on the restarted server, then stop the load and the server cleanly.
    await waitForAcks(load, load.acks.length, 20, 20_000, "after the last restart");
    load.stopped = true;
    await Promise.all(workers);
    await server.kill("SIGKILL");
    server = null;

    const report = await checkConsistency(dbPath, taskIds, load.acks);
    console.info(`[crash] ${killLog.join("; ")}; ${load.acks.length} acknowledged, ${load.unknown} unanswered, ${report.transitions} recorded`);
    expect(report.problems).toEqual([]);
    expect(report.chain.ok).toBe(true);
    expect(report.tasks).toBe(TASKS);
    // Unanswered requests may or may not have committed; acknowledged ones always did.
    expect(report.transitions).toBeGreaterThanOrEqual(load.acks.length);
    expect(report.transitions).toBeLessThanOrEqual(load.acks.length + load.unknown);
  }), 80_000);
});

describe("crash safety with two API processes (DUBAN_WORKERS=2, SIGKILL of one worker under load)", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-fault-workers-"));
  const dbPath = join(dir, "app.db");
  const filesDir = join(dir, "files");
  let server: ChildServer | null = null;

  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged transition while workers are killed and replaced", () => withSeed(async () => {
    const random = seededRandom(SEED);
    server = await startChildServer(dbPath, filesDir, 240_000, { DUBAN_WORKERS: "2" });
    const running = server;
    const workerPids = () => [...running.output().matchAll(/WORKER (\d+) LISTENING/g)].map((m) => Number(m[1]));
    const killed = new Set<number>();
    const alive = async () => {
      const deadline = Date.now() + 240_000;
      for (;;) {
        const pids = workerPids().filter((p) => !killed.has(p));
        if (pids.length >= 2 || Date.now() > deadline) return pids;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    expect(await alive()).toHaveLength(2);
    const target: Target = { url: running.baseUrl };
    const office = await login(target, "office");
    const liaison = await login(target, "mzj");
    if (liaison.unitId === null) throw new Error("mzj has no unit");
    const taskIds = await createSignedTasks(office, liaison, liaison.unitId, TASKS);

    const load: Load = { acks: [], unknown: 0, stopped: false };
    const workers = taskIds.map((id) => driveTask(id, liaison, office, load));
    for (let k = 0; k < 3; k++) {
      const before = load.acks.length;
      const deadline = Date.now() + 10_000;
      while (load.acks.length < before + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      const [victim] = await alive();
      if (victim === undefined) throw new Error("no worker left");
      killed.add(victim);
      process.kill(victim, "SIGKILL");
      // The sessions stay valid on the replacement (they live in the database), the other worker serves meanwhile.
      expect(await alive()).toHaveLength(2);
    }
    await waitForAcks(load, load.acks.length, 20, 60_000, "after the last worker was replaced");
    load.stopped = true;
    await Promise.all(workers);
    await running.kill("SIGKILL");
    server = null;

    const report = await checkConsistency(dbPath, taskIds, load.acks);
    console.info(`[workers] ${load.acks.length} acknowledged, ${load.unknown} unanswered, ${report.transitions} recorded`);
    expect(report.problems).toEqual([]);
    expect(report.chain.ok).toBe(true);
    expect(report.transitions).toBeGreaterThanOrEqual(load.acks.length);
    expect(report.transitions).toBeLessThanOrEqual(load.acks.length + load.unknown);
  }), 600_000);
});
