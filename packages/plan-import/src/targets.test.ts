import { describe, expect, it } from "vitest";
import { extractTargets } from "./targets.js";

describe("extractTargets", () => {
  it.each([
    ["2021 年底，完成 30 户特殊困难家庭适老化改造", "完成30户", 30, "户", "eq"],
    ["医养结合率达到 90%以上", "达到90%以上", 90, "%", "gte"],
    ["护理型床位比例不低于52%", "不低于52%", 52, "%", "gte"],
    ["培育不少于2家综合评估组织", "不少于2家", 2, "家", "gte"],
    ["每张床位给予不超过3000元一次性建设补贴", "不超过3000元", 3000, "元", "lte"],
    ["配建达标率 100%", "达标率100%", 100, "%", "eq"],
    ["全市60%以上的农村社区", "60%以上", 60, "%", "gte"],
    ["至少设置1个老年用品展示体验场所", "至少设置1个", 1, "个", "gte"],
    ["全区共培训养老服务人才 300 人次", "共培训养老服务人才300人次", 300, "人次", "eq"],
    ["空置率低于5%", "低于5%", 5, "%", "lt"],
    ["增长率超过10.5%", "超过10.5%", 10.5, "%", "gt"],
    ["每年不超过28天的短期托养服务", "不超过28天", 28, "天", "lte"],
    ["入住率控制在30%以下", "控制在30%以下", 30, "%", "lte"],
  ])("%s → %s", (text, matched, value, unit, comparator) => {
    expect(extractTargets(text)).toEqual([{ text: matched, value, unit, comparator }]);
  });

  it.each([
    ["全区启动建设 1 个街道养老服务综合体"],
    ["每个街道建成1-3所社区养老院"],
    ["65周岁以上老年人健康管理"],
    ["按照人均0.12平方米标准"],
    ["社区公共服务设施面积"],
    ["市政协十四届三次会议3号建议案"],
  ])("finds no target in %s", (text) => {
    expect(extractTargets(text)).toEqual([]);
  });

  it("finds several targets in order", () => {
    expect(extractTargets("社区养老设施覆盖率100%，等级评定率达到90%。").map((t) => t.text)).toEqual([
      "覆盖率100%",
      "达到90%",
    ]);
  });
});
