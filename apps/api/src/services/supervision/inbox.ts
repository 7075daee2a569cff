// The in-app inbox: messages to the user and to the user's unit (read state is shared by the unit).
import { countUnreadNotifications, inTransaction, listNotifications, markNotificationsRead } from "@duban/db";
import { AppError } from "../../errors";
import { recordAudit } from "../audit";
import type { Authed } from "./common";

function addressee(ctx: Authed) {
  return { userId: ctx.session.user.id, unitId: ctx.session.user.unit_id };
}

export async function inboxList(ctx: Authed, input: { unreadOnly?: boolean | undefined; limit: number; cursor?: string | null | undefined }) {
  let page;
  try {
    page = await listNotifications(ctx.db, addressee(ctx), { unreadOnly: input.unreadOnly ?? false, limit: input.limit, cursor: input.cursor ?? null });
  } catch (cause) {
    if (cause instanceof Error && cause.message === "invalid notification cursor") throw new AppError("BAD_INPUT", "分页参数无效");
    throw cause;
  }
  return {
    items: page.items.map((n) => ({
      id: n.id,
      kind: n.kind,
      taskId: n.task_id,
      title: n.title,
      body: n.body,
      createdAt: n.created_at,
      readAt: n.read_at,
      toUnit: n.unit_id !== null,
    })),
    nextCursor: page.nextCursor,
    unread: await countUnreadNotifications(ctx.db, addressee(ctx)),
  };
}

export async function inboxUnreadCount(ctx: Authed) {
  return { unread: await countUnreadNotifications(ctx.db, addressee(ctx)) };
}

export async function inboxMarkRead(ctx: Authed, input: { ids?: string[] | undefined }) {
  const changed = await inTransaction(ctx.db, async (trx) => {
    const n = await markNotificationsRead(trx, addressee(ctx), input.ids ?? null, ctx.clock().toISOString());
    await recordAudit(ctx, trx, { action: "inbox.markRead", object_type: "notification", object_id: input.ids?.length === 1 ? input.ids[0] : null, detail: { ids: input.ids ?? "all", changed: n } });
    return n;
  });
  return { changed, unread: await countUnreadNotifications(ctx.db, addressee(ctx)) };
}
