import { defineConfig } from "vitest/config";

// Per-package config: keeps Vitest from picking up the root's multi-project config.
export default defineConfig({ test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"] } });
