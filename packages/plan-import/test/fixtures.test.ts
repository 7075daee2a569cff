import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../src/index.js";
import { FIXTURES_DIR, SHARED_SEEDS_DIR, readSeed, seedFiles } from "./seeds.js";

describe("seed plans parse to their expected structure", () => {
  const files = seedFiles();

  it("has the five seed fixtures", () => {
    expect(files).toHaveLength(5);
  });

  for (const file of files) {
    it(file, () => {
      const expectedPath = path.join(FIXTURES_DIR, `${file}.expected.json`);
      if (!existsSync(expectedPath)) throw new Error(`missing expected result ${expectedPath}`);
      const expected: unknown = JSON.parse(readFileSync(expectedPath, "utf8"));
      const actual = parsePlan(readSeed(file));
      // the CLI prints JSON: the result must survive a round trip unchanged
      expect(JSON.parse(JSON.stringify(actual))).toEqual(actual);
      expect(actual).toEqual(expected);
    });
  }

  it.skipIf(!existsSync(SHARED_SEEDS_DIR))("copies match the originals in shared/seeds", () => {
    for (const file of files) {
      expect(readSeed(file)).toBe(readFileSync(path.join(SHARED_SEEDS_DIR, file), "utf8"));
    }
  });
});
