// The office's 督办看板: figures from the data, and a drill-down from a chart's figures to the
// tasks behind them, then on to one task (issue 7).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTasks, seriousAxeFindings, startBrowserHarness, type BrowserHarness } from "../support/browser";

describe("dashboard in the browser", () => {
  let h: BrowserHarness;
  let deployCount: number;
  let handleTaskIds: string[];

  beforeAll(async () => {
    h = await startBrowserHarness("dashboard");
    const tasks = await listTasks(await h.api("office"));
    deployCount = tasks.filter((t) => t.stage === "deploy").length;
    handleTaskIds = tasks.filter((t) => t.stage === "handle").map((t) => t.id);
    // The demo data moves one task into 办理 and leaves the rest in 部署.
    expect(deployCount).toBeGreaterThan(0);
    expect(handleTaskIds.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "shows the figures and drills down from 各阶段任务数 to the tasks and on to one task",
    () =>
      h.run("drill-down", async () => {
        const office = await h.signIn("office");
        await office.goto("/dashboard");
        await office.getByRole("heading", { name: "督办看板", level: 1 }).waitFor();
        const stageFigures = office.getByRole("list", { name: "各阶段任务数" });
        await stageFigures.waitFor();
        expect(await stageFigures.innerText()).toContain(`${deployCount} 项`);
        expect(await seriousAxeFindings(office)).toEqual([]);
        await h.screenshot(office, "office");

        // 部署: the drawer lists exactly the tasks of that stage.
        await office.getByRole("button", { name: `部署 ${deployCount} 项，查看任务` }).click();
        const drawer = office.getByRole("dialog");
        await drawer.getByText(`部署阶段的任务（${deployCount} 项）`).waitFor();
        await expect.poll(() => drawer.locator('a[href^="/tasks/"]').count()).toBe(deployCount);
        await h.screenshot(office, "drill-deploy", { fullPage: false });
        await office.keyboard.press("Escape");
        await drawer.waitFor({ state: "hidden" });

        // 办理: the one task there, and a click through to its page.
        await office.getByRole("button", { name: `办理 ${handleTaskIds.length} 项，查看任务` }).click();
        await expect.poll(() => office.getByRole("dialog").locator('a[href^="/tasks/"]').count()).toBe(handleTaskIds.length);
        const link = office.getByRole("dialog").locator(`a[href="/tasks/${handleTaskIds[0]}"]`).first();
        await link.click();
        await office.waitForURL(`**/tasks/${handleTaskIds[0]}`);
        await office.getByRole("heading", { level: 1 }).waitFor();
        // the heading shows at once; the task's stage once its data has come
        await expect.poll(() => office.locator("#main-content").innerText()).toContain("办理");
      })(),
    120_000,
  );
});
