import { describe, expect, it } from "vitest";
import { createMatcher, localitiesOf } from "./registry.js";
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
