// The query section's data: `tasks` tasks in plans of 1000, three levels deep (层层分解), each with
// a realistic history — every record the API itself would have written for it, in the order it
// would have written them:
//
// - one `plan.import` record per plan (the office, the plan's own task ids in its detail);
// - per task 10–29 `task.<EVENT>` records: signing, a 办理方案 submitted, returned, resubmitted,
//   approved, monthly progress reports, 协办意见 of the co-unit, urges, a leader's 批示 and their
//   acknowledgement, a disputed assignment (改派申请 refused), the split into parts, termination;
//   for half of the tasks the rest of the lifecycle: the 办理 completion (returned, resubmitted),
//   inspections with rectification items rectified and closed (销号), the summary with its
//   办理结果分类, the evaluators' votes and the closed evaluation (办结, or 重新办理 in a second
//   round) — with the actor (the lead unit's liaison, the co-unit's, the reviewer: the office or the
//   unit that split the part, the leader, the evaluators), the actor's unit, from/to state, comment
//   and detail as `transitionTask` writes them (`{ ...event fields, round, version }`); every tenth
//   task also has a refused move (`task.transition`, CONFLICT: two liaisons of a unit on one version);
// - the business rows of each move (task-effects.ts, task-facts.ts): submissions (with the summary's
//   class), progress reports (tasks.latest_percent and last_report_period agree with them),
//   notifications of urges and instructions, rectification items, ratings, stage stays, returns;
//   the task row's facts (entered_stage_at, effective_due_date, behind_from, completed_at /
//   completed_on, resolution_class, terminated_from_stage, version, updated_at) and snapshot
//   (replayed through `decide()` of @duban/workflow, the same command sequence, with the task's own
//   times and due date) agree with its history.
//
// The records are chained in time order over all tasks (a task's records are spread over the
// months of its history, interleaved with every other task's, as a live system writes them): the
// generator first lays out every task's timeline, sorts all events by time (packed into one
// Float64Array), then appends them in that order with `computeAuditHash` of @duban/db, so that
// `verifyAuditChain` passes. Bulk inserts through prepared statements in large transactions.
import { join } from "node:path";
import { createLogger, openApp, testConfig } from "@duban/api";
import { canonicalJson, computeAuditHash, type AuditLogRow, type TaskStage } from "@duban/db";
import {
  decide,
  describeTask,
  PART_SETTLED_STAGES,
  persistTask,
  startTask,
  type Rating,
  type ResolutionClass,
  type ReturnableStage,
  type ReturnReason,
  type TaskCommand,
  type TaskSnapshot,
} from "@duban/workflow";
import SQLite from "better-sqlite3";
// The API's own rule for tasks.behind_from ("进度滞后" as a date, written with the percent by
// task-facts.ts): not exported by @duban/api, so read from its source.
import { dayOfInstant } from "../../apps/api/src/clock";
import { effectiveDueDate, planDuesOf } from "../../apps/api/src/services/deadlines";
import { rectificationRowId } from "../../apps/api/src/services/task-effects";
import { handleWindow, progressBehindFrom } from "../../apps/api/src/services/supervision/marks";
import { tempDir } from "./common";

export const PLAN_SIZE = 1000;

/** 层层分解: each department has SECTIONS sections below it, each section SUB_SECTIONS sub-units. */
const SECTIONS = 3;
const SUB_SECTIONS = 2;
/** Within a plan of PLAN_SIZE: the first half are its own tasks (depth 1), the next third parts of
 *  the first tasks (two each, depth 2), the last sixth parts of those parts (two each, depth 3). */
const LEVEL_2_FROM = PLAN_SIZE / 2;
const LEVEL_3_FROM = Math.floor((PLAN_SIZE * 5) / 6);

function levelOf(o: number): { depth: 1 | 2 | 3; parentIndex: number } {
  if (o < LEVEL_2_FROM) return { depth: 1, parentIndex: -1 };
  if (o < LEVEL_3_FROM) return { depth: 2, parentIndex: Math.floor((o - LEVEL_2_FROM) / 2) };
  return { depth: 3, parentIndex: LEVEL_2_FROM + Math.floor((o - LEVEL_3_FROM) / 2) };
}

/** the indexes (within the plan) of the parts split from the task at index o */
const PARTS_OF: number[][] = Array.from({ length: PLAN_SIZE }, () => []);
for (let o = LEVEL_2_FROM; o < PLAN_SIZE; o++) (PARTS_OF[levelOf(o).parentIndex] as number[]).push(o);

export const taskIdOf = (i: number) => `bench-task-${String(i).padStart(8, "0")}`;
export const planIdOf = (planNo: number) => `bench-plan-${String(planNo).padStart(5, "0")}`;

// ---------------------------------------------------------------------------------------------
// Histories. Twelve variants. 0–5 end in the stages and statuses the earlier generator used (so the
// list and dashboard figures stay comparable): 0 deploy/signing, 1 deploy/drafting, 2 deploy/submitted,
// 3 and 4 handle/drafting, 5 terminated. 6–11 go on through the rest of the lifecycle — 检查 (an
// inspection, rectification items rectified and closed 销号), 总结 (the summary with its 办理结果分类),
// 满意度测评 (the three demo evaluators' votes, closed by the reviewer) — with returns in every stage:
// 6 done, slowly (the completion returned as 进度滞后, an item rectified and closed), 7 done in a
// second round (测评 不满意 → 重新办理, the reviewer changing the class at approval), 8 summarize/submitted
// (the summary returned as 与实际不符), 9 evaluate/rating (two votes of three, the inspection returned
// as 其他), 10 done quickly, all 满意, 11 inspect/returned (re-inspected, one item rectified, one
// open). `day`: days after the task's creation, strictly rising within a variant.

export const VARIANTS = 12;
/** Variants by what the bench's query section picks (queries.ts): an own task in slot `i % VARIANTS`. */
export const VARIANT_UNSIGNED = 0;
export const VARIANT_HANDLE_CO = 3;
/** A completion that waits for parts that cannot be settled in time stays in 办理 (see `planVariants`). */
const VARIANT_WAITING_FOR_PARTS = 4;
/** A task with parts splits on this day (the parts are created then). */
const SPLIT_DAY = 3;

type Who = "lead" | "co" | "sup" | "office" | "leader" | "ev1" | "ev2" | "ev3";
interface StepDef {
  day: number;
  who: Who;
  cmd: TaskCommand;
}

const PLAN_TEXT = "办理方案：明确责任科室和责任人，按季度分解目标，年底前完成。";
const SUBMIT_TEXT = "办理方案（修改稿）：细化了时间节点、责任人和资金来源。";
const RETURN_TEXT: Record<ReturnReason, string> = {
  vague_measures: "措施不够具体，请细化时间节点和责任人。",
  incomplete_materials: "缺少资金测算材料，请补充后再报。",
  behind_schedule: "部分年度目标尚未完成，请完成后再报送完成情况。",
  inconsistent_with_facts: "总结所列数据与检查核实情况不符，请核实后重报。",
  other: "请结合实地检查情况补充说明后再报。",
};
const report = (day: number, percent: number): StepDef => ({ day, who: "lead", cmd: { type: "REPORT_PROGRESS", text: `本月推进情况：已完成年度目标的${percent}%，下月继续推进。`, percent } });
const urge = (day: number): StepDef => ({ day, who: "office", cmd: { type: "URGE", text: "请加快办理进度，按期报送。" } });
const instruct = (day: number): StepDef => ({ day, who: "leader", cmd: { type: "INSTRUCT", text: "请牵头单位高度重视，抓紧推进，确保按期完成。" } });
const ack = (day: number): StepDef => ({ day, who: "lead", cmd: { type: "ACKNOWLEDGE", comment: "已收悉，正在落实。" } });
const submit = (day: number, text = PLAN_TEXT): StepDef => ({ day, who: "lead", cmd: { type: "SUBMIT", text } });
const complete = (day: number): StepDef => submit(day, "完成情况报告：年度目标已全部完成，佐证材料附后。");
const submitRectified = (day: number): StepDef => submit(day, "整改情况报告：检查发现的问题已全部整改到位。");
const summary = (day: number, resolutionClass: ResolutionClass): StepDef => ({
  day,
  who: "lead",
  cmd: { type: "SUBMIT", text: "办理工作总结：任务目标完成，建立了长效工作机制。", resolutionClass },
});
const ret = (day: number, toStage: ReturnableStage, reason: ReturnReason): StepDef => ({ day, who: "sup", cmd: { type: "RETURN", toStage, reason, text: RETURN_TEXT[reason] } });
const approve = (day: number, comment = "同意，请按方案推进。"): StepDef => ({ day, who: "sup", cmd: { type: "APPROVE", comment } });
const inspect = (day: number, who: "sup" | "leader", items: string[]): StepDef => ({
  day,
  who,
  cmd: { type: "RECORD_INSPECTION", text: items.length === 0 ? "实地抽查，工作台账齐全，未发现问题。" : "实地检查，发现以下问题，列入整改清单。", items },
});
const rectify = (day: number, itemId: string): StepDef => ({ day, who: "lead", cmd: { type: "RECTIFY", itemId, text: "已按要求完成整改，附整改前后对照材料。" } });
const closeItem = (day: number, itemId: string): StepDef => ({ day, who: "sup", cmd: { type: "CLOSE_ITEM", itemId, comment: "整改到位，予以销号。" } });
const pass = (day: number): StepDef => ({ day, who: "sup", cmd: { type: "PASS_INSPECTION", comment: "检查通过。" } });
const rate = (day: number, who: "ev1" | "ev2" | "ev3", rating: Rating, comment?: string): StepDef => ({
  day,
  who,
  cmd: { type: "RATE", rating, ...(comment === undefined ? {} : { comment }) },
});
const closeEvaluation = (day: number, comment: string): StepDef => ({ day, who: "sup", cmd: { type: "CLOSE_EVALUATION", comment } });

function stepsOf(variant: number, o: { co: string | null; split: string[] | null }): StepDef[] {
  const sign: StepDef = { day: 1, who: "lead", cmd: { type: "SIGN", comment: "已签收，由业务科室办理。" } };
  const split: StepDef[] =
    o.split === null ? [] : [{ day: SPLIT_DAY, who: "lead", cmd: { type: "SPLIT", parts: o.split.map((leadUnitId, k) => ({ text: `分解事项${k + 1}：由科室具体承办。`, leadUnitId })) } }];
  const coSteps = (from: number, withReturn: boolean): StepDef[] =>
    o.co === null
      ? []
      : withReturn
        ? [
            { day: from, who: "co", cmd: { type: "SUBMIT_CONTRIBUTION", text: "协办意见：本单位负责的配套工作已落实。" } },
            { day: from + 2, who: "lead", cmd: { type: "RETURN_CONTRIBUTION", unitId: o.co, reason: "incomplete_materials", text: "请补充配套资金落实情况。" } },
            { day: from + 8, who: "co", cmd: { type: "SUBMIT_CONTRIBUTION", text: "协办意见（补充）：配套资金已落实。" } },
            { day: from + 10, who: "lead", cmd: { type: "ACCEPT_CONTRIBUTION", unitId: o.co, comment: "采纳。" } },
          ]
        : [
            { day: from, who: "co", cmd: { type: "SUBMIT_CONTRIBUTION", text: "协办意见：本单位负责的配套工作已落实。" } },
            { day: from + 3, who: "lead", cmd: { type: "ACCEPT_CONTRIBUTION", unitId: o.co, comment: "采纳。" } },
          ];
  switch (variant) {
    case 0: // unsigned: the unit disputes the assignment twice, is urged and instructed
      return [
        urge(2),
        { day: 4, who: "lead", cmd: { type: "REQUEST_REASSIGN", reason: "该事项主要职责不在本单位，建议改由其他单位牵头。" } },
        { day: 6, who: "sup", cmd: { type: "REFUSE_REASSIGN", comment: "经研究，该事项由贵单位牵头，请签收办理。" } },
        urge(9),
        instruct(12),
        ack(13),
        urge(20),
        { day: 23, who: "lead", cmd: { type: "REQUEST_REASSIGN", reason: "本单位缺少相应职能，再次申请改派。" } },
        { day: 25, who: "sup", cmd: { type: "REFUSE_REASSIGN", comment: "维持原分工，请尽快签收。" } },
        urge(30),
      ];
    case 1: // 办理方案 returned, resubmitted, withdrawn to be completed
      return [sign, ...split, submit(8), ret(11, "deploy", "vague_measures"), urge(14), ack(15), submit(20, SUBMIT_TEXT), { day: 22, who: "lead", cmd: { type: "WITHDRAW", comment: "补充材料后重新提交。" } }, instruct(27), ack(28), urge(33)];
    case 2: // 办理方案 returned twice, awaiting review
      return [sign, ...split, submit(7), ret(10, "deploy", "vague_measures"), submit(13, SUBMIT_TEXT), ret(16, "deploy", "incomplete_materials"), urge(18), ack(19), submit(24, SUBMIT_TEXT), { day: 26, who: "lead", cmd: { type: "WITHDRAW", comment: "补充附件。" } }, submit(28, SUBMIT_TEXT)];
    case 3: // in 办理, four monthly reports, the co-unit's part accepted
      return [sign, ...split, submit(6), ret(9, "deploy", "vague_measures"), submit(12, SUBMIT_TEXT), approve(15), report(40, 15), ...coSteps(45, false), report(70, 30), urge(85), ack(86), report(100, 45), report(130, 55)];
    case 4: // in 办理, five monthly reports, the co-unit's part returned once
      return [sign, ...split, submit(7), ret(10, "deploy", "incomplete_materials"), submit(14, SUBMIT_TEXT), approve(17), report(45, 20), ...coSteps(50, true), report(75, 35), report(105, 50), report(135, 65), report(165, 75)];
    case 5: // terminated in 办理 after three reports
      return [sign, ...split, submit(6), approve(9), report(40, 10), urge(55), ack(56), report(70, 15), instruct(85), ack(86), report(100, 20), { day: 110, who: "sup", cmd: { type: "TERMINATE", reason: "方案调整，该任务并入其他任务办理。" } }];
    case 6: // done: the completion returned as behind schedule, an item rectified and closed, 基本满意
      return [
        sign, ...split, submit(6), approve(10), report(40, 30), ...coSteps(45, false), report(70, 60), urge(95), ack(96), report(100, 85),
        complete(110), ret(113, "handle", "behind_schedule"), report(125, 100), complete(130), approve(133, "办理结果符合要求。"),
        inspect(140, "leader", ["台账资料不完整，部分佐证材料缺失。"]), rectify(147, "R1-1"), closeItem(150, "R1-1"), submitRectified(152), pass(155),
        summary(160, "B"), approve(163, "同意，提交满意度测评。"),
        rate(166, "ev1", "basically_satisfied"), rate(167, "ev2", "satisfied"), rate(168, "ev3", "basically_satisfied", "总体落实，个别指标完成偏晚。"),
        closeEvaluation(171, "测评基本满意，办结。"),
      ];
    case 7: // done in a second round: 不满意 sends it back to 办理 (round 2), then 满意
      return [
        sign, ...split, submit(5), approve(8), report(35, 40), ...coSteps(45, false), report(65, 80), complete(78), approve(81, "办理结果符合要求。"),
        inspect(86, "sup", []), submitRectified(88), pass(90),
        summary(94, "A"), { day: 97, who: "sup", cmd: { type: "APPROVE", comment: "已解决程度不足，调整为B类。", resolutionClass: "B" } },
        rate(100, "ev1", "unsatisfied", "群众反映的问题仍未解决。"), rate(101, "ev2", "unsatisfied"), rate(102, "ev3", "basically_satisfied"),
        closeEvaluation(105, "测评不满意，重新办理。"),
        report(120, 100), ...coSteps(123, false), complete(130), approve(133, "重新办理结果符合要求。"),
        inspect(137, "leader", []), submitRectified(139), pass(141),
        summary(145, "A"), approve(148, "同意，提交满意度测评。"),
        rate(151, "ev1", "satisfied"), rate(152, "ev2", "satisfied"), rate(153, "ev3", "basically_satisfied"),
        closeEvaluation(156, "测评满意，办结。"),
      ];
    case 8: // in 总结: the summary returned as inconsistent with the facts, resubmitted, awaiting review
      return [
        sign, ...split, submit(7), ret(10, "deploy", "incomplete_materials"), submit(13, SUBMIT_TEXT), approve(16), report(45, 40), ...coSteps(50, false), report(75, 75),
        complete(90), approve(94, "办理结果符合要求。"),
        inspect(99, "sup", ["工作台账未按月更新。"]), rectify(104, "R1-1"), closeItem(107, "R1-1"), submitRectified(109), pass(112),
        summary(118, "A"), ret(121, "summarize", "inconsistent_with_facts"), summary(127, "B"),
      ];
    case 9: // in 满意度测评: the inspection returned (其他) and redone, two of three evaluators have voted
      return [
        sign, ...split, submit(6), approve(9), report(38, 35), ...coSteps(44, true), report(68, 70), complete(85), approve(88, "办理结果符合要求。"),
        inspect(92, "leader", []), submitRectified(95), ret(98, "inspect", "other"), inspect(103, "sup", []), submitRectified(106), pass(109),
        summary(114, "C"), approve(117, "同意，提交满意度测评。"),
        rate(121, "ev1", "satisfied"), rate(124, "ev2", "unsatisfied", "受条件限制，问题未根本解决。"),
      ];
    case 10: // done quickly, on time, all 满意
      return [
        sign, ...split, submit(5), approve(8), report(30, 60), ...coSteps(35, false), complete(50), approve(53, "办理结果符合要求。"),
        inspect(57, "sup", []), submitRectified(59), pass(61),
        summary(65, "A"), approve(68, "同意，提交满意度测评。"),
        rate(71, "ev1", "satisfied"), rate(72, "ev2", "satisfied"), rate(73, "ev3", "satisfied"),
        closeEvaluation(76, "测评满意，办结。"),
      ];
    default: // 11, in 检查: submitted, returned (与实际不符), re-inspected with two items, one rectified
      return [
        sign, ...split, submit(7), approve(11), report(40, 35), ...coSteps(45, false), report(70, 70), report(100, 95), complete(112), approve(116, "办理结果符合要求。"),
        inspect(122, "sup", []), submitRectified(125), ret(128, "inspect", "inconsistent_with_facts"),
        inspect(135, "leader", ["部分点位设施未按方案建成。", "群众告知公示不到位。"]), rectify(145, "R1-1"),
      ];
  }
}

const VARIANT_END = [
  "deploy/signing", "deploy/drafting", "deploy/submitted", "handle/drafting", "handle/drafting", "terminated/terminated",
  "done/done", "done/done", "summarize/submitted", "evaluate/rating", "done/done", "inspect/returned",
];

// Sentinels replayed through decide() and replaced per task: the step times, the due date, the parent.
const DUE = "2099-01-01";
const PARENT = "__bench_parent__";
const sentinelAt = (k: number) => `2000-01-01T00:00:${String(k).padStart(2, "0")}.000Z`;
const SENTINELS = /__bench_parent__|2099-01-01|2000-01-01T00:00:(\d\d)\.000Z/g;

interface Step {
  day: number;
  who: Who;
  type: string;
  action: string;
  from: string;
  to: string;
  comment: string | null;
  /** canonical JSON of `{ ...event fields, round, version }`; SPLIT's parts are filled in per task */
  detail: string;
  fromStage: string;
  toStage: string;
  stageChange: boolean;
  /** business rows of the move */
  submission: { stage: string; kind: string; text: string; round: number; resolutionClass: string | null } | null;
  progress: { text: string; percent: number | null } | null;
  notice: { kind: string; title: string; body: string } | null;
  returned: { reason: string; kind: "stage" | "contribution"; unitId: "lead" | string } | null;
  /** RATE: the evaluator's vote of the round (ratings row) */
  rating: { rating: string; comment: string | null; round: number } | null;
  /** RECORD_INSPECTION: the rectification items it adds, each written once in its final state */
  items: ItemDef[] | null;
}

/** A rectification item as the moves leave it: added by an inspection, then rectified and closed (销号) by later steps. */
interface ItemDef {
  /** the lifecycle's item id (R{round}-{n}); the row's id is `${taskId}:${key}` (rectificationRowId) */
  key: string;
  round: number;
  ordinal: number;
  description: string;
  status: string;
  /** index of the (last) RECTIFY step and its text, -1 none */
  rectifyStep: number;
  rectifyText: string | null;
  /** index of the CLOSE_ITEM step, -1 none */
  closeStep: number;
}

interface Template {
  lead: string;
  co: string | null;
  sup: string | null;
  steps: Step[];
  snapshot: string;
  machineVersion: number;
  stage: string;
  status: string;
  round: number;
  openNotices: number;
  extensionRequested: boolean;
  /** the co-unit's 协办意见 status at the end */
  coStatus: string | null;
  /** index of the last stage change (entered_stage_at), -1 none */
  lastStageChange: number;
  /** index of the last progress report, -1 none */
  lastReport: number;
  latestPercent: number | null;
  terminatedFrom: string | null;
  /** index of the step that first approved 办理 (left handle for inspect: completed_at), -1 none */
  completedStep: number;
  /** 办理结果分类 at the end (the summary's grade), or null */
  resolutionClass: string | null;
}

const SUBMISSION_KIND: Record<string, string> = { deploy: "handling_plan", handle: "completion", inspect: "rectification", summarize: "summary" };

/**
 * The facts `transitionTask` passes to `decide`. The only one a history needs is that the parts of a
 * split task are settled when it submits its 办理 completion: `planVariants` chooses the parts'
 * variants so that they are (checked against their timing, `timingOf`).
 */
const FACTS = { today: "2000-01-01", unsettledPartIds: [] as string[] };

function buildTemplate(lead: string, co: string | null, sup: string | null, variant: number, split: string[] | null, isPart: boolean, evaluators: readonly string[]): Template {
  const defs = stepsOf(variant, { co, split });
  if (defs.length >= 60) throw new Error(`history variant ${variant}: ${defs.length} steps (the time sentinels and event keys allow 59)`);
  const input = isPart ? { supervisorUnitId: sup, parentTaskId: PARENT, parentDueDate: DUE } : {};
  let snap: TaskSnapshot = startTask({ leadUnitId: lead, coUnitIds: co ? [co] : [], dueDate: DUE, ...input });
  const steps: Step[] = [];
  const items: ItemDef[] = [];
  let version = 1;
  let lastStageChange = -1;
  let lastReport = -1;
  let latestPercent: number | null = null;
  let terminatedFrom: string | null = null;
  let completedStep = -1;
  defs.forEach((def, k) => {
    if (k > 0 && def.day <= (defs[k - 1] as StepDef).day) throw new Error(`history variant ${variant}: step ${k} on day ${def.day}, not after the step before it`);
    const evaluator = def.who === "ev1" ? 0 : def.who === "ev2" ? 1 : def.who === "ev3" ? 2 : -1;
    const unitId = def.who === "lead" ? lead : def.who === "co" ? co : def.who === "sup" ? sup : "office";
    const role = evaluator >= 0 ? "evaluator" : def.who === "leader" ? "leader" : def.who === "office" || (def.who === "sup" && sup === null) ? "office" : "liaison";
    // the snapshot keeps each evaluator's vote under their user id: the real ones
    const actor = { userId: evaluator >= 0 ? (evaluators[evaluator] as string) : "bench", role, unitId: role === "liaison" ? unitId : null } as never;
    const d = decide(snap, { ...def.cmd, actor, at: sentinelAt(k) } as never, FACTS);
    if (!d.ok) throw new Error(`history variant ${variant}${isPart ? " (part)" : ""}, step ${k} ${def.cmd.type}: refused ${d.refusal.code}`);
    version += 1;
    const cmd = def.cmd as Record<string, unknown> & { type: string };
    const { text: _t, reason: _r, comment: _c, fileHashes: _f, parts: _p, ...rest } = cmd;
    const detail: Record<string, unknown> = { ...rest, ...(cmd.type === "RETURN" || cmd.type === "RETURN_CONTRIBUTION" ? { reason: cmd.reason } : {}), round: d.before.round, version };
    const stageChange = d.after.stage !== d.before.stage;
    if (stageChange) lastStageChange = k;
    if (stageChange && d.after.stage === "terminated") terminatedFrom = d.before.stage;
    if (stageChange && d.before.stage === "handle" && d.after.stage === "inspect" && completedStep < 0) completedStep = k;
    const text = (cmd.text ?? cmd.reason ?? cmd.comment ?? null) as string | null;
    let added: ItemDef[] | null = null;
    if (cmd.type === "RECORD_INSPECTION") {
      // createRectificationItems: numbered after the round's items so far
      const known = new Set(snap.context.rectification.items.map((i) => i.id));
      const round = d.snapshot.context.round;
      let ordinal = items.filter((i) => i.round === round).length;
      added = d.snapshot.context.rectification.items
        .filter((i) => !known.has(i.id))
        .map((i) => ({ key: i.id, round, ordinal: ++ordinal, description: i.description, status: "open", rectifyStep: -1, rectifyText: null, closeStep: -1 }));
      items.push(...added);
    }
    if (cmd.type === "RECTIFY" || cmd.type === "CLOSE_ITEM") {
      const item = items.find((i) => i.key === cmd.itemId);
      if (item === undefined) throw new Error(`history variant ${variant}: ${cmd.type} of an item never recorded`);
      if (cmd.type === "RECTIFY") {
        item.rectifyStep = k;
        item.rectifyText = cmd.text as string;
      } else item.closeStep = k;
    }
    steps.push({
      day: def.day,
      who: def.who,
      type: cmd.type,
      action: `task.${cmd.type}`,
      from: `${d.before.stage}/${d.before.status}`,
      to: `${d.after.stage}/${d.after.status}`,
      comment: text,
      detail: canonicalJson(detail),
      fromStage: d.before.stage,
      toStage: d.after.stage,
      stageChange,
      submission:
        cmd.type === "SUBMIT"
          ? { stage: d.before.stage, kind: SUBMISSION_KIND[d.before.stage] ?? "other", text: cmd.text as string, round: d.before.round, resolutionClass: (cmd.resolutionClass as string | undefined) ?? null }
          : cmd.type === "SUBMIT_CONTRIBUTION"
            ? { stage: d.before.stage, kind: "contribution", text: cmd.text as string, round: d.before.round, resolutionClass: null }
            : cmd.type === "RECORD_INSPECTION"
              ? { stage: d.before.stage, kind: "inspection", text: cmd.text as string, round: d.before.round, resolutionClass: null }
              : null,
      progress: cmd.type === "REPORT_PROGRESS" ? { text: cmd.text as string, percent: (cmd.percent as number | undefined) ?? null } : null,
      notice:
        cmd.type === "URGE" || cmd.type === "INSTRUCT"
          ? { kind: cmd.type === "URGE" ? "urge" : "instruction", title: cmd.type === "URGE" ? "催办：请及时办理此任务" : "领导批示", body: (cmd.text as string | undefined) ?? "" }
          : null,
      returned:
        cmd.type === "RETURN"
          ? { reason: cmd.reason as string, kind: "stage", unitId: "lead" }
          : cmd.type === "RETURN_CONTRIBUTION"
            ? { reason: cmd.reason as string, kind: "contribution", unitId: cmd.unitId as string }
            : null,
      rating: cmd.type === "RATE" ? { rating: cmd.rating as string, comment: (cmd.comment as string | undefined) ?? null, round: d.before.round } : null,
      items: added,
    });
    if (cmd.type === "REPORT_PROGRESS") {
      lastReport = k;
      if (cmd.percent !== undefined) latestPercent = cmd.percent as number;
    }
    snap = d.snapshot;
  });
  const desc = describeTask(snap);
  if (`${desc.stage}/${desc.status}` !== VARIANT_END[variant]) throw new Error(`history variant ${variant} ends in ${desc.stage}/${desc.status}`);
  for (const item of items) item.status = snap.context.rectification.items.find((i) => i.id === item.key)?.status ?? "open";
  const p = persistTask(snap);
  return {
    lead,
    co,
    sup,
    steps,
    snapshot: JSON.stringify(p.snapshot),
    machineVersion: p.machineVersion,
    stage: desc.stage,
    status: desc.status,
    round: desc.round,
    openNotices: desc.openNotices,
    extensionRequested: desc.extensionRequested,
    coStatus: co === null ? null : (snap.context.contributions[co]?.status ?? "pending"),
    lastStageChange,
    lastReport,
    latestPercent,
    terminatedFrom,
    completedStep,
    resolutionClass: desc.resolutionClass ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Parts and their parent. A split task's 办理 completion (SUBMIT in handle) waits until each part is
// settled — past 办理, terminated or waived (`partSettled` of @duban/workflow) — so a variant that
// completes is given to a task with parts only when its parts can be settled before that day: they
// are created on the parent's SPLIT_DAY, and each part variant settles on a day of its own.

interface Timing {
  /** days of the 办理 completions (SUBMIT in handle), every round */
  handleSubmits: number[];
  /** the day from which the task stays settled for its parent; null: it ends unsettled */
  settledFrom: number | null;
}

const timings: Timing[] = [];
/** When a variant submits its 办理 completion and settles (the same for every unit and template). */
function timingOf(variant: number): Timing {
  const known = timings[variant];
  if (known !== undefined) return known;
  const t = buildTemplate("bench-lead", "bench-co", null, variant, variant === VARIANT_UNSIGNED ? null : ["bench-part"], false, ["bench-e1", "bench-e2", "bench-e3"]);
  const settled = (stage: string) => (PART_SETTLED_STAGES as readonly string[]).includes(stage);
  let settledFrom: number | null = null;
  for (const s of t.steps) {
    if (!settled(s.toStage)) settledFrom = null;
    else if (settledFrom === null) settledFrom = s.day;
  }
  const timing = { handleSubmits: t.steps.filter((s) => s.type === "SUBMIT" && s.fromStage === "handle").map((s) => s.day), settledFrom };
  timings[variant] = timing;
  return timing;
}

/**
 * Each task's variant in a plan of `count` tasks. A plan's own task takes slot `i % VARIANTS` (so
 * queries.ts finds a variant by its index), a part a scrambled one. A task with parts is never
 * unsigned (a split needs signing: 1 instead of 0), and completes only when each of its parts, in
 * its own variant, is settled `SPLIT_DAY + settledFrom` days after the parent's creation, before the
 * parent's first completion; otherwise it stays in 办理 waiting for them (VARIANT_WAITING_FOR_PARTS).
 */
function planVariants(first: number, count: number, out: Uint8Array): void {
  // parts before their parent (a part's index is greater): a task's variant depends on its parts'
  for (let o = count - 1; o >= 0; o--) {
    const i = first + o;
    let variant = levelOf(o).depth === 1 ? i % VARIANTS : (Math.imul(i, 2654435761) >>> 0) % VARIANTS;
    const parts = (PARTS_OF[o] as number[]).filter((p) => p < count);
    if (parts.length > 0) {
      if (variant === VARIANT_UNSIGNED) variant = 1;
      const submits = timingOf(variant).handleSubmits;
      const before = submits.length === 0 ? Infinity : Math.min(...submits);
      const settled = (p: number) => {
        const from = timingOf(out[first + p] as number).settledFrom;
        return from !== null && SPLIT_DAY + from < before;
      };
      if (before !== Infinity && !parts.every(settled)) variant = VARIANT_WAITING_FOR_PARTS;
    }
    out[i] = variant;
  }
}

// ---------------------------------------------------------------------------------------------
// Time. Seconds since 2026-01-01T00:00Z (< 2^25 within the year). Plans are imported on working
// days between March and May; a task's step k happens `day` days after its creation, between
// 09:00 and 17:00 Beijing time (01:00–09:00 UTC: the same calendar day and month in both zones).

const EPOCH = Date.UTC(2026, 0, 1);
const DAY_S = 86_400;
const isoOf = (s: number) => new Date(EPOCH + s * 1000).toISOString();
const dayOf = (s: number) => isoOf(s).slice(0, 10);
/** the plan's import: working days from 2026-03-02 (a Monday) on, 09:30 Beijing */
function planImportSec(planNo: number): number {
  const workday = planNo % 55;
  const day = 60 + Math.floor(workday / 5) * 7 + (workday % 5); // 2026-03-02 is day 60
  return day * DAY_S + 3600 + 1800 + (planNo % 60);
}
function stepSec(created: number, day: number, i: number, k: number): number {
  return (Math.floor(created / DAY_S) + day) * DAY_S + 3600 * (1 + ((i * 5 + k * 3) % 8)) + 60 * ((i * 7 + k * 11) % 60) + ((i + k * 13) % 60);
}
/**
 * Ids shaped like the API's (UUIDs) but rising with `n`: the unique index on each table's id is
 * then appended to, not written at random (~10 µs a row at this size). Nothing reads these
 * tables by id order; the API's own ids are random (v4).
 */
function risingId(n: number): string {
  const h = n.toString(16).padStart(12, "0");
  const r = (Math.imul(n, 2654435761) >>> 0).toString(16).padStart(8, "0");
  const q = (Math.imul(n ^ 0x5bd1e995, 1103515245) >>> 0).toString(16).padStart(8, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${r.slice(0, 3)}-8${r.slice(3, 6)}-${r.slice(6, 8)}${q}00`.slice(0, 36);
}

const REFUSAL_STEP = 63;
/** Every tenth task: a refused move (CONFLICT) three minutes after its second move. */
const hasRefusal = (i: number) => i % 10 === 7;

/** The co-unit of a plan's own task: every third task has one (a part has none). */
function coUnitOf(i: number, units: readonly string[]): string | null {
  if (levelOf(i % PLAN_SIZE).depth !== 1 || i % 3 !== 0) return null;
  const co = units[(i + 7) % units.length] as string;
  return co === units[i % units.length] ? null : co;
}

// Event keys: ((seconds · 2^21) + index) · 64 + step — exact in a double (25 + 21 + 6 bits); sorts by
// time, then task, then step. Index ≥ tasks: the import of plan (index − tasks).
const IDX_BITS = 2 ** 21;
const packEvent = (sec: number, idx: number, step: number) => (sec * IDX_BITS + idx) * 64 + step;

export interface Generated {
  file: string;
  dir: string;
  units: string[];
  generateSeconds: number;
  /** CPU time of the generation (the machine is shared: wall time counts others' work too) */
  cpuSeconds: number;
  /** of which laying out the tasks (rows, timelines) / appending the history in time order */
  taskSeconds: number;
  /** of the tasks: creating the secondary indexes of tasks and task_units once they are in */
  taskIndexSeconds: number;
  historySeconds: number;
  /** of the history: creating its tables' secondary indexes once it is in */
  indexSeconds: number;
  auditRecords: number;
  progressReports: number;
  submissions: number;
  /** task_returns rows, ratings rows (votes), rectification items */
  returns: number;
  ratings: number;
  rectificationItems: number;
  /** audit records of the least and the most eventful task (ok moves) */
  perTaskMin: number;
  perTaskMax: number;
  /** seconds to check the trigger-kept counters against a recount of the base tables */
  counterCheckSeconds: number;
}

interface Actor {
  id: string;
  username: string;
  role: string;
  unitId: string | null;
  ip: string;
}

/** A migrated database with demo users/units, then `tasks` tasks with their histories bulk-inserted. */
export async function generate(tasks: number): Promise<Generated> {
  if (tasks + Math.ceil(tasks / PLAN_SIZE) >= IDX_BITS) throw new Error(`at most ${IDX_BITS} tasks and plans`);
  const dir = tempDir(`q${tasks}`);
  const file = join(dir, "app.db");
  const config = testConfig({ filesDir: join(dir, "files") });
  const clock = { config };
  const noPhases = planDuesOf([]);
  const app = await openApp({ databaseUrl: file, config, logger: createLogger("silent"), demoData: true });
  const units = (await app.inner.db.selectFrom("units").select("id").where("kind", "=", "department").orderBy("sort_order").execute()).map((u) => u.id);
  await app.close();

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const db = new SQLite(file);
  // Bulk load only, alone on the file: no journal (a failed load is thrown away), no fsync; the file
  // goes back to WAL at the end and the server opens it with synchronous=FULL.
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1000000"); // 1 GB: the indexes written in random order (task ids) stay in memory
  // The rows are consistent by construction (checked below); the server's connection enforces them.
  db.pragma("foreign_keys = OFF");
  const at = "2026-03-01T01:00:00.000Z";
  const insPlan = db.prepare("insert into plans (id, title, source_text, created_by, created_at) values (?, ?, '', ?, ?)");
  const insTask = db.prepare(
    `insert into tasks (id, plan_id, ordinal, path, heading, text, lead_unit_id, deadline_text, due_date, effective_due_date, targets, stage, status, round, snapshot, machine_version, version, created_at, updated_at, parent_id, depth, supervisor_unit_id,
       open_notices, extension_requested, entered_stage_at, latest_percent, last_report_period, terminated_from_stage, behind_from, completed_at, completed_on, resolution_class)
     values (?, ?, ?, ?, null, ?, ?, null, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The unit tree below each department: SECTIONS sections, each with SUB_SECTIONS sub-units.
  const insSubUnit = db.prepare("insert into units (id, name, short_name, aliases, parent_id, kind, sort_order, created_at) values (?, ?, null, '[]', ?, ?, ?, ?)");
  const childrenOf = new Map<string, string[]>();
  let sortOrder = 1000;
  for (const dept of units) {
    const sections: string[] = [];
    for (let a = 0; a < SECTIONS; a++) {
      const section = `${dept}-s${a}`;
      insSubUnit.run(section, `${dept}·科室${a + 1}`, dept, "other", sortOrder++, at);
      sections.push(section);
      const subs: string[] = [];
      for (let b = 0; b < SUB_SECTIONS; b++) {
        const sub = `${section}-${b}`;
        insSubUnit.run(sub, `${dept}·科室${a + 1}·${b + 1}组`, section, "other", sortOrder++, at);
        subs.push(sub);
      }
      childrenOf.set(section, subs);
    }
    childrenOf.set(dept, sections);
  }
  // A liaison of a section of the mzj liaison's department (same password as the demo users), and
  // one liaison for every other unit that has none: each move is made by its unit's liaison.
  const mzj = db.prepare("select * from users where username = 'mzj'").get() as { unit_id: string; password_hash: string };
  const sectionUnit = (childrenOf.get(mzj.unit_id) as string[])[0] as string;
  const insUser = db.prepare(
    "insert into users (id, username, display_name, password_hash, role, unit_id, must_change_password, created_at, updated_at) values (?, ?, ?, ?, 'liaison', ?, 0, ?, ?)",
  );
  insUser.run("bench-section-user", "bench-section", "科室联络员", mzj.password_hash, sectionUnit, at, at);
  const allUnits = [...units, ...units.flatMap((d) => (childrenOf.get(d) as string[]).flatMap((s) => [s, ...(childrenOf.get(s) as string[])]))];
  const liaisonRows = db.prepare("select id, username, role, unit_id from users where role = 'liaison' order by username").all() as { id: string; username: string; role: string; unit_id: string }[];
  const actorOfUnit = new Map<string, Actor>();
  let ipNo = 0;
  const ip = () => (ipNo++, `10.${20 + Math.floor(ipNo / 200)}.${ipNo % 200}.${11 + (ipNo % 37)}`);
  for (const u of liaisonRows) if (!actorOfUnit.has(u.unit_id)) actorOfUnit.set(u.unit_id, { id: u.id, username: u.username, role: "liaison", unitId: u.unit_id, ip: ip() });
  for (const [n, unitId] of allUnits.entries()) {
    if (actorOfUnit.has(unitId)) continue;
    const id = `bench-liaison-${n}`;
    insUser.run(id, `bench-liaison-${n}`, `联络员${n}`, mzj.password_hash, unitId, at, at);
    actorOfUnit.set(unitId, { id, username: id, role: "liaison", unitId, ip: ip() });
  }
  const staff = (username: string): Actor => {
    const u = db.prepare("select id, username, role, unit_id from users where username = ?").get(username) as { id: string; username: string; role: string; unit_id: string | null };
    return { id: u.id, username: u.username, role: u.role, unitId: u.unit_id, ip: ip() };
  };
  const officeActor = staff("office");
  const leaderActor = staff("leader");
  // the demo's three evaluators (人大代表, 政协委员) vote in every 满意度测评
  const evaluatorActors = ["evaluator1", "evaluator2", "evaluator3"].map(staff);
  const evaluators = evaluatorActors.map((a) => a.id);

  // Templates: one replay of the lifecycle per (lead, co-unit, reviewer, variant, split) — a few
  // thousand — then each task's snapshot is its template's with the task's times, due date, parent.
  const templates: Template[] = [];
  const templateIndex = new Map<string, number>();
  const templateOf = (lead: string, co: string | null, sup: string | null, variant: number, split: string[] | null, isPart: boolean): number => {
    // the parts' units are not in the snapshot (SPLIT counts them): the record names them per task
    const key = `${lead}|${co}|${sup}|${variant}|${split !== null}|${isPart}`;
    let t = templateIndex.get(key);
    if (t === undefined) {
      t = templates.length;
      templates.push(buildTemplate(lead, co, sup, variant, split, isPart, evaluators));
      templateIndex.set(key, t);
    }
    return t;
  };

  // Per task, what the time-ordered pass needs: its template, creation time and due date.
  const plans = Math.ceil(tasks / PLAN_SIZE);
  const taskTemplate = new Uint32Array(tasks);
  const createdSec = new Uint32Array(tasks);
  const dueDay = new Uint16Array(tasks); // days since EPOCH
  // Each task's variant, plan by plan (a part's depends on its parent's), and from them the exact
  // number of events: the sort buffer is allocated once, at its size (~8 bytes × 20 events a task).
  const variantOfTask = new Uint8Array(tasks);
  const stepCounts = new Map<string, number>();
  const stepCount = (variant: number, co: boolean, split: boolean) => {
    const key = `${variant}|${co}|${split}`;
    let n = stepCounts.get(key);
    if (n === undefined) stepCounts.set(key, (n = stepsOf(variant, { co: co ? "co" : null, split: split ? ["part"] : null }).length));
    return n;
  };
  let eventTotal = plans;
  for (let first = 0; first < tasks; first += PLAN_SIZE) {
    const count = Math.min(PLAN_SIZE, tasks - first);
    planVariants(first, count, variantOfTask);
    for (let o = 0; o < count; o++) {
      const i = first + o;
      eventTotal += stepCount(variantOfTask[i] as number, coUnitOf(i, units) !== null, (PARTS_OF[o] as number[]).length > 0) + (hasRefusal(i) ? 1 : 0);
    }
  }
  const events = new Float64Array(eventTotal);
  let eventCount = 0;
  const pushEvent = (key: number) => {
    events[eventCount++] = key;
  };

  const insUnit = db.prepare("insert into task_units (task_id, unit_id, relation, contribution_status) values (?, ?, ?, ?)");
  /** the tasks of the current plan by index within it: lead unit, due date, path, and when it split */
  let planTasks: { lead: string; due: string; path: string[]; splitSec: number }[] = [];
  const layout = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const planNo = Math.floor(i / PLAN_SIZE);
      const planId = planIdOf(planNo);
      const o = i % PLAN_SIZE;
      const imported = planImportSec(planNo);
      if (o === 0) {
        insPlan.run(planId, `基准方案 ${planNo}`, officeActor.id, isoOf(imported));
        pushEvent(packEvent(imported, tasks + planNo, 0));
        planTasks = [];
      }
      const level = levelOf(o);
      const variant = variantOfTask[i] as number;
      const partIdx = PARTS_OF[o] as number[];
      let lead: string;
      let co: string | null = null;
      let due: string;
      let path: string[];
      let parent: (typeof planTasks)[number] | null = null;
      let created = imported;
      if (level.depth === 1) {
        lead = units[i % units.length] as string;
        co = coUnitOf(i, units);
        const month = String(1 + (i % 12)).padStart(2, "0");
        due = `${2026 + (i % 2)}-${month}-${String(1 + (i % 28)).padStart(2, "0")}`;
        path = [String(o + 1)];
      } else {
        // two parts per parent, for two of the units below the parent's lead unit, due with it,
        // created by the parent's SPLIT
        parent = planTasks[level.parentIndex] as (typeof planTasks)[number];
        const k = o - (PARTS_OF[level.parentIndex] as number[])[0]! + 1;
        const below = childrenOf.get(parent.lead) as string[];
        lead = below[(level.parentIndex + k) % below.length] as string;
        due = parent.due;
        path = [...parent.path, String(k)];
        created = parent.splitSec;
      }
      const below = childrenOf.get(lead);
      const split = partIdx.length === 0 ? null : partIdx.map((_, k) => (below as string[])[(o + k + 1) % (below as string[]).length] as string);
      const tIdx = templateOf(lead, co, parent?.lead ?? null, variant, split, parent !== null);
      const t = templates[tIdx] as Template;
      const times = t.steps.map((s, k) => stepSec(created, s.day, i, k));
      const splitStep = t.steps.findIndex((s) => s.type === "SPLIT");
      planTasks.push({ lead, due, path, splitSec: splitStep < 0 ? 0 : (times[splitStep] as number) });
      taskTemplate[i] = tIdx;
      createdSec[i] = created;
      dueDay[i] = Math.round((Date.parse(`${due}T00:00:00Z`) - EPOCH) / 86_400_000);
      for (const [k, sec] of times.entries()) pushEvent(packEvent(sec, i, k));
      if (hasRefusal(i)) pushEvent(packEvent((times[1] as number) + 180, i, REFUSAL_STEP));

      const id = taskIdOf(i);
      const snapshot = t.snapshot.replace(SENTINELS, (m: string, k: string | undefined) =>
        m === PARENT ? taskIdOf(i - o + level.parentIndex) : m === DUE ? due : isoOf(times[Number(k)] as number),
      );
      const last = times[times.length - 1] as number;
      const enteredStage = t.lastStageChange < 0 ? null : isoOf(times[t.lastStageChange] as number);
      // the generated plans have no phases: the window runs from entering 办理 to the task's due date
      const behindFrom =
        t.stage === "handle" ? progressBehindFrom(handleWindow(clock, { due_date: due, created_at: isoOf(created), entered_stage_at: enteredStage }, noPhases), t.latestPercent) : null;
      // the generated plans have no phases: the task's due date in an open stage, none once closed
      const effectiveDue = effectiveDueDate({ stage: t.stage as TaskStage, due_date: due }, noPhases)?.due ?? null;
      const completedAt = t.completedStep < 0 ? null : isoOf(times[t.completedStep] as number);
      insTask.run(
        id,
        planId,
        o + 1,
        JSON.stringify(path),
        `第${i}项任务：推进养老服务体系建设，落实${i % 97}项具体措施。`,
        lead,
        due,
        effectiveDue,
        t.stage,
        t.status,
        t.round,
        snapshot,
        t.machineVersion,
        1 + t.steps.length,
        isoOf(created),
        isoOf(last),
        parent === null ? null : taskIdOf(i - o + level.parentIndex),
        level.depth,
        parent?.lead ?? null,
        t.openNotices,
        t.extensionRequested ? 1 : 0,
        enteredStage,
        t.latestPercent,
        t.lastReport < 0 ? null : isoOf(times[t.lastReport] as number).slice(0, 7),
        t.terminatedFrom,
        behindFrom,
        completedAt,
        completedAt === null ? null : dayOfInstant(clock, completedAt),
        t.resolutionClass,
      );
      insUnit.run(id, lead, "lead", "pending");
      if (co !== null) insUnit.run(id, co, "co", t.coStatus ?? "pending");
    }
  });
  const taskIndexes = dropIndexes(db, ["tasks", "task_units"]);
  for (let i = 0; i < tasks; i += 20_000) layout(i, Math.min(tasks, i + 20_000));
  if (eventCount !== eventTotal) throw new Error(`laid out ${eventCount} events, counted ${eventTotal}`);
  const taskIndexStarted = performance.now();
  for (const ix of taskIndexes) db.exec(ix.sql);
  const taskIndexSeconds = (performance.now() - taskIndexStarted) / 1000;
  const taskSeconds = (performance.now() - started) / 1000;

  // The history, in time order over all tasks. The secondary indexes of the tables it fills are
  // dropped first and created again afterwards from their own SQL (the schema ends as migrated):
  // one sort per index instead of ~12M random-order B-tree inserts.
  const historyStarted = performance.now();
  const indexes = dropIndexes(db, ["audit_log", "submissions", "progress_reports", "notifications", "task_stage_stays", "task_returns", "ratings", "rectification_items"]);
  const sorted = events.subarray(0, eventCount).sort();
  const insAudit = db.prepare(
    `insert into audit_log (seq, id, at, actor_user_id, actor_username, actor_role, actor_unit_id, action, object_type, object_id, task_id, outcome, reason_code, from_state, to_state, comment, detail, file_hashes, client_ip, hash_alg, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, 'sha256', ?, ?)`,
  );
  const insSubmission = db.prepare("insert into submissions (id, task_id, stage, round, kind, unit_id, user_id, text, resolution_class, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const insRating = db.prepare("insert into ratings (task_id, round, evaluator_id, rating, comment, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)");
  const insItem = db.prepare(
    "insert into rectification_items (id, task_id, round, ordinal, description, status, rectification_text, created_at, rectified_at, closed_at, closed_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insProgress = db.prepare("insert into progress_reports (id, task_id, unit_id, user_id, period, text, percent, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)");
  const insNotice = db.prepare("insert into notifications (id, user_id, unit_id, kind, task_id, title, body, created_at, read_at) values (?, null, ?, ?, ?, ?, ?, ?, null)");
  const insStay = db.prepare("insert into task_stage_stays (task_id, plan_id, stage, entered_at, left_at) values (?, ?, ?, ?, ?)");
  const insReturn = db.prepare("insert into task_returns (id, task_id, plan_id, unit_id, kind, reason, at) values (?, ?, ?, ?, ?, ?, ?)");
  const head = db.prepare("select seq, hash from audit_head where id = 1").get() as { seq: number; hash: string };
  let seq = Number(head.seq);
  let prev = head.hash;
  let auditRecords = 0;
  let progressReports = 0;
  let submissions = 0;
  let notices = 0;
  let returns = 0;
  let ratings = 0;
  let rectificationItems = 0;
  // One row shape for every record (the hashed fields in AUDIT_HASHED_FIELDS order), filled in place.
  const row: Omit<AuditLogRow, "hash"> = {
    action: "", actor_role: null, actor_unit_id: null, actor_user_id: null, actor_username: null, at: "", client_ip: null, comment: null, detail: "{}",
    file_hashes: "[]", from_state: null, hash_alg: "sha256", id: "", object_id: null, object_type: null, outcome: "ok", prev_hash: "", reason_code: null,
    seq: 0, task_id: null, to_state: null,
  };
  /** fills the actor, chains and inserts `row` */
  const append = (a: Actor) => {
    seq += 1;
    row.seq = seq;
    row.id = risingId(seq);
    row.actor_user_id = a.id;
    row.actor_username = a.username;
    row.actor_role = a.role;
    row.actor_unit_id = a.unitId;
    row.client_ip = a.ip;
    row.prev_hash = prev;
    const hash = computeAuditHash(prev, row, "sha256");
    insAudit.run(seq, row.id, row.at, a.id, a.username, a.role, a.unitId, row.action, row.object_type, row.object_id, row.task_id, row.outcome, row.reason_code, row.from_state, row.to_state, row.comment, row.detail, a.ip, prev, hash);
    prev = hash;
    auditRecords++;
  };
  const actorOf = (t: Template, who: Who): Actor =>
    who === "office" || (who === "sup" && t.sup === null)
      ? officeActor
      : who === "leader"
        ? leaderActor
        : who === "ev1" || who === "ev2" || who === "ev3"
          ? (evaluatorActors[Number(who.slice(2)) - 1] as Actor)
          : (actorOfUnit.get((who === "lead" ? t.lead : who === "co" ? t.co : t.sup) as string) as Actor);
  const write = db.transaction((from: number, to: number) => {
    for (let e = from; e < to; e++) {
      const key = sorted[e] as number;
      const step = key % 64;
      const rest = (key - step) / 64;
      const idx = rest % IDX_BITS;
      const sec = (rest - idx) / IDX_BITS;
      const atIso = isoOf(sec);
      if (idx >= tasks) {
        const planNo = idx - tasks;
        const first = planNo * PLAN_SIZE;
        const own = Array.from({ length: Math.min(LEVEL_2_FROM, tasks - first) }, (_, k) => taskIdOf(first + k));
        row.at = atIso;
        row.action = "plan.import";
        row.object_type = "plan";
        row.object_id = planIdOf(planNo);
        row.task_id = null;
        row.outcome = "ok";
        row.reason_code = null;
        row.from_state = null;
        row.to_state = null;
        row.comment = `基准方案 ${planNo}`;
        row.detail = canonicalJson({ docNumber: null, sourceKind: "document", sourceRef: null, taskCount: own.length, taskIds: own });
        append(officeActor);
        continue;
      }
      const t = templates[taskTemplate[idx] as number] as Template;
      const taskId = taskIdOf(idx);
      if (step === REFUSAL_STEP) {
        row.at = atIso;
        row.action = "task.transition";
        row.object_type = "task";
        row.object_id = taskId;
        row.task_id = taskId;
        row.outcome = "refused";
        row.reason_code = "CONFLICT";
        row.from_state = null;
        row.to_state = null;
        row.comment = "该任务刚刚已被他人处理，请查看最新状态后再操作";
        row.detail = canonicalJson({ event: (t.steps[1] as Step).type });
        append(actorOf(t, "lead"));
        continue;
      }
      const s = t.steps[step] as Step;
      const a = actorOf(t, s.who);
      let detail = s.detail;
      if (s.type === "SPLIT") {
        const o = idx % PLAN_SIZE;
        const due = dayOf(dueDay[idx] as number * DAY_S);
        const parts = (PARTS_OF[o] as number[]).map((po) => {
          const partIdx = idx - o + po;
          return { taskId: taskIdOf(partIdx), leadUnitId: (templates[taskTemplate[partIdx] as number] as Template).lead, coUnitIds: [], dueDate: due };
        });
        detail = canonicalJson({ ...(JSON.parse(detail) as object), parts });
      }
      row.at = atIso;
      row.action = s.action;
      row.object_type = "task";
      row.object_id = taskId;
      row.task_id = taskId;
      row.outcome = "ok";
      row.reason_code = null;
      row.from_state = s.from;
      row.to_state = s.to;
      row.comment = s.comment;
      row.detail = detail;
      append(a);
      if (s.submission !== null) {
        insSubmission.run(risingId(submissions), taskId, s.submission.stage, s.submission.round, s.submission.kind, a.unitId, a.id, s.submission.text, s.submission.resolutionClass, atIso);
        submissions++;
      }
      if (s.progress !== null) {
        insProgress.run(risingId(progressReports), taskId, a.unitId, a.id, atIso.slice(0, 7), s.progress.text, s.progress.percent, atIso);
        progressReports++;
      }
      if (s.notice !== null) insNotice.run(risingId(notices++), t.lead, s.notice.kind, taskId, s.notice.title, s.notice.body, atIso);
      if (s.stageChange && s.fromStage !== "terminated" && s.fromStage !== "done") {
        // the stay it closes began at the previous stage change, or at the task's creation
        let enteredSec = createdSec[idx] as number;
        for (let k = step - 1; k >= 0; k--) {
          if ((t.steps[k] as Step).stageChange) {
            enteredSec = stepSec(createdSec[idx] as number, (t.steps[k] as Step).day, idx, k);
            break;
          }
        }
        insStay.run(taskId, planIdOf(Math.floor(idx / PLAN_SIZE)), s.fromStage, isoOf(enteredSec), atIso);
      }
      if (s.returned !== null) insReturn.run(risingId(returns++), taskId, planIdOf(Math.floor(idx / PLAN_SIZE)), s.returned.unitId === "lead" ? t.lead : s.returned.unitId, s.returned.kind, s.returned.reason, atIso);
      if (s.rating !== null) {
        insRating.run(taskId, s.rating.round, a.id, s.rating.rating, s.rating.comment, atIso, atIso);
        ratings++;
      }
      if (s.items !== null) {
        // each item once, as its later RECTIFY / CLOSE_ITEM (markRectified, closeRectificationItem) leave it
        const timeOf = (k: number) => isoOf(stepSec(createdSec[idx] as number, (t.steps[k] as Step).day, idx, k));
        for (const item of s.items) {
          insItem.run(
            rectificationRowId(taskId, item.key),
            taskId,
            item.round,
            item.ordinal,
            item.description,
            item.status,
            item.rectifyText,
            atIso,
            item.rectifyStep < 0 ? null : timeOf(item.rectifyStep),
            item.closeStep < 0 ? null : timeOf(item.closeStep),
            item.closeStep < 0 ? null : actorOf(t, (t.steps[item.closeStep] as Step).who).id,
          );
          rectificationItems++;
        }
      }
    }
  });
  for (let e = 0; e < sorted.length; e += 100_000) write(e, Math.min(sorted.length, e + 100_000));
  db.prepare("update audit_head set seq = ?, hash = ? where id = 1").run(seq, prev);
  const indexStarted = performance.now();
  for (const ix of indexes) db.exec(ix.sql);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  db.exec("analyze");
  db.pragma("journal_mode = WAL");
  db.pragma("locking_mode = NORMAL");
  const historySeconds = (performance.now() - historyStarted) / 1000;
  const generateSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const checked = performance.now();
  checkCounters(db);
  // (the demo plan's tasks, seeded through the API, are not the generator's)
  const perTask = db
    .prepare("select min(n) as lo, max(n) as hi from (select count(*) as n from audit_log where outcome = 'ok' and task_id like 'bench-task-%' group by task_id)")
    .get() as { lo: number; hi: number };
  const counted = db.prepare("select count(distinct task_id) as n from audit_log where task_id like 'bench-task-%'").get() as { n: number };
  if (counted.n !== tasks || perTask.lo < 10) throw new Error(`history: ${counted.n} tasks, least ${perTask.lo} records a task`);
  db.close();
  return {
    file,
    dir,
    units,
    generateSeconds,
    cpuSeconds,
    taskSeconds,
    taskIndexSeconds,
    historySeconds,
    indexSeconds,
    auditRecords,
    progressReports,
    submissions,
    returns,
    ratings,
    rectificationItems,
    perTaskMin: perTask.lo,
    perTaskMax: perTask.hi,
    counterCheckSeconds: (performance.now() - checked) / 1000,
  };
}

/** Drops the secondary indexes of `tables` (not the primary keys' and unique constraints') and returns their SQL, to create them again. */
function dropIndexes(db: SQLite.Database, tables: string[]): { name: string; sql: string }[] {
  const indexes = db
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => "?").join(", ")})`)
    .all(...tables) as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`drop index "${ix.name}"`);
  return indexes;
}

// The counters' key of a task (migration 2026_11_25_0400_task_counters): closed tasks and tasks
// without a due date under has_due = 0, due_date = ''.
const HAS_DUE = "case when t.due_date is null or t.stage in ('done','terminated') then 0 else 1 end";
const DUE_KEY = "case when t.due_date is null or t.stage in ('done','terminated') then '' else t.due_date end";

/** Throws unless task_plan_counts / task_unit_counts equal a recount of tasks / task_units. */
function checkCounters(db: SQLite.Database): void {
  const differ = (a: string, b: string) =>
    (db.prepare(`select (select count(*) from (${a} except ${b})) + (select count(*) from (${b} except ${a})) as n`).get() as { n: number }).n;
  const plans = differ("select plan_id, stage, n from task_plan_counts", "select plan_id, stage, count(*) from tasks group by plan_id, stage");
  const units = differ(
    "select unit_id, relation, stage, has_due, due_date, n from task_unit_counts",
    `select tu.unit_id, tu.relation, t.stage, ${HAS_DUE}, ${DUE_KEY}, count(*) from task_units tu join tasks t on t.id = tu.task_id group by 1, 2, 3, 4, 5`,
  );
  if (plans !== 0 || units !== 0) throw new Error(`task counters differ from a recount: ${plans} plan rows, ${units} unit rows`);
}
