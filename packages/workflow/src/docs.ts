// Documentation generated from the machine and the permission table themselves (not exported
// from index.ts): `pnpm --filter @duban/workflow run docs` writes them into README.md, and
// docs.test.ts fails when the README is stale. Pure: no I/O here; scripts/generate-docs.ts reads
// and writes the file.
import type { AnyStateNode, AnyTransitionDefinition } from "xstate";
import type { TaskEventType } from "./events";
import { EVENT_LABELS, ROLE_LABELS, STAGE_LABELS, STATUS_LABELS } from "./labels";
import { taskMachine } from "./machine";
import { EVENT_PERMISSIONS, type UnitRequirement } from "./permissions";
import { ROLES } from "./vocabulary";

/** Labels for the structural nodes that labels.ts has no entry for (regions, extension states). */
const STRUCTURE_LABELS: Record<string, string> = {
  open: "进行中",
  stage: "阶段",
  extension: "延期申请",
  idle: "无延期申请",
  requested: "延期待审批",
};

/**
 * Guards not printed on the edges: `permitted` is on every transition (it is the permission
 * table), and `returnsTo` only says that the RETURN's `toStage` picks the edge's target.
 */
const IMPLIED_GUARDS = new Set(["permitted", "returnsTo"]);

/** Every state node of the machine, the root first, in document order. */
export function allStateNodes(node: AnyStateNode = taskMachine.root): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child))];
}

/** A Mermaid-safe id for a state node: its path without the machine id, dots as underscores. */
export function mermaidId(node: AnyStateNode): string {
  return node.path.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

function hasLabel<T extends string>(labels: Record<T, string>, key: string): key is T {
  return Object.hasOwn(labels, key);
}

/** The Chinese name of a state node: a stage, else a status tag, else a structural label. */
export function stateLabel(node: AnyStateNode): string | undefined {
  if (hasLabel(STAGE_LABELS, node.key)) return STAGE_LABELS[node.key];
  const tag = node.tags.find((t) => hasLabel(STATUS_LABELS, t));
  if (tag !== undefined && hasLabel(STATUS_LABELS, tag)) return STATUS_LABELS[tag];
  return STRUCTURE_LABELS[node.key];
}

function eventText(eventType: string): string {
  const label = hasLabel(EVENT_LABELS, eventType) ? EVENT_LABELS[eventType] : undefined;
  return label === undefined ? eventType : `${eventType} ${label}`;
}

/** Names of the guards of a transition, `and([...])` flattened, parameters left out. */
function guardNames(guard: unknown): string[] {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === "string") return [guard];
  if (typeof guard === "function") {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (Array.isArray(inner)) {
      const names = inner.flatMap(guardNames);
      return guard.name === "and" ? names : [`${guard.name}(${names.join(", ")})`];
    }
    return [guard.name || "guard"];
  }
  if (typeof guard === "object" && "type" in guard) return [String((guard as { type: unknown }).type)];
  return ["guard"];
}

function shownGuards(t: AnyTransitionDefinition): string[] {
  return guardNames(t.guard).filter((g) => !IMPLIED_GUARDS.has(g));
}

function transitionLabel(t: AnyTransitionDefinition, previous: AnyTransitionDefinition | undefined): string {
  const guards = shownGuards(t);
  // XState takes the first enabled transition of an event; a later one applies "otherwise".
  const otherwise = previous !== undefined && shownGuards(previous).length > 0 ? "否则 " : "";
  return `${eventText(t.eventType)}${guards.length > 0 ? ` ${otherwise}[${guards.join(", ")}]` : ""}`;
}

function ancestors(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = node; n !== undefined; n = n.parent) chain.unshift(n);
  return chain;
}

/**
 * The block an edge is drawn in: the deepest common proper ancestor of both ends, not a parallel
 * node (whose block holds only its regions).
 */
function edgeScope(source: AnyStateNode, target: AnyStateNode): AnyStateNode {
  const a = ancestors(source);
  const b = ancestors(target);
  let scope = taskMachine.root;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) scope = a[i] as AnyStateNode;
  if (scope === source || scope === target) scope = scope.parent ?? scope;
  while (scope.type === "parallel" && scope.parent !== undefined) scope = scope.parent;
  return scope;
}

/** The child of `scope` that contains `node` (or is it). */
function childOf(scope: AnyStateNode, node: AnyStateNode): AnyStateNode {
  const chain = ancestors(node);
  return chain[chain.indexOf(scope) + 1] ?? node;
}

/** How a nested state is named relative to an ancestor: labels joined with ·, regions left out. */
function relativeName(ancestor: AnyStateNode, node: AnyStateNode): string {
  const chain = ancestors(node);
  return chain
    .slice(chain.indexOf(ancestor) + 1)
    .filter((n) => n.parent?.type !== "parallel" || n === node)
    .map((n) => stateLabel(n) ?? n.key)
    .join("·");
}

/** Text safe inside a Mermaid label: no quotes, colons, semicolons or entity starts. */
function mermaidText(text: string): string {
  return text.replace(/"/g, "'").replace(/:/g, "：").replace(/;/g, "；").replace(/#/g, "＃");
}

interface Edge {
  scope: AnyStateNode;
  from: AnyStateNode;
  to: AnyStateNode;
  label: string;
  /** Names of the real sources and target when an end was lifted to a sibling of the other. */
  sources: string[];
  target: string | undefined;
}

/** A transition the diagram does not draw as an edge. */
export interface UndrawnTransition {
  source: AnyStateNode;
  label: string;
  /** The state it moves to inside `source`, or undefined when the state does not change. */
  target: AnyStateNode | undefined;
}

interface ChartParts {
  edges: Edge[];
  undrawn: UndrawnTransition[];
}

/**
 * Every transition of the machine, as an edge or as an undrawn transition. Mermaid lays out
 * nested states well only when an edge joins two states of the same block, so an edge whose ends
 * sit in different children of its block is drawn between those children, and its label names
 * the real source (自 …) and target (至 …). Targetless transitions (the context changes, the
 * state does not) and moves of a compound state into its own descendant are not drawn.
 */
function collectChart(): ChartParts {
  const edges: Edge[] = [];
  const undrawn: UndrawnTransition[] = [];
  for (const node of allStateNodes()) {
    for (const transitions of node.transitions.values()) {
      transitions.forEach((t, i) => {
        const label = transitionLabel(t, transitions[i - 1]);
        const targets = (t.target ?? []) as AnyStateNode[];
        if (targets.length === 0) undrawn.push({ source: t.source, label, target: undefined });
        for (const target of targets) {
          const scope = edgeScope(t.source, target);
          const from = childOf(scope, t.source);
          const to = childOf(scope, target);
          if (from === to) {
            undrawn.push({ source: t.source, label, target });
            continue;
          }
          const source = from === t.source ? undefined : relativeName(from, t.source);
          const existing = edges.find((e) => e.scope === scope && e.from === from && e.to === to && e.label === label);
          if (existing !== undefined) {
            if (source !== undefined && !existing.sources.includes(source)) existing.sources.push(source);
            continue;
          }
          edges.push({
            scope,
            from,
            to,
            label,
            sources: source === undefined ? [] : [source],
            target: to === target ? undefined : relativeName(to, target),
          });
        }
      });
    }
  }
  return { edges, undrawn };
}

function edgeLine(edge: Edge): string {
  const where = [
    ...(edge.sources.length > 0 ? [`自 ${edge.sources.join("/")}`] : []),
    ...(edge.target !== undefined ? [`至 ${edge.target}`] : []),
  ];
  const suffix = where.length > 0 ? `（${where.join("，")}）` : "";
  return `${mermaidId(edge.from)} --> ${mermaidId(edge.to)} : ${mermaidText(`${edge.label}${suffix}`)}`;
}

function stateName(node: AnyStateNode): string {
  const label = stateLabel(node);
  return label === undefined ? node.key : `${label} ${node.key}`;
}

/**
 * The machine as a Mermaid `stateDiagram-v2`, walked from `taskMachine.root`: compound states
 * nested; a parallel state's regions as concurrent partitions separated by `--` (Mermaid gives
 * a partition no title, so a `%%` comment names the region); guards other than `permitted` in
 * brackets. Transitions it does not draw are listed by `renderUndrawnTable`.
 */
export function renderStateChartMermaid(): string {
  const { edges } = collectChart();
  const lines: string[] = ["stateDiagram-v2"];
  const pad = (depth: number) => "  ".repeat(depth);

  const writeNode = (node: AnyStateNode, depth: number) => {
    const id = mermaidId(node);
    if (Object.keys(node.states).length === 0) {
      lines.push(`${pad(depth)}state "${mermaidText(stateName(node))}" as ${id}`);
      return;
    }
    lines.push(`${pad(depth)}state "${mermaidText(stateName(node))}" as ${id} {`);
    writeScope(node, depth + 1);
    lines.push(`${pad(depth)}}`);
  };

  // What goes inside a node's block. A region writes straight into its partition.
  function writeScope(node: AnyStateNode, depth: number) {
    const children = Object.values(node.states);
    if (node.type === "parallel") {
      children.forEach((region, i) => {
        if (i > 0) lines.push(`${pad(depth)}--`);
        lines.push(`${pad(depth)}%% region ${mermaidId(region)}: ${stateName(region)}`);
        writeScope(region, depth);
      });
      return;
    }
    for (const initial of (node.initial?.target ?? []) as AnyStateNode[]) {
      lines.push(`${pad(depth)}[*] --> ${mermaidId(initial)}`);
    }
    for (const child of children) writeNode(child, depth);
    for (const edge of edges) if (edge.scope === node) lines.push(`${pad(depth)}${edgeLine(edge)}`);
    for (const child of children) if (child.type === "final") lines.push(`${pad(depth)}${mermaidId(child)} --> [*]`);
  }

  writeScope(taskMachine.root, 1);
  return lines.join("\n");
}

/** A state node in prose: its path (without the machine id) and Chinese name. */
function nodeRef(node: AnyStateNode): string {
  const label = stateLabel(node);
  return `\`${node.path.join(".")}\`${label === undefined ? "" : ` ${label}`}`;
}

/**
 * The transitions the diagram leaves out, as a Markdown table: events that change only the
 * context, and moves of a compound state into its own descendant.
 */
export function renderUndrawnTable(): string {
  const rows = collectChart().undrawn.map(({ source, label, target }) => [
    nodeRef(source),
    label,
    target === undefined ? "状态不变" : `→ ${nodeRef(target)}`,
  ]);
  const header = ["状态", "事件", "结果"];
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** How each unit requirement reads in the permission table. */
export const REQUIREMENT_TEXT: Record<UnitRequirement, string> = {
  any: "✓ 全部任务",
  lead: "牵头单位",
  co: "责任(协办)单位",
  lead_or_co: "牵头或责任单位",
  supervises: "督办的任务",
};

/** EVENT_PERMISSIONS as a Markdown table: a row per event, a column per role. */
export function renderPermissionTable(): string {
  const header = ["事件", ...ROLES.map((r) => `${ROLE_LABELS[r]} \`${r}\``)];
  const rows = (Object.keys(EVENT_PERMISSIONS) as TaskEventType[]).map((type) => [
    `\`${type}\` ${EVENT_LABELS[type]}`,
    ...ROLES.map((role) => {
      const requirement = EVENT_PERMISSIONS[type][role];
      return requirement === undefined ? "—" : REQUIREMENT_TEXT[requirement];
    }),
  ]);
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

// ---- README sections ----

export const GENERATED_SECTIONS = ["statechart", "permissions"] as const;
export type GeneratedSection = (typeof GENERATED_SECTIONS)[number];

const STATECHART_LEGEND = [
  "Every transition also needs the `permitted` guard (the permission table below); brackets name",
  "the other guards, and `否则` marks the transition taken when the one before it for the same",
  "event is not. An edge between two stages joins the stage boxes: `自` names the state it",
  "leaves, `至` the state it enters. A RETURN's `toStage` picks its edge. The `stage` and",
  "`extension` regions of `open` run side by side (the two halves of its box).",
  "",
  "Not drawn: the events that change only the context, and moves within a state from any of its",
  "substates. An event handled on a state applies in all its substates; a substate's own",
  "transition for the same event takes precedence.",
].join("\n");

/** The text that belongs between a section's markers. */
export function renderSection(section: GeneratedSection): string {
  switch (section) {
    case "statechart":
      return `\`\`\`mermaid\n${renderStateChartMermaid()}\n\`\`\`\n\n${STATECHART_LEGEND}\n\n${renderUndrawnTable()}`;
    case "permissions":
      return renderPermissionTable();
  }
}

const startMarker = (s: GeneratedSection) => `<!-- generated:${s}:start -->`;
const endMarker = (s: GeneratedSection) => `<!-- generated:${s}:end -->`;

function markerBounds(readme: string, section: GeneratedSection): { from: number; to: number } {
  const start = readme.indexOf(startMarker(section));
  const end = readme.indexOf(endMarker(section));
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`README has no ${startMarker(section)} … ${endMarker(section)} section`);
  }
  return { from: start + startMarker(section).length, to: end };
}

/** What is between a section's markers now, without the surrounding newlines. */
export function readSection(readme: string, section: GeneratedSection): string {
  const { from, to } = markerBounds(readme, section);
  return readme.slice(from, to).replace(/^\n/, "").replace(/\n$/, "");
}

/** The README with every generated section replaced by the current output. */
export function updateReadme(readme: string): string {
  let text = readme;
  for (const section of GENERATED_SECTIONS) {
    const { from, to } = markerBounds(text, section);
    text = `${text.slice(0, from)}\n${renderSection(section)}\n${text.slice(to)}`;
  }
  return text;
}
