// Which role may use which page and procedure: the ONE table. The routers guard their procedures
// with it (`capabilityProcedure`), services ask `can()`, and `auth.me` sends each user their row,
// so the web's menu and pages follow it instead of repeating role lists. Task moves are not here:
// who may send which task event is the lifecycle's permission table (@duban/workflow).
import type { Role } from "@duban/workflow";

export const CAPABILITIES = {
  /** 我的待办 (`task.todo`): roles with work waiting on them. */
  todo: ["liaison", "office", "leader", "evaluator"],
  /** 工作方案 and task pages: reading tasks (a liaison only its unit's). */
  readTasks: ["liaison", "office", "leader", "evaluator", "auditor"],
  /** Reading every task, not only the own unit's. */
  readAllTasks: ["office", "leader", "evaluator", "auditor"],
  /** 督办看板, 督办单 list, 月报缺报 (a liaison sees its unit's). */
  supervise: ["office", "leader", "auditor", "liaison"],
  /** Statistics and the ledger across every unit. */
  oversee: ["office", "leader", "auditor"],
  /** Draft, issue and discard 督办单; urge every overdue task; run the daily job. */
  manageNotices: ["office"],
  /** Answer (反馈) a 督办单 issued to the own unit. */
  answerNotices: ["liaison"],
  /** 季通报 (.docx). */
  exportBulletin: ["office", "leader"],
  /** Create and import plans. */
  managePlans: ["office"],
  /** Upload evidence files. */
  upload: ["liaison", "office", "leader"],
  /** 审计日志: read, verify, export, checkpoints. */
  audit: ["auditor"],
  /** 单位管理. */
  manageUnits: ["sysadmin"],
  /** 用户管理: list accounts. */
  manageUsers: ["sysadmin", "secadmin"],
  /** 三员: create, edit, unlock, disable accounts and reset passwords — the security administrator alone (security/separation.ts). */
  editUsers: ["secadmin"],
  /** Grant roles, reset TOTP, the per-role TOTP policy (安全策略). */
  grantRoles: ["secadmin"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

export function can(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(role);
}

/** A role's row of the table, as `auth.me` sends it. */
export function capabilitiesOf(role: Role): Record<Capability, boolean> {
  return Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, can(role, c)])) as Record<Capability, boolean>;
}
