// Inner context: what every procedure needs and tests build directly (db, config, clock, logger).
// Outer context: adds the HTTP request's session, client address and cookie setter.
import type { Database, UserRow } from "@duban/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { AppConfig } from "./config";

export interface InnerContext {
  db: Kysely<Database>;
  dialect: "sqlite" | "postgres";
  config: AppConfig;
  clock: () => Date;
  logger: Logger;
}

export interface RequestInfo {
  clientIp: string | null;
  userAgent: string | null;
  /** The raw session token from the cookie, if any. */
  sessionToken: string | null;
  setSessionCookie(token: string, maxAgeMs: number): void;
  clearSessionCookie(): void;
}

export interface SessionUser {
  sessionId: string;
  user: UserRow;
}

export interface Context extends InnerContext {
  request: RequestInfo;
  session: SessionUser | null;
}

/** A request with no HTTP behind it (CLI, seed, createCaller in tests). */
export function detachedRequest(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return {
    clientIp: null,
    userAgent: null,
    sessionToken: null,
    setSessionCookie: () => {},
    clearSessionCookie: () => {},
    ...overrides,
  };
}
