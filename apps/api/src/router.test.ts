// Procedure tests through createCaller with the inner context, each on a fresh in-memory SQLite
// database with the demo data (one test's moves are not seen by the next: each runs alone).
import { listAudit, verifyAuditChain } from "@duban/db";
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InnerContext } from "./context";
import { openDemoApp, signIn } from "./test-support";

let inner: InnerContext;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ inner, close } = await openDemoApp());
}, 60_000);
afterEach(() => close());

async function callerFor(username: string) {
  return (await signIn(inner, username)).caller;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof TRPCError ? error.code : undefined;
}

describe("router through createCaller", () => {
  it("moves a task, refuses a stale version, and audits both", async () => {
    const office = await callerFor("office");
    const mzj = await callerFor("mzj");
    const { items } = await mzj.task.list({ status: "signing", limit: 50 });
    const task = items.find((t) => t.leadUnit?.name === "东西湖区民政局");
    expect(task).toBeDefined();
    if (!task) return;
    const detail = await mzj.task.get({ taskId: task.id });
    expect(detail.availableActions.map((a) => a.type)).toContain("SIGN");
    const signed = await mzj.task.transition({ taskId: task.id, expectedVersion: task.version, event: { type: "SIGN" } });
    expect(signed).toMatchObject({ stage: "deploy", status: "drafting", version: task.version + 1 });

    const stale = await mzj.task
      .transition({ taskId: task.id, expectedVersion: task.version, event: { type: "SUBMIT", text: "方案" } })
      .catch((e: unknown) => e);
    expect(codeOf(stale)).toBe("CONFLICT");

    const refused = await office.task
      .transition({ taskId: task.id, expectedVersion: signed.version, event: { type: "SIGN" } })
      .catch((e: unknown) => e);
    expect(codeOf(refused)).toBe("FORBIDDEN");

    const log = await listAudit(inner.db, { taskId: task.id, limit: 10, order: "asc" });
    expect(log.items.map((r) => [r.action, r.outcome, r.reason_code])).toEqual([
      ["task.SIGN", "ok", null],
      ["task.transition", "refused", "CONFLICT"],
      ["task.transition", "refused", "FORBIDDEN_FOR_ROLE"],
    ]);
    expect((await verifyAuditChain(inner.db)).ok).toBe(true);
  });

  it("lists only what the liaison's unit leads when asked (待签收)", async () => {
    const mzj = await callerFor("mzj");
    const all = await mzj.task.list({ status: "signing", limit: 200 });
    const led = await mzj.task.list({ status: "signing", leadOnly: true, limit: 200 });
    const me = await mzj.auth.me();
    expect(led.items.length).toBeGreaterThan(0);
    expect(led.items.length).toBeLessThan(all.items.length);
    expect(led.items.every((t) => t.leadUnit?.id === me?.unitId)).toBe(true);
  });

  it("keeps the 三员 out of tasks and the log to the auditor", async () => {
    const sysadmin = await callerFor("sysadmin");
    expect(codeOf(await sysadmin.task.list({ limit: 5 }).catch((e: unknown) => e))).toBe("FORBIDDEN");
    expect(codeOf(await sysadmin.audit.list({ limit: 5 }).catch((e: unknown) => e))).toBe("FORBIDDEN");
    const auditor = await callerFor("auditor");
    const page = await auditor.audit.list({ limit: 5 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(codeOf(await auditor.user.list().catch((e: unknown) => e))).toBe("FORBIDDEN");
  });
});
