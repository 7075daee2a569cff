import { describe, expect, it } from "vitest";
import { availableActions, decide } from "./engine";
import { describeTask } from "./describe";
import type { TaskCommand } from "./events";
import {
  cast,
  event,
  newTask,
  play,
  TO_EVALUATE,
  TO_HANDLE,
  TO_INSPECT,
  TO_SUMMARIZE,
  type CastMember,
} from "./test-support";
import type { TaskSnapshot } from "./persistence";

type Setup = [CastMember, TaskCommand][];

function stageStatus(s: TaskSnapshot) {
  const d = describeTask(s);
  return `${d.stage}/${d.status}`;
}

describe("the whole lifecycle", () => {
  it("walks deploy → handle → inspect → summarize → evaluate → done, with one 不满意 round", () => {
    let s = newTask();
    expect(stageStatus(s)).toBe("deploy/signing");
    s = play(s, [
      ["lead", { type: "SIGN" }],
      ["lead", { type: "SUBMIT", text: "方案" }],
      ["office", { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "措施不具体" }],
    ]);
    expect(stageStatus(s)).toBe("deploy/returned");
    expect(s.context.lastReturn).toMatchObject({ reason: "vague_measures", fromStage: "deploy", toStage: "deploy" });
    s = play(s, [
      ["lead", { type: "SUBMIT", text: "修改后的方案" }],
      ["office", { type: "APPROVE" }],
      ["lead", { type: "REPORT_PROGRESS", text: "完成 40%", percent: 40 }],
      ["co1", { type: "SUBMIT_CONTRIBUTION", text: "意见" }],
      ["lead", { type: "RETURN_CONTRIBUTION", unitId: "unit-co-1", reason: "incomplete_materials", text: "缺附件" }],
    ]);
    expect(s.context.contributions["unit-co-1"]).toEqual({ status: "returned", returnReason: "incomplete_materials" });
    expect(s.context.contributions["unit-co-2"]).toEqual({ status: "pending" });
    s = play(s, [
      ["co1", { type: "SUBMIT_CONTRIBUTION", text: "补充后的意见" }],
      ["lead", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-1" }],
      ["office", { type: "WAIVE_CONTRIBUTION", unitId: "unit-co-2", text: "该单位无相关职责" }],
      ["lead", { type: "SUBMIT", text: "办结报告" }],
      ["office", { type: "APPROVE" }],
      ["leader", { type: "RECORD_INSPECTION", text: "检查发现问题", items: ["台账不全", "照片缺失"] }],
    ]);
    expect(stageStatus(s)).toBe("inspect/drafting");
    expect(s.context.rectification.items.map((i) => i.id)).toEqual(["R1-1", "R1-2"]);
    s = play(s, [
      ["lead", { type: "RECTIFY", itemId: "R1-1", text: "已补齐" }],
      ["lead", { type: "RECTIFY", itemId: "R1-2", text: "已补拍" }],
      ["lead", { type: "SUBMIT", text: "整改报告" }],
      ["office", { type: "CLOSE_ITEM", itemId: "R1-1" }],
      ["office", { type: "CLOSE_ITEM", itemId: "R1-2" }],
      ["office", { type: "PASS_INSPECTION" }],
      ["lead", { type: "SUBMIT", text: "总结", resolutionClass: "B" }],
      ["office", { type: "APPROVE", resolutionClass: "A" }],
    ]);
    expect(stageStatus(s)).toBe("evaluate/rating");
    expect(s.context.resolutionClass).toBe("A");
    s = play(s, [
      ["evaluator1", { type: "RATE", rating: "unsatisfied" }],
      ["evaluator2", { type: "RATE", rating: "satisfied" }],
      ["evaluator2", { type: "RATE", rating: "unsatisfied" }],
      ["evaluator3", { type: "RATE", rating: "basically_satisfied" }],
      ["office", { type: "CLOSE_EVALUATION" }],
    ]);
    expect(stageStatus(s)).toBe("handle/drafting");
    expect(s.context.round).toBe(2);
    expect(s.context.ratings).toEqual({});
    expect(s.context.contributions["unit-co-1"]?.status).toBe("pending");
    s = play(s, [
      ["co1", { type: "SUBMIT_CONTRIBUTION", text: "第二轮意见" }],
      ["co2", { type: "SUBMIT_CONTRIBUTION", text: "第二轮意见" }],
      ["office", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-1" }],
      ["office", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-2" }],
      ["lead", { type: "SUBMIT", text: "重新办理报告" }],
      ["office", { type: "APPROVE" }],
      ["office", { type: "RECORD_INSPECTION", text: "复查", items: [] }],
      ["lead", { type: "SUBMIT", text: "无整改事项" }],
      ["office", { type: "PASS_INSPECTION" }],
      ["lead", { type: "SUBMIT", text: "总结", resolutionClass: "A" }],
      ["office", { type: "APPROVE" }],
      ["evaluator1", { type: "RATE", rating: "satisfied" }],
      ["evaluator2", { type: "RATE", rating: "unsatisfied" }],
      ["office", { type: "CLOSE_EVALUATION" }],
    ]);
    expect(stageStatus(s)).toBe("done/done");
    expect(s.status).toBe("done");
    expect(s.context.round).toBe(2);
    expect(availableActions(s, cast.office)).toEqual([]);
  });

  it("runs an extension request as its own region, without disturbing the stage", () => {
    let s = play(newTask(), [...TO_HANDLE, ["lead", { type: "REQUEST_EXTENSION", requestedDueDate: "2026-09-30", reason: "施工受阻" }]]);
    expect(describeTask(s)).toMatchObject({ stage: "handle", extensionRequested: true });
    s = play(s, [["office", { type: "DECIDE_EXTENSION", granted: true }]]);
    expect(s.context.dueDate).toBe("2026-09-30");
    expect(describeTask(s).extensionRequested).toBe(false);
    s = play(s, [
      ["lead", { type: "REQUEST_EXTENSION", requestedDueDate: "2026-12-31", reason: "再次延期" }],
      ["office", { type: "DECIDE_EXTENSION", granted: false, comment: "不同意" }],
    ]);
    expect(s.context.dueDate).toBe("2026-09-30");
  });

  it("keeps a pending extension request when a return moves the stage", () => {
    let s = play(newTask(), [
      ...TO_HANDLE,
      ["lead", { type: "REQUEST_EXTENSION", requestedDueDate: "2026-09-30", reason: "理由" }],
      ["co1", { type: "SUBMIT_CONTRIBUTION", text: "x" }],
      ["office", { type: "WAIVE_CONTRIBUTION", unitId: "unit-co-2", text: "免" }],
      ["office", { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-1" }],
      ["lead", { type: "SUBMIT", text: "报告" }],
      ["office", { type: "RETURN", toStage: "deploy", reason: "other", text: "方案需调整" }],
    ]);
    expect(describeTask(s)).toMatchObject({ stage: "deploy", status: "returned", extensionRequested: true });
    s = play(s, [["office", { type: "DECIDE_EXTENSION", granted: true }]]);
    expect(s.context.dueDate).toBe("2026-09-30");
  });

  it("reassigns: a request in deploy, a refusal, then a reassignment back to signing", () => {
    let s = play(newTask(), [["lead", { type: "REQUEST_REASSIGN", reason: "非本单位职责" }]]);
    expect(describeTask(s).status).toBe("reassign_requested");
    s = play(s, [["office", { type: "REFUSE_REASSIGN", comment: "属于职责范围" }]]);
    expect(describeTask(s).status).toBe("signing");
    s = play(s, [
      ["lead", { type: "REQUEST_REASSIGN", reason: "非本单位职责" }],
      ["office", { type: "REASSIGN", leadUnitId: "unit-co-1" }],
    ]);
    expect(describeTask(s)).toMatchObject({ status: "signing", leadUnitId: "unit-co-1", coUnitIds: ["unit-co-2"] });
    // The old lead is now an outsider; the new one signs.
    expect(decide(s, event("lead", { type: "SIGN" }))).toMatchObject({ ok: false, refusal: { code: "NOT_YOUR_UNIT" } });
    expect(decide(s, event("co1", { type: "SIGN" })).ok).toBe(true);
  });

  it("records urges and instructions until the lead unit acknowledges them", () => {
    let s = play(newTask(), [
      ["office", { type: "URGE", text: "请尽快签收" }],
      ["leader", { type: "INSTRUCT", text: "抓紧落实" }],
    ]);
    expect(s.context.openNotices).toBe(2);
    expect(stageStatus(s)).toBe("deploy/signing");
    s = play(s, [["lead", { type: "ACKNOWLEDGE" }]]);
    expect(s.context.openNotices).toBe(0);
    expect(decide(s, event("lead", { type: "ACKNOWLEDGE" }))).toMatchObject({
      ok: false,
      refusal: { code: "GUARD_FAILED", guard: "NO_OPEN_NOTICES" },
    });
  });

  it("terminates from any open stage with a reason, and then nothing moves", () => {
    for (const setup of [[], TO_HANDLE, TO_INSPECT, TO_SUMMARIZE, TO_EVALUATE]) {
      let s = play(newTask(), setup);
      expect(decide(s, event("office", { type: "TERMINATE", reason: "" }))).toMatchObject({
        ok: false,
        refusal: { code: "MISSING_REASON" },
      });
      s = play(s, [["office", { type: "TERMINATE", reason: "任务调整" }]]);
      expect(stageStatus(s)).toBe("terminated/terminated");
      expect(s.context.terminationReason).toBe("任务调整");
      expect(decide(s, event("office", { type: "URGE" }))).toMatchObject({ ok: false, refusal: { code: "TASK_CLOSED" } });
    }
  });
});

// Table-driven: from a state reached by `setup`, `who` sends `command`; expect the new
// stage/status, or a refusal code (and the snapshot unchanged).
const rows: { name: string; setup: Setup; who: CastMember; command: TaskCommand; expect: string }[] = [
  { name: "lead signs", setup: [], who: "lead", command: { type: "SIGN" }, expect: "deploy/drafting" },
  { name: "co-unit cannot sign", setup: [], who: "co1", command: { type: "SIGN" }, expect: "NOT_YOUR_UNIT" },
  { name: "outsider cannot sign", setup: [], who: "outsider", command: { type: "SIGN" }, expect: "NOT_YOUR_UNIT" },
  { name: "office cannot sign", setup: [], who: "office", command: { type: "SIGN" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "auditor cannot approve", setup: [["lead", { type: "SIGN" }], ["lead", { type: "SUBMIT", text: "x" }]], who: "auditor", command: { type: "APPROVE" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "sysadmin cannot urge", setup: [], who: "sysadmin", command: { type: "URGE" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "secadmin cannot terminate", setup: [], who: "secadmin", command: { type: "TERMINATE", reason: "x" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "submit before signing", setup: [], who: "lead", command: { type: "SUBMIT", text: "x" }, expect: "NOT_ALLOWED_IN_STATE" },
  { name: "approve while drafting", setup: [["lead", { type: "SIGN" }]], who: "office", command: { type: "APPROVE" }, expect: "NOT_ALLOWED_IN_STATE" },
  { name: "withdraw before review", setup: [["lead", { type: "SIGN" }], ["lead", { type: "SUBMIT", text: "x" }]], who: "lead", command: { type: "WITHDRAW" }, expect: "deploy/drafting" },
  { name: "office cannot withdraw", setup: [["lead", { type: "SIGN" }], ["lead", { type: "SUBMIT", text: "x" }]], who: "office", command: { type: "WITHDRAW" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "return needs a reason text", setup: [["lead", { type: "SIGN" }], ["lead", { type: "SUBMIT", text: "x" }]], who: "office", command: { type: "RETURN", toStage: "deploy", reason: "other", text: " " }, expect: "MISSING_REASON" },
  { name: "return never goes forward", setup: [["lead", { type: "SIGN" }], ["lead", { type: "SUBMIT", text: "x" }]], who: "office", command: { type: "RETURN", toStage: "inspect", reason: "other", text: "x" }, expect: "INVALID_RETURN_TARGET" },
  { name: "handle submit waits for contributions", setup: TO_HANDLE, who: "lead", command: { type: "SUBMIT", text: "x" }, expect: "GUARD_FAILED" },
  { name: "co-unit contributes", setup: TO_HANDLE, who: "co1", command: { type: "SUBMIT_CONTRIBUTION", text: "x" }, expect: "handle/drafting" },
  { name: "lead cannot contribute as co-unit", setup: TO_HANDLE, who: "lead", command: { type: "SUBMIT_CONTRIBUTION", text: "x" }, expect: "NOT_YOUR_UNIT" },
  { name: "accept an unsent contribution", setup: TO_HANDLE, who: "office", command: { type: "ACCEPT_CONTRIBUTION", unitId: "unit-co-1" }, expect: "GUARD_FAILED" },
  { name: "co-unit reports progress", setup: TO_HANDLE, who: "co2", command: { type: "REPORT_PROGRESS", text: "x" }, expect: "handle/drafting" },
  { name: "outsider cannot report progress", setup: TO_HANDLE, who: "outsider", command: { type: "REPORT_PROGRESS", text: "x" }, expect: "NOT_YOUR_UNIT" },
  { name: "handle returns to deploy", setup: [...TO_INSPECT.slice(0, -1)], who: "office", command: { type: "RETURN", toStage: "deploy", reason: "behind_schedule", text: "x" }, expect: "deploy/returned" },
  { name: "inspect submit needs an inspection", setup: TO_INSPECT, who: "lead", command: { type: "SUBMIT", text: "x" }, expect: "GUARD_FAILED" },
  { name: "office sends inspect back to handle", setup: TO_INSPECT, who: "office", command: { type: "RETURN", toStage: "handle", reason: "inconsistent_with_facts", text: "x" }, expect: "handle/returned" },
  { name: "inspect drafting cannot return to itself", setup: TO_INSPECT, who: "office", command: { type: "RETURN", toStage: "inspect", reason: "other", text: "x" }, expect: "INVALID_RETURN_TARGET" },
  { name: "evaluator records no inspection", setup: TO_INSPECT, who: "evaluator1", command: { type: "RECORD_INSPECTION", text: "x", items: [] }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "pass with an open item", setup: [...TO_INSPECT, ["office", { type: "RECORD_INSPECTION", text: "x", items: ["a"] }], ["lead", { type: "RECTIFY", itemId: "R1-1", text: "y" }], ["lead", { type: "SUBMIT", text: "z" }]], who: "office", command: { type: "PASS_INSPECTION" }, expect: "GUARD_FAILED" },
  { name: "close an item not yet rectified", setup: [...TO_INSPECT, ["office", { type: "RECORD_INSPECTION", text: "x", items: ["a"] }]], who: "office", command: { type: "CLOSE_ITEM", itemId: "R1-1" }, expect: "GUARD_FAILED" },
  { name: "summary needs a resolution class", setup: TO_SUMMARIZE, who: "lead", command: { type: "SUBMIT", text: "x" }, expect: "GUARD_FAILED" },
  { name: "summary with a class", setup: TO_SUMMARIZE, who: "lead", command: { type: "SUBMIT", text: "x", resolutionClass: "C" }, expect: "summarize/submitted" },
  { name: "summary returns to handle", setup: [...TO_SUMMARIZE, ["lead", { type: "SUBMIT", text: "x", resolutionClass: "C" }]], who: "office", command: { type: "RETURN", toStage: "handle", reason: "other", text: "x" }, expect: "handle/returned" },
  { name: "summary returned to inspect needs a new inspection", setup: [...TO_SUMMARIZE, ["lead", { type: "SUBMIT", text: "x", resolutionClass: "C" }], ["office", { type: "RETURN", toStage: "inspect", reason: "other", text: "复查" }]], who: "lead", command: { type: "SUBMIT", text: "x" }, expect: "GUARD_FAILED" },
  { name: "liaison cannot rate", setup: TO_EVALUATE, who: "lead", command: { type: "RATE", rating: "satisfied" }, expect: "FORBIDDEN_FOR_ROLE" },
  { name: "close evaluation without ratings", setup: TO_EVALUATE, who: "office", command: { type: "CLOSE_EVALUATION" }, expect: "GUARD_FAILED" },
  { name: "evaluator rates", setup: TO_EVALUATE, who: "evaluator1", command: { type: "RATE", rating: "satisfied" }, expect: "evaluate/rating" },
  { name: "extension to an earlier date", setup: [], who: "lead", command: { type: "REQUEST_EXTENSION", requestedDueDate: "2026-01-01", reason: "x" }, expect: "GUARD_FAILED" },
  { name: "extension decided with none pending", setup: [], who: "office", command: { type: "DECIDE_EXTENSION", granted: true }, expect: "NOT_ALLOWED_IN_STATE" },
  { name: "reassign to the same unit", setup: [], who: "office", command: { type: "REASSIGN", leadUnitId: "unit-lead" }, expect: "GUARD_FAILED" },
  { name: "malformed date", setup: [], who: "lead", command: { type: "REQUEST_EXTENSION", requestedDueDate: "next year", reason: "x" } as TaskCommand, expect: "INVALID_EVENT" },
];

describe("transition table", () => {
  it.each(rows)("$name → $expect", ({ setup, who, command, expect: expected }) => {
    const before = play(newTask(), setup);
    const decision = decide(before, event(who, command));
    if (expected.includes("/")) {
      expect(decision.ok).toBe(true);
      if (decision.ok) expect(stageStatus(decision.snapshot)).toBe(expected);
    } else {
      expect(decision).toMatchObject({ ok: false, refusal: { code: expected } });
      if (!decision.ok) expect(decision.refusal.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
});

describe("moves that wait on someone else are shown disabled, with the refusal's reason", () => {
  it("SUBMIT in 办理 waits on the co-units' 协办意见, counted and named", () => {
    let s = play(newTask(), TO_HANDLE);
    const submit = availableActions(s, cast.lead).find((a) => a.type === "SUBMIT");
    expect(submit?.blocked).toEqual({
      guard: "CONTRIBUTIONS_PENDING",
      reason: "尚有 2 个协办单位未提交意见",
      unblockedBy: { unitIds: ["unit-co-1", "unit-co-2"] },
    });
    expect(decide(s, event("lead", { type: "SUBMIT", text: "报告" }))).toMatchObject({ ok: false, refusal: { message: submit?.blocked?.reason } });
    s = play(s, [["co1", { type: "SUBMIT_CONTRIBUTION", text: "意见" }]]);
    expect(availableActions(s, cast.lead).find((a) => a.type === "SUBMIT")?.blocked?.reason).toBe("尚有 1 个协办单位未提交意见、1 个协办单位的意见待采纳");
    // A co-unit is not offered the lead's SUBMIT at all, not even disabled.
    expect(availableActions(s, cast.co2).map((a) => a.type)).not.toContain("SUBMIT");
  });

  it("REQUEST_REASSIGN after its window (a fact the server passes in) is disabled with the last day", () => {
    const s = newTask();
    const open = { today: "2026-12-04", reassignWindow: { lastDay: "2026-12-04", workdays: 7 } };
    expect(availableActions(s, cast.lead, open).find((a) => a.type === "REQUEST_REASSIGN")?.blocked).toBeUndefined();
    const late = { ...open, today: "2026-12-07" };
    const offered = availableActions(s, cast.lead, late).find((a) => a.type === "REQUEST_REASSIGN");
    expect(offered?.blocked?.reason).toBe("申请改派须在任务交办后 7 个工作日内（2026年12月4日前）提出，已超过期限；如确需调整，请联系领导小组办公室");
    expect(decide(s, event("lead", { type: "REQUEST_REASSIGN", reason: "职责不符" }), late)).toMatchObject({
      ok: false,
      refusal: { code: "GUARD_FAILED", guard: "REASSIGN_WINDOW_CLOSED", message: offered?.blocked?.reason },
    });
    expect(decide(s, event("lead", { type: "REQUEST_REASSIGN", reason: "职责不符" }), open).ok).toBe(true);
  });
});
