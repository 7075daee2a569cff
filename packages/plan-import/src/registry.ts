/**
 * Matching unit names written in a plan to a unit registry: exact name, alias, or the same
 * name with the issuer's place prefix added or dropped (区民政局 in a 东西湖区 plan ↔
 * 东西湖区民政局; 市民政局 ↔ 武汉市民政局 when the issuer is 武汉市东西湖区…; a name without
 * any place, such as 各街道办事处, also matches the issuer's own place: 东西湖区各街道办事处).
 */
import { isGroupName } from "./units.js";
import type { UnitMatchKind, UnitReference, UnitRegistry } from "./types.js";

const LEVEL = /(自治区|自治州|自治县|特别行政区|省|市|区|县|州|盟|旗)/;

/**
 * Place names of an issuer, each with its level word: "武汉市东西湖区人民政府办公室" →
 * [{ place: "武汉市东西湖区", level: "区" }, { place: "东西湖区", level: "区" }, { place: "武汉市", level: "市" }].
 */
export interface Locality {
  place: string;
  level: string;
}

export function localitiesOf(issuers: (string | null)[]): Locality[] {
  const result: Locality[] = [];
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (!issuer) continue;
    const head = /^(.+?)(?:人民政府|人民代表大会|政府|委员会|办公室|办公厅|党委|委员会)/.exec(issuer)?.[1];
    if (!head) continue;
    const parts: string[] = [];
    const re = new RegExp(`[^省市区县州盟旗]+?${LEVEL.source}`, "g");
    let m: RegExpExecArray | null;
    let consumed = 0;
    while ((m = re.exec(head)) !== null && m.index === consumed) {
      parts.push(m[0]);
      consumed = m.index + m[0].length;
    }
    // every run of consecutive parts ending at part i names that place
    for (let i = parts.length - 1; i >= 0; i--) {
      for (let j = 0; j <= i; j++) {
        const place = parts.slice(j, i + 1).join("");
        const level = LEVEL.exec(parts[i] ?? "")?.[1] ?? "";
        if (place.length > level.length && !seen.has(place)) {
          seen.add(place);
          result.push({ place, level });
        }
      }
    }
  }
  // longest first so 武汉市东西湖区 is stripped before 武汉市
  return result.sort((a, b) => b.place.length - a.place.length);
}

/** The name with the longest known place prefix replaced by its level word (东西湖区民政局 → 区民政局). */
function placeKey(name: string, localities: Locality[]): string {
  for (const { place, level } of localities) {
    if (name.startsWith(place) && name.length > place.length) return level + name.slice(place.length);
  }
  return name;
}

interface Entry {
  kind: "unit" | "group";
  id: string;
  name: string;
  unitIds: string[];
}

export interface Matcher {
  match(name: string): UnitReference;
}

export function createMatcher(registry: UnitRegistry | undefined, localities: Locality[]): Matcher {
  const exact = new Map<string, Entry>();
  const alias = new Map<string, Entry>();
  const keyed = new Map<string, Entry>();
  const add = (entry: Entry, names: string[]): void => {
    const [main, ...aliases] = names;
    if (main !== undefined && !exact.has(main)) exact.set(main, entry);
    for (const a of aliases) if (!alias.has(a)) alias.set(a, entry);
    for (const n of names) {
      const key = placeKey(n, localities);
      if (!keyed.has(key)) keyed.set(key, entry);
    }
  };
  // groups first: a group alias wins over a unit of the same name
  for (const g of registry?.groups ?? []) {
    add({ kind: "group", id: g.id, name: g.name, unitIds: [...g.unitIds] }, [g.name, ...(g.aliases ?? [])]);
  }
  for (const u of registry?.units ?? []) {
    add({ kind: "unit", id: u.id, name: u.name, unitIds: [u.id] }, [u.name, ...(u.aliases ?? [])]);
  }

  // the issuer's own place (the longest): a bare "各街道办事处" is that place's
  const own = localities[0];
  return {
    match(name: string): UnitReference {
      let entry: Entry | undefined;
      let how: UnitMatchKind | null = null;
      if ((entry = exact.get(name))) how = "exact";
      else if ((entry = alias.get(name))) how = "alias";
      else if ((entry = keyed.get(placeKey(name, localities)))) how = "prefix";
      else if (own && !name.startsWith(own.level) && (entry = keyed.get(own.level + name))) how = "prefix";
      if (!entry || how === null) {
        return {
          name,
          kind: isGroupName(name) ? "group" : "unit",
          match: null,
          unitId: null,
          groupId: null,
          canonicalName: null,
          unitIds: [],
        };
      }
      return {
        name,
        kind: entry.kind,
        match: how,
        unitId: entry.kind === "unit" ? entry.id : null,
        groupId: entry.kind === "group" ? entry.id : null,
        canonicalName: entry.name,
        unitIds: entry.unitIds,
      };
    },
  };
}
