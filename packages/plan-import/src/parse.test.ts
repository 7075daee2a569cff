import { describe, expect, it } from "vitest";
import { readSeed } from "../test/seeds.js";
import { collectUnitNames, parsePlan } from "./parse.js";
import type { UnitRegistry } from "./types.js";

const SEED_000 = "000_5f4a1c4b46b95ef7.txt";
const SEED_004 = "004_3aa502ffea5e5795.txt";

describe("parsePlan", () => {
  it("matches units against a registry: exact, alias and the issuer's place prefix", () => {
    const registry: UnitRegistry = {
      units: [
        { id: "mz", name: "东西湖区民政局" },
        { id: "cz", name: "区财政局" },
        { id: "wj", name: "东西湖区卫生健康委员会", aliases: ["区卫生健康局"] },
        { id: "jd1", name: "吴家山街道办事处" },
        { id: "jd2", name: "慈惠街道办事处" },
      ],
      groups: [{ id: "g-jd", name: "东西湖区各街道办事处", unitIds: ["jd1", "jd2"] }],
    };
    const plan = parsePlan(readSeed(SEED_000), { registry });
    const byName = new Map(plan.units.map((u) => [u.name, u]));
    expect(byName.get("区民政局")).toMatchObject({ match: "prefix", unitId: "mz", canonicalName: "东西湖区民政局" });
    expect(byName.get("区财政局")).toMatchObject({ match: "exact", unitId: "cz" });
    expect(byName.get("区卫生健康局")).toMatchObject({ match: "alias", unitId: "wj" });
    expect(byName.get("各街道办事处")).toMatchObject({ kind: "group", match: "prefix", groupId: "g-jd", unitIds: ["jd1", "jd2"] });
    expect(byName.get("领导小组各成员单位")).toMatchObject({ kind: "group", match: null });

    expect(plan.unmatchedUnits).not.toContain("区民政局");
    expect(plan.unmatchedUnits).toContain("区残联");
    expect(plan.unmatchedUnits).toContain("领导小组各成员单位");

    const task = plan.tasks.find((t) => t.path.join("/") === "二/（二）/5");
    expect(task?.unitIds).toEqual(["mz", "cz", "jd1", "jd2"]);
    expect(task?.groups).toEqual(["各街道办事处"]);
  });

  it("without a registry reports every name as written and matches none", () => {
    const plan = parsePlan(readSeed(SEED_000));
    expect(plan.units.every((u) => u.match === null)).toBe(true);
    expect(plan.unmatchedUnits).toEqual(plan.units.map((u) => u.name));
    expect(plan.tasks.every((t) => t.unitIds.length === 0)).toBe(true);
  });

  it("resolves yearless deadlines with referenceYear", () => {
    const text = "二、工作任务\n（一）建设\n1. 3月底前完成方案。（责任单位：市民政局）";
    expect(parsePlan(text).tasks[0]).toMatchObject({ deadline: "3月底前", dueDate: null });
    expect(parsePlan(text, { referenceYear: 2025 }).tasks[0]).toMatchObject({ dueDate: "2025-03-31" });
  });

  it("takes units from a heading for sub-items without their own", () => {
    const text = "一、主要任务\n（一）养老服务（牵头单位：市民政局；责任单位：市财政局）\n1. 建设中心。\n2. 培训人员。";
    const plan = parsePlan(text);
    expect(plan.tasks.map((t) => [t.path, t.leadUnits, t.responsibleUnits])).toEqual([
      [["一", "（一）", "1"], ["市民政局"], ["市财政局"]],
      [["一", "（一）", "2"], ["市民政局"], ["市财政局"]],
    ]);
    expect(plan.tasks[0]?.heading).toBe("养老服务");
  });

  it("does not turn goals and requirements into tasks", () => {
    const text = "一、工作目标\n（一）总体目标。提升服务。\n二、工作任务\n（一）建设中心。\n三、工作要求\n（一）加强组织领导。成立领导小组。";
    expect(parsePlan(text).tasks.map((t) => t.path)).toEqual([["二", "（一）"]]);
  });
});

describe("collectUnitNames", () => {
  it("lists distinct unit and group names in order of mention", () => {
    const names = collectUnitNames(parsePlan(readSeed(SEED_004)));
    expect(names.groups).toEqual(["各县区人民政府", "市直有关单位"]);
    expect(names.units.slice(0, 4)).toEqual(["市民政局", "市人社局", "市卫健委", "市开发区管委"]);
    expect(new Set(names.units).size).toBe(names.units.length);
    expect(names.units).toContain("六安银保监分局");
  });
});
