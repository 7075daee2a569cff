// 三员分立 (等保: system, security and audit administrators kept apart) as a 403 matrix through
// createCaller on the demo data: what each of the three may do, what each is refused, and that
// every attempt — allowed or refused — is one audit record naming that administrator.
import { createUser, getAuditHead, listAudit, type UserRow } from "@duban/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InnerContext } from "./context";
import { createCheckpoint } from "./services/checkpoints";
import { openDemoApp, signIn, type Caller } from "./test-support";

type Admin = "sysadmin" | "secadmin" | "auditor";

let inner: InnerContext;
let close: () => Promise<void>;
const callers = {} as Record<Admin, { caller: Caller; user: UserRow }>;
let n = 0;

beforeAll(async () => {
  ({ inner, close } = await openDemoApp());
  for (const role of ["sysadmin", "secadmin", "auditor"] as const) {
    const { caller, user } = await signIn(inner, role, { clientIp: "10.3.3.3" });
    if (user === null) throw new Error(`no session for ${role}`);
    callers[role] = { caller, user };
  }
}, 60_000);
afterAll(() => close());

const fresh = async () => createUser(inner.db, { username: `sep${(n += 1)}`, display_name: "测试", password_hash: "x", role: "leader" });
const unitId = async () => (await inner.db.selectFrom("units").select("id").where("name", "=", "东西湖区教育局").executeTakeFirstOrThrow()).id;
const anyTask = async () => inner.db.selectFrom("tasks").select(["id", "version"]).orderBy("ordinal").executeTakeFirstOrThrow();

/** Every row: an action, and for each administrator whether it is allowed. Mutations and queries alike. */
const ACTIONS: { name: string; mutation: boolean; call: (c: Caller) => Promise<unknown>; allowed: Admin[]; refusedAs?: Partial<Record<Admin, string>> }[] = [
  { name: "unit.create", mutation: true, allowed: ["sysadmin"], call: (c) => c.unit.create({ name: `分离测试单位${(n += 1)}`, kind: "department" }) },
  { name: "unit.update", mutation: true, allowed: ["sysadmin"], call: async (c) => c.unit.update({ unitId: await unitId(), aliases: ["区教育局"] }) },
  { name: "unit.saveGroup", mutation: true, allowed: ["sysadmin"], call: (c) => c.unit.saveGroup({ name: `分离测试分组${(n += 1)}`, memberIds: [] }) },
  { name: "user.create (business role)", mutation: true, allowed: ["secadmin"], call: (c) => c.user.create({ username: `sepnew${(n += 1)}`, displayName: "新", password: "Created#2026pw", role: "leader" }) },
  { name: "user.update", mutation: true, allowed: ["secadmin"], call: async (c) => { const u = await fresh(); return c.user.update({ userId: u.id, expectedVersion: u.version, displayName: "改" }); } },
  { name: "user.grantRole", mutation: true, allowed: ["secadmin"], call: async (c) => { const u = await fresh(); return c.user.grantRole({ userId: u.id, expectedVersion: u.version, role: "evaluator" }); } },
  { name: "user.resetTotp", mutation: true, allowed: ["secadmin"], call: async (c) => c.user.resetTotp({ userId: (await fresh()).id }) },
  { name: "security.setTotpRequired", mutation: true, allowed: ["secadmin"], call: (c) => c.security.setTotpRequired({ role: "leader", required: false }) },
  { name: "audit.verify", mutation: true, allowed: ["auditor"], call: (c) => c.audit.verify() },
  { name: "audit.export", mutation: true, allowed: ["auditor"], call: (c) => c.audit.export({ format: "csv", action: "user.*" }) },
  { name: "audit.createCheckpoint", mutation: true, allowed: ["auditor"], call: (c) => c.audit.createCheckpoint() },
  { name: "audit.verifyCheckpoint", mutation: true, allowed: ["auditor"], call: async (c) => c.audit.verifyCheckpoint({ checkpoint: JSON.stringify((await createCheckpoint(inner, "manual"))?.checkpoint) }) },
  // a task the administrator may not even read is answered NOT_FOUND (its existence is not disclosed)
  { name: "task.transition", mutation: true, allowed: [], refusedAs: { sysadmin: "NOT_FOUND", secadmin: "NOT_FOUND" }, call: async (c) => { const t = await anyTask(); return c.task.transition({ taskId: t.id, expectedVersion: t.version, event: { type: "URGE", text: "催办" } }); } },
  { name: "plan.create", mutation: true, allowed: [], call: async (c) => c.plan.create({ title: "不应创建", phases: [], tasks: [{ path: ["一"], text: "x", leadUnitId: await unitId(), coUnitIds: [] }] }) },
  { name: "audit.list", mutation: false, allowed: ["auditor"], call: (c) => c.audit.list({ limit: 5 }) },
  { name: "audit.checkpoints", mutation: false, allowed: ["auditor"], call: (c) => c.audit.checkpoints() },
  { name: "audit.filterOptions", mutation: false, allowed: ["auditor"], call: (c) => c.audit.filterOptions() },
  { name: "audit.findTasks", mutation: false, allowed: ["auditor"], call: (c) => c.audit.findTasks({ q: "养老" }) },
  { name: "user.list", mutation: false, allowed: ["sysadmin", "secadmin"], call: (c) => c.user.list() },
  { name: "security.totpPolicy", mutation: false, allowed: ["secadmin"], call: (c) => c.security.totpPolicy() },
];

const ROWS = ACTIONS.flatMap((a) => (["sysadmin", "secadmin", "auditor"] as const).map((role) => ({ ...a, role, expected: a.allowed.includes(role) ? "OK" : (a.refusedAs?.[role] ?? "FORBIDDEN") })));

describe("三员分立: the 403 matrix", () => {
  it.each(ROWS)("$role · $name → $expected", async ({ role, call, expected, mutation, name }) => {
    const { caller, user } = callers[role];
    const head = await getAuditHead(inner.db);
    const got = await call(caller).then(
      () => "OK",
      (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
    );
    expect(got).toBe(expected);
    if (!mutation) return;
    // each administrator's own action, allowed or refused, is one record naming them
    const { items } = await listAudit(inner.db, { cursor: head.seq, order: "asc", limit: 20, actorUserId: user.id });
    expect(items, `${role} ${name}`).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor_role: role, actor_username: role, client_ip: "10.3.3.3", outcome: expected === "OK" ? "ok" : "refused" });
  });

  it("no 三员 account is created through the web, not even by the security administrator (the server's CLI sets them up)", async () => {
    for (const admin of ["sysadmin", "secadmin"] as const) {
      const refused = await callers[admin].caller.user
        .create({ username: `sepadm${(n += 1)}`, displayName: "x", password: "Created#2026pw", role: "auditor" })
        .catch((e: unknown) => (e instanceof TRPCError ? e.code : e));
      expect(refused, admin).toBe("FORBIDDEN");
    }
    await expect(callers.secadmin.caller.user.create({ username: `sepbiz${(n += 1)}`, displayName: "x", password: "Created#2026pw", role: "leader" })).resolves.toMatchObject({ role: "leader" });
  });
});
