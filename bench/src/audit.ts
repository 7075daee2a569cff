// Audit-chain verification speed (verifyAuditChain over the whole log) against hashing the same
// bytes alone (prev_hash + canonical payload of every record, SHA-256, no database, no parsing).
import { createHash } from "node:crypto";
import { canonicalAuditPayload, type DbOrTrx, verifyAuditChain } from "@duban/db";
import { record, startProfile } from "./common";

export async function auditBench(db: DbOrTrx, label: string): Promise<void> {
  const section = "audit";
  // Warm the page cache and the JIT once, then time.
  await verifyAuditChain(db);
  const stopProfile = await startProfile();
  const t0 = performance.now();
  const result = await verifyAuditChain(db);
  const verifySeconds = (performance.now() - t0) / 1000;
  await stopProfile("audit-verify");
  if (!result.ok) throw new Error(`chain does not verify: ${JSON.stringify(result)}`);
  const verifyRate = result.count / verifySeconds;

  const rows = await db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
  const inputs = rows.map((r) => ({ prev: r.prev_hash, payload: canonicalAuditPayload({ ...r, seq: Number(r.seq) }) }));
  const hashOnce = () => {
    for (const x of inputs) createHash("sha256").update(x.prev, "utf8").update(x.payload, "utf8").digest("hex");
  };
  hashOnce();
  const t1 = performance.now();
  hashOnce();
  const hashSeconds = (performance.now() - t1) / 1000;
  const hashRate = inputs.length / hashSeconds;
  const avgBytes = inputs.reduce((n, x) => n + x.prev.length + Buffer.byteLength(x.payload), 0) / inputs.length;

  record({ section, metric: `verifyAuditChain records/s (${label}, ${result.count} records)`, value: verifyRate, unit: "/s" });
  record({ section, metric: `SHA-256 of the same bytes alone, records/s (avg ${Math.round(avgBytes)} B)`, value: hashRate, unit: "/s" });
  const ratio = verifyRate / hashRate;
  record({ section, metric: "verification / hashing alone", value: ratio * 100, unit: "%", target: "≥ 50 %", pass: ratio >= 0.5 });
}
