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
}

export interface TaskInput {
  leadUnitId: string;
  coUnitIds?: string[];
  dueDate?: string | null;
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
  };
}
