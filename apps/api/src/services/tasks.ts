// Tasks: listing what a user may see, the detail view, and the one way a task moves.
import {
  getTask,
  getUnitsByIds,
  inGroupCommit,
  listAttachments,
  listAudit,
  listExtensionRequests,
  listProgressReports,
  listRatings,
  listRectificationItems,
  listSubmissions,
  listTasks,
  listTaskCoUnits,
  listTaskParts,
  listTaskUnits,
  setContributionStatuses,
  updateTaskSnapshot,
  type DbOrTrx,
  type Task,
  type TaskListItem,
  type TaskStage,
  type UserRow,
} from "@duban/db";
import {
  availableActions,
  decide,
  restoreTask,
  stateAccepts,
  type Actor,
  type TaskCommand,
  type TaskFacts,
  type TaskSnapshot,
} from "@duban/workflow";
import type { Context, InnerContext, SessionUser } from "../context";
import { dayOfInstant, monthOfInstant, todayOf } from "../clock";
import { AppError, notFound } from "../errors";
import { canReadTask, readsAllTasks, readsAnyTask } from "./access";
import { recordAudit } from "./audit";
import { deadlineMarks, type DeadlineFlag, type DeadlineMark } from "./deadlines";
import { reassignWindowOf } from "./supervision/assignment";
import { checkPartUnits, checkUnitsExist, createParts, partFactsOf, rollupParts, splittableUnits, type PartsRollup } from "./parts";
import { applyTaskEffects, auditComment, checkFilesUsable, rectificationRowId } from "./task-effects";
import { factsOfMove, recordMoveHistory } from "./task-facts";

type Authed = Context & { session: SessionUser };

export function actorOf(user: UserRow): Actor {
  return { userId: user.id, role: user.role, unitId: user.unit_id };
}

export function snapshotOf(task: Pick<Task, "snapshot" | "machine_version">): TaskSnapshot {
  return restoreTask({ machineVersion: task.machine_version, snapshot: JSON.parse(task.snapshot) });
}

/**
 * What the lifecycle needs to know and cannot read itself (it reads no clock or calendar). The same
 * facts go to `availableActions` (the page) and `decide` (the move), so what is offered is accepted.
 */
export async function taskFactsOf(ctx: InnerContext, db: DbOrTrx, task: Task, snapshot: TaskSnapshot): Promise<TaskFacts> {
  const facts: TaskFacts = { today: todayOf(ctx), ...(await partFactsOf(db, task, snapshot)) };
  if (stateAccepts(snapshot, "REQUEST_REASSIGN")) facts.reassignWindow = reassignWindowOf(ctx, task);
  return facts;
}

export interface UnitRef {
  id: string;
  name: string;
}

export interface TaskSummary {
  id: string;
  planId: string;
  ordinal: number;
  path: string[];
  heading: string | null;
  text: string;
  leadUnit: UnitRef | null;
  coUnits: UnitRef[];
  deadlineText: string | null;
  dueDate: string | null;
  targets: unknown[];
  stage: TaskStage;
  status: string;
  round: number;
  version: number;
  /** the deadline rule's mark on the current stage's due date (deadlines.ts; the dashboard's, the overdue filter's) */
  mark: DeadlineMark;
  /** the one flag, most serious first: overdue, signing overdue, due soon, signing soon… (deadlines.ts) */
  flag: DeadlineFlag;
  /** the current stage's due date (完成时限, else the plan's phase) */
  effectiveDueDate: string | null;
  openNotices: number;
  extensionRequested: boolean;
  returned: boolean;
  /** 分解: the task this one is split from, its depth (1: a plan's own task) and who reviews it (null: the office) */
  parentId: string | null;
  depth: number;
  supervisorUnit: UnitRef | null;
  waived: boolean;
  /** 分解: progress of its parts; null when it has none */
  parts: PartsRollup | null;
}

async function unitNames(db: DbOrTrx, ids: Iterable<string>): Promise<Map<string, string>> {
  const units = await getUnitsByIds(db, [...new Set(ids)]);
  return new Map(units.map((u) => [u.id, u.name]));
}

function toSummary(ctx: InnerContext, task: TaskListItem, coUnits: UnitRef[], names: Map<string, string>, today: string, parts: PartsRollup | null): TaskSummary {
  const marks = deadlineMarks(
    { stage: task.stage, status: task.status, effective_due_date: task.effective_due_date, reachedUnitOn: dayOfInstant(ctx, task.reached_unit_at ?? task.created_at) },
    today,
    ctx.config,
  );
  const ref = (id: string): UnitRef => ({ id, name: names.get(id) ?? id });
  return {
    id: task.id,
    planId: task.plan_id,
    ordinal: task.ordinal,
    path: task.path,
    heading: task.heading,
    text: task.text,
    leadUnit: task.lead_unit_id ? ref(task.lead_unit_id) : null,
    coUnits,
    deadlineText: task.deadline_text,
    dueDate: task.due_date,
    targets: task.targets,
    stage: task.stage,
    status: task.status,
    round: task.round,
    version: task.version,
    mark: marks.deadline,
    flag: marks.flag,
    effectiveDueDate: marks.due,
    // columns written from the snapshot with every move (transitionTask)
    openNotices: task.open_notices,
    extensionRequested: task.extension_requested === 1,
    returned: task.status === "returned",
    parentId: task.parent_id,
    depth: task.depth,
    supervisorUnit: task.supervisor_unit_id ? ref(task.supervisor_unit_id) : null,
    waived: task.waived === 1,
    parts,
  };
}

/**
 * List rows from the task columns alone — the snapshot is neither read nor parsed: co-units (in the
 * plan's order) from task_units, the lead and supervising units' names, and the parts' roll-up, one
 * query each for the whole page, run together.
 */
export async function summarizeTasks(ctx: InnerContext, tasks: readonly TaskListItem[]): Promise<TaskSummary[]> {
  const ids = tasks.map((task) => task.id);
  const t = todayOf(ctx);
  const [coUnits, names, rollups] = await Promise.all([
    listTaskCoUnits(ctx.db, ids),
    unitNames(ctx.db, tasks.flatMap((task) => [task.lead_unit_id, task.supervisor_unit_id].filter((u): u is string => u !== null))),
    // a task without parts is absent from the roll-up (one index read on tasks.parent_id)
    rollupParts(ctx.db, ids, t, ctx.config.yellowWithinWorkdays),
  ]);
  return tasks.map((task) =>
    toSummary(ctx, task, (coUnits.get(task.id) ?? []).map((u) => ({ id: u.id, name: u.name ?? u.id })), names, t, rollups.get(task.id) ?? null),
  );
}

export interface TaskListInput {
  planId?: string;
  stage?: TaskStage[];
  status?: string;
  unitId?: string;
  leadOnly?: boolean;
  overdue?: boolean;
  urged?: boolean;
  extensionRequested?: boolean;
  ratedByMe?: boolean;
  /** 分解: the parts the signed-in liaison's unit split and reviews (我的待办: 督办的子任务) */
  supervising?: boolean;
  /** 分解: the parts of this task */
  parentId?: string;
  /** only a plan's own tasks, not the parts split from them */
  topLevel?: boolean;
  text?: string;
  cursor?: string | null;
  limit: number;
}

export async function listTasksFor(ctx: Authed, input: TaskListInput) {
  const user = ctx.session.user;
  if (!readsAnyTask(user)) throw new AppError("FORBIDDEN", "您的角色不能查看任务");
  // A liaison sees only what their unit holds, whatever filter the page asks for.
  if (!readsAllTasks(user) && input.unitId !== undefined && input.unitId !== user.unit_id) {
    return { items: [], nextCursor: null };
  }
  const unitId = readsAllTasks(user) ? input.unitId : (user.unit_id ?? undefined);
  const { leadOnly, ratedByMe, supervising, ...filters } = input;
  if (supervising === true) {
    // The parts a unit reviews are not among the tasks it holds: a filter of their own.
    if (user.unit_id === null) return { items: [], nextCursor: null };
    const page = await pageOfTasks(ctx, { ...filters, supervisorUnitId: user.unit_id, today: todayOf(ctx) });
    return { items: await summarizeTasks(ctx, page.items), nextCursor: page.nextCursor };
  }
  const page = await pageOfTasks(ctx, {
    ...filters,
    ...(unitId !== undefined ? (leadOnly ? { leadUnitId: unitId } : { unitId }) : {}),
    ...(ratedByMe !== undefined ? { ratedBy: { evaluatorId: user.id, rated: ratedByMe } } : {}),
    today: todayOf(ctx),
  });
  return { items: await summarizeTasks(ctx, page.items), nextCursor: page.nextCursor };
}

/** One page of tasks; a cursor the page made up is the caller's mistake (400), not the server's. */
export async function pageOfTasks(ctx: Authed, filters: Parameters<typeof listTasks>[1]) {
  try {
    return await listTasks(ctx.db, filters);
  } catch (cause) {
    if (cause instanceof Error && cause.message === "invalid task cursor") throw new AppError("BAD_INPUT", "分页参数无效");
    throw cause;
  }
}

async function loadReadableTask(ctx: Authed, db: DbOrTrx, taskId: string): Promise<Task> {
  const task = await getTask(db, taskId);
  if (task === undefined || !(await canReadTask(db, ctx.session.user, taskId))) throw notFound("任务");
  return task;
}

/**
 * The task page. After the access check, two rounds of reads that run together: what needs only the
 * task (its list row, the lifecycle's facts, parts, parent, submissions, reports, history…), then
 * what needs their answers (attachments, user and unit names, the parts' rows). On PostgreSQL each
 * round's reads go out on the pool's connections at once (`ctx.db` is no transaction here); on
 * SQLite they queue on its one connection, as they would one after another.
 */
export async function getTaskDetail(ctx: Authed, taskId: string) {
  const user = ctx.session.user;
  const task = await loadReadableTask(ctx, ctx.db, taskId);
  const snapshot = snapshotOf(task);
  const c = snapshot.context;
  const [[summary], facts, partTasks, parentOf, submissions, progress, items, ratings, extensions, historyPage, links, plan, splitCandidates] = await Promise.all([
    summarizeTasks(ctx, [task]),
    taskFactsOf(ctx, ctx.db, task, snapshot),
    listTaskParts(ctx.db, [task.id]),
    task.parent_id === null ? null : Promise.all([getTask(ctx.db, task.parent_id), canReadTask(ctx.db, user, task.parent_id)]),
    listSubmissions(ctx.db, taskId),
    listProgressReports(ctx.db, taskId),
    listRectificationItems(ctx.db, taskId),
    listRatings(ctx.db, taskId),
    listExtensionRequests(ctx.db, { taskId }),
    listAudit(ctx.db, { taskId, outcome: "ok", order: "asc", limit: 1000 }),
    listTaskUnits(ctx.db, taskId),
    // the breadcrumb's title: the page need not ask plan.get (which counts the plan's tasks)
    ctx.db.selectFrom("plans").select("title").where("id", "=", task.plan_id).executeTakeFirst(),
    // read ahead while the state has a SPLIT at all; shown only when this user is offered one
    stateAccepts(snapshot, "SPLIT") ? splittableUnits(ctx.db, snapshot) : null,
  ]);
  const [parent, parentReadable] = parentOf ?? [undefined, false];
  const history = historyPage.items;
  const actions = availableActions(snapshot, actorOf(user), facts);
  const userIds = new Set<string>([
    ...submissions.map((s) => s.user_id),
    ...progress.map((p) => p.user_id),
    ...ratings.map((r) => r.evaluator_id),
    ...history.map((h) => h.actor_user_id),
  ].filter((x): x is string => x !== null));
  const splitting = splitCandidates !== null && actions.some((a) => a.type === "SPLIT");
  const [files, progressFiles, itemFiles, users, names, parts, splitNames] = await Promise.all([
    listAttachments(ctx.db, "submission", submissions.map((s) => s.id)),
    listAttachments(ctx.db, "progress_report", progress.map((p) => p.id)),
    listAttachments(ctx.db, "rectification_item", items.map((i) => i.id)),
    userIds.size ? ctx.db.selectFrom("users").select(["id", "display_name"]).where("id", "in", [...userIds]).execute() : [],
    unitNames(ctx.db, [
      ...links.map((l) => l.unit_id),
      ...Object.keys(c.contributions),
      ...submissions.map((s) => s.unit_id).filter((x): x is string => x !== null),
      ...history.map((h) => h.actor_unit_id).filter((x): x is string => x !== null),
    ]),
    summarizeTasks(ctx, partTasks),
    splitting ? unitNames(ctx.db, splitCandidates) : null,
  ]);
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const filesOf = (list: typeof files, ownerId: string) =>
    list.filter((f) => f.owner_id === ownerId).map((f) => ({ sha256: f.file_sha256, name: f.original_name, size: f.size, mime: f.mime }));
  // Evaluators see their own rating only; the office and readers of all see every rating.
  const visibleRatings = user.role === "evaluator" ? ratings.filter((r) => r.evaluator_id === user.id) : ratings;
  return {
    task: summary as TaskSummary,
    planTitle: plan?.title ?? null,
    resolutionClass: c.resolutionClass,
    lastReturn: c.lastReturn,
    terminationReason: c.terminationReason,
    /** the stage a terminated task was in (a task column written by the move; null otherwise) */
    terminatedFromStage: task.terminated_from_stage,
    extensionRequest: c.extensionRequest,
    contributions: Object.entries(c.contributions).map(([unitId, x]) => ({
      unitId,
      unitName: names.get(unitId) ?? unitId,
      status: x.status,
      returnReason: x.returnReason ?? null,
    })),
    rectificationItems: items.map((i) => ({
      id: i.id.slice(taskId.length + 1),
      round: i.round,
      ordinal: i.ordinal,
      description: i.description,
      status: i.status,
      rectificationText: i.rectification_text,
      rectifiedAt: i.rectified_at,
      closedAt: i.closed_at,
      files: filesOf(itemFiles, i.id),
    })),
    availableActions: actions,
    /** 分解: the parts of this task, each with its own roll-up */
    parts,
    /** the units a SPLIT may name (empty when this user may not split it now) */
    splittableUnits: splitNames !== null ? [...splitNames.entries()].map(([id, name]) => ({ id, name })) : [],
    /** the task it was split from, when this user may read it */
    parent: parent !== undefined && parentReadable ? { id: parent.id, text: parent.text, path: parent.path } : null,
    waived: c.waived,
    submissions: submissions.map((s) => ({
      id: s.id,
      stage: s.stage,
      round: s.round,
      kind: s.kind,
      unitName: s.unit_id ? (names.get(s.unit_id) ?? s.unit_id) : null,
      userName: s.user_id ? (userName.get(s.user_id) ?? null) : null,
      text: s.text,
      resolutionClass: s.resolution_class,
      createdAt: s.created_at,
      files: filesOf(files, s.id),
    })),
    progressReports: progress.map((p) => ({
      id: p.id,
      period: p.period,
      unitName: p.unit_id ? (names.get(p.unit_id) ?? p.unit_id) : null,
      userName: p.user_id ? (userName.get(p.user_id) ?? null) : null,
      text: p.text,
      percent: p.percent,
      createdAt: p.created_at,
      files: filesOf(progressFiles, p.id),
    })),
    ratings: visibleRatings.map((r) => ({
      round: r.round,
      evaluatorName: userName.get(r.evaluator_id) ?? r.evaluator_id,
      rating: r.rating,
      comment: r.comment,
      updatedAt: r.updated_at,
    })),
    extensionRequests: extensions.map((e) => ({
      id: e.id,
      currentDueDate: e.current_due_date,
      requestedDueDate: e.requested_due_date,
      reason: e.reason,
      status: e.status,
      decisionComment: e.decision_comment,
      createdAt: e.created_at,
      decidedAt: e.decided_at,
    })),
    history: history.map((h) => ({
      seq: h.seq,
      at: h.at,
      action: h.action,
      actorName: h.actor_user_id ? (userName.get(h.actor_user_id) ?? h.actor_username) : h.actor_username,
      actorRole: h.actor_role,
      actorUnitName: h.actor_unit_id ? (names.get(h.actor_unit_id) ?? h.actor_unit_id) : null,
      fromState: h.from_state,
      toState: h.to_state,
      comment: h.comment,
      fileHashes: JSON.parse(h.file_hashes) as string[],
      detail: JSON.parse(h.detail) as Record<string, unknown>,
    })),
  };
}

export type TaskDetail = Awaited<ReturnType<typeof getTaskDetail>>;

/**
 * The one way a task moves: load, ask the lifecycle, write snapshot + business rows + one audit
 * record in ONE transaction guarded by the version the caller saw. A stale version changes nothing.
 * Answered only once that transaction is committed (it may be shared with other moves: group commit).
 */
export async function transitionTask(
  ctx: Authed,
  input: { taskId: string; expectedVersion: number; event: TaskCommand },
): Promise<{ version: number; stage: string; status: string }> {
  const user = ctx.session.user;
  const at = ctx.clock().toISOString();
  const event = { ...input.event, actor: actorOf(user), at };
  // Concurrent moves share one durable commit (group commit); each is still all-or-nothing.
  return inGroupCommit(ctx.db, async (trx) => {
    const task = await loadReadableTask(ctx, trx, input.taskId);
    if (task.version !== input.expectedVersion) {
      throw new AppError("CONFLICT", "该任务刚刚已被他人处理，请查看最新状态后再操作");
    }
    const before = snapshotOf(task);
    // 分解: parts go only to units below the task's lead unit or among its co-units (the unit tree
    // is data, not lifecycle); a part is re-assigned within its parent's reach the same way.
    if (input.event.type === "SPLIT" || input.event.type === "REASSIGN") {
      const named = input.event.type === "SPLIT" ? input.event.parts.flatMap((p) => [p.leadUnitId, ...(p.coUnitIds ?? [])]) : [input.event.leadUnitId, ...(input.event.coUnitIds ?? [])];
      await checkUnitsExist(trx, named);
    }
    if (input.event.type === "SPLIT") {
      await checkPartUnits(trx, before, input.event.parts.flatMap((p) => [p.leadUnitId, ...(p.coUnitIds ?? [])]));
    }
    if (input.event.type === "REASSIGN" && task.parent_id !== null) {
      const parent = await getTask(trx, task.parent_id);
      if (parent !== undefined) await checkPartUnits(trx, snapshotOf(parent), [input.event.leadUnitId, ...(input.event.coUnitIds ?? [])]);
    }
    const decision = decide(before, event, await taskFactsOf(ctx, trx, task, before));
    if (!decision.ok) throw AppError.fromRefusal(decision.refusal);
    const fileHashes = "fileHashes" in input.event ? (input.event.fileHashes ?? []) : [];
    await checkFilesUsable(trx, user, fileHashes);
    const after = decision.after;
    const month = monthOfInstant(ctx, at);
    const version = await updateTaskSnapshot(trx, {
      id: task.id,
      expectedVersion: input.expectedVersion,
      snapshot: decision.persisted.snapshot,
      machineVersion: decision.persisted.machineVersion,
      stage: after.stage,
      status: after.status,
      round: after.round,
      openNotices: after.openNotices,
      extensionRequested: after.extensionRequested,
      ...(after.leadUnitId !== decision.before.leadUnitId ? { leadUnitId: after.leadUnitId } : {}),
      ...(after.dueDate !== decision.before.dueDate ? { dueDate: after.dueDate } : {}),
      ...(input.event.type === "WAIVE_PART" ? { waived: true } : {}),
      updatedAt: at,
      facts: await factsOfMove(ctx, trx, task, decision.before, after, event, month),
      current: task,
    });
    if (version === null) throw new AppError("CONFLICT", "该任务刚刚已被他人处理，请查看最新状态后再操作");
    await recordMoveHistory(trx, task, decision.before, after, event);
    await applyTaskEffects(trx, task.id, event, before, decision.snapshot, month);
    // 待协办 (task.todo) reads each co-unit's 协办意见 status from task_units: keep it equal to the snapshot's.
    const changed = Object.entries(decision.snapshot.context.contributions).filter(
      ([unitId, c]) => before.context.contributions[unitId]?.status !== c.status,
    );
    if (changed.length > 0) await setContributionStatuses(trx, task.id, Object.fromEntries(changed.map(([unitId, c]) => [unitId, c.status])));
    const created = input.event.type === "SPLIT" ? await createParts(trx, task, before, input.event, event.actor, at) : [];
    const { text: _t, reason: _r, comment: _c, fileHashes: _f, parts: _p, ...rest } = input.event as Record<string, unknown>;
    await recordAudit(ctx, trx, {
      action: `task.${input.event.type}`,
      object_type: "task",
      object_id: task.id,
      task_id: task.id,
      from_state: `${decision.before.stage}/${decision.before.status}`,
      to_state: `${after.stage}/${after.status}`,
      comment: auditComment(event),
      // a return's reason is a category code (also in task_returns, where the statistics count it): keep it
      detail: {
        ...rest,
        ...(input.event.type === "RETURN" || input.event.type === "RETURN_CONTRIBUTION" ? { reason: input.event.reason } : {}),
        ...(input.event.type === "SPLIT"
          ? { parts: input.event.parts.map((p, k) => ({ taskId: created[k]?.id, leadUnitId: p.leadUnitId, coUnitIds: p.coUnitIds ?? [], dueDate: created[k]?.due_date ?? null })) }
          : {}),
        round: decision.before.round,
        version,
      },
      file_hashes: fileHashes,
    });
    return { version, stage: after.stage, status: after.status };
  });
}

export { rectificationRowId };
