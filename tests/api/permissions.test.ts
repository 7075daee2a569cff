// The permission matrix against the server: every event type × every role × how the user's unit
// relates to the task. Each event is sent in a state where it is possible, so an allowed pair must
// go through, and a disallowed pair must be refused for exactly the permission reason — or with
// NOT_FOUND when the user may not even read the task. A refused move changes nothing and is audited.
// The matrix's oracle reads EVENT_PERMISSIONS, so it proves the server obeys the table; the rows of
// DOMAIN_ROWS, written by hand from DOMAIN.md, check that the table says what the domain says.
import { EVENT_PERMISSIONS, TASK_EVENT_TYPES, type Role, type TaskEventType, type UnitRequirement } from "@duban/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempt,
  createPlan,
  DIALECTS,
  loginAll,
  refusal,
  refusalsSince,
  startTestApp,
  unique,
  type ApiClient,
  type TestApp,
  type TransitionEvent,
} from "../support/server";

const USERS = ["mzj", "wjj", "ybj", "office", "leader", "evaluator1", "auditor", "sysadmin", "secadmin"] as const;
type User = (typeof USERS)[number];
type Relation = "lead" | "co" | "none";

/**
 * Tasks are led by 区民政局 (mzj) with 区卫生健康局 (wjj) as co-unit. In the "officeHolds" variant
 * the office's own unit is a co-unit too, so the office and the leader act on a task their unit holds.
 */
type Variant = "plain" | "officeHolds";

interface Actor {
  user: User;
  role: Role;
  relation: Relation;
  /** May read the task (else every move is NOT_FOUND, as is task.get). */
  reads: boolean;
}

const ACTORS: Record<Variant, Actor[]> = {
  plain: [
    { user: "mzj", role: "liaison", relation: "lead", reads: true },
    { user: "wjj", role: "liaison", relation: "co", reads: true },
    { user: "ybj", role: "liaison", relation: "none", reads: false },
    { user: "office", role: "office", relation: "none", reads: true },
    { user: "leader", role: "leader", relation: "none", reads: true },
    { user: "evaluator1", role: "evaluator", relation: "none", reads: true },
    { user: "auditor", role: "auditor", relation: "none", reads: true },
    { user: "sysadmin", role: "sysadmin", relation: "none", reads: false },
    { user: "secadmin", role: "secadmin", relation: "none", reads: false },
  ],
  officeHolds: [
    { user: "office", role: "office", relation: "co", reads: true },
    { user: "leader", role: "leader", relation: "co", reads: true },
  ],
};

/** The oracle, written from the permission table's meaning (not by calling checkPermission). */
function expectedOutcome(actor: Actor, type: TaskEventType): "allowed" | "FORBIDDEN_FOR_ROLE" | "NOT_YOUR_UNIT" | "NOT_SUPERVISOR" | "NOT_FOUND" {
  if (!actor.reads) return "NOT_FOUND";
  const requirement: UnitRequirement | undefined = EVENT_PERMISSIONS[type][actor.role];
  if (requirement === undefined) return "FORBIDDEN_FOR_ROLE";
  // These tasks are assigned by the office, so it supervises them and no liaison does (parts: tests/api/split.test.ts).
  if (requirement === "supervises") return actor.role === "office" ? "allowed" : "NOT_SUPERVISOR";
  const fits =
    requirement === "any" ||
    (requirement === "lead" && actor.relation === "lead") ||
    (requirement === "co" && actor.relation === "co") ||
    (requirement === "lead_or_co" && actor.relation !== "none");
  return fits ? "allowed" : "NOT_YOUR_UNIT";
}

type Outcome = ReturnType<typeof expectedOutcome>;

/**
 * Written by hand from DOMAIN.md (Roles; The lifecycle of a task), not from EVENT_PERMISSIONS. The
 * tasks here are assigned by the office, so the office reviews them (`supervises`) and no liaison
 * does; the parts a unit splits, which that unit's liaison reviews, are checked in split.test.ts.
 */
const DOMAIN_ROWS: { rule: string; user: User; type: TaskEventType; variant?: Variant; expect: Outcome }[] = [
  // liaison of the lead unit: sign, submit, withdraw, report progress, ask for extension, fix items
  { rule: "the lead unit's liaison signs for the task", user: "mzj", type: "SIGN", expect: "allowed" },
  { rule: "the lead unit's liaison may ask for a reassignment", user: "mzj", type: "REQUEST_REASSIGN", expect: "allowed" },
  { rule: "the lead unit's liaison submits its handling plan", user: "mzj", type: "SUBMIT", expect: "allowed" },
  { rule: "the lead unit's liaison may withdraw before review", user: "mzj", type: "WITHDRAW", expect: "allowed" },
  { rule: "the lead unit's liaison asks for an extension", user: "mzj", type: "REQUEST_EXTENSION", expect: "allowed" },
  { rule: "the lead unit's liaison fixes rectification items", user: "mzj", type: "RECTIFY", expect: "allowed" },
  { rule: "the lead unit's liaison may not approve (the office reviews what it assigned)", user: "mzj", type: "APPROVE", expect: "NOT_SUPERVISOR" },
  { rule: "the lead unit's liaison may not close a rectification item (销号 is the office's)", user: "mzj", type: "CLOSE_ITEM", expect: "NOT_SUPERVISOR" },
  { rule: "a liaison does not rate", user: "mzj", type: "RATE", expect: "FORBIDDEN_FOR_ROLE" },
  // liaison of a co-unit: contributes and reports progress, nothing that belongs to the lead unit
  { rule: "a co-unit's liaison sends its contribution", user: "wjj", type: "SUBMIT_CONTRIBUTION", expect: "allowed" },
  { rule: "a co-unit's liaison reports progress", user: "wjj", type: "REPORT_PROGRESS", expect: "allowed" },
  { rule: "a co-unit's liaison may not sign", user: "wjj", type: "SIGN", expect: "NOT_YOUR_UNIT" },
  { rule: "a co-unit's liaison may not submit", user: "wjj", type: "SUBMIT", expect: "NOT_YOUR_UNIT" },
  { rule: "a co-unit's liaison may not ask for an extension", user: "wjj", type: "REQUEST_EXTENSION", expect: "NOT_YOUR_UNIT" },
  { rule: "a co-unit's liaison may not fix rectification items", user: "wjj", type: "RECTIFY", expect: "NOT_YOUR_UNIT" },
  // a liaison of a unit without the task does not even see it
  { rule: "a liaison of an unrelated unit cannot see the task to sign it", user: "ybj", type: "SIGN", expect: "NOT_FOUND" },
  { rule: "a liaison of an unrelated unit cannot see the task to report on it", user: "ybj", type: "REPORT_PROGRESS", expect: "NOT_FOUND" },
  // office: approve, return, urge, reassign, decide extensions, inspect, close items and evaluations, terminate
  { rule: "the office approves", user: "office", type: "APPROVE", expect: "allowed" },
  { rule: "the office returns", user: "office", type: "RETURN", expect: "allowed" },
  { rule: "the office urges", user: "office", type: "URGE", expect: "allowed" },
  { rule: "the office reassigns the lead unit", user: "office", type: "REASSIGN", expect: "allowed" },
  { rule: "the office decides an extension request", user: "office", type: "DECIDE_EXTENSION", expect: "allowed" },
  { rule: "the office records an inspection", user: "office", type: "RECORD_INSPECTION", expect: "allowed" },
  { rule: "the office closes a rectification item (销号)", user: "office", type: "CLOSE_ITEM", expect: "allowed" },
  { rule: "the office passes the inspection", user: "office", type: "PASS_INSPECTION", expect: "allowed" },
  { rule: "the office closes the evaluation", user: "office", type: "CLOSE_EVALUATION", expect: "allowed" },
  { rule: "the office terminates the task", user: "office", type: "TERMINATE", expect: "allowed" },
  { rule: "the office does not sign for a unit", user: "office", type: "SIGN", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "the office does not submit a unit's report", user: "office", type: "SUBMIT", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "the office does not rate", user: "office", type: "RATE", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "the office acts as the office even when its unit is a co-unit: no contribution", user: "office", type: "SUBMIT_CONTRIBUTION", variant: "officeHolds", expect: "FORBIDDEN_FOR_ROLE" },
  // leader: sees everything, adds instructions, takes part in inspection
  { rule: "a leader may record an inspection", user: "leader", type: "RECORD_INSPECTION", expect: "allowed" },
  { rule: "a leader adds instructions (批示)", user: "leader", type: "INSTRUCT", expect: "allowed" },
  { rule: "a leader does not approve", user: "leader", type: "APPROVE", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "a leader does not close rectification items", user: "leader", type: "CLOSE_ITEM", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "a leader does not rate", user: "leader", type: "RATE", expect: "FORBIDDEN_FOR_ROLE" },
  { rule: "a leader whose unit is a co-unit still sends no contribution", user: "leader", type: "SUBMIT_CONTRIBUTION", variant: "officeHolds", expect: "FORBIDDEN_FOR_ROLE" },
  // evaluator: rates, and only that
  { rule: "an evaluator rates", user: "evaluator1", type: "RATE", expect: "allowed" },
  ...TASK_EVENT_TYPES.filter((t) => t !== "RATE" && t !== "WAIVE_PART").map((type) => ({
    rule: `an evaluator may only rate: not ${type}`,
    user: "evaluator1" as const,
    type,
    expect: "FORBIDDEN_FOR_ROLE" as const,
  })),
  // 三员: no business actions; the auditor reads every task, the two administrators none
  ...TASK_EVENT_TYPES.filter((t) => t !== "WAIVE_PART").flatMap((type) => [
    { rule: `the auditor changes nothing: not ${type}`, user: "auditor" as const, type, expect: "FORBIDDEN_FOR_ROLE" as const },
    { rule: `the system admin has no business actions: not ${type}`, user: "sysadmin" as const, type, expect: "NOT_FOUND" as const },
    { rule: `the security admin has no business actions: not ${type}`, user: "secadmin" as const, type, expect: "NOT_FOUND" as const },
  ]),
];

type State =
  | "signing"
  | "reassignRequested"
  | "extensionRequested"
  | "noticed"
  | "deployDrafting"
  | "deploySubmitted"
  | "handle"
  | "contributed"
  | "inspect"
  | "itemOpen"
  | "itemRectified"
  | "inspectSubmitted"
  | "evaluate"
  | "rated";

interface Units {
  lead: string;
  health: string;
  finance: string;
  office: string;
}

/** For each event: a state where it is possible and a valid command. */
function scenario(type: TaskEventType, u: Units): { state: State; event: TransitionEvent } {
  switch (type) {
    case "SIGN":
      return { state: "signing", event: { type } };
    case "REQUEST_REASSIGN":
      return { state: "signing", event: { type, reason: "不属于本单位职责" } };
    case "REFUSE_REASSIGN":
      return { state: "reassignRequested", event: { type, comment: "仍由原单位牵头" } };
    case "REASSIGN":
      return { state: "signing", event: { type, leadUnitId: u.finance } };
    case "SUBMIT":
      return { state: "deployDrafting", event: { type, text: "办理方案" } };
    case "WITHDRAW":
      return { state: "deploySubmitted", event: { type } };
    case "APPROVE":
      return { state: "deploySubmitted", event: { type } };
    case "RETURN":
      return { state: "deploySubmitted", event: { type, toStage: "deploy", reason: "other", text: "请补充" } };
    case "REPORT_PROGRESS":
      return { state: "handle", event: { type, text: "本月进展", percent: 10 } };
    case "SUBMIT_CONTRIBUTION":
      return { state: "handle", event: { type, text: "协办意见" } };
    case "ACCEPT_CONTRIBUTION":
      return { state: "contributed", event: { type, unitId: u.health } };
    case "RETURN_CONTRIBUTION":
      return { state: "contributed", event: { type, unitId: u.health, reason: "incomplete_materials", text: "请补充" } };
    case "WAIVE_CONTRIBUTION":
      return { state: "handle", event: { type, unitId: u.health, text: "无需协办" } };
    case "REQUEST_EXTENSION":
      return { state: "signing", event: { type, requestedDueDate: "2100-06-30", reason: "工程量大" } };
    case "DECIDE_EXTENSION":
      return { state: "extensionRequested", event: { type, granted: true } };
    case "RECORD_INSPECTION":
      return { state: "inspect", event: { type, text: "检查情况", items: ["问题一"] } };
    case "RECTIFY":
      return { state: "itemOpen", event: { type, itemId: "R1-1", text: "已整改" } };
    case "CLOSE_ITEM":
      return { state: "itemRectified", event: { type, itemId: "R1-1" } };
    case "PASS_INSPECTION":
      return { state: "inspectSubmitted", event: { type } };
    case "RATE":
      return { state: "evaluate", event: { type, rating: "satisfied" } };
    case "CLOSE_EVALUATION":
      return { state: "rated", event: { type } };
    case "URGE":
      return { state: "signing", event: { type, text: "请尽快办理" } };
    case "INSTRUCT":
      return { state: "signing", event: { type, text: "抓紧落实" } };
    case "ACKNOWLEDGE":
      return { state: "noticed", event: { type } };
    case "TERMINATE":
      return { state: "signing", event: { type, reason: "任务取消" } };
    case "SPLIT":
      return { state: "deployDrafting", event: { type, parts: [{ text: "子任务", leadUnitId: u.health }] } };
    case "WAIVE_PART":
      // Only a part can be waived: tests/api/split.test.ts covers it at two levels.
      return { state: "signing", event: { type, reason: "不再等待" } };
  }
}

describe.each(DIALECTS)("permission matrix (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<User, ApiClient>;
  let units: Units;
  const pool: Record<Variant, string[]> = { plain: [], officeHolds: [] };
  /** Shared tasks per (variant, state) for refused moves, with the version they must keep. */
  const shared = new Map<string, { taskId: string; version: number; refused: number }>();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
    const unitOf = (client: ApiClient) => client.me?.unitId ?? "";
    const { units: all } = await c.office.trpc.unit.list.query();
    const finance = all.find((x) => x.aliases.includes("区财政局"))?.id;
    if (!finance) throw new Error("demo unit 区财政局 missing");
    units = { lead: unitOf(c.mzj), health: unitOf(c.wjj), finance, office: unitOf(c.office) };
    expect(new Set(Object.values(units)).size).toBe(4);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function freshTask(variant: Variant): Promise<string> {
    if (pool[variant].length === 0) {
      const coUnitIds = variant === "plain" ? [units.health] : [units.health, units.office];
      pool[variant] = await createPlan(
        c.office,
        Array.from({ length: 25 }, () => ({ leadUnitId: units.lead, coUnitIds, dueDate: "2099-12-31" })),
        unique(`权限矩阵-${variant}`),
      );
    }
    return pool[variant].pop() as string;
  }

  /** Drives a fresh task to `state` with valid moves; returns its id and version. */
  async function prepare(variant: Variant, state: State): Promise<{ taskId: string; version: number }> {
    const taskId = await freshTask(variant);
    let version = (await c.office.trpc.task.get.query({ taskId })).task.version;
    const run = async (user: User, event: TransitionEvent) => {
      const result = await c[user].trpc.task.transition.mutate({ taskId, expectedVersion: version, event });
      version = result.version;
    };
    const path: Record<State, State | null> = {
      signing: null,
      reassignRequested: "signing",
      extensionRequested: "signing",
      noticed: "signing",
      deployDrafting: "signing",
      deploySubmitted: "deployDrafting",
      handle: "deploySubmitted",
      contributed: "handle",
      inspect: "contributed",
      itemOpen: "inspect",
      itemRectified: "itemOpen",
      inspectSubmitted: "itemRectified",
      evaluate: "inspectSubmitted",
      rated: "evaluate",
    };
    const chain: State[] = [];
    for (let s: State | null = state; s !== null; s = path[s]) chain.unshift(s);
    for (const s of chain) {
      switch (s) {
        case "signing":
          break;
        case "reassignRequested":
          await run("mzj", { type: "REQUEST_REASSIGN", reason: "请改派" });
          break;
        case "extensionRequested":
          await run("mzj", { type: "REQUEST_EXTENSION", requestedDueDate: "2100-01-31", reason: "需要延期" });
          break;
        case "noticed":
          await run("office", { type: "URGE", text: "请尽快签收" });
          break;
        case "deployDrafting":
          await run("mzj", { type: "SIGN" });
          break;
        case "deploySubmitted":
          await run("mzj", { type: "SUBMIT", text: "办理方案" });
          break;
        case "handle":
          await run("office", { type: "APPROVE" });
          break;
        case "contributed":
          await run("wjj", { type: "SUBMIT_CONTRIBUTION", text: "协办意见" });
          break;
        case "inspect":
          await run("mzj", { type: "ACCEPT_CONTRIBUTION", unitId: units.health });
          if (variant === "officeHolds") await run("office", { type: "WAIVE_CONTRIBUTION", unitId: units.office, text: "办公室不单独报送" });
          await run("mzj", { type: "SUBMIT", text: "完成情况报告" });
          await run("office", { type: "APPROVE" });
          break;
        case "itemOpen":
          await run("office", { type: "RECORD_INSPECTION", text: "检查", items: ["问题一"] });
          break;
        case "itemRectified":
          await run("mzj", { type: "RECTIFY", itemId: "R1-1", text: "已整改" });
          break;
        case "inspectSubmitted":
          await run("office", { type: "CLOSE_ITEM", itemId: "R1-1" });
          await run("mzj", { type: "SUBMIT", text: "整改报告" });
          break;
        case "evaluate":
          await run("office", { type: "PASS_INSPECTION" });
          await run("mzj", { type: "SUBMIT", text: "总结", resolutionClass: "A" });
          await run("office", { type: "APPROVE" });
          break;
        case "rated":
          await run("evaluator1", { type: "RATE", rating: "basically_satisfied" });
          break;
      }
    }
    return { taskId, version };
  }

  async function sharedTask(variant: Variant, state: State) {
    const key = `${variant}/${state}`;
    let entry = shared.get(key);
    if (entry === undefined) {
      entry = { ...(await prepare(variant, state)), refused: 0 };
      shared.set(key, entry);
    }
    return entry;
  }

  it("a user reads a task exactly when the matrix says so (task.get: NOT_FOUND otherwise)", async () => {
    for (const variant of ["plain", "officeHolds"] as const) {
      const { taskId } = await sharedTask(variant, "signing");
      for (const actor of ACTORS[variant]) {
        const got = await attempt(c[actor.user].trpc.task.get.query({ taskId }));
        if (actor.reads) expect(got.ok, `${actor.user} reads`).toBe(true);
        else expect(got, `${actor.user} must not learn the task exists`).toMatchObject({ ok: false, appCode: "NOT_FOUND", code: "NOT_FOUND" });
      }
    }
  });

  it.each(TASK_EVENT_TYPES.filter((t) => t !== "WAIVE_PART"))("%s: allowed pairs go through, the others are refused for exactly the permission reason", async (type) => {
    for (const variant of ["plain", "officeHolds"] as const) {
      const { state, event } = scenario(type, units);
      for (const actor of ACTORS[variant]) {
        const expected = expectedOutcome(actor, type);
        const label = `${type} as ${actor.user} (${actor.role}, ${actor.relation}) on ${variant}/${state}`;
        if (expected === "allowed") {
          const { taskId, version } = await prepare(variant, state);
          const result = await attempt(c[actor.user].trpc.task.transition.mutate({ taskId, expectedVersion: version, event }));
          expect(result, label).toMatchObject({ ok: true, value: { version: version + 1 } });
        } else {
          const target = await sharedTask(variant, state);
          const result = await refusal(c[actor.user].trpc.task.transition.mutate({ taskId: target.taskId, expectedVersion: target.version, event }));
          target.refused += 1;
          expect({ appCode: result.appCode, code: result.code }, label).toEqual({
            appCode: expected,
            code: expected === "NOT_FOUND" ? "NOT_FOUND" : "FORBIDDEN",
          });
          expect(result.httpStatus, label).toBe(expected === "NOT_FOUND" ? 404 : 403);
        }
      }
    }
  });

  it("the administrative roles (auditor, sysadmin, secadmin) never move a task, in any state", async () => {
    for (const type of TASK_EVENT_TYPES) {
      const { state, event } = scenario(type, units);
      const target = await sharedTask("plain", state);
      for (const user of ["auditor", "sysadmin", "secadmin"] as const) {
        const result = await refusal(c[user].trpc.task.transition.mutate({ taskId: target.taskId, expectedVersion: target.version, event }));
        target.refused += 1;
        expect(["FORBIDDEN_FOR_ROLE", "NOT_FOUND"], `${type} as ${user}`).toContain(result.appCode);
      }
    }
  });

  it.each(DOMAIN_ROWS.map((row) => [row.rule, row] as const))("DOMAIN.md: %s", async (_rule, row) => {
    const variant = row.variant ?? "plain";
    const { state, event } = scenario(row.type, units);
    if (row.expect === "allowed") {
      const { taskId, version } = await prepare(variant, state);
      const result = await attempt(c[row.user].trpc.task.transition.mutate({ taskId, expectedVersion: version, event }));
      expect(result).toMatchObject({ ok: true, value: { version: version + 1 } });
    } else {
      const target = await sharedTask(variant, state);
      const result = await refusal(c[row.user].trpc.task.transition.mutate({ taskId: target.taskId, expectedVersion: target.version, event }));
      target.refused += 1;
      expect({ appCode: result.appCode, httpStatus: result.httpStatus }).toEqual({ appCode: row.expect, httpStatus: row.expect === "NOT_FOUND" ? 404 : 403 });
    }
  });

  it("refused moves changed nothing and each was audited as a refusal (a repeated one in its burst's summary)", async () => {
    expect(shared.size).toBeGreaterThan(10);
    for (const [key, { taskId, version, refused }] of shared) {
      const task = (await c.office.trpc.task.get.query({ taskId })).task;
      expect(task.version, key).toBe(version);
      const ok = await c.auditor.trpc.audit.list.query({ taskId, outcome: "ok", limit: 500 });
      // Only the preparation moves succeeded on a shared task.
      expect(ok.items.every((r) => r.actorUsername !== "auditor" && r.actorRole !== "sysadmin" && r.actorRole !== "secadmin"), key).toBe(true);
      const refusedLog = await refusalsSince(app, 0, { taskId, action: "task.transition" });
      expect(refusedLog.count, key).toBe(refused);
      for (const record of refusedLog.records) {
        expect(record, key).toMatchObject({ action: "task.transition", outcome: "refused", object_type: "task", object_id: taskId });
        expect(["FORBIDDEN_FOR_ROLE", "NOT_YOUR_UNIT", "NOT_SUPERVISOR", "NOT_FOUND"], key).toContain(record.reason_code);
        expect(record.actor_username, key).not.toBeNull();
      }
    }
    expect(await c.auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });

  it("a stale expectedVersion is a CONFLICT even for an allowed move, and changes nothing", async () => {
    const { taskId, version } = await prepare("plain", "signing");
    const stale = await refusal(c.mzj.trpc.task.transition.mutate({ taskId, expectedVersion: version - 1, event: { type: "SIGN" } }));
    expect(stale).toMatchObject({ appCode: "CONFLICT", code: "CONFLICT", httpStatus: 409 });
    const task = (await c.mzj.trpc.task.get.query({ taskId })).task;
    expect(task).toMatchObject({ version, status: "signing" });
  });
});
