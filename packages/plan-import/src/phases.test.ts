import { describe, expect, it } from "vitest";
import { parseMonthRange, parsePhase, stageOf } from "./phases.js";

describe("parsePhase", () => {
  it("reads name, window, stage and dated duties", () => {
    expect(
      parsePhase("动员部署阶段(2024年1月-3月)。研究制订方案,明确时限要求,3月底前,各责任单位将工作方案报市民政局备案。", true, null),
    ).toEqual({
      name: "动员部署阶段",
      start: "2024-01",
      end: "2024-03",
      stage: "deploy",
      duties: [{ text: "3月底前,各责任单位将工作方案报市民政局备案", deadline: "3月底前", dueDate: "2024-03-31" }],
      text: "研究制订方案,明确时限要求,3月底前,各责任单位将工作方案报市民政局备案。",
    });
  });

  it("accepts a loose heading inside a phase section only", () => {
    expect(parsePhase("督促检查（11月）。检查。", true, 2021)).toMatchObject({
      name: "督促检查", start: "2021-11", end: "2021-11", stage: "inspect",
    });
    expect(parsePhase("督促检查（11月）。检查。", false, 2021)).toBeNull();
    expect(parsePhase("加强组织领导。成立领导小组。", false, 2021)).toBeNull();
  });
});

describe("parseMonthRange", () => {
  it.each([
    ["2021年4月", null, "2021-04", "2021-04"],
    ["2021年5-10月", null, "2021-05", "2021-10"],
    ["2024年10月-12月", null, "2024-10", "2024-12"],
    ["2021年12月-2022年2月", null, "2021-12", "2022-02"],
    ["5月至10月", 2023, "2023-05", "2023-10"],
    ["5-10月", null, null, null],
    ["长期", 2023, null, null],
  ])("%s → %s..%s", (text, year, start, end) => {
    expect(parseMonthRange(text, year)).toEqual({ start, end });
  });
});

describe("stageOf", () => {
  it.each([
    ["动员部署阶段", "deploy"],
    ["办理落实阶段", "handle"],
    ["督促检查阶段", "inspect"],
    ["总结汇报阶段", "summarize"],
    ["满意度测评阶段", "evaluate"],
    ["其他阶段", null],
  ])("%s → %s", (name, stage) => {
    expect(stageOf(name)).toBe(stage);
  });
});
