// The unit tree (区 → 街道 → 社区; 局 → 科室): a unit's parent, edited by the system administrator
// (never a cycle) and imported from a spreadsheet. Splitting a task (parts.ts) follows it.
import { createUnit, getUnit, inTransaction, listUnits, updateUnit, type DbOrTrx, type UnitKind } from "@duban/db";
import ExcelJS from "exceljs";
import type { Context, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { recordAudit } from "./audit";

type Authed = Context & { session: SessionUser };

/** Refuses a parent that is the unit itself or lies below it (a cycle). */
export async function checkParent(db: DbOrTrx, unitId: string, parentId: string | null): Promise<void> {
  if (parentId === null) return;
  if (parentId === unitId) throw new AppError("BAD_INPUT", "上级单位不能是本单位", { fields: { parentId: "上级单位不能是本单位" } });
  const parentOf = new Map((await listUnits(db)).map((u) => [u.id, u.parent_id]));
  if (!parentOf.has(parentId)) throw new AppError("BAD_INPUT", "上级单位不存在", { fields: { parentId: "上级单位不存在" } });
  for (let at: string | null | undefined = parentId, steps = 0; at != null && steps <= parentOf.size; at = parentOf.get(at), steps++) {
    if (at === unitId) throw new AppError("BAD_INPUT", "不能把下级单位设为上级单位（会形成循环）", { fields: { parentId: "会形成循环" } });
  }
}

/** The system administrator moves a unit in the tree (null: to the top). Audited. */
export async function setUnitParent(ctx: Authed, input: { unitId: string; parentId: string | null }) {
  return inTransaction(ctx.db, async (trx) => {
    const unit = await getUnit(trx, input.unitId);
    if (unit === undefined) throw notFound("单位");
    await checkParent(trx, input.unitId, input.parentId);
    await updateUnit(trx, input.unitId, { parent_id: input.parentId });
    await recordAudit(ctx, trx, {
      action: "unit.move",
      object_type: "unit",
      object_id: input.unitId,
      comment: unit.name,
      detail: { from: unit.parent_id, to: input.parentId },
    });
    return { id: input.unitId };
  });
}

const KINDS: Record<string, UnitKind> = {
  办公室: "office",
  部门: "department",
  委办局: "department",
  街道: "street",
  社区: "other",
  企业: "company",
  其他: "other",
};

function kindOf(written: string, name: string): UnitKind {
  const k = KINDS[written.trim()];
  if (k !== undefined) return k;
  if (/街道|办事处|乡|镇/.test(name)) return "street";
  if (/公司|集团/.test(name)) return "company";
  if (/社区|村/.test(name)) return "other";
  return "department";
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && "richText" in value) return value.richText.map((r) => r.text).join("").trim();
  if (typeof value === "object" && "text" in value) return String(value.text).trim();
  return String(value).trim();
}

export interface UnitTreeRow {
  line: number;
  name: string;
  parentName: string;
  kind: string;
}

/**
 * Reads the first sheet: a header row naming 单位名称 and 上级单位 (and optionally 类型), then one
 * unit per row. Rows without a name are skipped.
 */
export async function readUnitTreeSheet(xlsx: Buffer): Promise<UnitTreeRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  } catch {
    throw new AppError("BAD_INPUT", "无法读取该文件，请上传 .xlsx 格式的表格");
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new AppError("BAD_INPUT", "表格中没有工作表");
  const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map((v) => cellText(v));
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const nameCol = col("单位名称", "单位", "名称");
  const parentCol = col("上级单位", "上级", "所属单位");
  const kindCol = col("类型", "单位类型");
  if (nameCol < 0 || parentCol < 0) throw new AppError("BAD_INPUT", "表头须包含“单位名称”和“上级单位”两列");
  const rows: UnitTreeRow[] = [];
  sheet.eachRow((row, line) => {
    if (line === 1) return;
    const name = cellText(row.getCell(nameCol).value);
    if (name === "") return;
    rows.push({ line, name, parentName: cellText(row.getCell(parentCol).value), kind: kindCol < 0 ? "" : cellText(row.getCell(kindCol).value) });
  });
  if (rows.length === 0) throw new AppError("BAD_INPUT", "表格中没有单位");
  if (rows.length > 5000) throw new AppError("BAD_INPUT", "一次最多导入 5000 个单位");
  return rows;
}

/**
 * Imports the unit tree from a spreadsheet, all or nothing: units are matched by name (or alias)
 * and created when new; each one's parent is set as the sheet says (`moved` counts the units that
 * existed before and changed parent). A parent named nowhere, or a
 * cycle, refuses the whole sheet with the row number.
 */
export async function importUnitTree(ctx: Authed, xlsx: Buffer) {
  const rows = await readUnitTreeSheet(xlsx);
  return inTransaction(ctx.db, async (trx) => {
    const at = ctx.clock().toISOString();
    const units = await listUnits(trx);
    const byName = new Map<string, string>();
    for (const u of units) for (const n of [u.name, ...u.aliases, ...(u.short_name ? [u.short_name] : [])]) if (!byName.has(n)) byName.set(n, u.id);
    const created = new Set<string>();
    for (const row of rows) {
      if (byName.has(row.name)) continue;
      const unit = await createUnit(trx, { name: row.name, kind: kindOf(row.kind, row.name), aliases: [], created_at: at });
      byName.set(row.name, unit.id);
      created.add(unit.id);
    }
    let moved = 0;
    for (const row of rows) {
      const unitId = byName.get(row.name) as string;
      const parentId = row.parentName === "" ? null : byName.get(row.parentName);
      if (parentId === undefined) throw new AppError("BAD_INPUT", `第 ${row.line} 行：上级单位“${row.parentName}”不存在`);
      try {
        await checkParent(trx, unitId, parentId);
      } catch (cause) {
        if (cause instanceof AppError) throw new AppError("BAD_INPUT", `第 ${row.line} 行（${row.name}）：${cause.message}`);
        throw cause;
      }
      const current = units.find((u) => u.id === unitId)?.parent_id ?? null;
      if (current !== parentId) {
        await updateUnit(trx, unitId, { parent_id: parentId });
        // a unit the sheet created is placed, not moved
        if (!created.has(unitId)) moved++;
      }
    }
    await recordAudit(ctx, trx, { action: "unit.import_tree", object_type: "unit", object_id: null, detail: { rows: rows.length, created: created.size, moved } });
    return { rows: rows.length, created: created.size, moved };
  });
}

export interface UnitTreeNode {
  id: string;
  name: string;
  kind: UnitKind;
  children: UnitTreeNode[];
}

/** Every unit as a forest, in sort order (for the administrator's tree view). */
export async function unitTree(db: DbOrTrx): Promise<UnitTreeNode[]> {
  const units = await listUnits(db);
  const nodes = new Map<string, UnitTreeNode>(units.map((u) => [u.id, { id: u.id, name: u.name, kind: u.kind, children: [] }]));
  const roots: UnitTreeNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.id) as UnitTreeNode;
    const parent = u.parent_id === null ? undefined : nodes.get(u.parent_id);
    (parent?.children ?? roots).push(node);
  }
  return roots;
}
