// tRPC is initialised here and only here. Exports the router factory and the base procedures.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { can, type Capability } from "./capabilities";
import type { Context, SessionUser } from "./context";
import { AppError, APP_ERROR_CODES, reasonOfTRPCCode } from "./errors";
import { refusals, requestDuration, transitions } from "./metrics";
import { recordRefusal } from "./services/audit";
import { authCacheOf, mayChangeSignIns } from "./services/auth-cache";
import { totpSetupRequired } from "./services/totp";

// Every validator message in Chinese, zod's own included (ours are written in Chinese already).
z.config(z.locales.zhCN());

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const appError = cause instanceof AppError ? cause : null;
    const zodError = cause instanceof ZodError ? cause : null;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Never a stack trace or an internal message to the page.
      message: internal ? "服务器内部错误，请稍后重试" : zodError ? describeZodError(zodError) : appError ? shape.message : (TRANSPORT_MESSAGES[shape.data.code] ?? shape.message),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appError?.code ?? (zodError ? "BAD_INPUT" : null),
        guard: appError?.details.guard ?? null,
        fields: zodError ? flattenFields(zodError) : (appError?.details.fields ?? null),
      },
    };
  },
});

/** Errors tRPC raises itself, before any procedure runs, get a Chinese message too. */
const TRANSPORT_MESSAGES: Partial<Record<string, string>> = {
  PARSE_ERROR: "请求内容不是有效的 JSON",
  METHOD_NOT_SUPPORTED: "不支持的请求方式",
  UNSUPPORTED_MEDIA_TYPE: "不支持的请求内容类型",
  PAYLOAD_TOO_LARGE: "请求内容过大",
};

function flattenFields(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
  return fields;
}

function describeZodError(error: ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return "输入有误";
  const where = first.path.length > 0 ? `（${first.path.join(".")}）` : "";
  return `输入有误${where}：${first.message}`;
}

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: APP_ERROR_CODES[error.code], message: error.message, cause: error });
}

/** Errors this boundary has audited; the HTTP layer audits the rest (errors raised before any procedure ran). */
const auditedErrors = new WeakSet<object>();
export const wasAudited = (error: object): boolean => auditedErrors.has(error);

/**
 * Turns domain errors into tRPC errors, logs the unexpected, and audits every refusal — of a query
 * or a mutation, internal errors included (aggregated per burst: services/audit.ts auditRefusal).
 */
const errorBoundary = t.middleware(async (opts) => {
  const result = await opts.next();
  // A committed mutation may have revoked a session or changed a user: this process's next request re-checks.
  if (opts.type === "mutation" && mayChangeSignIns(opts.path)) authCacheOf(opts.ctx.db).expire();
  if (result.ok) return result;
  const error = result.error;
  const rawInput = () => opts.getRawInput().catch(() => undefined);
  if (error.cause instanceof AppError) {
    const mapped = toTRPCError(error.cause);
    await recordRefusal(opts.ctx, opts.path, await rawInput(), error.cause.code, error.cause);
    auditedErrors.add(mapped);
    return { ...result, error: mapped };
  }
  if (error.code === "INTERNAL_SERVER_ERROR") opts.ctx.logger.error({ err: error.cause ?? error, path: opts.path }, "internal error");
  await recordRefusal(opts.ctx, opts.path, await rawInput(), reasonOfTRPCCode(error.code), null);
  auditedErrors.add(error);
  return result;
});

/** Latency by procedure, refusals by code, transitions by event (metrics.ts); outermost, so it sees the mapped error. */
const measure = t.middleware(async (opts) => {
  const started = performance.now();
  const result = await opts.next();
  const refusalCode = result.ok ? null : result.error.cause instanceof AppError ? result.error.cause.code : result.error.code === "INTERNAL_SERVER_ERROR" ? null : result.error.code === "BAD_REQUEST" ? "BAD_INPUT" : result.error.code;
  const outcome = result.ok ? "ok" : refusalCode === null ? "error" : "refused";
  requestDuration.observe({ procedure: opts.path, type: opts.type, outcome }, (performance.now() - started) / 1000);
  if (refusalCode !== null) refusals.inc({ code: refusalCode });
  if (opts.path === "task.transition") {
    const input = (await opts.getRawInput().catch(() => undefined)) as { event?: { type?: unknown } } | undefined;
    const event = typeof input?.event?.type === "string" && /^[A-Z_]{1,40}$/.test(input.event.type) ? input.event.type : "invalid";
    transitions.inc({ event, outcome });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Whether a string anywhere in a (raw) input holds U+0000 — to a small depth; deeper input fails validation anyway. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 32 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, v]) => key.includes("\u0000") || holdsNul(v, depth + 1));
}

/**
 * U+0000 is never valid input, and PostgreSQL can neither store nor compare it (a query with it
 * fails: a 500). Refused up front as bad input, the same on both dialects.
 */
const refuseNul = t.middleware(async (opts) => {
  if (holdsNul(await opts.getRawInput().catch(() => undefined))) throw new AppError("BAD_INPUT", "输入含有不允许的控制字符（U+0000）");
  return opts.next();
});

export const publicProcedure = t.procedure.use(measure).use(errorBoundary).use(refuseNul);

// The checks of the base procedures below, each written once; `authorize` makes all of them for an
// HTTP route outside tRPC (a download), so that it admits exactly whom the procedure would.
function signedIn(ctx: Context): SessionUser {
  if (ctx.session === null) throw new AppError("UNAUTHORIZED", "请先登录");
  return ctx.session;
}

async function checkAccountReady(ctx: Context, session: SessionUser): Promise<void> {
  if (session.user.must_change_password) {
    throw new AppError("PASSWORD_CHANGE_REQUIRED", "首次登录须先修改初始密码");
  }
  if (await totpSetupRequired(ctx, session.user)) {
    throw new AppError("TOTP_SETUP_REQUIRED", "您的角色要求使用动态验证码，请先绑定验证器");
  }
}

function checkCapability(session: SessionUser, capability: Capability): void {
  if (!can(session.user.role, capability)) throw new AppError("FORBIDDEN", "您的角色无权执行此操作");
}

/** What `capabilityProcedure(capability)` checks, in its order: the signed-in context, or the AppError it would raise. */
export async function authorize(ctx: Context, capability: Capability): Promise<Context & { session: SessionUser }> {
  const session = signedIn(ctx);
  await checkAccountReady(ctx, session);
  checkCapability(session, capability);
  return { ...ctx, session };
}

/** Signed in, with a password that need not be changed first (auth.* procedures use `sessionProcedure`). */
export const sessionProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { ...ctx, session: signedIn(ctx) } }));

export const authedProcedure = sessionProcedure.use(async ({ ctx, next }) => {
  await checkAccountReady(ctx, ctx.session);
  return next();
});

/** Only roles with this capability (the one table, `capabilities.ts`); everyone else gets FORBIDDEN (and the refusal is audited). */
export function capabilityProcedure(capability: Capability) {
  return authedProcedure.use(({ ctx, next }) => {
    checkCapability(ctx.session, capability);
    return next();
  });
}

export { z };
