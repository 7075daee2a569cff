// 三员分立 on accounts (等保: system, security and audit administrators kept apart), in one place.
import type { UserRow } from "@duban/db";
import { ADMINISTRATIVE_ROLES, type Role } from "@duban/workflow";

/** Roles given through the web; the 三员 roles are set up on the command line (`pnpm cli user add`). */
export const BUSINESS_ROLES: readonly Role[] = ["liaison", "office", "leader", "evaluator"];

/**
 * 三员分立 on accounts, in one place: only the security administrator manages accounts and roles,
 * only business accounts (never an administrative one — sysadmin, secadmin, auditor — another's or
 * its own: those are set up with `pnpm cli user add` by whoever installs the server), and only with
 * business roles. Every account operation (create, edit — name, unit, disable, unlock, password
 * reset —, grant a role, reset TOTP) follows this rule. Returns why `actor` may not act on `target`
 * (null: creating), giving `newRole` when one is given; null = allowed.
 */
export function accountRefusal(actor: Pick<UserRow, "id" | "role">, target: { id: string; role: Role } | null, newRole?: Role): string | null {
  if (actor.role !== "secadmin") return "只有安全管理员可以管理账号和角色";
  if (target !== null && target.id === actor.id) return "不能管理自己的账号";
  if (target !== null && ADMINISTRATIVE_ROLES.includes(target.role)) return "系统管理员、安全管理员、审计管理员的账号只能在服务器上用命令行管理";
  if (newRole !== undefined && !BUSINESS_ROLES.includes(newRole)) return "三员角色（系统管理员、安全管理员、审计管理员）只能在服务器上用命令行设置";
  return null;
}

