/**
 * Unit annotations and unit lists:
 *   （牵头单位：X；责任单位：Y、Z）  (牵头单位:X,责任单位:Y)  （责任单位：A、B）  牵头单位：X
 * and the 责任单位 column of a flattened table ("市民政局、市人社局,各县区人民政府").
 */

export interface UnitAssignment {
  lead: string[];
  responsible: string[];
}

const LABEL =
  "(牵头单位|牵头部门|主办单位|主责单位|责任单位|责任部门|配合单位|配合部门|协办单位|协助单位|参与单位|承办单位|实施单位)";
const LABEL_RE = new RegExp(`${LABEL}\\s*[：:]`, "g");
const LEAD_LABELS = new Set(["牵头单位", "牵头部门", "主办单位", "主责单位"]);

const OPEN = "（(〈<《【[";
const CLOSE = "）)〉>》】]";

/** Split a unit list on 、，,；; outside brackets. */
export function splitUnitList(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && "、，,；;".includes(ch)) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.replace(/\s+/g, "")).filter((p) => p !== "");
}

/** A trailing bracket note that is not part of the name: 〈含开发区，下同〉, （牵头）. */
const NOTE = /[（(〈<【[]([^（(〈<【[）)〉>】\]]*)[）)〉>】\]]$/;

interface ListedUnit {
  name: string;
  lead: boolean;
}

function cleanUnitName(raw: string): ListedUnit | null {
  let name = raw.replace(/^(和|及|以及|由)/, "").replace(/[。.：:]+$/, "");
  let lead = false;
  for (;;) {
    const note = NOTE.exec(name);
    if (!note) break;
    const inner = note[1] ?? "";
    if (/^(牵头|主办|牵头单位)$/.test(inner)) lead = true;
    else if (!/^(含|包括|包含|不含|配合|协办|责任)|下同|牵头|负责/.test(inner)) break;
    name = name.slice(0, note.index);
  }
  name = name.replace(/等$/, "").replace(/牵头$/, () => {
    lead = true;
    return "";
  });
  if (name.length < 2) return null;
  return { name, lead };
}

function listUnits(list: string): ListedUnit[] {
  return splitUnitList(list)
    .map(cleanUnitName)
    .filter((u): u is ListedUnit => u !== null);
}

function dedupe(names: string[]): string[] {
  return [...new Set(names)];
}

/** Lead/co-unit split of a flat list: explicit "（牵头）" marks win, else the first unit leads. */
export function assignFromList(list: string): UnitAssignment {
  const units = listUnits(list);
  if (units.length === 0) return { lead: [], responsible: [] };
  const marked = units.filter((u) => u.lead).map((u) => u.name);
  const lead = marked.length > 0 ? dedupe(marked) : [units[0]?.name ?? ""];
  return {
    lead,
    responsible: dedupe(units.map((u) => u.name).filter((n) => !lead.includes(n))),
  };
}

/** Parse the inside of an annotation: "牵头单位：X；责任单位：Y、Z". */
export function parseAnnotationBody(body: string): UnitAssignment {
  const labels: { label: string; start: number; end: number }[] = [];
  LABEL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LABEL_RE.exec(body)) !== null) {
    labels.push({ label: m[1] ?? "", start: m.index, end: m.index + m[0].length });
  }
  const leadNames: string[] = [];
  const otherNames: string[] = [];
  let hasLeadLabel = false;
  labels.forEach((l, i) => {
    const next = labels[i + 1];
    const segment = body.slice(l.end, next ? next.start : body.length);
    const units = listUnits(segment);
    if (LEAD_LABELS.has(l.label)) {
      hasLeadLabel = true;
      leadNames.push(...units.map((u) => u.name));
    } else {
      for (const u of units) (u.lead ? leadNames : otherNames).push(u.name);
    }
  });
  if (!hasLeadLabel && leadNames.length === 0) {
    const first = otherNames.shift();
    if (first !== undefined) leadNames.push(first);
  }
  const lead = dedupe(leadNames);
  return { lead, responsible: dedupe(otherNames).filter((n) => !lead.includes(n)) };
}

export interface Annotation extends UnitAssignment {
  /** The text with the annotation removed and trimmed. */
  rest: string;
}

/**
 * Find the unit annotation of an item: the last bracketed "（牵头单位：…）" group (brackets may
 * nest), or a paragraph that starts with a unit label. Returns null when there is none.
 */
export function extractAnnotation(text: string): Annotation | null {
  const opener = new RegExp(`[（(]\\s*${LABEL}\\s*[：:]`, "g");
  let last: { start: number; end: number; body: string } | null = null;
  let m: RegExpExecArray | null;
  while ((m = opener.exec(text)) !== null) {
    let depth = 0;
    let end = text.length;
    for (let i = m.index; i < text.length; i++) {
      const ch = text.charAt(i);
      if ("（(".includes(ch)) depth++;
      else if ("）)".includes(ch)) {
        depth--;
        if (depth === 0) {
          end = i + 1;
          break;
        }
      }
    }
    const closed = end <= text.length && "）)".includes(text.charAt(end - 1));
    const body = text.slice(m.index + 1, closed ? end - 1 : end);
    last = { start: m.index, end, body };
    opener.lastIndex = end;
  }
  if (last !== null) {
    const assignment = parseAnnotationBody(last.body);
    const rest = (text.slice(0, last.start) + text.slice(last.end)).replace(/^[。；;\s]+/, "").trim();
    return { ...assignment, rest: rest.replace(/\n[。；;\s]*$/, "").trim() };
  }
  // an unbracketed paragraph "牵头单位：X  责任单位：Y"
  const lines = text.split("\n");
  const idx = lines.findIndex((l) => new RegExp(`^${LABEL}\\s*[：:]`).test(l.trim()));
  if (idx >= 0) {
    const body = lines.slice(idx).join("");
    return { ...parseAnnotationBody(body), rest: lines.slice(0, idx).join("\n").trim() };
  }
  return null;
}

/** Endings of unit names, used to recognise a line that is only a list of units. */
const UNIT_END =
  /(局|委|办|府|会|室|处|院|所|队|团|司|行|社|站|中心|单位|管委|部|厅|组|署|公司|集团|企业|政府|分局|街道|乡镇|镇|乡|村|学校|医院|法院|检察院|银行|协会|联合会|支队|大队|办事处|馆|台|校)$/;

/** A line made only of unit names ("市民政局、市人社局,各县区人民政府、市开发区管委"). */
export function isUnitListLine(line: string): boolean {
  if (/[。！？!?：:]/.test(line) || line.length > 200) return false;
  const names = listUnits(line);
  return names.length > 0 && names.every((u) => u.name.length <= 30 && UNIT_END.test(u.name));
}

/** Group aliases: 领导小组各成员单位, 各街道办事处, 相关街道办事处, 区属各国有企业, 市直有关单位. */
export function isGroupName(name: string): boolean {
  return /各|相关|有关|成员单位|所属单位|直属单位/.test(name);
}
