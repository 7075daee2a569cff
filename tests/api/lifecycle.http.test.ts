// One task walked through its whole lifecycle over real HTTP by the people who would do it:
// the lead unit's liaison (区民政局), two co-units' liaisons (卫健局, 财政局), the office, a leader
// and three evaluators — then the auditor verifies the log.
import { createHash } from "node:crypto";
import type { TaskEventType } from "@duban/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPlan,
  DIALECTS,
  loginAll,
  refusal,
  samplePdf,
  startTestApp,
  unique,
  uploadFile,
  type ApiClient,
  type TaskDetail,
  type TestApp,
  type TransitionEvent,
} from "../support/server";

const USERS = ["mzj", "wjj", "czj", "ybj", "office", "leader", "evaluator1", "evaluator2", "evaluator3", "auditor"] as const;
type User = (typeof USERS)[number];

describe.each(DIALECTS)("task lifecycle over HTTP (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<User, ApiClient>;
  let taskId: string;
  let version: number;
  let lead: string;
  let health: string;
  let finance: string;
  let evidence: string;
  /** The ok audit actions this test caused on the task, in order — task.get history must match. */
  const expectedHistory: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
    lead = unitOf(c.mzj);
    health = unitOf(c.wjj);
    finance = unitOf(c.czj);
    [taskId] = (await createPlan(c.office, [
      { leadUnitId: lead, coUnitIds: [health, finance], dueDate: "2099-06-30", text: unique("推进普惠养老服务") },
    ])) as [string];
    version = (await c.office.trpc.task.get.query({ taskId })).task.version;
  });
  afterAll(async () => {
    await app?.close();
  });

  function unitOf(client: ApiClient): string {
    const unitId = client.me?.unitId;
    if (!unitId) throw new Error(`${client.me?.username} has no unit`);
    return unitId;
  }

  async function detail(as: User = "office"): Promise<TaskDetail> {
    return c[as].trpc.task.get.query({ taskId });
  }

  /** Sends an event that must succeed; checks the new version, stage and status. */
  async function step(as: User, event: TransitionEvent, expected: { stage: string; status: string }) {
    const result = await c[as].trpc.task.transition.mutate({ taskId, expectedVersion: version, event });
    expect(result).toEqual({ version: version + 1, ...expected });
    version = result.version;
    expectedHistory.push(`task.${event.type}`);
    const d = await detail();
    expect(d.task).toMatchObject({ version, stage: expected.stage, status: expected.status });
    return d;
  }

  /** The action types a user may take now (not the ones shown disabled), sorted. */
  async function actions(as: User): Promise<TaskEventType[]> {
    return (await detail(as)).availableActions.filter((a) => !a.blocked).map((a) => a.type).sort();
  }

  async function expectActions(expected: Partial<Record<User, TaskEventType[]>>) {
    for (const [user, types] of Object.entries(expected) as [User, TaskEventType[]][]) {
      expect(await actions(user), `actions of ${user}`).toEqual([...types].sort());
    }
  }

  it("deploy: the lead unit signs, submits, is returned with a reason, resubmits; the office approves", async () => {
    const start = await detail("mzj");
    expect(start.task).toMatchObject({ stage: "deploy", status: "signing", round: 1, version });
    expect(start.task.leadUnit?.id).toBe(lead);
    expect(start.task.coUnits.map((u) => u.id).sort()).toEqual([health, finance].sort());
    await expectActions({
      mzj: ["SIGN", "REQUEST_REASSIGN", "REQUEST_EXTENSION"],
      wjj: [],
      office: ["REASSIGN", "URGE", "TERMINATE"],
      leader: ["INSTRUCT"],
      evaluator1: [],
      auditor: [],
    });
    // Others cannot sign for the lead unit.
    expect((await refusal(c.wjj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SIGN" } }))).appCode).toBe(
      "NOT_YOUR_UNIT",
    );
    expect((await refusal(c.office.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SIGN" } }))).appCode).toBe(
      "FORBIDDEN_FOR_ROLE",
    );

    await step("mzj", { type: "SIGN", comment: "已签收" }, { stage: "deploy", status: "drafting" });
    // The lead unit may split its task for its own units (分解) while it drafts.
    await expectActions({ mzj: ["SUBMIT", "SPLIT", "REQUEST_EXTENSION"], office: ["SPLIT", "REASSIGN", "URGE", "TERMINATE"] });

    await step("mzj", { type: "SUBMIT", text: "办理方案：成立工作专班。" }, { stage: "deploy", status: "submitted" });
    await expectActions({ mzj: ["WITHDRAW", "REQUEST_EXTENSION"], office: ["APPROVE", "RETURN", "REASSIGN", "URGE", "TERMINATE"] });
    const offered = (await detail("office")).availableActions.find((a) => a.type === "RETURN");
    expect(offered?.returnTargets).toEqual(["deploy"]);

    // A return without a reason text is refused and changes nothing.
    const missing = await refusal(
      c.office.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: " " } }),
    );
    expect(missing.code).toBe("BAD_REQUEST");
    expect((await detail()).task.version).toBe(version);

    const returned = await step(
      "office",
      { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化工作专班的分工和时间节点。" },
      { stage: "deploy", status: "returned" },
    );
    expect(returned.lastReturn).toMatchObject({ reason: "vague_measures", text: "请细化工作专班的分工和时间节点。", fromStage: "deploy", toStage: "deploy" });
    expect(returned.task.returned).toBe(true);
    await expectActions({ mzj: ["SUBMIT", "SPLIT", "REQUEST_EXTENSION"] });

    await step("mzj", { type: "SUBMIT", text: "办理方案（修改）：专班分三组，每月调度。" }, { stage: "deploy", status: "submitted" });
    const approved = await step("office", { type: "APPROVE", comment: "同意" }, { stage: "handle", status: "drafting" });
    expect(approved.submissions.filter((s) => s.stage === "deploy").map((s) => s.kind)).toEqual(["handling_plan", "handling_plan"]);
    expect(approved.lastReturn).toBeNull();
  });

  it("handle: a progress report with an evidence file whose hash is audited", async () => {
    await expectActions({
      mzj: ["REPORT_PROGRESS", "SPLIT", "REQUEST_EXTENSION"],
      wjj: ["REPORT_PROGRESS", "SUBMIT_CONTRIBUTION"],
      czj: ["REPORT_PROGRESS", "SUBMIT_CONTRIBUTION"],
      office: ["WAIVE_CONTRIBUTION", "SPLIT", "REASSIGN", "URGE", "TERMINATE"],
      leader: ["INSTRUCT"],
    });

    const pdf = samplePdf(unique("evidence"));
    const upload = await uploadFile(c.mzj, "进度材料.pdf", pdf);
    expect(upload.status).toBe(201);
    const stored = (await upload.json()) as { sha256: string; size: number; name: string; mime: string };
    evidence = createHash("sha256").update(pdf).digest("hex");
    expect(stored).toEqual({ sha256: evidence, size: pdf.length, name: "进度材料.pdf", mime: "application/pdf" });

    const reported = await step(
      "mzj",
      { type: "REPORT_PROGRESS", text: "已完成 12 个社区养老服务站建设。", percent: 40, fileHashes: [evidence] },
      { stage: "handle", status: "drafting" },
    );
    expect(reported.progressReports).toHaveLength(1);
    expect(reported.progressReports[0]).toMatchObject({ percent: 40, text: "已完成 12 个社区养老服务站建设。" });
    expect(reported.progressReports[0]?.files.map((f) => f.sha256)).toEqual([evidence]);
    const record = reported.history.at(-1);
    expect(record).toMatchObject({ action: "task.REPORT_PROGRESS", fileHashes: [evidence], fromState: "handle/drafting", toState: "handle/drafting" });

    // The auditor sees the same hash in the log.
    const log = await c.auditor.trpc.audit.list.query({ taskId, action: "task.REPORT_PROGRESS" });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ outcome: "ok", fileHashes: [evidence], actorUsername: "mzj", actorRole: "liaison", actorUnitId: lead });

    // The file is readable by the units of the task, not by another unit.
    for (const reader of ["mzj", "wjj", "office"] as const) {
      const res = await c[reader].fetch(`/api/files/${evidence}`);
      expect(res.status, reader).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    }
    expect((await c.ybj.fetch(`/api/files/${evidence}`)).status).toBe(404);
  });

  it("handle: contributions from the co-units, one returned to its unit alone, then completion", async () => {
    await step("wjj", { type: "SUBMIT_CONTRIBUTION", text: "卫健局：完成医养结合机构检查 8 家。" }, { stage: "handle", status: "drafting" });
    await step("czj", { type: "SUBMIT_CONTRIBUTION", text: "财政局：资金已拨付。" }, { stage: "handle", status: "drafting" });
    const both = await detail("mzj");
    expect(Object.fromEntries(both.contributions.map((x) => [x.unitId, x.status]))).toEqual({ [health]: "submitted", [finance]: "submitted" });
    const accept = both.availableActions.find((a) => a.type === "ACCEPT_CONTRIBUTION");
    expect(accept?.unitIds?.sort()).toEqual([health, finance].sort());

    // The lead unit may not submit while contributions are pending: shown disabled, with the reason
    // and the co-units it waits on; the server refuses it in the same words.
    const submit = both.availableActions.find((a) => a.type === "SUBMIT");
    expect(submit?.blocked).toEqual({
      guard: "CONTRIBUTIONS_PENDING",
      reason: "尚有 2 个协办单位的意见待采纳",
      unblockedBy: { unitIds: expect.arrayContaining([health, finance]) },
    });
    const early = await refusal(
      c.mzj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SUBMIT", text: "完成报告" } }),
    );
    expect(early).toMatchObject({ appCode: "GUARD_FAILED", guard: "CONTRIBUTIONS_PENDING", code: "PRECONDITION_FAILED", message: submit?.blocked?.reason });

    await step("mzj", { type: "ACCEPT_CONTRIBUTION", unitId: health }, { stage: "handle", status: "drafting" });
    const returned = await step(
      "office",
      { type: "RETURN_CONTRIBUTION", unitId: finance, reason: "incomplete_materials", text: "请补充资金拨付凭证。" },
      { stage: "handle", status: "drafting" },
    );
    expect(Object.fromEntries(returned.contributions.map((x) => [x.unitId, [x.status, x.returnReason]]))).toEqual({
      [health]: ["accepted", null],
      [finance]: ["returned", "incomplete_materials"],
    });
    // Only the returned unit is asked to contribute again.
    await expectActions({ czj: ["REPORT_PROGRESS", "SUBMIT_CONTRIBUTION"], wjj: ["REPORT_PROGRESS"] });
    expect((await refusal(
      c.wjj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SUBMIT_CONTRIBUTION", text: "再交一次" } }),
    )).guard).toBe("CONTRIBUTION_NOT_AVAILABLE");

    await step("czj", { type: "SUBMIT_CONTRIBUTION", text: "财政局：补充拨付凭证。" }, { stage: "handle", status: "drafting" });
    await step("mzj", { type: "ACCEPT_CONTRIBUTION", unitId: finance, comment: "采纳" }, { stage: "handle", status: "drafting" });
    await expectActions({ mzj: ["REPORT_PROGRESS", "SUBMIT", "SPLIT", "REQUEST_EXTENSION", "RETURN_CONTRIBUTION"] });

    const submitted = await step(
      "mzj",
      { type: "SUBMIT", text: "完成情况报告：建成服务站 30 个。", fileHashes: [evidence] },
      { stage: "handle", status: "submitted" },
    );
    const completion = submitted.submissions.find((s) => s.kind === "completion");
    expect(completion?.files.map((f) => f.sha256)).toEqual([evidence]);
    expect(submitted.submissions.filter((s) => s.kind === "contribution")).toHaveLength(3);
    await expectActions({ office: ["APPROVE", "RETURN", "REASSIGN", "URGE", "TERMINATE"] });
    expect((await detail("office")).availableActions.find((a) => a.type === "RETURN")?.returnTargets).toEqual(["deploy", "handle"]);
    await step("office", { type: "APPROVE" }, { stage: "inspect", status: "drafting" });
  });

  it("inspect: a leader records a problem, the unit rectifies it, the office closes it and passes the inspection", async () => {
    await expectActions({
      leader: ["RECORD_INSPECTION", "INSTRUCT"],
      office: ["RECORD_INSPECTION", "RETURN", "REASSIGN", "URGE", "TERMINATE"],
    });
    const noInspection = await refusal(
      c.mzj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SUBMIT", text: "整改报告" } }),
    );
    expect(noInspection.guard).toBe("NOT_INSPECTED");

    const inspected = await step(
      "leader",
      { type: "RECORD_INSPECTION", text: "实地检查 3 个服务站。", items: ["部分站点消防通道堵塞"] },
      { stage: "inspect", status: "drafting" },
    );
    expect(inspected.rectificationItems).toEqual([
      expect.objectContaining({ id: "R1-1", round: 1, description: "部分站点消防通道堵塞", status: "open" }),
    ]);
    expect((await detail("mzj")).availableActions.find((a) => a.type === "RECTIFY")?.itemIds).toEqual(["R1-1"]);
    const open = await refusal(
      c.mzj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SUBMIT", text: "整改报告" } }),
    );
    expect(open.guard).toBe("ITEMS_OPEN");

    const rectified = await step(
      "mzj",
      { type: "RECTIFY", itemId: "R1-1", text: "已清理消防通道并建立巡查制度。", fileHashes: [evidence] },
      { stage: "inspect", status: "drafting" },
    );
    expect(rectified.rectificationItems[0]).toMatchObject({ status: "rectified", rectificationText: "已清理消防通道并建立巡查制度。" });
    expect(rectified.rectificationItems[0]?.files.map((f) => f.sha256)).toEqual([evidence]);
    expect((await detail("office")).availableActions.find((a) => a.type === "CLOSE_ITEM")?.itemIds).toEqual(["R1-1"]);

    const closed = await step("office", { type: "CLOSE_ITEM", itemId: "R1-1", comment: "销号" }, { stage: "inspect", status: "drafting" });
    expect(closed.rectificationItems[0]?.status).toBe("closed");
    expect(closed.rectificationItems[0]?.closedAt).not.toBeNull();

    await step("mzj", { type: "SUBMIT", text: "整改情况报告。" }, { stage: "inspect", status: "submitted" });
    await expectActions({ office: ["PASS_INSPECTION", "RECORD_INSPECTION", "RETURN", "REASSIGN", "URGE", "TERMINATE"] });
    await step("office", { type: "PASS_INSPECTION", comment: "检查通过" }, { stage: "summarize", status: "drafting" });
  });

  it("summarize: the summary needs a resolution class; the office approves and changes it", async () => {
    const noClass = await refusal(
      c.mzj.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "SUBMIT", text: "办理工作总结" } }),
    );
    expect(noClass).toMatchObject({ appCode: "GUARD_FAILED", guard: "RESOLUTION_CLASS_REQUIRED" });
    const summary = await step(
      "mzj",
      { type: "SUBMIT", text: "办理工作总结：全年建成服务站 30 个。", resolutionClass: "B" },
      { stage: "summarize", status: "submitted" },
    );
    expect(summary.resolutionClass).toBe("B");
    expect(summary.submissions.find((s) => s.kind === "summary")?.resolutionClass).toBe("B");
    const approved = await step("office", { type: "APPROVE", resolutionClass: "A" }, { stage: "evaluate", status: "rating" });
    expect(approved.resolutionClass).toBe("A");
  });

  it("evaluate: a 不满意 majority sends the task back to handling for round 2", async () => {
    await expectActions({ evaluator1: ["RATE"], office: ["REASSIGN", "URGE", "TERMINATE"], mzj: ["REQUEST_EXTENSION"] });
    const noRatings = await refusal(
      c.office.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "CLOSE_EVALUATION" } }),
    );
    expect(noRatings.guard).toBe("NO_RATINGS");

    await step("evaluator1", { type: "RATE", rating: "unsatisfied", comment: "服务站利用率低" }, { stage: "evaluate", status: "rating" });
    await step("evaluator2", { type: "RATE", rating: "unsatisfied" }, { stage: "evaluate", status: "rating" });
    await step("evaluator3", { type: "RATE", rating: "satisfied" }, { stage: "evaluate", status: "rating" });
    // Evaluators see only their own rating; the office sees all three.
    expect((await detail("evaluator1")).ratings.map((r) => r.rating)).toEqual(["unsatisfied"]);
    expect((await detail("office")).ratings.map((r) => r.rating).sort()).toEqual(["satisfied", "unsatisfied", "unsatisfied"]);
    await expectActions({ office: ["CLOSE_EVALUATION", "REASSIGN", "URGE", "TERMINATE"] });

    const round2 = await step("office", { type: "CLOSE_EVALUATION", comment: "不满意过半，重新办理" }, { stage: "handle", status: "drafting" });
    expect(round2.task.round).toBe(2);
    expect(round2.resolutionClass).toBeNull();
    expect(round2.contributions.map((x) => x.status)).toEqual(["pending", "pending"]);
    expect(round2.history.at(-1)).toMatchObject({ action: "task.CLOSE_EVALUATION", fromState: "evaluate/rating", toState: "handle/drafting" });
  });

  it("round 2 runs to the end: done, nothing more offered, the log verifies", async () => {
    await step("office", { type: "WAIVE_CONTRIBUTION", unitId: health, text: "本轮无需卫健局协办" }, { stage: "handle", status: "drafting" });
    await step("czj", { type: "SUBMIT_CONTRIBUTION", text: "财政局：追加资金。" }, { stage: "handle", status: "drafting" });
    await step("mzj", { type: "ACCEPT_CONTRIBUTION", unitId: finance }, { stage: "handle", status: "drafting" });
    await step("mzj", { type: "SUBMIT", text: "第二轮完成情况报告。" }, { stage: "handle", status: "submitted" });
    await step("office", { type: "APPROVE" }, { stage: "inspect", status: "drafting" });
    const inspected = await step("office", { type: "RECORD_INSPECTION", text: "复查无问题。", items: [] }, { stage: "inspect", status: "drafting" });
    expect(inspected.rectificationItems.map((i) => i.status)).toEqual(["closed"]);
    await step("mzj", { type: "SUBMIT", text: "复查情况。" }, { stage: "inspect", status: "submitted" });
    await step("office", { type: "PASS_INSPECTION" }, { stage: "summarize", status: "drafting" });
    await step("mzj", { type: "SUBMIT", text: "第二轮总结。", resolutionClass: "A" }, { stage: "summarize", status: "submitted" });
    await step("office", { type: "APPROVE" }, { stage: "evaluate", status: "rating" });
    expect((await detail("office")).ratings.filter((r) => r.round === 2)).toEqual([]);
    await step("evaluator1", { type: "RATE", rating: "basically_satisfied" }, { stage: "evaluate", status: "rating" });
    await step("evaluator2", { type: "RATE", rating: "satisfied" }, { stage: "evaluate", status: "rating" });
    await step("evaluator3", { type: "RATE", rating: "unsatisfied" }, { stage: "evaluate", status: "rating" });
    const done = await step("office", { type: "CLOSE_EVALUATION" }, { stage: "done", status: "done" });
    expect(done.task.round).toBe(2);
    expect(done.resolutionClass).toBe("A");

    for (const user of USERS.filter((u) => u !== "ybj")) expect(await actions(user), user).toEqual([]);
    const closed = await refusal(c.office.trpc.task.transition.mutate({ taskId, expectedVersion: version, event: { type: "URGE" } }));
    expect(closed).toMatchObject({ appCode: "TASK_CLOSED", code: "PRECONDITION_FAILED" });

    // The history is exactly the moves made, in order, each with its actor.
    const history = done.history;
    expect(history.map((h) => h.action)).toEqual(expectedHistory);
    expect(history.map((h) => h.seq)).toEqual([...history.map((h) => h.seq)].sort((a, b) => a - b));
    expect(history[0]).toMatchObject({ action: "task.SIGN", actorRole: "liaison", fromState: "deploy/signing", toState: "deploy/drafting" });
    expect(history.find((h) => h.action === "task.RETURN")).toMatchObject({
      actorRole: "office",
      comment: "请细化工作专班的分工和时间节点。",
      fromState: "deploy/submitted",
      toState: "deploy/returned",
    });
    expect(history.filter((h) => h.fileHashes.includes(evidence)).map((h) => h.action)).toEqual([
      "task.REPORT_PROGRESS",
      "task.SUBMIT",
      "task.RECTIFY",
    ]);

    // The auditor sees the refusals too, and the whole chain verifies.
    const refused = await c.auditor.trpc.audit.list.query({ taskId, outcome: "refused" });
    expect(refused.items.length).toBeGreaterThanOrEqual(8);
    expect(refused.items.every((r) => r.outcome === "refused" && r.reasonCode !== null)).toBe(true);
    const verified = await c.auditor.trpc.audit.verify.mutate();
    expect(verified).toMatchObject({ ok: true });
    expect(verified.ok && verified.count).toBeGreaterThan(expectedHistory.length);
  });
});
