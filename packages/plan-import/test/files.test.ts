/**
 * Every file kind end to end: the fixtures under test/fixtures/files (built from corpus plans by
 * scripts/make-fixture-files.ts) are read and parsed to the tasks their corpus JSON expects.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlanDocument, readPlanFile } from "../src/index.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/files");
const files = readdirSync(dir).filter((f) => !f.endsWith(".expected.json")).sort();

describe("plan files of every kind", () => {
  it("covers .txt, .docx, .xlsx, .doc and .pdf", () => {
    expect(new Set(files.map((f) => path.extname(f)))).toEqual(new Set([".txt", ".docx", ".xlsx", ".doc", ".pdf"]));
  });

  for (const file of files) {
    it(file, async () => {
      const expected = JSON.parse(readFileSync(path.join(dir, `${file}.expected.json`), "utf8")) as { tasks: unknown[] };
      const doc = await readPlanFile(readFileSync(path.join(dir, file)), file);
      const plan = parsePlanDocument(doc);
      expect(plan.tasks.map((t) => ({ path: t.path, leadUnits: t.leadUnits, responsibleUnits: t.responsibleUnits }))).toEqual(expected.tasks);
    }, 20_000);
  }

  it("reads Word and Excel tables as tables", async () => {
    const docx = await readPlanFile(readFileSync(path.join(dir, "guangzhou-2006-zhongdian-table.docx")), "x.docx");
    expect(docx.kind).toBe("docx");
    const table = docx.tables?.[0] ?? [];
    // the category row merged across four columns, the 牵头单位 merged down into the next row
    expect(table[1]).toEqual(Array(4).fill("一、努力构建现代产业体系，促进经济又快又好发展"));
    expect(table[3]?.[2]).toBe("市发改委");
    expect(table[4]?.[2]).toBe("市发改委");
    expect(parsePlanDocument(docx).tasks.every((t) => t.unitRule === "table")).toBe(true);

    const xlsx = await readPlanFile(readFileSync(path.join(dir, "changshu-chongchuan.xlsx")), "x.xlsx");
    expect(xlsx.tables).toHaveLength(2);
    expect(xlsx.tables?.[1]?.map((r) => r[2])).toEqual(["分管领导", "徐国江", "徐国江", "徐国江"]);
  });
});
