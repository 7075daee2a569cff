/**
 * parsePlan: text of a plan → structured plan. Pure: no I/O.
 */
import { cleanText } from "./clean.js";
import { findDeadline, parseDeadlineCell } from "./deadline.js";
import { extractDocumentInfo } from "./document.js";
import { buildOutline, type OutlineItem } from "./outline.js";
import { parsePhase } from "./phases.js";
import { createMatcher, localitiesOf } from "./registry.js";
import { classifySection, type SectionKind } from "./sections.js";
import { extractTargets } from "./targets.js";
import type { ParseOptions, ParsedPhase, ParsedPlan, ParsedTask, UnitReference } from "./types.js";
import { assignFromList, extractAnnotation, type UnitAssignment } from "./units.js";

const TABLE_COLUMN = /^(完成时限|完成时间|时间节点|责任单位|牵头单位|责任部门)$/;
const HAS_LABEL = /(牵头|责任|配合|协办|主办|承办|参与|实施)(单位|部门)\s*[：:]/;

/** The title of an item used as a heading: the head up to its first 。, without annotation. */
function titleOf(item: OutlineItem): string {
  const head = extractAnnotation(item.head)?.rest ?? item.head;
  const cut = head.indexOf("。");
  return (cut >= 0 ? head.slice(0, cut) : head).replace(/[。；;，,：:\s]+$/, "").trim();
}

function fullText(item: OutlineItem): string {
  return [item.head, ...item.body].filter((t) => t !== "").join("\n");
}

interface Context {
  referenceYear: number | null;
  tasks: ParsedTask[];
  phases: ParsedPhase[];
  /** Units of the last 责任单位 table cell, carried to following rows without one. */
  carriedCell: string | null;
}

function emptyAssignment(a: UnitAssignment | null): boolean {
  return a === null || (a.lead.length === 0 && a.responsible.length === 0);
}

function path(item: OutlineItem): string[] {
  const labels: string[] = [];
  for (let p: OutlineItem | null = item; p; p = p.parent) labels.unshift(p.label);
  return labels;
}

function ancestors(item: OutlineItem): OutlineItem[] {
  const list: OutlineItem[] = [];
  for (let p = item.parent; p; p = p.parent) list.unshift(p);
  return list;
}

function buildTask(item: OutlineItem, isTaskSection: boolean, ctx: Context): ParsedTask | null {
  // a short head followed by paragraphs is the task's own heading
  let ownHeading: string | null = null;
  let source = fullText(item);
  if (item.head !== "" && item.body.length > 0 && item.head.length < 40 && !HAS_LABEL.test(item.head)) {
    const bodyText = item.body.join("\n");
    const bodyRest = extractAnnotation(bodyText)?.rest ?? bodyText;
    if (bodyRest.trim() !== "") {
      ownHeading = item.head.replace(/[。；;，,：:\s]+$/, "");
      source = bodyText;
    }
  }
  const annotation = extractAnnotation(source);
  const text = annotation?.rest ?? source;

  let units: UnitAssignment | null = emptyAssignment(annotation) ? null : annotation;
  if (units === null && item.unitCell !== null) {
    units = assignFromList(item.unitCell);
    ctx.carriedCell = item.unitCell;
  } else if (units === null && ctx.carriedCell !== null) {
    units = assignFromList(ctx.carriedCell);
  }
  if (units === null) {
    for (const a of ancestors(item).reverse()) {
      const inherited = extractAnnotation(fullText(a));
      if (!emptyAssignment(inherited)) {
        units = inherited;
        break;
      }
    }
  }
  const hasUnits = !emptyAssignment(units);
  if (!hasUnits && !(isTaskSection && item.parent !== null)) return null;
  if (text.trim() === "" && ownHeading === null) return null;

  const deadline =
    (item.deadlineCell !== null ? parseDeadlineCell(item.deadlineCell, ctx.referenceYear) : null) ??
    findDeadline(text, ctx.referenceYear);

  const headings = ancestors(item).map(titleOf);
  if (ownHeading !== null) headings.push(ownHeading);

  return {
    path: path(item),
    heading: headings[headings.length - 1] ?? "",
    headings,
    text,
    leadUnits: units?.lead ?? [],
    responsibleUnits: units?.responsible ?? [],
    groups: [],
    unitIds: [],
    deadline: deadline?.deadline ?? null,
    dueDate: deadline?.dueDate ?? null,
    targets: extractTargets(text),
  };
}

function walk(item: OutlineItem, kind: SectionKind, isTaskSection: boolean, ctx: Context): void {
  const isRoot = item.parent === null;
  if (!isRoot) {
    const phase = parsePhase(fullText(item), kind === "phase" && item.parent?.parent === null, ctx.referenceYear);
    if (phase) {
      ctx.phases.push(phase);
      return;
    }
  }
  if (item.children.length > 0) {
    for (const child of item.children) walk(child, kind, isTaskSection, ctx);
    return;
  }
  if (kind === "phase") return;
  const task = buildTask(item, isTaskSection, ctx);
  if (task) ctx.tasks.push(task);
}

export function parsePlan(text: string, options: ParseOptions = {}): ParsedPlan {
  const { lines, meta } = cleanText(typeof text === "string" ? text : "");
  const info = extractDocumentInfo(lines, meta);
  const yearOf = (s: string | null): number | null => {
    const m = s === null ? null : /((?:19|20)\d\d)/.exec(s);
    return m ? Number(m[1]) : null;
  };
  const referenceYear = options.referenceYear ?? yearOf(info.date) ?? yearOf(info.docNumber);

  const body = lines.slice(info.bodyStart);
  const tableMode = body.some((l) => TABLE_COLUMN.test(l.text));
  const roots = buildOutline(body, tableMode);

  const kinds = roots.map((r) => (r.children.length > 0 ? classifySection(titleOf(r)) : "generic"));
  const hasTaskSection = kinds.some((k) => k === "task");
  const ctx: Context = { referenceYear, tasks: [], phases: [], carriedCell: null };
  roots.forEach((root, i) => {
    const kind = kinds[i] ?? "generic";
    const isTaskSection = kind === "task" || (kind === "generic" && !hasTaskSection);
    walk(root, kind, isTaskSection, ctx);
  });

  // unit references, in order of first mention
  const matcher = createMatcher(options.registry, localitiesOf(info.issuerNames));
  const refs = new Map<string, UnitReference>();
  for (const task of ctx.tasks) {
    const ids: string[] = [];
    const groups: string[] = [];
    for (const name of [...task.leadUnits, ...task.responsibleUnits]) {
      let ref = refs.get(name);
      if (!ref) {
        ref = matcher.match(name);
        refs.set(name, ref);
      }
      if (ref.kind === "group") groups.push(name);
      for (const id of ref.unitIds) if (!ids.includes(id)) ids.push(id);
    }
    task.groups = groups;
    task.unitIds = ids;
  }
  const units = [...refs.values()];

  return {
    title: info.title,
    docNumber: info.docNumber,
    issuer: info.issuer,
    date: info.date,
    phases: ctx.phases,
    tasks: ctx.tasks,
    units,
    unmatchedUnits: units.filter((u) => u.match === null).map((u) => u.name),
  };
}

/** Distinct unit names and group names mentioned by the tasks of a parsed plan, as written. */
export function collectUnitNames(plan: ParsedPlan): { units: string[]; groups: string[] } {
  const units: string[] = [];
  const groups: string[] = [];
  for (const task of plan.tasks) {
    for (const name of [...task.leadUnits, ...task.responsibleUnits]) {
      const list = task.groups.includes(name) ? groups : units;
      if (!list.includes(name)) list.push(name);
    }
  }
  return { units, groups };
}
