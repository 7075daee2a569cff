// Prometheus metrics (prom-client), one registry per process. Served by serveMetrics() on a port of
// its own (DUBAN_METRICS_PORT, bound to DUBAN_METRICS_HOST = 127.0.0.1 by default), never on the
// public port: procedure names, refusal counts and batch sizes are internal figures, and a
// listener of its own needs no token handling in the app and cannot be reached through the proxy.
// With DUBAN_WORKERS > 1 the primary answers for the whole cluster: it asks every live worker for
// its registry over the cluster's IPC channel and sums them with its own (AggregatorRegistry).
import cluster, { type Worker } from "node:cluster";
import { createServer, type Server } from "node:http";
import { onGroupCommit } from "@duban/db";
import { AggregatorRegistry, collectDefaultMetrics, Counter, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "duban_" });

/** tRPC calls by procedure, type and outcome (ok / refused / error). */
export const requestDuration = new Histogram({
  name: "duban_request_duration_seconds",
  help: "tRPC procedure latency",
  labelNames: ["procedure", "type", "outcome"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** task.transition calls by lifecycle event and outcome. */
export const transitions = new Counter({
  name: "duban_transitions_total",
  help: "task transitions by event and outcome",
  labelNames: ["event", "outcome"] as const,
  registers: [registry],
});

/** Refused calls by the API's refusal code (NOT_YOUR_UNIT, VERSION_CONFLICT, BAD_INPUT, …). */
export const refusals = new Counter({
  name: "duban_refusals_total",
  help: "refused calls by code",
  labelNames: ["code"] as const,
  registers: [registry],
});

/** Units of work sharing one durable commit (packages/db group-commit.ts). */
export const groupCommitBatch = new Histogram({
  name: "duban_group_commit_batch_size",
  help: "units of work per group commit",
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  registers: [registry],
});
onGroupCommit((size) => groupCommitBatch.observe(size));

/** Runs of the background jobs (daily warnings, checkpoints, backups, audit archive) by outcome. */
export const jobRuns = new Counter({
  name: "duban_job_runs_total",
  help: "background job runs by job and outcome (ran / skipped / failed)",
  labelNames: ["job", "outcome"] as const,
  registers: [registry],
});

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
const METRICS_REQUEST = "duban:metrics-request";
const METRICS_ANSWER = "duban:metrics-answer";
/** How long the primary waits for a worker's answer; a worker that does not answer is left out. */
const WORKER_ANSWER_MS = 2_000;

if (cluster.isWorker) {
  process.on("message", (message: { type?: unknown; id?: unknown }) => {
    if (message?.type !== METRICS_REQUEST) return;
    void registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: METRICS_ANSWER, id: message.id, metrics }));
  });
}

let requestCounter = 0;

function askWorker(worker: Worker, id: number): Promise<MetricsJson | null> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: unknown; id?: unknown; metrics?: MetricsJson }) => {
      if (message?.type !== METRICS_ANSWER || message.id !== id) return;
      clearTimeout(timer);
      worker.off("message", onMessage);
      resolve(message.metrics ?? null);
    };
    const timer = setTimeout(() => {
      worker.off("message", onMessage);
      resolve(null);
    }, WORKER_ANSWER_MS);
    worker.on("message", onMessage);
    worker.send({ type: METRICS_REQUEST, id });
  });
}

/** This process's metrics; in the primary of a cluster, its own and every live worker's, summed. */
export async function metricsText(): Promise<string> {
  const workers = cluster.isPrimary ? Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected()) : [];
  if (workers.length === 0) return registry.metrics();
  const id = (requestCounter += 1);
  const answers = await Promise.all(workers.map((w) => askWorker(w, id)));
  const all = [await registry.getMetricsAsJSON(), ...answers.filter((a): a is MetricsJson => a !== null)];
  return AggregatorRegistry.aggregate(all).metrics();
}

/** A separate listener answering GET /metrics in the Prometheus text format. */
export function serveMetrics(port: number, host: string): Server {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    metricsText().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  return server;
}
