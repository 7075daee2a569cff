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

/** Why a registry unit is offered for a name the registry did not match. */
export type SuggestionReason = "alias" | "prefix" | "contains" | "similar";

export interface UnitSuggestion {
  unitId: string;
  name: string;
  reason: SuggestionReason;
}

/** Levenshtein distance, for short names. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** A name without its leading place and level word: 东西湖区民政局 → 民政局, 市国土房管局 → 国土房管局. */
function core(name: string, localities: Locality[]): string {
  const keyed = placeKey(name.replace(/^[\u4e00-\u9fa5]{2,3}(?:省|市)(?=[\u4e00-\u9fa5]{2})/, ""), localities);
  return keyed.replace(/^(自治区|自治州|自治县|省|市|区|县|州|盟|旗)/, "");
}

/**
 * The known units closest to a name the registry did not match, best first: an alias or name
 * that differs only by the place prefix, one name containing the other, then small edit distance.
 */
export function suggestUnits(name: string, registry: UnitRegistry, localities: Locality[] = [], limit = 3): UnitSuggestion[] {
  const target = core(name, localities);
  const scored: (UnitSuggestion & { score: number })[] = [];
  for (const unit of registry.units) {
    let best: { reason: SuggestionReason; score: number } | null = null;
    for (const candidate of [unit.name, ...(unit.aliases ?? [])]) {
      const c = core(candidate, localities);
      let hit: { reason: SuggestionReason; score: number } | null = null;
      if (c === target) hit = { reason: candidate === unit.name ? "prefix" : "alias", score: 0 };
      else if (target.length >= 2 && c.length >= 2 && (c.includes(target) || target.includes(c))) hit = { reason: "contains", score: 1 + Math.abs(c.length - target.length) / 10 };
      else {
        const d = editDistance(c, target);
        if (d <= Math.max(1, Math.floor(Math.max(c.length, target.length) / 3))) hit = { reason: "similar", score: 2 + d };
      }
      if (hit && (best === null || hit.score < best.score)) best = hit;
    }
    if (best) scored.push({ unitId: unit.id, name: unit.name, reason: best.reason, score: best.score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length)
    .slice(0, limit)
    .map(({ score: _score, ...s }) => s);
}
