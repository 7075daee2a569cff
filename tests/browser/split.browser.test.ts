// 层层分解 in the browser (issue 20): 区民政局's liaison splits a task for two streets; one street's
// part is approved twice (its 办理方案, then its 办结报告) by 区民政局, the other's is returned; the
// parent shows 1/2 done and the return; the office drills down from 督办看板 to the returned part.
// Then 手工立项 (a plan from a 领导批示 with one task) and 单位管理's unit tree (a demo parent and
// child, a move, a refused cycle, an .xlsx import) at desktop and phone size.
import ExcelJS from "exceljs";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  act,
  actionsCard,
  choose,
  expectTaskState,
  openTask,
  pageOverflowsHorizontally,
  PHONE,
  seriousAxeFindings,
  startBrowserHarness,
  type BrowserHarness,
} from "../support/browser";
import { createPlan, move, refusal, unique, type ApiClient } from "../support/server";

/** Types into an antd Select with search inside `scope` and picks the option showing `option`. */
async function search(page: Page, scope: Locator, label: string, text: string, option = text): Promise<void> {
  const open = page.locator(".ant-select-dropdown:visible");
  await expect.poll(() => open.count()).toBe(0);
  await scope.getByLabel(label, { exact: true }).click();
  await page.keyboard.type(text);
  await open.locator(".ant-select-item-option").filter({ hasText: option }).first().click();
}

async function xlsx(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("单位");
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe("层层分解 in the browser", () => {
  let h: BrowserHarness;
  let office: ApiClient;
  let mzj: ApiClient;
  let unitOf: Record<"mzj" | "wjs" | "jjl", string>;
  let planTitle: string;
  let top: string;

  beforeAll(async () => {
    h = await startBrowserHarness("split");
    office = await h.api("office");
    mzj = await h.api("mzj");
    unitOf = { mzj: mzj.me?.unitId ?? "", wjs: (await h.api("wjs")).me?.unitId ?? "", jjl: (await h.api("jjl")).me?.unitId ?? "" };
    // Set-up by API: 区民政局 leads, the two streets co-handle (so it may split for them); its
    // 办理方案 approved, the task is in 办理. The moves under test go through the pages.
    planTitle = unique("社区老年食堂批示落实");
    [top] = (await createPlan(office, [{ leadUnitId: unitOf.mzj, coUnitIds: [unitOf.wjs, unitOf.jjl], dueDate: "2099-06-30", text: "在各街道推广社区老年食堂" }], planTitle)) as [string];
    await move(mzj, top, { type: "SIGN" });
    await move(mzj, top, { type: "SUBMIT", text: "办理方案：由各街道分别建设助餐点。" });
    await move(office, top, { type: "APPROVE" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    "区民政局 splits for two streets, approves one and returns the other; the parent rolls up; the office drills down to the returned part",
    { timeout: 300_000 },
    () =>
      h.run("split-review-drill", async () => {
        const page = { mzj: await h.signIn("mzj"), wjs: await h.signIn("wjs"), jjl: await h.signIn("jjl"), office: await h.signIn("office") };

        // ---- 区民政局 splits the task for 吴家山街道 and 将军路街道
        await openTask(page.mzj, top);
        await act(page.mzj, "SPLIT", async (d) => {
          const first = d.getByRole("group", { name: /^子任务 1/ });
          await choose(page.mzj, first, "承办单位", "吴家山街道");
          await first.getByLabel("任务内容", { exact: true }).fill("吴家山街道：建成社区老年食堂 2 个。");
          const second = d.getByRole("group", { name: /^子任务 2/ });
          await choose(page.mzj, second, "承办单位", "将军路街道");
          await second.getByLabel("任务内容", { exact: true }).fill("将军路街道：建成社区老年食堂 1 个。");
          await d.getByLabel("分解说明（可选）", { exact: true }).fill("按街道分解");
        });
        const partsCard = page.mzj.locator(".ant-card").filter({ has: page.mzj.getByRole("heading", { name: "分解的子任务", exact: true }) });
        await partsCard.getByText("子任务 0/2 已完成", { exact: true }).waitFor();
        const parts = (await mzj.trpc.task.get.query({ taskId: top })).parts;
        const partA = parts.find((p) => p.leadUnit?.id === unitOf.wjs)?.id ?? "";
        const partB = parts.find((p) => p.leadUnit?.id === unitOf.jjl)?.id ?? "";
        expect(partA && partB).toBeTruthy();

        // ---- 吴家山街道: 签收, 办理方案 approved by 区民政局, then 办结报告 approved
        await openTask(page.wjs, partA);
        await act(page.wjs, "SIGN");
        await act(page.wjs, "SUBMIT", (d) => d.getByLabel("办理方案", { exact: true }).fill("办理方案：在两个社区开办老年食堂。"), "办理方案");
        await openTask(page.mzj, partA);
        await act(page.mzj, "APPROVE", (d) => d.getByLabel("审核意见（可选）", { exact: true }).fill("同意"));
        await expectTaskState(page.mzj, "handle", "drafting");
        await openTask(page.wjs, partA);
        await act(page.wjs, "SUBMIT", (d) => d.getByLabel("办结报告", { exact: true }).fill("办结报告：两个社区老年食堂已开办。"), "办结报告");
        await openTask(page.mzj, partA);
        await act(page.mzj, "APPROVE");
        await expectTaskState(page.mzj, "inspect", "drafting");

        // ---- 将军路街道: its 办理方案 is returned by 区民政局
        await openTask(page.jjl, partB);
        await act(page.jjl, "SIGN");
        await act(page.jjl, "SUBMIT", (d) => d.getByLabel("办理方案", { exact: true }).fill("办理方案：利用党群服务中心。"), "办理方案");
        const returnText = unique("请明确选址和开办时间");
        await openTask(page.mzj, partB);
        await act(page.mzj, "RETURN", async (d) => {
          await choose(page.mzj, d, "退回原因", "措施不具体");
          await d.getByLabel("退回说明", { exact: true }).fill(returnText);
        });
        await expectTaskState(page.mzj, "deploy", "returned");

        // ---- The parent: 1/2 done, 1 returned, each part's state in the list
        await openTask(page.mzj, top);
        await partsCard.getByText("子任务 1/2 已完成", { exact: true }).waitFor();
        await partsCard.getByText("1 项退回", { exact: true }).waitFor();
        const rows = await partsCard.locator("tbody tr").allInnerTexts();
        expect(rows.find((r) => r.includes("吴家山街道"))).toContain("检查");
        expect(rows.find((r) => r.includes("将军路街道"))).toContain("已退回");
        await h.screenshot(page.mzj, "01-parent-rollup");
        // The street sees the return and its reason on its part.
        await openTask(page.jjl, partB);
        const returned = page.jjl.getByRole("alert").filter({ hasText: "已被退回（措施不具体）" });
        await returned.waitFor();
        expect(await returned.innerText()).toContain(returnText);

        // ---- The office: 督办看板 → 办理 (the parent) → 查看子任务 → the returned part
        const o = page.office;
        await o.goto("/dashboard");
        await o.getByRole("heading", { name: "督办看板", level: 1 }).waitFor();
        await choose(o, o.locator("#main-content"), "选择工作方案", planTitle);
        const handle = o.getByRole("button", { name: "办理 1 项，查看任务" });
        await handle.waitFor();
        await handle.click();
        const drawer = o.getByRole("dialog");
        await drawer.getByText("办理阶段的任务（1 项）").waitFor();
        await drawer.getByText("子任务 1/2 已完成", { exact: true }).waitFor();
        await drawer.getByText("1 项退回", { exact: true }).waitFor();
        await drawer.getByRole("button", { name: /^查看子任务 / }).click();
        await drawer.getByText(/的子任务（2 项）/).waitFor();
        await expect.poll(() => drawer.locator('a[href^="/tasks/"]').count()).toBe(2);
        const returnedRow = drawer.locator("tbody tr").filter({ has: o.locator(`a[href="/tasks/${partB}"]`) });
        expect(await returnedRow.innerText()).toContain("已退回");
        await h.screenshot(o, "02-dashboard-parts-drill", { fullPage: false });
        // 返回上一级 brings the parent back
        await drawer.getByRole("button", { name: "返回上一级" }).click();
        await drawer.getByText("办理阶段的任务（1 项）").waitFor();
        await drawer.getByRole("button", { name: /^查看子任务 / }).click();
        await drawer.locator(`a[href="/tasks/${partB}"]`).click();
        await o.waitForURL(`**/tasks/${partB}`);
        await actionsCard(o).waitFor();
        await expectTaskState(o, "deploy", "returned");
        await o.getByRole("alert").filter({ hasText: "已被退回（措施不具体）" }).waitFor();

        // ---- The same drill-down on a phone: cards, nothing scrolls sideways
        const phone = await h.signIn("office", { viewport: PHONE });
        await phone.goto("/dashboard");
        await choose(phone, phone.locator("#main-content"), "选择工作方案", planTitle);
        await phone.getByRole("button", { name: "办理 1 项，查看任务" }).click();
        await phone.getByRole("dialog").getByRole("button", { name: /^查看子任务 / }).click();
        await phone.getByRole("dialog").getByRole("list", { name: /的子任务的任务$/ }).waitFor();
        expect(await pageOverflowsHorizontally(phone)).toBeNull();
        await h.screenshot(phone, "03-phone-parts-drill", { fullPage: false });
      })(),
  );

  it(
    "手工立项: a plan from a 领导批示 with one task; a missing field and a server refusal keep what was typed; the plan page shows 立项来源",
    { timeout: 120_000 },
    () =>
      h.run("hand-made-plan", async () => {
        const o = await h.signIn("office");
        await o.goto("/plans");
        await o.getByRole("button", { name: "手工立项" }).click();
        await o.waitForURL("**/plans/new");
        await o.getByRole("heading", { name: "手工立项", level: 1 }).waitFor();
        const title = unique("关于加快推进适老化改造的批示落实");
        await o.getByLabel("标题", { exact: true }).fill(title);
        await o.getByRole("radio", { name: "领导批示", exact: true }).check();
        await o.getByLabel("批示文号", { exact: true }).fill("区领导批示〔2026〕18号");
        const task = o.getByRole("group", { name: /^任务 1/ });
        await task.getByLabel("任务内容", { exact: true }).fill("年内完成 300 户困难老年人家庭适老化改造。");
        await search(o, task, "责任单位", "各街道", "各街道办事处");
        await o.keyboard.press("Escape");
        const due = task.getByLabel("完成时限", { exact: true });
        await due.click();
        await due.fill("2099-10-31");
        await due.press("Enter");
        // No 牵头单位: the form says so and keeps everything typed.
        await o.getByRole("button", { name: "立项", exact: true }).click();
        await task.getByText("请选择牵头单位", { exact: true }).waitFor();
        expect(await o.getByLabel("标题", { exact: true }).inputValue()).toBe(title);
        expect(await task.getByLabel("任务内容", { exact: true }).inputValue()).toBe("年内完成 300 户困难老年人家庭适老化改造。");
        await search(o, task, "牵头单位", "区住房和城乡建设局", "东西湖区住房和城乡建设局");
        expect(await seriousAxeFindings(o)).toEqual([]);
        // A title of invisible characters passes the form but not the server: its words are shown.
        await o.getByLabel("标题", { exact: true }).fill("\u200b\u200b");
        await o.getByRole("button", { name: "立项", exact: true }).click();
        await o.getByRole("alert").filter({ hasText: "立项失败" }).filter({ hasText: "请填写方案标题" }).waitFor();
        expect(await task.getByLabel("任务内容", { exact: true }).inputValue()).toBe("年内完成 300 户困难老年人家庭适老化改造。");
        expect(new URL(o.url()).pathname).toBe("/plans/new");
        await o.getByLabel("标题", { exact: true }).fill(title);
        await h.screenshot(o, "04-hand-made-plan-form");
        await o.getByRole("button", { name: "立项", exact: true }).click();
        await o.waitForURL(/\/plans\/(?!new)[^/]+$/);
        await o.getByRole("heading", { name: title, level: 1 }).waitFor();
        await expect.poll(() => o.locator("#main-content").innerText()).toContain("领导批示：区领导批示〔2026〕18号");
        await h.screenshot(o, "05-hand-made-plan-created");
        // The task: 住建局 leads, every street co-handles, due 2099-10-31.
        const planId = new URL(o.url()).pathname.split("/").pop() ?? "";
        const [row] = (await office.trpc.task.list.query({ planId, limit: 10 })).items;
        expect(row?.leadUnit?.name).toBe("东西湖区住房和城乡建设局");
        expect(row?.coUnits.length).toBe(12);
        expect(row?.dueDate).toBe("2099-10-31");

        // On a phone the form fits the screen.
        const phone = await h.signIn("office", { viewport: PHONE });
        await phone.goto("/plans/new");
        await phone.getByRole("group", { name: /^任务 1/ }).waitFor();
        expect(await pageOverflowsHorizontally(phone)).toBeNull();
        await h.screenshot(phone, "06-phone-hand-made-plan");
      })(),
  );

  it(
    "单位管理: the tree shows a demo street and its community; a move, a refused cycle and an .xlsx import",
    { timeout: 120_000 },
    () =>
      h.run("unit-tree", async () => {
        const admin = await h.api("sysadmin");
        const units = () => admin.trpc.unit.list.query().then((r) => r.units);
        const p = await h.signIn("sysadmin");
        await p.goto("/admin/units");
        const tree = p.getByRole("tree", { name: "单位层级" });
        await tree.waitFor();
        const item = (name: string) => tree.getByRole("treeitem").filter({ has: p.getByText(name, { exact: true }) });
        const depth = async (name: string) => item(name).locator(".ant-tree-indent-unit").count();
        // 七雄社区 sits one level below 吴家山街道
        await item("吴家山街道七雄社区").waitFor();
        expect(await depth("吴家山街道七雄社区")).toBe((await depth("东西湖区吴家山街道办事处")) + 1);
        expect(await seriousAxeFindings(p)).toEqual([]);
        await h.screenshot(p, "07-unit-tree");

        // Move 田园社区 under 将军路街道
        await item("吴家山街道田园社区").getByRole("button", { name: "调整上级 吴家山街道田园社区" }).click();
        const dialog = p.getByRole("dialog", { name: "调整上级单位：吴家山街道田园社区" });
        expect(await dialog.getByText("东西湖区吴家山街道办事处").count()).toBeGreaterThan(0);
        await search(p, dialog, "上级单位", "将军路", "东西湖区将军路街道办事处");
        await dialog.getByRole("button", { name: "保存" }).click();
        await dialog.waitFor({ state: "detached" });
        const jjl = (await units()).find((u) => u.name === "东西湖区将军路街道办事处");
        await expect.poll(async () => (await units()).find((u) => u.name === "吴家山街道田园社区")?.parentId).toBe(jjl?.id);
        await expect.poll(() => depth("吴家山街道田园社区")).toBe((await depth("东西湖区将军路街道办事处")) + 1);

        // A cycle: 吴家山街道 under its own community — the choice is not offered, and the server refuses it
        await item("东西湖区吴家山街道办事处").getByRole("button", { name: "调整上级 东西湖区吴家山街道办事处" }).click();
        const cycle = p.getByRole("dialog", { name: "调整上级单位：东西湖区吴家山街道办事处" });
        await cycle.getByLabel("上级单位", { exact: true }).click();
        await p.keyboard.type("吴家山");
        const options = p.locator(".ant-select-dropdown:visible .ant-select-item-option");
        await options.first().waitFor();
        expect(await options.allInnerTexts()).not.toEqual(expect.arrayContaining([expect.stringContaining("七雄社区")]));
        await h.screenshot(p, "08-unit-parent-choices", { fullPage: false });
        await p.keyboard.press("Escape");
        await cycle.getByRole("button", { name: "取消" }).click();
        const wjsId = (await units()).find((u) => u.name === "东西湖区吴家山街道办事处")?.id as string;
        const qixiong = (await units()).find((u) => u.name === "吴家山街道七雄社区")?.id as string;
        expect((await refusal(admin.trpc.unit.setParent.mutate({ unitId: wjsId, parentId: qixiong }))).message).toBe("不能把下级单位设为上级单位（会形成循环）");

        // 查找单位: a name shows the matching units where they sit in the tree, and nothing else
        await p.getByRole("searchbox", { name: "查找单位" }).fill("七雄");
        await p.getByRole("status").filter({ hasText: "找到 1 个单位" }).waitFor();
        await expect.poll(() => tree.getByRole("treeitem").allInnerTexts()).toEqual(
          expect.arrayContaining([expect.stringContaining("东西湖区吴家山街道办事处"), expect.stringContaining("吴家山街道七雄社区")]),
        );
        expect((await tree.getByRole("treeitem").allInnerTexts()).filter((t) => /田园社区|将军路|民政局/.test(t))).toEqual([]);
        await p.getByRole("searchbox", { name: "查找单位" }).fill("不存在的单位名");
        await p.getByText("没有名称含“不存在的单位名”的单位").waitFor();
        await p.getByRole("searchbox", { name: "查找单位" }).fill("");
        await item("吴家山街道田园社区").waitFor();

        // Import: 田园社区 back under 吴家山街道, a new 科室 under 区民政局
        const newUnit = unique("区民政局养老服务科");
        await p.getByRole("button", { name: "导入单位层级" }).click();
        const imp = p.getByRole("dialog", { name: "导入单位层级" });
        await imp.locator("input[type=file]").setInputFiles({ name: "单位层级.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: await xlsx([["单位名称", "上级单位", "类型"], ["吴家山街道田园社区", "吴家山街道", "社区"], [newUnit, "区民政局", "部门"]]) });
        await imp.getByRole("button", { name: "导入" }).click();
        await imp.getByRole("status").filter({ hasText: "共 2 行：新建 1 个单位，调整了 1 个已有单位的上级单位。" }).waitFor();
        await item(newUnit).waitFor();
        expect(await depth(newUnit)).toBe((await depth("东西湖区民政局")) + 1);
        // A sheet naming an unknown parent is refused whole, with its row
        await imp.locator("input[type=file]").setInputFiles({ name: "有误.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: await xlsx([["单位名称", "上级单位"], ["某某科", "不存在的单位"]]) });
        await imp.getByRole("button", { name: "导入" }).click();
        await imp.getByRole("alert").filter({ hasText: "第 2 行：上级单位“不存在的单位”不存在" }).waitFor();
        await h.screenshot(p, "09-unit-import-refused", { fullPage: false });
        expect((await units()).some((u) => u.name === "某某科")).toBe(false);
        await imp.getByRole("button", { name: "取消" }).click();

        // The phone: the tree fits, nothing scrolls sideways
        const phone = await h.signIn("sysadmin", { viewport: PHONE });
        await phone.goto("/admin/units");
        await phone.getByRole("tree", { name: "单位层级" }).getByText("吴家山街道七雄社区", { exact: true }).waitFor();
        expect(await pageOverflowsHorizontally(phone)).toBeNull();
        await h.screenshot(phone, "10-phone-unit-tree");
      })(),
  );
});
