/**
 * Reading an Excel task sheet (任务分解表, .xlsx) with exceljs: every worksheet as rows of cell
 * texts, a merged cell's value repeated in every cell it covers.
 */
import ExcelJS from "exceljs";

export interface Workbook {
  /** One line per non-empty row, cells separated by tabs; sheets one after another. */
  text: string;
  /** Every worksheet as rows of cells. */
  tables: string[][][];
}

function cellText(cell: ExcelJS.Cell): string {
  const source = cell.isMerged && cell.master !== cell ? cell.master : cell;
  try {
    return (source.text ?? "").trim();
  } catch {
    // exceljs throws on a few malformed value kinds: fall back to the raw value
    return String(source.value ?? "").trim();
  }
}

export async function readXlsx(buffer: Uint8Array): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength) as unknown as ArrayBuffer);
  const tables: string[][][] = [];
  const lines: string[] = [];
  workbook.eachSheet((sheet) => {
    if (sheet.state !== "visible" && sheet.state !== undefined) return;
    const rows: string[][] = [];
    const width = sheet.columnCount;
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c)));
      if (cells.every((c) => c === "")) continue;
      rows.push(cells);
      lines.push(cells.join("\t"));
    }
    if (rows.length > 0) tables.push(rows);
  });
  return { text: lines.join("\n"), tables };
}
