// Second factor: TOTP (RFC 6238) through the maintained `otpauth` package. The secret is stored
// encrypted (security/fields.ts) and bound to its user row; a code is accepted once (replay guard).
import { getUserById, inTransaction, type DbOrTrx, type UserRole, type UserRow } from "@duban/db";
import { ROLES } from "@duban/workflow";
import { Secret, TOTP } from "otpauth";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError } from "../errors";
import { fieldCrypto, totpContext } from "../security/fields";
import { accountRefusal } from "../security/separation";
import { recordAudit } from "./audit";
import { authCacheOf } from "./auth-cache";

type Authed = Context & { session: SessionUser };
const PERIOD_SECONDS = 30;

function totpFor(ctx: InnerContext, user: Pick<UserRow, "username">, secretBase32: string): TOTP {
  return new TOTP({ issuer: ctx.config.security.totpIssuer, label: user.username, algorithm: "SHA1", digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** Whether the user's role requires a second factor (set by the security administrator). */
export async function roleRequiresTotp(db: DbOrTrx, role: UserRole): Promise<boolean> {
  const row = await db.selectFrom("role_security").select("totp_required").where("role", "=", role).executeTakeFirst();
  return Boolean(row?.totp_required);
}

/** Signed in, but the role requires TOTP and the user has not enabled it yet: only enrolment is allowed. */
export async function totpSetupRequired(ctx: InnerContext, user: UserRow): Promise<boolean> {
  return !user.totp_enabled && (await authCacheOf(ctx.db).roleRequiresTotp(ctx.db, user.role));
}

/**
 * Checks a login code for a user with TOTP enabled: ±1 step of clock drift, each step once.
 * Returns the step to record, or null when the code is wrong or replayed.
 */
export function checkTotpCode(ctx: InnerContext, user: UserRow, code: string): number | null {
  if (user.totp_secret_enc === null) return null;
  const secret = fieldCrypto(ctx.config.security).decrypt(user.totp_secret_enc, totpContext(user.id));
  const now = ctx.clock().getTime();
  const delta = totpFor(ctx, user, secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  if (user.totp_last_step !== null && step <= user.totp_last_step) return null;
  return step;
}

/** Starts enrolment: a new secret (encrypted at rest), returned once with its otpauth:// URI. */
export async function setupTotp(ctx: Authed): Promise<{ uri: string; secret: string }> {
  const user = await getUserById(ctx.db, ctx.session.user.id); // fresh: the session's copy may predate enabling
  if (user === undefined) throw new AppError("UNAUTHORIZED", "请先登录");
  if (user.totp_enabled) throw new AppError("CONFLICT", "已启用动态验证码，如需更换请联系安全管理员重置");
  const secret = new Secret({ size: 20 }).base32;
  const enc = fieldCrypto(ctx.config.security).encrypt(secret, totpContext(user.id));
  await inTransaction(ctx.db, async (trx) => {
    await trx.updateTable("users").set({ totp_secret_enc: enc, totp_enabled: 0, totp_last_step: null }).where("id", "=", user.id).execute();
    await recordAudit(ctx, trx, { action: "auth.totp_setup", object_type: "user", object_id: user.id });
  });
  return { uri: totpFor(ctx, user, secret).toString(), secret };
}

/** Confirms enrolment with a current code; from then on login needs a code. */
export async function enableTotp(ctx: Authed, code: string): Promise<{ enabled: true }> {
  const user = await getUserById(ctx.db, ctx.session.user.id);
  if (user === undefined) throw new AppError("UNAUTHORIZED", "请先登录");
  if (user.totp_enabled) throw new AppError("CONFLICT", "已启用动态验证码");
  if (user.totp_secret_enc === null) throw new AppError("BAD_INPUT", "请先获取动态验证码密钥（绑定验证器）");
  const step = checkTotpCode(ctx, user, code);
  if (step === null) throw new AppError("TOTP_INVALID", "动态验证码错误，请核对验证器上的 6 位数字", { fields: { code: "动态验证码错误" } });
  await inTransaction(ctx.db, async (trx) => {
    await trx.updateTable("users").set({ totp_enabled: 1, totp_last_step: step }).where("id", "=", user.id).execute();
    await recordAudit(ctx, trx, { action: "auth.totp_enable", object_type: "user", object_id: user.id });
  });
  return { enabled: true };
}

/** The security administrator's per-role policy. */
export async function listTotpPolicy(ctx: InnerContext): Promise<{ role: UserRole; required: boolean }[]> {
  const rows = await ctx.db.selectFrom("role_security").select(["role", "totp_required"]).execute();
  const required = new Map(rows.map((r) => [r.role, Boolean(r.totp_required)]));
  return ROLES.map((role) => ({ role, required: required.get(role) ?? false }));
}

export async function setTotpRequired(ctx: Authed, input: { role: UserRole; required: boolean }): Promise<{ role: UserRole; required: boolean }> {
  const now = ctx.clock().toISOString();
  await inTransaction(ctx.db, async (trx) => {
    const before = await roleRequiresTotp(trx, input.role);
    await trx
      .insertInto("role_security")
      .values({ role: input.role, totp_required: input.required ? 1 : 0, updated_at: now, updated_by: ctx.session.user.id })
      .onConflict((oc) => oc.column("role").doUpdateSet({ totp_required: input.required ? 1 : 0, updated_at: now, updated_by: ctx.session.user.id }))
      .execute();
    await recordAudit(ctx, trx, { action: "security.set_totp_required", object_type: "role", object_id: input.role, detail: { from: before, to: input.required } });
  });
  return input;
}

/** The security administrator resets a user's second factor (lost device): the user enrols again at next sign-in if required. */
export async function resetTotp(ctx: Authed, input: { userId: string }): Promise<{ userId: string; reset: boolean }> {
  return inTransaction(ctx.db, async (trx) => {
    const target = await getUserById(trx, input.userId);
    if (target === undefined) throw new AppError("NOT_FOUND", "用户不存在");
    const refusal = accountRefusal(ctx.session.user, target);
    if (refusal !== null) throw new AppError("FORBIDDEN", refusal);
    await trx.updateTable("users").set({ totp_secret_enc: null, totp_enabled: 0, totp_last_step: null }).where("id", "=", input.userId).execute();
    await recordAudit(ctx, trx, { action: "user.reset_totp", object_type: "user", object_id: input.userId, detail: { wasEnabled: Boolean(target.totp_enabled) } });
    return { userId: input.userId, reset: Boolean(target.totp_enabled) || target.totp_secret_enc !== null };
  });
}
