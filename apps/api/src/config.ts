// Runtime settings, built from the environment in main.ts and directly in tests.
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import { DEFAULT_TIME_ZONE } from "@duban/workflow/clock";
import type { Env } from "./env";
import { opsConfigFromEnv, testOpsConfig, type OpsConfig } from "./ops-config";
import { securityConfigFromEnv, testSecurityConfig, type SecurityConfig } from "./security/config";

export interface AppConfig {
  auditHash: "sha256" | "sm3";
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  lockAfterFailures: number;
  lockMs: number;
  maxUploadBytes: number;
  /** IANA zone of the office's calendar: "today", "this month", a timestamp's day (clock.ts). */
  timeZone: string;
  /** A task is marked yellow when at most this many working days are left. */
  yellowWithinWorkdays: number;
  /** Supervision (issue 7): REQUEST_REASSIGN only within this many working days after the task reaches the unit. */
  reassignWithinWorkdays: number;
  /** An unsigned task must be signed within this many working days (yellow on the last one, red after). */
  signWithinWorkdays: number;
  /** Signing turns yellow when at most this many working days are left to sign (red after the last). */
  signYellowWithinWorkdays: number;
  /** A 督办单 must be answered within this many working days of its issue. */
  noticeReplyWorkdays: number;
  /** 督办看板: task ids listed per figure (the most urgent; counts stay exact). Default 100 (supervision/summary.ts ROW_LIMIT); tests set it low. */
  dashboardRowLimit?: number;
  /** Outbound webhook (WeCom/DingTalk markdown) for the daily warnings; null = off. */
  webhookUrl: string | null;
  filesDir: string;
  /** Exact origins allowed to send state-changing requests besides the server's own. */
  allowedOrigins: string[];
  /** Checkpoints, field encryption, TOTP, login rate limits (issue 9). */
  security: SecurityConfig;
  /** Backups, audit archive and its online window (issue 19). */
  ops: OpsConfig;
}

export function configFromEnv(env: Env): AppConfig {
  return {
    auditHash: env.DUBAN_AUDIT_HASH,
    sessionIdleMs: env.DUBAN_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: env.DUBAN_SESSION_ABSOLUTE_HOURS * 3_600_000,
    lockAfterFailures: env.DUBAN_LOCK_AFTER_FAILURES,
    lockMs: env.DUBAN_LOCK_MINUTES * 60_000,
    maxUploadBytes: Math.round(env.DUBAN_MAX_UPLOAD_MB * 1024 * 1024),
    timeZone: env.DUBAN_TIMEZONE,
    yellowWithinWorkdays: env.DUBAN_YELLOW_WORKDAYS,
    reassignWithinWorkdays: env.DUBAN_REASSIGN_WORKDAYS,
    signWithinWorkdays: env.DUBAN_SIGN_WORKDAYS,
    signYellowWithinWorkdays: env.DUBAN_SIGN_YELLOW_WORKDAYS,
    noticeReplyWorkdays: env.DUBAN_NOTICE_REPLY_WORKDAYS,
    webhookUrl: env.DUBAN_WEBHOOK_URL ?? null,
    filesDir: env.DUBAN_FILES_DIR ?? join(findRepoRoot(), "data", "files"),
    allowedOrigins: (env.DUBAN_ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    security: securityConfigFromEnv(env),
    ops: opsConfigFromEnv(env),
  };
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    auditHash: "sha256",
    sessionIdleMs: 30 * 60_000,
    sessionAbsoluteMs: 12 * 3_600_000,
    lockAfterFailures: 5,
    lockMs: 15 * 60_000,
    maxUploadBytes: 2 * 1024 * 1024,
    timeZone: DEFAULT_TIME_ZONE,
    yellowWithinWorkdays: 5,
    reassignWithinWorkdays: 7,
    signWithinWorkdays: 3,
    signYellowWithinWorkdays: 1,
    noticeReplyWorkdays: 5,
    webhookUrl: null,
    filesDir: join(findRepoRoot(), "data", "test-files"),
    allowedOrigins: [],
    security: testSecurityConfig(),
    ops: testOpsConfig(),
    ...overrides,
  };
}
