// A second (third…) API process for the two-process PostgreSQL run: opens the app on argv[2]
// (no demo data: the parent seeded it) and prints "LISTENING <port>".
import type { AddressInfo } from "node:net";
import { createAppServer, createLogger, openApp, testConfig } from "@duban/api";

const [databaseUrl, filesDir] = process.argv.slice(2);
if (!databaseUrl || !filesDir) throw new Error("usage: server-child.ts <database url> <files dir>");
const app = await openApp({ databaseUrl, config: testConfig({ filesDir }), logger: createLogger("silent"), sqliteSynchronous: "FULL" });
const server = createAppServer(app.inner);
server.listen(0, "127.0.0.1", () => process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void app.close().then(() => process.exit(0));
});
