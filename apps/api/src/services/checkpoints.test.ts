// Checkpoints on disk: key file, atomic daily file, auditor procedures, and the CLI end to end.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { appendAudit, createDatabase, createUser, listAudit, migrateToLatest, type UserRole } from "@duban/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../config";
import { detachedRequest, type Context, type InnerContext } from "../context";
import { createLogger } from "../logger";
import { createCaller } from "../router";
import { testSecurityConfig } from "../security/config";
import { createCheckpoint, dailyCheckpointName, loadOrCreateCheckpointKey, writeExclusive } from "./checkpoints";

const run = promisify(execFile);
let dir: string;
let inner: InnerContext;
let close: () => Promise<void>;
let now = new Date("2026-11-25T01:00:00.000Z");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "duban-cp-api-"));
  const handle = createDatabase({ url: ":memory:" });
  await migrateToLatest(handle.db);
  const security = testSecurityConfig({ checkpointKeyFile: join(dir, "keys", "cp.pem"), checkpointDir: join(dir, "checkpoints") });
  inner = { db: handle.db, dialect: handle.dialect, config: testConfig({ security }), clock: () => now, logger: createLogger("silent") };
  for (let i = 0; i < 5; i += 1) await appendAudit(handle.db, { action: "test.seed", comment: `${i}` });
  close = () => handle.close();
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

async function callerAs(role: UserRole) {
  const user = await createUser(inner.db, { username: `${role}-${Math.random().toString(36).slice(2, 8)}`, display_name: role, password_hash: "x", role, must_change_password: false });
  const ctx: Context = { ...inner, request: detachedRequest({ clientIp: "10.9.8.7" }), session: { sessionId: "s", user } };
  return createCaller(ctx);
}

describe("checkpoint files", () => {
  it("creates the Ed25519 key once, mode 0600, and reuses it", async () => {
    const file = join(dir, "k", "key.pem");
    const [a, b] = await Promise.all([loadOrCreateCheckpointKey(file), loadOrCreateCheckpointKey(file)]);
    const c = await loadOrCreateCheckpointKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(a.asymmetricKeyType).toBe("ed25519");
    // whichever process lost the race reads the winner's key: all three agree
    expect(new Set([a, b, c].map((k) => k.export({ type: "pkcs8", format: "der" }).toString("hex"))).size).toBe(1);
  });

  it("writes a name exactly once even when many writers race", async () => {
    const target = join(dir, "race");
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => writeExclusive(target, "x.json", `{"n":${i}}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(readdirSync(target)).toEqual(["x.json"]); // no temp files left behind
  });

  it("writes at most one daily checkpoint per day, audited once, even from concurrent processes", async () => {
    const before = (await listAudit(inner.db, { action: "audit.checkpoint", limit: 100 })).items.length;
    const results = await Promise.all([createCheckpoint(inner, "daily"), createCheckpoint(inner, "daily"), createCheckpoint(inner, "daily")]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await createCheckpoint(inner, "daily")).toBeNull(); // restart later the same day
    const file = join(inner.config.security.checkpointDir, dailyCheckpointName(now, inner.config.timeZone));
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 1, hashAlg: "sha256", keyFingerprint: expect.stringMatching(/^sha256:/) });
    const records = (await listAudit(inner.db, { action: "audit.checkpoint", limit: 100 })).items;
    expect(records.length - before).toBe(1);
    expect(records[0]).toMatchObject({ actor_username: "system", outcome: "ok", object_type: "audit_log" });
    now = new Date("2026-11-25T17:00:00.000Z"); // 01:00 on the 26th in Beijing: a new day
    expect(await createCheckpoint(inner, "daily")).toMatchObject({ file: "daily-2026-11-26.json" });
  });
});

describe("auditor procedures", () => {
  it("create, list and verify checkpoints; a later log still extends them; an edited checkpoint fails", async () => {
    const auditor = await callerAs("auditor");
    const created = await auditor.audit.createCheckpoint();
    expect(created?.checkpoint.count).toBeGreaterThan(0);
    await appendAudit(inner.db, { action: "test.later" });
    const list = await auditor.audit.checkpoints();
    const mine = list.find((i) => i.file === created?.file);
    expect(mine).toMatchObject({ signatureValid: true, problem: null });
    const verdict = await auditor.audit.verifyCheckpoint({ checkpoint: JSON.stringify(mine?.checkpoint) });
    expect(verdict).toMatchObject({ ok: true, checkpointCount: created?.checkpoint.count });
    const forged = await auditor.audit.verifyCheckpoint({ checkpoint: { ...mine?.checkpoint, count: 1 } });
    expect(forged).toMatchObject({ ok: false, problem: "bad_signature" });
    const log = (await listAudit(inner.db, { action: "audit.*", limit: 3 })).items;
    expect(log.map((r) => [r.action, r.actor_role, r.client_ip])).toEqual([
      ["audit.verify_checkpoint", "auditor", "10.9.8.7"],
      ["audit.verify_checkpoint", "auditor", "10.9.8.7"],
      ["audit.checkpoint", "auditor", "10.9.8.7"],
    ]);
    expect(JSON.parse(log[0]?.detail ?? "{}")).toMatchObject({ ok: false, problem: "bad_signature" });
  });

  it("is the auditor's alone", async () => {
    for (const role of ["sysadmin", "secadmin", "office"] as const) {
      const caller = await callerAs(role);
      const error = await caller.audit.createCheckpoint().catch((e: unknown) => e);
      expect(error instanceof TRPCError ? error.code : null).toBe("FORBIDDEN");
      expect(await caller.audit.checkpoints().catch((e: unknown) => (e instanceof TRPCError ? e.code : e))).toBe("FORBIDDEN");
    }
  });
});

describe("pnpm cli audit checkpoint / verify --checkpoint", () => {
  it("signs the head to a file, then catches an older database put back in place", async () => {
    const work = mkdtempSync(join(tmpdir(), "duban-cp-cli-"));
    const db = join(work, "app.db");
    const env = {
      ...process.env,
      DATABASE_URL: db,
      DUBAN_CHECKPOINT_KEY: join(work, "keys", "cp.pem"),
      DUBAN_CHECKPOINT_DIR: join(work, "checkpoints"),
      DUBAN_FIELD_KEY: "ab".repeat(32),
      INIT_CWD: work,
    };
    const cli = (...args: string[]) =>
      run("pnpm", ["exec", "tsx", "src/cli/main.ts", ...args], { env, cwd: join(import.meta.dirname, "..", "..") }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    try {
      const handle = createDatabase({ url: db });
      await migrateToLatest(handle.db);
      for (let i = 0; i < 3; i += 1) await appendAudit(handle.db, { action: "test.old" });
      await handle.close();
      copyFileSync(db, join(work, "old.db"));
      const h2 = createDatabase({ url: db });
      for (let i = 0; i < 4; i += 1) await appendAudit(h2.db, { action: "test.new" });
      await h2.close();

      const made = await cli("audit", "checkpoint");
      expect(made).toMatchObject({ code: 0, out: expect.stringContaining("checkpoint written") });
      expect(statSync(env.DUBAN_CHECKPOINT_KEY).mode & 0o777).toBe(0o600);
      const [file] = readdirSync(env.DUBAN_CHECKPOINT_DIR);
      expect(file).toBeDefined();
      const cpFile = join(env.DUBAN_CHECKPOINT_DIR, file ?? "");
      expect(JSON.parse(readFileSync(cpFile, "utf8"))).toMatchObject({ count: 7 });

      expect(await cli("audit", "verify", "--checkpoint", cpFile)).toMatchObject({ code: 0, out: expect.stringContaining("checkpoint OK") });
      copyFileSync(join(work, "old.db"), db); // the whole database swapped for the older copy
      for (const f of ["-wal", "-shm"]) if (existsSync(db + f)) rmSync(db + f);
      const after = await cli("audit", "verify", "--checkpoint", cpFile);
      expect(after.code).toBe(1);
      expect(after.out).toContain("log shorter than checkpoint: 3 < 7");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
