// Shared by the benchmark sections: timing statistics, the results table, a minimal tRPC-over-HTTP
// client with its own session cookie, and the SUBMIT/APPROVE/SUBMIT/RETURN cycle.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEMO_PASSWORD = "Demo@2026";

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number));
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] ?? NaN };
}

export interface Row {
  section: string;
  metric: string;
  value: number;
  unit: string;
  /** e.g. "≥ 1.0×", "≤ 50 ms" */
  target?: string;
  pass?: boolean;
  note?: string;
}

export const rows: Row[] = [];

export function record(row: Row): Row {
  rows.push(row);
  const t = row.target ? `  target ${row.target}: ${row.pass ? "PASS" : "MISS"}` : "";
  process.stdout.write(`  ${row.section} · ${row.metric}: ${fmt(row.value)} ${row.unit}${t}${row.note ? `  (${row.note})` : ""}\n`);
  return row;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `duban-bench-${prefix}-`));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

// ---------------------------------------------------------------------------------------------

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface Client {
  readonly unitId: string | null;
  readonly cookie: string;
  query<T>(path: string, input: unknown): Promise<T>;
  mutate<T>(path: string, input: unknown): Promise<T>;
}

// The clients' HTTP: node:http with keep-alive, not fetch. On Node 20 a fetch call costs several
// times what node:http does (web streams, Headers, Response), and 64 fetch clients on one core
// added their own queueing to every latency measured (the issue: clients that are not the bottleneck).
const clientAgent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function httpCall(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) }, agent: clientAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A client on an existing session (sessions live in the database: any API process accepts them). */
export function clientFor(baseUrl: string, cookie: string, unitId: string | null): Client {
  const call = async <T>(path: string, method: string, body?: string): Promise<T> => {
    const headers: Record<string, string> = body === undefined ? { cookie } : { cookie, "content-type": "application/json" };
    const r = await httpCall(new URL(`${baseUrl}/trpc/${path}`), method, headers, body);
    if (r.status !== 200) throw new HttpError(r.status, r.body);
    return (JSON.parse(r.body) as { result: { data: T } }).result.data;
  };
  return {
    unitId,
    cookie,
    query: (path, input) => call(`${path}?input=${encodeURIComponent(JSON.stringify(input))}`, "GET"),
    mutate: (path, input) => call(path, "POST", JSON.stringify(input)),
  };
}

/** Signs in once (one session cookie per client); tRPC v11 without a transformer, non-batched. */
export async function login(baseUrl: string, username: string): Promise<Client> {
  const res = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new HttpError(res.status, text);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("duban_session="));
  if (cookie === undefined) throw new Error("no session cookie");
  const me = (JSON.parse(text) as { result: { data: { unitId: string | null } } }).result.data;
  return clientFor(baseUrl, cookie, me.unitId);
}

/** The cycle every transition benchmark runs (a task with no co-units). */
export function nextMove(stage: string, status: string): { who: "liaison" | "office"; event: Record<string, unknown> } {
  if (stage === "deploy" && (status === "drafting" || status === "returned")) return { who: "liaison", event: { type: "SUBMIT", text: "办理方案：按季度推进。" } };
  if (stage === "deploy" && status === "submitted") return { who: "office", event: { type: "APPROVE", comment: "同意" } };
  if (stage === "handle" && (status === "drafting" || status === "returned")) return { who: "liaison", event: { type: "SUBMIT", text: "完成情况报告。" } };
  if (stage === "handle" && status === "submitted") return { who: "office", event: { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化措施。" } };
  throw new Error(`no move in the cycle from ${stage}/${status}`);
}

// ---------------------------------------------------------------------------------------------

export interface Child {
  baseUrl: string;
  child: ChildProcess;
  /** BENCH_CPU_PROFILE set and the child started with --bench-routes: profiles the child until the returned stop(). */
  profile(name: string): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

/** Starts src/server-child.ts in its own Node process on `databaseUrl` and waits for its port. */
export async function startChild(databaseUrl: string, filesDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Child> {
  // With --bench-routes the child profiles only the phases the parent marks (GET /bench/profile/…).
  const profile = process.env.BENCH_CPU_PROFILE && !extra.includes("--bench-routes") ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", join(BENCH_DIR, "src", "server-child.ts"), databaseUrl, filesDir, ...extra], {
    cwd: BENCH_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`child server exited: ${stderr}`)));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    child,
    profile: async (name) => {
      if (!process.env.BENCH_CPU_PROFILE) return async () => {};
      await fetch(`${baseUrl}/bench/profile/start`);
      return async () => void (await fetch(`${baseUrl}/bench/profile/stop?name=${encodeURIComponent(name)}`));
    },
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of each timed phase only (node:inspector). */
export async function startProfile(): Promise<(name: string) => Promise<void>> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return async () => {};
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return async (name) => {
    const { profile } = await session.post("Profiler.stop");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

/** A better-sqlite3 file with the server's durability settings (WAL, synchronous=FULL): the raw and peer sides of a comparison. */
export function openDurableSqlite(file: string): SQLite.Database {
  const db = new SQLite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  return db;
}

export interface CannonResult {
  /** 2xx responses per second */
  rate: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Load from autocannon (cheap HTTP/1.1 clients, keep-alive, one request in flight per connection) in this process. */
export async function cannon(
  url: string,
  options: { connections: number; durationMs: number; headers?: Record<string, string>; method?: "GET" | "POST"; body?: string },
): Promise<CannonResult> {
  const r = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationMs / 1000,
    headers: options.headers ?? {},
    ...(options.method !== undefined ? { method: options.method } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { rate: r["2xx"] / (options.durationMs / 1000), p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}
