// Shared by the fault tests: a minimal cookie-keeping tRPC-over-HTTP client (raw fetch, so that an
// acknowledgement means exactly "HTTP 200 received"), the SUBMIT/APPROVE/SUBMIT/RETURN cycle, a
// child-process server, and the consistency check of a SQLite database after a crash or restore.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, verifyAuditChain, type VerifyAuditResult } from "@duban/db";
import { describeTask, restoreTask } from "@duban/workflow";

export const DEMO_PASSWORD = "Demo@2026";
const HERE = dirname(fileURLToPath(import.meta.url));
const TESTS_DIR = join(HERE, "..");

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** Where the server is now: the crash test moves it to a new port after every restart. */
export interface Target {
  url: string;
}

export interface Client {
  readonly unitId: string | null;
  query<T>(path: string, input: unknown): Promise<T>;
  mutate<T>(path: string, input: unknown): Promise<T>;
}

/** Signs in once; the session (kept in the database) outlives server restarts. */
export async function login(target: Target, username: string, password = DEMO_PASSWORD): Promise<Client> {
  const res = await fetch(`${target.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new HttpError(res.status, text);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("duban_session="));
  if (cookie === undefined) throw new Error("no session cookie");
  const me = (JSON.parse(text) as { result: { data: { unitId: string | null } } }).result.data;
  const call = async <T>(path: string, init: RequestInit): Promise<T> => {
    const r = await fetch(`${target.url}/trpc/${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
    const body = await r.text();
    if (r.status !== 200) throw new HttpError(r.status, body);
    return (JSON.parse(body) as { result: { data: T } }).result.data;
  };
  return {
    unitId: me.unitId,
    query: (path, input) => call(`${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { method: "GET" }),
    mutate: (path, input) =>
      call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) }),
  };
}

/** Creates a plan of `count` tasks led by `unitId` (no co-units) and signs each one (unless `sign`
 *  is false); returns the ids. */
export async function createSignedTasks(office: Client, liaison: Client, unitId: string, count: number, textPad = "", sign = true): Promise<string[]> {
  const plan = await office.mutate<{ id: string }>("plan.create", {
    title: `故障测试方案 ${process.pid}-${Date.now()}`,
    phases: [],
    tasks: Array.from({ length: count }, (_, i) => ({
      path: [String(i + 1)],
      text: `故障测试任务 ${i + 1}${textPad}`,
      leadUnitId: unitId,
      coUnitIds: [],
      // Near, not 2099: the deadline mark walks every working day up to the due date (chinese-days).
      dueDate: new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10),
    })),
  });
  const page = await office.query<{ items: { id: string; ordinal: number; version: number }[] }>("task.list", { planId: plan.id, limit: 500 });
  const tasks = page.items.sort((a, b) => a.ordinal - b.ordinal);
  if (sign) for (const t of tasks) await liaison.mutate("task.transition", { taskId: t.id, expectedVersion: t.version, event: { type: "SIGN" } });
  return tasks.map((t) => t.id);
}

/** The next event of the cycle from a task's stage/status: liaison SUBMIT → office APPROVE →
 *  liaison SUBMIT (handle) → office RETURN to deploy → … (no co-units, so no contributions). */
export function nextMove(stage: string, status: string): { who: "liaison" | "office"; event: Record<string, unknown> } {
  if (stage === "deploy" && (status === "drafting" || status === "returned")) return { who: "liaison", event: { type: "SUBMIT", text: "办理方案：按季度推进。" } };
  if (stage === "deploy" && status === "submitted") return { who: "office", event: { type: "APPROVE", comment: "同意" } };
  if (stage === "handle" && (status === "drafting" || status === "returned")) return { who: "liaison", event: { type: "SUBMIT", text: "完成情况报告。" } };
  if (stage === "handle" && status === "submitted") {
    return { who: "office", event: { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化措施。" } };
  }
  throw new Error(`no move in the benchmark cycle from ${stage}/${status}`);
}

export interface Ack {
  taskId: string;
  version: number;
  type: string;
}

export interface TransitionResult {
  version: number;
  stage: string;
  status: string;
}

// ---------------------------------------------------------------------------------------------

export interface ChildServer {
  port: number;
  baseUrl: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** everything the server printed so far */
  output(): string;
}

/** Starts tests/fault/server.ts in a child Node process (tsx loader) and waits for its port. */
export async function startChildServer(dbPath: string, filesDir: string, timeoutMs = 30_000, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", join(HERE, "server.ts"), dbPath, filesDir], {
    cwd: TESTS_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "test", ...env },
  });
  let printed = "";
  child.stdout?.on("data", (d: Buffer) => (printed += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr}`));
    });
  });
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    exited,
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => printed,
  };
}

// ---------------------------------------------------------------------------------------------

export interface ConsistencyReport {
  chain: VerifyAuditResult;
  tasks: number;
  transitions: number;
  /** human-readable problems; empty when consistent */
  problems: string[];
}

/**
 * Opens the SQLite file and checks: the audit chain verifies; for every task of `taskIds`, its ok
 * task.* audit records carry versions 2..task.version exactly once each (no lost or doubled move,
 * nothing half-moved), its snapshot describes the row's stage/status and the last record's to_state,
 * and its submissions count equals its SUBMIT records; every acknowledged move is there.
 */
export async function checkConsistency(dbPath: string, taskIds: readonly string[], acks: readonly Ack[]): Promise<ConsistencyReport> {
  const handle = createDatabase({ url: dbPath });
  try {
    const chain = await verifyAuditChain(handle.db);
    const problems: string[] = [];
    const tasks = await handle.db.selectFrom("tasks").selectAll().where("id", "in", [...taskIds]).execute();
    if (tasks.length !== taskIds.length) problems.push(`expected ${taskIds.length} tasks, found ${tasks.length}`);
    const records = await handle.db
      .selectFrom("audit_log")
      .select(["task_id", "action", "detail", "to_state", "seq"])
      .where("task_id", "in", [...taskIds])
      .where("outcome", "=", "ok")
      .orderBy("seq")
      .execute();
    const submissions = await handle.db
      .selectFrom("submissions")
      .select((eb) => ["task_id", eb.fn.countAll<number>().as("n")])
      .where("task_id", "in", [...taskIds])
      .groupBy("task_id")
      .execute();
    const submissionCount = new Map(submissions.map((s) => [s.task_id, Number(s.n)]));
    const byTask = new Map<string, { version: number; action: string; toState: string | null }[]>();
    for (const r of records) {
      if (!r.action.startsWith("task.") || r.task_id === null) continue;
      const detail = JSON.parse(r.detail) as { version?: number };
      const list = byTask.get(r.task_id) ?? [];
      list.push({ version: Number(detail.version), action: r.action, toState: r.to_state });
      byTask.set(r.task_id, list);
    }
    let transitions = 0;
    for (const task of tasks) {
      const list = byTask.get(task.id) ?? [];
      transitions += list.length;
      const versions = list.map((x) => x.version);
      const expected = Array.from({ length: task.version - 1 }, (_, i) => i + 2);
      if (versions.join(",") !== expected.join(",")) {
        problems.push(`task ${task.id}: row version ${task.version}, audit versions [${versions.join(",")}]`);
      }
      const d = describeTask(restoreTask({ machineVersion: task.machine_version, snapshot: JSON.parse(task.snapshot) }));
      if (d.stage !== task.stage || d.status !== task.status) {
        problems.push(`task ${task.id}: snapshot says ${d.stage}/${d.status}, row says ${task.stage}/${task.status}`);
      }
      const last = list[list.length - 1];
      if (last !== undefined && last.toState !== `${task.stage}/${task.status}`) {
        problems.push(`task ${task.id}: last audit to_state ${last.toState}, row ${task.stage}/${task.status}`);
      }
      const submits = list.filter((x) => x.action === "task.SUBMIT").length;
      if ((submissionCount.get(task.id) ?? 0) !== submits) {
        problems.push(`task ${task.id}: ${submissionCount.get(task.id) ?? 0} submissions, ${submits} SUBMIT records`);
      }
    }
    const present = new Set(records.map((r) => `${r.task_id}@${(JSON.parse(r.detail) as { version?: number }).version}:${r.action}`));
    for (const a of acks) {
      if (!present.has(`${a.taskId}@${a.version}:task.${a.type}`)) problems.push(`acknowledged ${a.type} → v${a.version} of ${a.taskId} is missing`);
    }
    return { chain, tasks: tasks.length, transitions, problems };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------

export interface Load {
  acks: Ack[];
  /** requests whose outcome the client never learned (connection reset by the kill) */
  unknown: number;
  stopped: boolean;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Moves one task round the cycle until load.stopped, one request at a time. Every HTTP 200 is
 * recorded as acknowledged; a refused or unanswered request makes the worker re-read the task.
 */
export async function driveTask(taskId: string, liaison: Client, office: Client, load: Load): Promise<void> {
  let known: TransitionResult | null = null;
  let sending = false;
  while (!load.stopped) {
    try {
      if (known === null) {
        known = (await office.query<{ task: TransitionResult }>("task.get", { taskId })).task;
      }
      const { who, event } = nextMove(known.stage, known.status);
      const client = who === "liaison" ? liaison : office;
      sending = true;
      const result: TransitionResult = await client.mutate<TransitionResult>("task.transition", { taskId, expectedVersion: known.version, event });
      sending = false;
      load.acks.push({ taskId, version: result.version, type: String(event.type) });
      known = result;
    } catch (error) {
      known = null;
      // A transition sent but never answered may or may not have committed.
      if (sending && !(error instanceof HttpError)) load.unknown += 1;
      sending = false;
      if (load.stopped) return;
      await pause(error instanceof HttpError ? 5 : 50);
    }
  }
}

/**
 * The seed of a fault test's random choices: FAULT_SEED from the environment when set (to replay a
 * failure), else a fresh one. The test prints it, and names it in its failure messages.
 */
export function faultSeed(): number {
  const given = process.env.FAULT_SEED;
  if (given !== undefined && given !== "") {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`FAULT_SEED must be a non-negative integer, not ${given}`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits until `n` more transitions are acknowledged than `from`; fails after `timeoutMs` (naming `what`). */
export async function waitForAcks(load: Load, from: number, n: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (load.acks.length < from + n) {
    if (Date.now() > deadline) throw new Error(`${what}: only ${load.acks.length - from} of ${n} transitions acknowledged within ${timeoutMs} ms`);
    await pause(10);
  }
}
