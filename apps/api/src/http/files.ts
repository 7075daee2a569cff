// Evidence files: uploaded once, stored by content hash (SHA-256), size-limited and type-checked
// by their first bytes, readable only by those who may read a task they are attached to.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { dirname, join } from "node:path";
import { getFile, inTransaction, saveFile } from "@duban/db";
import { can } from "../capabilities";
import type { Context, SessionUser } from "../context";
import { AppError } from "../errors";
import { canReadFile } from "../services/access";
import { recordAudit } from "../services/audit";

/** Accepted evidence types, recognised by their signature, not by the name or the browser's claim. */
const SIGNATURES: { mime: string; ext: string[]; magic: number[] }[] = [
  { mime: "application/pdf", ext: ["pdf"], magic: [0x25, 0x50, 0x44, 0x46] },
  { mime: "image/png", ext: ["png"], magic: [0x89, 0x50, 0x4e, 0x47] },
  { mime: "image/jpeg", ext: ["jpg", "jpeg"], magic: [0xff, 0xd8, 0xff] },
  { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: ["docx"], magic: [0x50, 0x4b, 0x03, 0x04] },
  { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: ["xlsx"], magic: [0x50, 0x4b, 0x03, 0x04] },
  { mime: "application/msword", ext: ["doc"], magic: [0xd0, 0xcf, 0x11, 0xe0] },
  { mime: "application/vnd.ms-excel", ext: ["xls"], magic: [0xd0, 0xcf, 0x11, 0xe0] },
];

export function detectType(name: string, bytes: Buffer): string | null {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  const match = SIGNATURES.find((s) => s.ext.includes(ext) && s.magic.every((b, i) => bytes[i] === b));
  return match?.mime ?? null;
}

export function filePath(filesDir: string, sha256: string): string {
  return join(filesDir, sha256.slice(0, 2), sha256);
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError("PAYLOAD_TOO_LARGE", `文件不能超过 ${Math.floor(limit / 1024 / 1024)} MB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function storeUpload(ctx: Context & { session: SessionUser }, name: string, bytes: Buffer) {
  if (!can(ctx.session.user.role, "upload")) throw new AppError("FORBIDDEN", "您的角色不能上传材料");
  if (bytes.length === 0) throw new AppError("BAD_INPUT", "文件为空");
  // Path separators and control characters never reach a stored name.
  const cleanName = [...name].map((ch) => (ch === "/" || ch === "\\" || ch.charCodeAt(0) < 0x20 ? "_" : ch)).join("").slice(0, 200) || "file";
  const mime = detectType(cleanName, bytes);
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
