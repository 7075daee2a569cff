/**
 * Task tables (任务分解表): rows of cells, from a Word or Excel table or a table flattened into
 * text. The header row is found by its column names (序号 / 工作任务 / 具体措施 / 牵头单位 /
 * 责任单位 / 配合单位 / 完成时限 …); each later row is a task, a category row groups the rows
 * under it. A row with fewer cells than the header (a merged cell lost on the way) is aligned to
 * the columns by what its cells hold.
 */
import { parseDeadlineCell } from "./deadline.js";
import { parseMarker } from "./numbering.js";
import { isUnitListLine, parseAnnotationBody, splitUnitList, type UnitAssignment } from "./units.js";

export type ColumnRole = "seq" | "task" | "lead" | "unit" | "assist" | "person" | "deadline" | "other";

const squash = (s: string): string => s.replace(/\s+/g, "");

/** What a header cell names, or null when it is no known column name. */
export function columnRole(name: string): ColumnRole | null {
  const n = squash(name).replace(/[（(].*[）)]$/, "");
  if (n === "" || n.length > 14) return null;
  if (/^(序号|编号|序|No\.?)$/i.test(n)) return "seq";
  if (/情况|进展|进度|说明|备注|是否|评价|成效/.test(n)) return "other";
  if (/领导|領導|责任人|負責人|负责人|联系人/.test(n)) return "person";
  if (/牵头|牽頭|主办|主辦|主责|主責/.test(n)) return "lead";
  if (/(单位|部门|單位|部門|主体|科室)/.test(n)) return /^(配合|协办|協辦|协助|参与|參與|协作|協作|协同|協同)/.test(n) ? "assist" : "unit";
  if (/时限|期限|时间|節點|节点|時限|完成时/.test(n)) return "deadline";
  if (/任务|任務|措施|内容|內容|事项|事項|项目|項目|目标|目標|名称|名稱|工作|举措|舉措/.test(n)) return "task";
  return null;
}

/** The header: a row naming a task column and a unit column (and at least three known columns, or two). */
export function findHeader(rows: string[][], within = 12): { index: number; roles: ColumnRole[] } | null {
  for (let i = 0; i < Math.min(rows.length, within); i++) {
    const roles = (rows[i] ?? []).map(columnRole);
    const known = roles.filter((r) => r !== null);
    const hasUnit = known.some((r) => r === "lead" || r === "unit" || r === "assist");
    const hasTask = known.some((r) => r === "task");
    if (hasUnit && hasTask && known.length >= 2) return { index: i, roles: roles.map((r) => r ?? "other") };
  }
  return null;
}

export interface TableTask {
  path: string[];
  /** Category row or task-group cell the row sits under, null when none. */
  heading: string | null;
  text: string;
  units: UnitAssignment;
  /** The 完成时限 cell as written (whitespace removed), null when empty. */
  deadline: string | null;
}

const isNumber = (s: string): boolean => /^\d{1,4}[.、．]?$/.test(squash(s));
const isPersonName = (s: string): boolean => /^[\u4e00-\u9fa5]{2,4}([、,，][\u4e00-\u9fa5]{2,4})*$/.test(squash(s)) && !isUnitListLine(s);

/** How well a cell fits a column (higher is better); empty cells fit anywhere. */
function fit(cell: string, role: ColumnRole): number {
  const c = squash(cell);
  if (c === "") return 0;
  switch (role) {
    case "seq":
      return isNumber(c) ? 3 : -6;
    case "lead":
    case "unit":
    case "assist":
      return isUnitListLine(c) || parseAnnotationBody(c) !== null ? 3 : -4;
    case "person":
      return isPersonName(c) ? 2 : -2;
    case "deadline":
      return parseDeadlineCell(c) !== null ? 2 : -1;
    case "task":
      return isUnitListLine(c) || isNumber(c) ? -3 : c.length >= 5 ? 2 : 0;
    default:
      return isUnitListLine(c) ? -1 : 0;
  }
}

/**
 * Assign each cell of a row to a header column, keeping their order: a row as long as the header
 * maps cell by cell; a shorter row skips the columns its cells fit worst (best total fit).
 */
export function alignRow(cells: string[], roles: ColumnRole[]): (string | null)[] {
  const n = cells.length;
  const m = roles.length;
  if (n === m) return cells;
  if (n > m) return cells.slice(0, m);
  // best[i][j]: best score placing the first i cells into the first j columns
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-Infinity));
  const take: boolean[][] = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  for (let j = 0; j <= m; j++) (best[0] as number[])[j] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = i; j <= m; j++) {
      const skip = (best[i] as number[])[j - 1] ?? -Infinity;
      const place = ((best[i - 1] as number[])[j - 1] ?? -Infinity) + fit(cells[i - 1] ?? "", roles[j - 1] ?? "other");
      (best[i] as number[])[j] = Math.max(skip, place);
      (take[i] as boolean[])[j] = place >= skip;
    }
  }
  const out: (string | null)[] = new Array<string | null>(m).fill(null);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if ((take[i] as boolean[])[j]) {
      out[j - 1] = cells[i - 1] ?? "";
      i--;
      j--;
    } else {
      j--;
    }
  }
  return out;
}

function unitsOfRow(row: (string | null)[], roles: ColumnRole[]): UnitAssignment {
  const lead: string[] = [];
  const others: string[] = [];
  const hasLeadColumn = roles.includes("lead");
  roles.forEach((role, k) => {
    const cell = (row[k] ?? "").trim();
    if (cell === "" || !(role === "lead" || role === "unit" || role === "assist")) return;
    const labelled = /[：:]/.test(cell) ? parseAnnotationBody(cell) : null;
    if (labelled !== null) {
      lead.push(...labelled.lead);
      others.push(...labelled.responsible);
      return;
    }
    const names = splitUnitList(cell).map((n) => n.replace(/[。.；;]+$/, "").replace(/等$/, "")).filter((n) => n.length >= 2);
    if (role === "lead") lead.push(...names);
    else if (!hasLeadColumn && role === "unit" && lead.length === 0) {
      lead.push(...names.slice(0, 1));
      others.push(...names.slice(1));
    } else others.push(...names);
  });
  if (lead.length === 0 && others.length > 0) lead.push(others.shift() ?? "");
  const leads = [...new Set(lead)];
  return { lead: leads, responsible: [...new Set(others)].filter((n) => !leads.includes(n)) };
}

/** A row that only names a category: one distinct non-empty text and no units. */
function categoryOf(cells: string[]): string | null {
  const distinct = [...new Set(cells.map((c) => c.trim()).filter((c) => c !== ""))];
  if (distinct.length !== 1) return null;
  const only = distinct[0] ?? "";
  return isUnitListLine(only) || isNumber(only) ? null : only;
}

const stripEnd = (s: string): string => s.trim().replace(/[。.；;，,\s]+$/, "");

/** Tasks of a table: header found by its column names, one task per row that names units. */
export function tasksFromTable(rows: string[][], header = findHeader(rows)): TableTask[] {
  if (header === null) return [];
  const { roles } = header;
  const tasks: TableTask[] = [];
  let category: { label: string | null; title: string } | null = null;
  let lastSeq: string | null = null;
  let counter = 0;
  for (const raw of rows.slice(header.index + 1)) {
    const cells = raw.map((c) => c.trim());
    if (cells.every((c) => c === "")) continue;
    const cat = categoryOf(cells);
    if (cat !== null && cells.length > 1) {
      const marker = parseMarker(cat);
      category = marker && marker.type === "cn" ? { label: marker.label, title: stripEnd(marker.rest) } : { label: null, title: stripEnd(cat) };
      continue;
    }
    const row = alignRow(cells, roles);
    const taskCells = roles.flatMap((r, k) => (r === "task" && (row[k] ?? "").trim() !== "" ? [(row[k] ?? "").trim()] : []));
    const units = unitsOfRow(row, roles);
    if (taskCells.length === 0 || units.lead.length === 0) {
      // a one-cell row without units is a category row too ("一、经济社会发展主要预期目标")
      if (cat !== null) {
        const marker = parseMarker(cat);
        category = marker && marker.type === "cn" ? { label: marker.label, title: stripEnd(marker.rest) } : { label: null, title: stripEnd(cat) };
      }
      continue;
    }
    const seqAt = roles.indexOf("seq");
    const seqCell = squash(seqAt >= 0 ? (row[seqAt] ?? "") : "");
    let seq: string;
    if (seqCell !== "") {
      seq = parseMarker(seqCell)?.label ?? seqCell;
      lastSeq = seq;
    } else if (lastSeq !== null && seqAt >= 0) {
      seq = lastSeq; // a merged 序号 cell: the row continues the numbered task above
    } else {
      seq = String(++counter);
    }
    const deadlineAt = roles.indexOf("deadline");
    const deadline = deadlineAt >= 0 ? squash(row[deadlineAt] ?? "") : "";
    const text = taskCells[taskCells.length - 1] ?? "";
    const group = taskCells.length > 1 ? stripEnd(taskCells[0] ?? "") : null;
    tasks.push({
      path: category?.label ? [category.label, seq] : [seq],
      heading: group ?? category?.title ?? null,
      text,
      units,
      deadline: deadline === "" ? null : deadline,
    });
  }
  return tasks;
}
