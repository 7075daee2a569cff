// Who sees what on a task page: the lead unit's liaison is offered 签收; a co-unit sees the task but
// has nothing to do yet; a liaison of a unit that does not hold the task cannot open it at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionLabels, actionsCard, demoTask, openTask, startBrowserHarness, type BrowserHarness } from "../support/browser";

describe("task access in the browser", () => {
  let h: BrowserHarness;
  let taskId: string;

  beforeAll(async () => {
    h = await startBrowserHarness("access");
    const office = await h.api("office");
    // 二/（三）/1: led by 区民政局 (mzj) with 财政局, 卫生健康局, 医疗保障局 — not 教育局 (jyj).
    const task = await demoTask(office, "二/（三）/1");
    expect(task).toMatchObject({ stage: "deploy", status: "signing" });
    expect(task.coUnits.map((u) => u.name)).not.toContain("东西湖区教育局");
    taskId = task.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "the lead liaison sees 签收; a co-unit liaison sees no action; another unit's liaison cannot open the task",
    h_run("lead-co-other", async () => {
      const mzj = await h.signIn("mzj");
      await openTask(mzj, taskId);
      expect(await actionLabels(mzj)).toEqual(expect.arrayContaining(["签收"]));
      await h.screenshot(mzj, "lead-liaison-task");

      const wjj = await h.signIn("wjj");
      await openTask(wjj, taskId);
      expect(await actionLabels(wjj)).toEqual([]);
      await expect.poll(() => actionsCard(wjj).innerText()).toContain("当前没有需要您处理的操作");

      const jyj = await h.signIn("jyj");
      await jyj.goto(`/tasks/${taskId}`);
      await jyj.getByRole("heading", { name: "无法打开任务", level: 1 }).waitFor();
      const body = await jyj.locator("#main-content").innerText();
      expect(body).toContain("任务不存在或您无权查看");
      expect(await jyj.getByRole("button", { name: "签收" }).count()).toBe(0);
      expect(await actionsCard(jyj).count()).toBe(0);
      await h.screenshot(jyj, "other-liaison-denied");
      // Nor does 教育局's plan view list it.
      const own = await demoTask(await h.api("jyj"), "二/（五）/1");
      await jyj.goto(`/plans/${own.planId}`);
      await jyj.locator(`a[href="/tasks/${own.id}"]`).waitFor();
      expect(await jyj.locator(`a[href="/tasks/${taskId}"]`).count()).toBe(0);
    }),
  );

  function h_run(name: string, body: () => Promise<void>) {
    return () => h.run(name, body)();
  }
});
