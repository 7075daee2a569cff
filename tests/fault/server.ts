// Child-process API server for the fault tests: opens the app on the SQLite file given as argv[2]
// (WAL, synchronous=FULL, demo data on first start), listens on 127.0.0.1, port 0, and prints
// "LISTENING <port>" once it accepts connections. The tests SIGKILL it at random moments.
// With DUBAN_WORKERS=N it is a cluster (apps/api/src/cluster.ts): the primary prepares the database,
// N workers serve the one port, each printing "WORKER <pid>" when it listens. With DUBAN_TEST_METRICS=1
// the primary also serves /metrics (summed over the workers) on a port of its own: "METRICS <port>".
import cluster from "node:cluster";
import type { AddressInfo } from "node:net";
import { createAppServer, createLogger, openApp, runCluster, serveMetrics, testConfig, workerCount } from "@duban/api";

const [dbPath, filesDir] = process.argv.slice(2);
if (!dbPath || !filesDir) {
  process.stderr.write("usage: server.ts <sqlite file> <files dir>\n");
  process.exit(2);
}
const open = (demoData: boolean) =>
  openApp({ databaseUrl: dbPath, config: testConfig({ filesDir }), logger: createLogger("silent"), demoData, sqliteSynchronous: "FULL" });
const workers = workerCount(process.env.DUBAN_WORKERS);
let primaryApp: Awaited<ReturnType<typeof open>> | null = null;

await runCluster({
  workers,
  logger: createLogger("error"),
  primary: async () => {
    const app = await open(true);
    primaryApp = app;
    const metrics = process.env.DUBAN_TEST_METRICS === "1" ? serveMetrics(0, "127.0.0.1") : null;
    metrics?.on("listening", () => process.stdout.write(`METRICS ${(metrics.address() as AddressInfo).port}\n`));
    return async () => {
      metrics?.close();
      await app.close();
    };
  },
  worker: async () => {
    const app = primaryApp ?? (await open(false));
    const server = createAppServer(app.inner);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      process.stdout.write(cluster.isWorker ? `WORKER ${process.pid} LISTENING ${port}\n` : `LISTENING ${port}\n`);
    });
    return async () => {
      server.close();
      if (app !== primaryApp) await app.close();
    };
  },
});
