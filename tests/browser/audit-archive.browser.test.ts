// Archived periods on the audit page (issue 19): the app's clock starts ten months back, so the demo
// (plan 000 imported, a few tasks moved) and a few later sign-ins are old; everything older than the
// online window is then archived into signed monthly files. The auditor sees the periods listed as
// verified, opens the oldest, reads a known demo move in the register's words, filters by event, and
// sees a missing file in red — at desktop and at phone width, with no sideways scrolling.
import { renameSync } from "node:fs";
import { join } from "node:path";
import { archiveAuditLog, signIn } from "@duban/api";
import { EVENT_LABELS } from "@duban/workflow";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choose, pageOverflowsHorizontally, PHONE, seriousAxeFindings, startBrowserHarness, type BrowserHarness } from "../support/browser";

const DAY = 86_400_000;
/** The demo's RETURN of task 3 (demo-seed.ts): office sends the plan back with this text. */
const RETURN_TEXT = "请细化宣贯的时间、对象和考核方式。";
/** 校验审计日志 runs in the newest archived month: more records than one page (100). */
const VERIFIES = 110;

describe("the auditor reads archived periods", () => {
  let h: BrowserHarness;
  /** The app's time while the old records are made; null: the real time. */
  let past: Date | null = new Date(Date.now() - 300 * DAY);
  let archiveFiles: string[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness("audit-archive", { clock: () => past ?? new Date() });
    // Later months of old records: a liaison signs in 260 and 220 days ago (40 days apart: always another month).
    for (const daysAgo of [260, 220]) {
      past = new Date(Date.now() - daysAgo * DAY);
      await signIn(h.inner, "mzj");
    }
    // …and the auditor checks the log more often than one page holds (加载更多).
    const { caller } = await signIn(h.inner, "auditor");
    for (let i = 0; i < VERIFIES; i++) await caller.audit.verify();
    past = null;
    const result = await archiveAuditLog(h.inner);
    archiveFiles = result.archives.map((a) => a.fileName);
    expect(result.archives.length).toBeGreaterThanOrEqual(3);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  /** A full-page screenshot taken from the top (the fixed header and menu are drawn where the page is scrolled). */
  async function shot(page: Page, name: string): Promise<void> {
    await page.evaluate("window.scrollTo(0, 0)");
    await h.screenshot(page, name);
  }

  const section = (page: Page): Locator => page.getByRole("region", { name: "已归档的日志" });

  /** Opens /audit and waits for the list of archived periods. */
  async function openArchives(page: Page): Promise<Locator> {
    await page.goto("/audit");
    const archives = section(page);
    await archives.getByRole("button", { name: /^查看 .* 的归档记录$/ }).or(archives.getByText("无法读取")).first().waitFor();
    return archives;
  }

  it("lists the periods as verified, opens the oldest, reads a demo move as a register row, filters by event", { timeout: 120_000 }, () =>
    h.run("desktop", async () => {
      const page = await h.signIn("auditor");
      const archives = await openArchives(page);
      const list = archives.getByRole("table", { name: "归档期间列表" }).or(archives.getByRole("region", { name: "归档期间列表" })).first();
      await list.waitFor();
      const listText = await archives.innerText();
      for (const file of archiveFiles) expect(listText).toContain(file);
      expect((listText.match(/签名与内容校验通过/g) ?? []).length).toBe(archiveFiles.length);
      expect(listText).not.toMatch(/归档文件缺失|被改动：|无法读取/);
      expect(await archives.getByRole("alert").count()).toBe(0);
      await shot(page, "01-desktop-periods");

      // Newest first: the oldest period is the last; it holds the demo's moves.
      const buttons = archives.getByRole("button", { name: /^查看 .* 的归档记录$/ });
      expect(await buttons.count()).toBe(archiveFiles.length);
      await buttons.last().click();
      const records = archives.getByRole("region", { name: /的归档记录$/ });
      const rows = records.getByRole("row").filter({ hasText: RETURN_TEXT });
      await rows.first().waitFor();
      const row = await rows.first().innerText();
      // who, unit, event, task, state change, note — the live log's words
      expect(row).toContain("领导小组办公室 周主任");
      expect(row).toContain("东西湖区养老服务工作领导小组办公室");
      expect(row).toContain(EVENT_LABELS.RETURN);
      expect(row).toMatch(/→/);
      expect(await records.innerText()).toContain(EVENT_LABELS.SIGN);
      await shot(page, "02-desktop-oldest-period");

      // Filter by event: only the sign-offs remain.
      const form = records.getByRole("form", { name: "筛选归档记录" });
      await choose(page, form, "事件", EVENT_LABELS.SIGN);
      await form.getByRole("button", { name: "查询" }).click();
      await expect.poll(async () => records.getByRole("row").filter({ hasText: RETURN_TEXT }).count(), { timeout: 10_000 }).toBe(0);
      const body = records.locator("tbody tr.ant-table-row");
      await expect.poll(() => body.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      for (const text of await body.allInnerTexts()) expect(text).toContain(EVENT_LABELS.SIGN);
      await expect.poll(async () => records.getByText(/^已加载 \d+ 条$/).innerText()).toBe(`已加载 ${await body.count()} 条`);
      await shot(page, "03-desktop-filtered-sign");
      expect(await seriousAxeFindings(page)).toEqual([]);
    })(),
  );

  it("a period longer than a page reads on with 加载更多", { timeout: 120_000 }, () =>
    h.run("more", async () => {
      const page = await h.signIn("auditor");
      const archives = await openArchives(page);
      // newest first: the month of the auditor's checks (their logins and 110 checks)
      await archives.getByRole("button", { name: /^查看 .* 的归档记录$/ }).first().click();
      const records = archives.getByRole("region", { name: /的归档记录$/ });
      const loaded = records.getByText(/^已加载 \d+ 条$/);
      await expect.poll(() => loaded.innerText().catch(() => ""), { timeout: 15_000 }).toBe("已加载 100 条");
      const total = VERIFIES + 2;
      await records.getByRole("button", { name: "加载更多" }).click();
      await expect.poll(() => loaded.innerText(), { timeout: 15_000 }).toBe(`已加载 ${total} 条`);
      expect(await records.locator("tbody tr.ant-table-row").count()).toBe(total);
      expect(await records.getByRole("button", { name: "加载更多" }).count()).toBe(0);
      expect(await records.locator("tbody tr.ant-table-row").filter({ hasText: "校验审计日志" }).count()).toBe(VERIFIES);
    })(),
  );

  it("at phone width: cards, no sideways scrolling, the period opens and reads", { timeout: 120_000 }, () =>
    h.run("phone", async () => {
      const page = await h.signIn("auditor", { viewport: PHONE });
      const archives = await openArchives(page);
      const cards = archives.getByRole("list", { name: "归档期间列表" });
      await cards.waitFor();
      expect(await cards.getByRole("listitem").count()).toBe(archiveFiles.length);
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await shot(page, "04-phone-periods");

      await archives.getByRole("button", { name: /^查看 .* 的归档记录$/ }).last().click();
      const records = archives.getByRole("region", { name: /的归档记录$/ });
      const list = records.getByRole("list", { name: "归档记录" });
      await list.getByRole("listitem").filter({ hasText: RETURN_TEXT }).first().waitFor();
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      expect(await seriousAxeFindings(page)).toEqual([]);
      await shot(page, "05-phone-oldest-period");
      // what the phone shows: the opened period's heading, its filters and the first records
      await records.getByRole("heading").first().scrollIntoViewIfNeeded();
      await h.screenshot(page, "05b-phone-oldest-period-screen", { fullPage: false });
    })(),
  );

  it("a missing archive file is named in red and cannot be opened", { timeout: 120_000 }, () =>
    h.run("missing", async () => {
      const dir = h.inner.config.ops.archiveDir;
      const newest = archiveFiles[archiveFiles.length - 1] ?? "";
      renameSync(join(dir, newest), join(dir, `${newest}.away`));
      try {
        const page = await h.signIn("auditor");
        const archives = await openArchives(page);
        await archives.getByText("归档文件缺失").first().waitFor();
        await expect.poll(async () => archives.getByRole("alert").innerText()).toMatch(/有 1 个归档文件缺失或被改动/);
        expect(await archives.getByText("无法读取").count()).toBe(1);
        expect(await archives.getByRole("button", { name: /^查看 .* 的归档记录$/ }).count()).toBe(archiveFiles.length - 1);
        await shot(page, "06-desktop-missing");
      } finally {
        renameSync(join(dir, `${newest}.away`), join(dir, newest));
      }
    })(),
  );
});
