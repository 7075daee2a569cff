// The only place that reads process.env. Everything else receives an AppConfig.
import { isTimeZone } from "@duban/workflow/clock";
import { z } from "zod";
import { parseTrustProxy } from "./security/proxy";

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().optional(),
  DUBAN_FILES_DIR: z.string().optional(),
  DUBAN_WEB_DIST: z.string().optional(),
  DUBAN_AUDIT_HASH: z.enum(["sha256", "sm3"]).default("sha256"),
  DUBAN_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  DUBAN_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  DUBAN_LOCK_AFTER_FAILURES: z.coerce.number().int().positive().default(5),
  DUBAN_LOCK_MINUTES: z.coerce.number().int().positive().default(15),
  /** The zone "today" and "this month" are read in (IANA name). */
  DUBAN_TIMEZONE: z.string().refine(isTimeZone, "unknown time zone (IANA name, e.g. Asia/Shanghai)").default("Asia/Shanghai"),
  DUBAN_YELLOW_WORKDAYS: z.coerce.number().int().min(0).max(60).default(5),
  DUBAN_REASSIGN_WORKDAYS: z.coerce.number().int().min(0).max(60).default(7),
  DUBAN_SIGN_WORKDAYS: z.coerce.number().int().min(1).max(60).default(3),
  DUBAN_SIGN_YELLOW_WORKDAYS: z.coerce.number().int().min(0).max(60).default(1),
  DUBAN_NOTICE_REPLY_WORKDAYS: z.coerce.number().int().min(1).max(60).default(5),
  DUBAN_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  DUBAN_MAX_UPLOAD_MB: z.coerce.number().positive().default(20),
  /** production (or NODE_ENV=production): never loads demo data, refuses to start while a demo password is in use */
  DUBAN_ENV: z.enum(["development", "production"]).optional(),
  NODE_ENV: z.string().optional(),
  /** "true" asks for the demo data on an empty database (as `pnpm start --demo` does); ignored in production */
  DUBAN_DEMO_DATA: z.enum(["true", "false"]).default("false"),
  DUBAN_SQLITE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"]).default("FULL"),
  DUBAN_ALLOWED_ORIGINS: z.string().optional(),
  DUBAN_CHECKPOINT_KEY: z.string().optional(),
  DUBAN_CHECKPOINT_DIR: z.string().optional(),
  DUBAN_FIELD_CIPHER: z.enum(["sm4", "aes-256-gcm"]).default("sm4"),
  DUBAN_FIELD_KEY: z.string().regex(/^\s*[0-9a-fA-F]{64}\s*(,\s*[0-9a-fA-F]{64}\s*)*$/, "64 hex digits, comma-separated, first = current").optional(),
  DUBAN_FIELD_KEY_FILE: z.string().optional(),
  DUBAN_LOGIN_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(10),
  DUBAN_LOGIN_PER_ACCOUNT_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** Operations (issue 19, ops-config.ts): scheduled backups, metrics listener, audit archive. */
  DUBAN_BACKUP_DIR: z.string().optional(),
  DUBAN_BACKUP_KEEP: z.coerce.number().int().min(1).max(3650).default(14),
  DUBAN_BACKUP_HOURS: z.coerce.number().positive().max(24 * 31).default(24),
  DUBAN_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DUBAN_METRICS_HOST: z.string().default("127.0.0.1"),
  DUBAN_ARCHIVE_DIR: z.string().optional(),
  DUBAN_AUDIT_ONLINE_DAYS: z.coerce.number().int().min(184, "the audit log stays online for at least 184 days").default(184),
  /** API processes behind the one port: a number, or "auto" (one per core); default 1 */
  DUBAN_WORKERS: z.string().regex(/^(auto|[1-9][0-9]*)$/, 'a whole number or "auto"').optional(),
  /** Reverse proxies in front: a hop count (`1`) or addresses/CIDRs (`127.0.0.1,10.0.0.0/8`); empty = none. */
  DUBAN_TRUST_PROXY: z
    .string()
    .optional()
    .refine((v) => {
      try {
        parseTrustProxy(v);
        return true;
      } catch {
        return false;
      }
    }, "a hop count, or comma-separated IP addresses / CIDR ranges"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type Env = z.infer<typeof ZEnv>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    throw new Error(`invalid environment: ${JSON.stringify(z.flattenError(parsed.error).fieldErrors)}`);
  }
  return parsed.data;
}
