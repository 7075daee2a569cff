// The auditor's view of the log, read like a register: who (name and unit), which task (number and
// text), what (the event in Chinese), the state change in words. Filtered pages, the lists the
// filters pick from, chain verification, export as CSV or Excel (words and ids side by side).
import { iterateAudit, listAudit, type AuditFilters, type AuditLogRow, type DbOrTrx } from "@duban/db";
import { EVENT_LABELS, REFUSAL_MESSAGES, ROLE_LABELS, stateChangeText, type RefusalCode } from "@duban/workflow";
import ExcelJS from "exceljs";
import type { Context, SessionUser } from "../context";
import { recordAudit } from "./audit";
import { verifyHistory } from "./audit-archive";

type Authed = Context & { session: SessionUser };
export type AuditQuery = Omit<AuditFilters, "limit" | "cursor" | "order">;

/**
 * Every action the log holds, in Chinese: the services' own records and, for refused requests, the
 * procedure that was refused. Task moves are `task.<EVENT>` and read the lifecycle's event labels.
 */
const ACTION_LABELS: Record<string, string> = {
  "auth.login": "登录",
  "auth.logout": "退出登录",
  "auth.change_password": "修改密码",
  "auth.changePassword": "修改密码",
  "auth.totp_setup": "获取动态口令密钥",
  "auth.totpSetup": "获取动态口令密钥",
  "auth.totp_enable": "启用动态口令",
  "auth.totpEnable": "启用动态口令",
  "plan.import": "导入方案",
  "plan.confirmImport": "导入方案",
  "plan.preview_import": "预览导入方案",
  "plan.previewImport": "预览导入方案",
  "plan.create": "创建方案",
  "task.create": "创建任务",
  "task.transition": "办理任务",
  "file.upload": "上传附件",
  "unit.create": "新建单位",
  "unit.update": "修改单位",
  "unit.saveGroup": "保存单位分组",
  "unit_group.save": "保存单位分组",
  "user.create": "新建用户",
  "user.update": "修改用户",
  "user.grant_role": "变更角色",
  "user.grantRole": "变更角色",
  "user.reset_totp": "重置动态口令",
  "user.resetTotp": "重置动态口令",
  "security.set_totp_required": "设置动态口令策略",
  "security.setTotpRequired": "设置动态口令策略",
  "audit.verify": "校验审计日志",
  "audit.export": "导出审计日志",
  "audit.checkpoint": "生成检查点",
  "audit.createCheckpoint": "生成检查点",
  "audit.verify_checkpoint": "校验检查点",
  "audit.verifyCheckpoint": "校验检查点",
  "audit.archive": "归档审计日志",
  "keys.rotate": "轮换字段密钥",
  "keys.prune": "清理旧字段密钥",
  "inbox.markRead": "标记消息已读",
  "supervision.urgeOverdue": "批量催办逾期任务",
  "supervision.draftNotices": "生成督办单草稿",
  "supervision.issueNotice": "签发督办单",
  "supervision.issueNotices": "签发督办单",
  "supervision.discardNotice": "作废督办单草稿",
  "supervision.answerNotice": "答复督办单",
  "supervision.exportLedger": "导出台账",
  "supervision.exportBulletin": "导出通报",
  "supervision.dailyJob": "每日预警",
  "supervision.runDailyJob": "每日预警",
};

/** The event of a record in Chinese; an action nobody labelled yet keeps its code. */
export function auditActionLabel(action: string): string {
  if (action.startsWith("task.")) {
    const event = action.slice(5);
    if (event in EVENT_LABELS) return EVENT_LABELS[event as keyof typeof EVENT_LABELS];
  }
  return ACTION_LABELS[action] ?? action;
}

/** The events the auditor filters by: every labelled action once (aliases of one label merged). */
export function auditEventOptions(): { value: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const [event, label] of Object.entries(EVENT_LABELS)) seen.set(label, `task.${event}`);
  for (const [action, label] of Object.entries(ACTION_LABELS)) if (!seen.has(label)) seen.set(label, action);
  return [...seen].map(([label, value]) => ({ value, label }));
}

const OUTCOME_LABELS: Record<string, string> = { ok: "成功", refused: "被拒绝", error: "出错" };

/** A refusal's reason in words: "GUARD_FAILED:ITEMS_OPEN" → the lifecycle's message, else the code. */
function reasonText(code: string | null, comment: string | null): string {
  if (!code) return "";
  const [head] = code.split(":");
  if (comment) return comment;
  return (REFUSAL_MESSAGES as Record<string, string>)[head as RefusalCode] ?? code;
}

interface Names {
  users: Map<string, { name: string; unitId: string | null }>;
  units: Map<string, string>;
  tasks: Map<string, { number: string; text: string }>;
}

const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

/** The names behind a page of records: three queries (users, units, tasks), whatever the page size. */
async function namesOf(db: DbOrTrx, rows: readonly AuditLogRow[]): Promise<Names> {
  const userIds = distinct(rows.map((r) => r.actor_user_id));
  const taskIds = distinct(rows.map((r) => r.task_id));
  const users = userIds.length === 0 ? [] : await db.selectFrom("users").select(["id", "display_name", "unit_id"]).where("id", "in", userIds).execute();
  const unitIds = distinct([...rows.map((r) => r.actor_unit_id), ...users.map((u) => u.unit_id)]);
  const units = unitIds.length === 0 ? [] : await db.selectFrom("units").select(["id", "name"]).where("id", "in", unitIds).execute();
  const tasks = taskIds.length === 0 ? [] : await db.selectFrom("tasks").select(["id", "path", "text"]).where("id", "in", taskIds).execute();
  return {
    users: new Map(users.map((u) => [u.id, { name: u.display_name, unitId: u.unit_id }])),
    units: new Map(units.map((u) => [u.id, u.name])),
    tasks: new Map(tasks.map((t) => [t.id, { number: (JSON.parse(t.path) as string[]).join(""), text: t.text }])),
  };
}

function toAuditView(r: AuditLogRow, names: Names) {
  const user = r.actor_user_id ? names.users.get(r.actor_user_id) : undefined;
  const unitId = r.actor_unit_id ?? user?.unitId ?? null;
  const task = r.task_id ? names.tasks.get(r.task_id) : undefined;
  return {
    seq: r.seq,
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    /** the person's name; a login refused before anyone signed in has the login name only */
    actorName: user?.name ?? r.actor_username,
    actorUsername: r.actor_username,
    actorRole: r.actor_role,
    actorRoleLabel: r.actor_role ? ((ROLE_LABELS as Record<string, string>)[r.actor_role] ?? r.actor_role) : null,
    actorUnitId: unitId,
    actorUnitName: unitId ? (names.units.get(unitId) ?? null) : null,
    action: r.action,
    actionLabel: auditActionLabel(r.action),
    objectType: r.object_type,
    objectId: r.object_id,
    taskId: r.task_id,
    taskNumber: task?.number ?? null,
    taskText: task?.text ?? null,
    outcome: r.outcome,
    outcomeLabel: OUTCOME_LABELS[r.outcome] ?? r.outcome,
    reasonCode: r.reason_code,
    reasonText: reasonText(r.reason_code, r.outcome === "ok" ? null : r.comment),
    fromState: r.from_state,
    toState: r.to_state,
    stateChange: stateChangeText(r.from_state, r.to_state),
    comment: r.comment,
    fileHashes: JSON.parse(r.file_hashes) as string[],
    clientIp: r.client_ip,
    hashAlg: r.hash_alg,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type AuditView = ReturnType<typeof toAuditView>;

export async function toAuditViews(db: DbOrTrx, rows: readonly AuditLogRow[]): Promise<AuditView[]> {
  const names = await namesOf(db, rows);
  return rows.map((r) => toAuditView(r, names));
}

export async function listAuditPage(ctx: Authed, filters: AuditQuery & { cursor?: number | null | undefined; limit: number }) {
  const page = await listAudit(ctx.db, { ...filters, cursor: filters.cursor ?? null, order: "desc" });
  return { items: await toAuditViews(ctx.db, page.items), nextCursor: page.nextCursor };
}

/** What the filters pick from: people (name, unit, role), units and events — never an id typed by hand. */
export async function auditFilterOptions(ctx: Authed) {
  const [users, units] = await Promise.all([
    ctx.db.selectFrom("users").select(["id", "display_name", "username", "role", "unit_id"]).orderBy("role").orderBy("display_name").execute(),
    ctx.db.selectFrom("units").select(["id", "name"]).orderBy("sort_order").orderBy("name").execute(),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return {
    people: users.map((u) => ({
      id: u.id,
      name: u.display_name,
      username: u.username,
      role: (ROLE_LABELS as Record<string, string>)[u.role] ?? u.role,
      unitName: u.unit_id ? (unitName.get(u.unit_id) ?? null) : null,
    })),
    units: units.map((u) => ({ id: u.id, name: u.name })),
    events: auditEventOptions(),
  };
}

/** Tasks whose number or text contains `q` (the task filter's search), at most 20. */
export async function findAuditTasks(ctx: Authed, q: string) {
  // LIKE's wildcards in the query are dropped rather than escaped (SQLite has no default escape).
  const plain = q.replace(/[%_\\]/g, "").trim();
  // "二（一）1", "二/（一）/1" and "二 › （一） › 1" all find the task numbered ["二","（一）","1"].
  const numberParts = [...plain.replace(/[\s›/、.．]/g, "")].join("%");
  const rows = await ctx.db
    .selectFrom("tasks")
    .select(["id", "path", "text"])
    .where((eb) => eb.or([eb("text", "like", `%${plain}%`), eb("path", "like", `%${numberParts}%`)]))
    .orderBy("plan_id")
    .orderBy("ordinal")
    .limit(20)
    .execute();
  return rows.map((t) => ({ id: t.id, number: (JSON.parse(t.path) as string[]).join(""), text: t.text }));
}

const EXPORT_COLUMNS: { key: keyof AuditView; header: string; width: number }[] = [
  { key: "seq", header: "序号", width: 8 },
  { key: "at", header: "时间", width: 24 },
  { key: "actorName", header: "姓名", width: 20 },
  { key: "actorUnitName", header: "单位", width: 28 },
  { key: "actorRoleLabel", header: "角色", width: 12 },
  { key: "actionLabel", header: "事件", width: 16 },
  { key: "taskNumber", header: "任务序号", width: 10 },
  { key: "taskText", header: "任务内容", width: 40 },
  { key: "stateChange", header: "状态变化", width: 30 },
  { key: "outcomeLabel", header: "结果", width: 8 },
  { key: "reasonText", header: "原因", width: 30 },
  { key: "comment", header: "说明", width: 40 },
  { key: "clientIp", header: "客户端地址", width: 16 },
  // The ids and codes behind the words, for matching against other records.
  { key: "actorUserId", header: "用户ID", width: 28 },
  { key: "actorUsername", header: "登录名", width: 14 },
  { key: "actorUnitId", header: "单位ID", width: 28 },
  { key: "action", header: "事件代码", width: 24 },
  { key: "taskId", header: "任务ID", width: 28 },
  { key: "objectType", header: "对象类型", width: 10 },
  { key: "objectId", header: "对象ID", width: 28 },
  { key: "reasonCode", header: "原因代码", width: 20 },
  { key: "fromState", header: "原状态代码", width: 18 },
  { key: "toState", header: "新状态代码", width: 18 },
  { key: "fileHashes", header: "附件哈希", width: 30 },
  { key: "hashAlg", header: "算法", width: 8 },
  { key: "prevHash", header: "前一哈希", width: 66 },
  { key: "hash", header: "哈希", width: 66 },
];

export async function verifyAndRecord(ctx: Authed) {
  const history = await verifyHistory(ctx);
  // the chain's own answer when the database part is what broke; else the history's (archives included)
  const result = history.ok
    ? { ok: true as const, count: history.count, headHash: history.headHash }
    : (history.chain ?? { ok: false as const, count: 0, brokenAt: { seq: history.seq ?? 0, id: null, problem: "hash_mismatch" as const } });
  // The verification itself is an auditor's action: recorded after the check, so it is not part of it.
  await recordAudit(ctx, ctx.db, {
    action: "audit.verify",
    object_type: "audit_log",
    outcome: "ok",
    detail: result.ok ? { ok: true, count: result.count } : { ok: false, brokenAt: result.brokenAt, ...(history.ok ? {} : { problem: history.problem, archive: history.archive }) },
  });
  return { ...result, history: history.ok ? null : { problem: history.problem, archive: history.archive, message: history.message } };
}

const EXPORT_BATCH = 500;

/** One exported cell: lists as space-separated text, empty words as empty cells. */
function cellOf(view: AuditView, key: keyof AuditView): string | number | null {
  const value = view[key];
  if (Array.isArray(value)) return value.join(" ");
  return value === "" ? null : value;
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  // Quote always; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
}

export async function exportAudit(ctx: Authed, filters: AuditQuery, format: "csv" | "xlsx") {
  const rows: AuditView[] = [];
  let batch: AuditLogRow[] = [];
  const flush = async () => {
    rows.push(...(await toAuditViews(ctx.db, batch)));
    batch = [];
  };
  for await (const row of iterateAudit(ctx.db, filters)) {
    batch.push(row);
    if (batch.length === EXPORT_BATCH) await flush();
  }
  await flush();
  const stamp = ctx.clock().toISOString().slice(0, 19).replaceAll(":", "");
  let content: Buffer;
  if (format === "csv") {
    const lines = [EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(",")];
    for (const r of rows) lines.push(EXPORT_COLUMNS.map((c) => csvCell(cellOf(r, c.key))).join(","));
    // BOM so that Excel opens the UTF-8 text correctly.
    content = Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
  } else {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("审计日志", { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    for (const r of rows) sheet.addRow(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c.key, cellOf(r, c.key)])));
    content = Buffer.from(await workbook.xlsx.writeBuffer());
  }
  await recordAudit(ctx, ctx.db, { action: "audit.export", object_type: "audit_log", detail: { format, count: rows.length, filters } });
  return {
    filename: `audit-${stamp}.${format}`,
    mime: format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    base64: content.toString("base64"),
    count: rows.length,
  };
}
