// Durable transitions per second through the real HTTP API (SQLite WAL + synchronous=FULL, or
// PostgreSQL), at 16 and 64 concurrent clients on loopback, against the raw rate of single-row
// durable commits of the same rows; on PostgreSQL also two API processes on one database.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createLogger, openApp, testConfig } from "@duban/api";
import { createDatabase, verifyAuditChain, type GroupCommitStats } from "@duban/db";
import pg from "pg";
import { cannon, clientFor, login, nextMove, record, startChild, summarize, tempDir, type Client, HttpError, openDurableSqlite } from "./common";

const LIAISONS = ["mzj", "wjj", "ybj", "czj", "jyj", "rsj", "gaj", "zjj"];
const TASKS_PER_CLIENT = 4;

interface TaskState {
  id: string;
  version: number;
  stage: string;
  status: string;
}

interface Worker {
  liaison: Client;
  office: Client;
  tasks: TaskState[];
}

interface Ack {
  taskId: string;
  version: number;
  type: string;
}

export interface TransitionOptions {
  dialect: "sqlite" | "postgres";
  /** PostgreSQL server URL (DATABASE_URL); a temp database is created on it */
  serverUrl?: string;
  clientCounts: number[];
  durationMs: number;
  warmupMs: number;
}

export interface TransitionResult {
  ratePerClients: Record<number, number>;
  raw: number;
  /** signed-in auth.me requests/s (autocannon) */
  authMe?: number;
  /** PostgreSQL, two processes: ms of audit head held per move */
  serialMsPerMove?: number;
}

async function pgTempDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `duban_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function groupCommitStats(baseUrl: string): Promise<GroupCommitStats> {
  return (await (await fetch(`${baseUrl}/bench/group-commit`)).json()) as GroupCommitStats;
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Runs `workers` for `ms`: each sends one transition at a time, round-robin over its tasks. */
async function runLoad(workers: Worker[], ms: number, acks: Ack[] | null, latencies: number[] | null): Promise<{ ok: number; errors: number; seconds: number }> {
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    workers.map(async (w) => {
      let k = 0;
      while (performance.now() < until) {
        const task = w.tasks[k++ % w.tasks.length] as TaskState;
        const { who, event } = nextMove(task.stage, task.status);
        const t0 = performance.now();
        try {
          const r = await (who === "liaison" ? w.liaison : w.office).mutate<{ version: number; stage: string; status: string }>("task.transition", {
            taskId: task.id,
            expectedVersion: task.version,
            event,
          });
          latencies?.push(performance.now() - t0);
          acks?.push({ taskId: task.id, version: r.version, type: String(event.type) });
          Object.assign(task, r);
          ok++;
        } catch (error) {
          errors++;
          if (!(error instanceof HttpError)) throw error;
          const fresh = (await w.office.query<{ task: TaskState }>("task.get", { taskId: task.id })).task;
          Object.assign(task, { version: fresh.version, stage: fresh.stage, status: fresh.status });
        }
      }
    }),
  );
  return { ok, errors, seconds: (performance.now() - started) / 1000 };
}

async function runPlainQueries(workers: Worker[], ms: number): Promise<{ ok: number; seconds: number }> {
  let ok = 0;
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    workers.map(async (w) => {
      while (performance.now() < until) {
        await w.office.query("auth.me", null);
        ok++;
      }
    }),
  );
  return { ok, seconds: (performance.now() - started) / 1000 };
}

/** Every acknowledged move is recorded exactly once; versions 2..n per task; the chain verifies. */
async function checkAcks(url: string, tasks: TaskState[], acks: Ack[]): Promise<{ ok: boolean; detail: string }> {
  const handle = createDatabase({ url });
  try {
    const chain = await verifyAuditChain(handle.db);
    const ids = tasks.map((t) => t.id);
    const recs = await handle.db.selectFrom("audit_log").select(["task_id", "action", "detail"]).where("task_id", "in", ids).where("outcome", "=", "ok").orderBy("seq").execute();
    const rows = await handle.db.selectFrom("tasks").select(["id", "version"]).where("id", "in", ids).execute();
    const seen = new Map<string, number[]>();
    const keys = new Set<string>();
    for (const r of recs) {
      if (!r.action.startsWith("task.") || r.task_id === null) continue;
      const v = Number((JSON.parse(r.detail) as { version: number }).version);
      seen.set(r.task_id, [...(seen.get(r.task_id) ?? []), v]);
      keys.add(`${r.task_id}@${v}:${r.action}`);
    }
    let bad = 0;
    for (const row of rows) {
      const vs = seen.get(row.id) ?? [];
      const expected = Array.from({ length: row.version - 1 }, (_, i) => i + 2);
      if (vs.join() !== expected.join()) bad++;
    }
    const missing = acks.filter((a) => !keys.has(`${a.taskId}@${a.version}:task.${a.type}`)).length;
    const ok = chain.ok && bad === 0 && missing === 0;
    return { ok, detail: `chain ${chain.ok ? "verifies" : "BROKEN"} (${chain.count} records), ${missing} acknowledged moves missing, ${bad} tasks with lost/doubled versions, ${acks.length} acks checked` };
  } finally {
    await handle.close();
  }
}

export async function transitionsBench(opts: TransitionOptions): Promise<TransitionResult> {
  const section = `transitions/${opts.dialect}`;
  const dir = tempDir(`tx-${opts.dialect}`);
  const filesDir = join(dir, "files");
  const pgDb = opts.dialect === "postgres" ? await pgTempDatabase(opts.serverUrl as string) : null;
  const databaseUrl = pgDb ? pgDb.url : join(dir, "app.db");
  const result: TransitionResult = { ratePerClients: {}, raw: NaN };
  try {
    // Seed the demo data in this process, then serve from a child process of its own: the load
    // clients below (fetch) would otherwise share the server's one thread and be counted as its cost.
    const seeded = await openApp({ databaseUrl, config: testConfig({ filesDir }), logger: createLogger("silent"), demoData: true, sqliteSynchronous: "FULL" });
    await seeded.close();
    const server = await startChild(databaseUrl, filesDir, ["--bench-routes"]);
    const baseUrl = server.baseUrl;

    // One login per client and role (scrypt: a few at a time).
    const maxClients = Math.max(...opts.clientCounts);
    const workers: Worker[] = [];
    const t0 = performance.now();
    await inBatches([...Array(maxClients).keys()], 4, async (i) => {
      const [liaison, office] = await Promise.all([login(baseUrl, LIAISONS[i % LIAISONS.length] as string), login(baseUrl, "office")]);
      workers[i] = { liaison, office, tasks: [] };
    });
    const loginSeconds = (performance.now() - t0) / 1000;

    // Tasks: one plan per liaison unit, TASKS_PER_CLIENT tasks for each client of that unit, signed.
    const office = workers[0]?.office as Client;
    for (let u = 0; u < LIAISONS.length; u++) {
      const mine = workers.filter((_, i) => i % LIAISONS.length === u);
      if (mine.length === 0) continue;
      const unitId = mine[0]?.liaison.unitId as string;
      const plan = await office.mutate<{ id: string }>("plan.create", {
        title: `基准测试方案 ${u}`,
        phases: [],
        tasks: Array.from({ length: mine.length * TASKS_PER_CLIENT }, (_, i) => ({ path: [String(i + 1)], text: `基准任务 ${i + 1}`, leadUnitId: unitId, coUnitIds: [], dueDate: "2027-06-30" })),
      });
      const page = await office.query<{ items: TaskState[] }>("task.list", { planId: plan.id, limit: 500 });
      page.items.forEach((t, i) => mine[i % mine.length]?.tasks.push({ id: t.id, version: t.version, stage: t.stage, status: t.status }));
    }
    const allTasks = workers.flatMap((w) => w.tasks);
    await inBatches(workers, 16, async (w) => {
      for (const t of w.tasks) Object.assign(t, await w.liaison.mutate<TaskState>("task.transition", { taskId: t.id, expectedVersion: t.version, event: { type: "SIGN" } }));
    });
    process.stdout.write(`  ${section}: ${maxClients} clients signed in (${(maxClients * 2)} logins, ${loginSeconds.toFixed(1)} s), ${allTasks.length} tasks\n`);

    const acks: Ack[] = [];
    for (const n of opts.clientCounts) {
      const subset = workers.slice(0, n);
      await runLoad(subset, opts.warmupMs, acks, null);
      const latencies: number[] = [];
      const stopProfile = await server.profile(`${opts.dialect}-${n}clients-server`);
      const commitsBefore = await groupCommitStats(server.baseUrl);
      const r = await runLoad(subset, opts.durationMs, acks, latencies);
      const commitsAfter = await groupCommitStats(server.baseUrl);
      await stopProfile();
      const commits = commitsAfter.commits - commitsBefore.commits;
      record({ section, metric: `transitions per durable commit (group commit), ${n} clients`, value: (commitsAfter.units - commitsBefore.units) / commits, unit: "", note: `${commits} commits, largest batch so far ${commitsAfter.largestBatch}` });
      const rate = r.ok / r.seconds;
      result.ratePerClients[n] = rate;
      const s = summarize(latencies);
      record({ section, metric: `HTTP durable transitions/s, ${n} clients`, value: rate, unit: "/s", note: `${r.ok} ok, ${r.errors} conflicts in ${r.seconds.toFixed(1)} s` });
      record({ section, metric: `latency p50, ${n} clients`, value: s.p50, unit: "ms" });
      record({ section, metric: `latency p99, ${n} clients`, value: s.p99, unit: "ms", ...(n === 64 && opts.dialect === "sqlite" ? { target: "≤ 100 ms", pass: s.p99 <= 100 } : {}) });
    }
    {
      // The request path alone: a signed-in auth.me (cookie → session, tRPC, JSON answer), no task
      // work — what any request costs before its own work — against its floor: a bare node:http
      // hello-world measured by the same load tool (autocannon, 64 connections) in the same run.
      // The floor is measured before and after (the mean is the reference: load from other work on
      // the machine drifts), and each server gets a short warm-up first (steady state, not the JIT).
      // Also measured: tRPC alone on the same path (a constant answer through the app's tRPC
      // handler), the ceiling any procedure served by tRPC can reach here.
      const n = Math.max(...opts.clientCounts);
      const ms = opts.durationMs / 2;
      const warm = { connections: n, durationMs: Math.max(500, ms / 4) };
      const floorServer = await startChild("--floor", "-");
      const trpcServer = await startChild("--trpc-floor", "-");
      await cannon(floorServer.baseUrl, warm);
      const floorBefore = await cannon(floorServer.baseUrl, { connections: n, durationMs: ms });
      await cannon(`${trpcServer.baseUrl}/trpc/auth.me`, warm);
      const trpcOnly = await cannon(`${trpcServer.baseUrl}/trpc/auth.me`, { connections: n, durationMs: ms });
      await trpcServer.stop();
      await cannon(`${baseUrl}/trpc/auth.me`, { ...warm, headers: { cookie: office.cookie } });
      const stopProfile = await server.profile(`${opts.dialect}-authme-server`);
      const me = await cannon(`${baseUrl}/trpc/auth.me`, { connections: n, durationMs: ms, headers: { cookie: office.cookie } });
      await stopProfile();
      const floorAfter = await cannon(floorServer.baseUrl, { connections: n, durationMs: ms });
      await floorServer.stop();
      const floor = (floorBefore.rate + floorAfter.rate) / 2;
      const ratio = me.rate / floor;
      result.authMe = me.rate;
      record({ section, metric: `floor: bare node:http hello-world, requests/s, ${n} connections (autocannon)`, value: floor, unit: "/s", note: `mean of ${floorBefore.rate.toFixed(0)} before and ${floorAfter.rate.toFixed(0)} after, p99 ${floorBefore.p99}/${floorAfter.p99} ms` });
      record({ section, metric: `tRPC alone: a constant answer through the app's tRPC handler, requests/s, ${n} connections`, value: trpcOnly.rate, unit: "/s", note: `${(trpcOnly.rate / floor).toFixed(2)}× the floor: the ceiling for any tRPC procedure here; p99 ${trpcOnly.p99} ms, ${trpcOnly.non2xx} non-2xx` });
      record({ section, metric: `signed-in auth.me requests/s, ${n} connections (autocannon)`, value: me.rate, unit: "/s", note: `p99 ${me.p99} ms, ${me.non2xx} non-2xx, ${me.errors} errors; ${(me.rate / trpcOnly.rate).toFixed(2)}× tRPC alone` });
      record({ section, metric: "signed-in auth.me / floor", value: ratio, unit: "×", target: "≥ 0.25×", pass: ratio >= 0.25 && me.non2xx === 0 });
    }
    {
      // A refused sign-in (issue 17): one address floods a wrong password. The first failures pay
      // for scrypt; once the address is locked the limiter answers from memory, no query, no hash.
      // Signed-in users are served alongside: their auth.me latency under the flood is the cost.
      const ms = opts.durationMs / 2;
      // Before the block: each wrong password costs a user lookup and scrypt (timed one at a time).
      const singles: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const r = await fetch(`${baseUrl}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "mzj", password: `wrong-${i}` }) });
        await r.text();
        singles.push(performance.now() - started);
      }
      record({ section, metric: "a refused sign-in before the address is blocked (wrong password: lookup + scrypt), median", value: summarize(singles).p50, unit: "ms" });
      // Fail on until the address is blocked (the server's limit: 20 failures a minute), then flood.
      for (let i = 0; i < 100; i++) {
        const r = await fetch(`${baseUrl}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "mzj", password: "wrong" }) });
        await r.text();
        if (r.status === 429) break;
      }
      const [flood, others] = await Promise.all([
        cannon(`${baseUrl}/trpc/auth.login`, {
          connections: 32,
          durationMs: ms,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "mzj", password: "wrong-password" }),
        }),
        cannon(`${baseUrl}/trpc/auth.me`, { connections: 4, durationMs: ms, headers: { cookie: office.cookie } }),
      ]);
      const refused = flood.non2xx / (ms / 1000);
      record({ section, metric: "refused sign-ins/s, one address flooding a wrong password, 32 connections (address blocked: answered from memory)", value: refused, unit: "/s", note: `p99 ${flood.p99} ms, ${flood.rate.toFixed(0)}/s accepted (must be 0), ${flood.errors} errors` });
      record({ section, metric: "server time per refused sign-in at saturation (1 s ÷ rate)", value: refused > 0 ? 1_000_000 / refused : 0, unit: "µs" });
      record({ section, metric: "signed-in auth.me p99 during the flood, 4 connections", value: others.p99, unit: "ms", target: "≤ 100 ms", pass: others.p99 <= 100 && flood.rate === 0 });
    }
    await server.stop();

    if (opts.dialect === "sqlite") {
      // Reference, not durable: the same load with synchronous=NORMAL (WAL: no fsync per commit),
      // to separate the cost of the fsync from the CPU work of a transition.
      const refServer = await startChild(databaseUrl, filesDir, [], { BENCH_SQLITE_SYNCHRONOUS: "NORMAL" });
      const refBase = refServer.baseUrl;
      const n = Math.max(...opts.clientCounts);
      const moved: Worker[] = workers.slice(0, n).map((w) => ({
        liaison: clientFor(refBase, w.liaison.cookie, w.liaison.unitId),
        office: clientFor(refBase, w.office.cookie, w.office.unitId),
        tasks: w.tasks,
      }));
      await runLoad(moved, opts.warmupMs, acks, null);
      const latencies: number[] = [];
      const r = await runLoad(moved, opts.durationMs, acks, latencies);
      record({ section, metric: `reference, NOT durable (synchronous=NORMAL): transitions/s, ${n} clients`, value: r.ok / r.seconds, unit: "/s", note: `p99 ${summarize(latencies).p99.toFixed(0)} ms` });
      await refServer.stop();
    }

    if (opts.dialect === "postgres") {
      // Two API processes serving one database; clients alternate between them.
      const children = [await startChild(databaseUrl, filesDir, ["--bench-routes"]), await startChild(databaseUrl, filesDir, ["--bench-routes"])];
      try {
        const n = Math.max(...opts.clientCounts);
        const moved: Worker[] = workers.slice(0, n).map((w, i) => {
          const base = (children[i % 2] as { baseUrl: string }).baseUrl;
          return { liaison: clientFor(base, w.liaison.cookie, w.liaison.unitId), office: clientFor(base, w.office.cookie, w.office.unitId), tasks: w.tasks };
        });
        await runLoad(moved, opts.warmupMs, acks, null);
        const before = await Promise.all(children.map((c) => groupCommitStats(c.baseUrl)));
        const latencies: number[] = [];
        const r = await runLoad(moved, opts.durationMs, acks, latencies);
        const after = await Promise.all(children.map((c) => groupCommitStats(c.baseUrl)));
        const s = summarize(latencies);
        const rate = r.ok / r.seconds;
        const one = result.ratePerClients[n] ?? NaN;
        record({ section, metric: `HTTP durable transitions/s, 2 API processes, ${n} clients`, value: rate, unit: "/s", note: `${r.ok} ok, ${r.errors} conflicts` });
        record({ section, metric: `latency p99, 2 API processes, ${n} clients`, value: s.p99, unit: "ms" });
        record({ section, metric: "2 API processes / 1 process (same run)", value: rate / one, unit: "×", target: "≥ 1.0×", pass: rate / one >= 1 });
        // The serial section: the audit head held (the batch's records chained + COMMIT), per move.
        const held = after.reduce((t, a, i) => t + a.headHeldMs - (before[i]?.headHeldMs ?? 0), 0);
        const units = after.reduce((t, a, i) => t + a.units - (before[i]?.units ?? 0), 0);
        const serialMs = held / units;
        result.serialMsPerMove = serialMs;
        record({ section, metric: "serial section per move (audit head held: chaining + COMMIT, per move), 2 processes", value: serialMs * 1000, unit: "µs", note: `ceiling ${(1000 / serialMs).toFixed(0)} moves/s whatever the number of processes` });
      } finally {
        for (const c of children) await c.stop();
      }
    }

    const check = await checkAcks(databaseUrl, allTasks, acks);
    record({ section, metric: "no acknowledged move lost or doubled, chain verifies", value: check.ok ? 1 : 0, unit: "", target: "= 1", pass: check.ok, note: check.detail });

    result.raw = opts.dialect === "sqlite" ? rawSqlite(databaseUrl, allTasks.map((t) => t.id), 3000) : await rawPostgres(databaseUrl, allTasks.map((t) => t.id), 3000);
    record({ section, metric: "raw single-row durable commits/s (same rows, one UPDATE per transaction)", value: result.raw, unit: "/s", note: opts.dialect === "sqlite" ? "better-sqlite3, WAL, synchronous=FULL" : "pg, one connection, autocommit" });
    for (const n of opts.clientCounts) {
      const ratio = (result.ratePerClients[n] ?? NaN) / result.raw;
      record({ section, metric: `HTTP / raw, ${n} clients`, value: ratio, unit: "×", ...(n === 64 ? { target: "≥ 1.0×", pass: ratio >= 1 } : {}) });
    }
    return result;
  } finally {
    await pgDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawSqlite(file: string, ids: string[], ms: number): number {
  const db = openDurableSqlite(file);
  const begin = db.prepare("begin immediate");
  const update = db.prepare("update tasks set updated_at = ? where id = ?");
  const commit = db.prepare("commit");
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    begin.run();
    update.run(new Date().toISOString(), ids[n % ids.length]);
    commit.run();
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

async function rawPostgres(url: string, ids: string[], ms: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    await c.query({ name: "u", text: "update tasks set updated_at = $1 where id = $2", values: [new Date().toISOString(), ids[n % ids.length]] });
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  await c.end();
  return rate;
}
