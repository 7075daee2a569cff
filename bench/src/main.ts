// pnpm bench: every section of issue 8 in one run; prints a table and writes bench/results/*.json.
// Flags: --full (adds 1M tasks to the query section), --only=a,b (sections: transitions, service, bpmn,
// queries, audit, import), --quick (short phases, for trying the harness).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { DbOrTrx } from "@duban/db";
import { BENCH_DIR, fmt, record, rows } from "./common";
import { auditBench } from "./audit";
import { bpmnBench } from "./bpmn";
import { engineBench } from "./engine";
import { planImportBench, xlsxImportBench } from "./plan-import";
import { queriesBench } from "./queries";
import { serviceBench } from "./service";
import { transitionsBench } from "./transitions";

const args = process.argv.slice(2);
const full = args.includes("--full");
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const want = (s: string) => only === undefined || only.includes(s);
const databaseUrl = process.env.DATABASE_URL;
const pgUrl = databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl) ? databaseUrl : undefined;

const started = Date.now();
const loadAtStart = loadavg()[0];
const durationMs = quick ? 2000 : 8000;
const warmupMs = quick ? 500 : 1500;
const results: Record<string, unknown> = {};

if (want("transitions")) {
  process.stdout.write("transitions (SQLite)\n");
  results.sqlite = await transitionsBench({ dialect: "sqlite", clientCounts: [16, 64], durationMs, warmupMs });
  if (pgUrl) {
    process.stdout.write("transitions (PostgreSQL)\n");
    results.postgres = await transitionsBench({ dialect: "postgres", serverUrl: pgUrl, clientCounts: [16, 64], durationMs, warmupMs });
  } else {
    process.stdout.write("transitions (PostgreSQL): skipped — set DATABASE_URL=postgres://… to run it\n");
  }
}

if (want("transitions") || want("service")) {
  process.stdout.write("transition service in-process (SQLite)\n");
  results.service = await serviceBench({ movers: 64, durationMs, warmupMs });
}

{
  // HTTP vs the same transition service in-process (no HTTP, no session): what the request path costs a move.
  const sqlite = results.sqlite as { ratePerClients: Record<number, number> } | undefined;
  const service = results.service as number | undefined;
  const http64 = sqlite?.ratePerClients[64];
  if (http64 !== undefined && service !== undefined) {
    record({ section: "transitions/sqlite", metric: "HTTP durable transitions (64 clients) / in-process service rate", value: http64 / service, unit: "×", target: "≥ 0.7×", pass: http64 / service >= 0.7 });
  }
}

if (want("bpmn")) {
  process.stdout.write("bpmn-engine peer\n");
  const bpmnRate = await bpmnBench({ concurrency: 16, durationMs });
  // Our lifecycle on the peer's terms (engine + state saved in SQLite, no HTTP): per step, and with
  // the group commit the server uses. The HTTP figure (full request, session, audit record) follows.
  const perStep = await engineBench({ concurrency: 16, durationMs, grouped: false });
  const grouped = await engineBench({ concurrency: 64, durationMs, grouped: true });
  results.bpmn = { bpmn: bpmnRate, enginePerStep: perStep, engineGrouped: grouped };
  record({ section: "bpmn-engine", metric: "@duban/workflow, one commit per step / bpmn-engine", value: perStep / bpmnRate, unit: "×" });
  record({ section: "bpmn-engine", metric: "@duban/workflow, group commit / bpmn-engine", value: grouped / bpmnRate, unit: "×", target: "≥ 25×", pass: grouped / bpmnRate >= 25 });
  const sqlite = results.sqlite as { ratePerClients: Record<number, number> } | undefined;
  if (sqlite) {
    const best = Math.max(...Object.values(sqlite.ratePerClients));
    record({ section: "bpmn-engine", metric: "whole API over HTTP (SQLite, best of 16/64 clients, incl. session + audit record) / bpmn-engine", value: best / bpmnRate, unit: "×" });
  }
}

if (want("queries") || want("audit")) {
  const sizes = quick ? [10_000] : full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  const largest = sizes[sizes.length - 1] as number;
  for (const n of sizes) {
    process.stdout.write(`queries at ${n} tasks\n`);
    // every size has every task's history (generate.ts): ≥ 10 records a task in one chain
    const onDb = n === 10_000 && want("audit") ? (db: DbOrTrx) => auditBench(db, "10k tasks with their history") : undefined;
    results[`queries${n}`] = await queriesBench(n, n === largest && n >= 1_000_000, onDb);
  }
}

if (want("import")) {
  process.stdout.write("plan import\n");
  results.planImport = planImportBench(quick ? 1000 : 3000);
  results.xlsxImport = await xlsxImportBench();
}

const machine = { loadAverage1m: { start: loadAtStart, end: loadavg()[0] }, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, cpu: cpus()[0]?.model };
const table = rows.map((r) => ({ section: r.section, metric: r.metric, value: `${fmt(r.value)} ${r.unit}`.trim(), target: r.target ?? "", result: r.target ? (r.pass ? "PASS" : "MISS") : "" }));
console.log(`\n${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart?.toFixed(1)} → ${loadavg()[0]?.toFixed(1)} (other work on the machine skews every figure)`);
console.table(table);
mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
const file = join(BENCH_DIR, "results", `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, flags: { full, quick, only }, rows, results }, null, 2));
console.log(`results written to ${file}`);
process.exit(0);
