// Model-based coverage: explore the machine with @xstate/graph from a cast of actors and check
// that every state is reached and every transition of the machine is taken at least once.
import { adjacencyMapToArray, getAdjacencyMap } from "@xstate/graph";
import type { AnyStateNode } from "xstate";
import { beforeAll, describe, expect, it } from "vitest";
import { TASK_EVENT_TYPES, type TaskCommand, type TaskEvent } from "./events";
import { taskMachine } from "./machine";
import { evaluationFails } from "./rules";
import type { TaskSnapshot } from "./persistence";
import { AT, cast, LEAD_UNIT, type CastMember } from "./test-support";

// Actors that can never move a task add events but no states; the property tests cover them.
const ACTORS: CastMember[] = ["lead", "co1", "office", "leader", "evaluator1", "evaluator2"];
const MODEL_CO_UNITS = ["unit-co-1"];

function commandsFor(s: TaskSnapshot): TaskCommand[] {
  const c = s.context;
  const commands: TaskCommand[] = [];
  for (const type of TASK_EVENT_TYPES) {
    switch (type) {
      case "RETURN":
        for (const toStage of ["deploy", "handle", "inspect", "summarize"] as const)
          commands.push({ type, toStage, reason: "other", text: "退回" });
        break;
      case "ACCEPT_CONTRIBUTION":
      case "WAIVE_CONTRIBUTION":
      case "RETURN_CONTRIBUTION":
        for (const unitId of c.coUnitIds)
          commands.push({ type, unitId, reason: "other", text: "说明" } as TaskCommand);
        break;
      case "RECTIFY":
      case "CLOSE_ITEM":
        for (const item of c.rectification.items) commands.push({ type, itemId: item.id, text: "整改" } as TaskCommand);
        break;
      case "RECORD_INSPECTION":
        commands.push({ type, text: "检查", items: c.rectification.items.length === 0 ? ["问题"] : [] });
        break;
      case "RATE":
        commands.push({ type, rating: "satisfied" }, { type, rating: "unsatisfied" });
        break;
      case "SUBMIT":
        commands.push({ type, text: "报告" }, { type, text: "总结", resolutionClass: "A" });
        break;
      case "REASSIGN":
        commands.push({ type, leadUnitId: c.leadUnitId === LEAD_UNIT ? "unit-co-1" : LEAD_UNIT, coUnitIds: MODEL_CO_UNITS });
        break;
      case "REQUEST_EXTENSION":
        commands.push({ type, requestedDueDate: "2026-12-31", reason: "延期" });
        break;
      case "DECIDE_EXTENSION":
        commands.push({ type, granted: true }, { type, granted: false });
        break;
      case "SPLIT":
        commands.push({ type, parts: [{ text: "子任务", leadUnitId: "unit-street", dueDate: "2026-06-01" }] });
        break;
      default:
        commands.push({ type, text: "内容", reason: "原因", comment: "意见" } as TaskCommand);
    }
  }
  return commands;
}

function eventsFor(s: TaskSnapshot): TaskEvent[] {
  if (s.status === "done" || s.context.round > 1) return [];
  return ACTORS.flatMap((who) => commandsFor(s).map((command) => ({ ...command, actor: cast[who], at: AT }) as TaskEvent));
}

function serialize(s: TaskSnapshot): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.round,
    c.leadUnitId,
    Object.values(c.contributions).map((x) => x.status),
    c.rectification.inspected,
    c.rectification.items.map((i) => i.status),
    Object.keys(c.ratings).length > 0,
    evaluationFails(c.ratings),
    c.openNotices > 0,
    c.dueDate,
    c.lastReturn !== null,
  ]);
}

function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allStateNodes)];
}

function transitionKey(t: { source: AnyStateNode; eventType: string; target?: readonly AnyStateNode[] | undefined }) {
  return `${t.source.id} --${t.eventType}--> ${(t.target ?? []).map((n) => n.id).join(",") || "(self)"}`;
}

const options = {
  // A sub-task split by the office, so that the moves of parts (WAIVE_PART) are explored too.
  input: { leadUnitId: LEAD_UNIT, coUnitIds: MODEL_CO_UNITS, dueDate: "2026-06-30", parentTaskId: "task-parent", parentDueDate: "2026-12-31" },
  events: eventsFor,
  serializeState: serialize,
};

describe("model-based coverage", () => {
  let edges: ReturnType<typeof adjacencyMapToArray<TaskSnapshot, TaskEvent>> = [];
  beforeAll(() => {
    edges = adjacencyMapToArray(getAdjacencyMap(taskMachine, options));
  }, 120_000);

  it("reaches every state of the machine", () => {
    const reached = new Set(edges.flatMap((e) => e.nextState._nodes.map((n) => n.id)));
    const all = allStateNodes(taskMachine.root).map((n) => n.id);
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
  });

  it("takes every transition of the machine at least once", () => {
    const taken = new Set<string>();
    for (const { state, event } of edges) {
      for (const t of taskMachine.getTransitionData(state, event)) taken.add(transitionKey(t));
    }
    const defined = allStateNodes(taskMachine.root).flatMap((n) => [...n.transitions.values()].flat().map(transitionKey));
    expect(defined.filter((k) => !taken.has(k))).toEqual([]);
  });
});
