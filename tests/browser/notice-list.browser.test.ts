// The 督办单 list reads the server page by page: each status tab shows the server's count, the
// first 50 notices newest first, and 加载更多 reads the next page; issuing a draft moves one from
// 草稿 to 已签发 in both counts. A liaison's tabs count only its unit's notices, never drafts.
import { createNoticeDraft } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserHarness, type BrowserHarness } from "../support/browser";

/** Drafts added (older than every other notice) so that the 草稿 tab has more than one page. */
const EXTRA = 60;

describe("督办单 list pages through the server", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness("notice-list");
    const office = await h.api("office");
    await office.trpc.supervision.draftNotices.mutate({});
    const unitId = (await h.api("mzj")).me?.unitId as string;
    const task = await h.inner.db.selectFrom("tasks").select("id").where("lead_unit_id", "=", unitId).orderBy("ordinal").executeTakeFirstOrThrow();
    for (let i = 0; i < EXTRA; i += 1) {
      await createNoticeDraft(h.inner.db, {
        colour: "blue",
        task_id: task.id,
        unit_id: unitId,
        facts: `补充草稿第${i + 1}份`,
        reply_due: "2020-01-10",
        created_at: new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString(),
      });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "the office: counts in the tabs, 50 a page, 加载更多, and issuing refreshes the list and the counts",
    () =>
      h.run("office", async () => {
        const api = await h.api("office");
        const { counts } = await api.trpc.supervision.notices.query({ limit: 1 });
        expect(counts.draft).toBeGreaterThan(50);
        const page = await h.signIn("office");
        await page.goto("/notices");
        await page.getByRole("tab", { name: new RegExp(`^草稿\\s*${counts.draft}\\s*份$`) }).waitFor();
        await page.getByRole("tab", { name: new RegExp(`^已签发待答复\\s*${counts.issued}\\s*份`) }).waitFor();
        const drafts = page.getByRole("region", { name: "督办单草稿" }).locator("tbody tr.ant-table-row");
        await expect.poll(() => drafts.count()).toBe(50);
        await page.getByText(`已加载 50 / ${counts.draft} 份`).waitFor();

        await page.getByRole("button", { name: "加载更多" }).click();
        const loaded = Math.min(100, counts.draft);
        await expect.poll(() => drafts.count()).toBe(loaded);
        await page.getByText(`已加载 ${loaded} / ${counts.draft} 份`).waitFor();
        if (loaded === counts.draft) {
          // everything is loaded: no more pages, and the oldest notice comes last
          expect(await page.getByRole("button", { name: "加载更多" }).count()).toBe(0);
          expect(await drafts.last().innerText()).toContain("补充草稿第1份");
        }
        await page.evaluate("window.scrollTo(0, 0)");
        await h.screenshot(page, "drafts", { fullPage: false });

        await page.getByRole("checkbox", { name: /^选择 .+ 的督办单$/ }).first().check();
        await page.getByRole("button", { name: "签发所选（1）" }).click();
        await page.getByRole("dialog").getByRole("button", { name: "签发" }).click();
        await page.getByText("已签发 1 份督办单").waitFor();
        await page.getByRole("tab", { name: new RegExp(`^草稿\\s*${counts.draft - 1}\\s*份$`) }).waitFor();
        await page.getByRole("tab", { name: new RegExp(`^已签发待答复\\s*${counts.issued + 1}\\s*份`) }).click();
        const issued = page.getByRole("region", { name: "已签发待答复的督办单" }).locator("tbody tr.ant-table-row");
        await expect.poll(() => issued.count()).toBe(Math.min(50, counts.issued + 1));
        await page.getByText(`已加载 ${Math.min(50, counts.issued + 1)} / ${counts.issued + 1} 份`).waitFor();
      })(),
    180_000,
  );

  it(
    "a liaison: no drafts tab, its unit's counts",
    () =>
      h.run("liaison", async () => {
        const api = await h.api("mzj");
        const { counts, items } = await api.trpc.supervision.notices.query({ status: "issued" });
        expect(counts.draft).toBe(0);
        expect(items.every((n) => n.unitId === api.me?.unitId)).toBe(true);
        const page = await h.signIn("mzj");
        await page.goto("/notices");
        await page.getByRole("tab", { name: new RegExp(`^待答复\\s*${counts.issued}\\s*份`) }).waitFor();
        await page.getByRole("tab", { name: new RegExp(`^已答复\\s*${counts.answered}\\s*份$`) }).waitFor();
        expect(await page.getByRole("tab", { name: /草稿/ }).count()).toBe(0);
      })(),
    120_000,
  );
});
