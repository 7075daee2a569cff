// Plan import: parsePlan over the seed documents (packages/plan-import/test/fixtures/seeds/*.txt),
// and a 300-row Excel task sheet read and parsed end to end.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parsePlan, parsePlanDocument, readPlanFile } from "@duban/plan-import";
import ExcelJS from "exceljs";
import { record } from "./common";

/** A 任务分解表 of `rows` task rows under a title and header, with a category row every 50 rows. */
async function taskSheet(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("任务分解表");
  sheet.addRow(["2027年重点工作任务分解表", "", "", "", "", ""]);
  sheet.mergeCells("A1:F1");
  sheet.addRow(["序号", "工作任务", "具体措施", "牵头单位", "配合单位", "完成时限"]);
  for (let i = 1; i <= rows; i++) {
    if (i % 50 === 1) {
      const r = sheet.addRow([`第${Math.ceil(i / 50)}类任务`, "", "", "", "", ""]).number;
      sheet.mergeCells(`A${r}:F${r}`);
    }
    sheet.addRow([i, `重点任务${i}`, `完成第${i}项建设任务，确保按期验收并达到95%以上的满意率。`, "市民政局", "市财政局、市人社局，各县（市、区）政府", `2027年${(i % 12) + 1}月底前`]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Reading and parsing a 300-row .xlsx, median of 5 runs (target < 1 s). */
export async function xlsxImportBench(): Promise<number> {
  const file = await taskSheet(300);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const plan = parsePlanDocument(await readPlanFile(file, "任务分解表.xlsx"));
    times.push(performance.now() - started);
    if (plan.tasks.length !== 300) throw new Error(`expected 300 tasks from the sheet, got ${plan.tasks.length}`);
  }
  const median = times.sort((a, b) => a - b)[2] ?? Number.NaN;
  record({ section: "plan-import", metric: "300-row .xlsx read and parsed (median of 5)", value: median, unit: "ms", target: "< 1000 ms", pass: median < 1000 });
  return median;
}

export function planImportBench(durationMs: number): number {
  const pkg = join(dirname(createRequire(import.meta.url).resolve("@duban/plan-import")), "..");
  const seeds = join(pkg, "test", "fixtures", "seeds");
  const texts = readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort().map((f) => readFileSync(join(seeds, f), "utf8"));
  if (texts.length === 0) throw new Error(`no seed documents in ${seeds}`);
  for (let i = 0; i < 20; i++) for (const t of texts) parsePlan(t);
  let docs = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (const t of texts) parsePlan(t);
    docs += texts.length;
  }
  const rate = docs / ((performance.now() - started) / 1000);
  const kib = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length / 1024;
  record({ section: "plan-import", metric: `parsePlan documents/s (${texts.length} seed documents, avg ${kib.toFixed(0)} KiB)`, value: rate, unit: "/s", target: "≥ 200/s", pass: rate >= 200 });
  return rate;
}
