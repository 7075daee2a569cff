// A sign-in flood from one address over HTTP: once the address is blocked, auth.login is refused by
// the HTTP layer before tRPC parses anything, in tRPC's own shape (batched or not, so the web's
// client reads it alike), with the same words, and every attempt is counted in the audit burst.
import { testConfig } from "@duban/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSeq, DIALECTS, refusalsSince, startTestApp, type TestApp } from "../support/server";

const LIMIT = 3;

describe.each(DIALECTS)("a sign-in flood over HTTP (%s)", (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    const base = testConfig({});
    app = await startTestApp(dialect, { config: { security: { ...base.security, loginPerAddress: LIMIT } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const attempt = (batch: boolean) =>
    fetch(`${app.baseUrl}/trpc/auth.login${batch ? "?batch=1" : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(batch ? { 0: { username: "mzj", password: "wrong-password" } } : { username: "mzj", password: "wrong-password" }),
    });

  it("a blocked address is refused RATE_LIMITED in tRPC's shape, batched too, and each attempt is audited", async () => {
    const seq = await auditSeq(app);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await attempt(false)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    const plain = await attempt(false);
    expect(plain.status).toBe(429);
    const body = (await plain.json()) as { error: { message: string; data: { code: string; appCode: string; path: string } } };
    expect(body.error).toMatchObject({ message: expect.stringContaining("登录失败次数过多"), data: { code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED", path: "auth.login" } });
    const batched = await attempt(true);
    expect(batched.status).toBe(429);
    const list = (await batched.json()) as { error: { data: { appCode: string } } }[];
    expect(list[0]?.error.data.appCode).toBe("RATE_LIMITED");
    for (let i = 0; i < 20; i++) expect((await attempt(false)).status).toBe(429);
    const refused = await refusalsSince(app, seq, { action: "auth.login" }, "RATE_LIMITED");
    expect(refused.count).toBe(22);
    expect(refused.records.every((r) => r.actor_username === null && r.client_ip !== null)).toBe(true);
  });
});
