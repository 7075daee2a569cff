// The query section's data: `tasks` tasks in plans of 1000, three levels deep (层层分解), each with
// a realistic history — every record the API itself would have written for it, in the order it
// would have written them:
//
// - one `plan.import` record per plan (the office, the plan's own task ids in its detail);
// - per task ≥ 10 `task.<EVENT>` records: signing, a 办理方案 submitted, returned, resubmitted,
//   approved, monthly progress reports, 协办意见 of the co-unit, urges, a leader's 批示 and their
//   acknowledgement, a disputed assignment (改派申请 refused), the split into parts, termination —
//   with the actor (the lead unit's liaison, the co-unit's, the reviewer: the office or the unit
//   that split the part, the leader), the actor's unit, from/to state, comment and detail as
//   `transitionTask` writes them (`{ ...event fields, round, version }`); every tenth task also has
//   a refused move (`task.transition`, CONFLICT: two liaisons of a unit on one version);
// - the business rows of each move: submissions, progress reports (tasks.latest_percent and
//   last_report_period agree with them), notifications of urges and instructions, stage stays,
//   returns; the task row's facts (entered_stage_at, terminated_from_stage, version, updated_at)
//   and snapshot (replayed through `decide()` of @duban/workflow, the same command sequence, with the
//   task's own times and due date) agree with its history.
//
// The records are chained in time order over all tasks (a task's records are spread over the
// months of its history, interleaved with every other task's, as a live system writes them): the
// generator first lays out every task's timeline, sorts all events by time (packed into one
// Float64Array), then appends them in that order with `computeAuditHash` of @duban/db, so that
// `verifyAuditChain` passes. Bulk inserts through prepared statements in large transactions.
import { join } from "node:path";
import { createLogger, openApp, testConfig } from "@duban/api";
import { canonicalJson, computeAuditHash, type AuditLogRow } from "@duban/db";
import { decide, describeTask, persistTask, startTask, type TaskCommand, type TaskSnapshot } from "@duban/workflow";
import SQLite from "better-sqlite3";
// The API's own rule for tasks.behind_from ("进度滞后" as a date, written with the percent by
// task-facts.ts): not exported by @duban/api, so read from its source.
import { dayOfInstant } from "../../apps/api/src/clock";
import { planDuesOf } from "../../apps/api/src/services/deadlines";
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
// Histories. Six variants, ending in the stages and statuses the earlier generator used (so the list
// and dashboard figures stay comparable): 0 deploy/signing, 1 deploy/drafting, 2 deploy/submitted,
// 3 and 4 handle/drafting, 5 terminated. `day`: days after the task's creation.

type Who = "lead" | "co" | "sup" | "office" | "leader";
interface StepDef {
  day: number;
  who: Who;
  cmd: TaskCommand;
}

const PLAN_TEXT = "办理方案：明确责任科室和责任人，按季度分解目标，年底前完成。";
const SUBMIT_TEXT = "办理方案（修改稿）：细化了时间节点、责任人和资金来源。";
const report = (day: number, percent: number): StepDef => ({ day, who: "lead", cmd: { type: "REPORT_PROGRESS", text: `本月推进情况：已完成年度目标的${percent}%，下月继续推进。`, percent } });
const urge = (day: number): StepDef => ({ day, who: "office", cmd: { type: "URGE", text: "请加快办理进度，按期报送。" } });
const instruct = (day: number): StepDef => ({ day, who: "leader", cmd: { type: "INSTRUCT", text: "请牵头单位高度重视，抓紧推进，确保按期完成。" } });
const ack = (day: number): StepDef => ({ day, who: "lead", cmd: { type: "ACKNOWLEDGE", comment: "已收悉，正在落实。" } });

function stepsOf(variant: number, o: { co: string | null; split: string[] | null }): StepDef[] {
  const sign: StepDef = { day: 1, who: "lead", cmd: { type: "SIGN", comment: "已签收，由业务科室办理。" } };
  const split: StepDef[] =
    o.split === null ? [] : [{ day: 3, who: "lead", cmd: { type: "SPLIT", parts: o.split.map((leadUnitId, k) => ({ text: `分解事项${k + 1}：由科室具体承办。`, leadUnitId })) } }];
  const submit = (day: number, text = PLAN_TEXT): StepDef => ({ day, who: "lead", cmd: { type: "SUBMIT", text } });
  const ret = (day: number, reason: "vague_measures" | "incomplete_materials"): StepDef => ({
    day,
    who: "sup",
    cmd: { type: "RETURN", toStage: "deploy", reason, text: reason === "vague_measures" ? "措施不够具体，请细化时间节点和责任人。" : "缺少资金测算材料，请补充后再报。" },
  });
  const approve = (day: number): StepDef => ({ day, who: "sup", cmd: { type: "APPROVE", comment: "同意，请按方案推进。" } });
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
      return [sign, ...split, submit(8), ret(11, "vague_measures"), urge(14), ack(15), submit(20, SUBMIT_TEXT), { day: 22, who: "lead", cmd: { type: "WITHDRAW", comment: "补充材料后重新提交。" } }, instruct(27), ack(28), urge(33)];
    case 2: // 办理方案 returned twice, awaiting review
      return [sign, ...split, submit(7), ret(10, "vague_measures"), submit(13, SUBMIT_TEXT), ret(16, "incomplete_materials"), urge(18), ack(19), submit(24, SUBMIT_TEXT), { day: 26, who: "lead", cmd: { type: "WITHDRAW", comment: "补充附件。" } }, submit(28, SUBMIT_TEXT)];
    case 3: // in 办理, four monthly reports, the co-unit's part accepted
      return [sign, ...split, submit(6), ret(9, "vague_measures"), submit(12, SUBMIT_TEXT), approve(15), report(40, 15), ...coSteps(45, false), report(70, 30), urge(85), ack(86), report(100, 45), report(130, 55)];
    case 4: // in 办理, five monthly reports, the co-unit's part returned once
      return [sign, ...split, submit(7), ret(10, "incomplete_materials"), submit(14, SUBMIT_TEXT), approve(17), report(45, 20), ...coSteps(50, true), report(75, 35), report(105, 50), report(135, 65), report(165, 75)];
    default: // terminated in 办理 after three reports
      return [sign, ...split, submit(6), approve(9), report(40, 10), urge(55), ack(56), report(70, 15), instruct(85), ack(86), report(100, 20), { day: 110, who: "sup", cmd: { type: "TERMINATE", reason: "方案调整，该任务并入其他任务办理。" } }];
  }
}

const VARIANT_END = ["deploy/signing", "deploy/drafting", "deploy/submitted", "handle/drafting", "handle/drafting", "terminated/terminated"];

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
  stageChange: boolean;
  /** business rows of the move */
  submission: { stage: string; kind: string; text: string; round: number } | null;
  progress: { text: string; percent: number | null } | null;
  notice: { kind: string; title: string; body: string } | null;
  returned: { reason: string; kind: "stage" | "contribution"; unitId: "lead" | string } | null;
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

function buildTemplate(lead: string, co: string | null, sup: string | null, variant: number, split: string[] | null, isPart: boolean): Template {
  const defs = stepsOf(variant, { co, split });
  const input = isPart ? { supervisorUnitId: sup, parentTaskId: PARENT, parentDueDate: DUE } : {};
  let snap: TaskSnapshot = startTask({ leadUnitId: lead, coUnitIds: co ? [co] : [], dueDate: DUE, ...input });
  const steps: Step[] = [];
  let version = 1;
  let lastStageChange = -1;
  let lastReport = -1;
  let latestPercent: number | null = null;
  let terminatedFrom: string | null = null;
  let completedStep = -1;
  defs.forEach((def, k) => {
    const unitId = def.who === "lead" ? lead : def.who === "co" ? co : def.who === "sup" ? sup : "office";
    const role = def.who === "leader" ? "leader" : def.who === "office" || (def.who === "sup" && sup === null) ? "office" : "liaison";
    const actor = { userId: "bench", role, unitId: role === "liaison" ? unitId : null } as never;
    const d = decide(snap, { ...def.cmd, actor, at: sentinelAt(k) } as never);
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
      stageChange,
      submission:
        cmd.type === "SUBMIT"
          ? { stage: d.before.stage, kind: SUBMISSION_KIND[d.before.stage] ?? "other", text: cmd.text as string, round: d.before.round }
          : cmd.type === "SUBMIT_CONTRIBUTION"
            ? { stage: d.before.stage, kind: "contribution", text: cmd.text as string, round: d.before.round }
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
    });
    if (cmd.type === "REPORT_PROGRESS") {
      lastReport = k;
      if (cmd.percent !== undefined) latestPercent = cmd.percent as number;
    }
    snap = d.snapshot;
  });
  const desc = describeTask(snap);
  if (`${desc.stage}/${desc.status}` !== VARIANT_END[variant]) throw new Error(`history variant ${variant} ends in ${desc.stage}/${desc.status}`);
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
      templates.push(buildTemplate(lead, co, sup, variant, split, isPart));
      templateIndex.set(key, t);
    }
    return t;
  };

  // Per task, what the time-ordered pass needs: its template, creation time and due date.
  const plans = Math.ceil(tasks / PLAN_SIZE);
  const taskTemplate = new Uint32Array(tasks);
  const createdSec = new Uint32Array(tasks);
  const dueDay = new Uint16Array(tasks); // days since EPOCH
  let events = new Float64Array(Math.max(1024, tasks * 16));
  let eventCount = 0;
  const pushEvent = (key: number) => {
    if (eventCount === events.length) {
      const bigger = new Float64Array(events.length * 2);
      bigger.set(events);
      events = bigger;
    }
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
      // parts: a scrambled variant, else a unit's parts would all share one (i steps by a multiple of 6)
      let variant = level.depth === 1 ? i % 6 : (Math.imul(i, 2654435761) >>> 0) % 6;
      const partIdx = PARTS_OF[o] as number[];
      // A task is split once it is signed: an unsigned task with parts would be impossible.
      if (partIdx.length > 0 && variant === 0) variant = 1;
      let lead: string;
      let co: string | null = null;
      let due: string;
      let path: string[];
      let parent: (typeof planTasks)[number] | null = null;
      let created = imported;
      if (level.depth === 1) {
        lead = units[i % units.length] as string;
        co = i % 3 === 0 ? (units[(i + 7) % units.length] as string) : null;
        if (co === lead) co = null;
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
      const effectiveDue = t.stage === "terminated" ? null : due;
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
  const taskIndexStarted = performance.now();
  for (const ix of taskIndexes) db.exec(ix.sql);
  const taskIndexSeconds = (performance.now() - taskIndexStarted) / 1000;
  const taskSeconds = (performance.now() - started) / 1000;

  // The history, in time order over all tasks. The secondary indexes of the tables it fills are
  // dropped first and created again afterwards from their own SQL (the schema ends as migrated):
  // one sort per index instead of ~12M random-order B-tree inserts.
  const historyStarted = performance.now();
  const indexes = dropIndexes(db, ["audit_log", "submissions", "progress_reports", "notifications", "task_stage_stays", "task_returns"]);
  const sorted = events.subarray(0, eventCount).sort();
  const insAudit = db.prepare(
    `insert into audit_log (seq, id, at, actor_user_id, actor_username, actor_role, actor_unit_id, action, object_type, object_id, task_id, outcome, reason_code, from_state, to_state, comment, detail, file_hashes, client_ip, hash_alg, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, 'sha256', ?, ?)`,
  );
  const insSubmission = db.prepare("insert into submissions (id, task_id, stage, round, kind, unit_id, user_id, text, resolution_class, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, null, ?)");
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
        insSubmission.run(risingId(submissions), taskId, s.submission.stage, s.submission.round, s.submission.kind, a.unitId, a.id, s.submission.text, atIso);
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
