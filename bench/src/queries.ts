// Task list and dashboard queries at 10k / 100k (/ 1M with --full) tasks in three levels (层层分解:
// half of each plan's tasks are its own, a third are parts split by the lead unit for its sections,
// a sixth are parts of those for the sections' sub-units). Rows are generated
// directly with bulk inserts (valid snapshots from the lifecycle package, a valid audit hash chain
// of `auditPerTask` records per task), not through the API. The API runs in a child process;
// task.list and the dashboard page's own procedures (`supervision.dashboard`, `supervision.stats`,
// one plan = the page's default, and all plans; the first call separately, then all plans again
// with a write to another plan before each call) are timed over HTTP as the office; the counter
// queries of packages/db stats (not what the page calls) through a bench-only route of that child.
// The server process's RSS is sampled while it serves them (max per phase and overall). The bulk load goes through the counter
// triggers (migration 0400) like any other write; afterwards the counters are checked against a
// recount of the base tables, and the SQLite plan of every dashboard query is recorded.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createLogger, openApp, testConfig } from "@duban/api";
import {
  canonicalJson,
  computeAuditHash,
  countTasksByPlan,
  countTasksByStage,
  countTasksByUnit,
  createDatabase,
  type AuditLogRow,
  type Database,
  type DbOrTrx,
} from "@duban/db";
import { decide, persistTask, startTask, describeTask, type TaskCommand, type TaskSnapshot } from "@duban/workflow";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, type CompiledQuery } from "kysely";
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

/** 层层分解: each department has SECTIONS sections below it, each section SUB_SECTIONS sub-units. */
const SECTIONS = 3;
const SUB_SECTIONS = 2;
/** Within a plan of PLAN_SIZE: the first half are its own tasks (depth 1), the next third parts of
 *  the first tasks (two each, depth 2), the last sixth parts of those parts (two each, depth 3). */
const LEVEL_2_FROM = PLAN_SIZE / 2;
const LEVEL_3_FROM = Math.floor((PLAN_SIZE * 5) / 6);

function levelOf(o: number): { depth: 1 | 2 | 3; parentIndex: number } {
  if (o < LEVEL_2_FROM) return { depth: 1, parentIndex: -1 };
  if (o < LEVEL_3_FROM) return { depth: 2, parentIndex: Math.floor((o - LEVEL_2_FROM) / 2) };
  return { depth: 3, parentIndex: LEVEL_2_FROM + Math.floor((o - LEVEL_3_FROM) / 2) };
}

/** how many parts the task at each index of a plan has (its snapshot counts them, as a SPLIT would) */
const PARTS_OF: number[] = Array.from({ length: PLAN_SIZE }, () => 0);
for (let o = LEVEL_2_FROM; o < PLAN_SIZE; o++) (PARTS_OF[levelOf(o).parentIndex] as number)++;

interface Generated {
  file: string;
  dir: string;
  units: string[];
  generateSeconds: number;
  auditRecords: number;
  /** seconds to check the trigger-kept counters against a recount of the base tables */
  counterCheckSeconds: number;
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
    `insert into tasks (id, plan_id, ordinal, path, heading, text, lead_unit_id, deadline_text, due_date, effective_due_date, targets, stage, status, round, snapshot, machine_version, version, created_at, updated_at, parent_id, depth, supervisor_unit_id)
     values (?, ?, ?, ?, null, ?, ?, null, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The unit tree below each department: SECTIONS sections, each with SUB_SECTIONS sub-units.
  const insSubUnit = db.prepare("insert into units (id, name, short_name, aliases, parent_id, kind, sort_order, created_at) values (?, ?, null, '[]', ?, ?, ?, ?)");
  const childrenOf = new Map<string, string[]>();
  let sortOrder = 1000;
  for (const dept of units) {
    const sections: string[] = [];
    for (let a = 0; a < SECTIONS; a++) {
      const section = `${dept}-s${a}`;
      insSubUnit.run(section, `${dept}·科室${a + 1}`, dept, "other", sortOrder++, at);
      sections.push(section);
      const subs: string[] = [];
      for (let b = 0; b < SUB_SECTIONS; b++) {
        const sub = `${section}-${b}`;
        insSubUnit.run(sub, `${dept}·科室${a + 1}·${b + 1}组`, section, "other", sortOrder++, at);
        subs.push(sub);
      }
      childrenOf.set(section, subs);
    }
    childrenOf.set(dept, sections);
  }
  // A liaison of a section of the mzj liaison's department (same password as the demo users).
  const mzj = db.prepare("select * from users where username = 'mzj'").get() as { unit_id: string; password_hash: string };
  const sectionUnit = (childrenOf.get(mzj.unit_id) as string[])[0] as string;
  db.prepare(
    "insert into users (id, username, display_name, password_hash, role, unit_id, must_change_password, created_at, updated_at) values ('bench-section-user', 'bench-section', '科室联络员', ?, 'liaison', ?, 0, ?, ?)",
  ).run(mzj.password_hash, sectionUnit, at, at);
  const insUnit = db.prepare("insert into task_units (task_id, unit_id, relation) values (?, ?, ?)");
  const insAudit = db.prepare(
    `insert into audit_log (seq, id, at, actor_user_id, actor_username, actor_role, actor_unit_id, action, object_type, object_id, task_id, outcome, reason_code, from_state, to_state, comment, detail, file_hashes, client_ip, hash_alg, prev_hash, hash)
     values (@seq, @id, @at, @actor_user_id, @actor_username, @actor_role, @actor_unit_id, @action, @object_type, @object_id, @task_id, @outcome, @reason_code, @from_state, @to_state, @comment, @detail, @file_hashes, @client_ip, @hash_alg, @prev_hash, @hash)`,
  );
  const head = db.prepare("select seq, hash from audit_head where id = 1").get() as { seq: number; hash: string };
  let seq = Number(head.seq);
  let prev = head.hash;

  // One snapshot per (lead, co-unit, supervisor, variant); a part's snapshot names its parent, put in
  // by replacing a placeholder so that 500k parts do not each replay the lifecycle.
  const PARENT = "__bench_parent__";
  const snapshots = new Map<string, { text: string; machineVersion: number; stage: string; status: string; round: number }>();
  const snapshotFor = (lead: string, co: string | null, supervisor: string | null, variant: number, partCount: number) => {
    const key = `${lead}|${co}|${supervisor}|${variant}|${partCount}`;
    let s = snapshots.get(key);
    if (s === undefined) {
      const part = supervisor === null ? {} : { supervisorUnitId: supervisor, parentTaskId: PARENT, parentDueDate: "2027-06-30" };
      let snap: TaskSnapshot = startTask({ leadUnitId: lead, coUnitIds: co ? [co] : [], dueDate: "2027-06-30", ...part });
      for (const cmd of VARIANTS[variant] ?? []) {
        // the office reviews a plan's own tasks; the unit that split a part reviews that part
        const reviewer = cmd.type === "APPROVE" || cmd.type === "TERMINATE";
        const actor = reviewer
          ? supervisor === null
            ? { userId: "bench", role: "office", unitId: null }
            : { userId: "bench", role: "liaison", unitId: supervisor }
          : { userId: "bench", role: "liaison", unitId: lead };
        const d = decide(snap, { ...cmd, actor, at } as never);
        if (!d.ok) throw new Error(`variant ${variant}${supervisor === null ? "" : " (part)"}: ${cmd.type} refused: ${d.refusal.code}`);
        snap = d.snapshot;
      }
      const p = persistTask(snap);
      const desc = describeTask(snap);
      // a task with parts: its context counts them, as the SPLIT that made them would have
      if (partCount > 0) (p.snapshot as unknown as { context: { partCount: number } }).context.partCount = partCount;
      s = { text: JSON.stringify(p.snapshot), machineVersion: p.machineVersion, stage: desc.stage, status: desc.status, round: desc.round };
      snapshots.set(key, s);
    }
    return s;
  };
  let auditRecords = 0;
  /** the tasks of the current plan by index within it, as parents for the next level */
  let planTasks: { id: string; lead: string; due: string; path: string[]; parts: number }[] = [];
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const planNo = Math.floor(i / PLAN_SIZE);
      const planId = `bench-plan-${String(planNo).padStart(5, "0")}`;
      const o = i % PLAN_SIZE;
      if (o === 0) {
        insPlan.run(planId, `基准方案 ${planNo}`, office.id, at);
        planTasks = [];
      }
      const level = levelOf(o);
      // parts: a scrambled variant, else a unit's parts would all share one (i steps by a multiple of 6)
      const variant = level.depth === 1 ? i % VARIANTS.length : (Math.imul(i, 2654435761) >>> 0) % VARIANTS.length;
      const id = `bench-task-${String(i).padStart(8, "0")}`;
      let lead: string;
      let co: string | null = null;
      let due: string;
      let path: string[];
      let parent: (typeof planTasks)[number] | null = null;
      if (level.depth === 1) {
        lead = units[i % units.length] as string;
        co = i % 3 === 0 ? (units[(i + 7) % units.length] as string) : null;
        const month = String(1 + (i % 12)).padStart(2, "0");
        due = `${2026 + (i % 2)}-${month}-${String(1 + (i % 28)).padStart(2, "0")}`;
        path = [String(o + 1)];
      } else {
        // two parts per parent, for two of the units below the parent's lead unit, due with it
        parent = planTasks[level.parentIndex] as (typeof planTasks)[number];
        parent.parts += 1;
        const below = childrenOf.get(parent.lead) as string[];
        lead = below[(level.parentIndex + parent.parts) % below.length] as string;
        due = parent.due;
        path = [...parent.path, String(parent.parts)];
      }
      planTasks.push({ id, lead, due, path, parts: 0 });
      const snap = snapshotFor(lead, co !== lead ? co : null, parent?.lead ?? null, variant, PARTS_OF[o] ?? 0);
      const snapshotText = parent === null ? snap.text : snap.text.replace(PARENT, parent.id);
      const effectiveDue = snap.stage === "terminated" ? null : due;
      insTask.run(id, planId, o + 1, JSON.stringify(path), `第${i}项任务：推进养老服务体系建设，落实${i % 97}项具体措施。`, lead, due, effectiveDue, snap.stage, snap.status, snap.round, snapshotText, snap.machineVersion, 1 + auditPerTask, at, at, parent?.id ?? null, level.depth, parent?.lead ?? null);
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
  const generateSeconds = (performance.now() - started) / 1000;
  const checked = performance.now();
  checkCounters(db);
  db.close();
  return { file, dir, units, generateSeconds, auditRecords, counterCheckSeconds: (performance.now() - checked) / 1000 };
}

// The counters' key of a task (migration 2026_11_25_0400_task_counters): closed tasks and tasks
// without a due date under has_due = 0, due_date = ''.
const HAS_DUE = "case when t.due_date is null or t.stage in ('done','terminated') then 0 else 1 end";
const DUE_KEY = "case when t.due_date is null or t.stage in ('done','terminated') then '' else t.due_date end";

/** Throws unless task_plan_counts / task_unit_counts equal a recount of tasks / task_units. */
function checkCounters(db: SQLite.Database): void {
  const differ = (a: string, b: string) =>
    (db.prepare(`select (select count(*) from (${a} except ${b})) + (select count(*) from (${b} except ${a})) as n`).get() as { n: number }).n;
  const plans = differ("select plan_id, stage, n from task_plan_counts", "select plan_id, stage, count(*) from tasks group by plan_id, stage");
  const units = differ(
    "select unit_id, relation, stage, has_due, due_date, n from task_unit_counts",
    `select tu.unit_id, tu.relation, t.stage, ${HAS_DUE}, ${DUE_KEY}, count(*) from task_units tu join tasks t on t.id = tu.task_id group by 1, 2, 3, 4, 5`,
  );
  if (plans !== 0 || units !== 0) throw new Error(`task counters differ from a recount: ${plans} plan rows, ${units} unit rows`);
}

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
  pageRssMaxMb: number;
  rssMaxMb: number;
  generateSeconds: number;
  counterCheckSeconds: number;
  /** SQLite query plan of each dashboard count */
  plans: Record<string, string>;
}

/** Times the queries on a generated database; `onDb` gets the open database afterwards (audit bench). */
export async function queriesBench(tasks: number, auditPerTask: number, isTargetSize: boolean, onDb?: (db: DbOrTrx) => Promise<void>): Promise<QueryRun> {
  const label = tasks >= 1_000_000 ? `${tasks / 1_000_000}M` : `${tasks / 1000}k`;
  const section = `queries/${label}`;
  const gen = await generate(tasks, auditPerTask);
  process.stdout.write(`  ${section}: generated ${tasks} tasks + ${gen.auditRecords} audit records in ${gen.generateSeconds.toFixed(1)} s (counter triggers included); counters equal a recount (checked in ${gen.counterCheckSeconds.toFixed(1)} s)\n`);
  const unit = gen.units[3] as string;
  const today = "2026-11-25";
  const midPlan = `bench-plan-${String(Math.floor(tasks / PLAN_SIZE / 2)).padStart(5, "0")}`;
  const calls = dashboardCalls(unit, midPlan, today);
  const plans = await explainDashboard(gen.file, calls);
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
      const taskId = `bench-task-${String(k + ((6 - (k % 6)) % 6)).padStart(8, "0")}`; // variant 0: open (deploy, signing)
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
        await onDb(handle.db);
      } finally {
        await handle.close();
      }
    }
    return { tasks, listP95Max, dashboardP95Max, pageP95Max, pageRssMaxMb: mb(pageRssMax), rssMaxMb: mb(rssMax), generateSeconds: gen.generateSeconds, counterCheckSeconds: gen.counterCheckSeconds, plans };
  } finally {
    sampling = false;
    await server.stop();
    rmSync(gen.dir, { recursive: true, force: true });
  }
}
