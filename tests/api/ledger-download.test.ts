// The 台账 as a real download: GET /api/exports/ledger?planId=… streams the .xlsx the tRPC procedure
// supervision.exportLedger returns as base64 — the same file content, the same checks (signed in,
// the "oversee" capability, an existing plan), the same audit record for the export and for each
// refusal, under the procedure's name.
import { listAudit } from "@duban/db";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSeq, DIALECTS, loginAll, refusalsSince, startTestApp, type ApiClient, type TestApp } from "../support/server";

const USERS = ["office", "leader", "mzj", "sysadmin"] as const;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Every row's values and the merged ranges: what the ledger says. */
async function contentOf(bytes: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: unknown[] = [];
  sheet.eachRow((row, n) => rows.push([n, row.values]));
  return { name: sheet.name, rows, merges: (sheet.model as { merges?: string[] }).merges, pageSetup: sheet.pageSetup, views: sheet.views };
}

describe.each(DIALECTS)("ledger download (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<(typeof USERS)[number], ApiClient>;
  let planId: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
    const plans = await c.office.trpc.plan.list.query();
    planId = plans[0]?.id ?? "";
    expect(planId).not.toBe("");
  });
  afterAll(async () => {
    await app?.close();
  });

  const lastExport = async () => (await listAudit(app.inner.db, { action: "supervision.exportLedger", outcome: "ok", order: "desc", limit: 1 })).items[0];

  it("sends the procedure's file as an attachment, audited as the procedure audits it", async () => {
    const viaTrpc = await c.office.trpc.supervision.exportLedger.mutate({ planId });
    const trpcRecord = await lastExport();
    const res = await c.office.fetch(`/api/exports/ledger?planId=${encodeURIComponent(planId)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(viaTrpc.filename)}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const bytes = Buffer.from(await res.arrayBuffer());
    const downloaded = await contentOf(bytes);
    expect(downloaded).toEqual(await contentOf(Buffer.from(viaTrpc.base64, "base64")));
    expect(downloaded.rows.length).toBeGreaterThan(3);

    const record = await lastExport();
    expect(record?.seq).toBeGreaterThan(trpcRecord?.seq ?? Infinity);
    const fields = (r: typeof record) => r && { action: r.action, actor: r.actor_user_id, role: r.actor_role, object: [r.object_type, r.object_id], detail: JSON.parse(r.detail) as unknown, ip: r.client_ip };
    expect(fields(record)).toEqual(fields(trpcRecord));
    expect(fields(record)).toMatchObject({ object: ["plan", planId], detail: { tasks: expect.any(Number) } });
    // a leader oversees too (read to its end: the export is audited before the last bytes leave, so
    // the next test's "no new export record" starts after this one's record)
    const leaders = await c.leader.fetch(`/api/exports/ledger?planId=${encodeURIComponent(planId)}`);
    expect(leaders.status).toBe(200);
    expect((await leaders.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it("refuses whom the procedure refuses, with the procedure's audit record, and writes no export record", async () => {
    const before = (await lastExport())?.seq;
    const since = await auditSeq(app);
    const ask = async (client: ApiClient, query: string, init?: RequestInit) => {
      const res = await client.fetch(`/api/exports/ledger${query}`, init);
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      return [res.status, body.error?.code];
    };
    const q = `?planId=${encodeURIComponent(planId)}`;
    expect(await ask(app.anonymous(), q)).toEqual([401, "UNAUTHORIZED"]);
    expect(await ask(c.mzj, q)).toEqual([403, "FORBIDDEN"]); // a liaison does not oversee
    expect(await ask(c.sysadmin, q)).toEqual([403, "FORBIDDEN"]);
    expect(await ask(c.office, "?planId=no-such-plan")).toEqual([404, "NOT_FOUND"]);
    expect(await ask(c.office, "")).toEqual([400, "BAD_INPUT"]);
    expect(await ask(c.office, `?planId=${"x".repeat(65)}`)).toEqual([400, "BAD_INPUT"]);
    expect(await ask(c.office, q, { method: "POST" })).toEqual([404, "NOT_FOUND"]);
    expect((await lastExport())?.seq).toBe(before);

    const refused = await refusalsSince(app, since, { action: "supervision.exportLedger" });
    expect(refused.count).toBe(7);
    const forbidden = refused.records.find((r) => r.actor_user_id === c.mzj.me?.id);
    expect(forbidden).toMatchObject({ reason_code: "FORBIDDEN", object_type: "plan", object_id: planId, actor_role: "liaison" });
    // the tRPC procedure's refusal of the same request is the same record
    const trpcSince = await auditSeq(app);
    await expect(c.mzj.trpc.supervision.exportLedger.mutate({ planId })).rejects.toThrow();
    const viaTrpc = (await refusalsSince(app, trpcSince, { action: "supervision.exportLedger" })).records[0];
    const fields = (r: typeof forbidden) => r && [r.action, r.reason_code, r.object_type, r.object_id, r.actor_user_id, r.comment];
    expect(fields(viaTrpc)).toEqual(fields(forbidden));
  });
});
