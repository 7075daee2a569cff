// Tampering with the audit log behind the server's back (a raw connection with the append-only
// triggers dropped): audit.verify, called by the auditor over HTTP, must say ok:false and name the
// first broken record. Each case puts the log back and checks that it verifies again.
import { computeAuditHash, withAuditGuardsDropped, type AuditLogRow } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, DIALECTS, loginAll, move, startTestApp, type ApiClient, type TestApp } from "../support/server";

type Verify = Awaited<ReturnType<ApiClient["trpc"]["audit"]["verify"]["mutate"]>>;

describe.each(DIALECTS)("audit log tampering (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<"mzj" | "office" | "auditor", ApiClient>;
  /** seqs of the ok records of one task's moves, oldest first */
  let moves: { seq: number; action: string }[];

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, ["mzj", "office", "auditor"] as const);
    const [taskId] = (await createPlan(c.office, [{ leadUnitId: c.mzj.me?.unitId ?? "" }])) as [string];
    await move(c.mzj, taskId, { type: "SIGN" });
    await move(c.mzj, taskId, { type: "SUBMIT", text: "办理方案" });
    await move(c.office, taskId, { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化" });
    await move(c.mzj, taskId, { type: "SUBMIT", text: "办理方案（修改）" });
    await move(c.office, taskId, { type: "APPROVE", comment: "同意" });
    const log = await c.auditor.trpc.audit.list.query({ taskId, outcome: "ok" });
    moves = log.items.map((r) => ({ seq: r.seq, action: r.action })).reverse();
    expect(moves.map((m) => m.action)).toEqual(["task.SIGN", "task.SUBMIT", "task.RETURN", "task.SUBMIT", "task.APPROVE"]);
  });
  afterAll(async () => {
    await app?.close();
  });

  const seqOf = (action: string) => {
    const found = moves.find((m) => m.action === action);
    if (found === undefined) throw new Error(`no ${action}`);
    return found.seq;
  };

  async function verify(): Promise<Verify> {
    return c.auditor.trpc.audit.verify.mutate();
  }

  async function readRow(seq: number): Promise<AuditLogRow> {
    const row = await app.inner.db.selectFrom("audit_log").selectAll().where("seq", "=", seq).executeTakeFirstOrThrow();
    return { ...row, seq: Number(row.seq) };
  }

  async function tamper(fn: Parameters<typeof withAuditGuardsDropped>[1]) {
    await withAuditGuardsDropped(app.databaseUrl, fn);
  }

  async function restore(rows: AuditLogRow[]) {
    await tamper(async (raw) => {
      await raw.deleteFrom("audit_log").where("seq", "in", rows.map((r) => r.seq)).execute();
      for (const row of rows) await raw.insertInto("audit_log").values(row).execute();
    });
    expect(await verify()).toMatchObject({ ok: true });
  }

  it("the untouched log verifies, and the append-only guard is back after each tamper", async () => {
    expect(await verify()).toMatchObject({ ok: true });
    const seq = seqOf("task.APPROVE");
    await expect(app.inner.db.updateTable("audit_log").set({ comment: "x" }).where("seq", "=", seq).execute()).rejects.toThrow(/append-only/);
    await expect(app.inner.db.deleteFrom("audit_log").where("seq", "=", seq).execute()).rejects.toThrow(/append-only/);
  });

  it("an edited comment: the edited record is named (hash_mismatch)", async () => {
    const seq = seqOf("task.RETURN");
    const original = await readRow(seq);
    await tamper(async (raw) => {
      await raw.updateTable("audit_log").set({ comment: "材料齐全（已篡改）" }).where("seq", "=", seq).execute();
    });
    const result = await verify();
    expect(result).toMatchObject({ ok: false, brokenAt: { seq, id: original.id, problem: "hash_mismatch" } });
    expect(result.count).toBe(seq - 1);
    // The auditor's check is itself on the record, with what it found.
    const record = (await c.auditor.trpc.audit.list.query({ action: "audit.verify", limit: 1 })).items[0];
    expect(record).toMatchObject({ actorUsername: "auditor", outcome: "ok" });
    await restore([original]);
  });

  it("an edited actor with its own hash recomputed: the next record's link breaks", async () => {
    const seq = seqOf("task.APPROVE");
    const original = await readRow(seq);
    await tamper(async (raw) => {
      const forged = { ...original, actor_username: "mzj", actor_role: "liaison" };
      const hash = computeAuditHash(original.prev_hash, forged, original.hash_alg);
      await raw.updateTable("audit_log").set({ actor_username: "mzj", actor_role: "liaison", hash }).where("seq", "=", seq).execute();
    });
    const result = await verify();
    expect(result).toMatchObject({ ok: false, brokenAt: { seq: seq + 1, problem: "prev_hash_mismatch" } });
    await restore([original]);
  });

  it("a deleted record: the gap is named (seq_gap)", async () => {
    const seq = seqOf("task.RETURN");
    const original = await readRow(seq);
    await tamper(async (raw) => {
      await raw.deleteFrom("audit_log").where("seq", "=", seq).execute();
    });
    const result = await verify();
    expect(result).toMatchObject({ ok: false, brokenAt: { seq, problem: "seq_gap" } });
    expect(result.count).toBe(seq - 1);
    await restore([original]);
  });

  it("two records swapped: the first of them is named", async () => {
    const first = seqOf("task.SUBMIT");
    const second = seqOf("task.RETURN");
    expect(first).toBeLessThan(second);
    const a = await readRow(first);
    const b = await readRow(second);
    await tamper(async (raw) => {
      await raw.deleteFrom("audit_log").where("seq", "in", [first, second]).execute();
      // Each record's content moves to the other's place; everything but the position is kept.
      await raw.insertInto("audit_log").values({ ...b, seq: first }).execute();
      await raw.insertInto("audit_log").values({ ...a, seq: second }).execute();
    });
    const result = await verify();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.brokenAt.seq).toBe(first);
    expect(["prev_hash_mismatch", "hash_mismatch"]).toContain(result.brokenAt.problem);
    await restore([a, b]);
  });

  it("a whole record swapped for a freshly hashed forgery: the forgery's successor is named", async () => {
    const seq = seqOf("task.SUBMIT");
    const original = await readRow(seq);
    await tamper(async (raw) => {
      const forged: AuditLogRow = { ...original, comment: "伪造的办理方案", at: "2020-01-01T00:00:00.000Z" };
      forged.hash = computeAuditHash(forged.prev_hash, forged, forged.hash_alg);
      await raw.deleteFrom("audit_log").where("seq", "=", seq).execute();
      await raw.insertInto("audit_log").values(forged).execute();
    });
    expect(await verify()).toMatchObject({ ok: false, brokenAt: { seq: seq + 1, problem: "prev_hash_mismatch" } });
    await restore([original]);
  });

  it("the newest records cut off: the head no longer matches", async () => {
    const head = (await c.auditor.trpc.audit.list.query({ limit: 2 })).items;
    const rows = await Promise.all(head.map((r) => readRow(r.seq)));
    const lowest = Math.min(...rows.map((r) => r.seq));
    await tamper(async (raw) => {
      await raw.deleteFrom("audit_log").where("seq", ">=", lowest).execute();
    });
    const result = await verify();
    expect(result).toMatchObject({ ok: false, brokenAt: { seq: lowest, id: null, problem: "head_mismatch" } });
    // The failed verification was appended after the head (which still names the cut records);
    // putting them back makes the chain whole again.
    await restore(rows.sort((x, y) => x.seq - y.seq));
  });
});
