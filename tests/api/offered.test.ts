// The server decides what a user may do: for random lifecycles, users and clocks, every action
// task.get offers is accepted by task.transition, and an event that is not offered (or is offered
// disabled, with a reason) is refused — in the same words. Also 我的待办's tabs: derived from the
// permission table, counted by the database.
import { TASK_EVENT_TYPES, type TaskEventType } from "@duban/workflow";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempt,
  createPlan,
  DIALECTS,
  loginAll,
  move,
  type ApiClient,
  type TaskDetail,
  type TestApp,
  type TransitionEvent,
  startTestApp,
} from "../support/server";

const USERS = ["mzj", "wjj", "office", "leader", "evaluator1", "evaluator2"] as const;
type User = (typeof USERS)[number];
type Action = TaskDetail["availableActions"][number];

const DAY = 86_400_000;

/** A command for an event: the offered action's first choice, else a plausible one. */
function commandFor(type: TaskEventType, offered: Action | undefined, units: { lead: string; co: string; other: string }, withItem: boolean, currentLead: string | undefined): TransitionEvent {
  const text = "内容";
  switch (type) {
    case "RETURN":
      return { type, toStage: offered?.returnTargets?.[0] ?? "deploy", reason: "other", text };
    case "RECTIFY":
      return { type, itemId: offered?.itemIds?.[0] ?? "R1-1", text };
    case "CLOSE_ITEM":
      return { type, itemId: offered?.itemIds?.[0] ?? "R1-1" };
    case "ACCEPT_CONTRIBUTION":
      return { type, unitId: offered?.unitIds?.[0] ?? units.co };
    case "RETURN_CONTRIBUTION":
      return { type, unitId: offered?.unitIds?.[0] ?? units.co, reason: "other", text };
    case "WAIVE_CONTRIBUTION":
      return { type, unitId: offered?.unitIds?.[0] ?? units.co, text };
    case "SUBMIT":
      return { type, text, resolutionClass: "A" };
    case "REASSIGN":
      // to a unit other than the current lead (the same one is refused: SAME_LEAD_UNIT)
      return { type, leadUnitId: currentLead === units.other ? units.lead : units.other, coUnitIds: [units.co] };
    case "REQUEST_EXTENSION":
      return { type, requestedDueDate: "2199-12-31", reason: text };
    case "DECIDE_EXTENSION":
      return { type, granted: false };
    case "RECORD_INSPECTION":
      return { type, text, items: withItem ? ["问题"] : [] };
    case "RATE":
      return { type, rating: "satisfied" };
    case "REQUEST_REASSIGN":
    case "TERMINATE":
    case "WAIVE_PART":
      return { type, reason: text };
    case "SPLIT":
      // one part for the co-unit (always among the task's units, whoever leads after a REASSIGN)
      return { type, parts: [{ text: "子任务内容", leadUnitId: units.co }] };
    case "REFUSE_REASSIGN":
      return { type, comment: text };
    case "REPORT_PROGRESS":
    case "SUBMIT_CONTRIBUTION":
    case "INSTRUCT":
    case "URGE":
      return { type, text };
    default:
      return { type } as TransitionEvent;
  }
}

/** One step: a user, and either one of their offered actions (by index) or any event type; maybe the clock jumps first. */
const step = fc.record({
  user: fc.constantFrom(...USERS),
  pick: fc.oneof({ weight: 4, arbitrary: fc.nat().map((n) => ({ offered: n })) }, { weight: 1, arbitrary: fc.constantFrom(...TASK_EVENT_TYPES).map((type) => ({ type })) }),
  withItem: fc.boolean(),
  // Past the reassign window (7 working days) now and then.
  jumpDays: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(12) }),
});

describe.each(DIALECTS)("offered = accepted (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<User, ApiClient>;
  let units: { lead: string; co: string; other: string };
  let now = Date.now();

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock: () => new Date(now), config: { sessionIdleMs: 10_000 * DAY, sessionAbsoluteMs: 10_000 * DAY } });
    c = await loginAll(app, [...USERS, "czj"]);
    units = { lead: c.mzj.me!.unitId!, co: c.wjj.me!.unitId!, other: (c as Record<string, ApiClient>).czj!.me!.unitId! };
  });
  afterAll(async () => {
    await app?.close();
  });

  it("every offered action is accepted; nothing refused is offered; a disabled action is refused with its reason", { timeout: 180_000 }, async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
        const [taskId] = await createPlan(c.office, [{ leadUnitId: units.lead, coUnitIds: [units.co] }]);
        for (const s of steps) {
          now += s.jumpDays * DAY;
          const read = await attempt(c[s.user].trpc.task.get.query({ taskId: taskId! }));
          if (!read.ok) {
            // REASSIGN moved the task away from this user's unit: nothing to offer, nothing accepted.
            expect(read.code).toBe("NOT_FOUND");
            continue;
          }
          const detail = read.value;
          const enabled = detail.availableActions.filter((a) => !a.blocked);
          const pick = s.pick;
          const offered = "offered" in pick ? enabled[pick.offered % Math.max(enabled.length, 1)] : detail.availableActions.find((a) => a.type === pick.type);
          const type = "offered" in pick ? offered?.type : pick.type;
          if (type === undefined) continue;
          const event = commandFor(type, offered, units, s.withItem, detail.task.leadUnit?.id);
          const outcome = await attempt(c[s.user].trpc.task.transition.mutate({ taskId: taskId!, expectedVersion: detail.task.version, event }));
          tried += 1;
          if (offered !== undefined && offered.blocked === undefined) {
            expect(outcome, `${s.user} was offered ${type} (${detail.task.stage}/${detail.task.status}) but the server refused it`).toMatchObject({ ok: true });
          } else {
            expect(outcome.ok, `${s.user} was not offered ${type} (${detail.task.stage}/${detail.task.status}) but the server accepted it`).toBe(false);
            if (offered?.blocked !== undefined && !outcome.ok) expect(outcome.message).toBe(offered.blocked.reason);
          }
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
    expect(tried).toBeGreaterThan(0);
  });

  it("我的待办: a co-unit sees the task under 待协办, never under 待提交; counts are exact", async () => {
    const [taskId] = await createPlan(c.office, [{ leadUnitId: units.lead, coUnitIds: [units.co] }]);
    const tab = async (who: User, key: string) => {
      const tabs = await c[who].trpc.task.todo.query();
      const found = tabs.find((t) => t.key === key);
      if (found === undefined) return { count: null, ids: [] as string[] };
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ApiClient["trpc"]["task"]["todoItems"]["query"]>> = await c[who].trpc.task.todoItems.query({ tab: key, limit: 200, cursor });
        ids.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return { count: found.count, ids };
    };
    expect((await tab("mzj", "signing")).ids).toContain(taskId);
    expect((await tab("wjj", "signing")).ids).not.toContain(taskId);
    await move(c.mzj, taskId!, { type: "SIGN" });
    await move(c.mzj, taskId!, { type: "SUBMIT", text: "办理方案" });
    await move(c.office, taskId!, { type: "APPROVE" });
    const leadDrafting = await tab("mzj", "drafting");
    expect(leadDrafting.ids).toContain(taskId);
    expect(leadDrafting.count).toBe(leadDrafting.ids.length);
    expect((await tab("wjj", "drafting")).ids).not.toContain(taskId);
    const contribute = await tab("wjj", "contribute");
    expect(contribute.ids).toContain(taskId);
    expect(contribute.count).toBe(contribute.ids.length);
    expect((await tab("mzj", "contribute")).ids).not.toContain(taskId);
    await move(c.wjj, taskId!, { type: "SUBMIT_CONTRIBUTION", text: "协办意见" });
    expect((await tab("wjj", "contribute")).ids).not.toContain(taskId);
    await move(c.office, taskId!, { type: "RETURN_CONTRIBUTION", unitId: units.co, reason: "other", text: "请补充" });
    expect((await tab("wjj", "contribute")).ids).toContain(taskId);
    // The office's 待审核 counts what task.list finds with its own filter.
    await move(c.wjj, taskId!, { type: "SUBMIT_CONTRIBUTION", text: "补充后的意见" });
    await move(c.mzj, taskId!, { type: "ACCEPT_CONTRIBUTION", unitId: units.co });
    await move(c.mzj, taskId!, { type: "SUBMIT", text: "办结报告" });
    const submitted = await tab("office", "submitted");
    expect(submitted.ids).toContain(taskId);
    expect(submitted.count).toBe((await c.office.trpc.task.list.query({ status: "submitted", limit: 500 })).items.length);
    // The 三员 have no 我的待办.
    const auditor = await app.login("auditor");
    expect((await attempt(auditor.trpc.task.todo.query())).ok).toBe(false);
  });
});
