// Audit-chain verification speed (verifyAuditChain over the whole log) against hashing the same
// bytes alone (prev_hash + canonical payload of every record, SHA-256, one createHash per record,
// no database, no parsing). Both timed 3 times back to back, best run each (the machine is shared).
// With DATABASE_URL=postgres://… the same records are also copied into a temp PostgreSQL database
// and verified there (reported, no target).
import { createHash, randomBytes } from "node:crypto";
import {
  type AuditLogRow,
  canonicalAuditPayload,
  createDatabase,
  databaseWritesAuditPayload,
  type DbOrTrx,
  migrateToLatest,
  verifyAuditChain,
} from "@duban/db";
import { sql } from "kysely";
import pg from "pg";
import { record, startProfile } from "./common";

const RUNS = 3;

/** Best of RUNS timings of `fn` (after one warm-up run), in seconds, and its last result. */
async function best<T>(fn: () => Promise<T> | T, profileName?: string): Promise<{ seconds: number; result: T }> {
  let result = await fn();
  let seconds = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const stopProfile = profileName !== undefined && i === 0 ? await startProfile() : undefined;
    const t0 = performance.now();
    result = await fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    await stopProfile?.(profileName as string);
  }
  return { seconds, result };
}

export async function auditBench(db: DbOrTrx, label: string): Promise<void> {
  const section = "audit";
  const writer = (await databaseWritesAuditPayload(db)) ? "payload written by SQLite" : "payload written in JS";
  const verify = await best(() => verifyAuditChain(db), "audit-verify");
  if (!verify.result.ok) throw new Error(`chain does not verify: ${JSON.stringify(verify.result)}`);
  const count = verify.result.count;
  const verifyRate = count / verify.seconds;

  // The baseline: exactly the bytes verification hashes, prepared beforehand (after the timed
  // verification, so its memory does not weigh on it), one createHash per record.
  const rows = await db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
  const inputs = rows.map((r) => ({ prev: r.prev_hash, payload: canonicalAuditPayload({ ...r, seq: Number(r.seq) }) }));
  const hashOnce = () => {
    for (const x of inputs) createHash("sha256").update(x.prev, "utf8").update(x.payload, "utf8").digest("hex");
  };
  const hashing = await best(hashOnce);
  const hashRate = inputs.length / hashing.seconds;
  const avgBytes = inputs.reduce((n, x) => n + x.prev.length + Buffer.byteLength(x.payload), 0) / inputs.length;

  record({ section, metric: `verifyAuditChain records/s (${label}, ${count} records, ${writer}, best of ${RUNS})`, value: verifyRate, unit: "/s" });
  record({ section, metric: `SHA-256 of the same bytes alone, records/s (avg ${Math.round(avgBytes)} B, best of ${RUNS})`, value: hashRate, unit: "/s" });
  const ratio = verifyRate / hashRate;
  record({ section, metric: "verification / hashing alone", value: ratio * 100, unit: "%", target: "≥ 50 %", pass: ratio >= 0.5 });

  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && /^postgres(ql)?:\/\//.test(serverUrl)) {
    const pgRate = await postgresVerifyRate(serverUrl, rows, count);
    record({ section, metric: `verifyAuditChain records/s on PostgreSQL (same ${count} records, best of ${RUNS})`, value: pgRate, unit: "/s", note: `${((pgRate / hashRate) * 100).toFixed(1)} % of hashing alone` });
  }
}

/** Copies the records into a temp PostgreSQL database (dropped after) and times verifyAuditChain there. */
async function postgresVerifyRate(serverUrl: string, rows: readonly AuditLogRow[], count: number): Promise<number> {
  const name = `duban_bench_audit_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const handle = createDatabase({ url: u.toString() });
  try {
    await migrateToLatest(handle.db);
    for (let i = 0; i < rows.length; i += 1000) {
      await handle.db.insertInto("audit_log").values(rows.slice(i, i + 1000)).execute();
    }
    const last = rows[rows.length - 1] as AuditLogRow;
    await handle.db.updateTable("audit_head").set({ seq: last.seq, hash: last.hash }).where("id", "=", 1).execute();
    await sql`analyze audit_log`.execute(handle.db);
    const verify = await best(() => verifyAuditChain(handle.db), "audit-verify-postgres");
    if (!verify.result.ok || verify.result.count !== count) throw new Error(`PostgreSQL copy does not verify: ${JSON.stringify(verify.result)}`);
    return count / verify.seconds;
  } finally {
    await handle.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
