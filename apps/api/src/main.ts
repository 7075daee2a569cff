// The server: the API and the built web app on one port. `pnpm start` passes --demo (demo data on a
// new database); a production start (DUBAN_ENV=production) never loads it and refuses to run while
// any account has a demo password (production.ts). DUBAN_WORKERS=N|auto: N API processes behind
// that port (cluster.ts); the primary prepares the database and runs the once-per-installation work.
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import { openApp } from "./app";
import { runCluster, workerCount } from "./cluster";
import { configFromEnv } from "./config";
import { readEnv } from "./env";
import { createAppServer } from "./http/server";
import { createLogger } from "./logger";
import { demoDataFor, isProduction, productionStartProblem } from "./production";
import { createWebhookSender, startDailyJob } from "./services/supervision/job";
import { startDailyCheckpoints } from "./services/checkpoints";
import { startScheduledBackups } from "./services/backups";
import { serveMetrics } from "./metrics";

const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);
const production = isProduction(env);
const open = (demoData: ReturnType<typeof demoDataFor>) =>
  openApp({ databaseUrl: env.DATABASE_URL, config: configFromEnv(env), logger, demoData, sqliteSynchronous: env.DUBAN_SQLITE_SYNCHRONOUS, sqliteCheckpoints: "background" });
/** The primary's database handle; a worker of a cluster opens its own. */
let primaryApp: Awaited<ReturnType<typeof open>> | null = null;

await runCluster({
  workers: workerCount(env.DUBAN_WORKERS),
  logger,
  primary: async () => {
    const demoData = demoDataFor(env, process.argv.slice(2));
    if (production && env.DUBAN_DEMO_DATA === "true") {
      logger.warn("production mode: demo data is never loaded (DUBAN_DEMO_DATA ignored)");
    }
    // Migrations and demo data once, before any worker serves.
    const app = await open(demoData);
    if (production) {
      const problem = await productionStartProblem(app.inner.db);
      if (problem !== null) {
        logger.fatal(problem);
        await app.close();
        process.exit(1);
      }
    }
    primaryApp = app;
    // Daily signed checkpoint of the audit log, outside the database (at most one per day, restart-safe).
    const stopCheckpoints = startDailyCheckpoints(app.inner);
    // Scheduled online backup of the SQLite database with retention (PostgreSQL: its own tools, README).
    const stopBackups = startScheduledBackups(app.inner, env.DATABASE_URL);
    // Prometheus metrics on a listener of their own, not the public port (metrics.ts says why).
    // With DUBAN_WORKERS > 1 the primary sums every worker's (metrics.ts metricsText).
    const metricsServer = env.DUBAN_METRICS_PORT === undefined ? null : serveMetrics(env.DUBAN_METRICS_PORT, env.DUBAN_METRICS_HOST);
    metricsServer?.on("listening", () => {
      const address = metricsServer.address();
      logger.info({ port: typeof address === "object" && address ? address.port : env.DUBAN_METRICS_PORT, host: env.DUBAN_METRICS_HOST }, "metrics at /metrics");
    });
    return async () => {
      stopCheckpoints();
      stopBackups();
      metricsServer?.close();
      await app.close();
    };
  },
  worker: async () => {
    const own = primaryApp === null ? await open(false) : null;
    const { inner } = own ?? (primaryApp as NonNullable<typeof primaryApp>);
    // Daily deadline warnings (issue 7): once per day across processes (job_runs claim); each process warms its own dashboard parts.
    const stopDailyJob = startDailyJob(inner, { send: inner.config.webhookUrl ? createWebhookSender(inner.config.webhookUrl) : null });
    const server = createAppServer(inner, { webDist: env.DUBAN_WEB_DIST ?? join(findRepoRoot(), "apps", "web", "dist") });
    server.listen(env.PORT, env.HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : env.PORT;
      logger.info({ port, dialect: inner.dialect, production, pid: process.pid }, `督查督办系统已启动: http://localhost:${port}`);
    });
    return async () => {
      stopDailyJob();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await own?.close();
    };
  },
});
