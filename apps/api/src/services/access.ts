// Who may read what. Moves are decided by the lifecycle package; reading is decided here. Each
// rule is asked for many ids at once (a query per table or per tree level, never one per id).
import { unitHoldsTask, type DbOrTrx, type UserRow } from "@duban/db";
import { can } from "../capabilities";

/** Roles that read every task (the capability table). Liaisons read their unit's; the system and security admins none. */
export function readsAllTasks(user: UserRow): boolean {
  return can(user.role, "readAllTasks");
}

export function readsAnyTask(user: UserRow): boolean {
  return readsAllTasks(user) || (can(user.role, "readTasks") && user.unit_id !== null);
}

/** Parts nest no deeper than this below a plan's task (parent_id is set once, to an existing task: a chain). */
const MAX_TREE_DEPTH = 64;
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Of these tasks, the ones the user may read. A liaison reads the tasks their unit holds (lead or
 * co), and everything split below a task it leads or supervises (分解: its parts and their parts, to
 * any depth) — never a task outside that subtree: not the parent of a part it holds, nor (as a mere
 * co-unit of the parent) a sibling part. Unknown ids are left out.
 */
export async function readableTaskIds(db: DbOrTrx, user: UserRow, taskIds: Iterable<string>): Promise<Set<string>> {
  const ids = [...new Set(taskIds)];
  const readable = new Set<string>();
  if (ids.length === 0) return readable;
  if (readsAllTasks(user)) {
    for (const part of chunks(ids)) for (const r of await db.selectFrom("tasks").select("id").where("id", "in", part).execute()) readable.add(r.id);
    return readable;
  }
  const unitId = user.unit_id;
  if (!can(user.role, "readTasks") || unitId === null) return readable;
  // held by the unit (lead or co); one task — every move asks it — by its compiled statement
  if (ids.length === 1) {
    if (await unitHoldsTask(db, unitId, ids[0] as string)) readable.add(ids[0] as string);
  } else {
    for (const part of chunks(ids)) {
      const held = await db.selectFrom("task_units").select("task_id").where("unit_id", "=", unitId).where("task_id", "in", part).execute();
      for (const r of held) readable.add(r.task_id);
    }
  }
  // supervised by the unit, or below a task it leads or supervises: walk up one level per query
  /** task asked about → the task whose row is read next (itself first, then its ancestors) */
  let frontier = new Map<string, string[]>();
  for (const id of ids) if (!readable.has(id)) frontier.set(id, [id]);
  for (let level = 0; level <= MAX_TREE_DEPTH && frontier.size > 0; level++) {
    const rowIds = [...frontier.keys()];
    const next = new Map<string, string[]>();
    for (const part of chunks(rowIds)) {
      const rows = await db.selectFrom("tasks").select(["id", "parent_id", "lead_unit_id", "supervisor_unit_id"]).where("id", "in", part).execute();
      for (const row of rows) {
        const askers = frontier.get(row.id) ?? [];
        // the task itself: only its supervisor (its own lead is a task_units row, handled above);
        // an ancestor: its lead or its supervisor
        const grants = row.supervisor_unit_id === unitId || (level > 0 && row.lead_unit_id === unitId);
        if (grants) {
          for (const a of askers) readable.add(a);
          continue;
        }
        if (row.parent_id === null) continue;
        next.set(row.parent_id, [...(next.get(row.parent_id) ?? []), ...askers]);
      }
    }
    frontier = next;
  }
  return readable;
}

export async function canReadTask(db: DbOrTrx, user: UserRow, taskId: string): Promise<boolean> {
  if (readsAllTasks(user)) return true; // callers have found the task already
  return (await readableTaskIds(db, user, [taskId])).has(taskId);
}

const ATTACHMENT_OWNERS = {
  submission: "submissions",
  progress_report: "progress_reports",
  rectification_item: "rectification_items",
} as const;

/** Tasks each file is attached to, through submissions, progress reports or rectification items. */
async function tasksOfFiles(db: DbOrTrx, hashes: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const links = [];
  for (const part of chunks(hashes)) links.push(...(await db.selectFrom("attachments").select(["file_sha256", "owner_type", "owner_id"]).where("file_sha256", "in", part).execute()));
  for (const [ownerType, table] of Object.entries(ATTACHMENT_OWNERS)) {
    const ofType = links.filter((l) => l.owner_type === ownerType);
    if (ofType.length === 0) continue;
    const taskOf = new Map<string, string>();
    for (const part of chunks([...new Set(ofType.map((l) => l.owner_id))])) {
      for (const r of await db.selectFrom(table).select(["id", "task_id"]).where("id", "in", part).execute()) taskOf.set(r.id, r.task_id);
    }
    for (const l of ofType) {
      const taskId = taskOf.get(l.owner_id);
      if (taskId === undefined) continue;
      out.set(l.file_sha256, (out.get(l.file_sha256) ?? new Set()).add(taskId));
    }
  }
  return out;
}

/**
 * Of these evidence files, the ones the user may read (and attach): uploaded by them, or attached
 * to a task they may read. Knowing a hash grants nothing: attaching a guessed hash is refused like
 * reading it. Unknown hashes are left out.
 */
export async function readableFiles(db: DbOrTrx, user: UserRow, hashes: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(hashes)];
  const readable = new Set<string>();
  const others: string[] = [];
  for (const part of chunks(wanted)) {
    for (const f of await db.selectFrom("files").select(["sha256", "created_by"]).where("sha256", "in", part).execute()) {
      if (f.created_by === user.id) readable.add(f.sha256);
      else others.push(f.sha256);
    }
  }
  if (others.length === 0) return readable;
  const tasksOf = await tasksOfFiles(db, others);
  const tasks = await readableTaskIds(db, user, [...tasksOf.values()].flatMap((s) => [...s]));
  for (const [hash, taskIds] of tasksOf) if ([...taskIds].some((id) => tasks.has(id))) readable.add(hash);
  return readable;
}

export async function canReadFile(db: DbOrTrx, user: UserRow, sha256: string): Promise<boolean> {
  return (await readableFiles(db, user, [sha256])).has(sha256);
}
