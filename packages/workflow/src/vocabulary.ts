// The lifecycle's vocabulary: stages, roles, return reasons, ratings and resolution classes.
// Every list the rest of the system shows or counts by is defined here, once.

/** The lifecycle stages in order. The first four run the submit/approve loop. */
export const STAGES = ["deploy", "handle", "inspect", "summarize", "evaluate", "done"] as const;
export type Stage = (typeof STAGES)[number];
export type StageOrTerminated = Stage | "terminated";

/** Every value of a task's stage column: the stages in order, then terminated. */
export const TASK_STAGES = [...STAGES, "terminated"] as const satisfies readonly StageOrTerminated[];

/** Closed: nothing more happens to the task. Every other stage is "open". */
export const CLOSED_STAGES = ["done", "terminated"] as const satisfies readonly StageOrTerminated[];

/** The open stages: work is under way, a due date applies. */
export const WORK_STAGES = ["deploy", "handle", "inspect", "summarize", "evaluate"] as const satisfies readonly Stage[];
export type WorkStage = (typeof WORK_STAGES)[number];

/** Open = not done and not terminated (the one definition). */
export function isOpenStage(stage: string): stage is WorkStage {
  return (WORK_STAGES as readonly string[]).includes(stage);
}

/** Stages a RETURN may send a task back to (never forward: see `canReturnTo`). */
export const RETURNABLE_STAGES = ["deploy", "handle", "inspect", "summarize"] as const;
export type ReturnableStage = (typeof RETURNABLE_STAGES)[number];

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** A return may go to the same stage or an earlier one, never a later one. */
export function canReturnTo(from: Stage, to: ReturnableStage): boolean {
  return stageIndex(to) <= stageIndex(from);
}

export const ROLES = [
  "liaison",
  "office",
  "leader",
  "evaluator",
  "auditor",
  "sysadmin",
  "secadmin",
] as const;
export type Role = (typeof ROLES)[number];

/** The 三员 of 等保: these roles administer or audit the system and never move a task. */
export const ADMINISTRATIVE_ROLES: readonly Role[] = ["auditor", "sysadmin", "secadmin"];

/** 退回原因: returns are counted by these categories. */
export const RETURN_REASONS = [
  "incomplete_materials",
  "vague_measures",
  "behind_schedule",
  "inconsistent_with_facts",
  "other",
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** 满意度测评 ratings. */
export const RATINGS = ["satisfied", "basically_satisfied", "unsatisfied"] as const;
export type Rating = (typeof RATINGS)[number];

/** 办理结果分类, graded in the summary and kept apart from satisfaction. */
export const RESOLUTION_CLASSES = ["A", "B", "C"] as const;
export type ResolutionClass = (typeof RESOLUTION_CLASSES)[number];

export const CONTRIBUTION_STATUSES = ["pending", "submitted", "accepted", "returned", "waived"] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];

export const RECTIFICATION_STATUSES = ["open", "rectified", "closed"] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** Who acts. Every event carries one; the server fills it from the session, never from the page. */
export interface Actor {
  userId: string;
  role: Role;
  /** The unit the user acts for; null for roles that belong to no handling unit. */
  unitId: string | null;
}

/** How the actor's unit relates to the task. */
export type UnitRelation = "lead" | "co" | "none";
