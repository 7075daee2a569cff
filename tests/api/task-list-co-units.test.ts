// task.list reads a page's co-units (责任单位) from task_units, not from each task's snapshot: they
// come in the order the plan names them — the order of the snapshot's own list, which task.get
// shows as the 协办意见 — at creation and after a REASSIGN that names them in another order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, loginAll, move, startTestApp, unique, type ApiClient, type TestApp } from "../support/server";

const USERS = ["office", "mzj", "wjs", "jjl", "ybj"] as const;

describe.each(DIALECTS)("task.list co-units (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<(typeof USERS)[number], ApiClient>;
  const unitOf = (client: ApiClient) => client.me?.unitId ?? "";

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The task's co-units as the list shows them, as task.get shows them, and the 协办意见 (the snapshot's order). */
  const views = async (planId: string) => {
    const listed = (await c.office.trpc.task.list.query({ planId, limit: 10 })).items;
    expect(listed).toHaveLength(1);
    const item = listed[0]!;
    const detail = await c.office.trpc.task.get.query({ taskId: item.id });
    return {
      id: item.id,
      list: item.coUnits.map((u) => u.id),
      get: detail.task.coUnits.map((u) => u.id),
      contributions: detail.contributions.map((x) => x.unitId),
      names: item.coUnits.map((u) => u.name),
    };
  };

  it("keeps the plan's order, and a REASSIGN's new order", async () => {
    const co = [unitOf(c.jjl), unitOf(c.ybj), unitOf(c.wjs)];
    const plan = await c.office.trpc.plan.create.mutate({
      title: unique("协办单位顺序"),
      phases: [],
      tasks: [{ path: ["1"], text: "协办单位按方案所列顺序", leadUnitId: unitOf(c.mzj), coUnitIds: co, dueDate: "2099-06-30" }],
    });
    const before = await views(plan.id);
    expect(before.list).toEqual(co);
    expect(before.get).toEqual(co);
    expect(before.contributions).toEqual(co);
    expect(before.names.every((n) => n.length > 0 && !co.includes(n))).toBe(true);

    const reordered = [unitOf(c.wjs), unitOf(c.mzj), unitOf(c.jjl)];
    await move(c.office, before.id, { type: "REASSIGN", leadUnitId: unitOf(c.ybj), coUnitIds: reordered });
    const after = await views(plan.id);
    expect(after.list).toEqual(reordered);
    expect(after.get).toEqual(reordered);
    expect(after.contributions).toEqual(reordered);
    const listed = (await c.office.trpc.task.list.query({ planId: plan.id, limit: 10 })).items[0];
    expect(listed?.leadUnit?.id).toBe(unitOf(c.ybj));
  });
});
