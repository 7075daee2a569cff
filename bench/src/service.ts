// The transition service without HTTP: `task.transition` called through tRPC's createCaller (input
// validation, session user, role/unit/state checks, lifecycle decision, versioned update, business
// rows, audit record, group commit) on the same kind of SQLite file (WAL, synchronous=FULL), by
// `movers` concurrent callers. Beside the HTTP figure it shows what the request path itself costs.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createLogger, openApp, signIn, testConfig, type Caller } from "@duban/api";
import { groupCommitterOf } from "@duban/db";
import { nextMove, record, startProfile, tempDir } from "./common";

type Event = Parameters<Caller["task"]["transition"]>[0]["event"];

export async function serviceBench(opts: { movers: number; durationMs: number; warmupMs: number }): Promise<number> {
  const section = "transitions/sqlite";
  const dir = tempDir("service");
  const app = await openApp({ databaseUrl: join(dir, "app.db"), config: testConfig({ filesDir: join(dir, "files") }), logger: createLogger("silent"), demoData: true, sqliteSynchronous: "FULL", sqliteCheckpoints: "background" });
  try {
    const office = (await signIn(app.inner, "office")).caller;
    const liaison = (await signIn(app.inner, "mzj")).caller;
    const unitId = (await liaison.auth.me())?.unitId as string;
    const plan = await office.plan.create({
      title: "基准测试方案（服务层）",
      phases: [],
      tasks: Array.from({ length: opts.movers * 4 }, (_, i) => ({ path: [String(i + 1)], text: `基准任务 ${i + 1}`, leadUnitId: unitId, coUnitIds: [], dueDate: "2027-06-30" })),
    });
    const tasks = (await office.task.list({ planId: plan.id, limit: 500 })).items.map((t) => ({ id: t.id, version: t.version, stage: t.stage as string, status: t.status }));
    for (const t of tasks) Object.assign(t, await liaison.task.transition({ taskId: t.id, expectedVersion: t.version, event: { type: "SIGN" } }));

    const run = async (ms: number) => {
      let ok = 0;
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: opts.movers }, async (_, w) => {
          const mine = tasks.filter((_, j) => j % opts.movers === w);
          for (let k = 0; performance.now() < until; k++) {
            const t = mine[k % mine.length] as (typeof tasks)[number];
            const { who, event } = nextMove(t.stage, t.status);
            Object.assign(t, await (who === "office" ? office : liaison).task.transition({ taskId: t.id, expectedVersion: t.version, event: event as Event }));
            ok++;
          }
        }),
      );
      return ok;
    };
    await run(opts.warmupMs);
    const stats = groupCommitterOf(app.inner.db).stats;
    const commitsBefore = stats.commits;
    const stopProfile = await startProfile();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ok = await run(opts.durationMs);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await stopProfile(`sqlite-service-${opts.movers}movers`);
    const rate = ok / seconds;
    record({
      section,
      metric: `in-process service (createCaller, no HTTP) durable transitions/s, ${opts.movers} movers`,
      value: rate,
      unit: "/s",
      note: `${ok} ok; ${((cpu.user + cpu.system) / ok).toFixed(0)} µs CPU each; ${(ok / (stats.commits - commitsBefore)).toFixed(1)} per commit`,
    });
    return rate;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
