// One task walked through its whole lifecycle in the browser, each person in their own browser
// context: 区民政局's liaison (lead unit), 卫健局's liaison (co-unit), the office, a leader, three
// evaluators — then the auditor verifies the log on the audit page. Every move goes through the
// task page's buttons and modal forms; the API is used only to look up the task's id.
import { EVENT_LABELS, type TaskEventType } from "@duban/workflow";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  act,
  actionLabels,
  actionsCard,
  choose,
  demoTask,
  expectTaskState,
  historyCard,
  openTask,
  startBrowserHarness,
  type BrowserHarness,
} from "../support/browser";
import { samplePdf, unique } from "../support/server";

describe("the whole lifecycle in the browser", () => {
  let h: BrowserHarness;
  let taskId: string;

  beforeAll(async () => {
    h = await startBrowserHarness("lifecycle");
    // 二/（三）/1: led by 区民政局 (mzj), with 财政局 (czj), 卫生健康局 (wjj) and 医疗保障局 (ybj).
    const task = await demoTask(await h.api("office"), "二/（三）/1");
    expect(task).toMatchObject({ stage: "deploy", status: "signing", round: 1 });
    expect(task.leadUnit?.name).toBe("东西湖区民政局");
    expect(task.coUnits.map((u) => u.name).sort()).toEqual(["东西湖区医疗保障局", "东西湖区卫生健康局", "东西湖区财政局"].sort());
    taskId = task.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "sign → return → approve → progress, contribution, inspection with rectification → summary → 不满意 → round 2 → 办结, audited",
    { timeout: 300_000 },
    () =>
      h.run("whole-lifecycle", async () => {
        /** The moves made, in order — the history timeline must show exactly these, newest first. */
        const moves: TaskEventType[] = [];
        const users = ["mzj", "wjj", "office", "leader", "evaluator1", "evaluator2", "evaluator3"] as const;
        const page = {} as Record<(typeof users)[number], Page>;
        for (const u of users) page[u] = await h.signIn(u);

        /** Reloads the task in `p`, does the move and records it. */
        const move = async (p: Page, type: TaskEventType, fill?: (d: Locator) => Promise<void>, material?: string) => {
          await openTask(p, taskId);
          await act(p, type, fill, material);
          moves.push(type);
        };
        const text = (label: string, value: string) => async (d: Locator) => d.getByLabel(label, { exact: true }).fill(value);
        const radio = (d: Locator, name: string) => d.getByRole("radio", { name, exact: true }).check();

        // ---- 部署: sign, submit, returned with a reason, resubmit, approve
        await openTask(page.mzj, taskId);
        expect(await actionLabels(page.mzj)).toEqual(expect.arrayContaining(["签收"]));
        await h.screenshot(page.mzj, "01-deploy-signing");
        await move(page.mzj, "SIGN", text("意见（可选）", "已签收，由养老服务科承办。"));
        await expectTaskState(page.mzj, "deploy", "drafting");
        await move(page.mzj, "SUBMIT", text("办理方案", "办理方案：成立工作专班，按月调度。"), "办理方案");
        await expectTaskState(page.mzj, "deploy", "submitted");

        const returnText = unique("请细化工作专班的分工和时间节点");
        await move(page.office, "RETURN", async (d) => {
          await choose(page.office, d, "退回原因", "措施不具体");
          await d.getByLabel("退回说明", { exact: true }).fill(returnText);
        });
        await expectTaskState(page.office, "deploy", "returned");

        await openTask(page.mzj, taskId);
        await expectTaskState(page.mzj, "deploy", "returned");
        const returnedAlert = page.mzj.getByRole("alert").filter({ hasText: "已被退回（措施不具体）" });
        await returnedAlert.waitFor();
        expect(await returnedAlert.innerText()).toContain(returnText);
        await h.screenshot(page.mzj, "02-deploy-returned");
        await move(page.mzj, "SUBMIT", text("办理方案", "办理方案（修改）：专班分三组，每月 5 日前调度。"), "办理方案");
        await move(page.office, "APPROVE", text("审核意见（可选）", "同意"));
        await expectTaskState(page.office, "handle", "drafting");

        // ---- 办理: a progress report with evidence, 卫健局's contribution accepted, the others waived
        await move(page.mzj, "REPORT_PROGRESS", async (d) => {
          await d.getByLabel("进度情况", { exact: true }).fill("已完成 12 个社区养老服务站建设。");
          await d.getByLabel("完成进度（%）", { exact: true }).fill("40");
          // The upload button (its name starts with its visible text, WCAG 2.5.3) opens a hidden file input, which Playwright fills.
          expect(await d.getByRole("button", { name: "选择文件上传（附件）" }).innerText()).toContain("选择文件上传");
          await d.locator("input[type=file]").setInputFiles({ name: "进度材料.pdf", mimeType: "application/pdf", buffer: samplePdf(unique("evidence")) });
          await d.getByRole("list", { name: "已上传的附件" }).getByText(/进度材料\.pdf/).waitFor();
        });
        const progress = page.mzj.getByRole("region", { name: "进度报告" });
        await progress.getByText("40%", { exact: true }).waitFor();
        await progress.getByRole("link", { name: "进度材料.pdf" }).waitFor();

        // 提交 waits on the co-units: shown disabled, with the lifecycle's reason and a link to them.
        const blockedSubmit = actionsCard(page.mzj).getByRole("button", { name: "提交办结报告", exact: true });
        expect(await blockedSubmit.isDisabled()).toBe(true);
        await actionsCard(page.mzj).getByText("尚有 3 个协办单位未提交意见", { exact: true }).waitFor();
        await actionsCard(page.mzj).getByRole("link", { name: /^查看协办意见：/ }).click();
        await h.screenshot(page.mzj, "02b-handle-submit-blocked");

        await openTask(page.wjj, taskId);
        expect(await actionLabels(page.wjj)).toEqual(expect.arrayContaining(["提交协办意见"]));
        await move(page.wjj, "SUBMIT_CONTRIBUTION", text("协办意见", "卫健局：完成医养结合机构检查 8 家。"));
        await move(page.mzj, "ACCEPT_CONTRIBUTION", text("意见（可选）", "采纳"));
        await move(page.office, "WAIVE_CONTRIBUTION", async (d) => {
          await choose(page.office, d, "协办单位", "东西湖区财政局");
          await d.getByLabel("免除理由", { exact: true }).fill("本任务无需财政局另行报送。");
        });
        await move(page.office, "WAIVE_CONTRIBUTION", async (d) => {
          await choose(page.office, d, "协办单位", "东西湖区医疗保障局");
          await d.getByLabel("免除理由", { exact: true }).fill("本任务无需医保局另行报送。");
        });
        await openTask(page.mzj, taskId);
        const contributions = page.mzj.locator(".ant-card").filter({ has: page.mzj.getByRole("heading", { name: "协办意见", exact: true }) });
        await expect.poll(async () => (await contributions.locator("tbody tr").allInnerTexts()).map((r) => r.replace(/\s+/g, " ").trim()).sort()).toEqual(
          ["东西湖区医疗保障局 已免除", "东西湖区卫生健康局 已采纳", "东西湖区财政局 已免除"].sort(),
        );
        await h.screenshot(page.mzj, "03-handle-contributions");
        await move(page.mzj, "SUBMIT", text("办结报告", "办结报告：建成服务站 30 个，覆盖全部街道。"), "办结报告");
        await move(page.office, "APPROVE");
        await expectTaskState(page.office, "inspect", "drafting");

        // ---- 检查: the leader records a problem; the unit rectifies it; the office closes it and passes
        await move(page.leader, "RECORD_INSPECTION", async (d) => {
          await d.getByLabel("检查情况", { exact: true }).fill("实地检查 3 个服务站。");
          await d.getByRole("button", { name: "添加整改事项" }).click();
          await d.getByLabel("第 1 项", { exact: true }).fill("部分站点消防通道堵塞");
        });
        const items = page.leader.locator(".ant-card").filter({ has: page.leader.getByRole("heading", { name: "整改事项", exact: true }) });
        await items.getByText("待整改", { exact: true }).waitFor();
        await move(page.mzj, "RECTIFY", text("整改情况", "已清理消防通道并建立每周巡查制度。"));
        await move(page.office, "CLOSE_ITEM", text("销号意见（可选）", "经复查，同意销号。"));
        const closedItems = page.office.locator(".ant-card").filter({ has: page.office.getByRole("heading", { name: "整改事项", exact: true }) });
        await closedItems.getByText("已销号", { exact: true }).waitFor();
        expect(await closedItems.innerText()).toContain("整改情况：已清理消防通道并建立每周巡查制度。");
        await h.screenshot(page.office, "04-inspect-closed");
        await move(page.mzj, "SUBMIT", text("整改报告", "整改报告：问题已全部整改。"), "整改报告");
        await move(page.office, "PASS_INSPECTION", text("意见（可选）", "检查通过"));
        await expectTaskState(page.office, "summarize", "drafting");

        // ---- 总结: the summary with class B; the office approves as A
        await move(page.mzj, "SUBMIT", async (d) => {
          await d.getByLabel("办理工作总结", { exact: true }).fill("办理工作总结：全年建成服务站 30 个。");
          await radio(d, "B 正在解决或列入计划");
        }, "办理工作总结");
        await move(page.office, "APPROVE", async (d) => {
          expect(await d.getByRole("radio", { name: "B 正在解决或列入计划", exact: true }).isChecked()).toBe(true);
          await radio(d, "A 已解决或基本解决");
        });
        await expectTaskState(page.office, "evaluate", "rating");
        expect(await page.office.locator("#main-content").innerText()).toContain("A 已解决或基本解决");

        // ---- 满意度测评: two 不满意 of three → back to handling, round 2
        // evaluator1 finds the task on 我的待办 (待测评).
        await page.evaluator1.goto("/?tab=rate");
        await page.evaluator1.locator(`#main-content a[href="/tasks/${taskId}"]`).click();
        await page.evaluator1.waitForURL(`**/tasks/${taskId}`);
        await act(page.evaluator1, "RATE", async (d) => {
          await radio(d, "不满意");
          await d.getByLabel("测评意见（可选）", { exact: true }).fill("服务站利用率低");
        });
        moves.push("RATE");
        await move(page.evaluator2, "RATE", (d) => radio(d, "不满意"));
        await move(page.evaluator3, "RATE", (d) => radio(d, "满意"));
        await move(page.office, "CLOSE_EVALUATION", text("意见（可选）", "不满意过半，重新办理"));
        await expectTaskState(page.office, "handle", "drafting");
        await page.office.getByText("第 2 轮", { exact: true }).first().waitFor();
        await h.screenshot(page.office, "05-round-2");

        // ---- Round 2 to 办结: contributions waived, completion, inspection without problems, summary, ratings
        for (const unit of ["东西湖区卫生健康局", "东西湖区财政局", "东西湖区医疗保障局"]) {
          await move(page.office, "WAIVE_CONTRIBUTION", async (d) => {
            await choose(page.office, d, "协办单位", unit);
            await d.getByLabel("免除理由", { exact: true }).fill("第二轮由牵头单位独立办理。");
          });
        }
        await move(page.mzj, "SUBMIT", text("办结报告", "第二轮办结报告：服务站利用率提升至 85%。"), "办结报告");
        await move(page.office, "APPROVE");
        await move(page.office, "RECORD_INSPECTION", text("检查情况", "复查无问题。"));
        await move(page.mzj, "SUBMIT", text("整改报告", "复查情况良好。"), "整改报告");
        await move(page.office, "PASS_INSPECTION");
        await move(page.mzj, "SUBMIT", async (d) => {
          await d.getByLabel("办理工作总结", { exact: true }).fill("第二轮办理工作总结。");
          await radio(d, "A 已解决或基本解决");
        }, "办理工作总结");
        await move(page.office, "APPROVE");
        await move(page.evaluator1, "RATE", (d) => radio(d, "基本满意"));
        await move(page.evaluator2, "RATE", (d) => radio(d, "满意"));
        await move(page.evaluator3, "RATE", (d) => radio(d, "不满意"));
        await move(page.office, "CLOSE_EVALUATION");
        await expectTaskState(page.office, "done", "done");

        // ---- Nothing is offered any more; the history shows every move with its Chinese label
        for (const u of users) {
          await openTask(page[u], taskId);
          expect(await actionLabels(page[u]), u).toEqual([]);
        }
        const timeline = historyCard(page.office).locator("li strong");
        const shown = (await timeline.allInnerTexts()).map((s) => s.trim());
        const expected = moves.map((m) => EVENT_LABELS[m]).reverse();
        expect(shown.slice(0, expected.length)).toEqual(expected);
        const history = await historyCard(page.office).innerText();
        expect(history).toContain(returnText);
        expect(history).toContain("部署 · 待审核 → 部署 · 已退回");
        expect(history).toContain("满意度测评 · 测评中 → 办理 · 待提交");
        expect(history).toContain("满意度测评 · 测评中 → 办结");
        await h.screenshot(page.office, "06-done-history");

        // ---- The auditor verifies the chain on the audit page
        const auditor = await h.signIn("auditor");
        await auditor.goto("/audit");
        await auditor.getByRole("button", { name: "校验日志完整性" }).click();
        const verdict = auditor.getByRole("status").filter({ hasText: "校验通过" });
        await verdict.waitFor();
        expect(await verdict.innerText()).toMatch(/校验通过，共 \d+ 条记录，日志链完整、未被篡改。/);
        await h.screenshot(auditor, "07-audit-verified");
      })(),
  );
});
