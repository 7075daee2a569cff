// Session tokens: random, sent only in an HttpOnly cookie; the database keeps only their hash.
import { createHash, randomBytes } from "node:crypto";

export const SESSION_COOKIE = "duban_session";

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
