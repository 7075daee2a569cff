// Settings of issue 9 (checkpoints, field encryption, TOTP, login rate limits), one nested block of
// AppConfig. Keys live in files or environment variables, never in the database.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import type { Env } from "../env";
import { parseTrustProxy, TRUST_NO_PROXY, type TrustProxy } from "./proxy";

export type FieldCipher = "sm4" | "aes-256-gcm";

export interface SecurityConfig {
  /** Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints; created 0600 on first use. */
  checkpointKeyFile: string;
  /** Where signed checkpoint JSON files are written — keep it on other storage than the database. */
  checkpointDir: string;
  /** Cipher for new ciphertexts; old ones name their own cipher and stay readable. */
  fieldCipher: FieldCipher;
  /** Field keys given directly (DUBAN_FIELD_KEY: hex, comma-separated, first = current); else the key file is used. */
  fieldKeysHex: string[] | null;
  /** Key file: one 64-hex-digit key per line, the first is current; created 0600 on first use. */
  fieldKeyFile: string;
  /** Failed sign-ins allowed per client address within the window (then refused until it ends). */
  loginPerAddress: number;
  loginWindowMs: number;
  /** Issuer name shown in authenticator apps. */
  totpIssuer: string;
  /** Which reverse proxies may name the client's address and scheme (X-Forwarded-For/-Proto). */
  trustProxy: TrustProxy;
}

export function securityConfigFromEnv(env: Env): SecurityConfig {
  const data = join(findRepoRoot(), "data");
  const keys = env.DUBAN_FIELD_KEY?.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    checkpointKeyFile: env.DUBAN_CHECKPOINT_KEY ?? join(data, "keys", "checkpoint-ed25519.pem"),
    checkpointDir: env.DUBAN_CHECKPOINT_DIR ?? join(data, "checkpoints"),
    fieldCipher: env.DUBAN_FIELD_CIPHER,
    fieldKeysHex: keys !== undefined && keys.length > 0 ? keys : null,
    fieldKeyFile: env.DUBAN_FIELD_KEY_FILE ?? join(data, "keys", "field.key"),
    loginPerAddress: env.DUBAN_LOGIN_PER_ADDRESS_PER_MINUTE,
    loginWindowMs: 60_000,
    totpIssuer: "督查督办",
    trustProxy: parseTrustProxy(env.DUBAN_TRUST_PROXY),
  };
}

/** Tests: keys and checkpoints in a temp folder of this process, a fixed field key, generous rate limits. */
export function testSecurityConfig(overrides: Partial<SecurityConfig> = {}): SecurityConfig {
  const dir = join(tmpdir(), `duban-test-security-${process.pid}`);
  return {
    checkpointKeyFile: join(dir, "keys", "checkpoint-ed25519.pem"),
    checkpointDir: join(dir, "checkpoints"),
    fieldCipher: "sm4",
    fieldKeysHex: ["00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"],
    fieldKeyFile: join(dir, "keys", "field.key"),
    loginPerAddress: 1000,
    loginWindowMs: 60_000,
    totpIssuer: "督查督办",
    trustProxy: TRUST_NO_PROXY,
    ...overrides,
  };
}
