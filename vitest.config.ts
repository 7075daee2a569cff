// `npx vitest` at the root runs every project together (IDE / watch mode); `pnpm test` runs each
// package through Turborepo and sums the results. Packages resolve each other from src/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/api", "tests"],
  },
});
