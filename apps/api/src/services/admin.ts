// Units, unit groups and user accounts. 三员分立: the system administrator manages units and unit
// groups; the security administrator manages accounts and roles; the auditor reads the log; none
// moves a task, and none of them touches an administrative account — another's or their own
// (`accountRefusal`, the one rule). Every change is audited.
import {
  createUnit,
  createUnitGroup,
  createUser,
  getUnit,
  getUnitsByIds,
  getUserById,
  getUserByUsername,
  inTransaction,
  listUnitGroupMemberIds,
  listUnitGroups,
  listUnits,
  listUsers,
  resetFailedLogins,
  revokeUserSessions,
  setUnitGroupMembers,
  updateUnit,
  updateUser,
  type UnitKind,
  type UserRow,
} from "@duban/db";
import { ADMINISTRATIVE_ROLES, type Role } from "@duban/workflow";
import type { Context, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { fieldCrypto, phoneContext } from "../security/fields";
import { checkPasswordPolicy, hashPassword } from "../security/passwords";
import { accountRefusal } from "../security/separation";
import { recordAudit } from "./audit";
import { loginLimiter } from "./auth";

type Authed = Context & { session: SessionUser };

function checkAccountOperation(ctx: Authed, target: { id: string; role: Role } | null, newRole?: Role): void {
  const refusal = accountRefusal(ctx.session.user, target, newRole);
  if (refusal !== null) throw new AppError("FORBIDDEN", refusal);
}

export async function listUnitsWithGroups(ctx: Authed) {
  const units = await listUnits(ctx.db);
  const groups = await listUnitGroups(ctx.db);
  const members = await listUnitGroupMemberIds(ctx.db);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, shortName: u.short_name, aliases: u.aliases, parentId: u.parent_id, kind: u.kind })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, aliases: g.aliases, memberIds: members.get(g.id) ?? [] })),
  };
}

export async function createUnitAudited(ctx: Authed, input: { name: string; kind: UnitKind; aliases: string[]; parentId?: string | null | undefined }) {
  return inTransaction(ctx.db, async (trx) => {
    const existing = await trx.selectFrom("units").select("id").where("name", "=", input.name).executeTakeFirst();
    if (existing) throw new AppError("CONFLICT", "已存在同名单位");
    if (input.parentId != null && (await getUnit(trx, input.parentId)) === undefined) {
      throw new AppError("BAD_INPUT", "上级单位不存在", { fields: { parentId: "上级单位不存在" } });
    }
    const unit = await createUnit(trx, { name: input.name, kind: input.kind, aliases: input.aliases, parent_id: input.parentId ?? null, created_at: ctx.clock().toISOString() });
    await recordAudit(ctx, trx, { action: "unit.create", object_type: "unit", object_id: unit.id, comment: unit.name });
    return { id: unit.id };
  });
}

export async function updateUnitAudited(ctx: Authed, input: { unitId: string; name?: string | undefined; aliases?: string[] | undefined; kind?: UnitKind | undefined }) {
  // Nothing to change is the caller's mistake (an UPDATE with no column is an SQL error: a 500).
  if (input.name === undefined && input.aliases === undefined && input.kind === undefined) {
    throw new AppError("BAD_INPUT", "请至少修改一项：名称、类型或别名");
  }
  return inTransaction(ctx.db, async (trx) => {
    if ((await getUnit(trx, input.unitId)) === undefined) throw notFound("单位");
    if (input.name !== undefined) {
      const clash = await trx.selectFrom("units").select("id").where("name", "=", input.name).where("id", "!=", input.unitId).executeTakeFirst();
      if (clash) throw new AppError("CONFLICT", "已存在同名单位");
    }
    await updateUnit(trx, input.unitId, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.aliases !== undefined ? { aliases: input.aliases } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
    });
    await recordAudit(ctx, trx, { action: "unit.update", object_type: "unit", object_id: input.unitId, detail: input });
    return { id: input.unitId };
  });
}

export async function saveUnitGroup(ctx: Authed, input: { groupId?: string | undefined; name: string; aliases: string[]; memberIds: string[] }) {
  return inTransaction(ctx.db, async (trx) => {
    const memberIds = [...new Set(input.memberIds)];
    if ((await getUnitsByIds(trx, memberIds)).length !== memberIds.length) {
      throw new AppError("BAD_INPUT", "分组成员中有不存在的单位", { fields: { memberIds: "分组成员中有不存在的单位" } });
    }
    let groupId = input.groupId;
    const clash = await trx.selectFrom("unit_groups").select("id").where("name", "=", input.name).executeTakeFirst();
    if (clash && clash.id !== groupId) throw new AppError("CONFLICT", "已存在同名单位分组");
    if (groupId === undefined) {
      const group = await createUnitGroup(trx, { name: input.name, aliases: input.aliases, memberIds });
      groupId = group.id;
    } else {
      const updated = await trx.updateTable("unit_groups").set({ name: input.name, aliases: JSON.stringify(input.aliases) }).where("id", "=", groupId).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw notFound("单位分组");
      await setUnitGroupMembers(trx, groupId, memberIds);
    }
    await recordAudit(ctx, trx, { action: "unit_group.save", object_type: "unit_group", object_id: groupId, detail: { name: input.name, memberCount: memberIds.length } });
    return { id: groupId };
  });
}

/** The phone number, decrypted; null when none or unreadable (a damaged ciphertext is logged, never shown). */
function readPhone(ctx: Authed, u: UserRow): string | null {
  if (u.phone_enc === null) return null;
  try {
    return fieldCrypto(ctx.config.security).decrypt(u.phone_enc, phoneContext(u.id));
  } catch (err) {
    ctx.logger.warn({ err, userId: u.id }, "phone field could not be decrypted");
    return null;
  }
}

const encryptPhone = (ctx: Authed, userId: string, phone: string) => fieldCrypto(ctx.config.security).encrypt(phone, phoneContext(userId));

/** Lower-cased names of the accounts locked (from some address) right now. */
const lockedNames = (ctx: Authed) => loginLimiter(ctx).lockedAccounts();

export function toUserView(ctx: Authed, u: UserRow, locked: ReadonlySet<string>) {
  const refusal = accountRefusal(ctx.session.user, u);
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    unitId: u.unit_id,
    disabled: Boolean(u.disabled),
    locked: locked.has(u.username.toLowerCase()),
    mustChangePassword: Boolean(u.must_change_password),
    phone: readPhone(ctx, u),
    totpEnabled: u.totp_secret_enc !== null && Boolean(u.totp_enabled),
    version: u.version,
    /** whether the signed-in user may edit this account, change its role or reset its TOTP (三员: security/separation.ts) */
    manageable: refusal === null,
    /** why not, in words the page shows in place of the buttons (null when manageable) */
    manageRefusal: refusal,
  };
}

export async function listUserViews(ctx: Authed) {
  const locked = await lockedNames(ctx);
  return (await listUsers(ctx.db, { includeDisabled: true })).map((u) => toUserView(ctx, u, locked));
}

export async function createUserAudited(
  ctx: Authed,
  input: { username: string; displayName: string; password: string; role: Role; unitId?: string | null | undefined; phone?: string | undefined },
) {
  checkAccountOperation(ctx, null, input.role);
  const problem = checkPasswordPolicy(input.password, input.username);
  if (problem) throw new AppError("BAD_INPUT", problem, { fields: { password: problem } });
  if (input.role === "liaison" && !input.unitId) throw new AppError("BAD_INPUT", "联络员必须属于一个单位", { fields: { unitId: "请选择单位" } });
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx.db, async (trx) => {
    if (await getUserByUsername(trx, input.username)) throw new AppError("CONFLICT", "用户名已存在");
    if (input.unitId && (await getUnit(trx, input.unitId)) === undefined) throw notFound("单位");
    const user = await createUser(trx, {
      username: input.username,
      display_name: input.displayName,
      password_hash: passwordHash,
      role: input.role,
      unit_id: input.unitId ?? null,
      must_change_password: true,
      created_at: ctx.clock().toISOString(),
    });
    if (input.phone !== undefined) {
      await trx.updateTable("users").set({ phone_enc: encryptPhone(ctx, user.id, input.phone) }).where("id", "=", user.id).execute();
      user.phone_enc = (await getUserById(trx, user.id))?.phone_enc ?? null;
    }
    await recordAudit(ctx, trx, { action: "user.create", object_type: "user", object_id: user.id, detail: { username: user.username, role: user.role, unitId: user.unit_id, phoneSet: input.phone !== undefined } });
    return toUserView(ctx, user, new Set());
  });
}

/** The security administrator edits a business account: name, unit, disabled, unlock, password reset. */
export async function updateUserAudited(
  ctx: Authed,
  input: { userId: string; expectedVersion: number; displayName?: string | undefined; unitId?: string | null | undefined; disabled?: boolean | undefined; unlock?: boolean | undefined; resetPassword?: string | undefined; phone?: string | null | undefined },
) {
  const target = await getUserById(ctx.db, input.userId);
  if (target === undefined) throw notFound("用户");
  checkAccountOperation(ctx, target);
  if (input.resetPassword !== undefined) {
    const problem = checkPasswordPolicy(input.resetPassword, target.username);
    if (problem) throw new AppError("BAD_INPUT", problem, { fields: { resetPassword: problem } });
  }
  const passwordHash = input.resetPassword !== undefined ? await hashPassword(input.resetPassword) : undefined;
  // The sign-in limiter keeps its rows in the database on its own connection: it is asked only
  // after the commit (inside the transaction it would wait for it — SQLite has one connection).
  const row = await inTransaction(ctx.db, async (trx) => {
    const now = ctx.clock().toISOString();
    const row = await updateUser(trx, input.userId, input.expectedVersion, {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.unitId !== undefined ? { unit_id: input.unitId } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled ? 1 : 0 } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash, must_change_password: 1 } : {}),
      ...(input.phone !== undefined ? { phone_enc: input.phone === null ? null : encryptPhone(ctx, input.userId, input.phone) } : {}),
    }, now);
    if (row === null) throw new AppError("CONFLICT", "该账号已被他人修改，请刷新后再试");
    if (input.unlock) await resetFailedLogins(trx, input.userId);
    if (input.disabled || passwordHash !== undefined || input.unitId !== undefined) await revokeUserSessions(trx, input.userId, now);
    await recordAudit(ctx, trx, {
      action: "user.update",
      object_type: "user",
      object_id: input.userId,
      detail: { displayName: input.displayName, unitId: input.unitId, disabled: input.disabled, unlock: input.unlock, passwordReset: passwordHash !== undefined, phoneChanged: input.phone !== undefined },
    });
    return row;
  });
  if (input.unlock) await loginLimiter(ctx).unlock(target.username);
  return toUserView(ctx, row, await lockedNames(ctx));
}

/** The security administrator grants a role (权限变更). One person holds one role, so 三员 never combine. */
export async function grantRole(ctx: Authed, input: { userId: string; expectedVersion: number; role: Role }) {
  const row = await inTransaction(ctx.db, async (trx) => {
    const target = await getUserById(trx, input.userId);
    if (target === undefined) throw notFound("用户");
    checkAccountOperation(ctx, target, input.role);
    if (input.role === "liaison" && target.unit_id === null) throw new AppError("BAD_INPUT", "联络员必须属于一个单位，请先由系统管理员设置单位");
    const now = ctx.clock().toISOString();
    const row = await updateUser(trx, input.userId, input.expectedVersion, { role: input.role }, now);
    if (row === null) throw new AppError("CONFLICT", "该账号已被他人修改，请刷新后再试");
    await revokeUserSessions(trx, input.userId, now);
    await recordAudit(ctx, trx, {
      action: "user.grant_role",
      object_type: "user",
      object_id: input.userId,
      detail: { from: target.role, to: input.role, administrative: ADMINISTRATIVE_ROLES.includes(input.role) },
    });
    return row;
  });
  return toUserView(ctx, row, await lockedNames(ctx));
}
