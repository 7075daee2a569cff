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
