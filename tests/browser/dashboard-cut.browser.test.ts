// 督办看板 when a figure has more tasks than the server lists (issue 8: bounded lists at 1M tasks):
// the server here lists 2 per figure (config.dashboardRowLimit), so the demo plan's figures are cut.
// Counts stay exact; the drawer says how many it shows of how many, and opens the rest through
// the figure's task.list filter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousAxeFindings, startBrowserHarness, type BrowserHarness } from "../support/browser";

const LIMIT = 2;

describe("dashboard with cut lists in the browser", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness("dashboard-cut", { config: { dashboardRowLimit: LIMIT } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "a cut bucket shows its most urgent tasks, says 显示前 N 项，共 M 项 and opens the rest by its filter",
    () =>
      h.run("cut-bucket", async () => {
        const api = await h.api("office");
        const board = await api.trpc.supervision.dashboard.query({});
        expect(board.rowLimit).toBe(LIMIT);
        const cut = board.buckets.filter((b) => b.truncated);
        // the demo plan has more than two open tasks in at least one bucket
        expect(cut.length).toBeGreaterThan(0);
        for (const b of board.buckets) expect(b.taskIds.length).toBe(Math.min(LIMIT, b.count));
        // prefer a bucket whose filter narrows (stage / overdue): its drawer offers the rest
        const bucket = cut.find((b) => b.filter.overdue === true || (b.filter.stage?.length ?? 0) > 0) ?? (cut[0] as (typeof cut)[number]);

        const office = await h.signIn("office");
        await office.goto("/dashboard");
        await office.getByRole("heading", { name: "督办看板", level: 1 }).waitFor();
        await office.getByText(`任务较多的类别只列出最紧急的前 ${LIMIT} 项`).waitFor();
        await office.getByRole("button", { name: `${bucket.label}：${bucket.count} 项，查看任务` }).click();
        const drawer = office.getByRole("dialog");
        await drawer.getByText(`显示前 ${LIMIT} 项，共 ${bucket.count} 项（按紧急程度排列）。`).waitFor();
        await drawer.getByText(`${bucket.label}（共 ${bucket.count} 项）`).waitFor();
        await expect.poll(() => drawer.locator('a[href^="/tasks/"]').count()).toBe(LIMIT);
        expect(await seriousAxeFindings(office)).toEqual([]);
        await h.screenshot(office, "cut-bucket", { fullPage: false });

        const narrows = bucket.filter.overdue === true || (bucket.filter.stage?.length ?? 0) > 0;
        if (narrows) {
          await drawer.getByRole("button", { name: "按条件查看全部任务" }).click();
          await expect.poll(() => drawer.locator('a[href^="/tasks/"]').count()).toBeGreaterThan(LIMIT);
          await h.screenshot(office, "cut-bucket-all", { fullPage: false });
        } else {
          await drawer.getByText("其余任务请在任务列表中按条件筛选查看。").waitFor();
        }
      })(),
    120_000,
  );
});
