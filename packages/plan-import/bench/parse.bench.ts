/**
 * Parses the five seed plans repeatedly and prints documents per second (target ≥ 200 docs/s).
 * Run with `pnpm --filter @duban/plan-import bench`; not part of the tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parsePlan } from "../src/index.js";

const seedsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test/fixtures/seeds");
const texts = readdirSync(seedsDir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => readFileSync(path.join(seedsDir, f), "utf8"));
if (texts.length === 0) throw new Error(`no seeds in ${seedsDir}`);

const TARGET = 200;
const rounds = Number(process.argv[2] ?? 200);

// warm up the JIT
for (let i = 0; i < 20; i++) for (const t of texts) parsePlan(t);

const started = performance.now();
let docs = 0;
for (let i = 0; i < rounds; i++) {
  for (const t of texts) {
    parsePlan(t);
    docs++;
  }
}
const seconds = (performance.now() - started) / 1000;
const perSecond = docs / seconds;
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length;
process.stdout.write(
  `parsed ${docs} documents (avg ${Math.round(bytes / 1024)} KiB) in ${seconds.toFixed(2)} s: ` +
    `${perSecond.toFixed(0)} docs/s (target ≥ ${TARGET})\n`,
);
if (perSecond < TARGET) process.exitCode = 1;
