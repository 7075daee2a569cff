// Accessibility: axe on every main page for the role that uses it (no serious or critical finding),
// the main pages at 200 % zoom, and keyboard use — the skip link first, a task action by keys only.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionsCard,
  demoTask,
  expectTaskState,
  pageOverflowsHorizontally,
  seriousAxeFindings,
  startBrowserHarness,
  type AxeFinding,
  type BrowserHarness,
} from "../support/browser";

/** id | tag | text | aria-label of the focused element. */
async function focused(page: Page): Promise<{ id: string; tag: string; text: string; label: string }> {
  return page.evaluate<{ id: string; tag: string; text: string; label: string }>(
    `(() => { const e = document.activeElement; return { id: e?.id ?? "", tag: e?.tagName ?? "", text: (e?.textContent ?? "").trim().slice(0, 60), label: e?.getAttribute("aria-label") ?? "" }; })()`,
  );
}

/** Presses Tab until the focused element matches (at most `max` times). */
async function tabTo(page: Page, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 80): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (matches(f)) return;
    seen.push(`${f.tag}:${f.text || f.label}`);
  }
  throw new Error(`Tab never reached the element; focus went through: ${seen.join(" → ")}`);
}

describe("accessibility of the main pages", () => {
  let h: BrowserHarness;
  let planId: string;
  let signingTask: string;
  let keyboardTask: string;

  beforeAll(async () => {
    h = await startBrowserHarness("a11y");
    const office = await h.api("office");
    const task = await demoTask(office, "二/（一）/2");
    planId = task.planId;
    signingTask = (await demoTask(office, "二/（二）/3")).id;
    keyboardTask = (await demoTask(office, "二/（二）/4")).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Opens a path, waits for its h1 and data, screenshots it and returns axe's serious/critical findings. */
  async function audit(page: Page, path: string, name: string): Promise<(AxeFinding & { page: string })[]> {
    await page.goto(path);
    await page.locator("h1").first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.locator(".ant-skeleton, .ant-spin-spinning").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => undefined);
    await h.screenshot(page, name);
    return (await seriousAxeFindings(page)).map((f) => ({ ...f, page: `${name} ${path}` }));
  }

  it("axe finds nothing serious or critical on any main page, for each role", { timeout: 300_000 }, () =>
    h.run("axe", async () => {
      const findings: (AxeFinding & { page: string })[] = [];
      const anonymous = await h.anonymousPage();
      findings.push(...(await audit(anonymous, "/login", "login")));

      for (const user of ["mzj", "office", "leader", "evaluator1", "auditor", "sysadmin", "secadmin"]) {
        const page = await h.signIn(user);
        findings.push(...(await audit(page, "/", `home-${user}`)));
        if (user === "office") {
          findings.push(...(await audit(page, "/plans", "plans")));
          findings.push(...(await audit(page, `/plans/${planId}`, "plan")));
          findings.push(...(await audit(page, `/tasks/${signingTask}`, "task-office")));
          findings.push(...(await audit(page, "/plans/import", "import")));
        }
        if (user === "mzj") findings.push(...(await audit(page, `/tasks/${signingTask}`, "task-liaison")));
        if (user === "auditor") findings.push(...(await audit(page, "/audit", "audit")));
        if (user === "sysadmin") {
          findings.push(...(await audit(page, "/admin/units", "admin-units")));
          findings.push(...(await audit(page, "/admin/users", "admin-users")));
        }
      }
      expect(findings).toEqual([]);
    })());

  it("at 200 % zoom the main pages keep their content and menu reachable without sideways scrolling", { timeout: 120_000 }, () =>
    h.run("zoom-200", async () => {
      // 200 % zoom of a 1366×900 window: a 683×450 CSS-pixel viewport at device scale 2.
      const zoom = { viewport: { width: 683, height: 450 }, deviceScaleFactor: 2 };
      const office = await h.signIn("office", zoom);
      const problems: string[] = [];
      for (const [path, name, heading] of [
        ["/", "home", "我的待办"],
        ["/plans", "plans", "工作方案"],
        [`/plans/${planId}`, "plan", null],
        [`/tasks/${signingTask}`, "task", null],
        ["/plans/import", "import", null],
      ] as const) {
        await office.goto(path);
        const h1 = office.locator("#main-content h1").first();
        await h1.waitFor();
        if (heading !== null) expect(await h1.innerText()).toBe(heading);
        await office.waitForLoadState("networkidle");
        const overflow = await pageOverflowsHorizontally(office);
        if (overflow) problems.push(`${path}: page is ${overflow.scrollWidth}px wide in ${overflow.clientWidth}px`);
        // The main content starts inside the window's width.
        const box = await h1.boundingBox();
        if (!box || box.x < 0 || box.x + box.width > zoom.viewport.width) problems.push(`${path}: h1 outside the window (${JSON.stringify(box)})`);
        // Navigation stays reachable through the hamburger.
        await office.getByRole("button", { name: "打开导航菜单" }).click();
        const nav = office.getByRole("navigation", { name: "主导航" });
        await nav.waitFor();
        expect(await nav.getByRole("link").allInnerTexts()).toEqual(["我的待办", "工作方案", "督办看板", "督办单", "月报缺报", "消息", "导入方案", "手工立项"]);
        await office.keyboard.press("Escape");
        await nav.waitFor({ state: "hidden" });
        await h.screenshot(office, `zoom200-${name}`, { fullPage: false });
      }
      // The task's actions can be scrolled to and used.
      await office.goto(`/tasks/${signingTask}`);
      const urge = actionsCard(office).getByRole("button", { name: "催办", exact: true });
      await urge.scrollIntoViewIfNeeded();
      expect(await urge.isVisible()).toBe(true);
      const auditor = await h.signIn("auditor", zoom);
      await auditor.goto("/audit");
      await auditor.getByRole("button", { name: "校验日志完整性" }).waitFor();
      const overflow = await pageOverflowsHorizontally(auditor);
      if (overflow) problems.push(`/audit: page is ${overflow.scrollWidth}px wide in ${overflow.clientWidth}px`);
      await h.screenshot(auditor, "zoom200-audit", { fullPage: false });
      expect(problems).toEqual([]);
    })());

  it("keyboard: the skip link is the first Tab stop and focuses main; 签收 works with keys only", () =>
    h.run("keyboard", async () => {
      const page = await h.signIn("mzj");
      await page.goto("/");
      await page.getByRole("heading", { name: "我的待办", level: 1 }).waitFor();
      await page.keyboard.press("Tab");
      expect(await focused(page)).toMatchObject({ tag: "A", text: "跳到主要内容" });
      expect(await page.getByRole("link", { name: "跳到主要内容" }).isVisible()).toBe(true);
      await page.keyboard.press("Enter");
      expect((await focused(page)).id).toBe("main-content");

      await page.goto(`/tasks/${keyboardTask}`);
      await actionsCard(page).waitFor();
      await page.keyboard.press("Tab");
      expect((await focused(page)).text).toBe("跳到主要内容");
      await page.keyboard.press("Enter");
      expect((await focused(page)).id).toBe("main-content");
      await tabTo(page, (f) => f.tag === "BUTTON" && f.text === "签收");
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "签收", exact: true });
      await dialog.waitFor();
      await tabTo(page, (f) => f.tag === "TEXTAREA", 10);
      await page.keyboard.type("键盘签收");
      await tabTo(page, (f) => f.tag === "BUTTON" && f.text === "确认签收", 10);
      await page.keyboard.press("Enter");
      await dialog.waitFor({ state: "detached" });
      await expectTaskState(page, "deploy", "drafting");
      const detail = await (await h.api("mzj")).trpc.task.get.query({ taskId: keyboardTask });
      expect(detail.history.at(-1)).toMatchObject({ action: "task.SIGN", comment: "键盘签收" });
    })());
});
