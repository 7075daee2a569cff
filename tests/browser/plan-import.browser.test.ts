// The office imports an Excel task sheet and a Word file with a task table: on the import page it
// maps one unmatched unit name to a known unit and creates another unit, confirms, and the tasks
// appear in the right units' 我的待办.
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from "docx";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTasks, startBrowserHarness, type BrowserHarness } from "../support/browser";
import { unique } from "../support/server";

async function taskSheet(mark: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("任务分解表");
  sheet.addRow([`${mark}任务分解表`, "", "", "", ""]);
  sheet.mergeCells("A1:E1");
  sheet.addRow(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]);
  sheet.addRow([1, `${mark}：建设社区老年食堂。`, "东西湖民政局", "区财政局", "2027年6月底前"]);
  sheet.addRow([2, `${mark}：组建养老服务专班。`, `${mark}专班`, "区卫生健康局", "2027年3月底前"]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function wordTable(mark: string): Promise<Buffer> {
  const cell = (text: string, rowSpan?: number) => new TableCell({ children: [new Paragraph(text)], ...(rowSpan ? { rowSpan } : {}) });
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph(`关于${mark}的工作方案`),
        new Table({
          rows: [
            new TableRow({ children: ["序号", "工作任务", "牵头单位", "责任单位"].map((h) => cell(h)) }),
            new TableRow({ children: [cell("1"), cell(`${mark}：开展老年人健康体检。`), cell("区卫生健康局", 2), cell("区医疗保障局")] }),
            new TableRow({ children: [cell("2"), cell(`${mark}：推进医养结合。`), cell("区民政局")] }),
          ],
        }),
      ],
    }],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}

async function upload(page: Page, name: string, buffer: Buffer, mimeType: string): Promise<void> {
  await page.goto("/plans/import");
  await page.getByText("上传文件", { exact: true }).click();
  await page.locator("[data-testid=plan-file-input]").setInputFiles({ name, mimeType, buffer });
  await page.getByRole("button", { name: "解析方案" }).click();
  await page.getByText("第二步：核对解析结果").waitFor({ timeout: 60_000 });
}

async function confirm(page: Page): Promise<void> {
  await page.getByRole("button", { name: "确认导入" }).click();
  await page.waitForURL(/\/plans\/[^/]+$/, { timeout: 60_000 });
}

describe("importing an Excel sheet and a Word table", () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness("plan-import");
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it("maps one unmatched unit, creates another, confirms; the tasks reach the units' 我的待办", () =>
    h.run("import-xlsx-docx", async () => {
      const mark = unique("导入");
      const page = await h.signIn("office");

      await upload(page, "任务分解表.xlsx", await taskSheet(mark), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      const unmatched = page.getByRole("list", { name: "未匹配的单位" });
      const mapped = unmatched.locator("li[data-unmatched='东西湖民政局']");
      // the closest known unit is offered first
      await expect.poll(() => mapped.locator(".ant-select-content, .ant-select-selection-item").first().innerText()).toContain("东西湖区民政局");
      await h.screenshot(page, "unmatched-units");
      await mapped.getByRole("button", { name: "对应到该单位" }).click();
      await mapped.waitFor({ state: "detached" });
      const created = unmatched.locator(`li[data-unmatched='${mark}专班']`);
      await created.getByRole("button", { name: "新建为单位" }).click();
      await created.waitFor({ state: "detached" });
      await expect.poll(() => page.getByRole("list", { name: "未匹配的单位" }).count()).toBe(0);
      await confirm(page);

      await upload(page, "工作方案.docx", await wordTable(mark), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
      expect(await page.getByText("表格").count()).toBeGreaterThan(0);
      await confirm(page);

      // each unit's liaison sees its tasks in 我的待办
      const byUnit = async (username: string) => (await listTasks(await h.api(username))).filter((t) => t.text.includes(mark)).map((t) => t.text).sort();
      expect(await byUnit("mzj")).toEqual([`${mark}：建设社区老年食堂。`, `${mark}：推进医养结合。`]);
      expect(await byUnit("wjj")).toEqual([`${mark}：组建养老服务专班。`, `${mark}：开展老年人健康体检。`, `${mark}：推进医养结合。`].sort());
      const liaison = await h.signIn("mzj");
      await liaison.goto("/");
      await liaison.getByText(`${mark}：建设社区老年食堂。`).first().waitFor({ timeout: 30_000 });
      await h.screenshot(liaison, "todo-after-import");
    }), 600_000);
});
