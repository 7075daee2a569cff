// The web app imports only labels and types from the lifecycle package (`@duban/workflow/vocabulary`):
// the XState machine must not ship to the browser. Checked on the built bundle itself.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuilt, WEB_DIST } from "../support/browser";

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

describe("the built web bundle", () => {
  beforeAll(async () => {
    await ensureWebBuilt();
  });

  it("holds no XState machine (only the lifecycle's labels and types)", () => {
    const files = scripts(WEB_DIST);
    expect(files.length).toBeGreaterThan(0);
    // Labels are in: the bundle is the real one.
    expect(files.some((f) => readFileSync(f, "utf8").includes("满意度测评"))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(text.includes("xstate.init"), `${file} contains XState`).toBe(false);
      expect(text.includes("task.open.stage"), `${file} contains the task machine`).toBe(false);
    }
  });
});
