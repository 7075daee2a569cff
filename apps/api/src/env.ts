// The only place that reads process.env. Everything else receives an AppConfig.
import { z } from "zod";

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
  DUBAN_YELLOW_WORKDAYS: z.coerce.number().int().min(0).max(60).default(5),
  DUBAN_MAX_UPLOAD_MB: z.coerce.number().positive().default(20),
  DUBAN_DEMO_DATA: z.enum(["true", "false"]).default("true"),
  DUBAN_SQLITE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"]).default("FULL"),
  DUBAN_ALLOWED_ORIGINS: z.string().optional(),
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
