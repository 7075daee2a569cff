// The shared harness of the API suites: a fresh database of the given dialect, the app opened on it
// (migrations + demo data), its HTTP server on a free port of 127.0.0.1, and signed-in clients that
// each keep their own session cookie.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createAppServer,
  createLogger,
  DEMO_PASSWORD,
  flushRefusalBursts,
  openApp,
  testConfig,
  type AppConfig,
  type AppRouter,
  type InnerContext,
} from "@duban/api";
import { createTestDatabase, getAuditHead, listAudit, testDialects, type AuditFilters, type DialectName } from "@duban/db";
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";

/** The dialects every suite runs on (TEST_DIALECTS=sqlite,postgres narrows it). */
export const DIALECTS: DialectName[] = testDialects();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type TaskDetail = RouterOutputs["task"]["get"];
export type Me = RouterOutputs["auth"]["login"];

/** A browser-like client: one cookie jar, a typed tRPC client and raw fetch on the same session. */
export interface ApiClient {
  readonly baseUrl: string;
  trpc: TRPCClient<AppRouter>;
  /** fetch relative to the server, with this client's cookie; Set-Cookie answers update the jar. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The session cookie's value, or null when signed out. */
  readonly sessionToken: string | null;
  /** Set after login(): who this client is. */
  me: Me | null;
}

export interface TestApp {
  dialect: DialectName;
  baseUrl: string;
  /** The database URL (a SQLite path or a postgres:// URL) — for raw connections in tamper tests. */
  databaseUrl: string;
  inner: InnerContext;
  config: AppConfig;
  /** A client with no session. */
  anonymous(): ApiClient;
  /** A new client signed in as a demo user (password DEMO_PASSWORD unless given). */
  login(username: string, password?: string): Promise<ApiClient>;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: () => Date;
  config?: Partial<AppConfig>;
  /** A built web app to serve at / (none by default). */
  webDist?: string;
  /** Another app instance on the same database (a second server process sharing it): opened without demo data, closed without dropping the database. */
  databaseUrl?: string;
}

const SESSION_COOKIE = "duban_session";

export function createClient(baseUrl: string): ApiClient {
  let token: string | null = null;
  const cookieFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    if (token !== null) headers.set("cookie", `${SESSION_COOKIE}=${token}`);
    const response = await fetch(input, { ...init, headers });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = setCookie.split(";");
      const eq = pair.indexOf("=");
      if (pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      token = value === "" || expired ? null : value;
    }
    return response;
  };
  const client: ApiClient = {
    baseUrl,
    trpc: createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${baseUrl}/trpc`, fetch: cookieFetch })],
    }),
    fetch: (path, init) => cookieFetch(`${baseUrl}${path}`, init),
    get sessionToken() {
      return token;
    },
    me: null,
  };
  return client;
}

export async function startTestApp(dialect: DialectName, options: StartOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl !== undefined ? { url: options.databaseUrl, cleanup: async () => {} } : await createTestDatabase(dialect, { migrate: false });
  const filesDir = mkdtempSync(join(tmpdir(), "duban-files-test-"));
  const config = testConfig({ filesDir, ...options.config });
  const app = await openApp({
    databaseUrl: database.url,
    config,
    logger: createLogger("silent"),
    // the fixed scenario the suites count on (plan 000 as written); `pnpm start` shows the living one.
    // A second process on the same database seeds nothing.
    demoData: options.databaseUrl === undefined ? "fixture" : false,
    sqliteSynchronous: "NORMAL",
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server: Server = createAppServer(app.inner, { webDist: options.webDist ?? null });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    dialect,
    baseUrl,
    databaseUrl: database.url,
    inner: app.inner,
    config,
    anonymous: () => createClient(baseUrl),
    login: async (username, password = DEMO_PASSWORD) => {
      const client = createClient(baseUrl);
      client.me = await client.trpc.auth.login.mutate({ username, password });
      return client;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
      await database.cleanup();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/** The audit log's last sequence number: count what a test adds after it. */
/**
 * The audit log's head, after every open refusal burst is closed and written: refusals from before
 * this point never fold into a burst (or a summary) that a later `refusalsSince(seq)` counts.
 */
export async function auditSeq(app: TestApp): Promise<number> {
  await flushRefusalBursts(app.inner);
  return (await getAuditHead(app.inner.db)).seq;
}

/**
 * Refusals audited after `sinceSeq` that match `filters`, counted as they happened: a burst of the
 * same refusal is one record plus one summary holding `detail.repeated` (services/audit.ts), so
 * open bursts are flushed first and each summary counts for its repeats.
 */
export async function refusalsSince(app: TestApp, sinceSeq: number, filters: Omit<AuditFilters, "limit" | "cursor"> = {}, reasonCode?: string) {
  await flushRefusalBursts(app.inner);
  const page = await listAudit(app.inner.db, { ...filters, outcome: "refused", cursor: sinceSeq, order: "asc", limit: 1000 });
  const records = page.items.filter((r) => reasonCode === undefined || r.reason_code === reasonCode);
  const count = records.reduce((n, r) => n + ((JSON.parse(r.detail) as { repeated?: number }).repeated ?? 1), 0);
  return { records, count };
}

/** Signs in each user once (sequentially: scrypt is CPU-bound) and returns the clients by name. */
export async function loginAll<const N extends string>(app: TestApp, usernames: readonly N[]): Promise<Record<N, ApiClient>> {
  const clients = {} as Record<N, ApiClient>;
  for (const name of usernames) clients[name] = await app.login(name);
  return clients;
}

// ---------------------------------------------------------------------------------------------
// Outcomes of calls

export interface Refused {
  ok: false;
  /** tRPC code, e.g. FORBIDDEN */
  code: string | undefined;
  /** The API's own code (error.data.appCode), e.g. NOT_YOUR_UNIT */
  appCode: string | null | undefined;
  guard: string | null | undefined;
  httpStatus: number | undefined;
  message: string;
}
export type Outcome<T> = { ok: true; value: T } | Refused;

interface ErrorData {
  code?: string;
  appCode?: string | null;
  guard?: string | null;
  httpStatus?: number;
}

/** Awaits a call and returns its value or the refusal (never throws for tRPC errors). */
export async function attempt<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error.data ?? {}) as ErrorData;
    return { ok: false, code: data.code, appCode: data.appCode, guard: data.guard, httpStatus: data.httpStatus, message: error.message };
  }
}

/** Awaits a call that must be refused and returns the refusal. */
export async function refusal(call: Promise<unknown>): Promise<Refused> {
  const outcome = await attempt(call);
  if (outcome.ok) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)?.slice(0, 300)}`);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Seeding: plans created through the API, with unique titles

let planCounter = 0;

/** A unique marker for titles and texts made by a test. */
export function unique(prefix = "测试"): string {
  planCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${planCounter}`;
}

export interface TaskSpec {
  leadUnitId: string;
  coUnitIds?: string[];
  dueDate?: string | null;
  text?: string;
}

/** Creates a plan (as the office) with the given tasks; returns the task ids in order. */
export async function createPlan(office: ApiClient, specs: readonly TaskSpec[], title = unique("测试方案")): Promise<string[]> {
  const created = await office.trpc.plan.create.mutate({
    title,
    phases: [],
    tasks: specs.map((s, i) => ({
      path: [String(i + 1)],
      text: s.text ?? `${title} 任务 ${i + 1}`,
      leadUnitId: s.leadUnitId,
      coUnitIds: s.coUnitIds ?? [],
      dueDate: s.dueDate ?? "2099-12-31",
    })),
  });
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: RouterOutputs["task"]["list"] = await office.trpc.task.list.query({ planId: created.id, limit: 500, cursor });
    ids.push(...page.items.sort((a, b) => a.ordinal - b.ordinal).map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  if (ids.length !== specs.length) throw new Error(`plan ${created.id}: expected ${specs.length} tasks, found ${ids.length}`);
  return ids;
}

/** The current version of a task, read by a client that may see it. */
export async function versionOf(client: ApiClient, taskId: string): Promise<number> {
  return (await client.trpc.task.get.query({ taskId })).task.version;
}

type TransitionEvent = Parameters<ApiClient["trpc"]["task"]["transition"]["mutate"]>[0]["event"];

/** Sends one event at the task's current version (read by `reader`, default the sender). */
export async function move(client: ApiClient, taskId: string, event: TransitionEvent, reader: ApiClient = client) {
  const expectedVersion = await versionOf(reader, taskId);
  return client.trpc.task.transition.mutate({ taskId, expectedVersion, event });
}

export type { TransitionEvent };

/** A small valid PDF; `marker` makes its bytes (and hash) unique. */
export function samplePdf(marker: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${marker}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    "utf8",
  );
}

/** Uploads evidence through POST /api/files; returns the server's answer. */
export async function uploadFile(client: ApiClient, name: string, bytes: Buffer): Promise<Response> {
  return client.fetch("/api/files", {
    method: "POST",
    headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(name) },
    body: new Uint8Array(bytes),
  });
}
