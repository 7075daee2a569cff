// Who may read what. Moves are decided by the lifecycle package; reading is decided here.
import { getFile, listTaskAncestors, listTaskUnits, type DbOrTrx, type UserRow } from "@duban/db";
import { can } from "../capabilities";

/** Roles that read every task (the capability table). Liaisons read their unit's; the system and security admins none. */
export function readsAllTasks(user: UserRow): boolean {
  return can(user.role, "readAllTasks");
}

export function readsAnyTask(user: UserRow): boolean {
  return readsAllTasks(user) || (can(user.role, "readTasks") && user.unit_id !== null);
}

/**
 * A liaison reads the tasks their unit holds (lead or co), and everything split below a task it
 * leads or supervises (分解: its parts and their parts, to any depth) — never a task outside that
 * subtree: not the parent of a part it holds, nor (as a mere co-unit of the parent) a sibling part.
 */
export async function canReadTask(db: DbOrTrx, user: UserRow, taskId: string): Promise<boolean> {
  if (readsAllTasks(user)) return true;
  if (!can(user.role, "readTasks") || user.unit_id === null) return false;
  if ((await listTaskUnits(db, taskId)).some((u) => u.unit_id === user.unit_id)) return true;
  const own = await db.selectFrom("tasks").select("supervisor_unit_id").where("id", "=", taskId).executeTakeFirst();
  if (own?.supervisor_unit_id === user.unit_id) return true;
  for (const ancestor of await listTaskAncestors(db, taskId)) {
    if (ancestor.lead_unit_id === user.unit_id || ancestor.supervisor_unit_id === user.unit_id) return true;
  }
  return false;
}

/** Tasks a file is attached to, through submissions, progress reports or rectification items. */
async function tasksOfFile(db: DbOrTrx, sha256: string): Promise<string[]> {
  const links = await db.selectFrom("attachments").select(["owner_type", "owner_id"]).where("file_sha256", "=", sha256).execute();
  const taskIds = new Set<string>();
  for (const link of links) {
    const table =
      link.owner_type === "submission"
        ? "submissions"
        : link.owner_type === "progress_report"
          ? "progress_reports"
          : link.owner_type === "rectification_item"
            ? "rectification_items"
            : null;
    if (table === null) continue;
    const row = await db.selectFrom(table).select("task_id").where("id", "=", link.owner_id).executeTakeFirst();
    if (row) taskIds.add(row.task_id);
  }
  return [...taskIds];
}

/**
 * A user may read (and attach) an evidence file they uploaded, or one attached to a task they may
 * read. Knowing a hash grants nothing: attaching a guessed hash is refused like reading it.
 */
export async function canReadFile(db: DbOrTrx, user: UserRow, sha256: string): Promise<boolean> {
  const file = await getFile(db, sha256);
  if (file === undefined) return false;
  if (file.created_by === user.id) return true;
  for (const taskId of await tasksOfFile(db, sha256)) if (await canReadTask(db, user, taskId)) return true;
  return false;
}
