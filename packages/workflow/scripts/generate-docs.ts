/**
 * Rewrites the generated sections of README.md (state chart, permission table) from the machine:
 * `pnpm --filter @duban/workflow run docs`. With `--check` it writes nothing and exits 1 when the
 * README is out of date (for CI).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { updateReadme } from "../src/docs";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const check = process.argv.includes("--check");

const current = readFileSync(readmePath, "utf8");
const next = updateReadme(current);

if (check) {
  if (next !== current) {
    process.stderr.write("packages/workflow/README.md is out of date: run `pnpm --filter @duban/workflow run docs`\n");
    process.exit(1);
  }
  process.stdout.write("packages/workflow/README.md is up to date\n");
} else if (next !== current) {
  writeFileSync(readmePath, next);
  process.stdout.write("packages/workflow/README.md updated\n");
} else {
  process.stdout.write("packages/workflow/README.md already up to date\n");
}
