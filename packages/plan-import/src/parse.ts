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
import { findFlatTable } from "./flat-table.js";
import { tasksFromTable, type TableTask } from "./table.js";
import { extractTargets } from "./targets.js";
import type { ParseOptions, ParsedPhase, ParsedPlan, ParsedTask, UnitReference } from "./types.js";
import { assignFromList, extractAnnotation, forgetAnnotations, type UnitAssignment, type UnitRule } from "./units.js";

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
  let unitRule: UnitRule | null = units === null ? null : (annotation?.rule ?? null);
  if (units === null && item.unitCell !== null) {
    units = assignFromList(item.unitCell);
    unitRule = "unit-cell";
    ctx.carriedCell = item.unitCell;
  } else if (units === null && ctx.carriedCell !== null) {
    units = assignFromList(ctx.carriedCell);
    unitRule = "unit-cell";
  }
  if (units === null) {
    for (const a of ancestors(item).reverse()) {
      const inherited = extractAnnotation(fullText(a));
      if (!emptyAssignment(inherited)) {
        units = inherited;
        unitRule = "inherited";
        break;
      }
    }
  }
  const hasUnits = !emptyAssignment(units);
  if (!hasUnits && !(isTaskSection && item.parent !== null)) return null;
  if (text.trim() === "" && ownHeading === null) return null;

  const written = annotation?.deadline ?? null;
  const deadline =
    (item.deadlineCell !== null ? parseDeadlineCell(item.deadlineCell, ctx.referenceYear) : null) ??
    (written !== null ? { deadline: written, dueDate: findDeadline(written, ctx.referenceYear)?.dueDate ?? null } : null) ??
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
    unitRule,
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

function taskFromTableRow(row: TableTask, referenceYear: number | null): ParsedTask {
  const written = row.deadline;
  const deadline =
    written === null
      ? null
      : (parseDeadlineCell(written, referenceYear) ?? { deadline: written, dueDate: findDeadline(written, referenceYear)?.dueDate ?? null });
  return {
    path: row.path,
    heading: row.heading ?? "",
    headings: row.heading === null ? [] : [row.heading],
    text: row.text,
    leadUnits: row.units.lead,
    responsibleUnits: row.units.responsible,
    unitRule: "table",
    groups: [],
    unitIds: [],
    deadline: deadline?.deadline ?? null,
    dueDate: deadline?.dueDate ?? null,
    targets: extractTargets(row.text),
  };
}

/** A plan document as read from a file: its text and, for Word and Excel files, its tables as rows of cells. */
export interface PlanDocument {
  text: string;
  tables?: string[][][];
}

export function parsePlan(text: string, options: ParseOptions = {}): ParsedPlan {
  return parsePlanDocument({ text: typeof text === "string" ? text : "" }, options);
}

/**
 * parsePlanDocument: the tasks come from the document's task tables when it has any (a Word or
 * Excel table, or a table flattened into the text), else from its numbered outline.
 */
export function parsePlanDocument(doc: PlanDocument, options: ParseOptions = {}): ParsedPlan {
  forgetAnnotations();
  const { lines, meta } = cleanText(doc.text);
  const info = extractDocumentInfo(lines, meta);
  const yearOf = (s: string | null): number | null => {
    const m = s === null ? null : /((?:19|20)\d\d)/.exec(s);
    return m ? Number(m[1]) : null;
  };
  const referenceYear = options.referenceYear ?? yearOf(info.date) ?? yearOf(info.docNumber);

  const body = lines.slice(info.bodyStart);
  const ctx: Context = { referenceYear, tasks: [], phases: [], carriedCell: null };
  const tableRows = (doc.tables ?? []).flatMap((rows) => tasksFromTable(rows));
  if (tableRows.length === 0) {
    const flat = findFlatTable(lines);
    if (flat !== null) tableRows.push(...tasksFromTable(flat.rows));
  }
  if (tableRows.length > 0) {
    ctx.tasks.push(...tableRows.map((row) => taskFromTableRow(row, referenceYear)));
  } else {
    const tableMode = body.some((l) => TABLE_COLUMN.test(l.text));
    const roots = buildOutline(body, tableMode);
    const kinds = roots.map((r) => (r.children.length > 0 ? classifySection(titleOf(r)) : "generic"));
    const hasTaskSection = kinds.some((k) => k === "task");
    roots.forEach((root, i) => {
      const kind = kinds[i] ?? "generic";
      const isTaskSection = kind === "task" || (kind === "generic" && !hasTaskSection);
      walk(root, kind, isTaskSection, ctx);
    });
  }

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
