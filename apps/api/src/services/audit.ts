// Writing the audit log from the API: who (from the session), from where, what, and the outcome.
import { appendAudit, inTransaction, type AuditRecordInput, type DbOrTrx } from "@duban/db";
import type { Context, InnerContext, RequestInfo, SessionUser } from "../context";
import type { AppError } from "../errors";
import { RefusalBursts } from "../security/refusal-bursts";

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

/** A refusal to audit: what was asked, why it was refused, and (when known) the object it aimed at. */
export interface RefusalRecord {
  action: string;
  reason_code: string;
  object_type?: string | null;
  object_id?: string | null;
  task_id?: string | null;
  comment?: string | null;
  detail?: Record<string, unknown>;
  /** For refused sign-ins: the name tried (there is no session to name the actor). */
  actor_username?: string | null;
  actor_user_id?: string | null;
  actor_role?: string | null;
  actor_unit_id?: string | null;
}

const BURST_MS = 60_000;

/** Refused input may hold anything; U+0000 cannot be stored on PostgreSQL, so it never reaches the record. */
const clean = (text: string | null | undefined, max: number): string | null => (text == null ? null : text.slice(0, max).replaceAll("\u0000", "\ufffd"));
const MAX_OPEN_BURSTS = 10_000;

interface AppBursts {
  bursts: RefusalBursts<AuditRecordInput>;
  timer: NodeJS.Timeout;
  ctx: InnerContext;
  flushing: Promise<void> | null;
}
const burstsByApp = new WeakMap<object, AppBursts>();

function burstsOf(ctx: InnerContext): AppBursts {
  let state = burstsByApp.get(ctx.db);
  if (state === undefined) {
    const created: AppBursts = { bursts: new RefusalBursts(BURST_MS, MAX_OPEN_BURSTS), timer: setInterval(() => void flushRefusalBursts(ctx, false), BURST_MS), ctx, flushing: null };
    created.timer.unref();
    burstsByApp.set(ctx.db, created);
    state = created;
  }
  return state;
}

/**
 * Audits one refusal (等保 安全审计) without letting a flood of them fill the log: the first of a
 * burst (same action, reason, actor, address and object within a minute) is written at once, the
 * rest are counted and written as one summary record (`detail.repeated`) when the burst ends; one
 * source refusing many objects folds past 100 of them (security/refusal-bursts.ts). Never throws:
 * a refusal must reach the caller even when the log cannot be written (that failure is logged).
 */
export async function auditRefusal(ctx: Auditable, refusal: RefusalRecord): Promise<void> {
  const user = ctx.session?.user;
  const record: AuditRecordInput = {
    at: ctx.clock().toISOString(),
    actor_user_id: user?.id ?? refusal.actor_user_id ?? null,
    actor_username: user?.username ?? clean(refusal.actor_username, 64),
    actor_role: user?.role ?? refusal.actor_role ?? null,
    actor_unit_id: user?.unit_id ?? refusal.actor_unit_id ?? null,
    client_ip: ctx.request?.clientIp ?? null,
    action: refusal.action.slice(0, 100),
    outcome: "refused",
    reason_code: refusal.reason_code,
    object_type: refusal.object_type ?? null,
    object_id: clean(refusal.object_id, 200),
    task_id: clean(refusal.task_id, 64),
    comment: clean(refusal.comment, 500),
    detail: refusal.detail ?? {},
  };
  const source = [record.action, record.reason_code, record.actor_user_id ?? `name:${record.actor_username ?? ""}`, record.client_ip ?? ""].join("\u0000");
  const state = burstsOf(ctx);
  const opens = state.bursts.note(source, `${record.object_type ?? ""}:${record.object_id ?? ""}`, record, Date.now());
  if (state.bursts.hasSummaries) void flushRefusalBursts(ctx, false);
  if (!opens) return;
  try {
    await appendAudit(ctx.db, record, { alg: ctx.config.auditHash });
  } catch (cause) {
    ctx.logger.error({ err: cause, action: record.action }, "could not audit a refusal");
  }
}

/** Writes the summaries of ended bursts (all bursts when `all`: shutdown, tests). One writer at a time. */
export async function flushRefusalBursts(ctx: InnerContext, all = true): Promise<void> {
  const state = burstsByApp.get(ctx.db);
  if (state === undefined) return;
  while (state.flushing !== null) await state.flushing;
  const summaries = state.bursts.takeSummaries(Date.now(), all);
  if (summaries.length === 0) return;
  state.flushing = (async () => {
    try {
      await inTransaction(ctx.db, async (trx) => {
        for (const burst of summaries) {
          const detail = (typeof burst.record.detail === "object" && burst.record.detail !== null ? burst.record.detail : {}) as Record<string, unknown>;
          await appendAudit(
            trx,
            {
              ...burst.record,
              at: ctx.clock().toISOString(),
              comment: `同一拒绝在 ${new Date(burst.startedAt).toISOString()} 至 ${new Date(burst.lastAt).toISOString()} 间又发生 ${burst.repeats} 次`,
              detail: { ...detail, repeated: burst.repeats, firstAt: new Date(burst.startedAt).toISOString(), lastAt: new Date(burst.lastAt).toISOString() },
            },
            { alg: ctx.config.auditHash },
          );
        }
      });
    } catch (cause) {
      ctx.logger.error({ err: cause, summaries: summaries.length }, "could not audit refusal summaries");
    } finally {
      state.flushing = null;
    }
  })();
  await state.flushing;
}

/** Shutdown: stop the summary timer and write what is pending. */
export async function closeRefusalAudit(ctx: InnerContext): Promise<void> {
  const state = burstsByApp.get(ctx.db);
  if (state === undefined) return;
  clearInterval(state.timer);
  await flushRefusalBursts(ctx, true);
  burstsByApp.delete(ctx.db);
}

/**
 * Every refused procedure call — query or mutation — is audited: the procedure, the object it aimed
 * at (when the input names one) and the reason code. Errors already audited by a service are skipped.
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
  await auditRefusal(ctx, {
    action: path,
    reason_code: error?.details.guard ? `${code}:${error.details.guard}` : code,
    object_type: objectType,
    object_id: key ? String(input[key]) : null,
    task_id: key === "taskId" ? String(input[key]) : null,
    comment: error?.message ?? null,
    detail: {
      event: typeof event?.type === "string" ? clean(event.type, 64) : null,
      ...(path === "auth.login" && typeof input.username === "string" ? { username: clean(input.username, 64) } : {}),
    },
  });
}
