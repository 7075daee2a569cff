// The one clock through the API, at the instants a UTC date gets wrong: 23:30 and 00:30 Beijing
// time, and a progress report sent on the 1st before 08:00 Beijing time (still the previous month
// in UTC). Each test builds its own database and clock.
import { randomUUID } from "node:crypto";
import { createTestDatabase, createUnit, createUser, listProgressReports, testDialects, type TestDatabase, type UserRow } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOfInstant, monthOf, todayOf } from "./clock";
import { testConfig } from "./config";
import { detachedRequest, type Context, type InnerContext } from "./context";
import { createLogger } from "./logger";
import { createCaller } from "./router";
import { createPlanFromDraft } from "./services/plans";

/** Each test's own units, users, plan and clock (the database is shared, nothing in it is). */
async function world(t: TestDatabase, start: string, timeZone = "Asia/Shanghai") {
  const clock = { now: new Date(start) };
  const inner: InnerContext = { db: t.db, dialect: t.dialect, config: testConfig({ timeZone }), clock: () => clock.now, logger: createLogger("silent") };
  const tag = randomUUID().slice(0, 8);
  const office = await createUnit(t.db, { name: `区政府办公室${tag}`, kind: "office" });
  const unit = await createUnit(t.db, { name: `区民政局${tag}`, kind: "department" });
  const mkUser = (username: string, role: UserRow["role"], unitId: string) =>
    createUser(t.db, { username: `${username}-${tag}`, display_name: username, password_hash: "x", role, unit_id: unitId, must_change_password: false });
  const users = { office: await mkUser("office", "office", office.id), liaison: await mkUser("a", "liaison", unit.id) };
  const as = (who: keyof typeof users) => createCaller({ ...inner, request: detachedRequest(), session: { sessionId: who, user: users[who] } } as Context);
  const plan = await createPlanFromDraft(
    { ...inner, request: detachedRequest(), session: { sessionId: "s", user: users.office } },
    {
      title: "时钟测试方案",
      docNumber: null,
      phases: [],
      tasks: [{ path: ["一"], heading: null, text: "任务", leadUnitId: unit.id, coUnitIds: [], dueDate: "2026-12-04", deadlineText: null }],
    },
    "manual",
  );
  const [task] = (await as("office").task.list({ planId: plan.id, limit: 10 })).items;
  const move = async (who: keyof typeof users, event: Parameters<ReturnType<typeof createCaller>["task"]["transition"]>[0]["event"]) => {
    const d = await as(who).task.get({ taskId: task!.id });
    return as(who).task.transition({ taskId: task!.id, expectedVersion: d.task.version, event });
  };
  const mark = async () => (await as("office").task.list({ planId: plan.id, limit: 10 })).items[0]!.mark;
  return { inner, clock, planId: plan.id, taskId: task!.id, move, mark, as };
}

it("reads today, this month and a timestamp's day in Beijing time", () => {
  const ctx = { clock: () => new Date("2026-11-30T23:30:00Z"), config: testConfig() }; // Beijing 2026-12-01 07:30
  expect(todayOf(ctx)).toBe("2026-12-01");
  expect(monthOf(ctx)).toBe("2026-12");
  expect(dayOfInstant(ctx, "2026-11-30T16:00:00.000Z")).toBe("2026-12-01");
  expect(dayOfInstant(ctx, "2026-11-30T15:59:59.999Z")).toBe("2026-11-30");
});

describe.each(testDialects())("one clock (%s)", (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => void (t = await createTestDatabase(dialect)), 60_000);
  afterAll(() => t.cleanup());

  it("files a progress report sent on 1 December 07:30 Beijing time under December", async () => {
    const w = await world(t, "2026-11-25T02:00:00Z");
    await w.move("liaison", { type: "SIGN" });
    await w.move("liaison", { type: "SUBMIT", text: "方案" });
    await w.move("office", { type: "APPROVE" });
    w.clock.now = new Date("2026-11-30T23:30:00Z");
    await w.move("liaison", { type: "REPORT_PROGRESS", text: "已完成一半", percent: 50 });
    expect((await listProgressReports(w.inner.db, w.taskId)).map((r) => r.period)).toEqual(["2026-12"]);
  });

  it("turns a task due 4 December red at 00:30 Beijing time on the 5th, not at 08:00", async () => {
    const w = await world(t, "2026-12-04T15:30:00Z"); // Beijing 12-04 23:30: due today
    expect(await w.mark()).toBe("yellow");
    w.clock.now = new Date("2026-12-04T16:30:00Z"); // Beijing 12-05 00:30 (still the 4th in UTC)
    expect(await w.mark()).toBe("red");
    expect((await w.as("office").task.list({ planId: w.planId, overdue: true, limit: 10 })).items.map((t) => t.id)).toEqual([w.taskId]);
  });

  it("follows a configured zone", async () => {
    const w = await world(t, "2026-12-04T16:30:00Z", "UTC");
    expect(todayOf(w.inner)).toBe("2026-12-04");
    expect(await w.mark()).toBe("yellow");
  });
});
