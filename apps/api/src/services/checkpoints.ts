// Signed audit checkpoints on disk: the key file, the checkpoint directory, the daily job, and the
// auditor's procedures. The signing and the "log extends checkpoint" check are pure and live in
// packages/db/src/checkpoint.ts; this file only does files, keys, scheduling and auditing.
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { link, mkdir, open, readdir, readFile, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  createAuditCheckpoint,
  keyFingerprint,
  parseCheckpoint,
  verifyCheckpointSignature,
  verifyLogAgainstCheckpoint,
  type AuditCheckpoint,
  type CheckpointVerdict,
} from "@duban/db";
import { calendarDay } from "@duban/workflow/clock";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError } from "../errors";
import { jobRuns } from "../metrics";
import { recordAudit } from "./audit";
import { archivedHashAt } from "./audit-archive";

type Authed = Context & { session: SessionUser };

/** Loads the Ed25519 checkpoint key, creating it (0600, folder 0700) on first use. Safe when two processes race. */
export async function loadOrCreateCheckpointKey(file: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" });
  try {
    const handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    try {
      await handle.writeFile(pem, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return createPrivateKey(await readFile(file, "utf8")); // another process made it first
  }
}

/** The key for verification only: never creates one (a missing key means nothing can be verified). */
async function loadExistingKey(file: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(file, "utf8"));
  } catch {
    throw new AppError("NOT_FOUND", "检查点签名密钥不存在，无法验证检查点");
  }
}

/**
 * Writes `content` to dir/name atomically and exclusively: a temp file is written and synced, then
 * hard-linked to the final name (link fails with EEXIST if the name exists — two processes cannot
 * both win, and a reader never sees half a file). Returns false when the name was taken.
 */
export async function writeExclusive(dir: string, name: string, content: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, join(dir, name));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** One daily checkpoint per calendar day of the office's zone (clock.ts). */
export const dailyCheckpointName = (at: Date, timeZone: string) => `daily-${calendarDay(at, timeZone)}.json`;

export interface CreatedCheckpoint {
  file: string;
  checkpoint: AuditCheckpoint;
}

/**
 * Signs the current head and writes it to the checkpoint directory; then audits the creation (the
 * audit record comes after the head it signs). Daily checkpoints are named by day and skipped
 * (null) when that day's file already exists — also when another process wrote it a moment ago.
 */
export async function createCheckpoint(
  ctx: InnerContext & { session?: SessionUser | null; request?: Context["request"] },
  kind: "manual" | "daily",
): Promise<CreatedCheckpoint | null> {
  const { checkpointKeyFile, checkpointDir } = ctx.config.security;
  const now = ctx.clock();
  const name = kind === "daily" ? dailyCheckpointName(now, ctx.config.timeZone) : `checkpoint-${now.toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.json`;
  if (kind === "daily" && (await stat(join(checkpointDir, name)).catch(() => null)) !== null) return null;
  const key = await loadOrCreateCheckpointKey(checkpointKeyFile);
  const checkpoint = await createAuditCheckpoint(ctx.db, key, now.toISOString());
  if (!(await writeExclusive(checkpointDir, name, `${JSON.stringify(checkpoint, null, 2)}\n`))) {
    if (kind === "daily") return null;
    throw new AppError("CONFLICT", "检查点文件已存在，请重试");
  }
  await recordAudit(ctx, ctx.db, {
    action: "audit.checkpoint",
    object_type: "audit_log",
    ...(ctx.session ? {} : { actor_username: "system" }),
    detail: { kind, file: name, count: checkpoint.count, headHash: checkpoint.headHash, keyFingerprint: checkpoint.keyFingerprint },
  });
  return { file: name, checkpoint };
}

/** The in-process daily job: one check now, then hourly; at most one checkpoint per day across processes and restarts. */
export function startDailyCheckpoints(inner: InnerContext, everyMs = 3_600_000): () => void {
  const run = () =>
    createCheckpoint(inner, "daily").then(
      (created) => {
        jobRuns.inc({ job: "checkpoint", outcome: created ? "ran" : "skipped" });
        if (created) inner.logger.info({ file: created.file, count: created.checkpoint.count }, "daily audit checkpoint written");
      },
      (err: unknown) => {
        jobRuns.inc({ job: "checkpoint", outcome: "failed" });
        inner.logger.error({ err }, "daily audit checkpoint failed");
      },
    );
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface CheckpointListItem {
  file: string;
  checkpoint: AuditCheckpoint | null;
  /** signature by the configured key; null when the file is not a checkpoint */
  signatureValid: boolean | null;
  problem: string | null;
}

/** The checkpoint files, newest first (at most `limit`). */
export async function listCheckpoints(ctx: InnerContext, limit = 100): Promise<CheckpointListItem[]> {
  const { checkpointDir, checkpointKeyFile } = ctx.config.security;
  const names = (await readdir(checkpointDir).catch(() => [] as string[])).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  const key = await loadExistingKey(checkpointKeyFile).catch(() => null);
  const items: CheckpointListItem[] = [];
  for (const file of names) {
    const parsed = parseCheckpoint(await readFile(join(checkpointDir, file), "utf8").catch(() => ""));
    if (!parsed.ok) {
      items.push({ file, checkpoint: null, signatureValid: null, problem: parsed.message });
      continue;
    }
    const sig = key ? verifyCheckpointSignature(parsed.checkpoint, key) : null;
    items.push({ file, checkpoint: parsed.checkpoint, signatureValid: sig?.ok ?? null, problem: sig && !sig.ok ? sig.problem : null });
  }
  items.sort((a, b) => (b.checkpoint?.at ?? "").localeCompare(a.checkpoint?.at ?? "") || b.file.localeCompare(a.file));
  return items.slice(0, limit);
}

/** Verifies a checkpoint (JSON text or object) against the live log with the configured key. */
export async function verifyCheckpoint(ctx: InnerContext, checkpoint: unknown): Promise<CheckpointVerdict> {
  const key = await loadExistingKey(ctx.config.security.checkpointKeyFile);
  return verifyLogAgainstCheckpoint(ctx.db, checkpoint, key, { archivedHashAt: (seq) => archivedHashAt(ctx, seq) });
}

/** The auditor's verification: the verdict, and one audit record of it. */
export async function verifyCheckpointAudited(ctx: Authed, checkpoint: unknown): Promise<CheckpointVerdict> {
  const verdict = await verifyCheckpoint(ctx, checkpoint);
  await recordAudit(ctx, ctx.db, {
    action: "audit.verify_checkpoint",
    object_type: "audit_log",
    detail: verdict.ok
      ? { ok: true, checkpointCount: verdict.checkpointCount, logCount: verdict.logCount }
      : { ok: false, problem: verdict.problem, seq: verdict.seq, checkpointCount: verdict.checkpointCount, logCount: verdict.logCount },
  });
  return verdict;
}

/** Public key fingerprint of the configured key, or null when none was created yet. */
export async function checkpointKeyFingerprint(ctx: InnerContext): Promise<string | null> {
  const key = await loadExistingKey(ctx.config.security.checkpointKeyFile).catch(() => null);
  return key ? keyFingerprint(key) : null;
}
