// Two API processes on one database, each with its own auth cache (two database handles): a
// logout, a role change, a TOTP policy change or a unit's new name made through one reaches the other
// within a second.
import { createDatabase, createTestDatabase, createUnit, createUser, testDialects, updateUser, type TestDatabase } from "@duban/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../config";
import { detachedRequest, type InnerContext } from "../context";
import { createLogger } from "../logger";
import { createCaller } from "../router";
import { hashPassword } from "../security/passwords";
import { describeUser, resolveSession } from "./auth";
import { mayChangeSignIns } from "./auth-cache";
import { totpSetupRequired } from "./totp";

const PASSWORD = "Initial@2026";

/** Waits until `check` holds, polling every 20 ms; returns the ms it took (fails after 1 s). */
async function within1s(check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > 1000) throw new Error("not seen within 1 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe.each(testDialects())("auth cache across processes (%s)", (dialect) => {
  let t: TestDatabase;
  let a: InnerContext;
  let b: InnerContext;
  let closeB: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const inner = (db: InnerContext["db"]): InnerContext => ({ db, dialect, config: testConfig(), clock: () => new Date(), logger: createLogger("silent") });
    a = inner(t.db);
    const other = createDatabase({ url: t.url });
    b = inner(other.db);
    closeB = () => other.close();
  });
  afterAll(async () => {
    await closeB();
    await t.cleanup();
  });

  async function signedIn(role: "office" | "secadmin" = "office") {
    n += 1;
    const user = await createUser(a.db, { username: `${role}${n}`, display_name: role, password_hash: await hashPassword(PASSWORD), role, must_change_password: false });
    let token: string | null = null;
    await createCaller({ ...a, request: detachedRequest({ setSessionCookie: (v) => (token = v) }), session: null }).auth.login({ username: user.username, password: PASSWORD });
    if (token === null) throw new Error("no session");
    return { user, token: token as string };
  }

  it("a logout in one process ends the session in the other within a second", async () => {
    const { token } = await signedIn();
    expect(await resolveSession(b, token)).not.toBeNull(); // now cached in b
    expect(await resolveSession(b, token)).not.toBeNull();
    const session = await resolveSession(a, token);
    await createCaller({ ...a, request: detachedRequest({ sessionToken: token }), session }).auth.logout();
    expect(await resolveSession(a, token)).toBeNull(); // at once where it happened
    await within1s(async () => (await resolveSession(b, token)) === null);
  });

  it("a role or unit change written by anyone reaches the other process's cached session within a second", async () => {
    const { user, token } = await signedIn();
    expect((await resolveSession(b, token))?.user.role).toBe("office");
    await updateUser(a.db, user.id, user.version, { role: "leader" });
    await within1s(async () => (await resolveSession(b, token))?.user.role === "leader");
  });

  it("a TOTP policy change reaches the other process within a second", async () => {
    const { user, token } = await signedIn();
    const cachedUser = (await resolveSession(b, token))?.user;
    expect(cachedUser && (await totpSetupRequired(b, cachedUser))).toBe(false);
    const admin = await signedIn("secadmin");
    const adminSession = await resolveSession(a, admin.token);
    await createCaller({ ...a, request: detachedRequest({ sessionToken: admin.token }), session: adminSession }).security.setTotpRequired({ role: "office", required: true });
    await within1s(async () => totpSetupRequired(b, user));
    await createCaller({ ...a, request: detachedRequest({ sessionToken: admin.token }), session: adminSession }).security.setTotpRequired({ role: "office", required: false });
  });

  it("a unit renamed anywhere shows in the other process's auth.me within a second", async () => {
    const unit = await createUnit(a.db, { name: `缓存测试局${(n += 1)}`, kind: "department" });
    const { user } = await signedIn();
    const member = await updateUser(a.db, user.id, user.version, { unit_id: unit.id });
    if (member === null) throw new Error("no user");
    expect((await describeUser(b, member)).unitName).toBe(unit.name);
    await a.db.updateTable("units").set({ name: `${unit.name}（更名）` }).where("id", "=", unit.id).execute();
    await within1s(async () => (await describeUser(b, member)).unitName === `${unit.name}（更名）`);
  });
});

describe("which mutations make the next request poll", () => {
  it("a task move or a supervision action does not; a sign-in, user, unit, policy or plan change does", () => {
    for (const path of ["task.transition", "task.comment", "supervision.issueNotices", "supervision.urgeOverdue"]) expect(mayChangeSignIns(path), path).toBe(false);
    for (const path of ["auth.logout", "auth.changePassword", "admin.updateUser", "admin.updateUnit", "security.setTotpRequired", "plan.importCommit"]) expect(mayChangeSignIns(path), path).toBe(true);
  });
});
