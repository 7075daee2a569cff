// Opening the application: database, migrations, and demo data on a new installation.
import { createDatabase, migrateToLatest } from "@duban/db";
import type { Logger } from "pino";
import type { AppConfig } from "./config";
import type { InnerContext } from "./context";
import { stopLoginLimiter } from "./security/rate-limit";
import { closeRefusalAudit } from "./services/audit";
import { seedDemoData } from "./services/demo-seed";

export interface OpenAppOptions {
  databaseUrl?: string | undefined;
  config: AppConfig;
  logger: Logger;
  clock?: () => Date;
  /**
   * Demo data on an empty database: "fixture" (or true) is the fixed scenario the tests count on
   * (plan 000 as written, a few tasks under way); "living" is the demo `pnpm start` shows, dated
   * relative to today. Production starts never pass it (see production.ts).
   */
  demoData?: boolean | "fixture" | "living";
  sqliteSynchronous?: "FULL" | "NORMAL";
  /** SQLite WAL checkpoints in a worker thread, off the request path (a server's choice; tests keep SQLite's default) */
  sqliteCheckpoints?: "inline" | "background";
}

export async function openApp(options: OpenAppOptions): Promise<{ inner: InnerContext; close: () => Promise<void> }> {
  const handle = createDatabase({ url: options.databaseUrl, sqliteSynchronous: options.sqliteSynchronous ?? "FULL", sqliteCheckpoints: options.sqliteCheckpoints ?? "inline" });
  await migrateToLatest(handle.db);
  const inner: InnerContext = {
    db: handle.db,
    dialect: handle.dialect,
    config: options.config,
    clock: options.clock ?? (() => new Date()),
    logger: options.logger,
  };
  if (options.demoData) {
    const seeded = await seedDemoData(inner, options.demoData === "living" ? "living" : "fixture");
    if (seeded) options.logger.info({ plan: seeded.planId, tasks: seeded.taskCount }, "demo data loaded");
  }
  return {
    inner,
    close: async () => {
      await closeRefusalAudit(inner); // the summaries of open refusal bursts are written first
      stopLoginLimiter(inner.db);
      await handle.close();
    },
  };
}
