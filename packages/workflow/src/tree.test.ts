// 分解 as a tree: random trees of depth ≤ 4 driven by random moves. The lifecycle decides each task
// alone; this harness plays the server's part (creates the parts of a SPLIT, computes the facts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, startTask } from "./engine";
import { describeTask } from "./describe";
import type { TaskCommand } from "./events";
import type { TaskSnapshot } from "./persistence";
import { partSettled, type TaskFacts } from "./rules";
import type { Actor } from "./vocabulary";

const MAX_DEPTH = 4;
const AT = "2026-01-01T00:00:00.000Z";
const ROOT_DUE = "2026-06-30";
const office: Actor = { userId: "office", role: "office", unitId: "unit-office" };
const outsider: Actor = { userId: "outsider", role: "liaison", unitId: "unit-outside" };

interface Node {
  id: string;
  depth: number;
  parent: number | null;
  snapshot: TaskSnapshot;
}

const liaisonOf = (unitId: string): Actor => ({ userId: `liaison-${unitId}`, role: "liaison", unitId });

function factsOf(tree: Node[], index: number): TaskFacts {
  const unsettledPartIds = tree
    .filter((n) => n.parent === index)
    .filter((n) => !partSettled({ stage: describeTask(n.snapshot).stage, waived: n.snapshot.context.waived !== null }))
    .map((n) => n.id);
  return { today: "2026-01-01", unsettledPartIds };
}

type Who = "natural" | "lead" | "supervisor" | "office" | "outsider";
type Move = { node: number; who: Who; kind: string; day: number; parts: number };

/** Mostly the actor a move belongs to (so trees grow deep and parts finish), sometimes a wrong one. */
const NATURAL: Record<string, Who> = {
  SIGN: "lead",
  SUBMIT: "lead",
  SPLIT: "lead",
  REQUEST_EXTENSION: "lead",
  APPROVE: "supervisor",
  RETURN: "supervisor",
  WAIVE_PART: "supervisor",
  TERMINATE: "supervisor",
  DECIDE_EXTENSION: "supervisor",
};

const move: fc.Arbitrary<Move> = fc.record({
  node: fc.nat(40),
  who: fc.constantFrom<Who>("natural", "natural", "natural", "natural", "natural", "natural", "lead", "supervisor", "office", "outsider"),
  kind: fc.constantFrom(
    ...["SIGN", "SIGN", "SUBMIT", "SUBMIT", "SUBMIT", "APPROVE", "APPROVE", "APPROVE", "RETURN", "SPLIT", "SPLIT"],
    ...["WAIVE_PART", "TERMINATE", "REQUEST_EXTENSION", "DECIDE_EXTENSION"],
  ),
  day: fc.integer({ min: -40, max: 10 }),
  parts: fc.integer({ min: 1, max: 2 }),
});

function shiftDate(iso: string | null, days: number): string {
  const d = new Date(`${iso ?? ROOT_DUE}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function commandOf(m: Move, node: Node, tree: Node[]): TaskCommand {
  const c = node.snapshot.context;
  switch (m.kind) {
    case "SUBMIT":
      return { type: "SUBMIT", text: "报告", resolutionClass: "A" };
    case "RETURN":
      return { type: "RETURN", toStage: "handle", reason: "other", text: "退回" };
    case "SPLIT":
      return {
        type: "SPLIT",
        parts: Array.from({ length: m.parts }, (_, k) => ({
          text: "子任务",
          leadUnitId: `unit-${tree.length + k}`,
          dueDate: shiftDate(c.dueDate, m.day),
        })),
      };
    case "WAIVE_PART":
    case "TERMINATE":
      return { type: m.kind, reason: "理由" };
    case "REQUEST_EXTENSION":
      return { type: "REQUEST_EXTENSION", requestedDueDate: shiftDate(c.dueDate, Math.abs(m.day) + 1), reason: "延期" };
    case "DECIDE_EXTENSION":
      return { type: "DECIDE_EXTENSION", granted: true };
    default:
      return { type: m.kind } as TaskCommand;
  }
}

function actorFor(chosen: Who, kind: string, node: Node): Actor {
  const who = chosen === "natural" ? (NATURAL[kind] ?? "lead") : chosen;
  const c = node.snapshot.context;
  if (who === "lead") return liaisonOf(c.leadUnitId);
  if (who === "supervisor") return c.supervisorUnitId === null ? office : liaisonOf(c.supervisorUnitId);
  return who === "office" ? office : outsider;
}

/** Plays the moves; calls `check` after each accepted one with the tree and what happened. */
function play(moves: Move[], check: (tree: Node[], at: number, type: string, before: TaskSnapshot) => void): Node[] {
  const tree: Node[] = [{ id: "task-0", depth: 1, parent: null, snapshot: startTask({ leadUnitId: "unit-0", dueDate: ROOT_DUE }) }];
  for (const m of moves) {
    // Half the moves go to the newest tasks, so that trees grow deep.
    const index = m.node % 2 === 0 ? Math.max(0, tree.length - 1 - ((m.node >> 1) % 3)) : m.node % tree.length;
    const node = tree[index] as Node;
    if (m.kind === "SPLIT" && node.depth >= MAX_DEPTH) continue;
    const actor = actorFor(m.who, m.kind, node);
    const command = commandOf(m, node, tree);
    const decision = decide(node.snapshot, { ...command, actor, at: AT } as never, factsOf(tree, index));
    if (!decision.ok) continue;
    const before = node.snapshot;
    node.snapshot = decision.snapshot;
    if (command.type === "SPLIT") {
      // The server's part of a split: one task per part, supervised by the splitter.
      for (const part of command.parts) {
        tree.push({
          id: `task-${tree.length}`,
          depth: node.depth + 1,
          parent: index,
          snapshot: startTask({
            leadUnitId: part.leadUnitId,
            dueDate: part.dueDate ?? before.context.dueDate,
            parentTaskId: node.id,
            parentDueDate: before.context.dueDate,
            supervisorUnitId: actor.role === "liaison" ? actor.unitId : null,
          }),
        });
      }
    }
    check(tree, index, command.type, before);
  }
  return tree;
}

describe("a split task, as a random tree of depth ≤ 4", () => {
  it("never lets a parent submit its 办理 completion before its unwaived parts are settled", () => {
    // Not vacuous: split parents do submit, and trees reach depth 4.
    let splitParentSubmits = 0;
    let deepest = 0;
    fc.assert(
      fc.property(fc.array(move, { minLength: 100, maxLength: 400 }), (moves) => {
        play(moves, (tree, at, type, before) => {
          const node = tree[at] as Node;
          if (type === "SUBMIT" && before.hasTag("handle")) {
            for (const child of tree.filter((n) => n.parent === at)) {
              expect(partSettled({ stage: describeTask(child.snapshot).stage, waived: child.snapshot.context.waived !== null })).toBe(true);
            }
            expect(describeTask(node.snapshot).status).toBe("submitted");
            if (tree.some((n) => n.parent === at)) splitParentSubmits++;
          }
          deepest = Math.max(deepest, ...tree.map((n) => n.depth));
        });
      }),
      { numRuns: 100 },
    );
    expect(splitParentSubmits).toBeGreaterThan(0);
    expect(deepest).toBe(MAX_DEPTH);
  }, 60_000);

  it("never gives a sub-task a deadline later than its parent's", () => {
    fc.assert(
      fc.property(fc.array(move, { minLength: 100, maxLength: 400 }), (moves) => {
        const tree = play(moves, (t) => {
          for (const child of t) {
            if (child.parent === null) continue;
            const parentDue = (t[child.parent] as Node).snapshot.context.dueDate;
            const due = child.snapshot.context.dueDate;
            if (parentDue !== null) expect(due !== null && due <= parentDue).toBe(true);
          }
        });
        expect(tree.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it("lets no unit outside a task's subtree act on it, and no office act on a part a unit supervises", () => {
    fc.assert(
      fc.property(fc.array(move, { maxLength: 100 }), fc.constantFrom("SIGN", "SUBMIT", "APPROVE", "RETURN", "SPLIT", "WAIVE_PART", "TERMINATE", "URGE"), (moves, kind) => {
        const tree = play(moves, () => {});
        tree.forEach((node, index) => {
          const command = commandOf({ node: index, who: "outsider", kind, day: 0, parts: 1 }, node, tree);
          const byOutsider = decide(node.snapshot, { ...command, actor: outsider, at: AT } as never, factsOf(tree, index));
          if (node.snapshot.status !== "done" && !byOutsider.ok) {
            expect(["NOT_YOUR_UNIT", "NOT_SUPERVISOR", "TASK_CLOSED", "FORBIDDEN_FOR_ROLE", "NOT_ALLOWED_IN_STATE"]).toContain(byOutsider.refusal.code);
          }
          expect(byOutsider.ok).toBe(false);
          if (node.snapshot.context.supervisorUnitId !== null && (kind === "APPROVE" || kind === "RETURN" || kind === "WAIVE_PART")) {
            const byOffice = decide(node.snapshot, { ...command, actor: office, at: AT } as never, factsOf(tree, index));
            expect(byOffice.ok).toBe(false);
          }
        });
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it("refuses a part due after its parent with a clear message, and holds a split parent without the facts", () => {
    let root = startTask({ leadUnitId: "unit-0", dueDate: ROOT_DUE });
    const lead = liaisonOf("unit-0");
    for (const command of [{ type: "SIGN" }, { type: "SUBMIT", text: "方案" }] as TaskCommand[]) {
      const d = decide(root, { ...command, actor: lead, at: AT });
      if (!d.ok) throw new Error(d.refusal.message);
      root = d.snapshot;
    }
    const approved = decide(root, { type: "APPROVE", actor: office, at: AT });
    if (!approved.ok) throw new Error(approved.refusal.message);
    const late = decide(approved.snapshot, { type: "SPLIT", parts: [{ text: "子任务", leadUnitId: "unit-1", dueDate: "2026-07-01" }], actor: lead, at: AT });
    expect(late.ok ? null : late.refusal).toMatchObject({ code: "GUARD_FAILED", guard: "LATER_THAN_PARENT", message: "子任务的完成时限不能晚于上级任务的完成时限" });
    const split = decide(approved.snapshot, { type: "SPLIT", parts: [{ text: "子任务", leadUnitId: "unit-1" }], actor: lead, at: AT });
    if (!split.ok) throw new Error(split.refusal.message);
    const submit = { type: "SUBMIT", text: "办结报告", actor: lead, at: AT } as const;
    expect(decide(split.snapshot, submit).ok).toBe(false);
    const held = decide(split.snapshot, submit, { today: "2026-01-01", unsettledPartIds: ["task-1"] });
    expect(held.ok ? null : held.refusal).toMatchObject({ guard: "PARTS_PENDING", message: expect.stringContaining("1 项子任务未完成") });
    expect(decide(split.snapshot, submit, { today: "2026-01-01", unsettledPartIds: [] }).ok).toBe(true);
  });
});
