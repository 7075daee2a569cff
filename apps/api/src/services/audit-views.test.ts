// The audit register: a known move of the demo (the office returns a task) reads with the person's
// name and unit, the task's number and text, the event in Chinese and the state change in words;
// the filters pick from lists; the export keeps the words and the ids side by side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InnerContext } from "../context";
import { openDemoApp, signIn, type Caller } from "../test-support";

let inner: InnerContext;
let close: () => Promise<void>;
let auditor: Caller;

beforeAll(async () => {
  ({ inner, close } = await openDemoApp());
  auditor = (await signIn(inner, "auditor")).caller;
}, 60_000);
afterAll(() => close());

describe("the audit register", () => {
  it("names the person, unit, task, event and state change of a return", async () => {
    const page = await auditor.audit.list({ action: "task.RETURN", limit: 10 });
    const record = page.items[0];
    expect(record).toBeDefined();
    const task = await inner.db.selectFrom("tasks").select(["path", "text"]).where("id", "=", record!.taskId!).executeTakeFirstOrThrow();
    expect(record).toMatchObject({
      actorName: "领导小组办公室 周主任",
      actorUnitName: "东西湖区养老服务工作领导小组办公室",
      actorRoleLabel: "领导小组办公室",
      actionLabel: "退回",
      taskNumber: (JSON.parse(task.path) as string[]).join(""),
      taskText: task.text,
      outcomeLabel: "成功",
    });
    expect(record!.stateChange).toMatch(/^\S.* → 部署 · 已退回$/);
    expect(record!.stateChange).not.toMatch(/[a-z]/);
  });

  it("offers people, units and events by name, and finds tasks by number or text", async () => {
    const options = await auditor.audit.filterOptions();
    expect(options.people.find((p) => p.username === "mzj")).toMatchObject({ name: "民政局联络员 王敏", unitName: "东西湖区民政局", role: "联络员" });
    expect(options.units.some((u) => u.name === "东西湖区民政局")).toBe(true);
    const labels = options.events.map((e) => e.label);
    expect(labels).toEqual(expect.arrayContaining(["登录", "签收", "退回", "导出审计日志"]));
    expect(new Set(labels).size).toBe(labels.length);
    expect(options.events.every((e) => !/[A-Za-z]/.test(e.label))).toBe(true);

    const returned = (await auditor.audit.list({ action: "task.RETURN", limit: 1 })).items[0]!;
    const byNumber = await auditor.audit.findTasks({ q: returned.taskNumber!.split("").join(" › ") });
    expect(byNumber.map((t) => t.id)).toContain(returned.taskId);
    const byText = await auditor.audit.findTasks({ q: returned.taskText!.slice(2, 10) });
    expect(byText.map((t) => t.id)).toContain(returned.taskId);
    await expect(auditor.audit.findTasks({ q: "%" })).resolves.toBeInstanceOf(Array);
  });

  it("exports the words and the ids", async () => {
    const file = await auditor.audit.export({ action: "task.RETURN", format: "csv" });
    const text = Buffer.from(file.base64, "base64").toString("utf8");
    const [header, first] = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(header).toContain('"姓名","单位","角色","事件","任务序号","任务内容","状态变化"');
    expect(header).toContain('"用户ID"');
    expect(header).toContain('"任务ID"');
    const record = (await auditor.audit.list({ action: "task.RETURN", limit: 1 })).items[0]!;
    expect(first).toContain('"领导小组办公室 周主任"');
    expect(first).toContain('"退回"');
    expect(first).toContain('"task.RETURN"');
    expect(first).toContain(`"${record.taskId}"`);
    expect(first).toContain(`"${record.actorUserId}"`);
  });
});
