// An API process of its own: opens the app on argv[2] (no demo data: the parent seeded it) and
// prints "LISTENING <port>". Used for the two-process PostgreSQL run and, with --bench-routes, for
// the query section, where it also answers GET /bench/rss (its process.memoryUsage().rss) and
// GET /bench/stats?q=… (the packages/db dashboard counts) and GET /bench/daily-job, so that the RSS measured is the
// server's alone, not the generator's or the load clients'.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { createAppServer, createLogger, openApp, runDailyJob, testConfig, todayOf } from "@duban/api";
import { startProfile } from "./common";
import { countTasksByPlan, countTasksByStage, countTasksByUnit, groupCommitterOf } from "@duban/db";
// The app's tRPC handler itself (not exported by @duban/api: the bench measures it, nothing else uses it).
import { createNodeTRPCHandler } from "../../apps/api/src/http/trpc-handler";

const [databaseUrl, filesDir, flag] = process.argv.slice(2);
if (!databaseUrl || !filesDir) throw new Error("usage: server-child.ts <database url> <files dir> [--bench-routes]  |  server-child.ts --floor -  |  server-child.ts --trpc-floor -");
if (databaseUrl === "--floor" || databaseUrl === "--trpc-floor") {
  // The floor: a bare node:http hello-world on the same machine, measured by the same load tool.
  // The tRPC floor: what tRPC itself costs on that path — a procedure answering a constant of
  // auth.me's size through the app's tRPC handler, with no context, session, middleware or query.
  const trpc = databaseUrl === "--trpc-floor" ? trpcOnly() : null;
  const floor = createServer((req, res) => {
    if (trpc !== null) return void trpc(req, res);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("hello");
  });
  floor.listen(0, "127.0.0.1", () => process.stdout.write(`LISTENING ${(floor.address() as AddressInfo).port}\n`));
  process.on("SIGTERM", () => {
    floor.closeAllConnections();
    floor.close(() => process.exit(0));
  });
  await new Promise(() => undefined);
}

function trpcOnly() {
  const t = initTRPC.create();
  const me = {
    id: "974308c3-65ee-4d68-9fec-29ebf7212066",
    username: "office",
    displayName: "领导小组办公室 周主任",
    role: "office",
    unitId: "c6e4621c-2e57-4b9d-a18c-f4146f6d5601",
    unitName: "东西湖区养老服务工作领导小组办公室",
    mustChangePassword: false,
    totpEnabled: false,
    totpSetupRequired: false,
    timeZone: "Asia/Shanghai",
    can: Object.fromEntries(["todo", "readTasks", "readAllTasks", "supervise", "oversee", "manageNotices", "answerNotices", "exportBulletin", "managePlans", "upload", "audit", "manageUnits", "manageUsers", "editUsers", "grantRoles"].map((c, i) => [c, i % 3 !== 0])),
  };
  const router = t.router({ auth: t.router({ me: t.procedure.query(() => me) }) });
  return createNodeTRPCHandler({ router, basePath: "/trpc/", maxBodySize: 1 << 20, createContext: async () => ({}) });
}

// BENCH_SQLITE_SYNCHRONOUS=NORMAL only for the non-durable reference run of the transitions section.
const sqliteSynchronous = process.env.BENCH_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL";
// A deployment's order of sign-in limit (the tests' is generous), so the refused sign-in section's
// flood reaches the address block within its window. Successful sign-ins do not count.
const base = testConfig({ filesDir });
const config = testConfig({ filesDir, security: { ...base.security, loginPerAddress: 20 } });
const app = await openApp({ databaseUrl, config, logger: createLogger("silent"), sqliteSynchronous, sqliteCheckpoints: "background" });
const appServer = createAppServer(app.inner);
const benchRoutes = flag === "--bench-routes";
let stopProfile: (name: string) => Promise<void> = async () => {};

const server = createServer((req, res) => {
  // Everything but the harness's own routes goes to the app untouched (no URL parse here: the
  // harness must not add to the per-request cost it measures).
  if (!benchRoutes || !(req.url ?? "/").startsWith("/bench/")) return appServer.emit("request", req, res);
  const url = new URL(req.url ?? "/", "http://localhost");
  const reply = (body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === "/bench/rss") return reply({ rss: process.memoryUsage().rss });
  if (url.pathname === "/bench/group-commit") return reply(groupCommitterOf(app.inner.db).stats);
  if (url.pathname === "/bench/profile/start") return void startProfile().then((stop) => ((stopProfile = stop), reply({ ok: true })));
  if (url.pathname === "/bench/profile/stop") return void stopProfile(url.searchParams.get("name") ?? "child").then(() => reply({ ok: true }));
  if (url.pathname === "/bench/daily-job") {
    // the day's warnings over every open task, as the scheduler runs it (a page per transaction)
    const started = performance.now();
    return void runDailyJob(app.inner, { day: url.searchParams.get("day") ?? todayOf(app.inner) }).then(
      (r) => reply({ ...r, ms: performance.now() - started }),
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  }
  const q = url.searchParams.get("q");
  const unitId = url.searchParams.get("unitId") ?? undefined;
  const planId = url.searchParams.get("planId") ?? undefined;
  const run =
    q === "stage" ? countTasksByStage(app.inner.db, { ...(unitId ? { unitId } : {}), ...(planId ? { planId } : {}) })
    : q === "unit" ? countTasksByUnit(app.inner.db, { today: url.searchParams.get("today") ?? todayOf(app.inner), ...(planId ? { planId } : {}) })
    : q === "plan" ? countTasksByPlan(app.inner.db)
    : Promise.reject(new Error(`unknown q=${q}`));
  run.then(reply, (error: unknown) => {
    res.writeHead(500);
    res.end(String(error));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void app.close().then(() => process.exit(0));
});
