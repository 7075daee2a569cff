// Supervision through createCaller on SQLite (and on PostgreSQL), with a fixed (movable) clock in 2025 so
// that the National Day week (1–8 October off; Sunday 28 September and Saturday 11 October are
// make-up working days) runs through the working-day arithmetic. The scenario is built once per
// dialect into a template database; every test works on a copy of its own with a clock of its own
// (26 September 2025 unless it moves it), so no test sees another's writes and each runs alone.
import { createNoticeDraft, createTestDatabase, createUnit, createUser, listAudit, templateOf, testDialects, verifyAuditChain, type DialectName, type TestDatabaseTemplate, type UserRow } from "@duban/db";
import { TRPCError } from "@trpc/server";
import ExcelJS from "exceljs";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { testConfig } from "../../config";
import { detachedRequest, type Context, type InnerContext } from "../../context";
import { createLogger } from "../../logger";
import { createCaller } from "../../router";
import { createPlanFromDraft } from "../plans";
import { dashboard } from "./dashboard";
import { runDailyJob, type WebhookPayload } from "./job";
import { draftNotices } from "./notices";
import { computeStats } from "./stats";
import { foldPlans } from "./summary";

const codeOf = (e: unknown) => (e instanceof TRPCError ? e.code : undefined);
type TaskEvent = Parameters<ReturnType<typeof createCaller>["task"]["transition"]>[0]["event"];

/** The scenario's ids (the same in every copy of its database). */
interface Scenario {
  users: Record<string, UserRow>;
  units: Record<string, string>;
  planId: string;
  task: Record<string, { id: string }>;
}

/** A database with the scenario's ids and a clock: callers per user, moves by task key, `at` moves the clock. */
function worldOf(db: InnerContext["db"], dialect: DialectName, s: Scenario, start: string) {
  let now = new Date(`${start}T02:00:00.000Z`);
  const at = (iso: string) => (now = new Date(`${iso}T02:00:00.000Z`));
  const inner: InnerContext = { db, dialect, config: testConfig(), clock: () => now, logger: createLogger("silent") };
  const caller = (name: string) => {
    const user = s.users[name] as UserRow;
    const ctx: Context = { ...inner, request: detachedRequest(), session: { sessionId: `s-${name}`, user } };
    return createCaller(ctx);
  };
  async function move(name: string, key: string, event: TaskEvent) {
    const c = caller(name);
    const detail = await c.task.get({ taskId: (s.task[key] as { id: string }).id });
    return c.task.transition({ taskId: detail.task.id, expectedVersion: detail.task.version, event });
  }
  return { ...s, inner, at, caller, move };
}

/** Builds the scenario (units, users, a plan of seven tasks, moves from 1 to 9 September) into `db`. */
async function buildScenario(db: InnerContext["db"], dialect: DialectName): Promise<Scenario> {
  const scenario: Scenario = { users: {}, units: {}, planId: "", task: {} };
  const { inner, at, caller, move } = worldOf(db, dialect, scenario, "2025-09-01");
  const { users, units, task } = scenario;
  const mk = async (key: string, name: string, kind: "office" | "department") => (units[key] = (await createUnit(inner.db, { name, kind })).id);
  await mk("office", "测试区领导小组办公室", "office");
  await mk("A", "测试区民政局", "department");
  await mk("B", "测试区卫生健康局", "department");
  await mk("C", "测试区财政局", "department");
  const user = async (username: string, role: UserRow["role"], unit: string | null) =>
    (users[username] = await createUser(inner.db, { username, display_name: username, password_hash: "x", role, unit_id: unit, must_change_password: false }));
  await user("office", "office", units.office as string);
  await user("leader", "leader", units.office as string);
  await user("a", "liaison", units.A as string);
  await user("b", "liaison", units.B as string);
  await user("c", "liaison", units.C as string);
  await user("sysadmin", "sysadmin", null);

  const t = (path: string[], heading: string, text: string, lead: string, dueDate: string | null, co: string[] = []) => ({
    path, heading, text, leadUnitId: units[lead] as string, coUnitIds: co.map((k) => units[k] as string), dueDate, deadlineText: null,
  });
  const plan = await createPlanFromDraft(
    { ...inner, request: detachedRequest(), session: { sessionId: "s", user: users.office as UserRow } },
    {
      title: "测试区养老服务行动计划",
      docNumber: "测政办〔2025〕1号",
      phases: [
        { name: "动员部署阶段", start: "2025-09", end: "2025-09", stage: "deploy" },
        { name: "办理落实阶段", start: "2025-09", end: "2025-12", stage: "handle" },
        { name: "督促检查阶段", start: "2025-10", end: "2025-10", stage: "inspect" },
      ],
      tasks: [
        t(["一", "1"], "完善服务体系", "任务一：建设社区养老服务站", "A", "2025-10-08", ["B"]),
        t(["一", "2"], "完善服务体系", "任务二：开展养老机构排查", "A", "2025-09-20"),
        t(["一", "3"], "完善服务体系", "任务三：制定补贴办法", "A", null),
        t(["二", "1"], "强化医养结合", "任务四：签约家庭医生", "B", "2025-12-31"),
        t(["二", "2"], "强化医养结合", "任务五：培训护理人员", "B", "2025-09-10"),
        t(["三", "1"], "加强保障", "任务六：安排专项资金", "C", "2025-12-31"),
        t(["三", "2"], "加强保障", "任务七：绩效评价", "C", "2025-12-31"),
      ],
    },
    "manual",
  );
  const list = await caller("office").task.list({ planId: plan.id, limit: 50 });
  list.items.forEach((x) => (task[`T${x.ordinal}`] = { id: x.id }));

  // 2 September: A signs its three tasks; B signs T4 and T5, T4's plan is approved
  at("2025-09-02");
  for (const k of ["T1", "T2", "T3"]) await move("a", k, { type: "SIGN" });
  for (const k of ["T4", "T5"]) await move("b", k, { type: "SIGN" });
  await move("b", "T4", { type: "SUBMIT", text: "方案" });
  await move("office", "T4", { type: "APPROVE" });
  // T5: returned once for incomplete materials, then through handling, completed on 9 September (due 10th)
  await move("b", "T5", { type: "SUBMIT", text: "方案" });
  await move("office", "T5", { type: "RETURN", toStage: "deploy", reason: "incomplete_materials", text: "缺少进度安排" });
  at("2025-09-03");
  await move("b", "T5", { type: "SUBMIT", text: "方案（补充进度安排）" });
  await move("office", "T5", { type: "APPROVE" });
  // C asks, within its window, to have T7 reassigned
  await move("c", "T7", { type: "REQUEST_REASSIGN", reason: "不属于本单位职责" });
  at("2025-09-08");
  await move("b", "T5", { type: "REPORT_PROGRESS", text: "已培训 120 人", percent: 80 });
  at("2025-09-09");
  await move("b", "T5", { type: "SUBMIT", text: "已完成培训" });
  await move("office", "T5", { type: "APPROVE" });
  scenario.planId = plan.id;
  return scenario;
}

describe.each(testDialects())("supervision (createCaller, %s, clock in September–October 2025)", (dialect) => {
  let scenario: Scenario;
  let template: TestDatabaseTemplate;
  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    scenario = await buildScenario(t.db, dialect);
    template = await templateOf(t);
  }, 60_000);
  afterAll(() => template.cleanup());

  /** The calling test's own copy of the scenario, deleted when the test ends; its clock at 26 September 2025. */
  async function fresh() {
    const t = await template.clone();
    onTestFinished(() => t.cleanup());
    return worldOf(t.db, dialect, scenario, "2025-09-26");
  }

  it("task deadlines: working days across the National Day week, phase fallback, signing mark", async () => {
    const { at, caller, task } = await fresh();
    const office = caller("office");
    const d1 = await office.supervision.taskDeadlines({ taskId: task.T1!.id });
    expect(d1.taskDue).toMatchObject({ due: "2025-10-08", source: "task" });
    expect(d1.marks).toMatchObject({ due: "2025-09-30", dueSource: "phase", workdaysLeft: 3, deadline: "yellow", overdue: false });
    expect(d1.stages.find((s) => s.stage === "handle")).toMatchObject({ due: "2025-10-08", workdaysLeft: 3 }); // 28, 29, 30 September
    expect(d1.stages.find((s) => s.stage === "inspect")).toMatchObject({ due: "2025-10-31", source: "phase" });

    const d3 = await office.supervision.taskDeadlines({ taskId: task.T3!.id });
    expect(d3.taskDue).toMatchObject({ due: "2025-12-31", source: "phase" }); // no 完成时限: end of the handle phase
    expect(d3.marks).toMatchObject({ due: "2025-09-30", dueSource: "phase", deadline: "yellow" });

    expect((await office.supervision.taskDeadlines({ taskId: task.T2!.id })).marks).toMatchObject({ due: "2025-09-20", deadline: "red", overdue: true, workdaysLeft: -5 });

    // unsigned T6: 3 working days after 1 September → 4 September; red by now, yellow on the 3rd
    const d6 = await office.supervision.taskDeadlines({ taskId: task.T6!.id });
    expect(d6.marks.sign).toMatchObject({ due: "2025-09-04", mark: "red" });
    expect(d6.reassign).toEqual({ until: "2025-09-10", open: false, workdays: 7 }); // 7 working days after 1 September
    expect(d1.reassign).toBeNull(); // signed
    at("2025-09-03");
    expect((await office.supervision.taskDeadlines({ taskId: task.T6!.id })).marks.sign).toMatchObject({ due: "2025-09-04", workdaysLeft: 1, mark: "yellow" });
    at("2025-09-30");
    expect((await office.supervision.taskDeadlines({ taskId: task.T1!.id })).stages.find((s) => s.stage === "handle")).toMatchObject({ workdaysLeft: 0 }); // 1–8 October off
    at("2025-10-10");
    expect((await office.supervision.taskDeadlines({ taskId: task.T1!.id })).stages.find((s) => s.stage === "handle")).toMatchObject({ workdaysLeft: -2 }); // 9, 10 October
    at("2025-09-26");
    // a liaison reads only their unit's tasks
    expect(codeOf(await caller("c").supervision.taskDeadlines({ taskId: task.T1!.id }).catch((e: unknown) => e))).toBe("NOT_FOUND");
  });

  it("dashboard: buckets with drill-down filters and exact task ids; liaisons see their unit's", async () => {
    const { caller, units, planId, task } = await fresh();
    const board = await caller("office").supervision.dashboard({ planId });
    const ids = (key: string) => board.buckets.find((b) => b.key === key)?.taskIds.sort();
    expect(ids("red")).toEqual([task.T2!.id]);
    expect(board.buckets.find((b) => b.key === "red")?.filter).toEqual({ planId, overdue: true });
    expect(ids("signLate")).toEqual([task.T6!.id]);
    expect(ids("behind")).toEqual([task.T4!.id]);
    expect(board.rows).toHaveLength(7);
    const colours = Object.fromEntries(board.rows.map((r) => [r.ordinal, r.marks.colour]));
    expect(colours).toEqual({ 1: "blue", 2: "red", 3: "blue", 4: "yellow", 5: null, 6: "red", 7: "blue" });
    const mine = await caller("b").supervision.dashboard({});
    expect(mine.rows.map((r) => r.ordinal).sort()).toEqual([1, 4, 5]); // B co-handles T1
    expect(codeOf(await caller("b").supervision.dashboard({ unitId: units.A }).catch((e: unknown) => e))).toBe("FORBIDDEN");
    expect(codeOf(await caller("sysadmin").supervision.dashboard({}).catch((e: unknown) => e))).toBe("FORBIDDEN");
  });

  it("reassignment only within 7 working days of reaching the unit (shown disabled, refused, audited)", async () => {
    const { inner, caller, move, task } = await fresh();
    const offered = (await caller("c").task.get({ taskId: task.T6!.id })).availableActions.find((a) => a.type === "REQUEST_REASSIGN");
    expect(offered?.blocked).toMatchObject({ guard: "REASSIGN_WINDOW_CLOSED" });
    const refused = await move("c", "T6", { type: "REQUEST_REASSIGN", reason: "不属于本单位职责" }).catch((e: unknown) => e);
    expect(codeOf(refused)).toBe("PRECONDITION_FAILED");
    expect((refused as TRPCError).message).toContain("7 个工作日");
    expect((refused as TRPCError).message).toBe(offered?.blocked?.reason);
    const log = await listAudit(inner.db, { taskId: task.T6!.id, limit: 5 });
    expect(log.items[0]).toMatchObject({ action: "task.transition", outcome: "refused", reason_code: "GUARD_FAILED:REASSIGN_WINDOW_CLOSED" });
    const t7 = await caller("office").task.get({ taskId: task.T7!.id });
    expect(t7.task.status).toBe("reassign_requested");
  });

  it("missing monthly reports per unit, and a report clears it", async () => {
    const { caller, units, planId } = await fresh();
    const office = caller("office");
    const r = await office.supervision.missingReports({ period: "2025-09", planId });
    expect(r.total).toBe(1);
    expect(r.units).toEqual([expect.objectContaining({ unitId: units.B, count: 1, filter: { unitId: units.B, stage: ["handle"], planId } })]);
    expect((await caller("a").supervision.missingReports({ period: "2025-09" })).total).toBe(0);
  });

  it("statistics on the known dataset", async () => {
    const { caller, units, planId, task } = await fresh();
    const s = await caller("leader").supervision.stats({ planId });
    expect(s.total).toBe(7);
    expect(Object.fromEntries(s.byStage.map((b) => [b.stage, b.count]))).toMatchObject({ deploy: 5, handle: 1, inspect: 1, done: 0 });
    expect(s.byStage.find((b) => b.stage === "handle")?.filter).toEqual({ planId, stage: ["handle"] });
    expect(s.onTime).toMatchObject({ completed: 1, completedOnTime: 1, rate: 1 });
    expect(s.overdue).toMatchObject({ count: 1, taskIds: [task.T2!.id], filter: { planId, overdue: true } });
    expect(s.returns.total).toBe(1);
    expect(s.returns.byReason.find((r) => r.reason === "incomplete_materials")?.count).toBe(1);
    expect(s.returns.byUnit).toEqual([expect.objectContaining({ unitId: units.B, count: 1 })]);
    expect(s.avgDaysPerStage.find((x) => x.stage === "deploy")?.samples).toBe(2);
    expect(s.avgDaysPerStage.find((x) => x.stage === "handle")).toMatchObject({ samples: 1, days: 6 });
    expect(s.missingReports).toEqual({ period: "2025-09", total: 1 });
    const row = (k: string) => s.units.find((u) => u.unitId === units[k]);
    expect(row("A")).toMatchObject({ lead: 3, co: 0, overdue: 1, returns: 0, completed: 0, onTimeRate: null });
    expect(row("B")).toMatchObject({ lead: 2, co: 1, overdue: 0, returns: 1, completed: 1, completedOnTime: 1, onTimeRate: 1, missingReports: 1 });
    expect(row("C")).toMatchObject({ lead: 2, overdue: 0, missingReports: 0 });
    expect(row("A")?.filters.overdue).toEqual({ planId, unitId: units.A, overdue: true });
    expect(s.units.map((u) => u.rank)).toEqual([1, 2, 3]);
    expect(s.units.at(-1)?.unitId).toBe(units.A); // the unit with an overdue task ranks last
    expect(codeOf(await caller("a").supervision.stats({}).catch((e: unknown) => e))).toBe("FORBIDDEN");
  });

  it("bounded lists: exact counts, the most urgent first, `truncated`; rows of given ids within the reader's scope", async () => {
    const { inner, caller, users, planId, task } = await fresh();
    const ctx = { ...inner, request: detachedRequest(), session: { sessionId: "s-office", user: users.office as UserRow } };
    const full = await dashboard(ctx, { planId });
    const cut = await dashboard(ctx, { planId }, 1);
    expect(cut.open).toEqual({ count: 7, truncated: true });
    expect(full.open).toEqual({ count: 7, truncated: false });
    const dueOf = new Map(full.rows.map((r) => [r.taskId, r.marks.workdaysLeft ?? 1e9]));
    for (const b of full.buckets) {
      const c = cut.buckets.find((x) => x.key === b.key);
      expect(c?.count).toBe(b.count);
      expect(c?.truncated).toBe(b.count > 1);
      expect(c?.taskIds).toHaveLength(Math.min(1, b.count));
      // the one kept is the most urgent of the bucket (signLate ranks by the signing deadline)
      if (b.key !== "signLate" && b.count > 0) expect(dueOf.get(c?.taskIds[0] as string)).toBe(Math.min(...b.taskIds.map((id) => dueOf.get(id) ?? 1e9)));
    }
    // every task a bucket lists is among the rows
    expect(cut.buckets.flatMap((b) => b.taskIds).every((id) => cut.rows.some((r) => r.taskId === id))).toBe(true);

    const s = await computeStats(inner, { planId, today: "2025-09-26", limit: 0 });
    expect(s.overdue).toMatchObject({ count: 1, taskIds: [], truncated: true });
    expect(s.onTime).toMatchObject({ completed: 1, completedOnTime: 1, taskIds: [], truncated: true });
    // all plans (there is one) gives the same figures as the plan
    const one = await caller("leader").supervision.stats({ planId });
    const all = await caller("leader").supervision.stats({});
    expect(all.total).toBe(one.total);
    expect(all.byStage.map((b) => b.count)).toEqual(one.byStage.map((b) => b.count));
    expect(all.units.map((u) => [u.unitId, u.lead, u.overdue, u.missingReports, u.returns])).toEqual(one.units.map((u) => [u.unitId, u.lead, u.overdue, u.missingReports, u.returns]));

    // supervision.rows: the reader's tasks only
    const ids = [task.T1!.id, task.T6!.id, "no-such-task"];
    expect((await caller("office").supervision.rows({ taskIds: ids })).map((r) => r.ordinal)).toEqual([1, 6]);
    expect((await caller("c").supervision.rows({ taskIds: ids })).map((r) => r.ordinal)).toEqual([6]);
  });

  it("resolution classes are counted from the task column the summary's move writes", async () => {
    const { inner, planId, task } = await fresh();
    await inner.db.updateTable("tasks").set({ resolution_class: "B" }).where("id", "=", task.T5!.id).execute();
    try {
      // a limit of its own: a part not cached before (a snapshot-only raw write changes no stage count)
      const s = await computeStats(inner, { planId, today: "2025-09-26", limit: 7 });
      expect(s.resolutionClasses.find((c) => c.class === "B")).toMatchObject({ count: 1, taskIds: [task.T5!.id], truncated: false });
      expect(s.resolutionClasses.filter((c) => c.class !== "B").every((c) => c.count === 0)).toBe(true);
    } finally {
      await inner.db.updateTable("tasks").set({ resolution_class: null }).where("id", "=", task.T5!.id).execute();
    }
  });

  it("a plan's cached part is recomputed after a write that bypassed the API (stage counts changed)", async () => {
    const { inner, caller, task } = await fresh();
    const before = await caller("office").supervision.dashboard({});
    const t7 = await inner.db.selectFrom("tasks").select(["stage"]).where("id", "=", task.T7!.id).executeTakeFirstOrThrow();
    await inner.db.updateTable("tasks").set({ stage: "terminated" }).where("id", "=", task.T7!.id).execute();
    try {
      const after = await caller("office").supervision.dashboard({});
      expect(after.open.count).toBe(before.open.count - 1);
      expect(after.rows.some((r) => r.taskId === task.T7!.id)).toBe(false);
    } finally {
      await inner.db.updateTable("tasks").set({ stage: t7.stage }).where("id", "=", task.T7!.id).execute();
    }
    expect((await caller("office").supervision.dashboard({})).open.count).toBe(before.open.count);
  });

  it("the daily job runs once per day: a second run (or process) raises nothing; webhook injected", async () => {
    const { inner, at, caller, units, task } = await fresh();
    const sent: WebhookPayload[] = [];
    const send = async (p: WebhookPayload) => void sent.push(p);
    const first = await runDailyJob(inner, { send });
    expect(first).toMatchObject({ ran: true, day: "2025-09-26", warnings: { red: 1, yellow: 4, signRed: 1, signYellow: 0 }, webhook: "sent" });
    const [second, third] = await Promise.all([runDailyJob(inner, { send }), runDailyJob(inner, { send })]);
    expect(second?.ran).toBe(false);
    expect(third?.ran).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.msgtype).toBe("markdown");
    expect(sent[0]?.markdown.content).toContain("任务二");
    const rows = await inner.db.selectFrom("notifications").select(["kind", "unit_id", "task_id"]).where("kind", "like", "%_red").execute();
    expect(rows.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: "deadline_red", unit_id: units.A, task_id: task.T2!.id },
      { kind: "sign_red", unit_id: units.C, task_id: task.T6!.id },
    ]);
    const runs = await listAudit(inner.db, { action: "supervision.dailyJob", limit: 10 });
    expect(runs.items).toHaveLength(1);
    const inbox = await caller("a").inbox.list({});
    expect(inbox.unread).toBe(inbox.items.length);
    expect(inbox.items.map((n) => n.kind).sort()).toEqual(["deadline_red", "deadline_yellow", "deadline_yellow"]);
    expect((await caller("a").inbox.markRead({ ids: [inbox.items[0]!.id] })).unread).toBe(2);
    expect((await caller("a").inbox.markRead({})).unread).toBe(0);
    expect((await caller("c").inbox.unreadCount()).unread).toBe(3); // T6: sign_red + deadline_yellow (deploy phase ends 30 Sep); T7: deadline_yellow
    // the next day it runs again
    at("2025-09-29");
    expect((await runDailyJob(inner, {})).ran).toBe(true);
    at("2025-09-26");
  });

  it("the daily job works a page per short transaction; a run that crashed is resumed after its lease, and no warning is lost or doubled", async () => {
    const { inner } = await fresh();
    // The reference: one uninterrupted run, then the same day's warnings forgotten.
    const whole = await runDailyJob(inner, { pageSize: 2 });
    expect(whole).toMatchObject({ ran: true, warnings: { red: 1, yellow: 4, signRed: 1, signYellow: 0 }, resumed: false });
    const expected = await inner.db.selectFrom("notifications").select(["kind", "task_id"]).orderBy("task_id").orderBy("kind").execute();
    await inner.db.deleteFrom("notifications").execute();
    await inner.db.deleteFrom("job_runs").execute();

    // A process dies while working on page 3 (its clock is the last thing it asks for there).
    let calls = 0;
    const dying: InnerContext = { ...inner, clock: () => (++calls === 5 ? (() => { throw new Error("killed"); })() : inner.clock()) };
    await expect(runDailyJob(dying, { pageSize: 2 })).rejects.toThrow("killed");
    const partial = await inner.db.selectFrom("notifications").select("id").execute();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(expected.length);
    // Another process while the lease is fresh: not its turn, nothing written
    expect(await runDailyJob(inner, { pageSize: 2 })).toMatchObject({ ran: false });
    expect(await inner.db.selectFrom("notifications").select("id").execute()).toHaveLength(partial.length);
    // Once the lease is stale, the next try resumes after the last page done
    const resumed = await runDailyJob(inner, { pageSize: 2, leaseMs: -1000 });
    expect(resumed).toMatchObject({ ran: true, resumed: true, warnings: whole.warnings, notifications: whole.notifications });
    expect(await inner.db.selectFrom("notifications").select(["kind", "task_id"]).orderBy("task_id").orderBy("kind").execute()).toEqual(expected);
    expect((await listAudit(inner.db, { action: "supervision.dailyJob", limit: 10 })).items).toHaveLength(2); // the reference run and this one
    expect(await runDailyJob(inner, { leaseMs: -1000 })).toMatchObject({ ran: false });
  });

  it("urges all overdue tasks of a unit in one action: versioned, audited, in the history and the to-do list", async () => {
    const { caller, units, task } = await fresh();
    const office = caller("office");
    const r = await office.supervision.urgeOverdue({ unitId: units.A as string, text: "请于本周内报送整改情况" });
    expect(r).toMatchObject({ overdue: 1, urged: 1, failed: [], taskIds: [task.T2!.id] });
    const t2 = await caller("a").task.get({ taskId: task.T2!.id });
    expect(t2.task.openNotices).toBe(1);
    expect(t2.history.at(-1)).toMatchObject({ action: "task.URGE", comment: "请于本周内报送整改情况" });
    expect((await caller("a").inbox.list({ unreadOnly: true })).items.filter((n) => n.kind === "urge")).toEqual([expect.objectContaining({ taskId: task.T2!.id, title: "催办：请及时办理此任务", body: "请于本周内报送整改情况" })]);
    expect(codeOf(await caller("a").supervision.urgeOverdue({ unitId: units.A as string }).catch((e: unknown) => e))).toBe("FORBIDDEN");
    expect((await office.supervision.urgeOverdue({ unitId: units.C as string })).urged).toBe(0);
  });

  it("督办单: drafted by colour, issued with yearly numbers (audited in the task history), answered by the unit", async () => {
    const { inner, at, caller, planId, task } = await fresh();
    const office = caller("office");
    const drafted = await office.supervision.draftNotices({ planId });
    expect(drafted.created).toBe(6);
    const byTask = Object.fromEntries(drafted.drafts.map((d) => [d.taskId, d.colour]));
    expect(byTask).toEqual({ [task.T1!.id]: "blue", [task.T2!.id]: "red", [task.T3!.id]: "blue", [task.T4!.id]: "yellow", [task.T6!.id]: "red", [task.T7!.id]: "blue" });
    expect(drafted.drafts.find((d) => d.taskId === task.T2!.id)?.facts).toContain("已逾期 5 个工作日");
    expect((await office.supervision.draftNotices({ planId })).created).toBe(0); // re-drafting updates, never duplicates

    const red = drafted.drafts.filter((d) => d.colour === "red").sort((a, b) => a.taskPath.localeCompare(b.taskPath));
    const issued = await office.supervision.issueNotices({ ids: red.map((d) => d.id) });
    expect(issued.notices.map((n) => n.number)).toEqual(["督办〔2025〕第1号", "督办〔2025〕第2号"]);
    expect(issued.notices[0]).toMatchObject({ status: "issued", replyDue: "2025-10-10" }); // 5 working days: 29, 30 Sep, 9, 10 Oct… (28 Sep is before)
    expect(codeOf(await office.supervision.issueNotices({ ids: [red[0]!.id] }).catch((e: unknown) => e))).toBe("CONFLICT");
    const history = (await office.task.get({ taskId: task.T2!.id })).history;
    expect(history.at(-1)).toMatchObject({ action: "supervision.issueNotice", detail: expect.objectContaining({ number: "督办〔2025〕第1号", colour: "red" }) });

    const mine = (await caller("a").supervision.notices({})).items;
    expect(mine.map((n) => n.number)).toEqual(["督办〔2025〕第1号"]); // only A's, no drafts
    expect(codeOf(await caller("b").supervision.answerNotice({ id: mine[0]!.id, text: "答复" }).catch((e: unknown) => e))).toBe("NOT_FOUND");
    at("2025-09-29");
    const answered = await caller("a").supervision.answerNotice({ id: mine[0]!.id, text: "已于9月29日完成排查并报送整改清单" });
    expect(answered).toMatchObject({ status: "answered", late: false });
    expect(codeOf(await caller("a").supervision.answerNotice({ id: mine[0]!.id, text: "再答" }).catch((e: unknown) => e))).toBe("CONFLICT");
    expect((await office.supervision.notices({ status: "answered" })).items.map((n) => n.number)).toEqual(["督办〔2025〕第1号"]);
    expect((await office.supervision.notices({ status: "draft" })).items.length).toBe(4);
    at("2025-09-26");
    expect((await verifyAuditChain(inner.db)).ok).toBe(true);
  });

  it("督办单 list: pages cover every notice once, newest first; counts per status; a liaison's never drafts or other units'; one by id", async () => {
    const { inner, at, caller, planId, units, users, task } = await fresh();
    const office = caller("office");
    await office.supervision.draftNotices({ planId });
    // 60 more notices of A and B, three at each instant (the id orders them), across A's and B's tasks
    const taskOf: Record<string, string> = { A: task.T1!.id, B: task.T4!.id };
    for (let i = 0; i < 60; i += 1) {
      const unit = i % 4 === 3 ? "B" : "A";
      await createNoticeDraft(inner.db, {
        colour: "blue",
        task_id: taskOf[unit] as string,
        unit_id: units[unit] as string,
        facts: `第${i}份`,
        reply_due: "2025-10-10",
        created_by: users.office!.id,
        created_at: new Date(Date.UTC(2025, 8, 20, 0, Math.floor(i / 3))).toISOString(),
      });
    }
    const drafts: { id: string; unitId: string }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page: Awaited<ReturnType<typeof office.supervision.notices>> = await office.supervision.notices({ status: "draft", limit: 200, cursor });
      drafts.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(drafts).toHaveLength(66);
    // issue 20 of A's and 10 of B's; A answers 6 of its own
    const ofUnit = (u: string) => drafts.filter((d) => d.unitId === units[u]).map((d) => d.id);
    const issued = await office.supervision.issueNotices({ ids: [...ofUnit("A").slice(0, 20), ...ofUnit("B").slice(0, 10)] });
    expect(issued.issued).toBe(30);
    const issuedA = issued.notices.filter((n) => n.unitId === units.A);
    for (const n of issuedA.slice(0, 6)) await caller("a").supervision.answerNotice({ id: n.id, text: "已办理" });

    const rows = await inner.db.selectFrom("supervision_notices").select(["id", "status", "unit_id", "created_at"]).execute();
    const newestFirst = (list: typeof rows) =>
      [...list].sort((x, y) => (x.created_at === y.created_at ? (x.id < y.id ? 1 : -1) : x.created_at < y.created_at ? 1 : -1)).map((r) => r.id);
    const countsOf = (list: typeof rows) => ({
      draft: list.filter((r) => r.status === "draft").length,
      issued: list.filter((r) => r.status === "issued").length,
      answered: list.filter((r) => r.status === "answered").length,
    });
    type Input = Parameters<typeof office.supervision.notices>[0];
    const pages = async (c: ReturnType<typeof caller>, input: Input) => {
      const ids: string[] = [];
      const seen: { unitId: string; status: string }[] = [];
      let cursor: string | null = null;
      let n = 0;
      let counts: Awaited<ReturnType<typeof office.supervision.notices>>["counts"] | undefined;
      do {
        const page: Awaited<ReturnType<typeof office.supervision.notices>> = await c.supervision.notices({ ...input, cursor });
        ids.push(...page.items.map((x) => x.id));
        seen.push(...page.items);
        counts ??= page.counts;
        expect(page.counts).toEqual(counts); // every page answers the same counts
        cursor = page.nextCursor;
        n += 1;
      } while (cursor !== null);
      return { ids, seen, pages: n, counts: counts as NonNullable<typeof counts> };
    };

    // the office: every notice exactly once, newest first, default 50 a page
    const all = await pages(office, {});
    expect(all.pages).toBe(2);
    expect(all.ids).toEqual(newestFirst(rows));
    expect(new Set(all.ids).size).toBe(rows.length);
    expect(all.counts).toEqual({ ...countsOf(rows), late: 0 });
    expect((await pages(office, { status: "issued", limit: 7 })).ids).toEqual(newestFirst(rows.filter((r) => r.status === "issued")));
    expect((await pages(office, { unitId: units.B, limit: 4 })).ids).toEqual(newestFirst(rows.filter((r) => r.unit_id === units.B)));
    expect((await pages(office, { taskId: task.T4!.id, limit: 3 })).counts).toMatchObject({ issued: 10 });

    // a liaison: its unit's issued and answered notices, never drafts, never B's — pages and counts
    const a = await pages(caller("a"), { limit: 7 });
    const mineA = rows.filter((r) => r.unit_id === units.A && r.status !== "draft");
    expect(a.ids).toEqual(newestFirst(mineA));
    expect(a.seen.every((n) => n.unitId === units.A && n.status !== "draft")).toBe(true);
    expect(a.counts).toEqual({ draft: 0, issued: 14, answered: 6, late: 0 });
    expect(await caller("a").supervision.notices({ status: "draft" })).toEqual({ items: [], nextCursor: null, counts: a.counts });
    expect((await pages(caller("a"), { status: "answered", limit: 4 })).ids).toEqual(newestFirst(mineA.filter((r) => r.status === "answered")));
    expect((await pages(caller("a"), { taskId: task.T4!.id })).ids).toEqual([]); // B's task: nothing of A's
    expect((await pages(caller("b"), {})).counts).toEqual({ draft: 0, issued: 10, answered: 0, late: 0 });
    expect((await pages(caller("c"), {})).ids).toEqual([]); // C's notices are all drafts
    expect(codeOf(await caller("a").supervision.notices({ unitId: units.B }).catch((e: unknown) => e))).toBe("FORBIDDEN");

    // past the reply date: the unanswered issued ones are late
    at("2025-10-13");
    expect((await office.supervision.notices({ limit: 1 })).counts).toEqual({ ...countsOf(rows), late: 24 });
    expect((await caller("a").supervision.notices({ status: "issued", limit: 1 })).counts.late).toBe(14);

    // one by id, with the list's visibility
    const draftA = rows.find((r) => r.unit_id === units.A && r.status === "draft")!;
    const issuedB = rows.find((r) => r.unit_id === units.B && r.status === "issued")!;
    expect(await caller("a").supervision.notice({ id: issuedA[0]!.id })).toMatchObject({ id: issuedA[0]!.id, status: "answered", unitId: units.A });
    expect(await office.supervision.notice({ id: draftA.id })).toMatchObject({ id: draftA.id, status: "draft", actions: ["issue", "discard"] });
    expect(await caller("leader").supervision.notice({ id: issuedB.id })).toMatchObject({ id: issuedB.id, late: true, actions: [] });
    for (const [who, id] of [["a", issuedB.id], ["a", draftA.id], ["b", issuedA[0]!.id], ["office", "no-such-notice"]] as const) {
      const refused = await caller(who).supervision.notice({ id }).catch((e: unknown) => e);
      expect(codeOf(refused)).toBe("NOT_FOUND");
      expect((refused as TRPCError).message).toBe("督办单不存在或您无权查看");
    }
    expect(codeOf(await caller("sysadmin").supervision.notice({ id: draftA.id }).catch((e: unknown) => e))).toBe("FORBIDDEN");

    // bad paging input is the caller's mistake
    expect(codeOf(await office.supervision.notices({ cursor: "garbage" }).catch((e: unknown) => e))).toBe("BAD_REQUEST");
    expect(codeOf(await office.supervision.notices({ limit: 201 }).catch((e: unknown) => e))).toBe("BAD_REQUEST");
    expect(codeOf(await office.supervision.notices({ limit: 0 }).catch((e: unknown) => e))).toBe("BAD_REQUEST");
  });

  it("督办单 list: a page's queries do not grow with its size (no per-row queries)", async () => {
    const world = await fresh();
    await world.caller("office").supervision.draftNotices({ planId: world.planId });
    let queries = 0;
    const counted = world.inner.db.withPlugin({
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    });
    const office = worldOf(counted, dialect, world, "2025-09-26").caller("office");
    const cost = async (limit: number) => {
      queries = 0;
      const page = await office.supervision.notices({ limit });
      return { rows: page.items.length, queries };
    };
    await cost(1); // the first call also reads the session's security settings (then cached)
    const one = await cost(1);
    const six = await cost(6);
    expect([one.rows, six.rows]).toEqual([1, 6]);
    expect(six.queries).toBe(one.queries);
  });

  it("督办单 drafting pages through the open tasks: the same drafts as one page, an audit record per page that wrote", async () => {
    const reference = await fresh();
    const officeCtx = (w: Awaited<ReturnType<typeof fresh>>) => ({ ...w.inner, request: detachedRequest(), session: { sessionId: "s-office", user: w.users.office as UserRow } }) satisfies Context;
    const whole = await draftNotices(officeCtx(reference), { planId: reference.planId });
    const { inner, planId } = await fresh();
    const paged = await draftNotices(officeCtx({ ...reference, inner }), { planId }, { pageSize: 2 });
    const summary = (r: typeof whole) => r.drafts.map((d) => [d.taskId, d.colour, d.facts]).sort();
    expect(paged).toMatchObject({ created: whole.created, updated: 0, skipped: 0 });
    expect(summary(paged)).toEqual(summary(whole));
    // seven tasks, two per page: four pages, each with a draft to write
    const records = (await listAudit(inner.db, { action: "supervision.draftNotices", limit: 10 })).items.map((r) => JSON.parse(r.detail) as { page?: number; created: number });
    expect(records.map((r) => r.page).sort()).toEqual([1, 2, 3, 4]);
    expect(records.reduce((n, r) => n + r.created, 0)).toBe(6);
    // again: every draft is updated in place, nothing duplicated
    const again = await draftNotices(officeCtx({ ...reference, inner }), { planId }, { pageSize: 2 });
    expect(again).toMatchObject({ created: 0, updated: 6 });
    expect(await inner.db.selectFrom("supervision_notices").select("id").execute()).toHaveLength(6);
    expect((await verifyAuditChain(inner.db)).ok).toBe(true);
  });

  it("an extension moves the due date and clears the mark", async () => {
    const { caller, move, task } = await fresh();
    await move("a", "T1", { type: "REQUEST_EXTENSION", requestedDueDate: "2025-11-28", reason: "场地改造延后" });
    await move("office", "T1", { type: "DECIDE_EXTENSION", granted: true });
    const d = await caller("office").supervision.taskDeadlines({ taskId: task.T1!.id });
    expect(d.taskDue).toMatchObject({ due: "2025-11-28", source: "task" });
    expect(d.stages.find((s) => s.stage === "handle")).toMatchObject({ due: "2025-11-28" });
  });

  it("a monthly report clears the missing report and the yellow 'behind'", async () => {
    const { caller, move, planId, task } = await fresh();
    await move("b", "T4", { type: "REPORT_PROGRESS", text: "已签约 3000 户", percent: 30 });
    expect((await caller("office").supervision.missingReports({ period: "2025-09" })).total).toBe(0);
    expect((await caller("office").supervision.taskDeadlines({ taskId: task.T4!.id })).marks.behind).toBeNull();
    // the dashboard (its plan part cached since earlier calls) sees the report: the move's audit record names T4
    expect((await caller("office").supervision.dashboard({ planId })).buckets.find((b) => b.key === "behind")?.taskIds).not.toContain(task.T4!.id);
  });

  it("exports the ledger as .xlsx (title, merged sections, frozen header, print setup, figures)", async () => {
    const { caller, planId } = await fresh();
    const file = await caller("office").supervision.exportLedger({ planId });
    expect(file.mime).toContain("spreadsheetml");
    expect(file.filename).toMatch(/任务台账-2025-09-26\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, "base64") as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("任务台账");
    expect(sheet).toBeDefined();
    if (!sheet) return;
    expect(String(sheet.getCell("A1").value)).toContain("测试区养老服务行动计划");
    expect(sheet.getCell("I1").isMerged).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(sheet.getRow(2).values).toEqual([undefined, "序号", "任务内容", "牵头单位", "责任单位", "完成时限", "阶段", "状态", "最新进展", "标记"]);
    expect(sheet.getCell("A3").value).toBe("一、完善服务体系");
    expect(sheet.getCell("I3").isMerged).toBe(true);
    expect(sheet.pageSetup).toMatchObject({ orientation: "landscape", paperSize: 9, fitToWidth: 1, printTitlesRow: "2:2" });
    expect(sheet.getColumn(2).width).toBe(60);
    const rows: unknown[][] = [];
    sheet.eachRow((r) => rows.push(r.values as unknown[]));
    const t2 = rows.find((r) => String(r[2]).includes("任务二"));
    expect(t2?.slice(1)).toEqual([2, "一 › 2 任务二：开展养老机构排查", "测试区民政局", "", "2025年9月20日", "部署", "待提交", "", "红色（逾期）"]);
    const t5 = rows.find((r) => String(r[2]).includes("任务五"));
    expect(t5?.[8]).toBe("【80%】已培训 120 人");
    const t1 = rows.find((r) => String(r[2]).includes("任务一"));
    expect(t1?.[4]).toBe("测试区卫生健康局");
    expect(rows.filter((r) => typeof r[1] === "number")).toHaveLength(7);
  });

  it("exports the 季通报 as .docx with the quarter's figures, the unit table and the overdue list", async () => {
    const { at, caller, planId } = await fresh();
    at("2025-10-10");
    const file = await caller("office").supervision.exportBulletin({ planId, quarter: "2025Q3" });
    at("2025-09-26");
    expect(file.filename).toMatch(/2025Q3-季通报\.docx$/);
    const { value: text } = await mammoth.extractRawText({ buffer: Buffer.from(file.base64, "base64") });
    expect(text).toContain("关于2025年第三季度《测试区养老服务行动计划》推进情况的通报");
    expect(text).toContain("统计截至2025年9月30日");
    expect(text).toContain("方案共有任务 7 项");
    expect(text).toContain("本季度完成办理 1 项，其中按期完成 1 项，按期完成率 100%；逾期未完成 1 项");
    expect(text).toContain("本季度审核退回 1 次");
    expect(text).toContain("测试区卫生健康局");
    expect(text).toContain("一 › 2 任务二：开展养老机构排查");
    expect(text).toContain("材料不全 1 次");
    expect(codeOf(await caller("a").supervision.exportBulletin({ planId, quarter: "2025Q3" }).catch((e: unknown) => e))).toBe("FORBIDDEN");
  });

  it("a part read before a write that another call has already seen is not kept", async () => {
    const { inner, move, planId } = await fresh();
    const key = { planId, today: "2025-09-26" };
    // call A reads the plan, then — before A stores its part — a write lands and call B processes it
    await foldPlans(inner.db, { ...key, key: "race-a" }, async () => {
      await move("office", "T3", { type: "URGE", text: "请加快" });
      await foldPlans(inner.db, { ...key, key: "race-b" }, async () => "b", () => {});
      return "read before the write";
    }, () => {});
    const got: string[] = [];
    await foldPlans(inner.db, { ...key, key: "race-a" }, async () => "recomputed", (v) => got.push(v));
    expect(got).toEqual(["recomputed"]);
    // and a part read after every write is kept
    await foldPlans(inner.db, { ...key, key: "race-a" }, async () => "again", (v) => got.push(v));
    expect(got).toEqual(["recomputed", "recomputed"]);
  });
});
