// Fuzzing every procedure as every role (issue 8). The procedures are enumerated from the router and
// their near-valid inputs generated from their own zod schemas, so a new procedure is fuzzed without
// touching this file. Three kinds of input, each sent over real HTTP by every demo role and by a
// client with no session: random JSON values, near-valid inputs (a valid shape with one field
// mutated) and raw malformed requests (invalid JSON, wrong content types, wrong methods, broken
// percent-encoding, broken cookies).
//
// Properties of every answer: never a 5xx; never a stack trace or a file path; the body is JSON and
// an error carries a non-empty message; and a refused call leaves every business table exactly as it
// was (counts + a hash of every row; audit_log and sessions are left out: refusals are audited and
// sessions are touched by design). Successful calls are allowed — random filters may well be valid —
// and the fingerprint is taken again after each one.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCEDURES, type JsonSchema, type ProcedureInfo } from "../support/procedures";
import { DIALECTS, loginAll, startTestApp, type ApiClient, type TestApp } from "../support/server";

// ---------------------------------------------------------------------------------------------
// The procedures and their input schemas

const WITH_INPUT = PROCEDURES.filter((p) => p.input !== null);

// ---------------------------------------------------------------------------------------------
// Callers: one signed-in client per demo role, and one with no session

const ROLES = ["office", "leader", "mzj", "wjj", "evaluator1", "auditor", "sysadmin", "secadmin"] as const;
const CALLERS = [...ROLES, "anonymous"] as const;
const CALLER_PICK = fc.record({ index: fc.nat(), preferPermitted: fc.boolean() });
type Caller = (typeof CALLERS)[number];

/**
 * Procedures that, called successfully, would end the caller's own session: only the client with
 * no session fuzzes them (it is always refused). auth.logout takes no input, so any input succeeds.
 */
const ANONYMOUS_ONLY = new Set(["auth.logout"]);

// ---------------------------------------------------------------------------------------------
// Answers and their checks

const CJK = /[\u4e00-\u9fff]/;

interface Answer {
  status: number;
  text: string;
  json: unknown;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

function errorMessage(json: unknown): unknown {
  if (typeof json !== "object" || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  return (error as { message?: unknown }).message;
}

/** The first broken property of an answer, or null when it is fine. */
function problemOf(got: Answer): string | null {
  if (got.status >= 500) return `HTTP ${got.status}`;
  if (/\n\s+at\s|^\s{4}at |\bat [\w.<>]+ \(/m.test(got.text)) return "stack trace in the body";
  if (/\/work\/|node_modules|\.ts:|\.m?js:\d+/.test(got.text)) return "file path in the body";
  if (/"stack"\s*:/.test(got.text)) return "a stack property in the body";
  if (/SQLITE_|sqlite3|kysely|relation "|syntax error at|violates .* constraint/i.test(got.text)) return "a database error in the body";
  // Node's HTTP parser refuses an over-long URL (> 16 KiB of headers) with a bare 431 before the app sees it.
  if (got.status === 431 && got.text === "") return null;
  if (got.json === undefined) return "the body is not JSON";
  if (got.status >= 400) {
    // A batch (?batch=1) answers with one envelope per call.
    for (const envelope of Array.isArray(got.json) ? got.json : [got.json]) {
      const message = errorMessage(envelope);
      if (typeof message !== "string" || message.trim() === "") return "an error without a message";
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The fingerprint of the business tables

/** Not business data: refusals are audited (and failed sign-ins counted) by design, every request touches its session. */
const UNFINGERPRINTED = new Set(["audit_log", "audit_head", "sessions", "rate_limits"]);

interface RawDb {
  introspection: { getTables(): Promise<{ name: string }[]> };
  selectFrom(table: string): { selectAll(): { execute(): Promise<Record<string, unknown>[]> } };
  executeQuery(query: { sql: string; parameters: readonly unknown[]; query: unknown; queryId: unknown }): Promise<{ rows: Record<string, unknown>[] }>;
}

type Fingerprint = Map<string, string>;

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "bigint") return v.toString();
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

async function businessTables(db: RawDb): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables
    .map((t) => t.name)
    .filter((name) => !UNFINGERPRINTED.has(name) && !name.startsWith("kysely_") && !name.startsWith("sqlite_"))
    .sort();
}

/** One raw statement, without importing kysely here (the tests package does not depend on it). */
async function rawQuery(db: RawDb, text: string): Promise<Record<string, unknown>[]> {
  const query = { kind: "RawNode", sqlFragments: [text], parameters: [] };
  return (await db.executeQuery({ sql: text, parameters: [], query, queryId: { queryId: "fuzz-fingerprint" } })).rows;
}

/**
 * Per business table: its row count and a hash of all its rows (order-independent). On PostgreSQL
 * the server hashes in one round trip; on SQLite (in process) the rows are read and hashed here.
 */
async function fingerprint(db: RawDb, dialect: string, tables: readonly string[]): Promise<Fingerprint> {
  const out: Fingerprint = new Map();
  if (dialect === "postgres") {
    const text = tables
      .map((t) => `select '${t}' as t, count(*)::text as n, coalesce(md5(string_agg(md5(x::text), '' order by md5(x::text))), '-') as h from "${t}" x`)
      .join(" union all ");
    for (const row of await rawQuery(db, text)) out.set(String(row.t), `${String(row.n)} rows ${String(row.h).slice(0, 16)}`);
    return out;
  }
  for (const table of tables) {
    const rows = await db.selectFrom(table).selectAll().execute();
    const lines = rows.map(canonical).sort();
    out.set(table, `${rows.length} rows ${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)}`);
  }
  return out;
}

function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t)).map((t) => `${t}: ${before.get(t)} → ${after.get(t)}`);
}

// ---------------------------------------------------------------------------------------------
// Values

const QUERY_HUGE = 1_500; // a query travels in the URL: "字" is 9 bytes there, Node allows 16 KiB of headers
const BODY_HUGE = 200_000;

/** A value nested `depth` levels deep; fast-check prints it briefly (its printer recurses). */
function nested(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = "底";
  for (let i = 0; i < depth; i += 1) value = kind === "array" ? [value] : { a: value };
  Object.defineProperty(value, fc.toStringMethod, { value: () => `<${kind} nested ${depth} deep>`, enumerable: false });
  return value;
}

const POLLUTION_VALUES = [
  JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true,"role":"sysadmin"}}') as unknown,
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as unknown,
  JSON.parse('{"__proto__":null}') as unknown,
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
];
const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "__defineGetter__", "hasOwnProperty"];

const STRANGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "\u202e反转\u202c",
  "\u200b",
  "𠮷野家",
  "😀👨‍👩‍👧",
  "Ａｂｃ１２３",
  "e\u0301",
  "\r\n\t",
  "'; DROP TABLE tasks; --",
  "' OR '1'='1",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%00",
  "%E0%A4%A",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "null",
  "undefined",
  "[object Object]",
  "NaN",
  "2026-02-30",
  "2026-13-01",
  "0000-00-00",
  "9999-99-99",
  "2026Q5",
];
const NUMERIC_STRINGS = ["-1", "-0", "0", "1", "1.5", "NaN", "Infinity", "-Infinity", "1e309", "0x1F", "1_000", " 42 ", "٣", "１２", "9007199254740993"];
const WRONG_SCALARS: unknown[] = [12345, -1, -0.5, 0, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, false, null, [], {}, "abc"];

function badValue(isQuery: boolean): fc.Arbitrary<unknown> {
  const huge = isQuery ? QUERY_HUGE : BODY_HUGE;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...WRONG_SCALARS), weight: 3 },
    { arbitrary: fc.constantFrom(...NUMERIC_STRINGS), weight: 2 },
    { arbitrary: fc.constantFrom(...STRANGE_STRINGS), weight: 3 },
    { arbitrary: fc.constantFrom(...POLLUTION_VALUES), weight: 2 },
    { arbitrary: fc.constantFrom("字".repeat(huge), "a".repeat(huge * 3), "\ud83d\ude00".repeat(huge / 2)), weight: 1 },
    { arbitrary: fc.constant(Array.from({ length: isQuery ? 300 : 20_000 }, (_, i) => `x${i}`)), weight: 1 },
    { arbitrary: fc.tuple(fc.integer({ min: 20, max: isQuery ? 600 : 1_500 }), fc.constantFrom("array", "object") as fc.Arbitrary<"array" | "object">).map(([d, k]) => nested(d, k)), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64")), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.from(b)]).toString("base64")), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  );
}

// ---------------------------------------------------------------------------------------------
// Valid shapes from a schema, then one mutation

interface IdPools {
  tasks: string[];
  plans: string[];
  units: string[];
  users: string[];
  groups: string[];
  notices: string[];
  notifications: string[];
}

const DEMO_USERNAMES = new Set<string>(ROLES);

function idPoolFor(key: string, ids: IdPools): string[] {
  const k = key.toLowerCase();
  if (k.startsWith("task")) return ids.tasks;
  if (k.startsWith("plan")) return ids.plans;
  if (k.startsWith("unit") || k.startsWith("parent") || k.startsWith("member") || k.startsWith("lead") || k.startsWith("co")) return ids.units;
  if (k.includes("user")) return ids.users;
  if (k.startsWith("group")) return ids.groups;
  return [...ids.notices, ...ids.notifications];
}

function stringFor(schema: JsonSchema, key: string, ids: IdPools, procedure: string): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 30, 30));
  if (procedure === "auth.login" && key === "username") {
    // Never a demo user: failures would count against (and lock) the accounts the other callers use.
    return fc.string({ minLength: 1, maxLength: 20 }).map((s) => `fuzz-${s}`).filter((s) => !DEMO_USERNAMES.has(s));
  }
  if (schema.pattern !== undefined) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? 1_000));
    } catch {
      return fc.string({ minLength: min, maxLength: max });
    }
  }
  const plain = fc.string({ minLength: min, maxLength: max });
  if (/ids?$/i.test(key)) {
    const pool = idPoolFor(key, ids);
    if (pool.length > 0) return fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: plain, weight: 1 });
  }
  return plain;
}

function mainType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  return undefined;
}

/** Values that satisfy the schema (mostly: refinements beyond JSON Schema are not known here). */
function validFor(schema: JsonSchema, key: string, ids: IdPools, procedure: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options !== undefined && options.length > 0) return fc.oneof(...options.map((o) => validFor(o, key, ids, procedure, depth)));
  switch (mainType(schema)) {
    case "string":
      return stringFor(schema, key, ids, procedure);
    case "integer":
      return fc.integer({ min: Math.max(schema.minimum ?? -1_000, -1_000), max: Math.min(schema.maximum ?? 1_000, 1_000) });
    case "number":
      return fc.double({ min: Math.max(schema.minimum ?? -1_000, -1_000), max: Math.min(schema.maximum ?? 1_000, 1_000), noNaN: true });
    case "boolean":
      // Never switch a safety off or a caller out: `disabled`/`required` (TOTP) stay false.
      return key === "disabled" || key === "required" ? fc.constant(false) : fc.boolean();
    case "array": {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(depth > 4 ? fc.constant("x") : validFor(schema.items ?? {}, key, ids, procedure, depth + 1), { minLength, maxLength });
    }
    case "object": {
      const properties = schema.properties ?? {};
      const entries = Object.entries(properties);
      if (entries.length === 0 || depth > 4) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, property] of entries) record[k] = validFor(property, k, ids, procedure, depth + 1);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Path = (string | number)[];

/** Every place in a value where something can be put (the root excluded), to a small depth. */
function pathsOf(value: unknown, prefix: Path = [], depth = 0): Path[] {
  if (depth > 4 || value === null || typeof value !== "object") return [];
  const out: Path[] = [];
  for (const [k, v] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(path, ...pathsOf(v, path, depth + 1));
  }
  return out;
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

type Mutation = "replace" | "delete" | "pollute-key" | "wrap";

function mutate(base: unknown, mutation: Mutation, pick: number, bad: unknown, pollutionKey: string): unknown {
  const value = clone(base);
  const paths = pathsOf(value);
  if (mutation === "wrap" || paths.length === 0 || typeof value !== "object" || value === null) {
    const wraps = [[value], { json: value }, { input: value }, JSON.stringify(value ?? null), bad];
    return wraps[pick % wraps.length];
  }
  const path = paths[pick % paths.length] as Path;
  let parent = value as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (mutation === "replace") parent[last] = bad;
  else if (mutation === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    // An own property named like a prototype key, as JSON.parse makes it — then one real mutation.
    const target = (typeof parent[last] === "object" && parent[last] !== null ? parent[last] : parent) as Record<string, unknown>;
    Object.defineProperty(target, pollutionKey, { value: JSON.parse('{"polluted":"yes","isAdmin":true}') as unknown, enumerable: true, configurable: true, writable: true });
    parent[last] = parent[last] === target ? target : bad;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Raw malformed requests

const BROKEN_JSON = [
  "",
  " ",
  "{",
  "}",
  '{"taskId": ',
  "not json at all",
  "{'single': 'quotes'}",
  '{"a":1}}',
  '{"a":1,}',
  "[1,2,",
  "undefined",
  "NaN",
  "{\"a\":\"\\u12\"}",
  '{"a":"unterminated',
  "\ufeff{}",
  "\u0000",
  '{"__proto__":{"polluted":"yes"}',
  '{"a":1} trailing',
  "01",
  '{"a":' + "1".repeat(400) + "e99999}",
  '{"x":'.repeat(2_000),
  "[".repeat(50_000),
  "]".repeat(10),
];
const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----fuzz",
  "application/octet-stream",
  "application/json; charset=latin1",
  "application/xml",
  "",
  null,
];
const BROKEN_QUERY_STRINGS = ["input=%E0%A4%A", "input=%", "input=%zz", "input", "input=&input=1", "input=%7B%22a%22%3A", "batch=1&input=x", "batch=1&input=%7B%7D", "input=" + "%5B".repeat(2_000)];
const BROKEN_COOKIES = ["duban_session=%E0%A4%A", "duban_session=%", "duban_session", "=;=;", "duban_session=a; duban_session=b", "duban_session=" + "x".repeat(4_000)];

interface RawRequest {
  method: string;
  query: string | null;
  body: string | null;
  contentType: string | null;
  cookie: string | null;
}

// ---------------------------------------------------------------------------------------------

interface Stats {
  requests: number;
  runs: number;
  ok: number;
  byStatus: Map<number, number>;
  nonChineseErrors: Map<string, string>;
}

function newStats(): Stats {
  return { requests: 0, runs: 0, ok: 0, byStatus: new Map(), nonChineseErrors: new Map() };
}

/** The run limits, per property and dialect: a few thousand requests over both dialects in all. */
const LIMITS = {
  random: { numRuns: 700, interruptAfterTimeLimit: 10_000 },
  nearValid: { numRuns: 900, interruptAfterTimeLimit: 14_000 },
  raw: { numRuns: 500, interruptAfterTimeLimit: 7_000 },
};

describe.each(DIALECTS)("fuzzing every procedure as every role (%s)", (dialect) => {
  let app: TestApp;
  let clients: Record<Caller, ApiClient>;
  let db: RawDb;
  let tables: string[];
  let current: Fingerprint;
  let ids: IdPools;
  const stats = { probe: newStats(), random: newStats(), nearValid: newStats(), raw: newStats() };
  const permitted = new Map<string, Caller[]>();
  const started = Date.now();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const signedIn = await loginAll(app, ROLES);
    clients = { ...signedIn, anonymous: app.anonymous() };
    db = app.inner.db as unknown as RawDb;
    tables = await businessTables(db);
    const column = async (table: string, limit = 30) => (await db.selectFrom(table).selectAll().execute()).slice(0, limit).map((r) => String(r.id));
    ids = {
      tasks: await column("tasks"),
      plans: await column("plans"),
      units: await column("units"),
      // Not the callers themselves: a lucky update could lock one of them out.
      users: (await db.selectFrom("users").selectAll().execute()).filter((u) => !DEMO_USERNAMES.has(String(u.username))).map((u) => String(u.id)),
      groups: await column("unit_groups"),
      notices: await column("supervision_notices"),
      notifications: await column("notifications"),
    };
    current = await fingerprint(db, dialect, tables);
    // Who gets past the role check of each procedure: a number is never a valid input, so a 400 means
    // the caller was let through to validation. Half of the fuzzing goes to these callers, so that
    // the inputs reach validation and the services rather than stopping at 401/403.
    for (const procedure of WITH_INPUT) {
      const through: Caller[] = [];
      for (const caller of CALLERS) {
        if (ANONYMOUS_ONLY.has(procedure.path) && caller !== "anonymous") continue;
        let status = 0;
        report(await check(stats.probe, `${procedure.path} as ${caller} with 42`, async () => {
          const response = await callWith(clients[caller], procedure, "42");
          status = response.status;
          return response;
        }));
        if (status === 400) through.push(caller);
      }
      permitted.set(procedure.path, through.length > 0 ? through : [...CALLERS]);
    }
  });

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const lines = Object.entries(stats).map(([name, s]) => {
      const statuses = [...s.byStatus.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(" ");
      return `  ${name}: ${s.runs} runs, ${s.requests} requests, ${s.ok} succeeded; ${statuses}`;
    });
    const nonChinese = Object.values(stats).flatMap((s) => [...s.nonChineseErrors.entries()].map(([k, m]) => `    ${k}: ${m}`));
    console.warn(
      [`fuzz (${dialect}): ${seconds} s`, ...lines, ...(nonChinese.length > 0 ? ["  errors without Chinese (non-empty, allowed):", ...nonChinese.slice(0, 20)] : [])].join("\n"),
    );
    await app?.close();
  });

  /** Sends one request and checks the answer and the database; returns a failure description or null. */
  async function check(s: Stats, label: string, send: () => Promise<Response>): Promise<string | null> {
    s.requests += 1;
    const got = await answer(await send());
    s.byStatus.set(got.status, (s.byStatus.get(got.status) ?? 0) + 1);
    const after = await fingerprint(db, dialect, tables);
    const before = current;
    current = after;
    const problem = problemOf(got);
    if (problem !== null) return `${label}: ${problem} — ${got.status} ${got.text.slice(0, 500)}`;
    if (got.status >= 400) {
      const changed = changedTables(before, after);
      if (changed.length > 0) return `${label}: refused with ${got.status} but rows changed: ${changed.join("; ")} — ${got.text.slice(0, 300)}`;
      const message = errorMessage(Array.isArray(got.json) ? got.json[0] : got.json);
      if (typeof message === "string" && !CJK.test(message)) s.nonChineseErrors.set(`${got.status} ${label.split(" ")[0]}`, message.slice(0, 120));
    } else s.ok += 1;
    return null;
  }

  /** A failure fails the property; with FUZZ_SCAN=1 every failure is listed instead (to triage many at once). */
  function report(failure: string | null) {
    if (failure === null) return;
    if (process.env.FUZZ_SCAN !== "1") throw new Error(failure);
    console.warn(`FUZZ_SCAN ${dialect}: ${failure.slice(0, 600)}`);
  }

  function clientFor(procedure: ProcedureInfo, caller: Caller): ApiClient {
    return ANONYMOUS_ONLY.has(procedure.path) ? clients.anonymous : clients[caller];
  }

  /** Any caller, or (`preferPermitted`) one that the procedure's role check lets through. */
  function callerFor(procedure: ProcedureInfo, pick: { index: number; preferPermitted: boolean }): Caller {
    const pool = pick.preferPermitted ? (permitted.get(procedure.path) ?? CALLERS) : CALLERS;
    return pool[pick.index % pool.length] as Caller;
  }

  /** Calls a procedure the way the tRPC client does: GET ?input= for queries, POST for mutations. */
  function callWith(client: ApiClient, procedure: ProcedureInfo, text: string | undefined): Promise<Response> {
    if (procedure.type === "query") {
      return client.fetch(`/trpc/${procedure.path}${text === undefined ? "" : `?input=${encodeURIComponent(text)}`}`);
    }
    return client.fetch(`/trpc/${procedure.path}`, { method: "POST", headers: { "content-type": "application/json" }, ...(text === undefined ? {} : { body: text }) });
  }

  function assertNoPollution() {
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted, "Object.prototype polluted").toBeUndefined();
    expect(probe.isAdmin, "Object.prototype polluted").toBeUndefined();
  }

  it("covers every procedure of the router", () => {
    expect(PROCEDURES.length).toBeGreaterThan(15);
    expect(PROCEDURES.map((p) => p.path)).toEqual(expect.arrayContaining(["task.transition", "auth.login", "plan.create"]));
    expect(tables).toEqual(expect.arrayContaining(["tasks", "plans", "users", "units", "submissions"]));
    expect(tables).not.toContain("audit_log");
  });

  it(
    "random JSON values to every procedure: never a 5xx or internals, and a refusal changes no row",
    async () => {
      const s = stats.random;
      const value = fc.oneof(
        { arbitrary: fc.anything({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v) as string | undefined })), weight: 2 },
        { arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text: text as string | undefined })), weight: 2 },
        { arbitrary: fc.object({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v) as string | undefined })), weight: 2 },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...PROCEDURES), CALLER_PICK, value, async (procedure, pick, { text }) => {
          s.runs += 1;
          const caller = callerFor(procedure, pick);
          const failure = await check(s, `${procedure.path} as ${caller} with ${String(text).slice(0, 200)}`, () => callWith(clientFor(procedure, caller), procedure, text));
          report(failure);
        }),
        LIMITS.random,
      );
      assertNoPollution();
      expect(s.runs).toBeGreaterThan(50);
    },
    LIMITS.random.interruptAfterTimeLimit * 3,
  );

  it(
    "near-valid inputs (a valid shape, one field mutated) to every procedure: never a 5xx or internals, and a refusal changes no row",
    async () => {
      const s = stats.nearValid;
      const cases = fc.oneof(
        ...WITH_INPUT.map((procedure) =>
          fc
            .tuple(
              validFor(procedure.input as JsonSchema, "", ids, procedure.path),
              fc.constantFrom<Mutation>("replace", "replace", "replace", "replace", "delete", "pollute-key", "wrap"),
              fc.nat(),
              badValue(procedure.type === "query"),
              fc.constantFrom(...POLLUTION_KEYS),
            )
            .map(([base, mutation, pick, bad, key]) => ({ procedure, mutation, input: mutate(base, mutation, pick, bad, key) })),
        ),
      );
      await fc.assert(
        fc.asyncProperty(cases, CALLER_PICK, async ({ procedure, mutation, input }, pick) => {
          s.runs += 1;
          const caller = callerFor(procedure, pick);
          const text = input === undefined ? undefined : JSON.stringify(input);
          const failure = await check(s, `${procedure.path} as ${caller} (${mutation}) with ${String(text).slice(0, 300)}`, () => callWith(clientFor(procedure, caller), procedure, text));
          report(failure);
        }),
        LIMITS.nearValid,
      );
      assertNoPollution();
      expect(s.runs).toBeGreaterThan(50);
    },
    LIMITS.nearValid.interruptAfterTimeLimit * 3,
  );

  it(
    "raw malformed requests (invalid JSON, wrong content type or method, broken encoding or cookie): a 4xx, never a 5xx or internals",
    async () => {
      const s = stats.raw;
      const body = fc.oneof(
        { arbitrary: fc.constantFrom(...BROKEN_JSON), weight: 4 },
        { arbitrary: fc.string({ maxLength: 60 }), weight: 2 },
        { arbitrary: fc.json({ maxDepth: 2 }).map((j) => j.slice(0, Math.max(1, j.length - 1))), weight: 2 },
      );
      const request = fc.record({
        procedure: fc.constantFrom(...PROCEDURES),
        caller: fc.constantFrom(...CALLERS),
        body,
        shape: fc.constantFrom("natural", "natural", "natural", "wrong-method", "broken-query", "broken-cookie"),
        method: fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS"),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        brokenQuery: fc.constantFrom(...BROKEN_QUERY_STRINGS),
        brokenCookie: fc.constantFrom(...BROKEN_COOKIES),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          s.runs += 1;
          const client = clientFor(r.procedure, r.caller);
          const natural = r.procedure.type === "query" ? "GET" : "POST";
          const raw: RawRequest = {
            method: r.shape === "wrong-method" ? (r.procedure.type === "query" ? "POST" : r.method === "OPTIONS" ? "GET" : r.method) : natural,
            query: r.shape === "broken-query" ? r.brokenQuery : natural === "GET" && r.shape !== "wrong-method" ? `input=${encodeURIComponent(r.body)}` : null,
            body: null,
            contentType: r.contentType,
            cookie: r.shape === "broken-cookie" ? r.brokenCookie : null,
          };
          if (raw.method !== "GET" && raw.method !== "HEAD") raw.body = r.body;
          const label = `${raw.method} ${r.procedure.path} as ${r.caller} (${r.shape}, ${String(raw.contentType)}) ${(raw.query ?? "").slice(0, 120)} ${(raw.body ?? "").slice(0, 120)} ${(raw.cookie ?? "").slice(0, 60)}`;
          const path = `/trpc/${r.procedure.path}${raw.query === null ? "" : `?${raw.query}`}`;
          const headers: Record<string, string> = {};
          if (raw.contentType !== null && raw.body !== null) headers["content-type"] = raw.contentType;
          const send = () =>
            raw.cookie === null
              ? client.fetch(path, { method: raw.method, headers, ...(raw.body === null ? {} : { body: raw.body }) })
              : fetch(`${app.baseUrl}${path}`, { method: raw.method, headers: { ...headers, cookie: raw.cookie }, ...(raw.body === null ? {} : { body: raw.body }) });
          const failure = await check(s, label, send);
          report(failure);
        }),
        LIMITS.raw,
      );
      assertNoPollution();
      expect(s.runs).toBeGreaterThan(50);
    },
    LIMITS.raw.interruptAfterTimeLimit * 3,
  );

  it("the cases the fuzzing found are refused with a 4xx and change no row", async () => {
    const s = stats.probe;
    const byPath = new Map(PROCEDURES.map((p) => [p.path, p]));
    const found: [string, Caller, unknown][] = [
      // A parent or member unit that does not exist: a foreign-key violation, answered 500.
      ["unit.create", "sysadmin", { name: "模糊测试单位", kind: "other", parentId: "AA==" }],
      ["unit.saveGroup", "sysadmin", { name: "模糊测试分组", aliases: [], memberIds: ["no-such-unit"] }],
      // U+0000 in a string: PostgreSQL refuses the query, answered 500.
      ["supervision.taskDeadlines", "sysadmin", { taskId: "\u0000" }],
      ["supervision.notices", "wjj", { status: "answered", taskId: "\u0000" }],
      ["supervision.draftNotices", "office", { planId: "\u0000" }],
      ["task.get", "office", { taskId: "a\u0000b" }],
      ["auth.login", "anonymous", { username: "fuzz\u0000user", password: "x" }],
    ];
    for (const [path, caller, input] of found) {
      const procedure = byPath.get(path) as ProcedureInfo;
      const failure = await check(s, `${path} as ${caller} with ${JSON.stringify(input)}`, () => callWith(clients[caller], procedure, JSON.stringify(input)));
      expect(failure).toBeNull();
    }
    // A session cookie with a broken %-escape: decodeURIComponent threw, answered 500.
    for (const cookie of BROKEN_COOKIES) {
      const failure = await check(s, `auth.me with cookie ${cookie.slice(0, 40)}`, () => fetch(`${app.baseUrl}/trpc/auth.me`, { headers: { cookie } }));
      expect(failure).toBeNull();
    }
  });

  it("after the fuzzing every caller is still signed in and the server still answers", async () => {
    expect((await clients.office.fetch("/api/health")).status).toBe(200);
    for (const role of ROLES) expect((await clients[role].trpc.auth.me.query())?.username, role).toBe(role);
  });
});
