// Two office workers on the same task in two browsers: the second to act gets a clear Chinese
// conflict message, the page refreshes to the new state, and what they typed stays in the form.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  act,
  actionDialog,
  actionLabels,
  actionsCard,
  demoTask,
  expectTaskState,
  openTask,
  startBrowserHarness,
  type BrowserHarness,
} from "../support/browser";

const CONFLICT = "该任务刚刚已被他人处理，请查看最新状态后再操作";

describe("concurrent moves in two browsers", () => {
  let h: BrowserHarness;
  let submittedTask: string;
  let signingTask: string;

  beforeAll(async () => {
    h = await startBrowserHarness("conflict");
    const office = await h.api("office");
    const submitted = await demoTask(office, "二/（一）/1");
    expect(submitted).toMatchObject({ stage: "deploy", status: "submitted" });
    submittedTask = submitted.id;
    const signing = await demoTask(office, "二/（二）/1");
    expect(signing).toMatchObject({ stage: "deploy", status: "signing" });
    signingTask = signing.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("the second approval is refused with a conflict message; the view shows the new state and keeps the typed text", () =>
    h.run("approve-twice", async () => {
      const first = await h.signIn("office");
      const second = await h.signIn("office");
      await openTask(first, submittedTask);
      await openTask(second, submittedTask);
      expect(await actionLabels(second)).toEqual(expect.arrayContaining(["审核通过", "退回"]));

      await act(first, "APPROVE");
      await expectTaskState(first, "handle", "drafting");

      // The second page still shows the old state and offers 审核通过.
      await expectTaskState(second, "deploy", "submitted");
      await actionsCard(second).getByRole("button", { name: "审核通过", exact: true }).click();
      const dialog = actionDialog(second, "审核通过");
      await dialog.waitFor();
      const typed = "同意该办理方案，请抓紧落实。";
      await dialog.getByLabel("审核意见（可选）", { exact: true }).fill(typed);
      await dialog.getByRole("button", { name: "确认审核通过", exact: true }).click();

      const alert = dialog.getByRole("alert").filter({ hasText: "已有他人先处理了此任务" });
      await alert.waitFor();
      expect(await alert.innerText()).toContain(CONFLICT);
      expect(await alert.innerText()).toContain("页面已更新为最新状态，您填写的内容已保留");
      // The page behind the modal has refreshed to the new stage …
      await expectTaskState(second, "handle", "drafting");
      // … so the modal says its action is gone and cannot be confirmed again; the text is still there.
      await dialog.getByText("任务状态已变化，此操作当前不可用。请关闭后查看最新状态。").waitFor();
      await expect.poll(() => dialog.locator("button.ant-btn-primary", { hasText: "确认审核通过" }).isDisabled(), { timeout: 15_000 }).toBe(true);
      expect(await dialog.getByLabel("审核意见（可选）", { exact: true }).inputValue()).toBe(typed);
      await h.screenshot(second, "approve-conflict", { fullPage: false });

      await dialog.getByRole("button", { name: "取消", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      expect(await actionLabels(second)).not.toContain("审核通过");

      // One approval was recorded, not two.
      const detail = await (await h.api("office")).trpc.task.get.query({ taskId: submittedTask });
      expect(detail.history.filter((e) => e.action === "task.APPROVE")).toHaveLength(1);
    })());

  it("a conflicting 催办 keeps the typed text and can be sent again after the refresh", () =>
    h.run("urge-twice", async () => {
      const first = await h.signIn("office");
      const second = await h.signIn("office");
      await openTask(first, signingTask);
      await openTask(second, signingTask);

      await act(first, "URGE", (d) => d.getByLabel("催办说明", { exact: true }).fill("请尽快签收。"));

      await actionsCard(second).getByRole("button", { name: "催办", exact: true }).click();
      const dialog = actionDialog(second, "催办");
      await dialog.waitFor();
      const typed = "第二次催办：请于本周内签收并报送办理方案。";
      await dialog.getByLabel("催办说明", { exact: true }).fill(typed);
      await dialog.getByRole("button", { name: "确认催办", exact: true }).click();
      const alert = dialog.getByRole("alert").filter({ hasText: "已有他人先处理了此任务" });
      await alert.waitFor();
      expect(await alert.innerText()).toContain(CONFLICT);
      expect(await dialog.getByLabel("催办说明", { exact: true }).inputValue()).toBe(typed);
      // 催办 is still possible in the new state: the same form is sent again, unchanged.
      await second.locator("#main-content").getByText("催办 1 次", { exact: true }).waitFor();
      const confirm = dialog.locator("button.ant-btn-primary", { hasText: "确认催办" });
      await expect.poll(() => confirm.isEnabled(), { timeout: 15_000 }).toBe(true);
      await confirm.click();
      await dialog.waitFor({ state: "detached" });
      await second.getByText("已催办", { exact: true }).first().waitFor();
      await second.locator("#main-content").getByText("催办 2 次", { exact: true }).waitFor();

      const detail = await (await h.api("office")).trpc.task.get.query({ taskId: signingTask });
      expect(detail.history.filter((e) => e.action === "task.URGE").map((e) => e.comment)).toEqual(["请尽快签收。", typed]);
    })());
});
