// Who may send which event: the one permission table. The machine's `permitted` guard, the
// refusal reasons and the generated README table all read it.
import type { TaskEventType } from "./events";
import type { Actor, Role, UnitRelation } from "./vocabulary";

/**
 * For a role: `any` — acts on every task (the office, leaders, evaluators);
 * `lead` / `co` / `lead_or_co` — only when the actor's unit holds the task that way (liaisons).
 */
export type UnitRequirement = "any" | "lead" | "co" | "lead_or_co";
export type EventPermission = Partial<Record<Role, UnitRequirement>>;

export const EVENT_PERMISSIONS: Record<TaskEventType, EventPermission> = {
  SIGN: { liaison: "lead" },
  REQUEST_REASSIGN: { liaison: "lead" },
  REFUSE_REASSIGN: { office: "any" },
  REASSIGN: { office: "any" },
  SUBMIT: { liaison: "lead" },
  WITHDRAW: { liaison: "lead" },
  APPROVE: { office: "any" },
  RETURN: { office: "any" },
  REPORT_PROGRESS: { liaison: "lead_or_co" },
  SUBMIT_CONTRIBUTION: { liaison: "co" },
  ACCEPT_CONTRIBUTION: { office: "any", liaison: "lead" },
  RETURN_CONTRIBUTION: { office: "any", liaison: "lead" },
  WAIVE_CONTRIBUTION: { office: "any" },
  REQUEST_EXTENSION: { liaison: "lead" },
  DECIDE_EXTENSION: { office: "any" },
  RECORD_INSPECTION: { office: "any", leader: "any" },
  RECTIFY: { liaison: "lead" },
  CLOSE_ITEM: { office: "any" },
  PASS_INSPECTION: { office: "any" },
  RATE: { evaluator: "any" },
  CLOSE_EVALUATION: { office: "any" },
  URGE: { office: "any" },
  INSTRUCT: { leader: "any" },
  ACKNOWLEDGE: { liaison: "lead" },
  TERMINATE: { office: "any" },
};

export interface TaskUnits {
  leadUnitId: string;
  coUnitIds: readonly string[];
}

export function unitRelation(actor: Actor, task: TaskUnits): UnitRelation {
  if (actor.unitId === null) return "none";
  if (actor.unitId === task.leadUnitId) return "lead";
  return task.coUnitIds.includes(actor.unitId) ? "co" : "none";
}

function satisfies(requirement: UnitRequirement, relation: UnitRelation): boolean {
  switch (requirement) {
    case "any":
      return true;
    case "lead":
      return relation === "lead";
    case "co":
      return relation === "co";
    case "lead_or_co":
      return relation !== "none";
  }
}

export type PermissionCheck = { ok: true } | { ok: false; code: "FORBIDDEN_FOR_ROLE" | "NOT_YOUR_UNIT" };

export function checkPermission(type: TaskEventType, actor: Actor, task: TaskUnits): PermissionCheck {
  const requirement = EVENT_PERMISSIONS[type][actor.role];
  if (requirement === undefined) return { ok: false, code: "FORBIDDEN_FOR_ROLE" };
  return satisfies(requirement, unitRelation(actor, task)) ? { ok: true } : { ok: false, code: "NOT_YOUR_UNIT" };
}
