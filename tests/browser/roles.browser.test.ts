// Every role's pages at desktop (1366×768) and phone (390×844) size: each page is screenshotted at
// both sizes (test-artifacts/screenshots/roles-*), lists never scroll sideways on the phone (cards,
// not squeezed tables), empty lists say 暂无数据, axe finds nothing serious on the phone layout, and
// the audit log reads the demo's known return as a register row: name, unit, task, event, change.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choose, demoTask, pageOverflowsHorizontally, PHONE, seriousAxeFindings, startBrowserHarness, type AxeFinding, type BrowserHarness } from "../support/browser";

/** Per page: load, screenshot and (on the phone) axe, on a busy two-core machine. */
const PAGE_TIME = 60_000;
const DESKTOP = { width: 1366, height: 768 } as const;
const SIZES = { desktop: DESKTOP, phone: PHONE } as const;
type Size = keyof typeof SIZES;

/** Opens `path` and waits until its heading and data are shown (no spinner, no skeleton). */
async function show(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator("#main-content h1, main h1").first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.locator("#main-content .ant-skeleton, #main-content .ant-spin-spinning").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => undefined);
}

/** Regions of the main content that scroll sideways (a table wider than the screen). */
async function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll("#main-content .table-scroll")]
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => (e.getAttribute("aria-label") ?? "?") + " " + e.scrollWidth + ">" + e.clientWidth)`);
}

/** Loading words and an empty state visible together. */
async function loadingBesideEmpty(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const main = document.querySelector("#main-content");
    if (!main) return false;
    const spinning = main.querySelector(".ant-spin-spinning");
    return spinning !== null && main.querySelector(".ant-empty") !== null;
  })()`);
}

describe("every role's pages at desktop and phone size", () => {
  let h: BrowserHarness;
  let planId: string;
  let taskOf: Record<string, string>;

  beforeAll(async () => {
    h = await startBrowserHarness("roles");
    const office = await h.api("office");
    const signing = await demoTask(office, "二/（二）/2");
    planId = signing.planId;
    taskOf = { mzj: signing.id, office: (await demoTask(office, "二/（一）/3")).id, evaluator1: signing.id, leader: signing.id };
  });
  afterAll(async () => {
    await h?.close();
  });

  const ROLES: { user: string; pages: string[]; lists: string[] }[] = [
    { user: "mzj", pages: ["/", "/plans", "PLAN", "TASK", "/dashboard", "/notices", "/reports/missing", "/inbox"], lists: ["/", "/plans", "PLAN", "/notices", "/reports/missing", "/inbox"] },
    { user: "office", pages: ["/", "TASK", "/dashboard", "/notices", "/plans/import"], lists: ["/", "/notices"] },
    { user: "leader", pages: ["/", "/dashboard"], lists: ["/"] },
    { user: "evaluator1", pages: ["/", "TASK"], lists: ["/"] },
    { user: "auditor", pages: ["/", "/audit"], lists: ["/audit"] },
    { user: "sysadmin", pages: ["/", "/admin/units", "/admin/users"], lists: ["/admin/users"] },
    { user: "secadmin", pages: ["/admin/security", "/account/security"], lists: [] },
  ];

  for (const size of ["desktop", "phone"] as Size[]) {
    it(`the login page at ${size} size`, () =>
      h.run(`login-${size}`, async () => {
        const page = await h.anonymousPage({ viewport: SIZES[size] });
        await page.goto("/login");
        await page.getByRole("button", { name: "登录" }).waitFor();
        expect(await pageOverflowsHorizontally(page)).toBeNull();
        await h.screenshot(page, `${size}-login`);
      })());

    for (const role of ROLES) {
      it(`${role.user}'s pages at ${size} size`, () =>
        h.run(`${role.user}-${size}`, async () => {
          const page = await h.signIn(role.user, { viewport: SIZES[size] });
          const findings: (AxeFinding & { page: string })[] = [];
          for (const entry of role.pages) {
            const path = entry === "PLAN" ? `/plans/${planId}` : entry === "TASK" ? `/tasks/${taskOf[role.user]}` : entry;
            const name = `${size}-${role.user}-${entry === "/" ? "home" : entry.replace(/^\//, "").replaceAll("/", "-").toLowerCase()}`;
            await show(page, path);
            await h.screenshot(page, name);
            expect(await loadingBesideEmpty(page), `${name}: loading beside an empty state`).toBe(false);
            if (size === "phone") {
              expect(await pageOverflowsHorizontally(page), name).toBeNull();
              if (role.lists.includes(entry)) expect(await sidewaysScrollers(page), name).toEqual([]);
              findings.push(...(await seriousAxeFindings(page)).map((f) => ({ ...f, page: name })));
            }
          }
          expect(findings).toEqual([]);
        })(),
        PAGE_TIME * role.pages.length);
    }
  }

  it("the audit log shows the demo's return as a register row, filtered from lists", () =>
    h.run("audit-row", async () => {
      const office = await h.api("office");
      const returned = await demoTask(office, "二/（一）/3");
      const page = await h.signIn("auditor", { viewport: DESKTOP });
      await show(page, "/audit");
      const filters = page.getByRole("form", { name: "筛选" });
      await choose(page, filters, "事件", "退回");
      await choose(page, filters, "人员", "领导小组办公室 周主任");
      await filters.getByRole("button", { name: "查询" }).click();
      const row = page.getByRole("region", { name: "审计记录" }).locator("tbody tr.ant-table-row").first();
      await expect.poll(async () => (await row.innerText()).replace(/\s+/g, " "), { timeout: 10_000 }).toContain("退回");
      const text = (await row.innerText()).replace(/\s+/g, " ");
      expect(text).toContain("领导小组办公室 周主任");
      expect(text).toContain("东西湖区养老服务工作领导小组办公室");
      expect(text).toContain(`二（一）3 ${returned.text.slice(0, 8)}`);
      expect(text).toMatch(/→ 部署 · 已退回/);
      expect(text).not.toMatch(/task\.|[0-9a-f]{8}-/);
      expect(await row.getByRole("link").getAttribute("href")).toBe(`/tasks/${returned.id}`);
      // Results above the fold: the first row starts inside the first screen.
      const box = await row.boundingBox();
      expect(box!.y + box!.height).toBeLessThanOrEqual(DESKTOP.height);
      // No column cut off on the right: the table fits its card.
      expect(await sidewaysScrollers(page)).toEqual([]);
      await h.screenshot(page, "desktop-auditor-audit-filtered", { fullPage: false });
    })());
});
