// @duban/api — what other workspace packages (the cross-package tests) may use: opening the app,
// its HTTP server, the router and its type, test configuration and the demo data.
export { openApp, type OpenAppOptions } from "./app";
export { testConfig, configFromEnv, type AppConfig } from "./config";
export { todayOf, monthOf, dayOfInstant, monthOfInstant } from "./clock";
export type { InnerContext, Context } from "./context";
export { detachedRequest } from "./context";
export { APP_ERROR_CODES, type AppErrorCode } from "./errors";
export { createAppServer, type ServerOptions } from "./http/server";
export { createLogger } from "./logger";
export { runCluster, workerCount, type ClusterRoles } from "./cluster";
/** Prometheus /metrics on a listener of its own (with DUBAN_WORKERS > 1, the primary sums the workers). */
export { serveMetrics } from "./metrics";
export { appRouter, createCaller, type AppRouter } from "./router";
export { DEMO_PASSWORD, seedDemoData } from "./services/demo-seed";
/** Writes the summaries of open refusal bursts now (they are otherwise written when a burst ends). */
export { flushRefusalBursts } from "./services/audit";
/** tRPC callers signed in through auth.login — for cross-package tests and the benchmark. */
export { signIn, type Caller } from "./test-support";
/** Moves audit records older than the online window into signed archive files (tests that need archived periods). */
export { archiveAuditLog } from "./services/audit-archive";
/** The daily deadline job (the benchmark runs it at 1M tasks; the server schedules it itself). */
export { runDailyJob, type DailyJobResult } from "./services/supervision/job";
