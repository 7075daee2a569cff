// The domain's own errors. One table maps each code to a tRPC (and HTTP) code.
import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { Refusal } from "@duban/workflow";

export const APP_ERROR_CODES = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  BAD_INPUT: "BAD_REQUEST",
  LOCKED: "TOO_MANY_REQUESTS",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  TOTP_REQUIRED: "UNAUTHORIZED",
  TOTP_INVALID: "UNAUTHORIZED",
  TOTP_SETUP_REQUIRED: "FORBIDDEN",
  PASSWORD_CHANGE_REQUIRED: "FORBIDDEN",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  // Lifecycle refusals: the move is not allowed for this user, unit or state.
  INVALID_EVENT: "BAD_REQUEST",
  MISSING_REASON: "BAD_REQUEST",
  TASK_CLOSED: "PRECONDITION_FAILED",
  FORBIDDEN_FOR_ROLE: "FORBIDDEN",
  NOT_YOUR_UNIT: "FORBIDDEN",
  NOT_SUPERVISOR: "FORBIDDEN",
  NOT_ALLOWED_IN_STATE: "PRECONDITION_FAILED",
  INVALID_RETURN_TARGET: "BAD_REQUEST",
  GUARD_FAILED: "PRECONDITION_FAILED",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;
export type AppErrorCode = keyof typeof APP_ERROR_CODES;

/** The HTTP status of a domain error answered outside tRPC (uploads, files): tRPC's own for its code. */
export function httpStatusOf(code: AppErrorCode): number {
  return getHTTPStatusCodeFromError(new TRPCError({ code: APP_ERROR_CODES[code] }));
}

/**
 * The audit reason code of an error tRPC raised itself (input validation, transport, an unexpected
 * throw): the domain's name where it has one, else tRPC's own code (PARSE_ERROR, PAYLOAD_TOO_LARGE…).
 */
export function reasonOfTRPCCode(code: TRPC_ERROR_CODE_KEY): string {
  if (code === "BAD_REQUEST") return "BAD_INPUT";
  if (code === "INTERNAL_SERVER_ERROR") return "INTERNAL";
  if (code === "TOO_MANY_REQUESTS") return "RATE_LIMITED";
  return code;
}

export class AppError extends Error {
  override name = "AppError";
  /** Set when a service already wrote the audit record for this refusal. */
  audited = false;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { guard?: string; fields?: Record<string, string> } = {},
  ) {
    super(message);
  }

  markAudited(): this {
    this.audited = true;
    return this;
  }

  static fromRefusal(refusal: Refusal): AppError {
    const details: { guard?: string; fields?: Record<string, string> } = {};
    if (refusal.guard !== undefined) details.guard = refusal.guard;
    if (refusal.fields !== undefined) details.fields = refusal.fields;
    return new AppError(refusal.code, refusal.message, details);
  }
}

export const notFound = (what = "记录") => new AppError("NOT_FOUND", `${what}不存在或您无权查看`);
export const forbidden = (message = "您无权执行此操作") => new AppError("FORBIDDEN", message);
