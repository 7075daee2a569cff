// Field encryption: round trips with both ciphers, tamper detection, context binding, key files, rotation.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, createUser, listAudit, migrateToLatest } from "@duban/db";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../config";
import type { InnerContext } from "../context";
import { createLogger } from "../logger";
import { countCiphertextsByKey, pruneFieldKeys, rotateFieldKeys } from "../services/field-keys";
import { testSecurityConfig, type FieldCipher } from "./config";
import { decryptField, encryptField, fieldCrypto, FieldCryptoError, keyIdOf, keyRingFromHex, phoneContext, readOrCreateKeyFile } from "./fields";

const K1 = "11".repeat(32);
const K2 = "22".repeat(32);
const CIPHERS: FieldCipher[] = ["sm4", "aes-256-gcm"];

describe.each(CIPHERS)("field encryption (%s)", (cipher) => {
  const ring = keyRingFromHex([K1]);

  it("round-trips any text, with a fresh IV every time", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 20 }), (plain, ctx) => {
        const a = encryptField(ring, cipher, plain, ctx);
        expect(decryptField(ring, a, ctx)).toBe(plain);
        expect(a).toMatch(new RegExp(`^f1\\.${cipher === "sm4" ? "sm4" : "gcm"}\\.${ring.current.id}\\.`));
        expect(encryptField(ring, cipher, plain, ctx)).not.toBe(a);
      }),
      { numRuns: 200 },
    );
    expect(decryptField(ring, encryptField(ring, cipher, "13800138000", "c"), "c")).toBe("13800138000");
  });

  it("refuses any flipped character, another row's context, or an unknown key", () => {
    const ct = encryptField(ring, cipher, "13912345678", phoneContext("u1"));
    // Every position × several replacement characters, exhaustively: a random sample once missed the
    // last character of a base64 part, whose spare bits decode to the same bytes.
    for (let i = 0; i < ct.length; i++) {
      for (const ch of "AQz09_-.") {
        if (ct[i] === ch) continue;
        const tampered = ct.slice(0, i) + ch + ct.slice(i + 1);
        expect(() => decryptField(ring, tampered, phoneContext("u1")), `position ${i} → ${ch}`).toThrow(FieldCryptoError);
      }
    }
    // flip one bit of the ciphertext bytes themselves
    const parts = ct.split(".");
    const body = Buffer.from(parts[4] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 0x01;
    parts[4] = body.toString("base64url");
    expect(() => decryptField(ring, parts.join("."), phoneContext("u1"))).toThrow(FieldCryptoError);
    expect(() => decryptField(ring, ct, phoneContext("u2"))).toThrow(FieldCryptoError);
    expect(() => decryptField(keyRingFromHex([K2]), ct, phoneContext("u1"))).toThrow(/not available/);
    expect(() => decryptField(ring, "13912345678", "x")).toThrow(/not an encrypted field/);
  });
});

describe("key ring", () => {
  it("reads old keys for decryption and writes with the first", () => {
    const old = encryptField(keyRingFromHex([K1]), "sm4", "旧", "c");
    const ring = keyRingFromHex([K2, K1]);
    expect(decryptField(ring, old, "c")).toBe("旧");
    expect(keyIdOf(encryptField(ring, "sm4", "新", "c"))).toBe(ring.current.id);
    expect(ring.current.id).not.toBe(keyIdOf(old));
  });

  it("creates the key file once with mode 0600", () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-fk-"));
    try {
      const file = join(dir, "keys", "field.key");
      const a = readOrCreateKeyFile(file);
      expect(a).toHaveLength(1);
      expect(a[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readOrCreateKeyFile(file)).toEqual(a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("rotation (pnpm cli keys rotate / prune)", () => {
  let dir: string;
  let inner: InnerContext;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "duban-rot-"));
    const handle = createDatabase({ url: ":memory:" });
    await migrateToLatest(handle.db);
    const security = testSecurityConfig({ fieldKeysHex: null, fieldKeyFile: join(dir, "field.key"), fieldCipher: "sm4" });
    inner = { db: handle.db, dialect: handle.dialect, config: testConfig({ security }), clock: () => new Date(), logger: createLogger("silent") };
    close = () => handle.close();
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-encrypts every field under a new key, keeps old keys until pruned, then drops them", async () => {
    const crypto = fieldCrypto(inner.config.security);
    const users = [];
    for (let i = 0; i < 6; i += 1) {
      const u = await createUser(inner.db, { username: `rot${i}`, display_name: "x", password_hash: "x", role: "office" });
      const phone = `1390000000${i}`;
      await inner.db.updateTable("users").set({ phone_enc: crypto.encrypt(phone, phoneContext(u.id)) }).where("id", "=", u.id).execute();
      users.push({ id: u.id, phone });
    }
    const firstKey = readFileSync(join(dir, "field.key"), "utf8").trim();
    const before = await countCiphertextsByKey(inner.db);
    expect(Object.values(before)).toEqual([6]);

    // switch the cipher too: rotation re-encrypts into the configured one
    inner = { ...inner, config: { ...inner.config, security: { ...inner.config.security, fieldCipher: "aes-256-gcm" } } };
    const rotated = await rotateFieldKeys(inner);
    expect(rotated.reencrypted).toBe(6);
    expect(rotated.keptKeyIds).toEqual(Object.keys(before));
    const lines = readFileSync(join(dir, "field.key"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(firstKey);
    expect(await countCiphertextsByKey(inner.db)).toEqual({ [rotated.newKeyId]: 6 });

    const after = fieldCrypto(inner.config.security);
    for (const u of users) {
      const row = await inner.db.selectFrom("users").select("phone_enc").where("id", "=", u.id).executeTakeFirstOrThrow();
      expect(row.phone_enc).toMatch(/^f1\.gcm\./);
      expect(after.decrypt(row.phone_enc ?? "", phoneContext(u.id))).toBe(u.phone);
    }

    const pruned = await pruneFieldKeys(inner);
    expect(pruned).toMatchObject({ ok: true, removed: Object.keys(before) });
    expect(readFileSync(join(dir, "field.key"), "utf8").trim().split("\n")).toHaveLength(1);
    const audit = (await listAudit(inner.db, { action: "keys.*", limit: 5, order: "asc" })).items;
    expect(audit.map((r) => r.action)).toEqual(["keys.rotate", "keys.prune"]);
  });

  it("prune refuses while a ciphertext still needs an old key", async () => {
    const u = await createUser(inner.db, { username: "rot-old", display_name: "x", password_hash: "x", role: "office" });
    const ring = keyRingFromHex([K1]);
    await inner.db.updateTable("users").set({ phone_enc: encryptField(ring, "sm4", "1", phoneContext(u.id)) }).where("id", "=", u.id).execute();
    expect(await pruneFieldKeys(inner)).toMatchObject({ ok: false, removed: [] });
  });
});
