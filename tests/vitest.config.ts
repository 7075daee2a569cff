import { defineConfig } from "vitest/config";

// Cross-package API tests: each suite opens its own databases and HTTP servers. The machine has
// two cores, so at most two test files run at once, each in its own process. Browser suites
// (browser/*.browser.test.ts) build apps/web when it is stale and drive Debian's Chromium.
export default defineConfig({
  test: {
    include: ["api/**/*.test.ts", "fault/**/*.test.ts", "browser/**/*.browser.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
