/**
 * Who does a task: the unit annotation of an item and unit lists, in every common family,
 * full-width and ASCII punctuation alike:
 *   labels      （牵头单位：X；责任单位：Y、Z）  责任领导：某某；责任单位：A、B；配合单位：C。
 *               牵头责任单位：X。 / 协同责任单位：A、B等，各县、市、区政府。  (one per line)
 *   verbs       （X牵头，Y、Z配合）  （X主办，Y、Z协办）  （X负责）  （X、Y、Z分别负责）
 *               （A、B等相关部门，各县〔市、区〕政府按职责分工负责）
 *   brackets    （…） (…) 〔…〕 【…】 [ … ] at the end of the item, or a closing sentence
 *               "责任单位：X、Y。" with no bracket.
 * Where nothing says 牵头 (or 主办, or 分别负责 — each leads its own part), the first unit leads.
 * People (责任领导, 分管领导 …) are never units.
 */

export interface UnitAssignment {
  lead: string[];
  responsible: string[];
}

/** Which family of layout found a task's units (shown in the import preview). */
export type UnitRule = "bracket-labels" | "bracket-verbs" | "label-lines" | "table" | "unit-cell" | "inherited";

export interface FoundUnits extends UnitAssignment {
  /** A 完成时限 / 时间节点 written inside the annotation, as written. */
  deadline: string | null;
}

const OPENERS = "（(〔［[【〈<《｛{";
const CLOSERS = "）)〕］]】〉>》｝}";
const SEPARATORS = "、，,；;";

const isOpener = (ch: string): boolean => OPENERS.includes(ch);
const isCloser = (ch: string): boolean => CLOSERS.includes(ch);

/** Split on any of `chars` outside brackets, keeping the separator that ended each part. */
function splitOutside(text: string, chars: string): { text: string; sep: string }[] {
  const parts: { text: string; sep: string }[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (isOpener(ch)) depth++;
    else if (isCloser(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && chars.includes(ch)) {
      parts.push({ text: current, sep: ch });
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push({ text: current, sep: "" });
  return parts;
}

/**
 * Split a unit list on 、，,；; outside brackets. A bare place word before 、 shares the
 * suffix of the name after it: 各县、市、区政府 is one unit, not 各县 / 市 / 区政府.
 */
export function splitUnitList(list: string): string[] {
  const out: string[] = [];
  let carry = "";
  for (const part of splitOutside(list, SEPARATORS)) {
    const text = part.text.replace(/\s+/g, "");
    if (text === "") continue;
    if (part.sep === "、" && /^各?[省市县区乡镇旗州縣區鄉鎮]$/.test(text)) {
      carry += `${text}、`;
      continue;
    }
    out.push(carry + text);
    carry = "";
  }
  if (carry !== "") out.push(carry.slice(0, -1));
  return out;
}

/** Notes inside a unit list or bracket: conventions, not units. */
const NOTE_WORDS = /以下|下同|不再|均需|均涉及|具体任务|另行|视情|根据需要/;

/** A trailing bracket note that is not part of the name: 〈含开发区，下同〉, （牵头）. */
const NOTE = /[（(〈<【[〔]([^（(〈<【[〔）)〉>】\]〕]*)[）)〉>】\]〕]$/;

/** Role words closing a clause, longest first. */
const VERBS: { re: RegExp; role: Role }[] = [
  { re: /(?:按照?职责分工|按職責分工|按照?职责|按職責)(?:负责|負責|落实|落實)$/, role: "duty" },
  { re: /(?:分别|分別)(?:牵头|牽頭|负责|負責)$/, role: "lead" },
  { re: /(?:牵头负责|牽頭負責|牵头|牽頭|主办|主辦|主责|主責)$/, role: "lead" },
  { re: /(?:共同负责|共同負責|具体负责|具體負責|负责|負責|承办|承辦|落实|落實)$/, role: "duty" },
  { re: /(?:配合|协办|協辦|协助|協助|参与|參與|协同|協同|协作|協作|支持)$/, role: "assist" },
];

type Role = "lead" | "duty" | "assist";

interface ListedUnit {
  name: string;
  lead: boolean;
}

/** A name as written, without joining words, trailing 等 / 等相关部门 and punctuation. */
function cleanUnitName(raw: string): ListedUnit | null {
  let name = raw.replace(/\s+/g, "").replace(/^(和|及|以及|由|并|並)/, "");
  let lead = false;
  for (;;) {
    const before = name;
    name = name.replace(/[。.：:；;，,、]+$/, "");
    const note = NOTE.exec(name);
    if (note) {
      const inner = note[1] ?? "";
      if (/^(牵头|牽頭|主办|主辦|牵头单位)$/.test(inner)) {
        lead = true;
        name = name.slice(0, note.index);
      } else if (/^(含|包括|包含|不含|配合|协办|责任)|下同|牵头|负责/.test(inner)) {
        name = name.slice(0, note.index);
      }
    }
    for (const verb of VERBS) {
      const m = verb.re.exec(name);
      if (m && m.index > 0) {
        if (verb.role === "lead") lead = true;
        name = name.slice(0, m.index);
        break;
      }
    }
    name = name.replace(/等(?:相关|有关|其他)?(?:部门|单位|部門|單位)?$/, "");
    if (name === before) break;
  }
  if (name.length < 2 || NOTE_WORDS.test(name)) return null;
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

/** Endings of unit names, used to recognise a unit list. */
const UNIT_END =
  /(局|委|办|府|会|室|处|院|所|队|团|司|行|社|站|中心|单位|管委|部|厅|组|署|公司|集团|企业|政府|分局|街道|乡镇|镇|乡|村|学校|医院|法院|检察院|银行|协会|联合会|联|支队|大队|办事处|馆|台|校|关|区|部门|主体|會|辦|處|廳|隊|團|組|聯|門|園|园|城|场|場)$/;

function looksLikeUnit(name: string): boolean {
  return name.length <= 40 && (UNIT_END.test(name) || /各|相关|有关|相關|有關/.test(name));
}

// ---------------------------------------------------------------------------------------------
// labels

const LABEL_HEAD = "(?:^|(?<=[；;。，,\\s（(〔【\\[]))";
/** A label and its colon: 牵头单位： 协同责任单位: 责任领导： 完成时限： … */
const LABEL_RE = new RegExp(
  `${LABEL_HEAD}([\\u4e00-\\u9fa5]{0,6}?(?:单位|部门|單位|部門|主体|领导|領導|责任人|負責人|负责人)|完成时限|完成时间|完成期限|时间节点|时限要求|时限|完成時限|時間節點)\\s*[：:]`,
  "g",
);

type LabelKind = "lead" | "unit" | "person" | "deadline";

function labelKind(label: string): LabelKind {
  if (/时限|时间|期限|节点|時限|時間|節點/.test(label)) return "deadline";
  if (/领导|領導|人$/.test(label)) return "person";
  if (/牵头|牽頭|主办|主辦|主责|主責/.test(label)) return "lead";
  return "unit";
}

interface Label {
  kind: LabelKind;
  start: number;
  end: number;
}

function findLabels(text: string): Label[] {
  const labels: Label[] = [];
  LABEL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LABEL_RE.exec(text)) !== null) {
    labels.push({ kind: labelKind(m[1] ?? ""), start: m.index, end: m.index + m[0].length });
  }
  return labels;
}

/** The text up to the first sentence end outside brackets. */
function firstSentence(text: string): string {
  return splitOutside(text, "。\n")[0]?.text ?? text;
}

// ---------------------------------------------------------------------------------------------
// annotation bodies

interface RoledUnit {
  name: string;
  role: Role;
}

/** Clauses closed by a role word: "X牵头，A、B按职责分工负责" (units before a verb-less clause join the next). */
function verbClauses(text: string): { units: RoledUnit[]; sawVerb: boolean } {
  const units: RoledUnit[] = [];
  let sawVerb = false;
  for (const sentence of splitOutside(text, "；;。")) {
    let pending: string[] = [];
    for (const { text: clause } of splitOutside(sentence.text, "，,")) {
      const c = clause.replace(/\s+/g, "").replace(/[。.]+$/, "");
      if (c === "") continue;
      if (NOTE_WORDS.test(c)) {
        pending = [];
        continue;
      }
      const verb = VERBS.find((v) => {
        const m = v.re.exec(c);
        return m !== null && m.index > 0;
      });
      if (!verb) {
        pending.push(c);
        continue;
      }
      const names = [...pending, c].flatMap((p) => listUnits(p));
      pending = [];
      if (names.length === 0 || !names.every((u) => looksLikeUnit(u.name))) continue;
      sawVerb = true;
      for (const u of names) units.push({ name: u.name, role: u.lead ? "lead" : verb.role });
    }
    if (sawVerb) {
      // units after the last role word: co-units written without one ("X牵头，Y、Z")
      const rest = pending.flatMap((p) => listUnits(p));
      if (rest.length > 0 && rest.every((u) => looksLikeUnit(u.name))) {
        for (const u of rest) units.push({ name: u.name, role: u.lead ? "lead" : "assist" });
      }
    }
  }
  return { units, sawVerb };
}

function settle(units: RoledUnit[]): UnitAssignment {
  let lead = dedupe(units.filter((u) => u.role === "lead").map((u) => u.name));
  if (lead.length === 0) {
    const first = units.find((u) => u.role === "duty") ?? units[0];
    lead = first ? [first.name] : [];
  }
  return { lead, responsible: dedupe(units.map((u) => u.name)).filter((n) => !lead.includes(n)) };
}

/**
 * The units of an annotation body ("牵头单位：X；责任单位：Y、Z", "X牵头，Y、Z配合", "X负责"),
 * or null when it names none.
 */
export function parseAnnotationBody(body: string): (FoundUnits & { labelled: boolean }) | null {
  const labels = findLabels(body);
  const units: RoledUnit[] = [];
  let deadline: string | null = null;
  const head = body.slice(0, labels[0]?.start ?? body.length);
  const { units: headUnits } = verbClauses(head);
  units.push(...headUnits);
  let labelled = false;
  labels.forEach((l, i) => {
    const segment = firstSentence(body.slice(l.end, labels[i + 1]?.start ?? body.length)).replace(/[；;，,\s]+$/, "");
    if (l.kind === "deadline") {
      if (deadline === null && segment.trim() !== "") deadline = segment.replace(/\s+/g, "");
      return;
    }
    if (l.kind === "person") return;
    labelled = true;
    for (const u of listUnits(segment)) units.push({ name: u.name, role: l.kind === "lead" || u.lead ? "lead" : "duty" });
  });
  if (units.length === 0) return null;
  // under labels, a 责任单位 list without any 牵头 label: its first unit leads
  return { ...settle(units), deadline, labelled };
}

export interface Annotation extends FoundUnits {
  /** The text with the annotation removed and trimmed. */
  rest: string;
  rule: UnitRule;
}

/** Index of the opener matching the closer at `close`, across all bracket kinds; -1 if none. */
function matchingOpener(text: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const ch = text.charAt(i);
    if (isCloser(ch)) depth++;
    else if (isOpener(ch)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Index just after the closer matching the opener at `open`, or text.length when unclosed. */
function matchingCloser(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text.charAt(i);
    if (isOpener(ch)) depth++;
    else if (isCloser(ch)) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

const tidy = (s: string): string => s.replace(/\n[。；;\s]*$/, "").replace(/^[。；;\s]+/, "").trim();

/** The bracket that closes the text (before any final 。), if it names units. */
function trailingBracket(text: string): Annotation | null {
  const trimmed = text.replace(/[\s。．.；;]+$/, "");
  const close = trimmed.length - 1;
  if (close < 1 || !isCloser(trimmed.charAt(close))) return null;
  const open = matchingOpener(trimmed, close);
  if (open < 0) return null;
  const found = parseAnnotationBody(trimmed.slice(open + 1, close));
  if (found === null) return null;
  const { labelled, ...units } = found;
  return { ...units, rest: tidy(trimmed.slice(0, open)), rule: labelled ? "bracket-labels" : "bracket-verbs" };
}

/**
 * Find the unit annotation of an item: a bracket closing the text; else the last bracket that
 * opens with a unit label (brackets may nest, the bracket may be unclosed or broken over lines);
 * else label lines / a closing sentence "责任单位：X、Y。" that starts a line or follows a 。.
 * Returns null when there is none.
 */
export function extractAnnotation(text: string): Annotation | null {
  // the outline asks about the same item text several times (continuation, run-on items, headings, inheritance)
  const cached = annotationCache.get(text);
  if (cached !== undefined) return cached === null ? null : { ...cached };
  const found = findAnnotation(text);
  if (annotationCache.size >= 4096) annotationCache.clear();
  annotationCache.set(text, found);
  return found === null ? null : { ...found };
}

const annotationCache = new Map<string, Annotation | null>();

/** Forget the texts seen: called once per document, so a benchmark repeating one text is not served from memory. */
export function forgetAnnotations(): void {
  annotationCache.clear();
}

function findAnnotation(text: string): Annotation | null {
  const trailing = trailingBracket(text);
  if (trailing !== null) return trailing;
  // a paragraph closed by a unit bracket, followed by loose lines ("详见…", a reporter's name)
  const paragraphs = text.split("\n");
  for (let i = paragraphs.length - 2; i >= 0; i--) {
    const found = trailingBracket(paragraphs[i] ?? "");
    if (found !== null) {
      return { ...found, rest: tidy([...paragraphs.slice(0, i), found.rest, ...paragraphs.slice(i + 1)].join("\n")) };
    }
  }

  const opener = new RegExp(`[${OPENERS}]\\s*(?=[\\u4e00-\\u9fa5]{0,6}?(?:单位|部门|單位|部門)\\s*[：:])`, "g");
  let last: { start: number; end: number; found: FoundUnits & { labelled: boolean } } | null = null;
  let m: RegExpExecArray | null;
  while ((m = opener.exec(text)) !== null) {
    const end = matchingCloser(text, m.index);
    const closed = isCloser(text.charAt(end - 1));
    const found = parseAnnotationBody(text.slice(m.index + 1, closed ? end - 1 : end));
    if (found !== null) last = { start: m.index, end, found };
    opener.lastIndex = Math.max(end, m.index + 1);
  }
  if (last !== null) {
    const { labelled: _labelled, ...units } = last.found;
    return { ...units, rest: tidy(text.slice(0, last.start) + text.slice(last.end)), rule: "bracket-labels" };
  }

  // label lines, or a closing sentence: from the first unit/person label that starts a line or a sentence
  for (const l of findLabels(text)) {
    if (l.kind === "deadline") continue;
    const before = text.slice(0, l.start);
    if (!(before === "" || /[\n。；;]\s*$/.test(before))) continue;
    const found = parseAnnotationBody(text.slice(l.start));
    if (found === null) continue;
    const { labelled: _labelled, ...units } = found;
    return { ...units, rest: tidy(before), rule: "label-lines" };
  }
  return null;
}

/** Endings that make a bare line a unit cell (stricter than UNIT_END: 区/城 end ordinary words too). */
const UNIT_CELL_END =
  /(局|委|办|府|会|室|处|院|所|队|团|司|行|社|站|中心|单位|管委|部|厅|组|署|公司|集团|企业|政府|分局|街道|乡镇|镇|乡|村|学校|医院|法院|检察院|银行|协会|联合会|联|支队|大队|办事处|馆|台|校|关|部门|會|辦|處|廳|隊|團|組|聯|門|(?:开发|新|园|示范|试验|保税|度假|合作|开發|園)区|(?:開發|新|園|示範)區)$/;

/** A line made only of unit names ("市民政局、市人社局,各县区人民政府、市开发区管委"). */
export function isUnitListLine(line: string): boolean {
  if (/[。！？!?：:]/.test(line) || line.length > 200) return false;
  const names = listUnits(line);
  return names.length > 0 && names.every((u) => u.name.length <= 30 && UNIT_CELL_END.test(u.name));
}

/** Group aliases: 领导小组各成员单位, 各街道办事处, 相关街道办事处, 区属各国有企业, 市直有关单位. */
export function isGroupName(name: string): boolean {
  return /各|相关|有关|成员单位|所属单位|直属单位/.test(name);
}
