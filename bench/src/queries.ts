// Task list and dashboard queries at 10k / 100k (/ 1M with --full) tasks in three levels (层层分解:
// half of each plan's tasks are its own, a third are parts split by the lead unit for its sections,
// a sixth are parts of those for the sections' sub-units). Rows are generated
// directly with bulk inserts (generate.ts: valid snapshots from the lifecycle package, every task's
// history — ≥ 10 audit records in one hash chain, progress reports, submissions…), not through
// the API. The API runs in a child process;
// task.list and the dashboard page's own procedures (`supervision.dashboard`, `supervision.stats`,
// one plan = the page's default, and all plans; the first call separately, then all plans again
// with a write to another plan before each call) are timed over HTTP as the office; the counter
// queries of packages/db stats (not what the page calls) through a bench-only route of that child.
// The server process's RSS is sampled while it serves them (max per phase and overall). The bulk load goes through the counter
// triggers (migration 0400) like any other write; afterwards the counters are checked against a
// recount of the base tables, and the SQLite plan of every dashboard query is recorded.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { countTasksByPlan, countTasksByStage, countTasksByUnit, createDatabase, listAudit, type AuditFilters, type Database, type DbOrTrx } from "@duban/db";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, type CompiledQuery } from "kysely";
import { login, mb, record, sleep, startChild, startProfile, summarize, type Client } from "./common";
import { generate, PLAN_SIZE, VARIANT_HANDLE_CO, VARIANT_UNSIGNED, VARIANTS } from "./generate";


type DashboardCall = [name: string, params: string, run: (db: Kysely<Database>) => Promise<unknown>];

/** The dashboard counts the bench times: over HTTP with `params` (bench route of the child), or directly with `run`. */
function dashboardCalls(unit: string, planId: string, today: string): DashboardCall[] {
  return [
    ["counter query: by stage (all)", "q=stage", (db) => countTasksByStage(db)],
    ["counter query: by stage (one unit)", `q=stage&unitId=${encodeURIComponent(unit)}`, (db) => countTasksByStage(db, { unitId: unit })],
    ["counter query: by unit × relation × stage + overdue", `q=unit&today=${today}`, (db) => countTasksByUnit(db, { today })],
    ["counter query: by plan × stage", "q=plan", (db) => countTasksByPlan(db)],
    ["counter query: by stage (one plan)", `q=stage&planId=${encodeURIComponent(planId)}`, (db) => countTasksByStage(db, { planId })],
    ["counter query: by stage (one plan, one unit)", `q=stage&planId=${encodeURIComponent(planId)}&unitId=${encodeURIComponent(unit)}`, (db) => countTasksByStage(db, { planId, unitId: unit })],
    ["counter query: by unit × relation × stage + overdue (one plan)", `q=unit&today=${today}&planId=${encodeURIComponent(planId)}`, (db) => countTasksByUnit(db, { planId, today })],
  ];
}

/** `EXPLAIN QUERY PLAN` of the SQL each dashboard call runs (captured through Kysely's query log). */
async function explainDashboard(file: string, calls: DashboardCall[]): Promise<Record<string, string>> {
  const sqlite = new SQLite(file, { readonly: true });
  const captured: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (e) => {
      if (e.level === "query") captured.push(e.query);
    },
  });
  const plans: Record<string, string> = {};
  try {
    for (const [name, , run] of calls) {
      captured.length = 0;
      await run(db);
      plans[name] = captured
        .map((q) => (sqlite.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail).join(" | "))
        .join(" ;; ");
    }
  } finally {
    await db.destroy();
  }
  return plans;
}

/** `EXPLAIN QUERY PLAN` of the log query behind each of the auditor's filters (listAudit, as audit.list calls it) and the task page's. */
async function explainHistory(file: string, midTask: string): Promise<Record<string, string>> {
  const sqlite = new SQLite(file, { readonly: true });
  const person = (sqlite.prepare("select id, unit_id from users where username = 'mzj'").get() as { id: string; unit_id: string });
  const shapes: [string, AuditFilters][] = [
    ["task.get: a task's log", { taskId: midTask, outcome: "ok", order: "asc", limit: 1000 }],
    ["audit.list newest", { limit: 100 }],
    ["audit.list one task", { taskId: midTask, limit: 100 }],
    ["audit.list one person", { actorUserId: person.id, limit: 100 }],
    ["audit.list one unit", { unitId: person.unit_id, limit: 100 }],
    ["audit.list one event", { action: "task.RETURN", limit: 100 }],
    ["audit.list refused", { outcome: "refused", limit: 100 }],
    ["audit.list one week", { from: "2026-06-01T00:00:00.000Z", to: "2026-06-08T00:00:00.000Z", limit: 100 }],
    ["audit.list one person + one month", { actorUserId: person.id, from: "2026-07-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z", limit: 100 }],
    ["audit.list one unit + one event", { unitId: person.unit_id, action: "task.SUBMIT", limit: 100 }],
  ];
  const captured: CompiledQuery[] = [];
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: (e) => void (e.level === "query" && captured.push(e.query)) });
  const plans: Record<string, string> = {};
  try {
    for (const [name, filters] of shapes) {
      captured.length = 0;
      await listAudit(db, filters);
      plans[name] = captured.map((q) => (sqlite.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail).join(" | ")).join(" ;; ");
    }
  } finally {
    await db.destroy();
  }
  return plans;
}

async function time(fn: () => Promise<unknown>, warmups: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export interface QueryRun {
  tasks: number;
  listP95Max: number;
  /** the counter queries of packages/db stats (not the page) */
  dashboardP95Max: number;
  /** the page's procedures (supervision.dashboard / supervision.stats, one plan and all plans) */
  pageP95Max: number;
  /** re-reading history: the task page (task.get) and the auditor's log page (audit.list, filters) */
  historyP95Max: number;
  /** audit.verify over HTTP (the auditor's button): the whole chain, best of the runs */
  verifySeconds: number;
  pageRssMaxMb: number;
  rssMaxMb: number;
  generateSeconds: number;
  auditRecords: number;
  counterCheckSeconds: number;
  /** SQLite query plan of each dashboard count and of the log query behind each history line */
  plans: Record<string, string>;
}

/** Times the queries on a generated database; `onDb` gets the open database afterwards (audit bench). */
export async function queriesBench(tasks: number, isTargetSize: boolean, onDb?: (db: DbOrTrx, auditRecords: number) => Promise<void>): Promise<QueryRun> {
  const label = tasks >= 1_000_000 ? `${tasks / 1_000_000}M` : `${tasks / 1000}k`;
  const section = `queries/${label}`;
  const gen = await generate(tasks);
  process.stdout.write(
    `  ${section}: generated ${tasks} tasks with their history — ${gen.auditRecords} audit records (${gen.perTaskMin}–${gen.perTaskMax} moves a task), ${gen.progressReports} progress reports, ${gen.submissions} submissions, ${gen.returns} returns, ${gen.ratings} rating votes, ${gen.rectificationItems} rectification items — in ${gen.generateSeconds.toFixed(1)} s, ${gen.cpuSeconds.toFixed(1)} s CPU (tasks ${gen.taskSeconds.toFixed(1)} s, history in time order ${gen.historySeconds.toFixed(1)} s, of which its indexes ${gen.indexSeconds.toFixed(1)} s; counter triggers included); counters equal a recount (checked in ${gen.counterCheckSeconds.toFixed(1)} s)\n`,
  );
  record({ section, metric: "generation: tasks + history (bulk inserts, bench process)", value: gen.generateSeconds, unit: "s", note: `${gen.cpuSeconds.toFixed(1)} s CPU; ${gen.auditRecords} audit records, ${gen.progressReports} progress reports, ${gen.submissions} submissions; tasks ${gen.taskSeconds.toFixed(1)} s, history ${gen.historySeconds.toFixed(1)} s` });
  const unit = gen.units[3] as string;
  const today = "2026-11-25";
  const midPlan = `bench-plan-${String(Math.floor(tasks / PLAN_SIZE / 2)).padStart(5, "0")}`;
  const calls = dashboardCalls(unit, midPlan, today);
  const plans = { ...(await explainDashboard(gen.file, calls)), ...(await explainHistory(gen.file, `bench-task-${String(Math.floor(tasks / 2)).padStart(8, "0")}`)) };
  for (const [name, plan] of Object.entries(plans)) process.stdout.write(`  ${section} · plan of ${name}: ${plan}\n`);
  const server = await startChild(gen.file, join(gen.dir, "files"), ["--bench-routes"]);
  const baseUrl = server.baseUrl;
  const rssOf = async () => ((await (await fetch(`${baseUrl}/bench/rss`)).json()) as { rss: number }).rss;
  const stats = async (params: string) => {
    const r = await fetch(`${baseUrl}/bench/stats?${params}`);
    if (r.status !== 200) throw new Error(await r.text());
    return r.json();
  };
  let rssMax = await rssOf();
  let phaseRss = rssMax;
  let sampling = true;
  let samplerErrors = 0;
  const rssNow = () => rssOf().catch(() => (samplerErrors++, 0));
  const sampler = (async () => {
    while (sampling) {
      // a sample may fail (a kept-alive socket the busy child closed): count it and go on
      const now = await rssNow();
      rssMax = Math.max(rssMax, now);
      phaseRss = Math.max(phaseRss, now);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const office = await login(baseUrl, "office");
    const liaison = await login(baseUrl, "mzj");
    const sectionLiaison = await login(baseUrl, "bench-section");
    const splitTask = `bench-task-${String(Math.floor(tasks / PLAN_SIZE / 2) * PLAN_SIZE).padStart(8, "0")}`; // midPlan's first task: 2 parts, 4 below them
    // The three levels are there as generated (else the lines below would time empty answers).
    const split = await office.query<{ task: { parts: { total: number } | null }; parts: unknown[] }>("task.get", { taskId: splitTask });
    const supervised = await liaison.query<{ items: unknown[] }>("task.todoItems", { tab: "supervising", limit: 50 });
    const sectionSigning = await sectionLiaison.query<{ items: unknown[] }>("task.todoItems", { tab: "signing", limit: 50 });
    if (split.parts.length !== 2 || split.task.parts?.total !== 2 || supervised.items.length === 0 || sectionSigning.items.length === 0) {
      throw new Error(`the generated tree is not what the bench times: ${split.parts.length} parts (roll-up ${JSON.stringify(split.task.parts)}), ${supervised.items.length} supervised, ${sectionSigning.items.length} to sign`);
    }
    const runs = tasks >= 1_000_000 ? 15 : 30;
    const first = await office.query<{ nextCursor: string | null }>("task.list", { limit: 100 });
    const lists: [string, () => Promise<unknown>][] = [
      ["task.list first page (office, 100)", () => office.query("task.list", { limit: 100 })],
      ["task.list next page by cursor", () => office.query("task.list", { limit: 100, cursor: first.nextCursor })],
      ["task.list stage=handle", () => office.query("task.list", { stage: ["handle"], limit: 100 })],
      ["task.list one plan, stage deploy", () => office.query("task.list", { planId: midPlan, stage: ["deploy"], limit: 100 })],
      ["task.list unit + overdue", () => office.query("task.list", { unitId: unit, overdue: true, limit: 100 })],
      ["task.list liaison (own unit)", () => liaison.query("task.list", { limit: 100 })],
      ["task.list text search", () => office.query("task.list", { text: "96项", limit: 100 })],
      // 层层分解: a plan's own tasks with each one's roll-up of the parts below it (all levels)
      ["task.list one plan's own tasks with the parts' roll-up", () => office.query("task.list", { planId: midPlan, topLevel: true, limit: 100 })],
      ["task.list a task's parts (drill-down)", () => office.query("task.list", { parentId: splitTask, limit: 100 })],
      ["task.get a split task (its parts and their roll-up)", () => office.query("task.get", { taskId: splitTask })],
      // 我的待办 of a unit that splits (its own tasks and the parts it supervises) and of a section below it
      ["task.todo, department liaison (tabs with counts)", () => liaison.query("task.todo", null)],
      ["task.todoItems 督办的子任务, department liaison", () => liaison.query("task.todoItems", { tab: "supervising", limit: 50 })],
      ["task.todo, section liaison (tabs with counts)", () => sectionLiaison.query("task.todo", null)],
      ["task.todoItems 待签收, section liaison", () => sectionLiaison.query("task.todoItems", { tab: "signing", limit: 50 })],
      // the plans page, and the dashboard page's plan picker (first call of that page)
      ["plan.list (every plan with its stage and overdue counts)", () => office.query("plan.list", null)],
    ];
    const dashboards: [string, () => Promise<unknown>][] = calls.map(([name, params]) => [name, () => stats(params)]);
    let listP95Max = 0;
    let dashboardP95Max = 0;
    for (const [name, fn] of lists) {
      const stopProfile = await startProfile();
      const s = summarize(await time(fn, 3, runs));
      await stopProfile(`list-${label}-${name.replace(/[^a-z0-9]+/gi, "_")}`);
      listP95Max = Math.max(listP95Max, s.p95);
      record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms`, ...(isTargetSize ? { target: "≤ 50 ms", pass: s.p95 <= 50 } : {}) });
    }
    for (const [name, fn] of dashboards) {
      const stopProfile = await startProfile();
      const s = summarize(await time(fn, 2, Math.max(5, Math.floor(runs / 2))));
      await stopProfile(`dashboard-${label}-${name.replace(/[^a-z0-9]+/gi, "_")}`);
      dashboardP95Max = Math.max(dashboardP95Max, s.p95);
      // Counter queries of packages/db, not what the dashboard page calls: no target of their own.
      record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms; not the page` });
    }
    // The page's own procedures, as the web app calls them: one plan (its default) and all plans.
    const pages: [string, () => Promise<unknown>, number][] = [
      ["page: supervision.dashboard (one plan)", () => office.query("supervision.dashboard", { planId: midPlan }), runs],
      ["page: supervision.stats (one plan)", () => office.query("supervision.stats", { planId: midPlan }), runs],
      ["page: supervision.dashboard (all plans)", () => office.query("supervision.dashboard", {}), Math.max(5, Math.floor(runs / 3))],
      ["page: supervision.stats (all plans)", () => office.query("supervision.stats", {}), Math.max(5, Math.floor(runs / 3))],
    ];
    let pageP95Max = 0;
    let pageRssMax = 0;
    for (const [name, fn, n] of pages) {
      const stopProfile = await startProfile();
      phaseRss = await rssNow();
      const coldStart = performance.now();
      let samples: number[];
      let cold: number;
      try {
        await fn();
        cold = performance.now() - coldStart;
        samples = await time(fn, 1, n);
      } catch (error) {
        // e.g. the server ran out of memory: record the failure, go on with the rest
        record({ section, metric: `${name} FAILED`, value: NaN, unit: "", note: String(error).slice(0, 200), target: "≤ 200 ms", pass: false });
        pageP95Max = Infinity;
        continue;
      } finally {
        await stopProfile(`page-${label}-${name.replace(/[^a-z0-9]+/gi, "_")}`);
      }
      phaseRss = Math.max(phaseRss, await rssNow());
      const s = summarize(samples);
      pageP95Max = Math.max(pageP95Max, s.p95);
      pageRssMax = Math.max(pageRssMax, phaseRss);
      record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms, first call ${cold.toFixed(0)} ms, ${n} runs, server RSS max ${mb(phaseRss).toFixed(0)} MB${isTargetSize ? "" : "; target applies at 1M"}`, target: "≤ 200 ms", pass: s.p95 <= 200 });
    }
    // The same with a write between calls: before each timed call the office urges one task of
    // another plan (task.URGE through task.transition — untimed), so each call recomputes that plan.
    const plansCount = Math.ceil(tasks / PLAN_SIZE);
    let writes = 0;
    const urgeOne = async () => {
      const i = (writes++ * 7919 + 13) % plansCount; // a different plan each time
      const k = i * PLAN_SIZE + 6 * (writes % 80); // among the plan's own tasks (the first half)
      // variant 0: open (deploy, signing; or drafting when it has parts), never a closed one
      const taskId = `bench-task-${String(k + ((VARIANTS - (k % VARIANTS)) % VARIANTS) + VARIANT_UNSIGNED).padStart(8, "0")}`;
      const t = await office.query<{ task: { version: number } }>("task.get", { taskId });
      await office.mutate("task.transition", { taskId, expectedVersion: t.task.version, event: { type: "URGE", text: "请加快办理进度。" } });
    };
    for (const [name, path] of [
      ["page: supervision.dashboard (all plans) after a write to one plan", "supervision.dashboard"],
      ["page: supervision.stats (all plans) after a write to one plan", "supervision.stats"],
    ] as const) {
      const n = Math.max(5, Math.floor(runs / 3));
      phaseRss = await rssNow();
      const samples: number[] = [];
      try {
        for (let i = 0; i < n + 1; i++) {
          await urgeOne();
          const t0 = performance.now();
          await office.query(path, {});
          if (i > 0) samples.push(performance.now() - t0);
        }
      } catch (error) {
        record({ section, metric: `${name} FAILED`, value: NaN, unit: "", note: String(error).slice(0, 200), target: "≤ 200 ms", pass: false });
        pageP95Max = Infinity;
        continue;
      }
      phaseRss = Math.max(phaseRss, await rssNow());
      const s = summarize(samples);
      pageP95Max = Math.max(pageP95Max, s.p95);
      pageRssMax = Math.max(pageRssMax, phaseRss);
      record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms, ${n} runs, server RSS max ${mb(phaseRss).toFixed(0)} MB${isTargetSize ? "" : "; target applies at 1M"}`, target: "≤ 200 ms", pass: s.p95 <= 200 });
    }
    // Re-reading history at this size: the task page (task.get: its log, progress reports and
    // submissions) on a different task each call, spread over the whole database (its records are
    // spread over the log, as a live system writes them), and the auditor's page (audit.list with
    // the filters the page offers, its task search and filter lists), then the chain verification
    // the auditor starts (audit.verify: the whole log). After the dashboard phases, since the
    // verification appends a record of its own.
    const history = await historyBench({ baseUrl, tasks, units: gen.units, section, runs, isTargetSize, office, liaison });
    const historyP95Max = history.p95Max;
    const verifySeconds = history.verifySeconds;
    // The daily deadline job over every open task (each page of 500 one short transaction), in a
    // process of its own as the scheduler first runs it after a start (before the dashboard's
    // warm-up): its RSS is the job's, not that of the dashboard parts the server above has cached.
    {
      const jobServer = await startChild(gen.file, join(gen.dir, "files"), ["--bench-routes"]);
      const jobRss = async () => ((await (await fetch(`${jobServer.baseUrl}/bench/rss`)).json()) as { rss: number }).rss;
      let jobRssMax = await jobRss();
      let running = true;
      const jobSampler = (async () => {
        while (running) {
          jobRssMax = Math.max(jobRssMax, await jobRss().catch(() => 0));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      try {
        const r = await fetch(`${jobServer.baseUrl}/bench/daily-job?day=${today}`);
        if (r.status !== 200) throw new Error(`daily job: ${await r.text()}`);
        const job = (await r.json()) as { ran: boolean; ms: number; longestTransactionMs: number; notifications: number; warnings: Record<string, number> };
        running = false;
        await jobSampler;
        jobRssMax = Math.max(jobRssMax, await jobRss());
        const note = `${(job.ms / 1000).toFixed(1)} s in all, ${job.notifications} notifications (${JSON.stringify(job.warnings)}), job process RSS max ${mb(jobRssMax).toFixed(0)} MB`;
        record({ section, metric: "daily job: longest transaction", value: job.longestTransactionMs, unit: "ms", note, ...(isTargetSize ? { target: "≤ 1000 ms", pass: job.ran && job.longestTransactionMs <= 1000 } : {}) });
        record({ section, metric: "daily job: RSS of its process (max sampled)", value: mb(jobRssMax), unit: "MB", ...(isTargetSize ? { target: "≤ 512 MB", pass: mb(jobRssMax) <= 512 } : {}) });
      } finally {
        running = false;
        await jobSampler;
        await jobServer.stop();
      }
    }
    rssMax = Math.max(rssMax, await rssNow());
    record({ section, metric: "server RSS while serving (max sampled, API child process)", value: mb(rssMax), unit: "MB", target: "< 512 MB", pass: mb(rssMax) < 512, ...(samplerErrors > 0 ? { note: `${samplerErrors} samples failed` } : {}) });
    sampling = false;
    await sampler;
    await server.stop();
    if (onDb) {
      const handle = createDatabase({ url: gen.file });
      try {
        await onDb(handle.db, gen.auditRecords);
      } finally {
        await handle.close();
      }
    }
    return { tasks, listP95Max, dashboardP95Max, pageP95Max, historyP95Max, verifySeconds, pageRssMaxMb: mb(pageRssMax), rssMaxMb: mb(rssMax), generateSeconds: gen.generateSeconds, auditRecords: gen.auditRecords, counterCheckSeconds: gen.counterCheckSeconds, plans };
  } finally {
    sampling = false;
    await server.stop();
    rmSync(gen.dir, { recursive: true, force: true });
  }
}

interface HistoryBenchInput {
  baseUrl: string;
  tasks: number;
  /** the departments, in the generator's order (a plan's own task i is led by units[i % length]) */
  units: string[];
  section: string;
  runs: number;
  isTargetSize: boolean;
  office: Client;
  liaison: Client;
}

/** A deterministic stream of task indexes spread over the whole database. */
function spread(tasks: number, seed: number, accept: (i: number) => number | null): () => number {
  let x = seed >>> 0;
  return () => {
    for (;;) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      const i = accept(Math.floor((x / 2 ** 32) * tasks));
      if (i !== null && i >= 0 && i < tasks) return i;
    }
  };
}

interface TaskPage {
  task: { id: string; stage: string };
  history: unknown[];
  progressReports: unknown[];
  submissions: unknown[];
}

interface AuditPageOut {
  items: { seq: number; actorUserId: string | null; outcome: string }[];
  nextCursor: number | null;
}

/** The task page and the auditor's page over the generated history, then the chain verification. */
async function historyBench(o: HistoryBenchInput): Promise<{ p95Max: number; verifySeconds: number }> {
  const { section, runs, isTargetSize, office, liaison, tasks } = o;
  const auditor = await login(o.baseUrl, "auditor");
  const target = (p95: number) => (isTargetSize ? { target: "≤ 50 ms", pass: p95 <= 50 } : {});
  let p95Max = 0;
  const timeLine = async (name: string, fn: () => Promise<unknown>, note = "") => {
    const stopProfile = await startProfile();
    const s = summarize(await time(fn, 3, runs));
    await stopProfile(`history-${section.replace(/\W+/g, "_")}-${name.replace(/[^a-z0-9]+/gi, "_")}`);
    p95Max = Math.max(p95Max, s.p95);
    record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms${note}`, ...target(s.p95) });
  };
  const ownTaskOf = (i: number) => (i % PLAN_SIZE < PLAN_SIZE / 2 ? i : null);
  const anyTask = spread(tasks, 1, (i) => i);
  const liaisonUnit = o.units.indexOf(liaison.unitId ?? "");
  const liaisonTask = spread(tasks, 2, (i) => ownTaskOf(i - (i % o.units.length) + liaisonUnit));
  // a plan's own task in 办理 with a co-unit: variant 3 of the generator (i % 12 = 3, so i % 3 = 0)
  const handleTask = spread(tasks, 3, (i) => ownTaskOf(i - (i % VARIANTS) + VARIANT_HANDLE_CO));
  const id = (i: number) => `bench-task-${String(i).padStart(8, "0")}`;

  // What the page shows is there (else the lines below would time empty answers).
  const sample = await office.query<TaskPage>("task.get", { taskId: id(handleTask()) });
  if (sample.history.length < 10 || sample.progressReports.length < 3 || sample.submissions.length < 2) {
    throw new Error(`task ${sample.task.id} shows ${sample.history.length} history records, ${sample.progressReports.length} progress reports, ${sample.submissions.length} submissions`);
  }
  const shown = `; this task type shows ${sample.history.length} history records, ${sample.progressReports.length} progress reports, ${sample.submissions.length} submissions`;
  await timeLine("history: task.get (task page with its log), office, a different task each call", () => office.query("task.get", { taskId: id(anyTask()) }));
  await timeLine("history: task.get, liaison of the lead unit, a different own task each call", () => liaison.query("task.get", { taskId: id(liaisonTask()) }));
  await timeLine("history: task.get of a task in 办理 with a co-unit, office", () => office.query("task.get", { taskId: id(handleTask()) }), shown);

  // The auditor's page: the newest records, then every filter it offers (audit/components/Filters.tsx).
  const options = await auditor.query<{ people: { id: string; username: string }[]; units: { id: string }[] }>("audit.filterOptions", null);
  const person = options.people.find((p) => p.username === "mzj")?.id;
  if (person === undefined || liaison.unitId === null) throw new Error("no mzj liaison among the auditor's people");
  const firstPage = await auditor.query<AuditPageOut>("audit.list", { limit: 100 });
  const refused = await auditor.query<AuditPageOut>("audit.list", { outcome: "refused", limit: 100 });
  const byPerson = await auditor.query<AuditPageOut>("audit.list", { actorUserId: person, limit: 100 });
  if (firstPage.items.length !== 100 || refused.items.length === 0 || byPerson.items.length === 0) {
    throw new Error(`audit.list: ${firstPage.items.length} newest, ${refused.items.length} refused, ${byPerson.items.length} of one person`);
  }
  const week = { from: "2026-06-01T00:00:00.000Z", to: "2026-06-08T00:00:00.000Z" };
  const month = { from: "2026-07-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z" };
  const auditTask = spread(tasks, 4, (i) => i);
  const lines: [string, () => Promise<unknown>][] = [
    ["audit.list newest 100 (auditor's page)", () => auditor.query("audit.list", { limit: 100 })],
    ["audit.list next page by cursor", () => auditor.query("audit.list", { limit: 100, cursor: firstPage.nextCursor })],
    ["audit.list one task (a different task each call)", () => auditor.query("audit.list", { taskId: id(auditTask()), limit: 100 })],
    ["audit.list one person (a department liaison)", () => auditor.query("audit.list", { actorUserId: person, limit: 100 })],
    ["audit.list one unit", () => auditor.query("audit.list", { unitId: liaison.unitId, limit: 100 })],
    ["audit.list one event (退回 task.RETURN)", () => auditor.query("audit.list", { action: "task.RETURN", limit: 100 })],
    ["audit.list refused only", () => auditor.query("audit.list", { outcome: "refused", limit: 100 })],
    ["audit.list one week (from / to)", () => auditor.query("audit.list", { ...week, limit: 100 })],
    ["audit.list one person + one month", () => auditor.query("audit.list", { actorUserId: person, ...month, limit: 100 })],
    ["audit.list one unit + one event (提交 task.SUBMIT)", () => auditor.query("audit.list", { unitId: liaison.unitId, action: "task.SUBMIT", limit: 100 })],
    ["audit.findTasks (the task filter's search)", () => auditor.query("audit.findTasks", { q: "96项" })],
    ["audit.filterOptions (people, units, events)", () => auditor.query("audit.filterOptions", null)],
  ];
  for (const [name, fn] of lines) await timeLine(`history: ${name}`, fn);

  // The auditor's verification of the whole chain (audit.verify, over HTTP): twice, the second with
  // the office opening task pages meanwhile (the server answers between the verification's batches).
  const seconds: number[] = [];
  let count = 0;
  const during: number[] = [];
  for (let r = 0; r < 2; r++) {
    let verifying = true;
    const pages =
      r === 1
        ? (async () => {
            while (verifying) {
              const t0 = performance.now();
              await office.query("task.get", { taskId: id(anyTask()) });
              during.push(performance.now() - t0);
              await sleep(20);
            }
          })()
        : Promise.resolve();
    const t0 = performance.now();
    try {
      const v = await auditor.mutate<{ ok: boolean; count: number }>("audit.verify", null);
      if (!v.ok) throw new Error(`the chain does not verify: ${JSON.stringify(v)}`);
      count = v.count;
    } finally {
      seconds.push((performance.now() - t0) / 1000);
      verifying = false;
      await pages;
    }
  }
  const best = Math.min(...seconds);
  record({ section, metric: "history: audit.verify (the auditor's chain verification, whole log, over HTTP)", value: best, unit: "s", note: `${count} records verified, ${Math.round(count / best)} records/s; runs ${seconds.map((x) => x.toFixed(1)).join(" / ")} s` });
  const d = summarize(during);
  p95Max = Math.max(p95Max, d.p95);
  record({ section, metric: "history: task.get while the auditor verifies the chain p50 / p95", value: d.p95, unit: "ms (p95)", note: `p50 ${d.p50.toFixed(1)} ms, max ${d.max.toFixed(0)} ms, ${d.n} calls`, ...target(d.p95) });
  return { p95Max, verifySeconds: best };
}
