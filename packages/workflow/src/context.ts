// What a task remembers between moves, inside its persisted snapshot.
import type {
  ContributionStatus,
  Rating,
  RectificationStatus,
  ResolutionClass,
  ReturnReason,
  ReturnableStage,
  Stage,
} from "./vocabulary";

export interface Contribution {
  status: ContributionStatus;
  /** Set while returned: why the co-unit must redo its part. */
  returnReason?: ReturnReason;
}

export interface RectificationItem {
  id: string;
  round: number;
  description: string;
  status: RectificationStatus;
}

export interface TaskContext {
  leadUnitId: string;
  coUnitIds: string[];
  /** Handling round: 1 at first, +1 each time an evaluation sends the task back. Only grows. */
  round: number;
  /** The current due date (YYYY-MM-DD); granted extensions move it. */
  dueDate: string | null;
  contributions: Record<string, Contribution>;
  rectification: { inspected: boolean; items: RectificationItem[]; nextItemNumber: number };
  resolutionClass: ResolutionClass | null;
  /** Ratings of the current round, one per evaluator (user id), changeable until closed. */
  ratings: Record<string, Rating>;
  extensionRequest: { requestedDueDate: string; reason: string; unitId: string } | null;
  reassignRequest: { reason: string; unitId: string } | null;
  lastReturn: { reason: ReturnReason; text: string; fromStage: Stage; toStage: ReturnableStage; at: string } | null;
  /** Urges and instructions the lead unit has not yet acknowledged. */
  openNotices: number;
  /** When the last progress report came in (feeds the monthly-report check). */
  lastProgressAt: string | null;
  terminationReason: string | null;
  /**
   * 分解: the unit whose liaison reviews this task the way the office reviews a top-level task
   * (signs off, approves, returns); null — the office does. Set when the task is split from a parent.
   */
  supervisorUnitId: string | null;
  /** A sub-task: the task it was split from; null for a task assigned directly. */
  parentTaskId: string | null;
  /** A sub-task's deadline never passes its parent's: the parent's due date when it was split. */
  parentDueDate: string | null;
  /** How many sub-tasks were split from this task; its 办理 completion waits for them (see `partsSettled`). */
  partCount: number;
  /** The splitter released the parent from waiting for this sub-task (with a reason). */
  waived: { reason: string; at: string } | null;
}

export interface TaskInput {
  leadUnitId: string;
  coUnitIds?: string[];
  dueDate?: string | null;
  /** A sub-task: the task it is split from. */
  parentTaskId?: string | null;
  /** A sub-task: the unit that split it and supervises it (null: the office). */
  supervisorUnitId?: string | null;
  /** A sub-task: its parent's due date, which its own may never pass. */
  parentDueDate?: string | null;
}

export function initialContext(input: TaskInput): TaskContext {
  const coUnitIds = [...new Set(input.coUnitIds ?? [])].filter((u) => u !== input.leadUnitId);
  return {
    leadUnitId: input.leadUnitId,
    coUnitIds,
    round: 1,
    dueDate: input.dueDate ?? null,
    contributions: Object.fromEntries(coUnitIds.map((u) => [u, { status: "pending" as const }])),
    rectification: { inspected: false, items: [], nextItemNumber: 1 },
    resolutionClass: null,
    ratings: {},
    extensionRequest: null,
    reassignRequest: null,
    lastReturn: null,
    openNotices: 0,
    lastProgressAt: null,
    terminationReason: null,
    supervisorUnitId: input.supervisorUnitId ?? null,
    parentTaskId: input.parentTaskId ?? null,
    parentDueDate: input.parentDueDate ?? null,
    partCount: 0,
    waived: null,
  };
}
