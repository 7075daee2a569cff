import { describe, expect, it } from "vitest";
import { alignRow, columnRole, findHeader, tasksFromTable } from "./table.js";

describe("columnRole", () => {
  it.each([
    ["序号", "seq"], ["工作任务", "task"], ["具体措施", "task"], ["牵头单位", "lead"], ["牵头 单位", "lead"],
    ["牵头责任单位", "lead"], ["责任单位", "unit"], ["配合单位", "assist"], ["责任主体与协同单位", "unit"],
    ["分管 领导", "person"], ["完成时限", "deadline"], ["1-10月推进情况", "other"], ["市民政局", null],
  ])("%s → %s", (name, role) => {
    expect(columnRole(name)).toBe(role);
  });
});

describe("tasksFromTable", () => {
  const header = ["序号", "工作任务", "具体措施", "牵头单位", "配合单位", "完成时限"];

  it("finds the header below a title row and reads one task per row", () => {
    const rows = [
      ["2024年养老服务任务分解表", "", "", "", "", ""],
      header,
      ["1", "养老服务", "建设街道综合体3个。", "市民政局", "市财政局、市民政局,各县(市、区)政府", "2024年6月底前"],
    ];
    expect(findHeader(rows)?.index).toBe(1);
    expect(tasksFromTable(rows)).toEqual([
      {
        path: ["1"],
        heading: "养老服务",
        text: "建设街道综合体3个。",
        units: { lead: ["市民政局"], responsible: ["市财政局", "各县(市、区)政府"] },
        deadline: "2024年6月底前",
      },
    ]);
  });

  it("takes category rows as groups (numbered ones as a path segment) and carries a merged 序号", () => {
    const rows = [
      header,
      ["一、居家养老", "一、居家养老", "一、居家养老", "一、居家养老", "一、居家养老", "一、居家养老"],
      ["1", "助餐", "新建助餐点。", "市民政局", "", ""],
      ["", "助餐", "补贴老年人用餐。", "市财政局", "市民政局", ""],
      ["社区养老", "", "", "", "", ""],
      ["2", "日间照料", "建设日间照料中心。", "区民政局", "", ""],
    ];
    expect(tasksFromTable(rows).map((t) => [t.path, t.units.lead, t.units.responsible])).toEqual([
      [["一", "1"], ["市民政局"], []],
      [["一", "1"], ["市财政局"], ["市民政局"]],
      [["2"], ["区民政局"], []],
    ]);
  });

  it("the first unit of a 责任单位 column leads when there is no 牵头 column", () => {
    const rows = [["序号", "工作内容", "责任单位"], ["1", "做好服务。", "区民政局、区财政局"]];
    expect(tasksFromTable(rows)[0]?.units).toEqual({ lead: ["区民政局"], responsible: ["区财政局"] });
  });

  it("aligns a row that lost a merged cell by what its cells hold", () => {
    const roles = findHeader([["序号", "主要任务", "目标任务", "分管领导", "牵头单位", "责任单位", "推进情况"]])?.roles ?? [];
    expect(alignRow(["24", "优化交通组织。", "徐国江", "城管局", "市政局、相关街道", "已完成30%。"], roles)).toEqual([
      "24", null, "优化交通组织。", "徐国江", "城管局", "市政局、相关街道", "已完成30%。",
    ]);
  });

  it("has no tasks without a header naming a task and a unit column", () => {
    expect(tasksFromTable([["姓名", "职务"], ["张三", "科长"]])).toEqual([]);
  });
});
