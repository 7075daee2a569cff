// The printable 督办单: from the notice list a new tab shows the issued notice as the paper form
// (number, 承办单位, 督办事项, reply date, issuing office); printing hides the toolbar. A liaison of
// another unit who opens the address sees no notice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousAxeFindings, startBrowserHarness, type BrowserHarness } from "../support/browser";

describe("printable 督办单", () => {
  let h: BrowserHarness;
  let notice: { id: string; number: string | null; unitId: string; unitName: string; colourLabel: string; taskPath: string };
  let outsider: string;

  beforeAll(async () => {
    h = await startBrowserHarness("notice-print");
    const office = await h.api("office");
    // The demo plan's dates have passed: drafting finds overdue tasks; issue the first draft.
    await office.trpc.supervision.draftNotices.mutate({});
    const drafts = (await office.trpc.supervision.notices.query({ status: "draft", limit: 1 })).items;
    expect(drafts.length).toBeGreaterThan(0);
    const issued = await office.trpc.supervision.issueNotices.mutate({ ids: [(drafts[0] as { id: string }).id] });
    notice = issued.notices[0] as typeof notice;
    expect(notice.number).toMatch(/^督办〔\d{4}〕第\d+号$/);
    // A liaison whose unit is not the notice's.
    for (const username of ["mzj", "wjj", "czj", "jyj"]) {
      if ((await h.api(username)).me?.unitId !== notice.unitId) {
        outsider = username;
        break;
      }
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "opens from the list in a new tab, shows the form, and prints without the toolbar",
    () =>
      h.run("print", async () => {
        const page = await h.signIn("office");
        await page.goto("/notices");
        await page.getByRole("tab", { name: /已签发/ }).click();
        const link = page.getByRole("link", { name: `打印${notice.colourLabel} ${notice.number}` });
        const [sheetPage] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
        await sheetPage.waitForURL(`**/notices/${notice.id}/print`);
        const sheet = sheetPage.getByRole("article", { name: `${notice.colourLabel} ${notice.number}` });
        await sheet.waitFor();
        expect(await sheet.getByRole("heading", { level: 1 }).innerText()).toBe("督 办 单");
        const text = await sheet.innerText();
        expect(text).toContain(notice.number as string);
        expect(text).toContain(notice.unitName);
        expect(text).toContain(`任务 ${notice.taskPath}`);
        expect(text).toMatch(/请于\d{4}年\d{1,2}月\d{1,2}日前将办理情况/);
        expect(text).toContain("东西湖区养老服务工作领导小组办公室"); // signed with the office's full name
        expect(text).toContain("（尚未反馈）");
        expect(await seriousAxeFindings(sheetPage)).toEqual([]);
        await h.screenshot(sheetPage, "screen");

        await sheetPage.emulateMedia({ media: "print" });
        expect(await sheetPage.getByRole("button", { name: "打印" }).isVisible()).toBe(false);
        await h.screenshot(sheetPage, "print");
      })(),
    120_000,
  );

  it(
    "a liaison of another unit sees no notice at that address",
    () =>
      h.run("outsider", async () => {
        const page = await h.signIn(outsider);
        await page.goto(`/notices/${notice.id}/print`);
        await page.getByText("督办单不存在或您无权查看").waitFor();
        expect(await page.getByRole("article").count()).toBe(0);
      })(),
    120_000,
  );
});
