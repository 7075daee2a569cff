// Task list and dashboard-like queries at 10k / 100k (/ 1M with --full) tasks. Rows are generated
// directly with bulk inserts (valid snapshots from the lifecycle package, a valid audit hash chain
// of `auditPerTask` records per task), not through the API. task.list is timed over HTTP against
// an in-process server; the dashboard counts (packages/db stats) on the same server's database.
// The server process's RSS is sampled while it serves them.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createLogger, openApp, testConfig } from "@duban/api";
import {
  canonicalJson,
  computeAuditHash,
  createDatabase,
  type AuditLogRow,
  type DbOrTrx,
} from "@duban/db";
import { decide, persistTask, startTask, describeTask, type TaskCommand, type TaskSnapshot } from "@duban/workflow";
import SQLite from "better-sqlite3";
import { login, mb, record, startChild, startProfile, summarize, tempDir } from "./common";

const PLAN_SIZE = 1000;
const VARIANTS: TaskCommand[][] = [
  [],
  [{ type: "SIGN" }],
  [{ type: "SIGN" }, { type: "SUBMIT", text: "办理方案" }],
  [{ type: "SIGN" }, { type: "SUBMIT", text: "办理方案" }, { type: "APPROVE" }],
  [{ type: "SIGN" }, { type: "SUBMIT", text: "办理方案" }, { type: "APPROVE" }, { type: "REPORT_PROGRESS", text: "进展", percent: 50 }],
  [{ type: "TERMINATE", reason: "方案调整" }],
];

interface Generated {
  file: string;
  dir: string;
  units: string[];
  generateSeconds: number;
  auditRecords: number;
}

/** A migrated database with demo users/units, then `tasks` tasks (+ audit records) bulk-inserted. */
export async function generate(tasks: number, auditPerTask: number): Promise<Generated> {
  const dir = tempDir(`q${tasks}`);
  const file = join(dir, "app.db");
  const app = await openApp({ databaseUrl: file, config: testConfig({ filesDir: join(dir, "files") }), logger: createLogger("silent"), demoData: true });
  const units = (await app.inner.db.selectFrom("units").select("id").where("kind", "=", "department").orderBy("sort_order").execute()).map((u) => u.id);
  const office = await app.inner.db.selectFrom("users").selectAll().where("username", "=", "office").executeTakeFirstOrThrow();
  await app.close();

  const started = performance.now();
  const db = new SQLite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF"); // bulk load only; the server reopens the file with FULL
  const at = "2026-11-25T08:00:00.000Z";
  const insPlan = db.prepare("insert into plans (id, title, source_text, created_by, created_at) values (?, ?, '', ?, ?)");
  const insTask = db.prepare(
    `insert into tasks (id, plan_id, ordinal, path, heading, text, lead_unit_id, deadline_text, due_date, targets, stage, status, round, snapshot, machine_version, version, created_at, updated_at)
     values (?, ?, ?, ?, null, ?, ?, null, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insUnit = db.prepare("insert into task_units (task_id, unit_id, relation) values (?, ?, ?)");
  const insAudit = db.prepare(
    `insert into audit_log (seq, id, at, actor_user_id, actor_username, actor_role, actor_unit_id, action, object_type, object_id, task_id, outcome, reason_code, from_state, to_state, comment, detail, file_hashes, client_ip, hash_alg, prev_hash, hash)
     values (@seq, @id, @at, @actor_user_id, @actor_username, @actor_role, @actor_unit_id, @action, @object_type, @object_id, @task_id, @outcome, @reason_code, @from_state, @to_state, @comment, @detail, @file_hashes, @client_ip, @hash_alg, @prev_hash, @hash)`,
  );
  const head = db.prepare("select seq, hash from audit_head where id = 1").get() as { seq: number; hash: string };
  let seq = Number(head.seq);
  let prev = head.hash;

  const snapshots = new Map<string, { text: string; machineVersion: number; stage: string; status: string; round: number }>();
  const snapshotFor = (lead: string, co: string | null, variant: number) => {
    const key = `${lead}|${co}|${variant}`;
    let s = snapshots.get(key);
    if (s === undefined) {
      let snap: TaskSnapshot = startTask({ leadUnitId: lead, coUnitIds: co ? [co] : [], dueDate: "2027-06-30" });
      for (const cmd of VARIANTS[variant] ?? []) {
        const role = cmd.type === "APPROVE" || cmd.type === "TERMINATE" ? "office" : "liaison";
        const d = decide(snap, { ...cmd, actor: { userId: "bench", role, unitId: role === "office" ? null : lead }, at } as never);
        if (!d.ok) throw new Error(`variant ${variant}: ${cmd.type} refused: ${d.refusal.code}`);
        snap = d.snapshot;
      }
      const p = persistTask(snap);
      const desc = describeTask(snap);
      s = { text: JSON.stringify(p.snapshot), machineVersion: p.machineVersion, stage: desc.stage, status: desc.status, round: desc.round };
      snapshots.set(key, s);
    }
    return s;
  };

  let auditRecords = 0;
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const planNo = Math.floor(i / PLAN_SIZE);
      const planId = `bench-plan-${String(planNo).padStart(5, "0")}`;
      if (i % PLAN_SIZE === 0) insPlan.run(planId, `基准方案 ${planNo}`, office.id, at);
      const lead = units[i % units.length] as string;
      const co = i % 3 === 0 ? (units[(i + 7) % units.length] as string) : null;
      const variant = i % VARIANTS.length;
      const snap = snapshotFor(lead, co, variant);
      const id = `bench-task-${String(i).padStart(8, "0")}`;
      const month = String(1 + (i % 12)).padStart(2, "0");
      const due = `${2026 + (i % 2)}-${month}-${String(1 + (i % 28)).padStart(2, "0")}`;
      insTask.run(id, planId, (i % PLAN_SIZE) + 1, JSON.stringify([String((i % PLAN_SIZE) + 1)]), `第${i}项任务：推进养老服务体系建设，落实${i % 97}项具体措施。`, lead, due, snap.stage, snap.status, snap.round, snap.text, snap.machineVersion, 1 + auditPerTask, at, at);
      insUnit.run(id, lead, "lead");
      if (co !== null && co !== lead) insUnit.run(id, co, "co");
      for (let k = 0; k < auditPerTask; k++) {
        seq += 1;
        const row: Omit<AuditLogRow, "hash"> = {
          seq,
          id: `bench-audit-${seq}`,
          at,
          actor_user_id: office.id,
          actor_username: "office",
          actor_role: "office",
          actor_unit_id: office.unit_id,
          action: "task.URGE",
          object_type: "task",
          object_id: id,
          task_id: id,
          outcome: "ok",
          reason_code: null,
          from_state: `${snap.stage}/${snap.status}`,
          to_state: `${snap.stage}/${snap.status}`,
          comment: "请加快办理进度。",
          detail: canonicalJson({ round: 1, version: k + 2 }),
          file_hashes: "[]",
          client_ip: "127.0.0.1",
          hash_alg: "sha256",
          prev_hash: prev,
        };
        const hash = computeAuditHash(prev, row, "sha256");
        insAudit.run({ ...row, hash });
        prev = hash;
        auditRecords++;
      }
    }
  });
  for (let i = 0; i < tasks; i += 20_000) load(i, Math.min(tasks, i + 20_000));
  db.prepare("update audit_head set seq = ?, hash = ? where id = 1").run(seq, prev);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("analyze");
  db.close();
  return { file, dir, units, generateSeconds: (performance.now() - started) / 1000, auditRecords };
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
  dashboardP95Max: number;
  rssMaxMb: number;
}

/** Times the queries on a generated database; `onDb` gets the open database afterwards (audit bench). */
export async function queriesBench(tasks: number, auditPerTask: number, isTargetSize: boolean, onDb?: (db: DbOrTrx) => Promise<void>): Promise<QueryRun> {
  const label = tasks >= 1_000_000 ? `${tasks / 1_000_000}M` : `${tasks / 1000}k`;
  const section = `queries/${label}`;
  const gen = await generate(tasks, auditPerTask);
  process.stdout.write(`  ${section}: generated ${tasks} tasks + ${gen.auditRecords} audit records in ${gen.generateSeconds.toFixed(1)} s\n`);
  const server = await startChild(gen.file, join(gen.dir, "files"), ["--bench-routes"]);
  const baseUrl = server.baseUrl;
  const rssOf = async () => ((await (await fetch(`${baseUrl}/bench/rss`)).json()) as { rss: number }).rss;
  const stats = async (params: string) => {
    const r = await fetch(`${baseUrl}/bench/stats?${params}`);
    if (r.status !== 200) throw new Error(await r.text());
    return r.json();
  };
  let rssMax = await rssOf();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rssMax = Math.max(rssMax, await rssOf());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const office = await login(baseUrl, "office");
    const liaison = await login(baseUrl, "mzj");
    const unit = gen.units[3] as string;
    const today = "2026-11-25";
    const runs = tasks >= 1_000_000 ? 15 : 30;
    const first = await office.query<{ nextCursor: string | null }>("task.list", { limit: 100 });
    const midPlan = `bench-plan-${String(Math.floor(tasks / PLAN_SIZE / 2)).padStart(5, "0")}`;
    const lists: [string, () => Promise<unknown>][] = [
      ["task.list first page (office, 100)", () => office.query("task.list", { limit: 100 })],
      ["task.list next page by cursor", () => office.query("task.list", { limit: 100, cursor: first.nextCursor })],
      ["task.list stage=handle", () => office.query("task.list", { stage: ["handle"], limit: 100 })],
      ["task.list one plan, stage deploy", () => office.query("task.list", { planId: midPlan, stage: ["deploy"], limit: 100 })],
      ["task.list unit + overdue", () => office.query("task.list", { unitId: unit, overdue: true, limit: 100 })],
      ["task.list liaison (own unit)", () => liaison.query("task.list", { limit: 100 })],
      ["task.list text search", () => office.query("task.list", { text: "96项", limit: 100 })],
    ];
    const dashboards: [string, () => Promise<unknown>][] = [
      ["counts by stage (all)", () => stats("q=stage")],
      ["counts by stage (one unit)", () => stats(`q=stage&unitId=${encodeURIComponent(unit)}`)],
      ["counts by unit × relation × stage + overdue", () => stats(`q=unit&today=${today}`)],
      ["counts by plan × stage", () => stats("q=plan")],
    ];
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
      record({ section, metric: `${name} p50 / p95`, value: s.p95, unit: "ms (p95)", note: `p50 ${s.p50.toFixed(1)} ms`, ...(isTargetSize ? { target: "≤ 200 ms", pass: s.p95 <= 200 } : {}) });
    }
    rssMax = Math.max(rssMax, await rssOf());
    record({ section, metric: "server RSS while serving (max sampled, API child process)", value: mb(rssMax), unit: "MB", target: "< 512 MB", pass: mb(rssMax) < 512 });
    sampling = false;
    await sampler;
    await server.stop();
    if (onDb) {
      const handle = createDatabase({ url: gen.file });
      try {
        await onDb(handle.db);
      } finally {
        await handle.close();
      }
    }
    return { tasks, listP95Max, dashboardP95Max, rssMaxMb: mb(rssMax) };
  } finally {
    sampling = false;
    await server.stop();
    rmSync(gen.dir, { recursive: true, force: true });
  }
}
