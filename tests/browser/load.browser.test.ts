// The web app on a slow office network (issue 15): the first page a user sees — the login page, and
// 我的待办 opened by a signed-in user — transfers at most 400 KB (assets precompressed at build
// time, served as brotli), and neither downloads the dashboard's charts (ECharts, its own chunk).
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserHarness, type BrowserHarness } from "../support/browser";

const BUDGET = 400 * 1024;

interface Transfer {
  total: number;
  files: { url: string; bytes: number; body: number; encoding: string | null }[];
}

/** Loads `path` in `page` and adds up the bytes each response took on the wire (headers + encoded body). */
async function measure(page: Page, path: string, ready: (page: Page) => Promise<void>): Promise<Transfer> {
  const responses: Promise<Transfer["files"][number]>[] = [];
  page.on("requestfinished", (request) => {
    responses.push(
      (async () => {
        const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
        return { url: new URL(request.url()).pathname, bytes: sizes.responseHeadersSize + sizes.responseBodySize, body: sizes.responseBodySize, encoding: (await response?.headerValue("content-encoding")) ?? null };
      })(),
    );
  });
  await page.goto(path);
  await ready(page);
  await page.waitForLoadState("networkidle");
  const files = await Promise.all(responses);
  return { total: files.reduce((sum, f) => sum + f.bytes, 0), files };
}

const report = (t: Transfer) => t.files.map((f) => `${f.url} ${f.bytes} B ${f.encoding ?? "identity"}`).join("\n");

describe("the first page's transfer", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness("load");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("the login page transfers ≤ 400 KB, compressed, without the dashboard's charts", () =>
    h.run("login", async () => {
      const page = await h.anonymousPage();
      const t = await measure(page, "/login", (p) => p.getByRole("button", { name: "登录" }).waitFor());
      const scripts = t.files.filter((f) => f.url.endsWith(".js"));
      expect(scripts.length).toBeGreaterThan(0);
      // Every script goes out as brotli, but a few-byte re-export stub, which compression would not shrink (the build leaves it alone).
      expect(scripts.filter((f) => f.encoding !== "br" && f.body > 256), report(t)).toEqual([]);
      expect(t.files.some((f) => f.url.includes("/overview-")), report(t)).toBe(false);
      expect(t.total, report(t)).toBeLessThanOrEqual(BUDGET);
    })());

  it("我的待办, opened by a signed-in user, transfers ≤ 400 KB without the dashboard's charts", () =>
    h.run("home", async () => {
      // A session from the login form, then a fresh browser cache: 我的待办 as the first page of the day.
      const signedIn = await h.signIn("office");
      const state = await signedIn.context().storageState();
      const context: BrowserContext = await h.browser.newContext({ baseURL: h.baseUrl, storageState: state, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
      try {
        const page = await context.newPage();
        const t = await measure(page, "/", (p) => p.getByRole("heading", { name: "我的待办", level: 1 }).waitFor());
        expect(t.files.some((f) => f.url.includes("/overview-")), report(t)).toBe(false);
        expect(t.total, report(t)).toBeLessThanOrEqual(BUDGET);
      } finally {
        await context.close();
      }
    })());
});
