// Encryption of personal fields at rest (users.phone_enc, users.totp_secret_enc).
//
// Ciphertext text form:  f1.<alg>.<keyId>.<iv>.<ciphertext>.<tag>   (base64url parts)
//   alg "sm4": SM4-CBC, then HMAC-SM3 over everything before the tag plus the context
//              (encrypt-then-MAC; the MAC is checked before any decryption)
//   alg "gcm": AES-256-GCM with the header and the context as additional data
// Keys: 32-byte master keys from DUBAN_FIELD_KEY (hex, comma-separated, first = current) or the key
// file (one hex key per line, first = current; created 0600 on first use). Sub-keys are derived per
// algorithm with HMAC (SM3 for SM4, SHA-256 for AES). keyId = first 16 hex of SHA-256 of the master
// key, so a ciphertext names its key and old keys stay readable while `pnpm cli keys rotate`
// re-encrypts. The context (e.g. "users.phone:<user id>") binds a ciphertext to its row and column:
// one user's ciphertext copied onto another row does not decrypt.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { FieldCipher, SecurityConfig } from "./config";

export class FieldCryptoError extends Error {
  override name = "FieldCryptoError";
}

export interface FieldKey {
  id: string;
  master: Buffer;
}

export interface FieldKeyRing {
  current: FieldKey;
  byId: ReadonlyMap<string, FieldKey>;
  /** where the keys came from: a file can be rotated by the CLI, environment keys by the operator */
  source: "env" | "file";
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function fieldKeyId(master: Buffer): string {
  return createHash("sha256").update("duban-field-key-id\n").update(master).digest("hex").slice(0, 16);
}

export function keyRingFromHex(hexKeys: readonly string[], source: FieldKeyRing["source"] = "env"): FieldKeyRing {
  const keys = hexKeys.map((h) => {
    if (!HEX_KEY.test(h)) throw new FieldCryptoError("field key must be 64 hex digits (32 bytes)");
    const master = Buffer.from(h, "hex");
    return { id: fieldKeyId(master), master };
  });
  const current = keys[0];
  if (current === undefined) throw new FieldCryptoError("no field key configured");
  return { current, byId: new Map(keys.map((k) => [k.id, k])), source };
}

/** Reads the key file, creating it with one fresh key (mode 0600, exclusive) when it does not exist. */
export function readOrCreateKeyFile(file: string): string[] {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, `${randomBytes(32).toString("hex")}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Replaces the key file atomically (temp file + rename), keys[0] = current. */
export function writeKeyFile(file: string, hexKeys: readonly string[]): void {
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${hexKeys.join("\n")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

const rings = new WeakMap<SecurityConfig, FieldKeyRing>();

/** The key ring of a configuration (cached; `reload` re-reads the file, e.g. after a rotation). */
export function fieldKeyRing(config: SecurityConfig, reload = false): FieldKeyRing {
  const cached = rings.get(config);
  if (cached !== undefined && !reload) return cached;
  const ring = config.fieldKeysHex !== null ? keyRingFromHex(config.fieldKeysHex, "env") : keyRingFromHex(readOrCreateKeyFile(config.fieldKeyFile), "file");
  rings.set(config, ring);
  return ring;
}

const b64 = (b: Buffer) => b.toString("base64url");
const ALG_TAG: Record<FieldCipher, string> = { sm4: "sm4", "aes-256-gcm": "gcm" };

function subKey(master: Buffer, hash: "sm3" | "sha256", label: string, length: number): Buffer {
  return createHmac(hash, master).update(`duban-field/${label}`).digest().subarray(0, length);
}

function sm4Mac(master: Buffer, macInput: string): Buffer {
  return createHmac("sm3", subKey(master, "sm3", "hmac-sm3", 32)).update(macInput, "utf8").digest();
}

export function encryptWithKey(key: FieldKey, cipher: FieldCipher, plaintext: string, context: string): string {
  const header = `f1.${ALG_TAG[cipher]}.${key.id}`;
  if (cipher === "sm4") {
    const iv = randomBytes(16);
    const c = createCipheriv("sm4-cbc", subKey(key.master, "sm3", "sm4-cbc", 16), iv);
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
    const body = `${header}.${b64(iv)}.${b64(ct)}`;
    return `${body}.${b64(sm4Mac(key.master, `${body}\n${context}`))}`;
  }
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", subKey(key.master, "sha256", "aes-256-gcm", 32), iv);
  c.setAAD(Buffer.from(`${header}\n${context}`, "utf8"));
  const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return `${header}.${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;
}

/** Encrypts with the ring's current key and the configured cipher. */
export function encryptField(ring: FieldKeyRing, cipher: FieldCipher, plaintext: string, context: string): string {
  return encryptWithKey(ring.current, cipher, plaintext, context);
}

/** The key id a ciphertext names (for rotation bookkeeping), or null when it is not one of ours. */
export function keyIdOf(ciphertext: string): string | null {
  const parts = ciphertext.split(".");
  return parts.length === 6 && parts[0] === "f1" ? (parts[2] ?? null) : null;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Decrypts and authenticates; any change to any byte, the key or the context throws FieldCryptoError. */
export function decryptField(ring: FieldKeyRing, ciphertext: string, context: string): string {
  const parts = ciphertext.split(".");
  const [version, alg, keyId, ivText, ctText, tagText] = parts;
  if (parts.length !== 6 || version !== "f1" || keyId === undefined || ivText === undefined || ctText === undefined || tagText === undefined) {
    throw new FieldCryptoError("not an encrypted field");
  }
  if (![ivText, ctText, tagText].every((p) => B64URL.test(p))) throw new FieldCryptoError("encrypted field is damaged");
  const key = ring.byId.get(keyId);
  if (key === undefined) throw new FieldCryptoError(`field key ${keyId} is not available`);
  const iv = Buffer.from(ivText, "base64url");
  const ct = Buffer.from(ctText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  const header = `f1.${alg}.${keyId}`;
  try {
    if (alg === "sm4") {
      const expected = sm4Mac(key.master, `${header}.${ivText}.${ctText}\n${context}`);
      // base64url must round-trip exactly, else two texts could share one MAC
      if (b64(iv) !== ivText || b64(ct) !== ctText || b64(tag) !== tagText || tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
        throw new FieldCryptoError("encrypted field failed authentication (HMAC-SM3)");
      }
      const d = createDecipheriv("sm4-cbc", subKey(key.master, "sm3", "sm4-cbc", 16), iv);
      return Buffer.concat([d.update(ct), d.final()]).toString("utf8");
    }
    if (alg === "gcm") {
      if (tag.length !== 16 || iv.length !== 12 || b64(iv) !== ivText || b64(ct) !== ctText || b64(tag) !== tagText) {
        throw new FieldCryptoError("encrypted field is damaged");
      }
      const d = createDecipheriv("aes-256-gcm", subKey(key.master, "sha256", "aes-256-gcm", 32), iv);
      d.setAAD(Buffer.from(`${header}\n${context}`, "utf8"));
      d.setAuthTag(tag);
      return Buffer.concat([d.update(ct), d.final()]).toString("utf8");
    }
  } catch (error) {
    if (error instanceof FieldCryptoError) throw error;
    throw new FieldCryptoError("encrypted field failed authentication");
  }
  throw new FieldCryptoError(`unknown field cipher ${String(alg)}`);
}

/** Convenience for services: encrypt/decrypt with the configuration's ring; decrypt reloads once for a new key. */
export function fieldCrypto(config: SecurityConfig) {
  return {
    encrypt: (plaintext: string, context: string) => encryptField(fieldKeyRing(config), config.fieldCipher, plaintext, context),
    decrypt: (ciphertext: string, context: string) => {
      const keyId = keyIdOf(ciphertext);
      const ring = keyId !== null && !fieldKeyRing(config).byId.has(keyId) ? fieldKeyRing(config, true) : fieldKeyRing(config);
      return decryptField(ring, ciphertext, context);
    },
  };
}

export const phoneContext = (userId: string) => `users.phone:${userId}`;
export const totpContext = (userId: string) => `users.totp_secret:${userId}`;
