// Writing the audit log from the API: who (from the session), from where, what, and the outcome.
import { appendAudit, type AuditRecordInput, type DbOrTrx } from "@duban/db";
import type { Context, InnerContext, RequestInfo, SessionUser } from "../context";
import type { AppError } from "../errors";

type Auditable = InnerContext & { request?: RequestInfo; session?: SessionUser | null };

/** Appends one record inside `db` (the caller's transaction), filling actor and address. */
export function recordAudit(ctx: Auditable, db: DbOrTrx, record: AuditRecordInput) {
  const user = ctx.session?.user;
  return appendAudit(
    db,
    {
      at: ctx.clock().toISOString(),
      actor_user_id: user?.id ?? null,
      actor_username: user?.username ?? null,
      actor_role: user?.role ?? null,
      actor_unit_id: user?.unit_id ?? null,
      client_ip: ctx.request?.clientIp ?? null,
      ...record,
    },
    { alg: ctx.config.auditHash },
  );
}

const OBJECT_KEYS: [string, string][] = [
  ["taskId", "task"],
  ["planId", "plan"],
  ["userId", "user"],
  ["unitId", "unit"],
  ["groupId", "unit_group"],
];

/**
 * Every refused mutation leaves one record (等保 安全审计): the procedure, the object it aimed at
 * (when the input names one) and the reason code. Errors already audited by a service are skipped.
 */
export async function recordRefusal(
  ctx: Context,
  path: string,
  rawInput: unknown,
  code: string,
  error: AppError | null,
): Promise<void> {
  if (error?.audited) return;
  const input = (typeof rawInput === "object" && rawInput !== null ? rawInput : {}) as Record<string, unknown>;
  const [key, objectType] = OBJECT_KEYS.find(([k]) => typeof input[k] === "string") ?? [null, null];
  const event = (input.event ?? null) as { type?: unknown } | null;
  try {
    await recordAudit(ctx, ctx.db, {
      action: path,
      outcome: "refused",
      reason_code: error?.details.guard ? `${code}:${error.details.guard}` : code,
      object_type: objectType,
      object_id: key ? String(input[key]) : null,
      task_id: key === "taskId" ? String(input[key]) : null,
      comment: error?.message ?? null,
      detail: {
        event: typeof event?.type === "string" ? event.type.slice(0, 64) : null,
        username: path === "auth.login" && typeof input.username === "string" ? input.username.slice(0, 64) : undefined,
      },
    });
  } catch (cause) {
    ctx.logger.error({ err: cause, path }, "could not audit a refused request");
  }
}
