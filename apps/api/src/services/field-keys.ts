// Field-key rotation: `pnpm cli keys rotate` and `pnpm cli keys prune`.
//
// rotate: (key file) a new key is put first in the file, the old ones stay after it, so every
//         existing ciphertext stays readable; (DUBAN_FIELD_KEY) the operator has already put the
//         new key first. Then every encrypted field is re-encrypted under the current key and the
//         configured cipher, row by row (compare-and-set, so a concurrent edit is not overwritten).
// prune:  once no ciphertext names an old key, the key file is rewritten with the current key only.
// Both are audited.
import { randomBytes } from "node:crypto";
import type { DbOrTrx } from "@duban/db";
import type { InnerContext } from "../context";
import { decryptField, encryptField, fieldKeyRing, keyIdOf, phoneContext, readOrCreateKeyFile, totpContext, writeKeyFile, type FieldKeyRing } from "../security/fields";
import { recordAudit } from "./audit";

/** The encrypted columns: table, column, and the context each ciphertext is bound to. */
const ENCRYPTED_COLUMNS = [
  { column: "phone_enc", context: phoneContext },
  { column: "totp_secret_enc", context: totpContext },
] as const;

/** How many ciphertexts name each key id. */
export async function countCiphertextsByKey(db: DbOrTrx): Promise<Record<string, number>> {
  const rows = await db.selectFrom("users").select(["phone_enc", "totp_secret_enc"]).execute();
  const counts: Record<string, number> = {};
  for (const row of rows) {
    for (const { column } of ENCRYPTED_COLUMNS) {
      const value = row[column];
      if (value === null) continue;
      const id = keyIdOf(value) ?? "(unreadable)";
      counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  return counts;
}

/** Re-encrypts every field not yet under the ring's current key and the configured cipher. */
export async function reencryptAllFields(inner: InnerContext, ring: FieldKeyRing): Promise<number> {
  const cipherTag = inner.config.security.fieldCipher === "sm4" ? "sm4" : "gcm";
  const users = await inner.db.selectFrom("users").select(["id", "phone_enc", "totp_secret_enc"]).execute();
  let changed = 0;
  for (const user of users) {
    for (const { column, context } of ENCRYPTED_COLUMNS) {
      const old = user[column];
      if (old === null || old.startsWith(`f1.${cipherTag}.${ring.current.id}.`)) continue;
      const plain = decryptField(ring, old, context(user.id));
      const fresh = encryptField(ring, inner.config.security.fieldCipher, plain, context(user.id));
      const result = await inner.db.updateTable("users").set(column === "phone_enc" ? { phone_enc: fresh } : { totp_secret_enc: fresh }).where("id", "=", user.id).where(column, "=", old).executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
  }
  return changed;
}

export async function rotateFieldKeys(inner: InnerContext): Promise<{ newKeyId: string; keptKeyIds: string[]; reencrypted: number }> {
  const security = inner.config.security;
  let ring = fieldKeyRing(security, true);
  if (ring.source === "file") {
    const existing = readOrCreateKeyFile(security.fieldKeyFile);
    writeKeyFile(security.fieldKeyFile, [randomBytes(32).toString("hex"), ...existing]);
    ring = fieldKeyRing(security, true);
  }
  const reencrypted = await reencryptAllFields(inner, ring);
  const keptKeyIds = [...ring.byId.keys()].filter((id) => id !== ring.current.id);
  await recordAudit(inner, inner.db, {
    action: "keys.rotate",
    actor_username: "cli",
    object_type: "field_key",
    object_id: ring.current.id,
    detail: { source: ring.source, cipher: security.fieldCipher, reencrypted, keptKeyIds },
  });
  return { newKeyId: ring.current.id, keptKeyIds, reencrypted };
}

/** Drops old keys from the key file once nothing needs them; refuses (with the counts) otherwise. */
export async function pruneFieldKeys(inner: InnerContext): Promise<{ ok: boolean; counts: Record<string, number>; removed: string[] }> {
  const security = inner.config.security;
  const ring = fieldKeyRing(security, true);
  const counts = await countCiphertextsByKey(inner.db);
  const stillUsed = Object.keys(counts).filter((id) => id !== ring.current.id);
  if (stillUsed.length > 0 || ring.source !== "file") return { ok: false, counts, removed: [] };
  const removed = [...ring.byId.keys()].filter((id) => id !== ring.current.id);
  writeKeyFile(security.fieldKeyFile, [ring.current.master.toString("hex")]);
  fieldKeyRing(security, true);
  await recordAudit(inner, inner.db, { action: "keys.prune", actor_username: "cli", object_type: "field_key", object_id: ring.current.id, detail: { removed } });
  return { ok: true, counts, removed };
}
