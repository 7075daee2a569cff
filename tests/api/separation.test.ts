// 三员分立 on accounts over HTTP (issue 17): every role tries every account operation on an account
// of every role, and on its own. Only the security administrator manages accounts and roles, and
// only business accounts with business roles; no administrative account — another's or one's own —
// can be reset, disabled, renamed, unlocked or given another role through the web.
import { createUser } from "@duban/db";
import { ROLES, type Role } from "@duban/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attempt, DIALECTS, loginAll, startTestApp, unique, type ApiClient, type TestApp } from "../support/server";

const ACTORS = { liaison: "mzj", office: "office", leader: "leader", evaluator: "evaluator1", auditor: "auditor", sysadmin: "sysadmin", secadmin: "secadmin" } as const satisfies Record<Role, string>;
const ADMINISTRATIVE: readonly Role[] = ["auditor", "sysadmin", "secadmin"];

type Operation = "resetPassword" | "disable" | "unlock" | "rename" | "grantBusinessRole" | "grantAdministrativeRole" | "resetTotp";
const OPERATIONS: Operation[] = ["resetPassword", "disable", "unlock", "rename", "grantBusinessRole", "grantAdministrativeRole", "resetTotp"];

function call(client: ApiClient, operation: Operation, target: { id: string; version: number }): Promise<unknown> {
  const base = { userId: target.id, expectedVersion: target.version };
  switch (operation) {
    case "resetPassword":
      return client.trpc.user.update.mutate({ ...base, resetPassword: "Reset#2026pwd" });
    case "disable":
      return client.trpc.user.update.mutate({ ...base, disabled: true });
    case "unlock":
      return client.trpc.user.update.mutate({ ...base, unlock: true });
    case "rename":
      return client.trpc.user.update.mutate({ ...base, displayName: "改名" });
    case "grantBusinessRole":
      return client.trpc.user.grantRole.mutate({ ...base, role: "evaluator" });
    case "grantAdministrativeRole":
      return client.trpc.user.grantRole.mutate({ ...base, role: "auditor" });
    case "resetTotp":
      return client.trpc.user.resetTotp.mutate({ userId: target.id });
  }
}

/** The rule, written out by hand from the issue (not read from the code under test). */
function allowed(actor: Role, target: Role, self: boolean, operation: Operation): boolean {
  return actor === "secadmin" && !self && !ADMINISTRATIVE.includes(target) && operation !== "grantAdministrativeRole";
}

describe.each(DIALECTS)("三员: every role × every account operation × every target (%s)", (dialect) => {
  let app: TestApp;
  let clients: Record<Role, ApiClient>;
  let units: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const byName = await loginAll(app, Object.values(ACTORS));
    clients = Object.fromEntries(ROLES.map((r) => [r, byName[ACTORS[r]]])) as Record<Role, ApiClient>;
    units = clients.liaison.me?.unitId ?? "";
  });
  afterAll(async () => {
    await app?.close();
  });

  it("only the security administrator changes business accounts; administrative accounts and one's own are refused, and stay as they were", async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const actor of ROLES) {
      for (const targetRole of [...ROLES, "self" as const]) {
        for (const operation of OPERATIONS) {
          const self = targetRole === "self";
          const target = self
            ? await app.inner.db.selectFrom("users").selectAll().where("username", "=", ACTORS[actor]).executeTakeFirstOrThrow()
            : await createUser(app.inner.db, { username: unique("acct").replace(/[^A-Za-z0-9]/g, "").slice(-40), display_name: "账号", password_hash: "x", role: targetRole, unit_id: targetRole === "liaison" ? units : null });
          const label = `${actor} ${operation} ${self ? `self (${actor})` : targetRole}`;
          const result = await attempt(call(clients[actor], operation, target));
          const after = await app.inner.db.selectFrom("users").selectAll().where("id", "=", target.id).executeTakeFirstOrThrow();
          const ok = allowed(actor, self ? actor : targetRole, self, operation);
          expected.push(`${label}: ${ok ? "ok" : "FORBIDDEN"}`);
          outcomes.push(`${label}: ${result.ok ? "ok" : result.code}`);
          if (!result.ok) expect({ ...after, last_seen_at: null }, label).toMatchObject({ ...target, last_seen_at: null });
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("creating an account: only the security administrator, only with a business role", async () => {
    for (const actor of ROLES) {
      for (const role of ROLES) {
        const username = unique("new").replace(/[^A-Za-z0-9]/g, "").slice(-40);
        const result = await attempt(clients[actor].trpc.user.create.mutate({ username, displayName: "新账号", password: "Created#2026pw", role, unitId: role === "liaison" ? units : null }));
        expect(result.ok ? "ok" : result.code, `${actor} creates ${role}`).toBe(actor === "secadmin" && !ADMINISTRATIVE.includes(role) ? "ok" : "FORBIDDEN");
      }
    }
  });

  it("the list tells the page which accounts the viewer may manage (the buttons it shows)", async () => {
    const forSecadmin = await clients.secadmin.trpc.user.list.query();
    for (const user of forSecadmin) {
      expect(user.manageable, user.username).toBe(!ADMINISTRATIVE.includes(user.role));
    }
    expect((await clients.sysadmin.trpc.user.list.query()).every((u) => !u.manageable)).toBe(true);
    // in place of the buttons, the page says why (the server's words)
    expect(new Set((await clients.sysadmin.trpc.user.list.query()).map((u) => u.manageRefusal))).toEqual(new Set(["只有安全管理员可以管理账号和角色"]));
    for (const user of forSecadmin) expect(user.manageRefusal === null, user.username).toBe(user.manageable);
    expect(forSecadmin.find((u) => u.role === "auditor")?.manageRefusal).toMatch(/命令行/);
  });

  it("a refused account operation is audited with its reason and the security administrator as actor", async () => {
    const auditor = await app.inner.db.selectFrom("users").selectAll().where("username", "=", "auditor").executeTakeFirstOrThrow();
    const refused = await attempt(clients.secadmin.trpc.user.update.mutate({ userId: auditor.id, expectedVersion: auditor.version, resetPassword: "Taken#2026over" }));
    expect(refused).toMatchObject({ ok: false, code: "FORBIDDEN", message: "系统管理员、安全管理员、审计管理员的账号只能在服务器上用命令行管理" });
    const [record] = (
      await app.inner.db.selectFrom("audit_log").selectAll().where("action", "=", "user.update").where("outcome", "=", "refused").where("object_id", "=", auditor.id).orderBy("seq", "desc").limit(1).execute()
    );
    expect(record).toMatchObject({ actor_username: "secadmin", reason_code: "FORBIDDEN", object_type: "user" });
  });
});
