import { describe, expect, it } from "vitest";
import { findDeadline, parseDeadlineCell } from "./deadline.js";

describe("findDeadline", () => {
  it.each([
    ["2023年底", null, "2023年底", "2023-12-31"],
    ["2023年底前，培育不少于2家", null, "2023年底前", "2023-12-31"],
    ["2021 年底，完成 30 户", null, "2021年底", "2021-12-31"],
    ["3月底前，各责任单位将工作方案报市民政局备案", 2024, "3月底前", "2024-03-31"],
    ["3月底前报送", null, "3月底前", null],
    ["2021年11月", null, "2021年11月", "2021-11-30"],
    ["2024年2月底前完成", null, "2024年2月底前", "2024-02-29"],
    ["2023年2月底", null, "2023年2月底", "2023-02-28"],
    ["于2021年4月17日前报送", null, "2021年4月17日前", "2021-04-17"],
    ["到2026年，中东部建成", null, "2026年", "2026-12-31"],
    ["到 2025 年底，社区养老设施覆盖率", null, "2025年底", "2025-12-31"],
    ["2023年年底前", null, "2023年年底前", "2023-12-31"],
    ["2022年上半年完成", null, "2022年上半年", "2022-06-30"],
    ["2022年第三季度末", null, "2022年第三季度末", "2022-09-30"],
    ["10月中旬前", 2022, "10月中旬前", "2022-10-20"],
    ["6月20日前", 2022, "6月20日前", "2022-06-20"],
    ["到“十三五”末,在每个社区", null, "“十三五”末", "2020-12-31"],
    ["十四五期间", null, "十四五期间", "2025-12-31"],
  ])("%s (year %s) → %s %s", (text, year, deadline, dueDate) => {
    expect(findDeadline(text, year)).toEqual({ deadline, dueDate });
  });

  it.each([
    ["2022年起，整合居家适老化改造"],
    ["研究制订办理工作方案"],
    ["2024年1月-3月"],
    ["2021年5-10月"],
    ["13月底前"],
    ["2023年2月30日前"],
    ["每年不少于1次"],
  ])("finds no deadline in %s", (text) => {
    expect(findDeadline(text, 2024)).toBeNull();
  });
});

describe("parseDeadlineCell", () => {
  it.each([
    ["2023年底", "2023年底", "2023-12-31"],
    ["2022年6月底前", "2022年6月底前", "2022-06-30"],
    ["11月", "11月", "2024-11-30"],
    ["2023年", "2023年", "2023-12-31"],
    ["长期", "长期", null],
    ["持续推进", "持续推进", null],
  ])("%s → %s %s", (cell, deadline, dueDate) => {
    expect(parseDeadlineCell(cell, 2024)).toEqual({ deadline, dueDate });
  });

  it("rejects a line that holds more than a deadline", () => {
    expect(parseDeadlineCell("2023年底前全面实施养老机构等级评定。")).toBeNull();
    expect(parseDeadlineCell("市民政局、市财政局")).toBeNull();
  });
});
