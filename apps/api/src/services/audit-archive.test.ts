// Audit retention: a year of records archived into signed monthly files; the whole history verifies
// from archives + database; a removed, an edited and a swapped archive file are each named; nothing
// inside the online window is archived; the database still refuses every other DELETE; the auditor
// reads archived periods; a checkpoint made before archiving still verifies after it.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, createUser, testDialects, type DialectName, type TestDatabase } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "../app";
import { testConfig } from "../config";
import { detachedRequest, type InnerContext } from "../context";
import { createLogger } from "../logger";
import { testOpsConfig } from "../ops-config";
import { createCaller } from "../router";
import { hashPassword } from "../security/passwords";
import { testSecurityConfig } from "../security/config";
import { signIn } from "../test-support";
import { recordAudit } from "./audit";
import { archiveAuditLog, onlineWindowStart, verifyHistory } from "./audit-archive";
import { createCheckpoint, verifyCheckpoint } from "./checkpoints";

const NOW = new Date("2026-12-04T04:00:00Z");
const DAY = 86_400_000;
const PASSWORD = "Auditor#2026x";

describe.each(testDialects())("audit archive (%s)", (dialect: DialectName) => {
  const dir = mkdtempSync(join(tmpdir(), `duban-archive-${dialect}-`));
  const archiveDir = join(dir, "archive");
  let database: TestDatabase;
  let app: { inner: InnerContext; close: () => Promise<void> };
  let clock = new Date(NOW.getTime() - 365 * DAY);
  let yearRecords = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { migrate: false });
    const config = testConfig({
      filesDir: join(dir, "files"),
      security: testSecurityConfig({ checkpointDir: join(dir, "checkpoints"), checkpointKeyFile: join(dir, "keys", "cp.pem") }),
      ops: testOpsConfig({ archiveDir }),
    });
    app = await openApp({ databaseUrl: database.url, config, logger: createLogger("silent"), clock: () => clock });
    await createUser(app.inner.db, { username: "auditor", display_name: "审计", password_hash: await hashPassword(PASSWORD), role: "auditor", unit_id: null, must_change_password: false });
    // a year of records, two a day, oldest first
    const system = { ...app.inner, session: null, request: detachedRequest() };
    for (let t = NOW.getTime() - 365 * DAY; t < NOW.getTime(); t += DAY / 2) {
      clock = new Date(t);
      await recordAudit(system, app.inner.db, { action: "test.record", actor_username: "system", comment: `记录 ${clock.toISOString()}`, detail: { t } });
      yearRecords += 1;
    }
    clock = NOW;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to archive inside the online window (184 days, never less)", async () => {
    const tooLate = new Date(NOW.getTime() - 100 * DAY);
    await expect(archiveAuditLog(app.inner, { before: tooLate })).rejects.toThrow(/在线保存期（184 天）内的审计记录不能归档/);
    expect(onlineWindowStart(NOW, 30).toISOString()).toBe(new Date(NOW.getTime() - 184 * DAY).toISOString());
  });

  it("archives everything older than the window into signed monthly files; the whole history verifies; the checkpoint made before still does", async () => {
    const checkpoint = await createCheckpoint(app.inner, "manual");
    const result = await archiveAuditLog(app.inner);
    const windowStart = onlineWindowStart(NOW, 184).toISOString();
    expect(result.archives.length).toBeGreaterThanOrEqual(6);
    expect(result.archives.every((a) => a.toAt < windowStart)).toBe(true);
    expect(result.archives[0]?.firstSeq).toBe(1);
    // what stays online is exactly the records of the window (plus the audit records made since)
    const online = await app.inner.db.selectFrom("audit_log").select(["seq", "at", "action"]).where("action", "=", "test.record").orderBy("seq").execute();
    expect(online.every((r) => r.at >= windowStart)).toBe(true);
    expect(result.archived + online.length).toBe(yearRecords);
    // archiving is audited: one audit.archive per file, carrying its signed manifest
    const audited = await app.inner.db.selectFrom("audit_log").select("detail").where("action", "=", "audit.archive").execute();
    expect(audited.map((r) => (JSON.parse(r.detail) as { manifest: { fileName: string } }).manifest.fileName)).toEqual(result.archives.map((a) => a.fileName));

    const history = await verifyHistory(app.inner);
    expect(history).toMatchObject({ ok: true, archives: result.archives.length, archivedCount: result.archived });
    expect(history.ok && history.count).toBe(Number((await app.inner.db.selectFrom("audit_head").select("seq").executeTakeFirstOrThrow()).seq));
    const verdict = await verifyCheckpoint(app.inner, checkpoint?.checkpoint);
    expect(verdict.ok, verdict.message).toBe(true);
    // a second run finds nothing more to move
    expect((await archiveAuditLog(app.inner)).archived).toBe(0);
  }, 120_000);

  it("the database still refuses to delete or change an online record, and the register cannot be changed", async () => {
    const first = await app.inner.db.selectFrom("audit_log").select("seq").orderBy("seq").limit(1).executeTakeFirstOrThrow();
    await expect(app.inner.db.deleteFrom("audit_log").where("seq", "=", first.seq).execute()).rejects.toThrow(/append-only/);
    await expect(app.inner.db.updateTable("audit_log").set({ comment: "x" }).where("seq", "=", first.seq).execute()).rejects.toThrow(/append-only/);
    await expect(app.inner.db.deleteFrom("audit_archives").execute()).rejects.toThrow(/append-only/);
    await expect(app.inner.db.updateTable("audit_archives").set({ file_name: "x" }).execute()).rejects.toThrow(/append-only/);
  });

  it("names a removed, an edited and a swapped (reordered) archive file", async () => {
    const names = (await app.inner.db.selectFrom("audit_archives").select("file_name").orderBy("archive_seq").execute()).map((r) => r.file_name);
    const [, second = "", third = ""] = names;
    const path = (n: string) => join(archiveDir, n);

    renameSync(path(second), `${path(second)}.away`);
    expect(await verifyHistory(app.inner)).toMatchObject({ ok: false, problem: "archive_missing", archive: second });
    renameSync(`${path(second)}.away`, path(second));

    const original = readFileSync(path(third), "utf8");
    const edited = JSON.parse(original) as { records: { comment: string; seq: number }[] };
    const target = edited.records[3];
    if (target === undefined) throw new Error("archive too small");
    target.comment = "篡改";
    writeFileSync(path(third), JSON.stringify(edited));
    const altered = await verifyHistory(app.inner);
    expect(altered).toMatchObject({ ok: false, problem: "archive_altered", archive: third, seq: target.seq });
    writeFileSync(path(third), original);

    renameSync(path(second), join(dir, "tmp"));
    renameSync(path(third), path(second));
    renameSync(join(dir, "tmp"), path(third));
    const swapped = await verifyHistory(app.inner);
    expect(swapped).toMatchObject({ ok: false, problem: "archive_misplaced", archive: second });
    expect(swapped.ok ? "" : swapped.message).toContain("swapped");
    renameSync(path(second), join(dir, "tmp"));
    renameSync(path(third), path(second));
    renameSync(join(dir, "tmp"), path(third));

    expect((await verifyHistory(app.inner)).ok).toBe(true);
  });

  it("the auditor lists archived periods and reads their records; audit.verify covers the archives", async () => {
    const { caller } = await signIn(app.inner, "auditor", { password: PASSWORD });
    const archives = await caller.audit.archives();
    expect(archives.length).toBeGreaterThanOrEqual(6);
    expect(archives.every((a) => a.verified)).toBe(true);
    const oldest = archives[archives.length - 1];
    if (oldest === undefined) throw new Error("no archive");
    const page = await caller.audit.archiveRecords({ archiveSeq: oldest.archiveSeq, limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.items[0]?.seq).toBe(oldest.lastSeq);
    // the same register view as the live log: names and events in words
    expect(page.items[0]).toMatchObject({ actorName: "system", action: "test.record", actionLabel: "test.record", outcomeLabel: "成功", stateChange: "" });
    const next = await caller.audit.archiveRecords({ archiveSeq: oldest.archiveSeq, limit: 10, cursor: page.nextCursor });
    expect(next.items[0]?.seq).toBe(oldest.lastSeq - 10);
    expect((await caller.audit.verify()).ok).toBe(true);
    // other roles cannot read them
    const noSession = createCaller({ ...app.inner, request: detachedRequest(), session: null });
    await expect(noSession.audit.archives()).rejects.toThrow();
  });
});
