// The server: the API and the built web app on one port. `pnpm start` passes --demo (demo data on a
// new database); a production start (DUBAN_ENV=production) never loads it and refuses to run while
// any account has a demo password (production.ts).
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import { openApp } from "./app";
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
const demoData = demoDataFor(env, process.argv.slice(2));
if (production && env.DUBAN_DEMO_DATA === "true") {
  logger.warn("production mode: demo data is never loaded (DUBAN_DEMO_DATA ignored)");
}
const { inner, close } = await openApp({
  databaseUrl: env.DATABASE_URL,
  config: configFromEnv(env),
  logger,
  demoData,
  sqliteSynchronous: env.DUBAN_SQLITE_SYNCHRONOUS,
});
if (production) {
  const problem = await productionStartProblem(inner.db);
  if (problem !== null) {
    logger.fatal(problem);
    await close();
    process.exit(1);
  }
}
// Daily signed checkpoint of the audit log, outside the database (at most one per day, restart-safe).
const stopCheckpoints = startDailyCheckpoints(inner);
// Daily deadline warnings (issue 7): once per day across processes (job_runs claim); webhook only when DUBAN_WEBHOOK_URL is set.
const stopDailyJob = startDailyJob(inner, { send: inner.config.webhookUrl ? createWebhookSender(inner.config.webhookUrl) : null });
// Scheduled online backup of the SQLite database with retention (PostgreSQL: its own tools, README).
const stopBackups = startScheduledBackups(inner, env.DATABASE_URL);
// Prometheus metrics on a listener of their own, not the public port (metrics.ts says why).
const metricsServer = env.DUBAN_METRICS_PORT === undefined ? null : serveMetrics(env.DUBAN_METRICS_PORT, env.DUBAN_METRICS_HOST);
metricsServer?.on("listening", () => {
  const address = metricsServer.address();
  logger.info({ port: typeof address === "object" && address ? address.port : env.DUBAN_METRICS_PORT, host: env.DUBAN_METRICS_HOST }, "metrics at /metrics");
});
const server = createAppServer(inner, { webDist: env.DUBAN_WEB_DIST ?? join(findRepoRoot(), "apps", "web", "dist") });
server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info({ port, dialect: inner.dialect, production }, `督查督办系统已启动: http://localhost:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopCheckpoints();
    stopDailyJob();
    stopBackups();
    metricsServer?.close();
    server.close(() => void close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
