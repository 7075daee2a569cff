/**
 * Tables that reached us flattened into text: one cell per line ending in "|", a row per line with
 * cells between "|" or tabs, or columns separated by spaces under a header line
 * "序号 名称 工作任务 牵头责任单位" (which may close the paragraph before it).
 */
import type { CleanLine } from "./clean.js";
import { parseMarker } from "./numbering.js";
import { columnRole, findHeader, type ColumnRole } from "./table.js";
import { isUnitListLine } from "./units.js";
import { parseDeadlineCell } from "./deadline.js";

export interface FlatTable {
  /** Index of the first line of the table (its header). */
  start: number;
  rows: string[][];
}

const isSeq = (s: string): boolean => /^\d{1,4}$/.test(s.trim());

/** Lines of cells each closed by "|": "序号 |", "24 |", "||". */
function pipeCells(lines: CleanLine[]): FlatTable | null {
  const closed = (t: string): boolean => /\|\s*$/.test(t);
  for (let i = 0; i < lines.length; i++) {
    if (!closed(lines[i]?.text ?? "")) continue;
    let j = i;
    const cells: string[] = [];
    while (j < lines.length && closed(lines[j]?.text ?? "")) {
      const parts = (lines[j]?.text ?? "").replace(/\|\s*$/, "").split("|").map((c) => c.trim());
      cells.push(...(parts.every((p) => p === "") ? [""] : parts));
      j++;
    }
    if (j - i < 4) {
      i = j;
      continue;
    }
    // a row per line when lines hold several cells, else one cell per line
    const perLine = lines.slice(i, j).filter((l) => l.text.split("|").length > 2).length > (j - i) / 2;
    if (perLine) {
      const rows = lines.slice(i, j).map((l) => l.text.replace(/^\s*\|/, "").replace(/\|\s*$/, "").split("|").map((c) => c.trim()));
      if (findHeader(rows) !== null) return { start: i, rows };
      i = j;
      continue;
    }
    const firstSeq = cells.findIndex(isSeq);
    if (firstSeq < 2) {
      i = j;
      continue;
    }
    const header = cells.slice(0, firstSeq).filter((c) => c !== "");
    const rows: string[][] = [header];
    let row: string[] | null = null;
    for (const cell of cells.slice(firstSeq)) {
      if (isSeq(cell) && (row === null || row.length >= 2)) {
        row = [cell];
        rows.push(row);
      } else row?.push(cell);
    }
    // empty cells closing a row ("||", "|") stand for merged or blank cells: align by content instead
    for (const r of rows) while (r.length > 1 && r[r.length - 1] === "") r.pop();
    if (findHeader(rows) !== null) return { start: i, rows };
    i = j;
  }
  return null;
}

/** Rows flattened with tabs (kept by cleanText as cells). */
function tabbedRows(lines: CleanLine[]): FlatTable | null {
  const start = lines.findIndex((l, k) => l.cells !== undefined && findHeader([l.cells], 1) !== null && k >= 0);
  if (start < 0) return null;
  const rows: string[][] = [];
  for (let k = start; k < lines.length; k++) {
    const line = lines[k] as CleanLine;
    rows.push(line.cells ?? [line.text]);
  }
  return { start, rows };
}

/** The header at the end of a line: the shortest run of trailing words that are all column names. */
function trailingHeader(text: string): string[] | null {
  const words = text.split(/\s+/).filter((w) => w !== "");
  for (let k = Math.max(0, words.length - 12); k < words.length - 1; k++) {
    const tail = words.slice(k);
    if (tail.every((w) => columnRole(w) !== null) && findHeader([tail], 1) !== null) return tail;
  }
  return null;
}

function fitsTail(word: string, role: ColumnRole): boolean {
  if (role === "lead" || role === "unit" || role === "assist") return isUnitListLine(word);
  if (role === "deadline") return parseDeadlineCell(word) !== null;
  return false;
}

/** Columns separated by spaces: "1 地区生产总值增长7%以上. 发改委" under "序号 名称 工作任务 牵头责任单位". */
function spacedRows(lines: CleanLine[]): FlatTable | null {
  for (let i = 0; i < lines.length; i++) {
    const header = trailingHeader(lines[i]?.text ?? "");
    if (header === null) continue;
    const roles = header.map((w) => columnRole(w) ?? "other");
    const lastTask = roles.lastIndexOf("task");
    const tailRoles = roles.slice(lastTask + 1);
    const rows: string[][] = [header];
    let numbered = 0;
    for (let k = i + 1; k < lines.length; k++) {
      const text = lines[k]?.text ?? "";
      const words = text.split(/\s+/);
      if (!/^\d{1,4}$/.test(words[0] ?? "") || words.length < 3) {
        const marker = parseMarker(text);
        if (marker === null && text.length > 40) break; // running text again: the table has ended
        rows.push([text]);
        continue;
      }
      const tail: string[] = [];
      for (let r = tailRoles.length - 1; r >= 0 && words.length > 2; r--) {
        const last = words[words.length - 1] ?? "";
        if (!fitsTail(last, tailRoles[r] ?? "other")) break;
        tail.unshift(words.pop() ?? "");
      }
      rows.push([words[0] ?? "", words.slice(1).join(" "), ...tail]);
      numbered++;
    }
    if (numbered > 0) return { start: i, rows };
  }
  return null;
}

/** The first flattened task table in the lines, or null. */
export function findFlatTable(lines: CleanLine[]): FlatTable | null {
  return pipeCells(lines) ?? tabbedRows(lines) ?? spacedRows(lines);
}

