/**
 * The corpus of real plans (../shared/corpus/plans, copied to test/corpus): every document
 * parses to the tasks its JSON expects. The folder is walked, so a document added there is
 * scored with no code change; the shared folder is walked when present (new documents are
 * scored there first), the repository copy always.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_CORPUS = path.join(here, "corpus");
/** <repo>/../shared/corpus/plans, the originals (CI checks out `../shared` beside the repository; a worktree elsewhere names it with DUBAN_SHARED_DIR). */
const SHARED_CORPUS = path.join(process.env["DUBAN_SHARED_DIR"] ?? path.resolve(here, "../../../../shared"), "corpus/plans");

interface ExpectedTask {
  path: string[];
  heading: string | null;
  leadUnits: string[];
  responsibleUnits: string[];
  deadline: string | null;
}

interface Expected {
  docNumber?: string | null;
  tasks: ExpectedTask[];
}

function documents(dir: string): string[] {
  const names = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  for (const name of names) {
    if (!existsSync(path.join(dir, name.replace(/\.json$/, ".txt")))) throw new Error(`${dir}/${name}: no .txt beside it`);
  }
  return names;
}

function checkFolder(dir: string): void {
  const names = documents(dir);
  it("holds documents", () => {
    expect(names.length).toBeGreaterThan(0);
  });
  for (const name of names) {
    it(name.replace(/\.json$/, ""), () => {
      const expected = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Expected;
      const plan = parsePlan(readFileSync(path.join(dir, name.replace(/\.json$/, ".txt")), "utf8"));
      const shape = (t: { path: string[]; leadUnits: string[]; responsibleUnits: string[] }) => ({
        path: t.path,
        leadUnits: t.leadUnits,
        responsibleUnits: t.responsibleUnits,
      });
      expect(plan.tasks.map(shape)).toEqual(expected.tasks.map(shape));
      if (expected.docNumber !== undefined) expect(plan.docNumber).toBe(expected.docNumber);
    });
  }
}

describe("corpus of real plans (repository copy)", () => {
  checkFolder(REPO_CORPUS);
});

describe("corpus of real plans (../shared)", () => {
  if (existsSync(SHARED_CORPUS)) {
    checkFolder(SHARED_CORPUS);
    it("the repository copy holds every shared document", () => {
      for (const name of readdirSync(SHARED_CORPUS)) {
        expect(existsSync(path.join(REPO_CORPUS, name)), `${name} is not copied to test/corpus`).toBe(true);
      }
    });
  } else {
    it("is absent in this checkout: only the repository copy is scored", () => {
      expect(existsSync(SHARED_CORPUS)).toBe(false);
      expect(documents(REPO_CORPUS).length).toBeGreaterThan(0);
    });
  }
});
