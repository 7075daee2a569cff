import { defineConfig } from "vitest/config";

// Per-package config: keeps Vitest from picking up the root's multi-project config.
// Timeouts leave room for a loaded 2-core CI machine (database set-up per test, scrypt logins).
export default defineConfig({
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
