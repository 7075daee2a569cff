import { Document, Packer, Paragraph } from "docx";
import { describe, expect, it } from "vitest";
import { readDocxText } from "./docx.js";
import { parsePlan } from "./parse.js";

describe("readDocxText", () => {
  it("reads the paragraphs of a Word file that parsePlan then understands", async () => {
    const paragraphs = [
      "东政办〔2021〕16号",
      "东西湖区人民政府办公室",
      "2021年4月17日",
      "某某工作方案",
      "二、工作任务",
      "（一）推动建设",
      "1. 完成 30 户改造。（牵头单位：区民政局；责任单位：区财政局、各街道办事处）",
    ];
    const doc = new Document({ sections: [{ children: paragraphs.map((p) => new Paragraph(p)) }] });
    const buffer = await Packer.toBuffer(doc);

    const text = await readDocxText(buffer);
    for (const p of paragraphs) expect(text).toContain(p);
    // a plain Uint8Array works too
    expect(await readDocxText(new Uint8Array(buffer))).toBe(text);

    const plan = parsePlan(text);
    expect(plan).toMatchObject({ docNumber: "东政办〔2021〕16号", issuer: "东西湖区人民政府办公室", date: "2021-04-17", title: "某某工作方案" });
    expect(plan.tasks).toEqual([
      expect.objectContaining({
        path: ["二", "（一）", "1"],
        heading: "推动建设",
        text: "完成 30 户改造。",
        leadUnits: ["区民政局"],
        responsibleUnits: ["区财政局", "各街道办事处"],
        groups: ["各街道办事处"],
        dueDate: null,
        targets: [{ text: "完成30户", value: 30, unit: "户", comparator: "eq" }],
      }),
    ]);
  });

  it("rejects something that is not a Word file", async () => {
    await expect(readDocxText(new Uint8Array([1, 2, 3]))).rejects.toThrow();
  });
});
