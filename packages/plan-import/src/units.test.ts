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
    expect(a).toEqual({ lead: ["市民政局"], responsible: ["各街道（乡镇）"], rest: "事项（服务点）。", deadline: null, rule: "bracket-labels" });
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

describe("annotation families (full-width and ASCII alike)", () => {
  it.each([
    ["推进工作。（市发改委牵头，市财政局、市商务局配合）", ["市发改委"], ["市财政局", "市商务局"]],
    ["推进工作。(市发改委牵头,市财政局、市商务局配合)", ["市发改委"], ["市财政局", "市商务局"]],
    ["推进工作。(省财政厅主办,省国税局、地税局协办)", ["省财政厅"], ["省国税局", "地税局"]],
    ["推进工作。(省发改委负责)", ["省发改委"], []],
    ["推进工作。(省发改委、省文化厅等负责)", ["省发改委"], ["省文化厅"]],
    ["推进工作。(省发改委、农委、统计局分别负责)", ["省发改委", "农委", "统计局"], []],
    ["推进工作。（市农业农村局、市水利局分别牵头）", ["市农业农村局", "市水利局"], []],
    ["推进工作。〔责任单位:省发展改革委、商务厅按职责分工负责。具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕", ["省发展改革委"], ["商务厅"]],
    ["推进工作。(市发改委、市农业农村局等相关部门,各县〔市、区〕政府〔管委会〕按职责分工负责)", ["市发改委"], ["市农业农村局", "各县〔市、区〕政府〔管委会〕"]],
    ["推进工作。（市民政局牵头，市财政局、市民政局配合）", ["市民政局"], ["市财政局"]],
    ["推进工作。【牵头单位：市民政局；责任单位：各县(市、区)政府】", ["市民政局"], ["各县(市、区)政府"]],
    ["推进工作。\n牵头负责领导:金力。\n牵头责任单位:市发展改革委。\n协同责任单位:市经信局等,各县、市、区政府。", ["市发展改革委"], ["市经信局", "各县、市、区政府"]],
    ["推进工作。\n责任领导:张三、李四;责任单位:外贸局、发改局;配合单位:相关镇街区,有关部门。", ["外贸局"], ["发改局", "相关镇街区", "有关部门"]],
    ["推进工作。\n主要协作单位：市财政局\n牵头单位：市民政局", ["市民政局"], ["市财政局"]],
    ["推进工作，确保按期完成。责任单位：市民政局、市财政局。", ["市民政局"], ["市财政局"]],
  ])("%s", (text, lead, responsible) => {
    const a = extractAnnotation(text);
    expect(a).toMatchObject({ lead, responsible });
    expect(a?.rest.startsWith("推进工作")).toBe(true);
  });

  it("keeps the 完成时限 written in the bracket and drops convention notes", () => {
    const a = extractAnnotation("制定目录。(省发展改革委牵头,各地级以上市人民政府按职责分工负责,以下各项均需各市按职责分工负责,不再列出;完成时限:2025年6月前)");
    expect(a).toMatchObject({ lead: ["省发展改革委"], responsible: ["各地级以上市人民政府"], deadline: "2025年6月前", rule: "bracket-verbs" });
  });

  it("a bracket that names no unit is no annotation", () => {
    expect(extractAnnotation("编制规划(2016-2020年)")).toBeNull();
    expect(extractAnnotation("发展服务(鼓励社会力量参与)")).toBeNull();
  });
});
