// Many users pressing the same button at once: with the same expectedVersion exactly one move wins,
// the others get CONFLICT, and nothing is half-written — one version step, one ok audit record, one
// set of business rows, and the audit chain still verifies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempt,
  createPlan,
  DIALECTS,
  move,
  refusalsSince,
  startTestApp,
  type ApiClient,
  type TestApp,
  type TransitionEvent,
} from "../support/server";

const RACERS = 20;

describe.each(DIALECTS)("concurrent moves on one task (%s)", (dialect) => {
  let app: TestApp;
  let offices: ApiClient[];
  let liaisons: ApiClient[];
  let mzj: ApiClient;
  let auditor: ApiClient;
  let lead: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    // Separate sessions (own cookies) of the office and of the lead unit's liaison.
    offices = [];
    for (let i = 0; i < RACERS; i += 1) offices.push(await app.login("office"));
    liaisons = [];
    for (let i = 0; i < RACERS; i += 1) liaisons.push(await app.login("mzj"));
    mzj = liaisons[0] as ApiClient;
    auditor = await app.login("auditor");
    lead = mzj.me?.unitId ?? "";
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Fires the same event from every client at once; returns the outcomes. */
  async function race(clients: ApiClient[], taskId: string, expectedVersion: number, event: TransitionEvent) {
    return Promise.all(clients.map((client) => attempt(client.trpc.task.transition.mutate({ taskId, expectedVersion, event }))));
  }

  function expectOneWinner(outcomes: Awaited<ReturnType<typeof race>>, version: number) {
    const winners = outcomes.filter((o) => o.ok);
    const losers = outcomes.filter((o) => !o.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ ok: true, value: { version: version + 1 } });
    expect(losers).toHaveLength(RACERS - 1);
    for (const loser of losers) expect(loser).toMatchObject({ ok: false, code: "CONFLICT", appCode: "CONFLICT", httpStatus: 409 });
  }

  async function auditCounts(taskId: string, action: string) {
    const ok = await auditor.trpc.audit.list.query({ taskId, action, outcome: "ok", limit: 500 });
    // Refusals of one source come as a burst: its first record plus a summary counting the rest.
    const refused = await refusalsSince(app, 0, { taskId, action: "task.transition" });
    return { ok: ok.items, refused };
  }

  it(`${RACERS} office clients APPROVE one submitted task at once: exactly one wins`, async () => {
    const [taskId] = (await createPlan(offices[0] as ApiClient, [{ leadUnitId: lead }])) as [string];
    await move(mzj, taskId, { type: "SIGN" });
    await move(mzj, taskId, { type: "SUBMIT", text: "办理方案" });
    const before = (await mzj.trpc.task.get.query({ taskId })).task;
    expect(before).toMatchObject({ stage: "deploy", status: "submitted" });

    const outcomes = await race(offices, taskId, before.version, { type: "APPROVE", comment: "同意" });
    expectOneWinner(outcomes, before.version);

    const after = await mzj.trpc.task.get.query({ taskId });
    expect(after.task).toMatchObject({ version: before.version + 1, stage: "handle", status: "drafting" });
    expect(after.history.filter((h) => h.action === "task.APPROVE")).toHaveLength(1);
    const log = await auditCounts(taskId, "task.APPROVE");
    expect(log.ok).toHaveLength(1);
    expect(log.refused.count).toBe(RACERS - 1);
    expect(log.refused.records.every((r) => r.reason_code === "CONFLICT")).toBe(true);
    expect(await auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });

  it(`${RACERS} sessions of the lead liaison SUBMIT at once: one submission row, one record`, async () => {
    const [taskId] = (await createPlan(offices[0] as ApiClient, [{ leadUnitId: lead }])) as [string];
    await move(mzj, taskId, { type: "SIGN" });
    const before = (await mzj.trpc.task.get.query({ taskId })).task;

    const outcomes = await race(liaisons, taskId, before.version, { type: "SUBMIT", text: "办理方案（并发）" });
    expectOneWinner(outcomes, before.version);

    const after = await mzj.trpc.task.get.query({ taskId });
    expect(after.task).toMatchObject({ version: before.version + 1, status: "submitted" });
    expect(after.submissions).toHaveLength(1);
    const rows = await app.inner.db.selectFrom("submissions").select("id").where("task_id", "=", taskId).execute();
    expect(rows).toHaveLength(1);
    expect((await auditCounts(taskId, "task.SUBMIT")).ok).toHaveLength(1);
    expect(await auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });

  it(`${RACERS} office clients RECORD_INSPECTION with items at once: one set of rectification items`, async () => {
    const [taskId] = (await createPlan(offices[0] as ApiClient, [{ leadUnitId: lead }])) as [string];
    await move(mzj, taskId, { type: "SIGN" });
    await move(mzj, taskId, { type: "SUBMIT", text: "办理方案" });
    await move(offices[0] as ApiClient, taskId, { type: "APPROVE" });
    await move(mzj, taskId, { type: "SUBMIT", text: "完成情况" });
    await move(offices[0] as ApiClient, taskId, { type: "APPROVE" });
    const before = (await mzj.trpc.task.get.query({ taskId })).task;
    expect(before.stage).toBe("inspect");

    const outcomes = await race(offices, taskId, before.version, { type: "RECORD_INSPECTION", text: "检查", items: ["问题一", "问题二"] });
    expectOneWinner(outcomes, before.version);

    const after = await mzj.trpc.task.get.query({ taskId });
    expect(after.rectificationItems.map((i) => i.id)).toEqual(["R1-1", "R1-2"]);
    const items = await app.inner.db.selectFrom("rectification_items").select("id").where("task_id", "=", taskId).execute();
    expect(items).toHaveLength(2);
    const inspections = await app.inner.db
      .selectFrom("submissions")
      .select("id")
      .where("task_id", "=", taskId)
      .where("kind", "=", "inspection")
      .execute();
    expect(inspections).toHaveLength(1);
    expect((await auditCounts(taskId, "task.RECORD_INSPECTION")).ok).toHaveLength(1);
    expect(await auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });

  it("two different moves racing on one version: exactly one applies", async () => {
    const [taskId] = (await createPlan(offices[0] as ApiClient, [{ leadUnitId: lead }])) as [string];
    await move(mzj, taskId, { type: "SIGN" });
    await move(mzj, taskId, { type: "SUBMIT", text: "办理方案" });
    const before = (await mzj.trpc.task.get.query({ taskId })).task;
    const events: TransitionEvent[] = [
      { type: "APPROVE" },
      { type: "RETURN", toStage: "deploy", reason: "other", text: "退回" },
    ];
    const outcomes = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        attempt(
          (i % 3 === 2 ? liaisons[i] : offices[i])!.trpc.task.transition.mutate({
            taskId,
            expectedVersion: before.version,
            event: i % 3 === 2 ? { type: "WITHDRAW" } : (events[i % 2] as TransitionEvent),
          }),
        ),
      ),
    );
    expectOneWinner(outcomes, before.version);
    const after = await mzj.trpc.task.get.query({ taskId });
    expect(after.task.version).toBe(before.version + 1);
    const moves = after.history.filter((h) => ["task.APPROVE", "task.RETURN", "task.WITHDRAW"].includes(h.action));
    expect(moves).toHaveLength(1);
    expect(await auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });
});
