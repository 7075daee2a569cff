/** Where the seed plan texts live: copies under test/fixtures/seeds (originals in <repo>/../shared/seeds). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.join(here, "fixtures");
export const SEEDS_DIR = path.join(FIXTURES_DIR, "seeds");
/**
 * The originals: <repo>/../shared/seeds, or SHARED_SEEDS_DIR from the environment (a checkout that
 * is not beside shared/). Absent in a clean clone (CI): the copies are then checked only against
 * the digests recorded in fixtures.test.ts.
 */
export const SHARED_SEEDS_DIR = process.env.SHARED_SEEDS_DIR || path.resolve(here, "../../../../shared/seeds");

export function seedFiles(): string[] {
  if (!existsSync(SEEDS_DIR)) throw new Error(`seed copies missing: ${SEEDS_DIR}`);
  const files = seedFilesIn(SEEDS_DIR);
  if (files.length === 0) throw new Error(`no seed texts in ${SEEDS_DIR}`);
  return files;
}

/** The seed texts (*.txt) in `dir`, sorted. */
export function seedFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();
}

export function readSeed(file: string): string {
  return readFileSync(path.join(SEEDS_DIR, file), "utf8");
}
