// Production mode: a production start seeds nothing and refuses to run while a demo password is in use.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, createUser, migrateToLatest, type DbOrTrx } from "@duban/db";
import { afterAll, describe, expect, it } from "vitest";
import { accountsWithDemoPasswords, demoDataFor, isProduction } from "./production";
import { hashPassword } from "./security/passwords";
import { DEMO_PASSWORD } from "./services/demo-seed";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the real server entry point until it listens (or exits); returns its log lines and exit code. */
function startServer(databaseUrl: string, extraEnv: Record<string, string>, argv: string[] = []): Promise<{ listening: boolean; code: number | null; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), "duban-prod-"));
  dirs.push(dir);
  const child = spawn(TSX, [MAIN, ...argv], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      DUBAN_FILES_DIR: join(dir, "files"),
      DUBAN_CHECKPOINT_DIR: join(dir, "checkpoints"),
      DUBAN_CHECKPOINT_KEY: join(dir, "keys", "checkpoint.pem"),
      DUBAN_FIELD_KEY_FILE: join(dir, "keys", "field.key"),
      DUBAN_WEB_DIST: join(dir, "no-web"),
      DUBAN_BACKUP_DIR: join(dir, "backups"),
      DUBAN_METRICS_PORT: "0",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.includes("督查督办系统已启动")) {
        child.kill("SIGTERM");
        resolve({ listening: true, code: null, log });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => resolve({ listening: false, code, log }));
  });
}

async function userCount(file: string): Promise<number> {
  const handle = createDatabase({ url: file });
  try {
    await migrateToLatest(handle.db);
    const row = await handle.db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await handle.close();
  }
}

describe("production mode", () => {
  it("is DUBAN_ENV=production, or NODE_ENV=production when DUBAN_ENV is unset; it never asks for demo data", () => {
    expect(isProduction({ DUBAN_ENV: "production", NODE_ENV: undefined })).toBe(true);
    expect(isProduction({ DUBAN_ENV: undefined, NODE_ENV: "production" })).toBe(true);
    expect(isProduction({ DUBAN_ENV: "development", NODE_ENV: "production" })).toBe(false);
    expect(isProduction({ DUBAN_ENV: undefined, NODE_ENV: undefined })).toBe(false);
    expect(demoDataFor({ DUBAN_ENV: "production", NODE_ENV: undefined, DUBAN_DEMO_DATA: "true" }, ["--demo"])).toBe(false);
    expect(demoDataFor({ DUBAN_ENV: undefined, NODE_ENV: "production", DUBAN_DEMO_DATA: "false" }, ["--demo"])).toBe(false);
    expect(demoDataFor({ DUBAN_ENV: undefined, NODE_ENV: undefined, DUBAN_DEMO_DATA: "false" }, ["--demo"])).toBe("living");
    expect(demoDataFor({ DUBAN_ENV: undefined, NODE_ENV: undefined, DUBAN_DEMO_DATA: "false" }, [])).toBe(false);
  });

  it("finds every enabled account that still has a demo password, and only those", async () => {
    const handle = createDatabase({ url: ":memory:" });
    try {
      await migrateToLatest(handle.db);
      const [demo, changed] = await Promise.all([hashPassword(DEMO_PASSWORD), hashPassword("Changed#Pass2026")]);
      await addUser(handle.db, "office", demo);
      await addUser(handle.db, "wjj", demo, true);
      await addUser(handle.db, "admin", changed);
      expect(await accountsWithDemoPasswords(handle.db)).toEqual(["office"]);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it("a production start on a new database seeds nothing, even when asked; with a demo password it refuses to run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-prod-db-"));
    dirs.push(dir);
    const file = join(dir, "prod.db");
    const started = await startServer(file, { DUBAN_ENV: "production", DUBAN_DEMO_DATA: "true" }, ["--demo"]);
    expect(started.listening, started.log).toBe(true);
    expect(started.log).toContain("demo data is never loaded");
    expect(await userCount(file)).toBe(0);

    // an account with the published demo password (e.g. a demo database moved into production)
    const handle = createDatabase({ url: file });
    await addUser(handle.db, "office", await hashPassword(DEMO_PASSWORD));
    await handle.close();
    const refused = await startServer(file, { NODE_ENV: "production" });
    expect(refused.listening, refused.log).toBe(false);
    expect(refused.code).toBe(1);
    expect(refused.log).toContain("production start refused: 1 account(s) still have the published demo password: office");
  }, 180_000);
});

async function addUser(db: DbOrTrx, username: string, passwordHash: string, disabled = false): Promise<void> {
  const user = await createUser(db, { username, display_name: username, password_hash: passwordHash, role: "sysadmin", unit_id: null, must_change_password: false });
  if (disabled) await db.updateTable("users").set({ disabled: 1 }).where("id", "=", user.id).execute();
}
