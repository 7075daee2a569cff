// The app on a phone (390×844): login, the menu from the hamburger, 我的待办, a task page whose
// action modal opens inside the screen, and no sideways scrolling of the page (tables scroll inside
// their own region).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  act,
  actionsCard,
  demoTask,
  expectTaskState,
  pageOverflowsHorizontally,
  PHONE,
  signInOn,
  startBrowserHarness,
  type BrowserHarness,
} from "../support/browser";

describe("the app on a phone", () => {
  let h: BrowserHarness;
  let taskId: string;

  beforeAll(async () => {
    h = await startBrowserHarness("mobile");
    const task = await demoTask(await h.api("office"), "二/（二）/2");
    expect(task).toMatchObject({ stage: "deploy", status: "signing" });
    taskId = task.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("login, hamburger menu, to-do list, task page and an action modal all fit a 390 px screen", () =>
    h.run("phone", async () => {
      const page = await h.anonymousPage({ viewport: PHONE });
      await page.goto("/login");
      await page.getByRole("button", { name: "登录" }).waitFor();
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await h.screenshot(page, "login");
      await signInOn(page, "mzj");

      // 我的待办 with its categories as buttons; the 待签收 list holds the task.
      await page.getByRole("heading", { name: "我的待办", level: 1 }).waitFor();
      await page.getByRole("radiogroup", { name: "待办分类" }).waitFor();
      const link = page.locator(`#main-content a[href="/tasks/${taskId}"]`);
      await link.waitFor();
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await h.screenshot(page, "home");

      // The side menu is hidden; the hamburger opens it as a drawer.
      const nav = page.getByRole("navigation", { name: "主导航" });
      expect(await nav.isVisible()).toBe(false);
      const hamburger = page.getByRole("button", { name: "打开导航菜单" });
      expect(await hamburger.getAttribute("aria-expanded")).toBe("false");
      await hamburger.click();
      await nav.waitFor();
      expect(await nav.getByRole("link").allInnerTexts()).toEqual(["我的待办", "工作方案", "督办看板", "督办单", "月报缺报", "消息"]);
      await h.screenshot(page, "menu-open", { fullPage: false });
      await nav.getByRole("link", { name: "工作方案" }).click();
      await page.waitForURL("**/plans");
      await page.getByRole("heading", { name: "工作方案", level: 1 }).waitFor();
      await nav.waitFor({ state: "hidden" });
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await page.goBack();

      // The task page, reached from the list.
      await link.click();
      await page.waitForURL(`**/tasks/${taskId}`);
      await actionsCard(page).waitFor();
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await h.screenshot(page, "task");

      // The 签收 modal fits the screen and works.
      await actionsCard(page).getByRole("button", { name: "签收", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "签收", exact: true });
      await dialog.waitFor();
      const box = await dialog.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      const confirm = dialog.getByRole("button", { name: "确认签收", exact: true });
      const confirmBox = await confirm.boundingBox();
      expect(confirmBox!.x + confirmBox!.width).toBeLessThanOrEqual(PHONE.width);
      expect(confirmBox!.y + confirmBox!.height).toBeLessThanOrEqual(PHONE.height);
      expect(await pageOverflowsHorizontally(page)).toBeNull();
      await h.screenshot(page, "sign-modal", { fullPage: false });
      await dialog.getByRole("button", { name: "取消", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      await act(page, "SIGN", (d) => d.getByLabel("意见（可选）", { exact: true }).fill("手机签收"));
      await expectTaskState(page, "deploy", "drafting");
    })());
});
