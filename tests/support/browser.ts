// The harness of the browser suites: the built web app served with the API on a fresh SQLite test
// database (127.0.0.1, free port), one Debian Chromium per test file driven by playwright-core,
// signed-in pages in separate browser contexts, screenshots under test-artifacts/screenshots/ and,
// on failure, a screenshot of every open page plus its Playwright trace under test-artifacts/failures/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppServer, createLogger, DEMO_PASSWORD, openApp, testConfig, type AppConfig, type InnerContext } from "@duban/api";
import { createTestDatabase, findRepoRoot } from "@duban/db";
import { EVENT_DONE_LABELS, EVENT_LABELS, STAGE_LABELS, STATUS_LABELS, type StageOrTerminated, type TaskEventType, type TaskStatus } from "@duban/workflow";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { createClient, type ApiClient } from "./server";

const ROOT = findRepoRoot();
const WEB = join(ROOT, "apps", "web");
export const WEB_DIST = join(WEB, "dist");
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const SCREENSHOTS = join(ARTIFACTS, "screenshots");
const FAILURES = join(ARTIFACTS, "failures");

export const DESKTOP = { width: 1366, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

// ---------------------------------------------------------------------------------------------
// The built web app

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function webIsFresh(): boolean {
  const index = join(WEB_DIST, "index.html");
  if (!existsSync(index)) return false;
  const sources = [join(WEB, "src"), join(WEB, "public"), join(WEB, "index.html"), join(WEB, "vite.config.ts"), join(WEB, "package.json"), join(ROOT, "packages", "workflow", "src")];
  const newest = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  return statSync(index).mtimeMs >= newest;
}

/**
 * Builds apps/web (vite, ~5 s) when dist/index.html is missing or older than its sources. Test files
 * run in parallel workers: a lock directory makes the others wait for one build.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(tmpdir(), "duban-web-build.lock");
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a dead run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 180_000) throw new Error(`waited 3 minutes for ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    // Vitest sets NODE_ENV=test, and Vite would carry it into the bundle (React's development build,
    // rc-util's fixed "test-id" ids that break accessible names): build as production, like `pnpm start`.
    if (!webIsFresh()) {
      execFileSync("pnpm", ["--filter", "@duban/web", "build"], { cwd: ROOT, stdio: "pipe", timeout: 120_000, env: { ...process.env, NODE_ENV: "production" } });
    }
    if (!existsSync(join(WEB_DIST, "index.html"))) throw new Error("apps/web/dist/index.html is missing after the build");
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Server + browser

export interface SignInOptions {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
}

export interface BrowserHarness {
  readonly baseUrl: string;
  readonly browser: Browser;
  /**
   * The app's own context (database, config, clock) — for preparing what no page can, such as
   * records old enough to archive; never for the moves under test.
   */
  readonly inner: InnerContext;
  /** An API client signed in as a demo user — for looking up ids, never for the moves under test. */
  api(username: string): Promise<ApiClient>;
  /** A page in a new browser context with no session. */
  anonymousPage(options?: SignInOptions): Promise<Page>;
  /** A page in a new browser context, signed in through the login form. */
  signIn(username: string, options?: SignInOptions): Promise<Page>;
  /** Saves a full-page screenshot as test-artifacts/screenshots/<prefix>-<name>.png and returns the path. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  /**
   * Wraps a test body: contexts opened during it are traced; on failure every open page is
   * screenshotted and each trace saved under test-artifacts/failures/; uncaught page errors fail
   * the test; every context is closed at the end.
   */
  run(name: string, body: () => Promise<void>): () => Promise<void>;
  close(): Promise<void>;
}

const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync", "--no-first-run"];

function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^_+|_+$/g, "").slice(0, 100);
}

/**
 * Starts the app (demo data, fresh SQLite file) with the built web app and one Chromium. The demo is
 * the tests' fixed scenario unless `demo: "living"` asks for the one `pnpm start` shows. `clock` is
 * the app's clock (the demo is seeded at its time): a test that needs old records starts it in the
 * past and moves it on. The audit archives and the checkpoint key live in the harness's own folder.
 */
export async function startBrowserHarness(
  prefix: string,
  options: { config?: Partial<AppConfig>; demo?: "fixture" | "living"; clock?: () => Date } = {},
): Promise<BrowserHarness> {
  await ensureWebBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const database = await createTestDatabase("sqlite", { migrate: false });
  const filesDir = mkdtempSync(join(tmpdir(), "duban-files-browser-"));
  const opsDir = mkdtempSync(join(tmpdir(), "duban-ops-browser-"));
  const base = testConfig({ filesDir });
  const app = await openApp({
    databaseUrl: database.url,
    config: testConfig({
      filesDir,
      ops: { ...base.ops, archiveDir: join(opsDir, "audit-archive") },
      security: { ...base.security, checkpointKeyFile: join(opsDir, "keys", "checkpoint-ed25519.pem"), checkpointDir: join(opsDir, "checkpoints") },
      ...options.config,
    }),
    logger: createLogger("silent"),
    ...(options.clock ? { clock: options.clock } : {}),
    demoData: options.demo ?? "fixture",
    sqliteSynchronous: "NORMAL",
  });
  const server: Server = createAppServer(app.inner, { webDist: WEB_DIST });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: LAUNCH_ARGS });

  /** Contexts of the running test, with the errors their pages threw. */
  let open: { context: BrowserContext; label: string; errors: string[] }[] = [];

  const newContext = async (label: string, options: SignInOptions = {}) => {
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: options.viewport ?? DESKTOP,
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
    });
    context.setDefaultTimeout(15_000);
    // DOM snapshots of every step (no screencast: it costs too much CPU on a busy two-core machine).
    await context.tracing.start({ screenshots: false, snapshots: true });
    const entry = { context, label, errors: [] as string[] };
    open.push(entry);
    context.on("page", (page) => page.on("pageerror", (e) => entry.errors.push(`${label}: ${e.message}`)));
    const page = await context.newPage();
    return page;
  };

  const harness: BrowserHarness = {
    baseUrl,
    browser,
    inner: app.inner,
    api: async (username) => {
      const client = createClient(baseUrl);
      client.me = await client.trpc.auth.login.mutate({ username, password: DEMO_PASSWORD });
      return client;
    },
    anonymousPage: (options) => newContext("anonymous", options),
    signIn: async (username, options) => {
      const page = await newContext(username, options);
      await signInOn(page, username);
      return page;
    },
    screenshot: async (page, name, options) => {
      const path = join(SCREENSHOTS, `${safeName(prefix)}-${safeName(name)}.png`);
      await page.screenshot({ path, fullPage: options?.fullPage ?? true, animations: "disabled" });
      return path;
    },
    run: (name, body) => async () => {
      let failure: unknown = null;
      try {
        await body();
      } catch (error) {
        failure = error;
      }
      const errors = open.flatMap((o) => o.errors);
      if (failure === null && errors.length > 0) failure = new Error(`uncaught errors in the page:\n${errors.join("\n")}`);
      const contexts = open;
      open = [];
      if (failure !== null) {
        const dir = join(FAILURES, `${safeName(prefix)}-${safeName(name)}`);
        mkdirSync(dir, { recursive: true });
        for (const [i, { context, label }] of contexts.entries()) {
          for (const [j, page] of context.pages().entries()) {
            await page.screenshot({ path: join(dir, `${i}-${safeName(label)}-${j}.png`), fullPage: true }).catch(() => undefined);
          }
          await context.tracing.stop({ path: join(dir, `${i}-${safeName(label)}.trace.zip`) }).catch(() => undefined);
        }
      }
      for (const { context } of contexts) await context.close().catch(() => undefined);
      if (failure !== null) throw failure;
    },
    close: async () => {
      for (const { context } of open) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
      await database.cleanup();
      rmSync(filesDir, { recursive: true, force: true });
      rmSync(opsDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Signs in through the login form of `page` and waits for the app shell. */
export async function signInOn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.locator("#main-content h1").waitFor();
}

// ---------------------------------------------------------------------------------------------
// Accessibility

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** The axe findings of impact serious or critical on the page as it is now. */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

/** True when the page itself scrolls sideways (tables scroll inside their own region). */
export async function pageOverflowsHorizontally(page: Page): Promise<{ scrollWidth: number; clientWidth: number } | null> {
  const size = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
    "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
  );
  return size.scrollWidth > size.clientWidth + 1 ? size : null;
}

// ---------------------------------------------------------------------------------------------
// The task page

/** The button label of an action, as the task page shows it. SUBMIT carries its stage's material. */
export function actionButton(type: TaskEventType, material?: string): string {
  return type === "SUBMIT" ? `提交${material ?? ""}` : EVENT_LABELS[type];
}

export function actionsCard(page: Page): Locator {
  return page.locator(".ant-card").filter({ has: page.getByRole("heading", { name: "可执行的操作", exact: true }) });
}

export function historyCard(page: Page): Locator {
  return page.locator(".ant-card").filter({ has: page.getByRole("heading", { name: "办理记录", exact: true }) });
}

/**
 * Shows the task's current state: on its page already, presses 刷新 (a refetch, no page load) and
 * waits for the fresh answer; elsewhere, navigates to it. Returns when its actions are shown.
 */
export async function openTask(page: Page, taskId: string): Promise<void> {
  if (new URL(page.url()).pathname === `/tasks/${taskId}` && (await actionsCard(page).count()) > 0) {
    const fresh = page.waitForResponse((r) => r.url().includes("/trpc/") && r.url().includes("task.get") && r.request().method() === "GET");
    await page.locator("#main-content").getByRole("button", { name: "刷新" }).click();
    await fresh;
    await page.locator("#main-content").getByRole("button", { name: "刷新" }).and(page.locator(":not(.ant-btn-loading)")).waitFor();
  } else {
    await page.goto(`/tasks/${taskId}`);
  }
  await actionsCard(page).waitFor();
}

/** The labels of the action buttons the page offers now (not the ones shown disabled, with a reason). */
export async function actionLabels(page: Page): Promise<string[]> {
  const card = actionsCard(page);
  await card.waitFor();
  return (await card.getByRole("button", { disabled: false }).allInnerTexts()).map((s) => s.trim());
}

/** The dialog of an open action modal (titled like its button). */
export function actionDialog(page: Page, title: string): Locator {
  return page.getByRole("dialog", { name: title, exact: true });
}

/**
 * Does one move through the UI: clicks the action's button, lets `fill` complete the modal form,
 * confirms, and waits for the modal to close and the success message.
 */
export async function act(page: Page, type: TaskEventType, fill?: (dialog: Locator) => Promise<void>, material?: string): Promise<void> {
  const label = actionButton(type, material);
  const button = actionsCard(page).getByRole("button", { name: label, exact: true });
  if ((await button.count()) === 0) {
    // Wait a moment for a refetch, then fail with what is offered.
    await button.waitFor({ timeout: 3_000 }).catch(async () => {
      throw new Error(`no action button "${label}"; offered: ${JSON.stringify(await actionLabels(page))}`);
    });
  }
  await button.click();
  const dialog = actionDialog(page, label);
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole("button", { name: `确认${EVENT_LABELS[type]}`, exact: true }).click();
  // Slow machines (CI shares its cores) get longer than the default; a modal still open then
  // fails with what it shows (a validation or server message), not only a timeout.
  await dialog.waitFor({ state: "detached", timeout: 45_000 }).catch(async (error: unknown) => {
    const shown = await dialog.innerText().catch(() => "(gone)");
    throw new Error(`the ${label} dialog did not close; it shows: ${shown.replace(/\s+/g, " ").slice(0, 400)}`, { cause: error });
  });
  await page.getByText(EVENT_DONE_LABELS[type], { exact: true }).first().waitFor();
}

/** Picks an option of an antd Select inside `scope` by its label text. */
export async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  // A dropdown that is closing still lists its options: wait until none is visible, pick from the
  // visible one, and check the select shows the choice (a click that landed on a closing list is retried).
  const select = scope.locator(".ant-select").filter({ has: page.getByLabel(label, { exact: true }) });
  const open = page.locator(".ant-select-dropdown:visible");
  for (let attempt = 1; ; attempt++) {
    await expect.poll(() => open.count()).toBe(0);
    await scope.getByLabel(label, { exact: true }).click();
    await open.locator(".ant-select-item-option").filter({ hasText: option }).first().click();
    if ((await select.filter({ hasText: option }).count()) > 0) return;
    if (attempt === 3) throw new Error(`could not choose ${option} in ${label}`);
    await page.keyboard.press("Escape");
  }
}

/** The stage and status tags under the task page's title. */
export async function expectTaskState(page: Page, stage: StageOrTerminated, status: TaskStatus): Promise<void> {
  const sub = page.locator("#main-content h1.page-title").locator("xpath=../following-sibling::div[1]");
  const want = [STAGE_LABELS[stage], STATUS_LABELS[status]];
  await expect.poll(async () => (await sub.locator(".ant-tag").allInnerTexts()).map((s) => s.trim()).slice(0, 2), { timeout: 10_000 }).toEqual(want);
}

// ---------------------------------------------------------------------------------------------
// Looking up demo tasks (ids only; the moves under test go through the UI)

export type TaskRow = Awaited<ReturnType<ApiClient["trpc"]["task"]["list"]["query"]>>["items"][number];

/** Every task `client` may see. */
export async function listTasks(client: ApiClient): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: TaskRow[]; nextCursor: string | null } = await client.trpc.task.list.query({ limit: 500, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

/** The demo task at a document path like "二/（三）/1". */
export async function demoTask(client: ApiClient, path: string): Promise<TaskRow> {
  const task = (await listTasks(client)).find((t) => t.path.join("/") === path);
  if (!task) throw new Error(`no demo task at ${path}`);
  return task;
}
