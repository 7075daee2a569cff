// Sign-in, sessions and passwords. Failures are audited and count towards the limits of
// security/rate-limit.ts: per client address, and per account and address (the lock).
import {
  createSession,
  getUserById,
  getUserByUsername,
  getValidSession,
  inTransaction,
  revokeSession,
  revokeUserSessions,
  touchSession,
  updateUser,
  type UserRow,
} from "@duban/db";
import { capabilitiesOf, type Capability } from "../capabilities";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError } from "../errors";
import { checkPasswordPolicy, DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from "../security/passwords";
import { newSessionToken, sessionIdOf } from "../security/tokens";
import { loginLimiterOf } from "../security/rate-limit";
import { auditRefusal, recordAudit } from "./audit";
import { authCacheOf } from "./auth-cache";
import { checkTotpCode, totpSetupRequired } from "./totp";

const WRONG_CREDENTIALS = "用户名或密码错误";
/** Touch the session at most this often: an idle timeout of minutes does not need a write per request. */
const TOUCH_EVERY_MS = 60_000;

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: UserRow["role"];
  unitId: string | null;
  unitName: string | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** the role requires TOTP and it is not enabled yet: only auth.totpSetup / totpEnable work until then */
  totpSetupRequired: boolean;
  /** the office's zone (DUBAN_TIMEZONE): the web reads "today" in it, not in the browser's zone */
  timeZone: string;
  /** the pages and procedures this user may use: their role's row of the one capability table */
  can: Record<Capability, boolean>;
}

/** Each role's row of the capability table, built once (the table is fixed in the code). */
const capabilitiesByRole = new Map<UserRow["role"], Readonly<Record<Capability, boolean>>>();
function capabilityRow(role: UserRow["role"]): Readonly<Record<Capability, boolean>> {
  let row = capabilitiesByRole.get(role);
  if (row === undefined) {
    row = Object.freeze(capabilitiesOf(role));
    capabilitiesByRole.set(role, row);
  }
  return row;
}

/** What auth.me answers. Served from the auth cache: no query on a warm path (unit names: services/auth-cache.ts). */
export async function describeUser(ctx: InnerContext, user: UserRow): Promise<Me> {
  const cache = authCacheOf(ctx.db);
  const unitName = user.unit_id ? await cache.unitName(ctx.db, user.unit_id) : null;
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    unitId: user.unit_id,
    unitName,
    mustChangePassword: Boolean(user.must_change_password),
    totpEnabled: Boolean(user.totp_enabled),
    totpSetupRequired: await totpSetupRequired(ctx, user),
    timeZone: ctx.config.timeZone,
    can: capabilityRow(user.role),
  };
}

type LoginRefusalReason = "RATE_LIMITED" | "LOCKED" | "UNKNOWN_USER" | "DISABLED" | "WRONG_PASSWORD" | "TOTP_REQUIRED" | "WRONG_TOTP";

/** What a blocked address is told (auth.login, and the HTTP layer's fast refusal). */
export function rateLimitedMessage(ctx: InnerContext): string {
  return `登录失败次数过多，请 ${Math.ceil(ctx.config.security.loginWindowMs / 60_000)} 分钟后再试`;
}

/** The sign-in limiter of this app (security/rate-limit.ts), with its limits from the config. */
export function loginLimiter(ctx: InnerContext) {
  return loginLimiterOf(ctx.db, {
    failuresPerAddress: ctx.config.security.loginPerAddress,
    addressWindowMs: ctx.config.security.loginWindowMs,
    lockAfterFailures: ctx.config.lockAfterFailures,
    lockMs: ctx.config.lockMs,
  });
}

/**
 * Audits a refused sign-in (aggregated per burst: services/audit.ts) and answers it. A lock, an
 * unknown name and a disabled account answer exactly like a wrong password: nothing to enumerate.
 */
async function refuseLogin(ctx: Context, user: UserRow | undefined, username: string, reason: LoginRefusalReason, detail: Record<string, unknown> = {}): Promise<never> {
  const flood = reason === "RATE_LIMITED";
  await auditRefusal(
    { ...ctx, session: null },
    {
      action: "auth.login",
      reason_code: reason,
      // A flood from one address is one burst whatever names it tries: the name goes in the detail.
      actor_username: flood ? null : username,
      actor_user_id: user?.id ?? null,
      actor_role: user?.role ?? null,
      actor_unit_id: user?.unit_id ?? null,
      object_type: "user",
      object_id: user?.id ?? null,
      detail: flood ? { ...detail, username: username.slice(0, 64) } : detail,
    },
  );
  if (flood) {
    throw new AppError("RATE_LIMITED", rateLimitedMessage(ctx)).markAudited();
  }
  if (reason === "TOTP_REQUIRED") throw new AppError("TOTP_REQUIRED", "该账号已启用动态验证码，请输入验证器上的 6 位动态验证码", { fields: { totp: "请输入动态验证码" } }).markAudited();
  if (reason === "WRONG_TOTP") throw new AppError("TOTP_INVALID", "动态验证码错误或已使用，请输入验证器上最新的 6 位数字", { fields: { totp: "动态验证码错误" } }).markAudited();
  throw new AppError("UNAUTHORIZED", WRONG_CREDENTIALS).markAudited();
}

export async function login(ctx: Context, input: { username: string; password: string; totp?: string | undefined }): Promise<Me> {
  const now = ctx.clock();
  const address = ctx.request.clientIp ?? "unknown";
  const limiter = loginLimiter(ctx);
  const { refusal, accountFailures } = await limiter.check(address, input.username);
  // A flood from one address: not even the user is looked up — no oracle and no cost.
  if (refusal === "RATE_LIMITED") return refuseLogin(ctx, undefined, input.username, "RATE_LIMITED");
  const user = await getUserByUsername(ctx.db, input.username);
  // The password is checked whatever happens next: every refusal below takes the same time.
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
  const failed = async (reason: LoginRefusalReason) => {
    const { locked } = await limiter.fail(address, input.username);
    return refuseLogin(ctx, user, input.username, reason, locked ? { lockedNow: true } : {});
  };
  // A locked account still counts against its address: a flood of one name ends in the address
  // block, answered from memory, instead of costing scrypt per attempt for ever.
  if (refusal === "LOCKED") {
    await limiter.fail(address, input.username);
    return refuseLogin(ctx, user, input.username, "LOCKED");
  }
  if (user === undefined) return failed("UNKNOWN_USER");
  if (!passwordOk) return failed("WRONG_PASSWORD");
  if (user.disabled) return refuseLogin(ctx, user, input.username, "DISABLED");
  let totpStep: number | null = null;
  if (user.totp_enabled) {
    if (!input.totp) return refuseLogin(ctx, user, input.username, "TOTP_REQUIRED");
    totpStep = checkTotpCode(ctx, user, input.totp);
    if (totpStep === null) return failed("WRONG_TOTP");
  }
  if (accountFailures > 0) await limiter.succeed(address, input.username);
  const token = newSessionToken();
  await inTransaction(ctx.db, async (trx) => {
    if (totpStep !== null) await trx.updateTable("users").set({ totp_last_step: totpStep }).where("id", "=", user.id).execute();
    await createSession(trx, {
      id: sessionIdOf(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ctx.config.sessionAbsoluteMs).toISOString(),
      client_ip: ctx.request.clientIp,
      user_agent: ctx.request.userAgent?.slice(0, 300) ?? null,
    });
    await recordAudit({ ...ctx, session: { sessionId: "", user } }, trx, {
      action: "auth.login",
      object_type: "user",
      object_id: user.id,
      detail: { secondFactor: totpStep !== null ? "totp" : null },
    });
  });
  ctx.request.setSessionCookie(token, ctx.config.sessionAbsoluteMs);
  return describeUser(ctx, user);
}

/**
 * The signed-in user behind a session token, honouring the idle timeout and absolute lifetime.
 * Served from the process's auth cache when it can (no query); a revocation anywhere reaches it
 * within AUTH_POLL_MS (services/auth-cache.ts).
 */
export async function resolveSession(ctx: InnerContext, token: string | null): Promise<SessionUser | null> {
  if (!token) return null;
  const now = ctx.clock();
  const nowMs = now.getTime();
  const sessionId = sessionIdOf(token);
  const cache = authCacheOf(ctx.db);
  const generation = await cache.fresh(ctx.db);
  const cached = cache.session(sessionId);
  // A cached session idle for longer than allowed may have been used in another process: ask the database.
  if (cached !== undefined && cached.expiresAt > now.toISOString() && nowMs - cached.lastSeenAt <= ctx.config.sessionIdleMs) {
    if (nowMs - cached.lastSeenAt > TOUCH_EVERY_MS) {
      await touchSession(ctx.db, sessionId, now.toISOString());
      cached.lastSeenAt = nowMs;
    }
    return cached.session;
  }
  cache.forget(sessionId);
  const session = await getValidSession(ctx.db, sessionId, now.toISOString());
  if (session === undefined) return null;
  let lastSeenAt = Date.parse(session.last_seen_at);
  const idleFor = nowMs - lastSeenAt;
  if (idleFor > ctx.config.sessionIdleMs) {
    await revokeSession(ctx.db, sessionId, now.toISOString());
    cache.expire();
    return null;
  }
  const user = await getUserById(ctx.db, session.user_id);
  if (user === undefined || user.disabled) return null;
  if (idleFor > TOUCH_EVERY_MS) {
    await touchSession(ctx.db, sessionId, now.toISOString());
    lastSeenAt = nowMs;
  }
  const resolved = { sessionId, user };
  cache.remember(sessionId, generation, { session: resolved, expiresAt: session.expires_at, lastSeenAt });
  return resolved;
}

export async function logout(ctx: Context & { session: SessionUser }): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    await revokeSession(trx, ctx.session.sessionId, ctx.clock().toISOString());
    await recordAudit(ctx, trx, { action: "auth.logout", object_type: "user", object_id: ctx.session.user.id });
  });
  authCacheOf(ctx.db).forget(ctx.session.sessionId);
  ctx.request.clearSessionCookie();
}

export async function changePassword(
  ctx: Context & { session: SessionUser },
  input: { currentPassword: string; newPassword: string },
): Promise<Me> {
  const user = ctx.session.user;
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError("BAD_INPUT", "当前密码不正确", { fields: { currentPassword: "当前密码不正确" } });
  }
  const problem = checkPasswordPolicy(input.newPassword, user.username);
  if (problem) throw new AppError("BAD_INPUT", problem, { fields: { newPassword: problem } });
  if (input.newPassword === input.currentPassword) {
    throw new AppError("BAD_INPUT", "新密码不能与当前密码相同", { fields: { newPassword: "新密码不能与当前密码相同" } });
  }
  const hash = await hashPassword(input.newPassword);
  const now = ctx.clock().toISOString();
  const updated = await inTransaction(ctx.db, async (trx) => {
    const row = await updateUser(trx, user.id, user.version, { password_hash: hash, must_change_password: 0, password_changed_at: now }, now);
    if (row === null) throw new AppError("CONFLICT", "账号信息已被修改，请重新登录后再试");
    // Other sessions of this user end; this one stays.
    await revokeUserSessions(trx, user.id, now);
    await trx.updateTable("sessions").set({ revoked_at: null }).where("id", "=", ctx.session.sessionId).execute();
    await recordAudit(ctx, trx, { action: "auth.change_password", object_type: "user", object_id: user.id });
    return row;
  });
  return describeUser(ctx, updated);
}
