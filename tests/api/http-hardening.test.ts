// The HTTP layer under attack (issue 17): static files that cannot be stepped out of in any
// spelling, ETag/304 and precompressed twins, malformed %-escapes answered 400, refusals made
// outside the procedures audited with the right reason, and proxy awareness (client address,
// Secure cookie, HSTS) — over real HTTP, on SQLite and PostgreSQL.
import { gzipSync, brotliCompressSync } from "node:zlib";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_PASSWORD, testConfig } from "@duban/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSeq, DIALECTS, refusalsSince, samplePdf, startTestApp, unique, uploadFile, type ApiClient, type TestApp } from "../support/server";

const SECRET = "SECRET-OUTSIDE-THE-WEB-ROOT";
const INDEX = "<!doctype html><title>督查督办</title><div id=root></div>";
const SCRIPT = `console.log("督查督办 ${"资产".repeat(200)}");`;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request exactly as written: node:http neither normalises nor re-encodes the path. */
function raw(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Raw> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers, insecureHTTPParser: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A built web app beside a sibling folder and a file that must never be served. */
function makeWebRoot() {
  const parent = mkdtempSync(join(tmpdir(), "duban-web-"));
  const dist = join(parent, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "index.html"), INDEX);
  writeFileSync(join(dist, "assets", "app-3f9a.js"), SCRIPT);
  writeFileSync(join(dist, "assets", "app-3f9a.js.br"), brotliCompressSync(SCRIPT));
  writeFileSync(join(dist, "assets", "app-3f9a.js.gz"), gzipSync(SCRIPT));
  for (const sibling of ["dist-old", "distX"]) {
    mkdirSync(join(parent, sibling), { recursive: true });
    writeFileSync(join(parent, sibling, "index.html"), SECRET);
  }
  writeFileSync(join(parent, "secret.txt"), SECRET);
  writeFileSync(join(parent, "package.json"), SECRET);
  return { parent, dist };
}

const TRAVERSALS = [
  "/../secret.txt",
  "/../dist-old/index.html",
  "/..%2Fdist-old/index.html",
  "/..%2fdist-old%2findex.html",
  "/%2e%2e/dist-old/index.html",
  "/%2e%2e%2fdist-old%2findex.html",
  "/%2E%2E%2Fsecret.txt",
  "/.%2e/secret.txt",
  "/%2e./secret.txt",
  "/assets/../../secret.txt",
  "/assets/..%2F..%2Fsecret.txt",
  "/assets/%2e%2e%2f%2e%2e%2fdistX/index.html",
  "/..\\secret.txt",
  "/..%5Csecret.txt",
  "/assets/..%5C..%5Csecret.txt",
  "/%252e%252e%252fsecret.txt",
  "/..%252fsecret.txt",
  "//secret.txt",
  "/%2F..%2Fsecret.txt",
  "/./../secret.txt",
  "/dist/../../secret.txt",
  "/..;/secret.txt",
  "/../package.json",
  "/%2e%2e/package.json",
  "/index.html/../../secret.txt",
  "/assets/app-3f9a.js/../../../secret.txt",
];
const MALFORMED = ["/%E0%A4%A", "/%", "/%zz", "/assets/%C0%AF..%C0%AFsecret.txt", "/..%c0%af..%c0%afsecret.txt", "/%ED%A0%80", "/%00", "/trpc/auth.me?input=%E0%A4%A", "/api/files/%zz", "/api/health?x=%"];

describe.each(DIALECTS)("HTTP hardening (%s)", (dialect) => {
  let app: TestApp;
  let web: { parent: string; dist: string };
  let office: ApiClient;
  let mzj: ApiClient;

  beforeAll(async () => {
    web = makeWebRoot();
    app = await startTestApp(dialect, { webDist: web.dist });
    office = await app.login("office");
    mzj = await app.login("mzj");
  });
  afterAll(async () => {
    await app?.close();
    rmSync(web.parent, { recursive: true, force: true });
  });

  it("no spelling of a path leaves the web root: each is the app's page, a 404 or a 400, never the file beside it", async () => {
    for (const path of [...TRAVERSALS, ...MALFORMED]) {
      for (const method of ["GET", "HEAD"]) {
        const got = await raw(app.baseUrl, method, path);
        expect(got.status, `${method} ${path}`).toBeLessThan(500);
        expect(got.body.toString("latin1"), `${method} ${path}`).not.toContain(SECRET);
        if (got.status === 200) expect(got.body.toString(), `${method} ${path}`).toBe(method === "HEAD" ? "" : INDEX);
      }
    }
    // The absolute form a proxy may send, and a path-less target.
    for (const target of [`http://127.0.0.1/../secret.txt`, `http://127.0.0.1/..%2Fsecret.txt`, "*"]) {
      const got = await raw(app.baseUrl, "GET", target);
      expect(got.status, target).toBeLessThan(500);
      expect(got.body.toString("latin1"), target).not.toContain(SECRET);
    }
  });

  it("a malformed %-escape anywhere in the URL or the file-name header is a 400 with a Chinese message, and audited", async () => {
    const seq = await auditSeq(app);
    for (const path of MALFORMED) {
      const got = await raw(app.baseUrl, "GET", path);
      if (path === "/%00") {
        // %00 decodes (to U+0000): not malformed, and no file has that name: a client-side route.
        expect(got.body.toString(), path).toBe(INDEX);
        continue;
      }
      expect(got.status, path).toBe(400);
      expect(JSON.parse(got.body.toString()).error.message, path).toBe("请求地址格式不正确");
    }
    const upload = await mzj.fetch("/api/files", { method: "POST", headers: { "x-file-name": "%E0%A4%A.pdf" }, body: new Uint8Array(samplePdf(unique("escape"))) });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as { error: { message: string } }).error.message).toBe("文件名编码不正确");
    const urls = await refusalsSince(app, seq, { action: "http.request" }, "BAD_INPUT");
    // One burst per path (the traversal test's may have opened them): a record, then a summary.
    expect(urls.count).toBeGreaterThanOrEqual(MALFORMED.length - 1);
    expect(urls.records.length).toBeLessThanOrEqual(2 * (MALFORMED.length - 1));
    expect(urls.records[0]).toMatchObject({ client_ip: "127.0.0.1", outcome: "refused" });
    const files = await refusalsSince(app, seq, { action: "file.upload" }, "BAD_INPUT");
    expect(files.records).toHaveLength(1);
    expect(files.records[0]).toMatchObject({ actor_username: "mzj", comment: "文件名编码不正确" });
  });

  it("ETag and 304; the .br or .gz twin when the browser accepts it; hashed assets cached for good, the page revalidated", async () => {
    const plain = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js");
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["content-type"]).toMatch(/javascript/);
    const etag = String(plain.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    const br = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.body.equals(brotliCompressSync(SCRIPT))).toBe(true);
    const gz = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js", { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.body.equals(gzipSync(SCRIPT))).toBe(true);

    // Client-side routes get the page, revalidated each time; a missing asset is a 404, not the page.
    for (const route of ["/", "/tasks/abc", "/plans/1/edit"]) {
      const page = await raw(app.baseUrl, "GET", route);
      expect(page.status, route).toBe(200);
      expect(page.body.toString(), route).toBe(INDEX);
      expect(page.headers["cache-control"], route).toBe("no-cache");
      expect(page.headers["content-type"], route).toMatch(/text\/html/);
    }
    expect((await raw(app.baseUrl, "GET", "/assets/missing-1234.js")).status).toBe(404);
    // A Range sirv cannot honour is ignored (the whole file), never a crash.
    for (const range of ["bytes=9-1", "bytes=abc", "bytes=0-1,5-6", "bytes=-5", "items=0-1"]) {
      const got = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js", { range });
      expect(got.status, range).toBe(200);
      expect(got.body.toString(), range).toBe(SCRIPT);
    }
    const part = await raw(app.baseUrl, "GET", "/assets/app-3f9a.js", { range: "bytes=0-6" });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe(SCRIPT.slice(0, 7));
  });

  it("answers that depend on the session are never cached", async () => {
    for (const path of ["/trpc/auth.me", "/trpc/task.list?input=%7B%7D", "/api/health"]) {
      const got = await office.fetch(path);
      expect(got.headers.get("cache-control"), path).toBe("no-store");
    }
    const upload = await uploadFile(mzj, "方案.pdf", samplePdf(unique("nostore")));
    const { sha256 } = (await upload.json()) as { sha256: string };
    expect(upload.headers.get("cache-control")).toBe("no-store");
    const file = await mzj.fetch(`/api/files/${sha256}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("cache-control")).toBe("no-store");
  });

  it("refusals outside the procedures are audited with their reason: cross-site, oversized, unknown procedure, file reads and uploads", async () => {
    const seq = await auditSeq(app);
    const cross = await office.fetch("/trpc/auth.logout", { method: "POST", headers: { origin: "http://evil.example" } });
    expect(cross.status).toBe(403);
    const huge = await office.fetch("/trpc/task.transition", { method: "POST", headers: { "content-type": "application/json" }, body: `{"taskId":"${"a".repeat(33 * 1024 * 1024)}"}` });
    expect(huge.status).toBe(413);
    expect((await office.fetch("/trpc/task.explode")).status).toBe(404);
    expect((await mzj.fetch(`/api/files/${"0".repeat(64)}`)).status).toBe(404);
    expect((await raw(app.baseUrl, "GET", `/api/files/${"1".repeat(64)}`)).status).toBe(401);
    expect((await uploadFile(mzj, "tool.exe", Buffer.from("MZ\x90\x00", "latin1"))).status).toBe(400);
    expect((await uploadFile(office, "big.pdf", Buffer.concat([samplePdf("big"), Buffer.alloc(app.config.maxUploadBytes, 0x20)]))).status).toBe(413);

    const all = await refusalsSince(app, seq);
    const reasons = all.records.map((r) => `${r.action} ${r.reason_code} ${r.actor_username ?? "-"}`);
    expect(reasons).toEqual([
      "http.request FORBIDDEN office",
      "task.transition PAYLOAD_TOO_LARGE office",
      "task.explode NOT_FOUND office",
      "file.read NOT_FOUND mzj",
      "file.read UNAUTHORIZED -",
      "file.upload BAD_INPUT mzj",
      "file.upload PAYLOAD_TOO_LARGE office",
    ]);
    expect(all.records.every((r) => r.client_ip === "127.0.0.1")).toBe(true);
  });

  it("without a trusted proxy, X-Forwarded-* count for nothing: no spoofed address, no Secure cookie, no HSTS", async () => {
    const login = await raw(app.baseUrl, "POST", "/trpc/auth.login", { "content-type": "application/json", "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https" }, JSON.stringify({ username: "leader", password: DEMO_PASSWORD }));
    expect(login.status).toBe(200);
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).not.toMatch(/secure/i);
    expect(login.headers["strict-transport-security"]).toBeUndefined();
    const seq = await auditSeq(app);
    await raw(app.baseUrl, "GET", "/%", { "x-forwarded-for": "198.51.100.7" });
    const refused = await refusalsSince(app, seq, { action: "http.request" });
    expect(refused.records[0]?.client_ip).toBe("127.0.0.1");
  });
});

describe.each(DIALECTS)("behind a trusted reverse proxy (%s)", (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    // nginx on the same host: the peer is 127.0.0.1, one hop.
    app = await startTestApp(dialect, { config: { security: { ...testConfig().security, trustProxy: { ranges: ["loopback"] } } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the client's address comes from X-Forwarded-For, HTTPS from X-Forwarded-Proto: Secure cookie and HSTS", async () => {
    const headers = { "content-type": "application/json", "x-forwarded-for": "203.0.113.9, 198.51.100.20", "x-forwarded-proto": "https" };
    const login = await raw(app.baseUrl, "POST", "/trpc/auth.login", headers, JSON.stringify({ username: "office", password: DEMO_PASSWORD }));
    expect(login.status).toBe(200);
    const [cookie = ""] = login.headers["set-cookie"] ?? [];
    expect(cookie.split(";").map((a) => a.trim().toLowerCase())).toContain("secure");
    expect(login.headers["strict-transport-security"]).toBe("max-age=31536000");
    const record = await app.inner.db.selectFrom("audit_log").selectAll().where("action", "=", "auth.login").where("outcome", "=", "ok").orderBy("seq", "desc").executeTakeFirstOrThrow();
    // The proxy trusts only loopback: the rightmost untrusted address is the client.
    expect(record.client_ip).toBe("198.51.100.20");

    const plain = await raw(app.baseUrl, "POST", "/trpc/auth.login", { "content-type": "application/json", "x-forwarded-proto": "http" }, JSON.stringify({ username: "office", password: DEMO_PASSWORD }));
    expect(String(plain.headers["set-cookie"])).not.toMatch(/secure/i);
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
  });
});
