/**
 * A plan file as uploaded: its kind told by its bytes (and name), read into a PlanDocument.
 * .txt (UTF-8 or GB18030), .docx / WPS saved as .docx, .xlsx, old Word .doc and WPS .wps
 * (word-extractor), PDF with a text layer (pdfjs-dist). Everything a reader cannot use is a
 * PlanFileError with a Chinese message for the office: nothing half-read is ever parsed.
 */
import WordExtractor from "word-extractor";
import { readDocx } from "./docx.js";
import type { PlanDocument } from "./parse.js";
import { readXlsx } from "./xlsx.js";

/** Largest file the importer reads. */
export const MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024;

export type PlanFileProblem = "empty" | "too-large" | "unsupported" | "encrypted" | "corrupt" | "scanned" | "old-excel";

export class PlanFileError extends Error {
  constructor(
    readonly problem: PlanFileProblem,
    message: string,
  ) {
    super(message);
    this.name = "PlanFileError";
  }
}

export type PlanFileKind = "txt" | "docx" | "xlsx" | "doc" | "pdf";

const startsWith = (b: Uint8Array, bytes: number[]): boolean => bytes.every((x, i) => b[i] === x);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const PDF = [0x25, 0x50, 0x44, 0x46];

const extension = (name: string): string => /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";

/** The kind of a file, from its first bytes; the name only separates what bytes cannot. */
export function planFileKind(bytes: Uint8Array, fileName: string): PlanFileKind | "zip" | "ole" | null {
  const ext = extension(fileName);
  if (startsWith(bytes, PDF)) return "pdf";
  if (startsWith(bytes, ZIP)) return ext === "xlsx" || ext === "xlsm" ? "xlsx" : ext === "docx" || ext === "wps" || ext === "docm" ? "docx" : "zip";
  if (startsWith(bytes, OLE)) return "ole";
  if (["txt", "text", ""].includes(ext) || looksLikeText(bytes)) return "txt";
  return null;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of head) if (b < 9 || (b > 13 && b < 32)) control++;
  return control === 0;
}

/** UTF-8 (with or without BOM, or UTF-16 with BOM), else GB18030, the usual encoding of a Chinese .txt. */
export function decodeText(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

async function readOle(bytes: Uint8Array, fileName: string): Promise<PlanDocument> {
  const ext = extension(fileName);
  if (ext === "xls" || ext === "et") throw new PlanFileError("old-excel", "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 后上传");
  let text: string;
  try {
    const doc = await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    text = doc.getBody();
  } catch (e) {
    // a password-protected .docx/.xlsx is an OLE container holding an EncryptedPackage stream
    const message = e instanceof Error ? e.message : String(e);
    if (/encrypt|password/i.test(message) || hasEncryptedPackage(bytes)) throw new PlanFileError("encrypted", "文件受密码保护，请取消密码后再上传");
    throw new PlanFileError("corrupt", "无法读取该 Word 文件，文件可能已损坏");
  }
  return { text };
}

function hasEncryptedPackage(bytes: Uint8Array): boolean {
  // the directory entry name "EncryptedPackage" in UTF-16LE
  const needle = Buffer.from("EncryptedPackage", "utf16le");
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(needle);
}

interface PdfTextItem {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
}

async function readPdf(bytes: Uint8Array): Promise<PlanDocument> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  let pdf;
  try {
    pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  } catch (e) {
    const name = (e as { name?: string } | null)?.name ?? "";
    if (name === "PasswordException") throw new PlanFileError("encrypted", "PDF 文件受密码保护，请取消密码后再上传");
    throw new PlanFileError("corrupt", "无法读取该 PDF 文件，文件可能已损坏");
  }
  try {
    const lines: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let line = "";
      let lastY: number | null = null;
      for (const item of content.items as PdfTextItem[]) {
        if (item.str === undefined) continue;
        const y = item.transform?.[5] ?? null;
        if (lastY !== null && y !== null && Math.abs(y - lastY) > 2 && line !== "") {
          lines.push(line);
          line = "";
        }
        line += item.str;
        lastY = y;
        if (item.hasEOL) {
          lines.push(line);
          line = "";
          lastY = null;
        }
      }
      if (line !== "") lines.push(line);
      page.cleanup();
    }
    const text = lines.join("\n");
    if (text.replace(/\s+/g, "").length < 10) throw new PlanFileError("scanned", "该 PDF 没有文字层（可能是扫描件），请上传 Word 文件或可复制文字的 PDF");
    return { text };
  } finally {
    await pdf.destroy();
  }
}

/** Reads an uploaded plan file. Throws PlanFileError (Chinese message) for anything it cannot use. */
export async function readPlanFile(bytes: Uint8Array, fileName: string): Promise<PlanDocument & { kind: PlanFileKind }> {
  if (bytes.byteLength === 0) throw new PlanFileError("empty", "文件为空，请选择方案文件");
  if (bytes.byteLength > MAX_PLAN_FILE_BYTES) throw new PlanFileError("too-large", `文件超过 ${MAX_PLAN_FILE_BYTES / 1024 / 1024} MB，请拆分后上传`);
  const kind = planFileKind(bytes, fileName);
  let doc: PlanDocument;
  let read: PlanFileKind;
  switch (kind) {
    case "txt":
      doc = { text: decodeText(bytes) };
      read = "txt";
      break;
    case "pdf":
      doc = await readPdf(bytes);
      read = "pdf";
      break;
    case "ole":
      doc = await readOle(bytes, fileName);
      read = "doc";
      break;
    case "docx":
    case "xlsx":
    case "zip": {
      const asExcel = kind === "xlsx";
      try {
        doc = asExcel ? await readXlsx(bytes) : await readDocx(bytes);
        read = asExcel ? "xlsx" : "docx";
      } catch {
        if (kind !== "zip") throw new PlanFileError("corrupt", `无法读取该 ${asExcel ? "Excel" : "Word"} 文件，文件可能已损坏`);
        try {
          doc = await readXlsx(bytes);
          read = "xlsx";
        } catch {
          throw new PlanFileError("unsupported", "不支持的文件类型，请上传 .docx、.doc、.wps、.xlsx、.pdf 或 .txt 文件");
        }
      }
      break;
    }
    default:
      throw new PlanFileError("unsupported", "不支持的文件类型，请上传 .docx、.doc、.wps、.xlsx、.pdf 或 .txt 文件");
  }
  if (doc.text.replace(/\s+/g, "") === "" && (doc.tables ?? []).length === 0) throw new PlanFileError("empty", "文件中没有文字内容");
  return { ...doc, kind: read };
}
