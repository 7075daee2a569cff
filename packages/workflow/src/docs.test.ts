// The README's generated sections must match the machine: change the machine or the permission
// table without `pnpm --filter @duban/workflow run docs` and this fails.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  allStateNodes,
  GENERATED_SECTIONS,
  mermaidId,
  readSection,
  renderPermissionTable,
  renderSection,
  renderStateChartMermaid,
  updateReadme,
} from "./docs";
import { TASK_EVENT_TYPES } from "./events";
import { EVENT_LABELS, ROLE_LABELS } from "./labels";
import { taskMachine } from "./machine";
import { ROLES } from "./vocabulary";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README generated sections", () => {
  it.each(GENERATED_SECTIONS)("%s is up to date (run `pnpm --filter @duban/workflow run docs`)", (section) => {
    expect(readSection(readme, section)).toBe(renderSection(section));
  });

  it("regenerating changes nothing", () => {
    expect(updateReadme(readme)).toBe(readme);
  });

  it("updateReadme replaces only what is between the markers", () => {
    const stale = [
      "intro",
      "<!-- generated:statechart:start -->",
      "old chart",
      "<!-- generated:statechart:end -->",
      "middle",
      "<!-- generated:permissions:start -->",
      "<!-- generated:permissions:end -->",
      "outro",
    ].join("\n");
    const updated = updateReadme(stale);
    expect(updated.startsWith("intro\n<!-- generated:statechart:start -->\n```mermaid\n")).toBe(true);
    expect(updated).toContain("<!-- generated:statechart:end -->\nmiddle\n<!-- generated:permissions:start -->\n| 事件 |");
    expect(updated.endsWith("<!-- generated:permissions:end -->\noutro")).toBe(true);
    expect(updated).not.toContain("old chart");
    expect(updateReadme(updated)).toBe(updated);
    expect(() => updateReadme("no markers")).toThrow(/generated:statechart:start/);
  });
});

describe("state chart", () => {
  const chart = renderStateChartMermaid();

  it("is a stateDiagram-v2 with Mermaid-safe ids", () => {
    expect(chart.split("\n")[0]).toBe("stateDiagram-v2");
    for (const line of chart.split("\n").slice(1)) {
      const declared = /^\s*state "([^"]*)" as (\S+)( \{)?$/.exec(line);
      if (declared !== null) expect(declared[2]).toMatch(/^[A-Za-z0-9_]+$/);
      const edge = /^\s*(\S+) --> (\S+)(?: : (.*))?$/.exec(line);
      if (edge !== null) {
        expect(edge[1]).toMatch(/^(\[\*\]|[A-Za-z0-9_]+)$/);
        expect(edge[2]).toMatch(/^(\[\*\]|[A-Za-z0-9_]+)$/);
        expect(edge[3] ?? "").not.toMatch(/[:;"]/);
      }
    }
  });

  it("declares every state node of the machine (regions as named partitions)", () => {
    const nodes = allStateNodes(taskMachine.root).filter((n) => n !== taskMachine.root);
    const ids = nodes.map(mermaidId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const node of nodes) {
      const id = mermaidId(node);
      const asRegion = node.parent?.type === "parallel" && chart.includes(`%% region ${id}:`);
      expect(asRegion || new RegExp(`^\\s*state "[^"]*" as ${id}( \\{)?$`, "m").test(chart), id).toBe(true);
    }
  });

  it("separates the regions of the parallel open state with --", () => {
    expect(chart).toMatch(/%% region open_stage:[\s\S]*\n\s*--\n\s*%% region open_extension:/);
  });

  it("draws every event that moves the task to another state, with its Chinese label", () => {
    const moving = new Set(
      allStateNodes(taskMachine.root).flatMap((n) =>
        [...n.transitions.values()].flat().filter((t) => (t.target ?? []).length > 0).map((t) => t.eventType),
      ),
    );
    expect(moving.size).toBeGreaterThan(0);
    for (const type of moving) {
      const drawn = chart.includes(`: ${type} ${EVENT_LABELS[type as keyof typeof EVENT_LABELS]}`);
      // REASSIGN in deploy moves only within deploy, so it is listed below the chart instead.
      expect(drawn || renderSection("statechart").includes(`| ${type} `), type).toBe(true);
    }
    expect(chart).toContain("RETURN 退回");
  });

  it("lists every targetless transition below the chart", () => {
    const section = renderSection("statechart");
    for (const node of allStateNodes(taskMachine.root)) {
      for (const t of [...node.transitions.values()].flat()) {
        if ((t.target ?? []).length === 0) expect(section, `${node.id} ${t.eventType}`).toMatch(new RegExp(`\\| ${t.eventType} `));
      }
    }
  });
});

describe("permission table", () => {
  const table = renderPermissionTable();
  const lines = table.split("\n");

  it("has a column per role and a row per event type", () => {
    for (const role of ROLES) expect(lines[0]).toContain(`${ROLE_LABELS[role]} \`${role}\``);
    expect(lines).toHaveLength(TASK_EVENT_TYPES.length + 2);
    for (const type of TASK_EVENT_TYPES) {
      expect(lines.filter((l) => l.startsWith(`| \`${type}\` ${EVENT_LABELS[type]} |`))).toHaveLength(1);
    }
  });

  it("renders unit requirements in Chinese", () => {
    const row = (type: string) => lines.find((l) => l.startsWith(`| \`${type}\` `))?.split(" | ") ?? [];
    // Columns: event, then ROLES in order (liaison, office, leader, evaluator, auditor, sysadmin, secadmin).
    expect(row("SIGN").slice(1, 3)).toEqual(["牵头单位", "—"]);
    expect(row("APPROVE")[2]).toBe("督办的任务");
    expect(row("URGE")[2]).toBe("✓ 全部任务");
    expect(row("SUBMIT_CONTRIBUTION")[1]).toBe("责任(协办)单位");
    expect(row("REPORT_PROGRESS")[1]).toBe("牵头或责任单位");
    expect(table).not.toMatch(/\b(any|lead_or_co)\b/);
  });
});
