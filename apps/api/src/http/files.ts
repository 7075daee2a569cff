// Evidence files: uploaded once, stored by content hash (SHA-256), size-limited and type-checked
// by their content (file-type, plus the parts an Office package must hold), readable only by those
// who may read a task they are attached to.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { dirname, join } from "node:path";
import { getFile, inTransaction, saveFile } from "@duban/db";
import { can } from "../capabilities";
import { fileTypeFromBuffer } from "file-type";
import type { Context, SessionUser } from "../context";
import { AppError } from "../errors";
import { canReadFile } from "../services/access";
import { recordAudit } from "../services/audit";

/**
 * Accepted evidence types, by the name's extension: what the content must sniff as (file-type reads
 * the signature, and for Office files the package's [Content_Types].xml), and for Office Open XML
 * the part the package must hold — a ZIP named .docx without word/document.xml is no document.
 */
const ACCEPTED: Record<string, { mime: string; sniffed: readonly string[]; part?: string }> = {
  pdf: { mime: "application/pdf", sniffed: ["pdf"] },
  png: { mime: "image/png", sniffed: ["png"] },
  jpg: { mime: "image/jpeg", sniffed: ["jpg"] },
  jpeg: { mime: "image/jpeg", sniffed: ["jpg"] },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", sniffed: ["docx"], part: "word/document.xml" },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", sniffed: ["xlsx"], part: "xl/workbook.xml" },
  // Word 97 and Excel 97 files are OLE compound files: file-type names the container only.
  doc: { mime: "application/msword", sniffed: ["cfb", "doc"] },
  xls: { mime: "application/vnd.ms-excel", sniffed: ["cfb", "xls"] },
};

/** The MIME type of an accepted evidence file, or null when its content is not what its name says. */
export async function detectType(name: string, bytes: Buffer): Promise<string | null> {
  const accepted = ACCEPTED[name.toLowerCase().split(".").pop() ?? ""];
  if (accepted === undefined) return null;
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed === undefined || !accepted.sniffed.includes(sniffed.ext)) return null;
  if (accepted.part !== undefined && !zipEntryNames(bytes).has(accepted.part)) return null;
  return accepted.mime;
}

/** The entry names in a ZIP's central directory (empty when it cannot be read). */
export function zipEntryNames(zip: Buffer): Set<string> {
  const names = new Set<string>();
  // End of central directory: signature PK\x05\x06, within the last 64 KiB + 22 bytes.
  const from = Math.max(0, zip.length - 65_557);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < from || end + 22 > zip.length) return names;
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) break;
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.add(zip.toString("utf8", at + 46, Math.min(zip.length, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

export function filePath(filesDir: string, sha256: string): string {
  return join(filesDir, sha256.slice(0, 2), sha256);
}

/**
 * The request body, up to `limit` bytes. A longer body is read to its end and dropped before the
 * refusal: answering while the client still sends would reset the connection under the answer
 * (the server's request timeout still ends a body that never stops).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => {
      if (size > limit) reject(new AppError("PAYLOAD_TOO_LARGE", `文件不能超过 ${Math.floor(limit / 1024 / 1024)} MB`));
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

export async function storeUpload(ctx: Context & { session: SessionUser }, name: string, bytes: Buffer) {
  if (!can(ctx.session.user.role, "upload")) throw new AppError("FORBIDDEN", "您的角色不能上传材料");
  if (bytes.length === 0) throw new AppError("BAD_INPUT", "文件为空");
  // Path separators and control characters never reach a stored name; bidi controls (U+202E makes
  // "报告\u202Efdp.exe" read as "报告exe.pdf") and other invisible characters are dropped.
  const cleanName =
    [...name.replace(/[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/gu, "")]
      .map((ch) => (ch === "/" || ch === "\\" || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? "_" : ch))
      .join("")
      .slice(0, 200) || "file";
  const mime = await detectType(cleanName, bytes);
  if (mime === null) throw new AppError("BAD_INPUT", "仅支持 PDF、图片（PNG/JPG）、Word、Excel 文件，且文件内容须与扩展名一致");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const path = filePath(ctx.config.filesDir, sha256);
  await mkdir(dirname(path), { recursive: true });
  // Write then rename: a crash never leaves a half-written file under its hash.
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, bytes, { flag: "wx" });
  await rename(temp, path);
  await inTransaction(ctx.db, async (trx) => {
    await saveFile(trx, { sha256, size: bytes.length, mime, original_name: cleanName, created_by: ctx.session.user.id, created_at: ctx.clock().toISOString() });
    await recordAudit(ctx, trx, { action: "file.upload", object_type: "file", object_id: sha256, comment: cleanName, file_hashes: [sha256], detail: { size: bytes.length, mime } });
  });
  return { sha256, size: bytes.length, name: cleanName, mime };
}

export async function loadFile(ctx: Context & { session: SessionUser }, sha256: string) {
  if (!/^[0-9a-f]{64}$/.test(sha256) || !(await canReadFile(ctx.db, ctx.session.user, sha256))) {
    throw new AppError("NOT_FOUND", "文件不存在或您无权查看");
  }
  const file = await getFile(ctx.db, sha256);
  const bytes = await readFile(filePath(ctx.config.filesDir, sha256));
  return { bytes, mime: file?.mime ?? "application/octet-stream", name: file?.original_name ?? sha256 };
}
