// Production mode: what a start in production refuses, decided in one place.
//   - demo data is never loaded (whatever asked for it);
//   - the server does not start while any account still has a published demo password.
// The first administrator of a production installation comes from `pnpm cli user add`.
import type { DbOrTrx } from "@duban/db";
import type { Env } from "./env";
import { verifyPassword } from "./security/passwords";
import { DEMO_PASSWORD } from "./services/demo-seed";

/** Passwords that were ever published with the demo (README, seed code). */
export const KNOWN_DEMO_PASSWORDS: readonly string[] = [DEMO_PASSWORD];

/** DUBAN_ENV=production, or NODE_ENV=production when DUBAN_ENV is not set. */
export function isProduction(env: Pick<Env, "DUBAN_ENV" | "NODE_ENV">): boolean {
  return (env.DUBAN_ENV ?? (env.NODE_ENV === "production" ? "production" : "development")) === "production";
}

/** Which demo data a start loads on an empty database: none in production, else the living demo when asked. */
export function demoDataFor(env: Pick<Env, "DUBAN_ENV" | "NODE_ENV" | "DUBAN_DEMO_DATA">, argv: readonly string[]): "living" | false {
  if (isProduction(env)) return false;
  return argv.includes("--demo") || env.DUBAN_DEMO_DATA === "true" ? "living" : false;
}

/**
 * The usernames of enabled accounts whose password is a known demo password. Every enabled account
 * is checked (a demo password may have been set by hand too); the scrypt checks run concurrently on
 * libuv's thread pool, so a few hundred accounts take seconds once per start.
 */
export async function accountsWithDemoPasswords(db: DbOrTrx): Promise<string[]> {
  const users = await db.selectFrom("users").select(["username", "password_hash"]).where("disabled", "=", 0).orderBy("username").execute();
  const found: string[] = [];
  const queue = [...users];
  const worker = async () => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      for (const password of KNOWN_DEMO_PASSWORDS) {
        if (await verifyPassword(password, user.password_hash)) {
          found.push(user.username);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return found.sort();
}

/** Why a production start must not go on, or null. */
export async function productionStartProblem(db: DbOrTrx): Promise<string | null> {
  const accounts = await accountsWithDemoPasswords(db);
  if (accounts.length === 0) return null;
  const shown = accounts.slice(0, 20).join(", ") + (accounts.length > 20 ? ` … (${accounts.length} in all)` : "");
  return `production start refused: ${accounts.length} account(s) still have the published demo password: ${shown}. Change or disable them (or start a fresh database and create the first administrator with \`pnpm cli user add\`).`;
}
