#!/usr/bin/env node
// Runs every workspace test suite through Turborepo, then prints ONE closing line
// `N passed, N failed` summed over all suites (CI reads it). Each package's Vitest writes a JSON
// report into .test-results/; a suite that crashed before writing one counts as a failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const resultsDir = join(root, ".test-results");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const run = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);

const suites = JSON.parse(readFileSync(join(root, "scripts/test-suites.json"), "utf8"));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  const file = join(resultsDir, `${suite}.json`);
  if (!existsSync(file)) {
    console.error(`run-tests: suite "${suite}" wrote no report — counted as 1 failure`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load has no tests in it, but it is still a failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
  ).length;
  failed += brokenFiles;
}
const extra = readdirSync(resultsDir).filter((f) => !suites.includes(f.replace(/\.json$/, "")));
if (extra.length) console.error(`run-tests: reports not listed in scripts/test-suites.json: ${extra.join(", ")}`);

const line = `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
console.log(line);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
