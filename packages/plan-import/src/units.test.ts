import { describe, expect, it } from "vitest";
import { assignFromList, extractAnnotation, isGroupName, isUnitListLine, splitUnitList } from "./units.js";

describe("extractAnnotation", () => {
  it.each([
    ["做好工作。（牵头单位：区民政局；责任单位：区财政局、区残联）", ["区民政局"], ["区财政局", "区残联"]],
    ["做好工作。(牵头单位:市民政局、市住房和城市更新局,市残联;责任单位:领导小组各成员单位)", ["市民政局", "市住房和城市更新局", "市残联"], ["领导小组各成员单位"]],
    ["做好工作。（牵头单位：区民政局，责任单位：区人社局、区应急局）", ["区民政局"], ["区人社局", "区应急局"]],
    ["做好工作。（责任单位：区民政局、区发改局，各街道办事处〈含常青花园社管办，下同〉）", ["区民政局"], ["区发改局", "各街道办事处"]],
    ["做好工作。（责任单位：区财政局、区民政局（牵头））", ["区民政局"], ["区财政局"]],
    ["做好工作。\n牵头单位：市民政局\n配合单位：市财政局", ["市民政局"], ["市财政局"]],
  ])("%s", (text, lead, responsible) => {
    const a = extractAnnotation(text);
    expect(a).toMatchObject({ lead, responsible });
    expect(a?.rest.startsWith("做好工作。")).toBe(true);
    expect(a?.rest).not.toMatch(/单位/);
  });

  it("keeps nested brackets inside the annotation", () => {
    const a = extractAnnotation("事项（服务点）。（牵头单位：市民政局；责任单位：各街道（乡镇））");
    expect(a).toEqual({ lead: ["市民政局"], responsible: ["各街道（乡镇）"], rest: "事项（服务点）。" });
  });

  it("returns null without an annotation", () => {
    expect(extractAnnotation("民政部门牵头负责，统筹推进。")).toBeNull();
  });
});

describe("unit lists", () => {
  it("splits on 、，,；; outside brackets", () => {
    expect(splitUnitList("市民政局、市人社局,各县区人民政府〈含开发区、新区，下同〉；市残联")).toEqual([
      "市民政局", "市人社局", "各县区人民政府〈含开发区、新区，下同〉", "市残联",
    ]);
  });

  it("the first unit leads when no lead is named", () => {
    expect(assignFromList("市民政局、市市场监管局,各县区人民政府、市开发区管委")).toEqual({
      lead: ["市民政局"],
      responsible: ["市市场监管局", "各县区人民政府", "市开发区管委"],
    });
  });

  it.each([
    ["市民政局、市人社局、市卫健委,各县区人民政府、市开发区管委", true],
    ["市民政局、市直有关单位", true],
    ["六安银保监分局", true],
    ["2023年底", false],
    ["各地及有关部门要深入学习贯彻。", false],
    ["组 长：刘卓然", false],
  ])("isUnitListLine(%s) = %s", (line, expected) => {
    expect(isUnitListLine(line)).toBe(expected);
  });

  it.each([
    ["领导小组各成员单位", true],
    ["各街道办事处", true],
    ["相关街道办事处", true],
    ["区属各国有企业", true],
    ["市直有关单位", true],
    ["区民政局", false],
  ])("isGroupName(%s) = %s", (name, expected) => {
    expect(isGroupName(name)).toBe(expected);
  });
});
