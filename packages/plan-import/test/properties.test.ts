import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseRadicals } from "../src/clean.js";
import { parsePlan, type ParsedPlan, type UnitRegistry } from "../src/index.js";
import { readSeed, seedFiles } from "./seeds.js";

/** Pieces plans are made of, so random texts hit the interesting paths. */
const FRAGMENTS = [
  "一、", "二、", "十三、", "（一）", "(二)", "（十三）", "1.", "2、", "10.", "(1)", "（2）", "①",
  "工作任务", "主要任务", "进度安排", "工作目标", "保障措施",
  "（牵头单位：", "(牵头单位:", "；责任单位：", ";责任单位:", "，责任单位：", "（责任单位：", "牵头单位：",
  "区民政局", "市财政局", "各街道办事处", "领导小组各成员单位", "各区人民政府〈含开发区，下同〉", "（牵头）",
  "、", "，", ",", "；", "。", "）", ")", "〈", "〉",
  "2023年底", "3月底前", "2021年11月", "到“十三五”末", "动员部署阶段（2021年4月）", "办理落实阶段(2024年4月-9月)",
  "完成30户", "达到90%以上", "不低于52%", "至少", "率", "100%",
  "东政办〔2021〕16号", "武汉市东西湖区人民政府办公室文件", "东西湖区人民政府办公室", "2021年4月17日",
  "浏览量:", "文件下载", "http://x.cn/a", "分享到", "您当前的位置", "索引号:", "文 号:",
  "完成时限", "责任单位", "具体项目",
  "\n", "\n\n", " ", "\u3000", "# ", "## ",
];

const planLike = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 }), fc.string({ unit: "grapheme", maxLength: 8 })), {
    maxLength: 120,
  })
  .map((parts) => parts.join(""));

function allUnitNames(plan: ParsedPlan): string[] {
  return plan.tasks.flatMap((t) => [...t.leadUnits, ...t.responsibleUnits]);
}

/** The text as the importer reads it: PDF radicals (⻚) folded to ordinary characters (页), whitespace aside. */
const squash = (s: string): string => normaliseRadicals(s).replace(/\s+/g, "");

describe("parsePlan properties", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        parsePlan(text);
      }),
      { numRuns: 300 },
    );
    // generating 300 binary strings takes seconds on a loaded machine; parsing them takes ~0.1 s
  }, 30_000);

  it("never throws on plan-like text and always returns JSON-serialisable data", () => {
    fc.assert(
      fc.property(planLike, (text) => {
        const plan = parsePlan(text);
        expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
      }),
      { numRuns: 500 },
    );
  });

  it("copes with huge lines and deep mixes of numbering markers", () => {
    const huge = "（牵头单位：区民政局；责任单位：" + "区财政局、".repeat(20_000) + "）";
    expect(() => parsePlan(`二、工作任务\n（一）x\n1. ${huge}`)).not.toThrow();
    expect(() => parsePlan("1.".repeat(50_000))).not.toThrow();
    expect(() => parsePlan(["一、", "（一）", "1.", "(1)", "①"].join("a\n").repeat(5_000))).not.toThrow();
    expect(() => parsePlan("（".repeat(30_000) + "牵头单位：" + "）".repeat(30_000))).not.toThrow();
  });

  it("never invents a unit: every unit name is in the text (whitespace aside)", () => {
    fc.assert(
      fc.property(planLike, (text) => {
        const plan = parsePlan(text);
        const haystack = squash(text);
        for (const name of allUnitNames(plan)) expect(haystack).toContain(name);
        for (const name of plan.unmatchedUnits) expect(haystack).toContain(name);
      }),
      { numRuns: 500 },
    );
  });

  it("with a registry, a matched unit's canonical name is the registry's and its written name is in the text", () => {
    const registry: UnitRegistry = {
      units: [
        { id: "mz", name: "东西湖区民政局", aliases: ["民政局"] },
        { id: "cz", name: "武汉市财政局" },
      ],
      groups: [{ id: "jd", name: "各街道办事处", unitIds: ["jd1", "jd2"] }],
    };
    const canonical = new Set([...registry.units, ...(registry.groups ?? [])].map((u) => u.name));
    fc.assert(
      fc.property(planLike, (text) => {
        const plan = parsePlan(text, { registry });
        const haystack = squash(text);
        for (const ref of plan.units) {
          expect(haystack).toContain(ref.name);
          if (ref.match !== null) expect(canonical.has(ref.canonicalName ?? "")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the seeds' units inside the seeds' text", () => {
    for (const file of seedFiles()) {
      const text = readSeed(file);
      const haystack = squash(text);
      for (const name of allUnitNames(parsePlan(text))) expect(haystack).toContain(name);
    }
  });
});
