// Shared by the supervision services: loading tasks page by page, unit names, who sees which unit.
import { getUnitsByIds, listTasks, type DbOrTrx, type TaskFilters, type TaskListItem } from "@duban/db";
import type { Context, SessionUser } from "../../context";
import { AppError } from "../../errors";
export { STAGE_LABELS, STATUS_LABELS, RETURN_REASON_LABELS, RATING_LABELS, RESOLUTION_CLASS_LABELS } from "@duban/workflow";
import { readsAllTasks } from "../access";

export type Authed = Context & { session: SessionUser };

/** Every task matching the filters, in document order (list columns: no snapshot). */
export async function allTasks(db: DbOrTrx, filters: Omit<TaskFilters, "limit" | "cursor">): Promise<TaskListItem[]> {
  const out: TaskListItem[] = [];
  let cursor: string | null = null;
  do {
    const page = await listTasks(db, { ...filters, limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

export async function unitNameMap(db: DbOrTrx, ids: Iterable<string | null>): Promise<Map<string, string>> {
  const list = [...new Set([...ids].filter((x): x is string => x !== null))];
  const units = list.length ? await getUnitsByIds(db, list) : [];
  return new Map(units.map((u) => [u.id, u.short_name ?? u.name]));
}

/**
 * The unit a reader is limited to: undefined for readers of everything (office, leader, auditor…),
 * the liaison's own unit otherwise. A liaison asking for another unit is refused.
 */
export function scopeUnit(ctx: Authed, requested?: string): string | undefined {
  const user = ctx.session.user;
  if (readsAllTasks(user)) return requested;
  if (user.role !== "liaison" || user.unit_id === null) throw new AppError("FORBIDDEN", "您的角色无权查看督办信息");
  if (requested !== undefined && requested !== user.unit_id) throw new AppError("FORBIDDEN", "只能查看本单位的督办信息");
  return user.unit_id;
}

/** "二 › （一） › 1" */
export function pathLabel(path: readonly string[]): string {
  return path.join(" › ");
}

export const MARK_LABELS: Record<string, string> = { red: "红色（逾期）", yellow: "黄色（临期）", green: "绿色（正常）", none: "" };
