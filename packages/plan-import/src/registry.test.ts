import { describe, expect, it } from "vitest";
import { createMatcher, localitiesOf, suggestUnits } from "./registry.js";
import type { UnitRegistry } from "./types.js";

const registry: UnitRegistry = {
  units: [
    { id: "mz", name: "东西湖区民政局", aliases: ["区民政"] },
    { id: "cz", name: "区财政局" },
    { id: "wh-mz", name: "武汉市民政局" },
  ],
  groups: [{ id: "jd", name: "各街道办事处", aliases: ["各街道"], unitIds: ["jd1", "jd2"] }],
};

describe("localitiesOf", () => {
  it("lists every place of the issuer, longest first", () => {
    expect(localitiesOf(["武汉市东西湖区人民政府办公室"])).toEqual([
      { place: "武汉市东西湖区", level: "区" },
      { place: "东西湖区", level: "区" },
      { place: "武汉市", level: "市" },
    ]);
    expect(localitiesOf(["六安市人民政府办公室", null])).toEqual([{ place: "六安市", level: "市" }]);
  });
});

describe("createMatcher", () => {
  const matcher = createMatcher(registry, localitiesOf(["武汉市东西湖区人民政府办公室"]));

  it.each([
    ["东西湖区民政局", "exact", "mz"],
    ["区民政", "alias", "mz"],
    ["区民政局", "prefix", "mz"],
    ["武汉市东西湖区民政局", "prefix", "mz"],
    ["东西湖区财政局", "prefix", "cz"],
    ["市民政局", "prefix", "wh-mz"],
  ])("%s → %s %s", (name, match, unitId) => {
    expect(matcher.match(name)).toMatchObject({ name, kind: "unit", match, unitId, unitIds: [unitId] });
  });

  it("keeps groups as groups and expands them", () => {
    expect(matcher.match("各街道")).toEqual({
      name: "各街道", kind: "group", match: "alias", unitId: null, groupId: "jd",
      canonicalName: "各街道办事处", unitIds: ["jd1", "jd2"],
    });
  });

  it("reports what it cannot match", () => {
    expect(matcher.match("区残联")).toMatchObject({ match: null, kind: "unit", unitIds: [] });
    expect(matcher.match("相关街道办事处")).toMatchObject({ match: null, kind: "group" });
  });

  it("matches nothing without a registry", () => {
    expect(createMatcher(undefined, []).match("区民政局").match).toBeNull();
  });
});

describe("suggestUnits", () => {
  const registry = {
    units: [
      { id: "gt", name: "广州市国土资源和房屋管理局", aliases: ["市国土房管局"] },
      { id: "gh", name: "广州市规划局" },
      { id: "mz", name: "广州市民政局" },
      { id: "wj", name: "广州市卫生健康委员会", aliases: ["市卫健委"] },
    ],
  };
  const places = localitiesOf(["广州市人民政府办公厅"]);

  it("offers the unit an alias names without the place prefix", () => {
    expect(suggestUnits("国土房管局", registry, places)[0]).toEqual({ unitId: "gt", name: "广州市国土资源和房屋管理局", reason: "alias" });
    expect(suggestUnits("规划局", registry, places)[0]).toMatchObject({ unitId: "gh", reason: "prefix" });
  });

  it("offers close spellings and names containing each other", () => {
    expect(suggestUnits("市卫健局", registry, places)[0]).toMatchObject({ unitId: "wj", reason: "similar" });
    expect(suggestUnits("民政", registry, places)[0]).toMatchObject({ unitId: "mz", reason: "contains" });
  });

  it("offers nothing for an unrelated name", () => {
    expect(suggestUnits("中国人民银行", registry, places)).toEqual([]);
  });
});
