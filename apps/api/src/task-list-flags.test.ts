// 我的待办's 催办 and 延期申请 tabs come from server-side filters (task.list urged / extensionRequested):
// an urge puts the task on the lead liaison's list until acknowledged; an extension request puts it
// on the office's list until decided.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDemoApp, signIn, type Caller } from "./test-support";
import type { InnerContext } from "./context";

describe("task.list flags", () => {
  let inner: InnerContext;
  let close: () => Promise<void>;
  let office: Caller;
  let liaison: Caller;
  let task: { id: string; version: number };

  beforeAll(async () => {
    ({ inner, close } = await openDemoApp());
    office = (await signIn(inner, "office")).caller;
    liaison = (await signIn(inner, "mzj")).caller;
    const led = (await liaison.task.list({ leadOnly: true, stage: ["deploy", "handle"], limit: 50 })).items;
    const open = led.find((t) => t.status !== "signing") ?? led[0];
    if (open === undefined) throw new Error("the demo data gives 民政局 no open task");
    task = { id: open.id, version: open.version };
  });
  afterAll(async () => {
    await close();
  });

  const move = async (who: Caller, event: Parameters<Caller["task"]["transition"]>[0]["event"]) => {
    const r = await who.task.transition({ taskId: task.id, expectedVersion: task.version, event });
    task.version = r.version;
  };
  const ids = async (who: Caller, filter: { urged?: boolean; extensionRequested?: boolean }) => (await who.task.list({ ...filter, limit: 500 })).items.map((t) => t.id);

  it("an urge lists the task under 催办 for the lead unit until it is acknowledged", async () => {
    expect(await ids(liaison, { urged: true })).not.toContain(task.id);
    await move(office, { type: "URGE", text: "请加快办理" });
    expect(await ids(liaison, { urged: true })).toContain(task.id);
    expect(await ids(office, { urged: true })).toContain(task.id);
    const item = (await liaison.task.list({ urged: true, limit: 500 })).items.find((t) => t.id === task.id);
    expect(item?.openNotices).toBe(1);
    await move(liaison, { type: "ACKNOWLEDGE" });
    expect(await ids(liaison, { urged: true })).not.toContain(task.id);
  });

  it("an extension request lists the task under 延期申请 for the office until it is decided", async () => {
    expect(await ids(office, { extensionRequested: true })).not.toContain(task.id);
    await move(liaison, { type: "REQUEST_EXTENSION", requestedDueDate: "2027-12-31", reason: "需协调多部门，申请延期" });
    expect(await ids(office, { extensionRequested: true })).toContain(task.id);
    await move(office, { type: "DECIDE_EXTENSION", granted: false, comment: "不同意" });
    expect(await ids(office, { extensionRequested: true })).not.toContain(task.id);
  });
});

describe("task.list ratedByMe", () => {
  let inner: InnerContext;
  let close: () => Promise<void>;
  let callers: Record<string, Caller>;
  let task: { id: string; version: number };

  beforeAll(async () => {
    ({ inner, close } = await openDemoApp());
    callers = {};
    for (const u of ["office", "mzj", "evaluator1", "evaluator2"]) callers[u] = (await signIn(inner, u)).caller;
    const unitId = (await (callers.mzj as Caller).auth.me())?.unitId as string;
    const plan = await (callers.office as Caller).plan.create({
      title: "测评筛选方案",
      phases: [],
      tasks: [{ path: ["1"], text: "测评筛选任务", leadUnitId: unitId, coUnitIds: [], dueDate: "2027-06-30" }],
    });
    const created = (await (callers.office as Caller).task.list({ planId: plan.id, limit: 10 })).items[0];
    if (created === undefined) throw new Error("plan.create made no task");
    task = { id: created.id, version: created.version };
    // To 满意度测评 the shortest way the lifecycle allows.
    const moves: [string, Parameters<Caller["task"]["transition"]>[0]["event"]][] = [
      ["mzj", { type: "SIGN" }],
      ["mzj", { type: "SUBMIT", text: "办理方案" }],
      ["office", { type: "APPROVE" }],
      ["mzj", { type: "SUBMIT", text: "完成情况报告" }],
      ["office", { type: "APPROVE" }],
      ["office", { type: "RECORD_INSPECTION", text: "检查无问题", items: [] }],
      ["mzj", { type: "SUBMIT", text: "检查情况" }],
      ["office", { type: "PASS_INSPECTION" }],
      ["mzj", { type: "SUBMIT", text: "工作总结", resolutionClass: "A" }],
      ["office", { type: "APPROVE" }],
    ];
    for (const [who, event] of moves) {
      task.version = (await (callers[who] as Caller).task.transition({ taskId: task.id, expectedVersion: task.version, event })).version;
    }
  });
  afterAll(async () => {
    await close();
  });

  const listed = async (who: string, ratedByMe: boolean) =>
    (await (callers[who] as Caller).task.list({ stage: ["evaluate"], ratedByMe, limit: 500 })).items.map((t) => t.id);

  it("待测评 lists what this evaluator has not rated in the current round; 已测评 what they have", async () => {
    expect(await listed("evaluator1", false)).toContain(task.id);
    expect(await listed("evaluator1", true)).not.toContain(task.id);
    task.version = (await (callers.evaluator1 as Caller).task.transition({ taskId: task.id, expectedVersion: task.version, event: { type: "RATE", rating: "satisfied" } })).version;
    expect(await listed("evaluator1", false)).not.toContain(task.id);
    expect(await listed("evaluator1", true)).toContain(task.id);
    // another evaluator's list is their own
    expect(await listed("evaluator2", false)).toContain(task.id);
    expect(await listed("evaluator2", true)).not.toContain(task.id);
  });
});
