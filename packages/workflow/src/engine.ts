// The lifecycle as plain functions over a persisted snapshot: start a task, decide an event
// (next snapshot or a typed refusal), and list the moves an actor may make now.
import { createActor, getNextTransitions, initialTransition } from "xstate";
import type { TaskInput } from "./context";
import { describeTask, type TaskDescription } from "./describe";
import { TASK_EVENT_TYPES, ZTaskCommand, type TaskCommand, type TaskEvent, type TaskEventType } from "./events";
import { EVENT_LABELS } from "./labels";
import { taskMachine } from "./machine";
import { checkPermission } from "./permissions";
import { persistTask, type PersistedTask, type TaskSnapshot } from "./persistence";
import { EXPLAINED_BLOCKS, GUARD_FAILURES, REFUSAL_MESSAGES, type GuardFailure, type Refusal, type Unblocker } from "./refusals";
import {
  allItemsClosed,
  contributionsSettled,
  hasOpenItems,
  partsSettled,
  reassignWindowOpen,
  unsettledContributions,
  withinParentDueDate,
  type TaskFacts,
} from "./rules";
import { canReturnTo, RETURNABLE_STAGES, type Actor, type ReturnableStage } from "./vocabulary";

export function startTask(input: TaskInput): TaskSnapshot {
  const [snapshot] = initialTransition(taskMachine, input);
  return snapshot;
}

export type Decision =
  | {
      ok: true;
      snapshot: TaskSnapshot;
      persisted: PersistedTask;
      before: TaskDescription;
      after: TaskDescription;
    }
  | { ok: false; refusal: Refusal };

/** Fields whose absence means "a reason is missing" rather than "the input is malformed". */
const REASON_FIELDS = new Set(["reason", "text", "comment"]);
const EVENTS_NEEDING_REASON = new Set<TaskEventType>([
  "RETURN",
  "RETURN_CONTRIBUTION",
  "REQUEST_REASSIGN",
  "REFUSE_REASSIGN",
  "REQUEST_EXTENSION",
  "TERMINATE",
  "WAIVE_CONTRIBUTION",
  "WAIVE_PART",
]);

function refuse(code: Refusal["code"], extra: Partial<Refusal> = {}): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message: REFUSAL_MESSAGES[code], ...extra } };
}

/** Checks the command's shape; returns the parsed command or a refusal naming the bad fields. */
export function parseCommand(input: unknown): { ok: true; command: TaskCommand } | { ok: false; refusal: Refusal } {
  const parsed = ZTaskCommand.safeParse(input);
  if (parsed.success) return { ok: true, command: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "type";
    fields[key] ??= issue.message;
  }
  const type = (input as { type?: unknown } | null)?.type as TaskEventType | undefined;
  const missingReason =
    type !== undefined &&
    EVENTS_NEEDING_REASON.has(type) &&
    parsed.error.issues.some((i) => REASON_FIELDS.has(String(i.path[0])));
  const first = parsed.error.issues[0]?.message;
  return missingReason
    ? refuse("MISSING_REASON", { fields, message: first ?? REFUSAL_MESSAGES.MISSING_REASON })
    : refuse("INVALID_EVENT", { fields, message: first ? `${REFUSAL_MESSAGES.INVALID_EVENT}：${first}` : REFUSAL_MESSAGES.INVALID_EVENT });
}

/** Whether any active state handles this event type at all, guards aside. */
export function stateAccepts(snapshot: TaskSnapshot, type: TaskEventType): boolean {
  return getNextTransitions(snapshot).some((t) => t.eventType === type);
}

/**
 * XState's pure `transition()` builds a throwaway actor on every call, and that actor first computes
 * the machine's initial state without input — the context factory throws and XState catches it,
 * which cost a third of decide(). The machine has no child actors, delays or sent events, so one
 * inert scope, made once with a valid input, serves every step (the same fields XState's own has).
 */
type ActorScope = Parameters<typeof taskMachine.transition>[2];
let inertScopeMade: ActorScope | undefined;
/** Made on first use, not at import: a module-level actor would keep XState in every bundle that imports this package. */
function inertScope(): ActorScope {
  if (inertScopeMade !== undefined) return inertScopeMade;
  const scopeActor = createActor(taskMachine, { input: { leadUnitId: "-" } });
  inertScopeMade = {
    self: scopeActor,
    defer: () => {},
    id: "",
    logger: () => {},
    sessionId: "",
    stopChild: () => {},
    system: scopeActor.system,
    emit: () => {},
    actionExecutor: () => {},
  };
  return inertScopeMade;
}

/**
 * Decides one event against a task: the next snapshot, or why not. Pure; the order of checks
 * gives the most useful reason first (shape, closed, role, unit, state, then conditions).
 */
export function decide(snapshot: TaskSnapshot, event: TaskEvent, facts?: TaskFacts): Decision {
  const { actor, at, ...command } = event;
  const parsed = parseCommand(command);
  if (!parsed.ok) return parsed;
  const checked = { ...parsed.command, actor, at } as TaskEvent;

  if (snapshot.status === "done") return refuse("TASK_CLOSED");
  const permission = checkPermission(checked.type, actor, snapshot.context);
  if (!permission.ok) return refuse(permission.code);
  if (!stateAccepts(snapshot, checked.type)) return refuse("NOT_ALLOWED_IN_STATE");
  if (checked.type === "RETURN") {
    const from = describeTask(snapshot).stage;
    if (from === "terminated" || !canReturnTo(from, checked.toStage)) return refuse("INVALID_RETURN_TARGET");
  }
  if (checked.type === "REQUEST_REASSIGN" && !reassignWindowOpen(facts)) {
    return refuse("GUARD_FAILED", explainBlock(snapshot, "REASSIGN_WINDOW_CLOSED", facts));
  }
  if (blockedByParts(snapshot, checked.type, facts)) {
    return refuse("GUARD_FAILED", explainBlock(snapshot, "PARTS_PENDING", facts));
  }
  if (!snapshot.can(checked)) {
    const guard = explainGuardFailure(snapshot, checked);
    if (checked.type === "RETURN" && guard === "UNKNOWN") return refuse("INVALID_RETURN_TARGET");
    return refuse("GUARD_FAILED", explainBlock(snapshot, guard, facts));
  }
  const next = taskMachine.transition(snapshot, checked, inertScope());
  return {
    ok: true,
    snapshot: next,
    persisted: persistTask(next),
    before: describeTask(snapshot),
    after: describeTask(next),
  };
}

/** The 办理 completion (SUBMIT in handle) of a split task waits for its parts (`partsSettled`). */
function blockedByParts(snapshot: TaskSnapshot, type: TaskEventType, facts: TaskFacts | undefined): boolean {
  return type === "SUBMIT" && snapshot.hasTag("handle") && !partsSettled(snapshot.context, facts);
}

/** Names the unmet condition, using the same rules the guards use. */
function explainGuardFailure(snapshot: TaskSnapshot, event: TaskEvent): GuardFailure {
  const context = snapshot.context;
  switch (event.type) {
    case "SUBMIT":
      if (snapshot.hasTag("handle") && !contributionsSettled(context)) return "CONTRIBUTIONS_PENDING";
      if (snapshot.hasTag("inspect") && !context.rectification.inspected) return "NOT_INSPECTED";
      if (snapshot.hasTag("inspect") && hasOpenItems(context)) return "ITEMS_OPEN";
      if (snapshot.hasTag("summarize") && event.resolutionClass === undefined) return "RESOLUTION_CLASS_REQUIRED";
      return "UNKNOWN";
    case "PASS_INSPECTION":
      return allItemsClosed(context) ? "UNKNOWN" : "ITEMS_NOT_CLOSED";
    case "RECTIFY":
    case "CLOSE_ITEM":
      return "ITEM_NOT_AVAILABLE";
    case "SUBMIT_CONTRIBUTION":
    case "ACCEPT_CONTRIBUTION":
    case "RETURN_CONTRIBUTION":
    case "WAIVE_CONTRIBUTION":
      return "CONTRIBUTION_NOT_AVAILABLE";
    case "REQUEST_EXTENSION":
      return withinParentDueDate(context, event.requestedDueDate) ? "DEADLINE_NOT_LATER" : "LATER_THAN_PARENT";
    case "SPLIT":
      return "LATER_THAN_PARENT";
    case "WAIVE_PART":
      return context.waived !== null ? "ALREADY_WAIVED" : "UNKNOWN";
    case "REASSIGN":
      return "SAME_LEAD_UNIT";
    case "CLOSE_EVALUATION":
      return "NO_RATINGS";
    case "ACKNOWLEDGE":
      return "NO_OPEN_NOTICES";
    default:
      return "UNKNOWN";
  }
}

function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** The refusal's wording for an unmet condition, counted from the task, and what unblocks it. */
function explainBlock(snapshot: TaskSnapshot, guard: GuardFailure, facts: TaskFacts | undefined): { guard: GuardFailure; message: string; unblockedBy?: Unblocker } {
  const context = snapshot.context;
  switch (guard) {
    case "CONTRIBUTIONS_PENDING": {
      const unitIds = unsettledContributions(context);
      const awaiting = unitIds.filter((u) => context.contributions[u]?.status === "submitted").length;
      const missing = unitIds.length - awaiting;
      const parts = [
        ...(missing > 0 ? [`${missing} 个协办单位未提交意见`] : []),
        ...(awaiting > 0 ? [`${awaiting} 个协办单位的意见待采纳`] : []),
      ];
      return { guard, message: `尚有 ${parts.join("、")}`, unblockedBy: { unitIds } };
    }
    case "ITEMS_OPEN": {
      const itemIds = context.rectification.items.filter((i) => i.status === "open").map((i) => i.id);
      return { guard, message: `尚有 ${itemIds.length} 项整改事项未整改`, unblockedBy: { itemIds } };
    }
    case "ITEMS_NOT_CLOSED": {
      const itemIds = context.rectification.items.filter((i) => i.status !== "closed").map((i) => i.id);
      return { guard, message: `尚有 ${itemIds.length} 项整改事项未销号，检查不能通过`, unblockedBy: { itemIds } };
    }
    case "PARTS_PENDING": {
      const taskIds = [...(facts?.unsettledPartIds ?? [])];
      if (facts?.unsettledPartIds === undefined) return { guard, message: GUARD_FAILURES[guard] };
      return { guard, message: `尚有 ${taskIds.length} 项子任务未完成，不能提交；如确需提交，请分解单位免除相应子任务`, unblockedBy: { taskIds } };
    }
    case "REASSIGN_WINDOW_CLOSED": {
      const window = facts?.reassignWindow;
      if (window === undefined) return { guard, message: GUARD_FAILURES[guard] };
      return {
        guard,
        message: `申请改派须在任务交办后 ${window.workdays} 个工作日内（${chineseDate(window.lastDay)}前）提出，已超过期限；如确需调整，请联系领导小组办公室`,
      };
    }
    default:
      return { guard, message: GUARD_FAILURES[guard] };
  }
}

/** A move the actor may make now, with the choices its form offers — or, with `blocked`, one they cannot make yet. */
export interface AvailableAction {
  type: TaskEventType;
  label: string;
  /** Set when the move is expected but not possible yet: why (the refusal's wording) and what unblocks it. Such an action is shown disabled. */
  blocked?: { guard: GuardFailure; reason: string; unblockedBy?: Unblocker };
  /** RETURN: the stages it may go back to. */
  returnTargets?: ReturnableStage[];
  /** Contribution decisions: the co-units whose part it applies to. */
  unitIds?: string[];
  /** RECTIFY / CLOSE_ITEM: the rectification items it applies to. */
  itemIds?: string[];
}

const PROBE_TEXT = "—";
const PROBE_DATE = "9999-12-31";

/** Sample commands, one per choice, used to ask the machine whether an action is possible now. */
function probeCommands(type: TaskEventType, snapshot: TaskSnapshot): { command: TaskCommand; choice?: string }[] {
  const context = snapshot.context;
  switch (type) {
    case "RETURN":
      return RETURNABLE_STAGES.map((toStage) => ({
        command: { type, toStage, reason: "other", text: PROBE_TEXT },
        choice: toStage,
      }));
    case "ACCEPT_CONTRIBUTION":
      return context.coUnitIds.map((unitId) => ({ command: { type, unitId }, choice: unitId }));
    case "RETURN_CONTRIBUTION":
      return context.coUnitIds.map((unitId) => ({
        command: { type, unitId, reason: "other", text: PROBE_TEXT },
        choice: unitId,
      }));
    case "WAIVE_CONTRIBUTION":
      return context.coUnitIds.map((unitId) => ({ command: { type, unitId, text: PROBE_TEXT }, choice: unitId }));
    case "RECTIFY":
      return context.rectification.items.map((i) => ({ command: { type, itemId: i.id, text: PROBE_TEXT }, choice: i.id }));
    case "CLOSE_ITEM":
      return context.rectification.items.map((i) => ({ command: { type, itemId: i.id }, choice: i.id }));
    case "SUBMIT":
      return [{ command: { type, text: PROBE_TEXT, resolutionClass: "A" } }];
    case "REQUEST_REASSIGN":
      return [{ command: { type, reason: PROBE_TEXT } }];
    case "REFUSE_REASSIGN":
      return [{ command: { type, comment: PROBE_TEXT } }];
    case "REASSIGN":
      return [{ command: { type, leadUnitId: `${context.leadUnitId}\u0000other` } }];
    case "REPORT_PROGRESS":
    case "SUBMIT_CONTRIBUTION":
    case "INSTRUCT":
      return [{ command: { type, text: PROBE_TEXT } }];
    case "REQUEST_EXTENSION":
      return [{ command: { type, requestedDueDate: PROBE_DATE, reason: PROBE_TEXT } }];
    case "DECIDE_EXTENSION":
      return [{ command: { type, granted: true } }];
    case "RECORD_INSPECTION":
      return [{ command: { type, text: PROBE_TEXT, items: [] } }];
    case "RATE":
      return [{ command: { type, rating: "satisfied" } }];
    case "TERMINATE":
    case "WAIVE_PART":
      return [{ command: { type, reason: PROBE_TEXT } }];
    case "SPLIT":
      return [{ command: { type, parts: [{ text: PROBE_TEXT, leadUnitId: PROBE_TEXT }] } }];
    case "SIGN":
    case "WITHDRAW":
    case "APPROVE":
    case "PASS_INSPECTION":
    case "CLOSE_EVALUATION":
    case "URGE":
    case "ACKNOWLEDGE":
      return [{ command: { type } }];
  }
}

/**
 * The moves this actor may make now — what the web app renders as buttons and what the server
 * would accept (both ask the same machine with the same facts) — plus, marked `blocked`, the moves
 * the actor would expect that wait on someone else (see EXPLAINED_BLOCKS).
 */
export function availableActions(snapshot: TaskSnapshot, actor: Actor, facts?: TaskFacts): AvailableAction[] {
  if (snapshot.status === "done") return [];
  const at = new Date(0).toISOString();
  const actions: AvailableAction[] = [];
  for (const type of TASK_EVENT_TYPES) {
    if (!checkPermission(type, actor, snapshot.context).ok || !stateAccepts(snapshot, type)) continue;
    const label = EVENT_LABELS[type];
    if (type === "REQUEST_REASSIGN" && !reassignWindowOpen(facts)) {
      actions.push({ type, label, blocked: blockedBy(snapshot, "REASSIGN_WINDOW_CLOSED", facts) });
      continue;
    }
    if (blockedByParts(snapshot, type, facts)) {
      actions.push({ type, label, blocked: blockedBy(snapshot, "PARTS_PENDING", facts) });
      continue;
    }
    const probes = probeCommands(type, snapshot);
    const choices = probes.filter(({ command }) => snapshot.can({ ...command, actor, at } as TaskEvent)).map((p) => p.choice);
    if (choices.length === 0) {
      const probe = probes[0];
      const guard = probe === undefined ? "UNKNOWN" : explainGuardFailure(snapshot, { ...probe.command, actor, at } as TaskEvent);
      if (EXPLAINED_BLOCKS.includes(guard)) actions.push({ type, label, blocked: blockedBy(snapshot, guard, facts) });
      continue;
    }
    const action: AvailableAction = { type, label };
    const picked = choices.filter((c): c is string => c !== undefined);
    if (type === "RETURN") action.returnTargets = picked as ReturnableStage[];
    else if (type === "RECTIFY" || type === "CLOSE_ITEM") action.itemIds = picked;
    else if (type.endsWith("_CONTRIBUTION") && type !== "SUBMIT_CONTRIBUTION") action.unitIds = picked;
    actions.push(action);
  }
  return actions;
}

function blockedBy(snapshot: TaskSnapshot, guard: GuardFailure, facts: TaskFacts | undefined): NonNullable<AvailableAction["blocked"]> {
  const { message, unblockedBy } = explainBlock(snapshot, guard, facts);
  return { guard, reason: message, ...(unblockedBy !== undefined ? { unblockedBy } : {}) };
}
