// Who may send which event: the one permission table. The machine's `permitted` guard, the
// refusal reasons and the generated README table all read it.
import type { TaskEventType } from "./events";
import type { Actor, Role, UnitRelation } from "./vocabulary";

/**
 * For a role: `any` — acts on every task (the office, leaders, evaluators);
 * `lead` / `co` / `lead_or_co` — only when the actor's unit holds the task that way (liaisons);
 * `supervises` — only on the tasks this actor reviews: the office on tasks it assigned or split
 * itself (`supervisorUnitId` null), a liaison on the sub-tasks its unit split (分解).
 */
export type UnitRequirement = "any" | "lead" | "co" | "lead_or_co" | "supervises";
export type EventPermission = Partial<Record<Role, UnitRequirement>>;

export const EVENT_PERMISSIONS: Record<TaskEventType, EventPermission> = {
  SIGN: { liaison: "lead" },
  REQUEST_REASSIGN: { liaison: "lead" },
  REFUSE_REASSIGN: { office: "supervises", liaison: "supervises" },
  REASSIGN: { office: "supervises", liaison: "supervises" },
  SUBMIT: { liaison: "lead" },
  WITHDRAW: { liaison: "lead" },
  APPROVE: { office: "supervises", liaison: "supervises" },
  RETURN: { office: "supervises", liaison: "supervises" },
  REPORT_PROGRESS: { liaison: "lead_or_co" },
  SUBMIT_CONTRIBUTION: { liaison: "co" },
  ACCEPT_CONTRIBUTION: { office: "supervises", liaison: "lead" },
  RETURN_CONTRIBUTION: { office: "supervises", liaison: "lead" },
  WAIVE_CONTRIBUTION: { office: "supervises", liaison: "supervises" },
  REQUEST_EXTENSION: { liaison: "lead" },
  DECIDE_EXTENSION: { office: "supervises", liaison: "supervises" },
  RECORD_INSPECTION: { office: "supervises", leader: "any", liaison: "supervises" },
  RECTIFY: { liaison: "lead" },
  CLOSE_ITEM: { office: "supervises", liaison: "supervises" },
  PASS_INSPECTION: { office: "supervises", liaison: "supervises" },
  RATE: { evaluator: "any" },
  CLOSE_EVALUATION: { office: "supervises", liaison: "supervises" },
  // 催办 and 终止 reach every level from the office; the splitter too, for its own parts.
  URGE: { office: "any", liaison: "supervises" },
  INSTRUCT: { leader: "any" },
  ACKNOWLEDGE: { liaison: "lead" },
  TERMINATE: { office: "any", liaison: "supervises" },
  // 分解: the office, or the lead unit for its own units; the parts are then supervised by the splitter.
  SPLIT: { office: "any", liaison: "lead" },
  WAIVE_PART: { office: "supervises", liaison: "supervises" },
};

export interface TaskUnits {
  leadUnitId: string;
  coUnitIds: readonly string[];
  /** Who reviews the task: a unit (a split part) or null / absent (the office). */
  supervisorUnitId?: string | null;
}

export function unitRelation(actor: Actor, task: TaskUnits): UnitRelation {
  if (actor.unitId === null) return "none";
  if (actor.unitId === task.leadUnitId) return "lead";
  return task.coUnitIds.includes(actor.unitId) ? "co" : "none";
}

/** Whether this actor reviews the task: the office for its own tasks, a liaison for the parts its unit split. */
export function supervises(actor: Actor, task: TaskUnits): boolean {
  const supervisor = task.supervisorUnitId ?? null;
  if (actor.role === "office") return supervisor === null;
  return actor.role === "liaison" && supervisor !== null && actor.unitId === supervisor;
}

function satisfies(requirement: UnitRequirement, actor: Actor, task: TaskUnits): boolean {
  const relation = unitRelation(actor, task);
  switch (requirement) {
    case "any":
      return true;
    case "lead":
      return relation === "lead";
    case "co":
      return relation === "co";
    case "lead_or_co":
      return relation !== "none";
    case "supervises":
      return supervises(actor, task);
  }
}

export type PermissionCheck = { ok: true } | { ok: false; code: "FORBIDDEN_FOR_ROLE" | "NOT_YOUR_UNIT" | "NOT_SUPERVISOR" };

export function checkPermission(type: TaskEventType, actor: Actor, task: TaskUnits): PermissionCheck {
  const requirement = EVENT_PERMISSIONS[type][actor.role];
  if (requirement === undefined) return { ok: false, code: "FORBIDDEN_FOR_ROLE" };
  if (satisfies(requirement, actor, task)) return { ok: true };
  return { ok: false, code: requirement === "supervises" ? "NOT_SUPERVISOR" : "NOT_YOUR_UNIT" };
}
