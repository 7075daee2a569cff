// `pnpm start`: the API and the built web app on one port, demo data on a new database.
import { join } from "node:path";
import { findRepoRoot } from "@duban/db";
import { openApp } from "./app";
import { configFromEnv } from "./config";
import { readEnv } from "./env";
import { createAppServer } from "./http/server";
import { createLogger } from "./logger";
import { createWebhookSender, startDailyJob } from "./services/supervision/job";
import { startDailyCheckpoints } from "./services/checkpoints";

const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);
const { inner, close } = await openApp({
  databaseUrl: env.DATABASE_URL,
  config: configFromEnv(env),
  logger,
  demoData: env.DUBAN_DEMO_DATA === "true",
  sqliteSynchronous: env.DUBAN_SQLITE_SYNCHRONOUS,
});
// Daily signed checkpoint of the audit log, outside the database (at most one per day, restart-safe).
const stopCheckpoints = startDailyCheckpoints(inner);
// Daily deadline warnings (issue 7): once per day across processes (job_runs claim); webhook only when DUBAN_WEBHOOK_URL is set.
const stopDailyJob = startDailyJob(inner, { send: inner.config.webhookUrl ? createWebhookSender(inner.config.webhookUrl) : null });
const server = createAppServer(inner, { webDist: env.DUBAN_WEB_DIST ?? join(findRepoRoot(), "apps", "web", "dist") });
server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info({ port, dialect: inner.dialect }, `督查督办系统已启动: http://localhost:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopCheckpoints();
    stopDailyJob();
    server.close(() => void close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
