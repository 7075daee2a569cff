// Sign-in, sessions and passwords. Failures are audited and count towards a temporary lock.
import {
  createSession,
  getUnit,
  getUserById,
  getUserByUsername,
  getValidSession,
  inTransaction,
  recordFailedLogin,
  resetFailedLogins,
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
import { loginLimiterFor } from "../security/rate-limit";
import { recordAudit } from "./audit";
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

export async function describeUser(ctx: InnerContext, user: UserRow): Promise<Me> {
  const unit = user.unit_id ? await getUnit(ctx.db, user.unit_id) : undefined;
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    unitId: user.unit_id,
    unitName: unit?.name ?? null,
    mustChangePassword: Boolean(user.must_change_password),
    totpEnabled: Boolean(user.totp_enabled),
    totpSetupRequired: await totpSetupRequired(ctx, user),
    timeZone: ctx.config.timeZone,
    can: capabilitiesOf(user.role),
  };
}

async function refuseLogin(ctx: Context, user: UserRow | undefined, username: string, reason: string, extra: Record<string, unknown> = {}): Promise<never> {
  const now = ctx.clock();
  await inTransaction(ctx.db, async (trx) => {
    let locked: string | null = null;
    if (user !== undefined && (reason === "WRONG_PASSWORD" || reason === "WRONG_TOTP")) {
      const result = await recordFailedLogin(trx, user.id, {
        lockAfter: ctx.config.lockAfterFailures,
        lockUntil: new Date(now.getTime() + ctx.config.lockMs).toISOString(),
      });
      locked = result?.locked_until ?? null;
    }
    await recordAudit({ ...ctx, session: null }, trx, {
      action: "auth.login",
      outcome: "refused",
      reason_code: reason,
      actor_user_id: user?.id ?? null,
      actor_username: username.slice(0, 64),
      actor_role: user?.role ?? null,
      actor_unit_id: user?.unit_id ?? null,
      object_type: "user",
      object_id: user?.id ?? null,
      detail: locked ? { ...extra, lockedUntil: locked } : extra,
    });
  });
  if (reason === "LOCKED") {
    throw new AppError("LOCKED", `登录失败次数过多，账号已临时锁定，请 ${Math.ceil(ctx.config.lockMs / 60_000)} 分钟后再试`).markAudited();
  }
  if (reason === "RATE_LIMITED") {
    throw new AppError("RATE_LIMITED", `登录尝试过于频繁，请 ${Math.ceil(ctx.config.security.loginWindowMs / 60_000)} 分钟后再试`).markAudited();
  }
  if (reason === "TOTP_REQUIRED") throw new AppError("TOTP_REQUIRED", "该账号已启用动态验证码，请输入验证器上的 6 位动态验证码", { fields: { totp: "请输入动态验证码" } }).markAudited();
  if (reason === "WRONG_TOTP") throw new AppError("TOTP_INVALID", "动态验证码错误或已使用，请输入验证器上最新的 6 位数字", { fields: { totp: "动态验证码错误" } }).markAudited();
  throw new AppError("UNAUTHORIZED", WRONG_CREDENTIALS).markAudited();
}

export async function login(ctx: Context, input: { username: string; password: string; totp?: string | undefined }): Promise<Me> {
  const now = ctx.clock();
  const { loginPerAddress, loginPerAccount, loginWindowMs } = ctx.config.security;
  const limiter = loginLimiterFor(ctx.db, { perAddress: loginPerAddress, perAccount: loginPerAccount, windowMs: loginWindowMs });
  const exceeded = limiter.check(ctx.request.clientIp, input.username, now.getTime());
  if (exceeded !== null) {
    // Not even the password is checked: no oracle and no cost for a flood.
    return refuseLogin(ctx, await getUserByUsername(ctx.db, input.username), input.username, "RATE_LIMITED", { limit: exceeded });
  }
  const user = await getUserByUsername(ctx.db, input.username);
  if (user === undefined) {
    await verifyPassword(input.password, await DUMMY_HASH_PROMISE); // same cost either way
    return refuseLogin(ctx, undefined, input.username, "UNKNOWN_USER");
  }
  if (user.locked_until !== null && user.locked_until > now.toISOString()) return refuseLogin(ctx, user, input.username, "LOCKED");
  if (user.disabled) return refuseLogin(ctx, user, input.username, "DISABLED");
  if (!(await verifyPassword(input.password, user.password_hash))) {
    return refuseLogin(ctx, user, input.username, "WRONG_PASSWORD");
  }
  let totpStep: number | null = null;
  if (user.totp_enabled) {
    if (!input.totp) return refuseLogin(ctx, user, input.username, "TOTP_REQUIRED");
    totpStep = checkTotpCode(ctx, user, input.totp);
    if (totpStep === null) return refuseLogin(ctx, user, input.username, "WRONG_TOTP");
  }
  const token = newSessionToken();
  await inTransaction(ctx.db, async (trx) => {
    await resetFailedLogins(trx, user.id);
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
