// Malformed and oversized input to every procedure, over the wire. The procedures are enumerated
// from the router and their inputs described from their own zod schemas, so a new procedure is
// covered without touching this file. Every answer is a 4xx with a clear message (Chinese where it
// comes from our validation) — never a 500, never a stack trace or a file path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCEDURES, type JsonSchema, type ProcedureInfo } from "../support/procedures";
import { auditSeq, DIALECTS, loginAll, refusalsSince, samplePdf, startTestApp, unique, uploadFile, type ApiClient, type TestApp } from "../support/server";

const WITH_INPUT = PROCEDURES.filter((p) => p.input !== null);
const WITHOUT_INPUT = PROCEDURES.filter((p) => p.input === null);

const CJK = /[\u4e00-\u9fff]/;

function mainType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  for (const option of schema.anyOf ?? schema.oneOf ?? []) {
    const t = mainType(option);
    if (t !== undefined && t !== "null") return t;
  }
  return undefined;
}

function maxLengthOf(schema: JsonSchema): number | undefined {
  return schema.maxLength ?? (schema.anyOf ?? []).map(maxLengthOf).find((m) => m !== undefined);
}

/** A value of the wrong type for a property, or undefined when any value would do. */
function wrongValue(schema: JsonSchema): unknown {
  switch (mainType(schema)) {
    case "string":
      return 12345;
    case "number":
    case "integer":
      return "abc";
    case "boolean":
      return "yes";
    case "array":
      return "not-a-list";
    case "object":
      return 7;
    default:
      return undefined;
  }
}

interface BadCase {
  name: string;
  input: unknown;
}

/** The malformed inputs for one procedure, derived from its schema. */
function badInputs(schema: JsonSchema): BadCase[] {
  const cases: BadCase[] = [
    { name: "a number instead of an object", input: 42 },
    { name: "a string instead of an object", input: "hello" },
    { name: "a list instead of an object", input: [1, 2, 3] },
  ];
  if ((schema.required ?? []).length > 0) cases.push({ name: "every required field missing", input: {} });
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const wrong = wrongValue(property);
    if (wrong !== undefined) cases.push({ name: `${key}: wrong type`, input: { [key]: wrong } });
    const max = maxLengthOf(property);
    // Over the limit; queries travel in the URL, where a modest overshoot is enough.
    if (max !== undefined && max <= 100_000) cases.push({ name: `${key}: ${max + 1} characters`, input: { [key]: "字".repeat(max + 1) } });
    if (mainType(property) === "array" && property.maxItems !== undefined) {
      cases.push({ name: `${key}: ${property.maxItems + 1} items`, input: { [key]: Array.from({ length: property.maxItems + 1 }, () => "x") } });
    }
  }
  return cases;
}

/** A response body must not reveal the server's insides. */
function expectNoInternals(body: string, label: string) {
  expect(body, label).not.toMatch(/\n\s+at\s/);
  expect(body, label).not.toMatch(/\bat [\w.<>]+ \(/);
  expect(body, label).not.toMatch(/\/work\/|node_modules|[\w-]+\.(ts|js|mjs):\d+/);
  expect(body, label).not.toMatch(/"stack"/);
  expect(body, label).not.toMatch(/SQLITE|sqlite3|postgres|kysely|relation "|syntax error/i);
}

interface Answer {
  status: number;
  text: string;
  json: { error?: { message?: string; data?: { code?: string; appCode?: string | null; httpStatus?: number } } } | null;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Answer["json"] = null;
  try {
    json = JSON.parse(text) as Answer["json"];
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}

/** Calls a procedure over the wire with a raw input (already JSON text, or a value to encode). */
async function call(client: ApiClient, procedure: ProcedureInfo, input: { json: string } | { value: unknown }): Promise<Answer> {
  const text = "json" in input ? input.json : JSON.stringify(input.value);
  if (procedure.type === "query") {
    return answer(await client.fetch(`/trpc/${procedure.path}?input=${encodeURIComponent(text)}`));
  }
  return answer(await client.fetch(`/trpc/${procedure.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: text }));
}

const USERS = ["office", "mzj", "leader", "evaluator1", "auditor", "sysadmin", "secadmin"] as const;
type User = (typeof USERS)[number];

describe.each(DIALECTS)("malformed and oversized input (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<User, ApiClient>;
  let anonymous: ApiClient;
  /** For each procedure with input: a client its role check lets through to validation. */
  const permitted = new Map<string, ApiClient>();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
    anonymous = app.anonymous();
    // A number is never a valid input object: the first caller answered 400 has passed the role check.
    for (const procedure of WITH_INPUT) {
      for (const client of [anonymous, ...USERS.map((u) => c[u])]) {
        const probe = await call(client, procedure, { value: 42 });
        if (probe.status === 400) {
          permitted.set(procedure.path, client);
          break;
        }
        expect([401, 403], `${procedure.path} probe`).toContain(probe.status);
      }
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the router has procedures, and every one that takes input is reachable by some user", () => {
    expect(PROCEDURES.length).toBeGreaterThan(15);
    expect(PROCEDURES.map((p) => p.path)).toContain("task.transition");
    for (const procedure of WITH_INPUT) expect(permitted.has(procedure.path), procedure.path).toBe(true);
  });

  it.each(WITH_INPUT.map((p) => [p.path, p] as const))("%s: malformed inputs get 400 with a Chinese message", async (_path, procedure) => {
    const client = permitted.get(procedure.path) as ApiClient;
    const cases = badInputs(procedure.input as JsonSchema);
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const bad of cases) {
      const label = `${procedure.path} — ${bad.name}`;
      const got = await call(client, procedure, { value: bad.input });
      expect(got.status, label).toBe(400);
      expect(got.json?.error?.data, label).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
      expect(got.json?.error?.message, label).toMatch(CJK);
      expectNoInternals(got.text, label);
    }
  });

  it.each(WITH_INPUT.map((p) => [p.path, p] as const))("%s: a body that is not JSON gets a 4xx", async (_path, procedure) => {
    const client = permitted.get(procedure.path) as ApiClient;
    for (const json of ['{"taskId": ', "not json at all", "{'single': 'quotes'}", '{"a":1}}']) {
      const got = await call(client, procedure, { json });
      expect(got.status, `${procedure.path} ${json}`).toBeGreaterThanOrEqual(400);
      expect(got.status, `${procedure.path} ${json}`).toBeLessThan(500);
      expectNoInternals(got.text, procedure.path);
    }
  });

  it.each(WITHOUT_INPUT.map((p) => [p.path, p] as const))("%s (no input): garbage in the request is never a 500", async (_path, procedure) => {
    for (const json of ["not json", "42", '{"x":'.repeat(50)]) {
      const got = await call(anonymous, procedure, { json });
      expect(got.status, `${procedure.path} ${json}`).toBeLessThan(500);
      expectNoInternals(got.text, procedure.path);
    }
  });

  it("task.transition: unknown event type, non-numeric version, fractional or negative version, event fields of the wrong kind", async () => {
    const transition = PROCEDURES.find((p) => p.path === "task.transition") as ProcedureInfo;
    const { items } = await c.office.trpc.task.list.query({ limit: 1 });
    const taskId = items[0]?.id as string;
    const cases: [string, unknown][] = [
      ["unknown event type", { taskId, expectedVersion: 1, event: { type: "FLY_TO_THE_MOON" } }],
      ["lower-case event type", { taskId, expectedVersion: 1, event: { type: "approve" } }],
      ["event without type", { taskId, expectedVersion: 1, event: { comment: "x" } }],
      ["non-numeric version", { taskId, expectedVersion: "abc", event: { type: "URGE" } }],
      ["numeric string version", { taskId, expectedVersion: "1", event: { type: "URGE" } }],
      ["fractional version", { taskId, expectedVersion: 1.5, event: { type: "URGE" } }],
      ["negative version", { taskId, expectedVersion: -1, event: { type: "URGE" } }],
      ["unknown return reason", { taskId, expectedVersion: 1, event: { type: "RETURN", toStage: "deploy", reason: "because", text: "x" } }],
      ["bad file hash", { taskId, expectedVersion: 1, event: { type: "REPORT_PROGRESS", text: "x", fileHashes: ["../../etc/passwd"] } }],
      ["percent over 100", { taskId, expectedVersion: 1, event: { type: "REPORT_PROGRESS", text: "x", percent: 101 } }],
      ["bad date", { taskId, expectedVersion: 1, event: { type: "REQUEST_EXTENSION", requestedDueDate: "明年", reason: "x" } }],
      ["text over 20000 characters", { taskId, expectedVersion: 1, event: { type: "SUBMIT", text: "字".repeat(20_001) } }],
      ["a 1 MB comment", { taskId, expectedVersion: 1, event: { type: "URGE", text: "字".repeat(1_000_000) } }],
      ["101 rectification items", { taskId, expectedVersion: 1, event: { type: "RECORD_INSPECTION", text: "x", items: Array.from({ length: 101 }, () => "问题") } }],
    ];
    const before = (await c.office.trpc.task.get.query({ taskId })).task.version;
    const seq = await auditSeq(app);
    for (const [name, input] of cases) {
      const got = await call(c.office, transition, { value: input });
      expect(got.status, name).toBe(400);
      expect(got.json?.error?.message, name).toMatch(CJK);
      expect(got.json?.error?.data?.appCode, name).toBe("BAD_INPUT");
      expectNoInternals(got.text, name);
    }
    // A well-formed move naming a unit that does not exist: a clear 400, never a foreign-key 500.
    for (const event of [
      { type: "REASSIGN", leadUnitId: "no-such-unit", coUnitIds: [] },
      { type: "SPLIT", parts: [{ text: "子任务", leadUnitId: "no-such-unit" }] },
    ]) {
      const got = await call(c.office, transition, { value: { taskId, expectedVersion: before, event } });
      expect(got.status, event.type).toBe(400);
      expect(got.json?.error?.data?.appCode, event.type).toBe("BAD_INPUT");
      expect(got.json?.error?.message, event.type).toMatch(/单位不存在/);
    }
    expect((await c.office.trpc.task.get.query({ taskId })).task.version).toBe(before);
    // Validation failures of mutations are audited as refusals too (one burst: a record and a summary).
    const refused = await refusalsSince(app, seq, { action: "task.transition", actorUserId: c.office.me?.id ?? "" }, "BAD_INPUT");
    expect(refused.count).toBeGreaterThanOrEqual(cases.length);
    expect(refused.records.length).toBeLessThanOrEqual(2);
  });

  it("a 40 MB request body is refused with 413, and the server keeps serving", async () => {
    const huge = `{"taskId":"${"a".repeat(40 * 1024 * 1024)}","expectedVersion":1,"event":{"type":"URGE"}}`;
    const response = await c.office.fetch("/trpc/task.transition", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    });
    const got = await answer(response);
    expect(got.status).toBe(413);
    expect(got.json?.error?.data?.code).toBe("PAYLOAD_TOO_LARGE");
    expectNoInternals(got.text, "40 MB body");
    expect((await c.office.fetch("/api/health")).status).toBe(200);
    expect((await c.office.trpc.auth.me.query())?.username).toBe("office");
  });

  it("file uploads: too large → 413; wrong or disguised type, empty → 400; roles that may not upload → 403", async () => {
    const limit = app.config.maxUploadBytes;
    const big = Buffer.concat([samplePdf(unique("big")), Buffer.alloc(limit + 1024, 0x20)]);
    const tooBig = await answer(await uploadFile(c.mzj, "big.pdf", big));
    expect(tooBig.status).toBe(413);
    expect(tooBig.json?.error?.message).toMatch(CJK);
    expectNoInternals(tooBig.text, "too large");

    const refusedUploads: [string, Buffer][] = [
      ["tool.exe", Buffer.from("MZ\x90\x00\x03\x00\x00\x00 this program cannot be run", "latin1")],
      ["fake.pdf", Buffer.from("<html><script>alert(1)</script></html>")],
      ["picture.png", samplePdf(unique("mismatch"))],
      ["notes.txt", Buffer.from("plain text")],
      ["empty.pdf", Buffer.alloc(0)],
      ["noextension", samplePdf(unique("noext"))],
    ];
    for (const [name, bytes] of refusedUploads) {
      const got = await answer(await uploadFile(c.mzj, name, bytes));
      expect(got.status, name).toBe(400);
      expect(got.json?.error?.message, name).toMatch(CJK);
      expectNoInternals(got.text, name);
    }
    for (const user of ["auditor", "sysadmin", "secadmin", "evaluator1"] as const) {
      const got = await answer(await uploadFile(c[user], "ok.pdf", samplePdf(unique(user))));
      expect(got.status, user).toBe(403);
    }
    const anonymousUpload = await answer(await uploadFile(anonymous, "ok.pdf", samplePdf(unique("anon"))));
    expect(anonymousUpload.status).toBe(401);
    // Bad file ids are plain 404s.
    for (const id of ["../../etc/passwd", "%2e%2e%2fpackage.json", "0".repeat(64), "ABC"]) {
      const got = await answer(await c.office.fetch(`/api/files/${id}`));
      expect(got.status, id).toBe(404);
      expectNoInternals(got.text, id);
    }
  });

  it("unknown procedures and paths are 404s without internals", async () => {
    for (const path of ["/trpc/task.explode", "/trpc/", "/trpc/audit.list.x", "/api/nothing", "/trpc/task.get,task.list?batch=1"]) {
      const got = await answer(await c.office.fetch(path));
      expect(got.status, path).toBeGreaterThanOrEqual(400);
      expect(got.status, path).toBeLessThan(500);
      expectNoInternals(got.text, path);
    }
  });
});
