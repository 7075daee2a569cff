// Plan import: parsePlan over the seed documents (packages/plan-import/test/fixtures/seeds/*.txt).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parsePlan } from "@duban/plan-import";
import { record } from "./common";

export function planImportBench(durationMs: number): number {
  const pkg = join(dirname(createRequire(import.meta.url).resolve("@duban/plan-import")), "..");
  const seeds = join(pkg, "test", "fixtures", "seeds");
  const texts = readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort().map((f) => readFileSync(join(seeds, f), "utf8"));
  if (texts.length === 0) throw new Error(`no seed documents in ${seeds}`);
  for (let i = 0; i < 20; i++) for (const t of texts) parsePlan(t);
  let docs = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (const t of texts) parsePlan(t);
    docs += texts.length;
  }
  const rate = docs / ((performance.now() - started) / 1000);
  const kib = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length / 1024;
  record({ section: "plan-import", metric: `parsePlan documents/s (${texts.length} seed documents, avg ${kib.toFixed(0)} KiB)`, value: rate, unit: "/s", target: "≥ 200/s", pass: rate >= 200 });
  return rate;
}
