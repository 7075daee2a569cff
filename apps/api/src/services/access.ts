// Who may read what. Moves are decided by the lifecycle package; reading is decided here.
import { listTaskUnits, type DbOrTrx, type UserRow } from "@duban/db";
import type { Role } from "@duban/workflow";

/** Roles that read every task. Liaisons read their unit's; the system and security admins none. */
const READ_ALL_TASKS: readonly Role[] = ["office", "leader", "auditor", "evaluator"];

export function readsAllTasks(user: UserRow): boolean {
  return READ_ALL_TASKS.includes(user.role);
}

export function readsAnyTask(user: UserRow): boolean {
  return readsAllTasks(user) || (user.role === "liaison" && user.unit_id !== null);
}

export async function canReadTask(db: DbOrTrx, user: UserRow, taskId: string): Promise<boolean> {
  if (readsAllTasks(user)) return true;
  if (user.role !== "liaison" || user.unit_id === null) return false;
  const units = await listTaskUnits(db, taskId);
  return units.some((u) => u.unit_id === user.unit_id);
}
