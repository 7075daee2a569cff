import type { DbOrTrx } from '../executor.js';
import { newId, nowIso } from '../ids.js';
import type { RectificationItemRow } from '../tables/index.js';

export interface NewRectificationItem {
  id?: string;
  description: string;
}

/** Adds items for a task's round, numbered after the existing ones. */
export async function createRectificationItems(
  db: DbOrTrx,
  taskId: string,
  round: number,
  items: readonly NewRectificationItem[],
  at: string = nowIso(),
): Promise<RectificationItemRow[]> {
  if (items.length === 0) return [];
  const max = await db
    .selectFrom('rectification_items')
    .select((eb) => eb.fn.max('ordinal').as('m'))
    .where('task_id', '=', taskId)
    .where('round', '=', round)
    .executeTakeFirst();
  const start = Number(max?.m ?? 0);
  const rows = await db
    .insertInto('rectification_items')
    .values(
      items.map((it, i) => ({
        id: it.id ?? newId(),
        task_id: taskId,
        round,
        ordinal: start + i + 1,
        description: it.description,
        status: 'open' as const,
        rectification_text: null,
        created_at: at,
        rectified_at: null,
        closed_at: null,
        closed_by: null,
      })),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.ordinal - b.ordinal);
}

export function getRectificationItem(db: DbOrTrx, id: string): Promise<RectificationItemRow | undefined> {
  return db.selectFrom('rectification_items').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRectificationItems(db: DbOrTrx, taskId: string, round?: number): Promise<RectificationItemRow[]> {
  let q = db.selectFrom('rectification_items').selectAll().where('task_id', '=', taskId);
  if (round !== undefined) q = q.where('round', '=', round);
  return q.orderBy('round').orderBy('ordinal').execute();
}

/** The unit reports a fix: open|rectified → rectified. Returns the row, or null if it was closed/missing. */
export async function markRectified(
  db: DbOrTrx,
  id: string,
  text: string,
  at: string = nowIso(),
): Promise<RectificationItemRow | null> {
  const row = await db
    .updateTable('rectification_items')
    .set({ status: 'rectified', rectification_text: text, rectified_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['open', 'rectified'])
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** The office closes (销号) an item. Returns the row, or null if it was already closed/missing. */
export async function closeRectificationItem(
  db: DbOrTrx,
  id: string,
  closedBy: string,
  at: string = nowIso(),
): Promise<RectificationItemRow | null> {
  const row = await db
    .updateTable('rectification_items')
    .set({ status: 'closed', closed_at: at, closed_by: closedBy })
    .where('id', '=', id)
    .where('status', '!=', 'closed')
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** The office reopens an item whose fix it does not accept: rectified → open. */
export async function reopenRectificationItem(db: DbOrTrx, id: string): Promise<RectificationItemRow | null> {
  const row = await db
    .updateTable('rectification_items')
    .set({ status: 'open' })
    .where('id', '=', id)
    .where('status', '=', 'rectified')
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** How many items of the round are not closed yet (the inspect stage passes at 0). */
export async function countOpenRectificationItems(db: DbOrTrx, taskId: string, round: number): Promise<number> {
  const r = await db
    .selectFrom('rectification_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('task_id', '=', taskId)
    .where('round', '=', round)
    .where('status', '!=', 'closed')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
