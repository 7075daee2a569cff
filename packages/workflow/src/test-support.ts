// Shared by this package's tests only (not exported): a cast of actors and a driver.
import { decide, startTask } from "./engine";
import type { TaskCommand, TaskEvent } from "./events";
import type { TaskSnapshot } from "./persistence";
import type { Actor } from "./vocabulary";

export const LEAD_UNIT = "unit-lead";
export const CO_UNITS = ["unit-co-1", "unit-co-2"];
export const OTHER_UNIT = "unit-other";

export const cast = {
  lead: { userId: "lead-liaison", role: "liaison", unitId: LEAD_UNIT },
  co1: { userId: "co1-liaison", role: "liaison", unitId: "unit-co-1" },
  co2: { userId: "co2-liaison", role: "liaison", unitId: "unit-co-2" },
  outsider: { userId: "other-liaison", role: "liaison", unitId: OTHER_UNIT },
  office: { userId: "office-1", role: "office", unitId: "unit-office" },
  leader: { userId: "leader-1", role: "leader", unitId: "unit-office" },
  evaluator1: { userId: "evaluator-1", role: "evaluator", unitId: null },
  evaluator2: { userId: "evaluator-2", role: "evaluator", unitId: null },
  evaluator3: { userId: "evaluator-3", role: "evaluator", unitId: null },
  auditor: { userId: "auditor-1", role: "auditor", unitId: null },
  sysadmin: { userId: "sysadmin-1", role: "sysadmin", unitId: null },
  secadmin: { userId: "secadmin-1", role: "secadmin", unitId: null },
} satisfies Record<string, Actor>;
export type CastMember = keyof typeof cast;

export const AT = "2026-01-01T00:00:00.000Z";

export function newTask(): TaskSnapshot {
  return startTask({ leadUnitId: LEAD_UNIT, coUnitIds: CO_UNITS, dueDate: "2026-06-30" });
}

export function event(who: CastMember, command: TaskCommand): TaskEvent {
  return { ...command, actor: cast[who], at: AT } as TaskEvent;
}

/** Applies moves that must all succeed; throws with the refusal otherwise. */
export function play(snapshot: TaskSnapshot, moves: [CastMember, TaskCommand][]): TaskSnapshot {
  let current = snapshot;
  for (const [who, command] of moves) {
    const decision = decide(current, event(who, command));
    if (!decision.ok) {
      throw new Error(`${who} ${command.type} refused: ${decision.refusal.code} ${decision.refusal.guard ?? ""}`);
    }
    current = decision.snapshot;
  }
  return current;
}

/** Scripted moves that bring a fresh task to each stage. */
export const TO_HANDLE: [CastMember, TaskCommand][] = [
  ["lead", { type: "SIGN" }],
  ["lead", { type: "SUBMIT", text: "办理方案" }],
  ["office", { type: "APPROVE" }],
];
export const TO_INSPECT: [CastMember, TaskCommand][] = [
  ...TO_HANDLE,
  ["co1", { type: "SUBMIT_CONTRIBUTION", text: "协办意见一" }],
  ["co2", { type: "SUBMIT_CONTRIBUTION", text: "协办意见二" }],
  ["lead", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-1" }],
  ["office", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-2" }],
  ["lead", { type: "SUBMIT", text: "办结报告" }],
  ["office", { type: "APPROVE" }],
];
export const TO_SUMMARIZE: [CastMember, TaskCommand][] = [
  ...TO_INSPECT,
  ["office", { type: "RECORD_INSPECTION", text: "现场检查", items: [] }],
  ["lead", { type: "SUBMIT", text: "整改报告" }],
  ["office", { type: "PASS_INSPECTION" }],
];
export const TO_EVALUATE: [CastMember, TaskCommand][] = [
  ...TO_SUMMARIZE,
  ["lead", { type: "SUBMIT", text: "办理工作总结", resolutionClass: "B" }],
  ["office", { type: "APPROVE" }],
];
