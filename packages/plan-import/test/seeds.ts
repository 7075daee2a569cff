/** Where the seed plan texts live: copies under test/fixtures/seeds (originals in <repo>/../shared/seeds). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.join(here, "fixtures");
export const SEEDS_DIR = path.join(FIXTURES_DIR, "seeds");
/** <repo>/../shared/seeds, the originals; may be absent in some checkouts. */
export const SHARED_SEEDS_DIR = path.resolve(here, "../../../../shared/seeds");

export function seedFiles(): string[] {
  if (!existsSync(SEEDS_DIR)) throw new Error(`seed copies missing: ${SEEDS_DIR}`);
  const files = readdirSync(SEEDS_DIR).filter((f) => f.endsWith(".txt")).sort();
  if (files.length === 0) throw new Error(`no seed texts in ${SEEDS_DIR}`);
  return files;
}

export function readSeed(file: string): string {
  return readFileSync(path.join(SEEDS_DIR, file), "utf8");
}
