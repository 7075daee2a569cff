// 分解 (issue 20): what the server adds to the lifecycle for split tasks — which units a task may be
// split for (the unit tree), creating the parts of a SPLIT in the same transaction, the facts the
// lifecycle needs about a task's parts, and the roll-up a parent shows. The rules of who may split,
// review or waive live in the lifecycle package (`supervises` in permissions.ts).
import {
  getUnitsByIds,
  insertTasks,
  listPhases,
  listTaskParts,
  listUnits,
  nextTaskOrdinal,
  type DbOrTrx,
  type Task,
} from "@duban/db";
import {
  describeTask,
  partSettled,
  persistTask,
  startTask,
  type Actor,
  type StageOrTerminated,
  type TaskCommand,
  type TaskFacts,
  type TaskSnapshot,
} from "@duban/workflow";
import { AppError } from "../errors";
import { deadlineMark, effectiveDueDate, planDuesOf, type DeadlineMark } from "./deadlines";

type SplitCommand = Extract<TaskCommand, { type: "SPLIT" }>;

/** Every unit below `unitId` in the unit tree (not itself). */
export async function unitsBelow(db: DbOrTrx, unitId: string): Promise<Set<string>> {
  const units = await listUnits(db);
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (u.parent_id === null) continue;
    children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
  }
  const below = new Set<string>();
  const queue = [...(children.get(unitId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (below.has(id)) continue;
    below.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return below;
}

/**
 * The units a task's parts may go to: those below its lead unit in the unit tree, and its co-units
 * (区民政局 → its 科室 or the streets under it; a co-unit takes a part of its own).
 */
export async function splittableUnits(db: DbOrTrx, snapshot: TaskSnapshot): Promise<Set<string>> {
  const below = await unitsBelow(db, snapshot.context.leadUnitId);
  for (const co of snapshot.context.coUnitIds) below.add(co);
  below.delete(snapshot.context.leadUnitId);
  return below;
}

/** Refuses units a part may not go to, with the names of the offending units. */
/** Every unit a move names exists: an unknown id is the caller's mistake (400), never a foreign-key error (500). */
export async function checkUnitsExist(db: DbOrTrx, unitIds: readonly string[]): Promise<void> {
  const ids = [...new Set(unitIds)];
  const found = new Set((await getUnitsByIds(db, ids)).map((u) => u.id));
  if (ids.every((id) => found.has(id))) return;
  throw new AppError("BAD_INPUT", "所选单位不存在，请刷新页面后重新选择", { fields: { leadUnitId: "单位不存在" } });
}

export async function checkPartUnits(db: DbOrTrx, parent: TaskSnapshot, unitIds: readonly string[]): Promise<void> {
  const allowed = await splittableUnits(db, parent);
  const wrong = [...new Set(unitIds)].filter((id) => !allowed.has(id));
  if (wrong.length === 0) return;
  const names = (await getUnitsByIds(db, wrong)).map((u) => u.name);
  const what = names.length > 0 ? names.join("、") : "所选单位";
  throw new AppError("BAD_INPUT", `${what}不是本任务牵头单位的下级单位或责任单位，不能分解给它`, { fields: { parts: "单位不在可分解范围内" } });
}

/**
 * Creates the parts of an accepted SPLIT, in the split's transaction: one task per part, supervised
 * by the splitter (a liaison's unit; the office: null), due no later than the parent.
 */
export async function createParts(db: DbOrTrx, parent: Task, parentSnapshot: TaskSnapshot, command: SplitCommand, actor: Actor, at: string): Promise<Task[]> {
  const supervisorUnitId = actor.role === "liaison" ? actor.unitId : null;
  const parentDueDate = parentSnapshot.context.dueDate;
  let ordinal = await nextTaskOrdinal(db, parent.plan_id);
  const existing = (await listTaskParts(db, [parent.id])).length;
  const planDues = planDuesOf(await listPhases(db, parent.plan_id));
  return insertTasks(
    db,
    command.parts.map((part, k) => {
      const dueDate = part.dueDate ?? parentDueDate;
      const snapshot = startTask({ leadUnitId: part.leadUnitId, coUnitIds: part.coUnitIds ?? [], dueDate, supervisorUnitId, parentTaskId: parent.id, parentDueDate });
      const d = describeTask(snapshot);
      const persisted = persistTask(snapshot);
      return {
        plan_id: parent.plan_id,
        ordinal: ordinal++,
        path: [...parent.path, `${existing + k + 1}`],
        heading: parent.heading,
        text: part.text,
        lead_unit_id: part.leadUnitId,
        co_unit_ids: d.coUnitIds,
        deadline_text: null,
        due_date: dueDate,
        targets: part.target ? [{ text: part.target }] : [],
        stage: "deploy" as const,
        status: d.status,
        round: d.round,
        snapshot: persisted.snapshot,
        machine_version: persisted.machineVersion,
        created_at: at,
        parent_id: parent.id,
        depth: parent.depth + 1,
        supervisor_unit_id: supervisorUnitId,
        effective_due_date: effectiveDueDate({ stage: "deploy", due_date: dueDate }, planDues)?.due ?? null,
      };
    }),
  );
}

/** The facts the lifecycle needs about a task's parts (see `partsSettled` in the lifecycle package). */
export async function partFactsOf(db: DbOrTrx, task: Task, snapshot: TaskSnapshot): Promise<Pick<TaskFacts, "unsettledPartIds">> {
  if (snapshot.context.partCount === 0) return {};
  const parts = await db.selectFrom("tasks").select(["id", "stage", "waived"]).where("parent_id", "=", task.id).execute();
  return {
    unsettledPartIds: parts.filter((p) => !partSettled({ stage: p.stage as StageOrTerminated, waived: p.waived === 1 })).map((p) => p.id),
  };
}

const MARK_ORDER: DeadlineMark[] = ["none", "green", "yellow", "red"];

/** The worse of two deadline marks (red › yellow › green › none). */
export function worseMark(a: DeadlineMark, b: DeadlineMark): DeadlineMark {
  return MARK_ORDER.indexOf(a) >= MARK_ORDER.indexOf(b) ? a : b;
}

/** A parent's progress at a glance: its parts (one level) and the worst deadline mark anywhere below it. */
export interface PartsRollup {
  total: number;
  /** 办理 approved (past handle) */
  done: number;
  /** open and past due */
  late: number;
  /** sent back by their supervisor, awaiting resubmission */
  returned: number;
  waived: number;
  terminated: number;
  /** the worst deadline mark among all tasks below (any depth) */
  worstMark: DeadlineMark;
}

const DONE_STAGES: readonly string[] = ["inspect", "summarize", "evaluate", "done"];
/** Levels below a task the roll-up looks at; splitting deeper than this is not expected. */
const MAX_ROLLUP_DEPTH = 8;

/**
 * Roll-ups of these tasks' parts, read level by level from the parent index (one query per level
 * for all of them). Tasks without parts are absent from the result.
 */
export async function rollupParts(
  db: DbOrTrx,
  parentIds: readonly string[],
  today: string,
  yellowWithinWorkdays: number,
): Promise<Map<string, PartsRollup>> {
  const out = new Map<string, PartsRollup>();
  if (parentIds.length === 0) return out;
  /** each task found below → the top-level parent it rolls up to */
  let rootOf = new Map<string, string>(parentIds.map((id) => [id, id]));
  let level = [...parentIds];
  for (let depth = 0; depth < MAX_ROLLUP_DEPTH && level.length > 0; depth++) {
    const rows = [];
    // 500 parents per query: the parameter list stays far below either dialect's limit
    for (let i = 0; i < level.length; i += 500) {
      rows.push(
        ...(await db
          .selectFrom("tasks")
          .select(["id", "parent_id", "stage", "status", "effective_due_date", "waived"])
          .where("parent_id", "in", level.slice(i, i + 500))
          .execute()),
      );
    }
    const next = new Map<string, string>();
    for (const row of rows) {
      const root = rootOf.get(row.parent_id as string) as string;
      next.set(row.id, root);
      const r = out.get(root) ?? { total: 0, done: 0, late: 0, returned: 0, waived: 0, terminated: 0, worstMark: "none" as DeadlineMark };
      const mark = deadlineMark(row.effective_due_date, row.stage, today, yellowWithinWorkdays);
      r.worstMark = worseMark(r.worstMark, mark);
      if (depth === 0) {
        r.total++;
        if (DONE_STAGES.includes(row.stage)) r.done++;
        if (row.stage === "terminated") r.terminated++;
        if (row.waived === 1) r.waived++;
        if (row.status === "returned") r.returned++;
        if (mark === "red") r.late++;
      }
      out.set(root, r);
    }
    rootOf = next;
    level = [...next.keys()];
  }
  return out;
}
