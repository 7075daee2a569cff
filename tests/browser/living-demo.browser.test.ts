// The demo `pnpm start` shows lives in the present: on the office's 督办看板 the 办理 stage's
// tasks carry all three marks — red (逾期), yellow (临期) and green (正常).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTasks, startBrowserHarness, type BrowserHarness } from "../support/browser";

describe("the living demo in the browser", () => {
  let h: BrowserHarness;
  let handleCount: number;

  beforeAll(async () => {
    h = await startBrowserHarness("living-demo", { demo: "living" });
    const office = await h.api("office");
    // The dashboard opens on the newest plan: the living plan (the split demo's plan is older).
    const [newest] = await office.trpc.plan.list.query();
    const tasks = (await listTasks(office)).filter((t) => t.planId === newest?.id);
    handleCount = tasks.filter((t) => t.stage === "handle").length;
    // every stage has work, 满意度测评 included
    expect(new Set(tasks.map((t) => t.stage))).toEqual(new Set(["deploy", "handle", "inspect", "summarize", "evaluate", "done"]));
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it(
    "the office sees red, yellow and green on the dashboard",
    () =>
      h.run("dashboard", async () => {
        const office = await h.signIn("office");
        await office.goto("/dashboard");
        await office.getByRole("heading", { name: "督办看板", level: 1 }).waitFor();
        await h.screenshot(office, "office");

        await office.getByRole("button", { name: `办理 ${handleCount} 项，查看任务` }).click();
        const drawer = office.getByRole("dialog");
        await expect.poll(() => drawer.locator('a[href^="/tasks/"]').count()).toBe(handleCount);
        const marks = await drawer.locator(".mark").allInnerTexts();
        expect(new Set(marks.map((m) => m.trim()))).toEqual(new Set(["逾期", "临期", "正常"]));
        await h.screenshot(office, "drill-handle", { fullPage: false });
      })(),
    180_000,
  );
});
