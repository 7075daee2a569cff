// Identity (issue 9): first-login password change, TOTP enrolment and login, per-role TOTP policy,
// login rate limits by address and by account — through createCaller, every step audited.
import { createDatabase, createUser, listAudit, migrateToLatest, type UserRole } from "@duban/db";
import { TRPCError } from "@trpc/server";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../config";
import { detachedRequest, type Context, type InnerContext } from "../context";
import { createLogger } from "../logger";
import { createCaller } from "../router";
import { testSecurityConfig } from "../security/config";
import { hashPassword } from "../security/passwords";
import { flushRefusalBursts } from "./audit";
import { resolveSession } from "./auth";

const PASSWORD = "Initial@2026";
let now = new Date("2026-11-25T02:00:00.000Z");
let inner: InnerContext;
let close: () => Promise<void>;
let n = 0;

async function open(overrides: Parameters<typeof testSecurityConfig>[0] = {}) {
  const handle = createDatabase({ url: ":memory:" });
  await migrateToLatest(handle.db);
  const ctx: InnerContext = { db: handle.db, dialect: handle.dialect, config: testConfig({ security: testSecurityConfig(overrides) }), clock: () => now, logger: createLogger("silent") };
  return { ctx, close: () => handle.close() };
}

beforeAll(async () => {
  ({ ctx: inner, close } = await open());
});
afterAll(() => close());

async function newUser(ctx: InnerContext, role: UserRole, mustChange = false) {
  n += 1;
  return createUser(ctx.db, { username: `${role}${n}`, display_name: role, password_hash: await hashPassword(PASSWORD), role, must_change_password: mustChange });
}

async function login(ctx: InnerContext, username: string, extra: { totp?: string; password?: string; ip?: string } = {}) {
  let token: string | null = null;
  const request = detachedRequest({ clientIp: extra.ip ?? "10.0.0.1", setSessionCookie: (t) => (token = t) });
  const me = await createCaller({ ...ctx, request, session: null }).auth.login({ username, password: extra.password ?? PASSWORD, ...(extra.totp ? { totp: extra.totp } : {}) });
  const session = await resolveSession(ctx, token);
  return { me, caller: createCaller({ ...ctx, request: detachedRequest({ sessionToken: token, clientIp: extra.ip ?? "10.0.0.1" }), session } satisfies Context) };
}

const failure = (e: unknown) => (e instanceof TRPCError ? { code: e.code, message: e.message, appCode: (e.cause as { code?: string } | undefined)?.code } : { code: "NONE", message: String(e) });
const refusedWith = (p: Promise<unknown>) => p.then(() => ({ code: "OK", message: "" }), failure);

const codeAt = (secret: string, at: Date) => new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: "SHA1" }).generate({ timestamp: at.getTime() });

describe("first login", () => {
  it("requires the initial password to be changed before anything else", async () => {
    const user = await newUser(inner, "office", true);
    const { me, caller } = await login(inner, user.username);
    expect(me.mustChangePassword).toBe(true);
    expect(await refusedWith(caller.unit.list())).toMatchObject({ code: "FORBIDDEN", message: "首次登录须先修改初始密码" });
    const changed = await caller.auth.changePassword({ currentPassword: PASSWORD, newPassword: "Changed#2026x" });
    expect(changed.mustChangePassword).toBe(false);
    const again = await login(inner, user.username, { password: "Changed#2026x" });
    await expect(again.caller.unit.list()).resolves.toBeDefined();
  });
});

describe("TOTP", () => {
  it("enrols with a one-time secret, then requires a fresh code at every login", async () => {
    const user = await newUser(inner, "leader");
    const { caller } = await login(inner, user.username);
    const setup = await caller.auth.totpSetup();
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(setup.uri).toContain(encodeURIComponent(user.username));
    const stored = await inner.db.selectFrom("users").select(["totp_secret_enc", "totp_enabled"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored.totp_secret_enc).toMatch(/^f1\.sm4\./);
    expect(stored.totp_secret_enc).not.toContain(setup.secret);
    expect(stored.totp_enabled).toBe(0);

    expect(await refusedWith(caller.auth.totpEnable({ code: codeAt(setup.secret, new Date(now.getTime() + 10 * 60_000)) }))).toMatchObject({ code: "UNAUTHORIZED", appCode: "TOTP_INVALID" });
    await expect(caller.auth.totpEnable({ code: codeAt(setup.secret, now) })).resolves.toEqual({ enabled: true });
    expect(await refusedWith(caller.auth.totpSetup())).toMatchObject({ code: "CONFLICT" }); // the secret is shown once

    now = new Date(now.getTime() + 60_000);
    expect(await refusedWith(login(inner, user.username))).toMatchObject({ code: "UNAUTHORIZED", appCode: "TOTP_REQUIRED", message: expect.stringContaining("动态验证码") });
    expect(await refusedWith(login(inner, user.username, { totp: "000000" === codeAt(setup.secret, now) ? "111111" : "000000" }))).toMatchObject({
      code: "UNAUTHORIZED",
      appCode: "TOTP_INVALID",
      message: expect.stringContaining("动态验证码错误"),
    });
    const code = codeAt(setup.secret, now);
    const ok = await login(inner, user.username, { totp: code });
    expect(ok.me.totpEnabled).toBe(true);
    expect(await refusedWith(login(inner, user.username, { totp: code }))).toMatchObject({ appCode: "TOTP_INVALID" }); // no replay

    // lost device: the security administrator resets it; password alone works again, and enrolment can restart
    const secadmin = (await login(inner, (await newUser(inner, "secadmin")).username)).caller;
    await expect(secadmin.user.resetTotp({ userId: user.id })).resolves.toEqual({ userId: user.id, reset: true });
    const reset = await login(inner, user.username);
    expect(reset.me.totpEnabled).toBe(false);
    await expect(reset.caller.auth.totpSetup()).resolves.toMatchObject({ uri: expect.stringMatching(/^otpauth:/) });

    await flushRefusalBursts(inner); // the replayed code repeated a refusal: its summary comes now
    const log = (await listAudit(inner.db, { actorUserId: user.id, limit: 20, order: "asc" })).items;
    expect(log.map((r) => [r.action, r.outcome, r.reason_code])).toEqual([
      ["auth.login", "ok", null],
      ["auth.totp_setup", "ok", null],
      ["auth.totpEnable", "refused", "TOTP_INVALID"],
      ["auth.totp_enable", "ok", null],
      ["auth.totpSetup", "refused", "CONFLICT"],
      ["auth.login", "refused", "TOTP_REQUIRED"],
      ["auth.login", "refused", "WRONG_TOTP"],
      ["auth.login", "ok", null],
      ["auth.login", "ok", null],
      ["auth.totp_setup", "ok", null],
      ["auth.login", "refused", "WRONG_TOTP"],
    ]);
    expect(JSON.parse(log.at(-1)?.detail ?? "{}")).toMatchObject({ repeated: 1 });
    const [resetRecord] = (await listAudit(inner.db, { action: "user.reset_totp", limit: 1 })).items;
    expect(resetRecord).toMatchObject({ actor_role: "secadmin", object_id: user.id, outcome: "ok" });
  });

  it("a security administrator requires TOTP per role; users of that role must enrol before anything else", async () => {
    const secadmin = (await login(inner, (await newUser(inner, "secadmin")).username)).caller;
    const sysadmin = (await login(inner, (await newUser(inner, "sysadmin")).username)).caller;
    expect(await refusedWith(sysadmin.security.setTotpRequired({ role: "evaluator", required: true }))).toMatchObject({ code: "FORBIDDEN" });
    await secadmin.security.setTotpRequired({ role: "evaluator", required: true });
    expect((await secadmin.security.totpPolicy()).find((p) => p.role === "evaluator")).toEqual({ role: "evaluator", required: true });

    const user = await newUser(inner, "evaluator");
    const { me, caller } = await login(inner, user.username);
    expect(me.totpSetupRequired).toBe(true);
    expect(await refusedWith(caller.task.list({ limit: 5 }))).toMatchObject({ code: "FORBIDDEN", appCode: "TOTP_SETUP_REQUIRED", message: expect.stringContaining("动态验证码") });
    const setup = await caller.auth.totpSetup();
    await caller.auth.totpEnable({ code: codeAt(setup.secret, now) });
    now = new Date(now.getTime() + 30_000);
    const after = await login(inner, user.username, { totp: codeAt(setup.secret, now) });
    expect(after.me.totpSetupRequired).toBe(false);
    await expect(after.caller.task.list({ limit: 5 })).resolves.toBeDefined();
    await secadmin.security.setTotpRequired({ role: "evaluator", required: false });
    const policyLog = (await listAudit(inner.db, { action: "security.*", limit: 5, order: "asc" })).items;
    expect(policyLog.map((r) => [r.action, r.outcome, r.actor_role, r.object_id])).toEqual([
      ["security.setTotpRequired", "refused", "sysadmin", null],
      ["security.set_totp_required", "ok", "secadmin", "evaluator"],
      ["security.set_totp_required", "ok", "secadmin", "evaluator"],
    ]);
  });
});

describe("login rate limits", () => {
  it("after 3 failures from one address (3/window) every sign-in from it is refused RATE_LIMITED — the right password too; other addresses are not affected", async () => {
    const { ctx, close: done } = await open({ loginPerAddress: 3 });
    try {
      const users = await Promise.all([1, 2, 3, 4].map(() => newUser(ctx, "office")));
      for (const u of users.slice(0, 3)) expect(await refusedWith(login(ctx, u.username, { ip: "192.0.2.7", password: "Wrong@2026x" }))).toMatchObject({ code: "UNAUTHORIZED" });
      const refused = await refusedWith(login(ctx, users[3]?.username ?? "", { ip: "192.0.2.7" }));
      expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED", message: expect.stringContaining("登录失败次数过多") });
      await login(ctx, users[3]?.username ?? "", { ip: "192.0.2.8" }); // another address is not affected
      const [record] = (await listAudit(ctx.db, { action: "auth.login", outcome: "refused", limit: 1 })).items;
      // A flood is one burst per address whatever names it tries: the name is in the detail only.
      expect(record).toMatchObject({ reason_code: "RATE_LIMITED", client_ip: "192.0.2.7", actor_username: null });
      expect(JSON.parse(record?.detail ?? "{}")).toEqual({ username: users[3]?.username });
    } finally {
      await done();
    }
  });

  it("a flood of one locked account from one address ends in the address block (answered from memory), not in a password check per attempt", async () => {
    const { ctx, close: done } = await open({ loginPerAddress: 6 });
    const locking = { ...ctx, config: { ...ctx.config, lockAfterFailures: 2, lockMs: 60_000 } };
    try {
      const u = await newUser(locking, "office");
      const answers: (string | undefined)[] = [];
      for (let i = 0; i < 8; i += 1) {
        const answer = await refusedWith(login(locking, u.username, { ip: "203.0.113.9", password: "Wrong@2026x" }));
        answers.push("appCode" in answer ? answer.appCode : answer.code);
      }
      // 2 wrong passwords lock the account; 4 more locked answers (like a wrong password) fill the
      // address's 6; from then on the address is refused before any lookup or hash.
      expect(answers.slice(0, 6).every((a) => a === "UNAUTHORIZED")).toBe(true);
      expect(answers.slice(6)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    } finally {
      await done();
    }
  });

  it("locks an account for the address that failed, answering exactly like a wrong password; another address still signs in; a success clears the run", async () => {
    const { ctx, close: done } = await open({ loginPerAddress: 100 });
    const locking = { ...ctx, config: { ...ctx.config, lockAfterFailures: 3, lockMs: 60_000 } };
    try {
      const u = await newUser(locking, "office");
      // Two failures, then a success: the run starts again.
      for (let i = 0; i < 2; i += 1) await refusedWith(login(locking, u.username, { ip: "198.51.100.1", password: "Wrong@2026x" }));
      await login(locking, u.username, { ip: "198.51.100.1" });
      for (let i = 0; i < 2; i += 1) await refusedWith(login(locking, u.username, { ip: "198.51.100.1", password: "Wrong@2026x" }));
      await login(locking, u.username, { ip: "198.51.100.1" });
      // Three in a row: locked from this address.
      const wrong = [];
      for (let i = 0; i < 3; i += 1) wrong.push(await refusedWith(login(locking, u.username, { ip: "198.51.100.1", password: "Wrong@2026x" })));
      const locked = await refusedWith(login(locking, u.username, { ip: "198.51.100.1" }));
      const ghost = await refusedWith(login(locking, "nobody-here", { ip: "198.51.100.1" }));
      expect(new Set([...wrong, locked, ghost].map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ code: "UNAUTHORIZED", message: "用户名或密码错误", appCode: "UNAUTHORIZED" })]));
      // A stranger cannot lock the user out: from another address the right password works.
      await expect(login(locking, u.username, { ip: "198.51.100.2" })).resolves.toBeDefined();
      const reasons = (await listAudit(ctx.db, { action: "auth.login", actorUserId: u.id, limit: 20 })).items.map((r) => `${r.outcome}/${r.reason_code ?? ""}`);
      expect(reasons[0]).toBe("ok/");
      expect(reasons[1]).toBe("refused/LOCKED");
    } finally {
      await done();
    }
  });
});
