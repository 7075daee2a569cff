// The auditor's view of the log: filtered pages, chain verification, export as CSV or Excel.
import { iterateAudit, listAudit, verifyAuditChain, type AuditFilters, type AuditLogRow } from "@duban/db";
import ExcelJS from "exceljs";
import type { Context, SessionUser } from "../context";
import { recordAudit } from "./audit";

type Authed = Context & { session: SessionUser };
export type AuditQuery = Omit<AuditFilters, "limit" | "cursor" | "order">;

const EXPORT_COLUMNS: { key: keyof AuditLogRow; header: string; width: number }[] = [
  { key: "seq", header: "序号", width: 8 },
  { key: "at", header: "时间", width: 24 },
  { key: "actor_username", header: "用户", width: 14 },
  { key: "actor_role", header: "角色", width: 10 },
  { key: "actor_unit_id", header: "单位", width: 24 },
  { key: "action", header: "事件", width: 24 },
  { key: "object_type", header: "对象类型", width: 10 },
  { key: "object_id", header: "对象", width: 28 },
  { key: "outcome", header: "结果", width: 8 },
  { key: "reason_code", header: "原因代码", width: 20 },
  { key: "from_state", header: "原状态", width: 18 },
  { key: "to_state", header: "新状态", width: 18 },
  { key: "comment", header: "说明", width: 40 },
  { key: "file_hashes", header: "附件哈希", width: 30 },
  { key: "client_ip", header: "客户端地址", width: 16 },
  { key: "hash_alg", header: "算法", width: 8 },
  { key: "prev_hash", header: "前一哈希", width: 66 },
  { key: "hash", header: "哈希", width: 66 },
];

export function toAuditView(r: AuditLogRow) {
  return {
    seq: r.seq,
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    actorUsername: r.actor_username,
    actorRole: r.actor_role,
    actorUnitId: r.actor_unit_id,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    taskId: r.task_id,
    outcome: r.outcome,
    reasonCode: r.reason_code,
    fromState: r.from_state,
    toState: r.to_state,
    comment: r.comment,
    fileHashes: JSON.parse(r.file_hashes) as string[],
    clientIp: r.client_ip,
    hash: r.hash,
  };
}

export async function listAuditPage(ctx: Authed, filters: AuditQuery & { cursor?: number | null | undefined; limit: number }) {
  const page = await listAudit(ctx.db, { ...filters, cursor: filters.cursor ?? null, order: "desc" });
  return { items: page.items.map(toAuditView), nextCursor: page.nextCursor };
}

export async function verifyAndRecord(ctx: Authed) {
  const result = await verifyAuditChain(ctx.db);
  // The verification itself is an auditor's action: recorded after the check, so it is not part of it.
  await recordAudit(ctx, ctx.db, {
    action: "audit.verify",
    object_type: "audit_log",
    outcome: "ok",
    detail: result.ok ? { ok: true, count: result.count } : { ok: false, brokenAt: result.brokenAt },
  });
  return result;
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  // Quote always; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
}

export async function exportAudit(ctx: Authed, filters: AuditQuery, format: "csv" | "xlsx") {
  const rows: AuditLogRow[] = [];
  for await (const row of iterateAudit(ctx.db, filters)) rows.push(row);
  const stamp = ctx.clock().toISOString().slice(0, 19).replaceAll(":", "");
  let content: Buffer;
  if (format === "csv") {
    const lines = [EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(",")];
    for (const r of rows) lines.push(EXPORT_COLUMNS.map((c) => csvCell(r[c.key])).join(","));
    // BOM so that Excel opens the UTF-8 text correctly.
    content = Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
  } else {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("审计日志", { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    for (const r of rows) sheet.addRow(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c.key, r[c.key]])));
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
