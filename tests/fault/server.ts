// Child-process API server for the fault tests: opens the app on the SQLite file given as argv[2]
// (WAL, synchronous=FULL, demo data on first start), listens on 127.0.0.1, port 0, and prints
// "LISTENING <port>" once it accepts connections. The tests SIGKILL it at random moments.
import type { AddressInfo } from "node:net";
import { createAppServer, createLogger, openApp, testConfig } from "@duban/api";

const [dbPath, filesDir] = process.argv.slice(2);
if (!dbPath || !filesDir) {
  process.stderr.write("usage: server.ts <sqlite file> <files dir>\n");
  process.exit(2);
}
const app = await openApp({
  databaseUrl: dbPath,
  config: testConfig({ filesDir }),
  logger: createLogger("silent"),
  demoData: true,
  sqliteSynchronous: "FULL",
});
const server = createAppServer(app.inner);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});
