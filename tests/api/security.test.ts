// Sessions, sign-in, cross-site requests, security headers and who may read what — over HTTP.
// The app runs on a clock the test can move forward (idle timeout, lock expiry, absolute lifetime).
import { appRouter, DEMO_PASSWORD } from "@duban/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempt,
  auditSeq,
  createClient,
  createPlan,
  DIALECTS,
  loginAll,
  move,
  refusal,
  refusalsSince,
  samplePdf,
  startTestApp,
  unique,
  uploadFile,
  type ApiClient,
  type TestApp,
} from "../support/server";

const PUBLIC_PROCEDURES = new Set(["auth.login", "auth.me"]);
const USERS = ["mzj", "ybj", "office", "auditor", "sysadmin", "secadmin"] as const;
type User = (typeof USERS)[number];

interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription" };
}
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>).map(([path, p]) => ({ path, type: p._def.type }));

async function rawLogin(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ username, password }),
  });
}

describe.each(DIALECTS)("security over HTTP (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<User, ApiClient>;
  /** Added to the real time by the app's clock. */
  let offsetMs = 0;
  let taskId: string;
  let evidence: string;

  beforeAll(async () => {
    // A short lock window (real time: the sign-in limits do not follow the app's clock).
    app = await startTestApp(dialect, { clock: () => new Date(Date.now() + offsetMs), config: { lockMs: 6_000 } });
    c = await loginAll(app, USERS);
    [taskId] = (await createPlan(c.office, [{ leadUnitId: c.mzj.me?.unitId ?? "" }])) as [string];
    await move(c.mzj, taskId, { type: "SIGN" });
    const upload = await uploadFile(c.mzj, "方案.pdf", samplePdf(unique("security")));
    evidence = ((await upload.json()) as { sha256: string }).sha256;
    await move(c.mzj, taskId, { type: "SUBMIT", text: "办理方案", fileHashes: [evidence] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the session cookie is HttpOnly, SameSite=Lax, for the whole site, and carries no user data", async () => {
    const response = await rawLogin(app.baseUrl, "mzj", DEMO_PASSWORD);
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [cookie = ""] = cookies;
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes.some((a) => a.startsWith("max-age="))).toBe(true);
    const value = cookie.split(";")[0]?.split("=")[1] ?? "";
    expect(value.length).toBeGreaterThanOrEqual(40);
    expect(cookie).not.toMatch(/mzj|liaison/);
    // The body never carries the token.
    expect(await response.text()).not.toContain(value);
  });

  it("logout ends the session on the server, not only in the browser", async () => {
    const client = await app.login("mzj");
    const token = client.sessionToken as string;
    expect((await client.trpc.auth.me.query())?.username).toBe("mzj");
    const out = await client.fetch("/trpc/auth.logout", { method: "POST", headers: { "content-type": "application/json" } });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join(";")).toMatch(/duban_session=;.*Max-Age=0/i);
    expect(client.sessionToken).toBeNull();
    // Replaying the old cookie gets nothing.
    const replay = await fetch(`${app.baseUrl}/trpc/task.get?input=${encodeURIComponent(JSON.stringify({ taskId }))}`, {
      headers: { cookie: `duban_session=${token}` },
    });
    expect(replay.status).toBe(401);
    const me = await fetch(`${app.baseUrl}/trpc/auth.me`, { headers: { cookie: `duban_session=${token}` } });
    expect(((await me.json()) as { result: { data: unknown } }).result.data).toBeNull();
    // The other sessions of the same user are untouched.
    expect((await c.mzj.trpc.auth.me.query())?.username).toBe("mzj");
  });

  it("five wrong passwords lock the account from that address; the right one is then refused exactly like a wrong one; all audited", async () => {
    const username = `lock_${unique("u").replace(/[^A-Za-z0-9]/g, "_")}`.slice(0, 60);
    const password = "Lock@2026ok";
    const created = await c.secadmin.trpc.user.create.mutate({ username, displayName: "锁定测试", password, role: "liaison", unitId: c.mzj.me?.unitId ?? null });
    const userId = created.id;
    const seq = await auditSeq(app);
    const answers: string[] = [];
    for (let i = 1; i <= app.config.lockAfterFailures; i += 1) {
      const wrong = await rawLogin(app.baseUrl, username, `Wrong@${i}xyz`);
      answers.push(`${wrong.status} ${((await wrong.json()) as { error: { message: string } }).error.message}`);
      expect(wrong.headers.getSetCookie()).toEqual([]);
    }
    const locked = await rawLogin(app.baseUrl, username, password);
    answers.push(`${locked.status} ${((await locked.json()) as { error: { message: string } }).error.message}`);
    expect(locked.headers.getSetCookie()).toEqual([]);
    // The lock answers like a wrong password: nothing tells an attacker the account exists or is locked.
    expect(new Set(answers)).toEqual(new Set(["401 用户名或密码错误"]));
    expect((await c.secadmin.trpc.user.list.query()).find((u) => u.id === userId)?.locked).toBe(true);

    const wrongs = await refusalsSince(app, seq, { action: "auth.login", actorUserId: userId }, "WRONG_PASSWORD");
    const lockedRecords = await refusalsSince(app, seq, { action: "auth.login", actorUserId: userId }, "LOCKED");
    expect(wrongs.count).toBe(app.config.lockAfterFailures);
    expect(wrongs.records.length).toBeLessThanOrEqual(2); // one burst: the first, then a summary
    expect(lockedRecords.count).toBe(1);
    expect([...wrongs.records, ...lockedRecords.records].every((r) => r.actor_username === username && r.client_ip !== null)).toBe(true);

    // The lock is temporary: when its window (lockMs) ends the right password works again.
    await expect.poll(async () => (await rawLogin(app.baseUrl, username, password)).status, { timeout: app.config.lockMs + 10_000, interval: 500 }).toBe(200);
    const again = createClient(app.baseUrl);
    const me = await again.trpc.auth.login.mutate({ username, password });
    expect(me).toMatchObject({ username, mustChangePassword: true });
    // A first sign-in must change the initial password before anything else.
    expect(await refusal(again.trpc.task.list.query({}))).toMatchObject({ appCode: "PASSWORD_CHANGE_REQUIRED", httpStatus: 403 });
  });

  it("a sign-in with an unknown user name is refused like a wrong password, and audited", async () => {
    const ghost = `ghost_${Date.now()}`;
    const response = await rawLogin(app.baseUrl, ghost, "Whatever@2026");
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("用户名或密码错误");
    const log = await c.auditor.trpc.audit.list.query({ action: "auth.login", outcome: "refused", limit: 20 });
    const record = log.items.find((r) => r.actorUsername === ghost);
    expect(record).toMatchObject({ reasonCode: "UNKNOWN_USER", actorUserId: null, outcome: "refused" });
  });

  it("a state-changing request from another site is refused (403); same-origin passes", async () => {
    const version = (await c.office.trpc.task.get.query({ taskId })).task.version;
    const body = JSON.stringify({ taskId, expectedVersion: version, event: { type: "URGE", text: "跨站" } });
    const headers = { "content-type": "application/json" };
    const hostileHeaders: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { origin: `${app.baseUrl}.evil.example` },
    ];
    for (const hostile of hostileHeaders) {
      const response = await c.office.fetch("/trpc/task.transition", { method: "POST", headers: { ...headers, ...hostile }, body });
      expect(response.status, JSON.stringify(hostile)).toBe(403);
    }
    const crossLogin = await rawLogin(app.baseUrl, "mzj", DEMO_PASSWORD, { origin: "http://evil.example" });
    expect(crossLogin.status).toBe(403);
    expect(crossLogin.headers.getSetCookie()).toEqual([]);
    const crossUpload = await c.mzj.fetch("/api/files", {
      method: "POST",
      headers: { origin: "http://evil.example", "x-file-name": "x.pdf" },
      body: new Uint8Array(samplePdf(unique("csrf"))),
    });
    expect(crossUpload.status).toBe(403);
    expect((await c.office.trpc.task.get.query({ taskId })).task.version).toBe(version);

    const same = await c.office.fetch("/trpc/task.transition", {
      method: "POST",
      headers: { ...headers, origin: app.baseUrl, "sec-fetch-site": "same-origin" },
      body,
    });
    expect(same.status).toBe(200);
    expect((await c.office.trpc.task.get.query({ taskId })).task.version).toBe(version + 1);
  });

  it("security headers are on every kind of response", async () => {
    const responses = await Promise.all([
      fetch(`${app.baseUrl}/api/health`),
      fetch(`${app.baseUrl}/trpc/auth.me`),
      fetch(`${app.baseUrl}/trpc/task.list`),
      fetch(`${app.baseUrl}/api/files/${evidence}`),
      fetch(`${app.baseUrl}/no/such/page`),
    ]);
    for (const response of responses) {
      const h = response.headers;
      const where = `${response.url} (${response.status})`;
      const csp = h.get("content-security-policy") ?? "";
      expect(csp, where).toMatch(/default-src 'self'/);
      expect(csp, where).toMatch(/object-src 'none'/);
      const framing = h.get("x-frame-options") === "DENY" || /frame-ancestors 'none'/.test(csp);
      expect(framing, where).toBe(true);
      expect(h.get("x-frame-options"), where).toBe("DENY");
      expect(h.get("x-content-type-options"), where).toBe("nosniff");
      expect(h.get("referrer-policy"), where).toMatch(/same-origin|no-referrer|strict-origin/);
      expect(h.get("x-powered-by"), where).toBeNull();
    }
  });

  it("without a session every non-public procedure answers UNAUTHORIZED (also with a forged cookie)", async () => {
    const guarded = PROCEDURES.filter((p) => !PUBLIC_PROCEDURES.has(p.path));
    expect(guarded.length).toBeGreaterThan(15);
    for (const cookie of [undefined, "duban_session=forged-token-value", `duban_session=${"A".repeat(43)}`]) {
      for (const procedure of guarded) {
        const headers: Record<string, string> = cookie ? { cookie } : {};
        const response =
          procedure.type === "query"
            ? await fetch(`${app.baseUrl}/trpc/${procedure.path}?input=${encodeURIComponent("{}")}`, { headers })
            : await fetch(`${app.baseUrl}/trpc/${procedure.path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{}" });
        const label = `${procedure.path} cookie=${cookie ?? "none"}`;
        expect(response.status, label).toBe(401);
        const body = (await response.json()) as { error: { message: string; data: { code: string } } };
        expect(body.error.data.code, label).toBe("UNAUTHORIZED");
        expect(body.error.message, label).toBe("请先登录");
      }
    }
    // Input-less mutations, as the tRPC client sends them (no body at all): refused for the session or
    // role, not for the missing body — and the refusal is audited.
    for (const procedure of guarded.filter((p) => p.type === "mutation")) {
      const response = await fetch(`${app.baseUrl}/trpc/${procedure.path}`, { method: "POST", headers: { "content-type": "application/json" } });
      expect(response.status, `${procedure.path} without a body`).toBe(401);
    }
    expect(await refusal(app.anonymous().trpc.auth.logout.mutate())).toMatchObject({ code: "UNAUTHORIZED", appCode: "UNAUTHORIZED" });
    expect(await refusal(c.office.trpc.audit.verify.mutate())).toMatchObject({ code: "FORBIDDEN", appCode: "FORBIDDEN", httpStatus: 403 });
    const refusedVerify = await c.auditor.trpc.audit.list.query({ action: "audit.verify", outcome: "refused", limit: 5 });
    expect(refusedVerify.items[0]).toMatchObject({ actorUsername: "office", reasonCode: "FORBIDDEN" });
    // Files need a session too.
    expect((await fetch(`${app.baseUrl}/api/files/${evidence}`)).status).toBe(401);
  });

  it("a liaison of another unit cannot read the task, its evidence or its history by guessing ids", async () => {
    expect(await refusal(c.ybj.trpc.task.get.query({ taskId }))).toMatchObject({ appCode: "NOT_FOUND", httpStatus: 404 });
    const notFound = await c.ybj.fetch(`/api/files/${evidence}`);
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).not.toContain("%PDF");
    // Asking for the task's unit or plan does not reveal it either.
    const leadUnit = c.mzj.me?.unitId ?? "";
    expect((await c.ybj.trpc.task.list.query({ unitId: leadUnit })).items).toEqual([]);
    const own = await c.ybj.trpc.task.list.query({ limit: 500 });
    expect(own.items.map((t) => t.id)).not.toContain(taskId);
    expect(own.items.every((t) => t.leadUnit?.id === c.ybj.me?.unitId || t.coUnits.some((u) => u.id === c.ybj.me?.unitId))).toBe(true);
    expect((await c.ybj.trpc.task.list.query({ text: "办理方案", limit: 500 })).items.map((t) => t.id)).not.toContain(taskId);
    // The log is the auditor's alone.
    expect(await refusal(c.ybj.trpc.audit.list.query({ taskId }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(c.mzj.trpc.audit.list.query({ taskId }))).toMatchObject({ code: "FORBIDDEN" });
    // The lead unit's own liaison can read all of it.
    expect((await c.mzj.trpc.task.get.query({ taskId })).history.length).toBeGreaterThan(0);
    expect((await c.mzj.fetch(`/api/files/${evidence}`)).status).toBe(200);
  });

  it("a liaison cannot gain another unit's evidence by attaching its hash to a task of their own", async () => {
    const ownUnit = c.ybj.me?.unitId ?? "";
    const [ownTask] = (await createPlan(c.office, [{ leadUnitId: ownUnit }])) as [string];
    await move(c.ybj, ownTask, { type: "SIGN" });
    const version = (await c.ybj.trpc.task.get.query({ taskId: ownTask })).task.version;
    // The hash of a file the user may not read must be treated like one that does not exist.
    const attached = await attempt(
      c.ybj.trpc.task.transition.mutate({ taskId: ownTask, expectedVersion: version, event: { type: "SUBMIT", text: "办理方案", fileHashes: [evidence] } }),
    );
    const download = (await c.ybj.fetch(`/api/files/${evidence}`)).status;
    expect({ attachedCode: attached.ok ? "accepted" : attached.code, download }, "attach must be refused; the file must stay unreadable").toEqual({
      attachedCode: "BAD_REQUEST",
      download: 404,
    });
  });

  it("the system and security administrators cannot read tasks or plans", async () => {
    for (const user of ["sysadmin", "secadmin"] as const) {
      expect(await refusal(c[user].trpc.task.get.query({ taskId })), user).toMatchObject({ appCode: "NOT_FOUND" });
      expect(await refusal(c[user].trpc.task.list.query({})), user).toMatchObject({ code: "FORBIDDEN" });
      expect(await refusal(c[user].trpc.plan.list.query()), user).toMatchObject({ code: "FORBIDDEN" });
      expect((await c[user].fetch(`/api/files/${evidence}`)).status, user).toBe(404);
      expect(await refusal(c[user].trpc.audit.list.query({})), user).toMatchObject({ code: "FORBIDDEN" });
    }
    // …while the auditor reads everything and changes nothing.
    expect((await c.auditor.trpc.task.get.query({ taskId })).task.id).toBe(taskId);
    expect(await refusal(c.auditor.trpc.plan.create.mutate({ title: "x", phases: [], tasks: [] }))).toMatchObject({ code: "FORBIDDEN" });
  });

  it("a session idle longer than sessionIdleMs is refused; activity keeps it alive until the absolute limit", async () => {
    const idleMs = app.config.sessionIdleMs;
    const start = offsetMs;
    try {
      const idle = await app.login("office");
      const busy = await app.login("mzj");
      // Just inside the idle limit the session still works (and is touched).
      offsetMs = start + idleMs - 5_000;
      expect((await idle.trpc.auth.me.query())?.username).toBe("office");
      expect((await busy.trpc.auth.me.query())?.username).toBe("mzj");
      // Idle beyond the limit since that last request: refused.
      offsetMs = start + 2 * idleMs - 5_000 + 10_000;
      expect(await idle.trpc.auth.me.query()).toBeNull();
      expect(await refusal(idle.trpc.task.list.query({}))).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
      // Coming back does not revive it.
      offsetMs = start;
      expect(await idle.trpc.auth.me.query()).toBeNull();

      // A session used every few minutes ends at the absolute lifetime all the same.
      const active = await app.login("office");
      const step = Math.floor(idleMs / 2);
      let elapsed = 0;
      while (elapsed + step < app.config.sessionAbsoluteMs - step) {
        elapsed += step;
        offsetMs = start + elapsed;
        expect((await attempt(active.trpc.task.list.query({ limit: 1 }))).ok, `after ${elapsed / 60_000} min`).toBe(true);
      }
      offsetMs = start + app.config.sessionAbsoluteMs + 1_000;
      expect(await active.trpc.auth.me.query()).toBeNull();
    } finally {
      offsetMs = start;
    }
  });
});
