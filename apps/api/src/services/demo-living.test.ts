// The living demo (`pnpm start`): dated relative to the app's clock, so the office's dashboard shows
// red, yellow and green tasks; every stage has work (满意度测评 included); a co-unit's part returned,
// progress reports, an issued and an answered 督办单.
import { createDatabase, migrateToLatest } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../config";
import type { InnerContext } from "../context";
import { createLogger } from "../logger";
import { signIn } from "../test-support";
import { seedDemoData } from "./demo-seed";

let inner: InnerContext;
let close: () => Promise<void>;

beforeAll(async () => {
  const handle = createDatabase({ url: ":memory:" });
  await migrateToLatest(handle.db);
  // any day works: the demo is dated from the clock
  inner = { db: handle.db, dialect: handle.dialect, config: testConfig(), clock: () => new Date("2027-03-17T02:00:00Z"), logger: createLogger("silent") };
  close = () => handle.close();
  expect(await seedDemoData(inner, "living")).toMatchObject({ taskCount: 16 });
}, 180_000);
afterAll(() => close());

describe("living demo", () => {
  it("has work in every stage, and the dashboard shows red, yellow and green", async () => {
    const stages = await inner.db.selectFrom("tasks").select("stage").execute();
    expect(new Set(stages.map((t) => t.stage))).toEqual(new Set(["deploy", "handle", "inspect", "summarize", "evaluate", "done"]));
    const { caller: office } = await signIn(inner, "office");
    const dashboard = await office.supervision.dashboard({});
    const count = (key: string) => dashboard.buckets.find((b) => b.key === key)?.count ?? 0;
    expect(count("red")).toBeGreaterThan(0);
    expect(count("yellow")).toBeGreaterThan(0);
    expect(dashboard.open.count).toBeGreaterThan(count("red") + count("yellow")); // the rest are green
  }, 60_000);

  it("has progress reports, a returned co-unit part, an issued and an answered 督办单, and ratings to give", async () => {
    expect((await inner.db.selectFrom("progress_reports").select("id").execute()).length).toBeGreaterThanOrEqual(4);
    const actions = (await inner.db.selectFrom("audit_log").select("action").execute()).map((r) => r.action);
    expect(actions).toContain("task.RETURN_CONTRIBUTION");
    const notices = await inner.db.selectFrom("supervision_notices").select("status").execute();
    expect(notices.map((n) => n.status)).toEqual(expect.arrayContaining(["issued", "answered"]));
    const { caller: evaluator } = await signIn(inner, "evaluator2");
    const evaluating = await evaluator.task.list({ stage: ["evaluate"], limit: 50 });
    expect(evaluating.items.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
