// Prometheus metrics of a cluster (DUBAN_WORKERS=2): the primary's /metrics sums every worker's
// registry, so a scrape counts the requests of both workers, not of whichever one it reached.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { login, startChildServer, type ChildServer } from "./support";

/** The sum of a metric's samples over all label sets, from the Prometheus text format. */
function sampleSum(text: string, name: string, labels: RegExp = /.*/): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name && labels.test(m[2] ?? "")) sum += Number(m[3]);
  }
  return sum;
}

describe("metrics of two API processes (DUBAN_WORKERS=2)", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-metrics-cluster-"));
  let server: ChildServer | null = null;

  afterAll(async () => {
    await server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("a scrape of the primary counts the requests every worker served, summed", async () => {
    server = await startChildServer(join(dir, "app.db"), join(dir, "files"), 120_000, { DUBAN_WORKERS: "2", DUBAN_TEST_METRICS: "1" });
    const running = server;
    const deadline = Date.now() + 120_000;
    const workers = () => new Set([...running.output().matchAll(/WORKER (\d+) LISTENING/g)].map((m) => m[1]));
    while ((workers().size < 2 || !/METRICS \d+/.test(running.output())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(workers().size).toBe(2);
    const metricsPort = Number(/METRICS (\d+)/.exec(running.output())?.[1]);
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

    const before = sampleSum(await scrape(), "duban_request_duration_seconds_count", /procedure="auth\.me"/);
    const office = await login({ url: running.baseUrl }, "office");
    const calls = 60;
    // Separate connections, so the primary hands them to both workers.
    await Promise.all(Array.from({ length: calls }, () => office.query("auth.me", null)));
    const text = await scrape();
    expect(sampleSum(text, "duban_request_duration_seconds_count", /procedure="auth\.me"/) - before).toBe(calls);
    // One exposition: each metric family once, however many processes it sums.
    const families = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(new Set(families).size).toBe(families.length);
    expect(families).toContain("duban_transitions_total");
  }, 180_000);
});
