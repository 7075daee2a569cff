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
  listTaskUnits,
  updateTaskSnapshot,
  type DbOrTrx,
  type Task,
  type TaskStage,
  type UserRow,
} from "@duban/db";
import {
  availableActions,
  decide,
  describeTask,
  restoreTask,
  type Actor,
  type TaskCommand,
  type TaskSnapshot,
} from "@duban/workflow";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { canReadTask, readsAllTasks, readsAnyTask } from "./access";
import { recordAudit } from "./audit";
import { deadlineMark, type DeadlineMark } from "./deadlines";
import { checkReassignWindow } from "./supervision/assignment";
import { applyTaskEffects, auditComment, checkFilesUsable, rectificationRowId } from "./task-effects";

type Authed = Context & { session: SessionUser };

export function actorOf(user: UserRow): Actor {
  return { userId: user.id, role: user.role, unitId: user.unit_id };
}

export function today(ctx: InnerContext): string {
  return ctx.clock().toISOString().slice(0, 10);
}

export function snapshotOf(task: Pick<Task, "snapshot" | "machine_version">): TaskSnapshot {
  return restoreTask({ machineVersion: task.machine_version, snapshot: JSON.parse(task.snapshot) });
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
  mark: DeadlineMark;
  openNotices: number;
  extensionRequested: boolean;
  returned: boolean;
}

async function unitNames(db: DbOrTrx, ids: Iterable<string>): Promise<Map<string, string>> {
  const units = await getUnitsByIds(db, [...new Set(ids)]);
  return new Map(units.map((u) => [u.id, u.name]));
}

function toSummary(task: Task, snapshot: TaskSnapshot, names: Map<string, string>, todayIso: string, yellowWithin: number): TaskSummary {
  const d = describeTask(snapshot);
  const ref = (id: string): UnitRef => ({ id, name: names.get(id) ?? id });
  return {
    id: task.id,
    planId: task.plan_id,
    ordinal: task.ordinal,
    path: task.path,
    heading: task.heading,
    text: task.text,
    leadUnit: task.lead_unit_id ? ref(task.lead_unit_id) : null,
    coUnits: d.coUnitIds.map(ref),
    deadlineText: task.deadline_text,
    dueDate: task.due_date,
    targets: task.targets,
    stage: task.stage,
    status: task.status,
    round: task.round,
    version: task.version,
    mark: deadlineMark(task.due_date, task.stage, todayIso, yellowWithin),
    openNotices: d.openNotices,
    extensionRequested: d.extensionRequested,
    returned: d.status === "returned",
  };
}

export async function summarizeTasks(ctx: InnerContext, tasks: Task[]): Promise<TaskSummary[]> {
  const snapshots = tasks.map(snapshotOf);
  const ids = snapshots.flatMap((s) => [s.context.leadUnitId, ...s.context.coUnitIds]);
  const names = await unitNames(ctx.db, ids);
  const t = today(ctx);
  return tasks.map((task, i) => toSummary(task, snapshots[i] as TaskSnapshot, names, t, ctx.config.yellowWithinWorkdays));
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
  const { leadOnly, ratedByMe, ...filters } = input;
  let page;
  try {
    page = await listTasks(ctx.db, {
      ...filters,
      ...(unitId !== undefined ? (leadOnly ? { leadUnitId: unitId } : { unitId }) : {}),
      ...(ratedByMe !== undefined ? { ratedBy: { evaluatorId: user.id, rated: ratedByMe } } : {}),
      today: today(ctx),
    });
  } catch (cause) {
    if (cause instanceof Error && cause.message === "invalid task cursor") throw new AppError("BAD_INPUT", "分页参数无效");
    throw cause;
  }
  return { items: await summarizeTasks(ctx, page.items), nextCursor: page.nextCursor };
}

async function loadReadableTask(ctx: Authed, db: DbOrTrx, taskId: string): Promise<Task> {
  const task = await getTask(db, taskId);
  if (task === undefined || !(await canReadTask(db, ctx.session.user, taskId))) throw notFound("任务");
  return task;
}

export async function getTaskDetail(ctx: Authed, taskId: string) {
  const user = ctx.session.user;
  const task = await loadReadableTask(ctx, ctx.db, taskId);
  const snapshot = snapshotOf(task);
  const [summary] = await summarizeTasks(ctx, [task]);
  const c = snapshot.context;
  const [submissions, progress, items, ratings, extensions, historyPage, links] = await Promise.all([
    listSubmissions(ctx.db, taskId),
    listProgressReports(ctx.db, taskId),
    listRectificationItems(ctx.db, taskId),
    listRatings(ctx.db, taskId),
    listExtensionRequests(ctx.db, { taskId }),
    listAudit(ctx.db, { taskId, outcome: "ok", order: "asc", limit: 1000 }),
    listTaskUnits(ctx.db, taskId),
  ]);
  const history = historyPage.items;
  const files = await listAttachments(ctx.db, "submission", submissions.map((s) => s.id));
  const progressFiles = await listAttachments(ctx.db, "progress_report", progress.map((p) => p.id));
  const itemFiles = await listAttachments(ctx.db, "rectification_item", items.map((i) => i.id));
  const userIds = new Set<string>([
    ...submissions.map((s) => s.user_id),
    ...progress.map((p) => p.user_id),
    ...ratings.map((r) => r.evaluator_id),
    ...history.map((h) => h.actor_user_id),
  ].filter((x): x is string => x !== null));
  const users = userIds.size
    ? await ctx.db.selectFrom("users").select(["id", "display_name"]).where("id", "in", [...userIds]).execute()
    : [];
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const names = await unitNames(ctx.db, [
    ...links.map((l) => l.unit_id),
    ...Object.keys(c.contributions),
    ...submissions.map((s) => s.unit_id).filter((x): x is string => x !== null),
    ...history.map((h) => h.actor_unit_id).filter((x): x is string => x !== null),
  ]);
  const filesOf = (list: typeof files, ownerId: string) =>
    list.filter((f) => f.owner_id === ownerId).map((f) => ({ sha256: f.file_sha256, name: f.original_name, size: f.size, mime: f.mime }));
  // Evaluators see their own rating only; the office and readers of all see every rating.
  const visibleRatings = user.role === "evaluator" ? ratings.filter((r) => r.evaluator_id === user.id) : ratings;
  return {
    task: summary as TaskSummary,
    resolutionClass: c.resolutionClass,
    lastReturn: c.lastReturn,
    terminationReason: c.terminationReason,
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
    availableActions: availableActions(snapshot, actorOf(user), ctx.clock().toISOString()),
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
    // Time-boxed assignment (issue 7): the lifecycle package is pure and reads no clock or
    // calendar, so the working-day window for REQUEST_REASSIGN is enforced here, before decide().
    if (input.event.type === "REQUEST_REASSIGN") await checkReassignWindow(ctx, trx, task);
    const decision = decide(before, event);
    if (!decision.ok) throw AppError.fromRefusal(decision.refusal);
    const fileHashes = "fileHashes" in input.event ? (input.event.fileHashes ?? []) : [];
    await checkFilesUsable(trx, user, fileHashes);
    const after = decision.after;
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
      updatedAt: at,
    });
    if (version === null) throw new AppError("CONFLICT", "该任务刚刚已被他人处理，请查看最新状态后再操作");
    await applyTaskEffects(trx, task.id, event, before, decision.snapshot);
    const { text: _t, reason: _r, comment: _c, fileHashes: _f, ...rest } = input.event as Record<string, unknown>;
    await recordAudit(ctx, trx, {
      action: `task.${input.event.type}`,
      object_type: "task",
      object_id: task.id,
      task_id: task.id,
      from_state: `${decision.before.stage}/${decision.before.status}`,
      to_state: `${after.stage}/${after.status}`,
      comment: auditComment(event),
      // a return's reason is a category code (counted by reason in the statistics): keep it
      detail: { ...rest, ...(input.event.type === "RETURN" ? { reason: input.event.reason } : {}), round: decision.before.round, version },
      file_hashes: fileHashes,
    });
    return { version, stage: after.stage, status: after.status };
  });
}

export { rectificationRowId };
