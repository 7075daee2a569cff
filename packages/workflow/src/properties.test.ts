// Property-based: random event sequences from random actors must keep the invariants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availableActions, decide, type AvailableAction } from "./engine";
import { describeTask } from "./describe";
import type { TaskCommand, TaskEventType } from "./events";
import type { TaskSnapshot } from "./persistence";
import { AT, cast, newTask, type CastMember } from "./test-support";
import { ADMINISTRATIVE_ROLES, RATINGS, RETURNABLE_STAGES, stageIndex, type Actor, type Stage } from "./vocabulary";

const who = fc.constantFrom(...(Object.keys(cast) as CastMember[]));
const unit = fc.constantFrom("unit-lead", "unit-co-1", "unit-co-2", "unit-other");
const item = fc.constantFrom("R1-1", "R1-2", "R2-1", "nope");
const words = fc.constantFrom("说明", "", " ", "x".repeat(30));

const command: fc.Arbitrary<TaskCommand> = fc.oneof(
  fc.constant<TaskCommand>({ type: "SIGN" }),
  words.map((reason) => ({ type: "REQUEST_REASSIGN", reason }) as TaskCommand),
  words.map((comment) => ({ type: "REFUSE_REASSIGN", comment }) as TaskCommand),
  unit.map((leadUnitId) => ({ type: "REASSIGN", leadUnitId }) as TaskCommand),
  fc.record({ text: words, resolutionClass: fc.option(fc.constantFrom("A", "B", "C"), { nil: undefined }) }).map(
    (p) => ({ type: "SUBMIT", ...p }) as TaskCommand,
  ),
  fc.constant<TaskCommand>({ type: "WITHDRAW" }),
  fc.constant<TaskCommand>({ type: "APPROVE" }),
  fc.record({ toStage: fc.constantFrom(...RETURNABLE_STAGES), text: words }).map(
    (p) => ({ type: "RETURN", reason: "other", ...p }) as TaskCommand,
  ),
  words.map((text) => ({ type: "REPORT_PROGRESS", text }) as TaskCommand),
  words.map((text) => ({ type: "SUBMIT_CONTRIBUTION", text }) as TaskCommand),
  unit.map((unitId) => ({ type: "ACCEPT_CONTRIBUTION", unitId }) as TaskCommand),
  unit.map((unitId) => ({ type: "RETURN_CONTRIBUTION", unitId, reason: "other", text: "补充" }) as TaskCommand),
  unit.map((unitId) => ({ type: "WAIVE_CONTRIBUTION", unitId, text: "免" }) as TaskCommand),
  fc.constantFrom("2025-01-01", "2026-12-31").map((d) => ({ type: "REQUEST_EXTENSION", requestedDueDate: d, reason: "r" }) as TaskCommand),
  fc.boolean().map((granted) => ({ type: "DECIDE_EXTENSION", granted }) as TaskCommand),
  fc.array(fc.constantFrom("问题一", "问题二"), { maxLength: 2 }).map((items) => ({ type: "RECORD_INSPECTION", text: "检查", items }) as TaskCommand),
  item.map((itemId) => ({ type: "RECTIFY", itemId, text: "已整改" }) as TaskCommand),
  item.map((itemId) => ({ type: "CLOSE_ITEM", itemId }) as TaskCommand),
  fc.constant<TaskCommand>({ type: "PASS_INSPECTION" }),
  fc.constantFrom(...RATINGS).map((rating) => ({ type: "RATE", rating }) as TaskCommand),
  fc.constant<TaskCommand>({ type: "CLOSE_EVALUATION" }),
  fc.constant<TaskCommand>({ type: "URGE" }),
  words.map((text) => ({ type: "INSTRUCT", text }) as TaskCommand),
  fc.constant<TaskCommand>({ type: "ACKNOWLEDGE" }),
  words.map((reason) => ({ type: "TERMINATE", reason }) as TaskCommand),
);

// Who may send which event on a task the office assigned (no task here is split), written by hand
// from DOMAIN.md (Roles; The lifecycle of a task) and the 分解 notes of the README — deliberately
// not read from EVENT_PERMISSIONS, so that a wrong entry there fails here.
const LEAD_LIAISON: readonly TaskEventType[] = [
  // sign, ask for reassignment, submit, withdraw, report progress, ask for an extension, fix items
  "SIGN", "REQUEST_REASSIGN", "SUBMIT", "WITHDRAW", "REPORT_PROGRESS", "REQUEST_EXTENSION", "RECTIFY",
  // acknowledge urges and instructions; take or send back its co-units' contributions; split its task
  "ACKNOWLEDGE", "ACCEPT_CONTRIBUTION", "RETURN_CONTRIBUTION", "SPLIT",
];
const CO_LIAISON: readonly TaskEventType[] = ["REPORT_PROGRESS", "SUBMIT_CONTRIBUTION"];
const OFFICE: readonly TaskEventType[] = [
  "APPROVE", "RETURN", "URGE", "REASSIGN", "REFUSE_REASSIGN", "DECIDE_EXTENSION", "RECORD_INSPECTION", "CLOSE_ITEM",
  "PASS_INSPECTION", "CLOSE_EVALUATION", "TERMINATE", "ACCEPT_CONTRIBUTION", "RETURN_CONTRIBUTION", "WAIVE_CONTRIBUTION",
  "SPLIT", "WAIVE_PART",
];
function mayMove(actor: Actor, task: TaskSnapshot): readonly TaskEventType[] {
  switch (actor.role) {
    case "liaison":
      if (actor.unitId === task.context.leadUnitId) return LEAD_LIAISON;
      return actor.unitId !== null && task.context.coUnitIds.includes(actor.unitId) ? CO_LIAISON : [];
    case "office":
      return OFFICE;
    case "leader":
      return ["RECORD_INSPECTION", "INSTRUCT"]; // takes part in inspection, adds instructions (批示)
    case "evaluator":
      return ["RATE"];
    default:
      return []; // auditor, sysadmin, secadmin: no business actions
  }
}
const PERMISSION_REFUSALS = ["FORBIDDEN_FOR_ROLE", "NOT_YOUR_UNIT", "NOT_SUPERVISOR"];

const stageOrder = (s: TaskSnapshot): number => {
  const stage = describeTask(s).stage;
  return stage === "terminated" ? 99 : stageIndex(stage as Stage);
};

/** A complete command for an offered action, using the first choice it offers. */
function sampleCommand(action: AvailableAction): TaskCommand {
  const text = "内容";
  switch (action.type) {
    case "RETURN":
      return { type: "RETURN", toStage: action.returnTargets?.[0] ?? "deploy", reason: "other", text };
    case "RECTIFY":
      return { type: "RECTIFY", itemId: action.itemIds?.[0] ?? "", text };
    case "CLOSE_ITEM":
      return { type: "CLOSE_ITEM", itemId: action.itemIds?.[0] ?? "" };
    case "ACCEPT_CONTRIBUTION":
      return { type: "ACCEPT_CONTRIBUTION", unitId: action.unitIds?.[0] ?? "" };
    case "RETURN_CONTRIBUTION":
      return { type: "RETURN_CONTRIBUTION", unitId: action.unitIds?.[0] ?? "", reason: "other", text };
    case "WAIVE_CONTRIBUTION":
      return { type: "WAIVE_CONTRIBUTION", unitId: action.unitIds?.[0] ?? "", text };
    case "SUBMIT":
      return { type: "SUBMIT", text, resolutionClass: "A" };
    case "REASSIGN":
      return { type: "REASSIGN", leadUnitId: "unit-brand-new" };
    case "REQUEST_EXTENSION":
      return { type: "REQUEST_EXTENSION", requestedDueDate: "2030-12-31", reason: text };
    case "DECIDE_EXTENSION":
      return { type: "DECIDE_EXTENSION", granted: true };
    case "RECORD_INSPECTION":
      return { type: "RECORD_INSPECTION", text, items: [] };
    case "RATE":
      return { type: "RATE", rating: "basically_satisfied" };
    case "SPLIT":
      return { type: "SPLIT", parts: [{ text, leadUnitId: "unit-street" }] };
    case "REQUEST_REASSIGN":
    case "WAIVE_PART":
    case "TERMINATE":
      return { type: action.type, reason: text };
    case "REFUSE_REASSIGN":
      return { type: "REFUSE_REASSIGN", comment: text };
    case "REPORT_PROGRESS":
    case "SUBMIT_CONTRIBUTION":
    case "INSTRUCT":
      return { type: action.type, text };
    default:
      return { type: action.type } as TaskCommand;
  }
}

/** The reassign window as the server passes it: open, closing today, or closed. */
const facts = fc.option(
  fc.record({
    today: fc.constantFrom("2026-12-01", "2026-12-04", "2026-12-07"),
    reassignWindow: fc.record({ lastDay: fc.constantFrom("2026-12-04"), workdays: fc.constant(3) }),
  }),
  { nil: undefined },
);

describe("invariants under random event sequences", () => {
  it("hold for every reachable snapshot", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(who, command), { maxLength: 120 }), (moves) => {
        let s = newTask();
        for (const [actorName, cmd] of moves) {
          const actor = cast[actorName];
          const before = s;
          const allowed = mayMove(actor, before).includes(cmd.type);
          const decision = decide(before, { ...cmd, actor, at: AT } as never);
          if (!decision.ok) {
            // Whom the hand-written table allows is never refused for role or unit (a refusal
            // then comes from the command, the state or a condition).
            if (allowed) expect(PERMISSION_REFUSALS, `${actorName} ${cmd.type}`).not.toContain(decision.refusal.code);
            continue;
          }
          const after = decision.snapshot;
          // No move by an actor the hand-written table does not allow.
          expect(allowed, `${actorName} (${actor.role}) moved the task with ${cmd.type}`).toBe(true);
          expect(ADMINISTRATIVE_ROLES).not.toContain(actor.role);
          // Done and terminated are final.
          expect(before.status).not.toBe("done");
          // The round only grows.
          expect(after.context.round).toBeGreaterThanOrEqual(before.context.round);
          // No forward RETURN; and the only backward moves are RETURN or a failed evaluation.
          if (cmd.type === "RETURN") expect(stageOrder(after)).toBeLessThanOrEqual(stageOrder(before));
          if (stageOrder(after) < stageOrder(before)) {
            expect(["RETURN", "CLOSE_EVALUATION"]).toContain(cmd.type);
          }
          // A move the machine took was one `availableActions` offered to that actor.
          expect(availableActions(before, actor).filter((a) => !a.blocked).map((a) => a.type)).toContain(cmd.type);
          s = after;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("offers only actions that the machine then accepts", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(who, command), { maxLength: 60 }), who, facts, (moves, probe, taskFacts) => {
        let s = newTask();
        for (const [actorName, cmd] of moves) {
          const d = decide(s, { ...cmd, actor: cast[actorName], at: AT } as never);
          if (d.ok) s = d.snapshot;
        }
        for (const action of availableActions(s, cast[probe], taskFacts)) {
          const decision = decide(s, { ...sampleCommand(action), actor: cast[probe], at: AT } as never, taskFacts);
          if (action.blocked === undefined) {
            expect(decision.ok, `${probe} was offered ${action.type} but it was refused`).toBe(true);
          } else {
            // A disabled action is refused with the very reason the page shows.
            expect(decision).toMatchObject({ ok: false, refusal: { code: "GUARD_FAILED", guard: action.blocked.guard, message: action.blocked.reason } });
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
