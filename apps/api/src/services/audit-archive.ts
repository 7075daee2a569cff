// Audit retention (issue 19): moving records older than the online window into signed archive files,
// proving the whole history, and reading archived periods for the auditor. The archive format, the
// signatures and the history check are in packages/db/src/audit-archive.ts; this file does the
// files, the key, the window and the auditing.
//
// Archiving keeps "append-only" meaningful: the database refuses every UPDATE of audit_log and
// every DELETE except of records a registered, signed archive covers (dialect.ts createAuditGuards).
// Here, in order: the records are read and their chain checked, the archive file is written
// atomically, read back and verified, and only then — in ONE transaction — the register row is
// inserted, exactly those records are deleted, and an `audit.archive` record carrying the signed
// manifest is appended to the chain.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  buildArchive,
  checkArchiveFile,
  inTransaction,
  listArchiveRegister,
  manifestOf,
  onlineChainStart,
  registerRow,
  verifyAuditHistory,
  type ArchiveManifest,
  type AuditLogRow,
  type HistoryVerdict,
} from "@duban/db";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError } from "../errors";
import { MIN_AUDIT_ONLINE_DAYS } from "../ops-config";
import { recordAudit } from "./audit";
import { monthOfInstant } from "../clock";
import { loadOrCreateCheckpointKey, writeExclusive } from "./checkpoints";

type Actor = InnerContext & { session?: SessionUser | null; request?: Context["request"] };

const DAY_MS = 86_400_000;
/** Records read per query while collecting an archive. */
const BATCH = 2000;

/** The oldest moment still inside the online window: records at or after it are never archived. */
export function onlineWindowStart(now: Date, onlineDays: number): Date {
  return new Date(now.getTime() - Math.max(MIN_AUDIT_ONLINE_DAYS, onlineDays) * DAY_MS);
}

export const archiveFileName = (archiveSeq: number, month: string) => `audit-archive-${String(archiveSeq).padStart(6, "0")}-${month}.json`;

async function trustedKey(ctx: InnerContext): Promise<KeyObject | null> {
  try {
    return createPrivateKey(await readFile(ctx.config.security.checkpointKeyFile, "utf8"));
  } catch {
    return null;
  }
}

async function readArchiveText(ctx: InnerContext, fileName: string): Promise<string | null> {
  if (fileName.includes("/") || fileName.includes("\\") || fileName.startsWith(".")) return null;
  return readFile(join(ctx.config.ops.archiveDir, fileName), "utf8").catch(() => null);
}

export interface ArchiveRunResult {
  archives: ArchiveManifest[];
  /** records moved out of the database */
  archived: number;
  /** records older than this were eligible */
  before: string;
}

/**
 * Archives every record older than `before` (default: the start of the online window; a later
 * `before` is refused), one file per calendar month (the configured zone) of the records, oldest first. Stops at the first
 * record inside the window, so what stays online is always a suffix of the chain.
 */
export async function archiveAuditLog(ctx: Actor, options: { before?: Date } = {}): Promise<ArchiveRunResult> {
  const windowStart = onlineWindowStart(ctx.clock(), ctx.config.ops.auditOnlineDays);
  const before = options.before ?? windowStart;
  if (before.getTime() > windowStart.getTime()) {
    throw new AppError("BAD_INPUT", `在线保存期（${ctx.config.ops.auditOnlineDays} 天）内的审计记录不能归档：最晚可归档到 ${windowStart.toISOString()} 之前`);
  }
  const history = await verifyHistory(ctx);
  if (!history.ok) throw new AppError("CONFLICT", `审计日志校验未通过，不能归档：${history.message}`);

  const key = await loadOrCreateCheckpointKey(ctx.config.security.checkpointKeyFile);
  const archives: ArchiveManifest[] = [];
  for (;;) {
    const start = await onlineChainStart(ctx.db);
    const records = await collectMonth(ctx, start.seq, before.toISOString());
    if (records.length === 0) break;
    const register = await listArchiveRegister(ctx.db);
    const archiveSeq = (register[register.length - 1]?.archive_seq ?? 0) + 1;
    const month = monthOfInstant(ctx, (records[0] as AuditLogRow).at);
    const file = buildArchive(archiveSeq, archiveFileName(archiveSeq, month), records, key, ctx.clock().toISOString());
    if (file.manifest.prevHash !== start.prevHash) throw new AppError("CONFLICT", "审计日志与归档登记不衔接，不能归档");
    const { fileName } = file.manifest;
    if (!(await writeExclusive(ctx.config.ops.archiveDir, fileName, `${JSON.stringify(file)}\n`))) {
      throw new AppError("CONFLICT", `归档文件 ${fileName} 已存在（另一个归档正在进行？）`);
    }
    // Read back what is on disk: only a verified file lets records leave the database.
    const check = checkArchiveFile((await readArchiveText(ctx, fileName)) ?? "", key);
    if (!check.ok) throw new Error(`archive ${fileName} did not verify after writing: ${check.message}`);
    await inTransaction(ctx.db, async (trx) => {
      await trx.insertInto("audit_archives").values(registerRow(file)).execute();
      await trx.deleteFrom("audit_log").where("seq", ">=", file.manifest.firstSeq).where("seq", "<=", file.manifest.lastSeq).execute();
      await recordAudit(ctx, trx, {
        action: "audit.archive",
        object_type: "audit_log",
        object_id: fileName,
        ...(ctx.session ? {} : { actor_username: "cli" }),
        // the signed manifest: the online chain names every archive it continues from
        detail: { manifest: file.manifest, signature: file.signature },
      });
    });
    archives.push(file.manifest);
  }
  return { archives, archived: archives.reduce((n, a) => n + a.count, 0), before: before.toISOString() };
}

/** The records from `fromSeq` on that are older than `before` and in the same calendar month as the first. */
async function collectMonth(ctx: InnerContext, fromSeq: number, before: string): Promise<AuditLogRow[]> {
  const out: AuditLogRow[] = [];
  let month: string | null = null;
  let cursor = fromSeq - 1;
  for (;;) {
    const rows = await ctx.db.selectFrom("audit_log").selectAll().where("seq", ">", cursor).orderBy("seq").limit(BATCH).execute();
    for (const row of rows) {
      if (row.at >= before) return out;
      const m = monthOfInstant(ctx, row.at);
      month ??= m;
      if (m !== month) return out;
      out.push({ ...row, seq: Number(row.seq) });
    }
    if (rows.length < BATCH) return out;
    cursor = Number((rows[rows.length - 1] as AuditLogRow).seq);
  }
}

/** The whole history: archives + database (names a missing, altered or swapped archive). */
export async function verifyHistory(ctx: InnerContext): Promise<HistoryVerdict> {
  return verifyAuditHistory(ctx.db, (name) => readArchiveText(ctx, name), await trustedKey(ctx));
}

/** The hash of an archived record, read from its verified archive file (checkpoint verification). */
export async function archivedHashAt(ctx: InnerContext, seq: number): Promise<string | undefined> {
  const key = await trustedKey(ctx);
  if (key === null) return undefined;
  const row = (await listArchiveRegister(ctx.db)).find((r) => seq >= r.first_seq && seq <= r.last_seq);
  if (row === undefined) return undefined;
  const check = checkArchiveFile((await readArchiveText(ctx, row.file_name)) ?? "", key);
  return check.ok ? check.file.records.find((r) => r.seq === seq)?.hash : undefined;
}

export interface ArchiveListItem extends ArchiveManifest {
  /** the file is present and is the signed archive the register names */
  verified: boolean;
  problem: string | null;
}

/** The register with each file's state, newest first (the auditor's list of archived periods). */
export async function listArchives(ctx: InnerContext): Promise<ArchiveListItem[]> {
  const key = await trustedKey(ctx);
  const present = new Set(await readdir(ctx.config.ops.archiveDir).catch(() => [] as string[]));
  const items: ArchiveListItem[] = [];
  for (const row of await listArchiveRegister(ctx.db)) {
    const manifest = manifestOf(row);
    let problem: string | null = null;
    if (!present.has(row.file_name)) problem = "归档文件缺失";
    else if (key === null) problem = "签名密钥缺失，无法验证";
    else {
      const check = checkArchiveFile((await readArchiveText(ctx, row.file_name)) ?? "", key);
      if (!check.ok) problem = `归档文件被改动：${check.message}`;
      else if (check.file.manifest.recordsSha256 !== manifest.recordsSha256 || check.file.manifest.archiveSeq !== manifest.archiveSeq) problem = "文件内容与归档登记不符";
    }
    items.push({ ...manifest, verified: problem === null, problem });
  }
  return items.reverse();
}

export interface ArchivedPage {
  archive: ArchiveManifest;
  items: AuditLogRow[];
  /** pass as `cursor` for the next page (records are newest first); null at the end */
  nextCursor: number | null;
}

/** One page of an archived period's records (newest first), read from its verified file. */
export async function readArchivedRecords(
  ctx: InnerContext,
  input: { archiveSeq: number; cursor?: number | null; limit: number; action?: string | undefined; actorUserId?: string | undefined; taskId?: string | undefined },
): Promise<ArchivedPage> {
  const row = (await listArchiveRegister(ctx.db)).find((r) => r.archive_seq === input.archiveSeq);
  if (row === undefined) throw new AppError("NOT_FOUND", "归档不存在");
  const key = await trustedKey(ctx);
  const text = await readArchiveText(ctx, row.file_name);
  if (text === null) throw new AppError("NOT_FOUND", `归档文件缺失：${row.file_name}`);
  if (key === null) throw new AppError("NOT_FOUND", "签名密钥缺失，无法验证归档文件");
  const check = checkArchiveFile(text, key);
  if (!check.ok || check.file.manifest.recordsSha256 !== row.records_sha256) throw new AppError("CONFLICT", `归档文件校验未通过：${row.file_name}`);
  const matching = check.file.records
    .filter((r) => (input.action === undefined || (input.action.endsWith("*") ? r.action.startsWith(input.action.slice(0, -1)) : r.action === input.action)))
    .filter((r) => input.actorUserId === undefined || r.actor_user_id === input.actorUserId)
    .filter((r) => input.taskId === undefined || r.task_id === input.taskId)
    .filter((r) => input.cursor === undefined || input.cursor === null || r.seq < input.cursor)
    .reverse();
  const items = matching.slice(0, input.limit);
  const last = items[items.length - 1];
  return { archive: manifestOf(row), items, nextCursor: matching.length > input.limit && last !== undefined ? last.seq : null };
}
