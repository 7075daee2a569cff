// The HTTP face of the API: tRPC at /trpc, evidence files at /api/files, export downloads at
// /api/exports (http/exports.ts), the built web app at /.
// Security headers (helmet, HSTS under HTTPS), a same-origin rule for state-changing requests,
// cookies set here, proxy awareness (security/proxy.ts), and every refusal made here audited.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import helmet from "helmet";
import sirv from "sirv";
import type { Context, InnerContext, RequestInfo, SessionUser } from "../context";
import { AppError, httpStatusOf, reasonOfTRPCCode } from "../errors";
import { appRouter } from "../router";
import { loginLimiter, rateLimitedMessage, resolveSession } from "../services/auth";
import { auditRefusal } from "../services/audit";
import { clientAddress, compileTrust, isHttps, type TrustFn } from "../security/proxy";
import { SESSION_COOKIE } from "../security/tokens";
import { wasAudited } from "../trpc";
import { downloadLedger } from "./exports";
import { loadFile, readBody, storeUpload } from "./files";
import { readiness } from "./ready";
import { createNodeTRPCHandler } from "./trpc-handler";

/** The largest tRPC request body (a plan import carries a document). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Browsers keep HTTPS for a year once they saw it (not includeSubDomains: other sites may share the domain). */
const HSTS = "max-age=31536000";

export interface ServerOptions {
  webDist?: string | null;
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = decodeCookieValue(part.slice(i + 1).trim());
  }
  return out;
}

/** A malformed %-escape (`%E0%A4%A`) is kept as it came: it names no session, never a 500. */
function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether `text` holds a %-escape that does not decode (`%`, `%zz`, `%E0%A4%A`, an overlong UTF-8). */
export function hasMalformedEscape(text: string): boolean {
  if (!text.includes("%")) return false;
  try {
    decodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
}

/**
 * The request facts, computed once per request (for tRPC's context and its error hook) and kept on
 * the request itself. Not in a WeakMap keyed by requests: every entry of one is an ephemeron the
 * garbage collector must trace specially, which cost more per request than tRPC's whole call.
 */
const REQUEST_INFO = Symbol("duban.requestInfo");
type WithRequestInfo = IncomingMessage & { [REQUEST_INFO]?: RequestInfo };

function requestInfo(req: IncomingMessage, res: ServerResponse, trust: TrustFn): RequestInfo {
  const secure = isHttps(req, trust) ? "; Secure" : "";
  const appendCookie = (cookie: string) => {
    const prev = res.getHeader("set-cookie");
    res.setHeader("set-cookie", [...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []), cookie]);
  };
  return {
    clientIp: clientAddress(req, trust),
    userAgent: typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null,
    sessionToken: parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? null,
    setSessionCookie: (token, maxAgeMs) =>
      appendCookie(`${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure}`),
    clearSessionCookie: () => appendCookie(`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`),
  };
}

/**
 * State-changing requests must come from this site: an Origin (or Sec-Fetch-Site) that names
 * another site is refused. Requests with neither header (curl, server-to-server) carry no
 * browser cookies from another site, so they pass.
 */
export function isCrossSite(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return false;
  const origin = req.headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    const host = req.headers.host;
    const sameOrigin = host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
    return !sameOrigin && !allowedOrigins.includes(origin);
  }
  if (origin === "null") return true;
  return req.headers["sec-fetch-site"] === "cross-site";
}

function sendJsonError(res: ServerResponse, error: AppError) {
  const status = httpStatusOf(error.code);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
}

const helmetMiddleware = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Ant Design injects its CSS-in-JS styles at run time.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "same-origin" },
  // Set per request below, only when the browser came over HTTPS.
  strictTransportSecurity: false,
});

/**
 * helmet's headers, computed once: its middleware builds the same values on every request (the CSP
 * string included), so it is run once against a stand-in response and the result is replayed.
 */
function precomputedHeaders(middleware: typeof helmetMiddleware): [string, string | string[]][] {
  const headers: [string, string | string[]][] = [];
  const recorder = {
    setHeader: (name: string, value: string | string[]) => void headers.push([name, value]),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  middleware({ method: "GET", url: "/", headers: {} } as IncomingMessage, recorder, () => undefined);
  return headers;
}

const SECURITY_HEADERS = precomputedHeaders(helmetMiddleware);

function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}

/** The body length the client declared (Content-Length), or 0. */
function declaredLength(req: IncomingMessage): number {
  const length = Number(req.headers["content-length"]);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/**
 * Reads and discards the rest of a body that will be refused: answering while the client still
 * sends makes the socket close under it (ECONNRESET), and the answer is lost.
 */
function drain(req: IncomingMessage): Promise<void> {
  if (req.complete) return Promise.resolve();
  return new Promise((resolve) => {
    req.on("end", resolve).on("close", resolve).on("error", resolve);
    req.resume();
  });
}

/**
 * The request's path, undecoded. An absolute-form target (`GET http://host/x`) gives its path; a
 * target that is neither (`GET *`, garbage) gives null.
 */
function pathOf(url: string): string | null {
  if (url.startsWith("/")) return url.split("?")[0] ?? "/";
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}

/**
 * The built web app through sirv: only files that exist under `root` at start-up are ever served
 * (a lookup in a table of them, so no path can step outside), with ETag/304, the precompressed
 * `.br`/`.gz` twin when the browser accepts it, and index.html for the client-side routes.
 */
function staticFiles(root: string) {
  const serve = sirv(root, {
    dev: false,
    etag: true,
    single: true,
    brotli: true,
    gzip: true,
    setHeaders: (res, pathname) => {
      // Vite names assets by content hash: cache them for good; index.html is revalidated each time.
      res.setHeader("cache-control", pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    // sirv trusts a Range it cannot parse (`bytes=9-1` throws in createReadStream): serve the whole file instead.
    const range = req.headers.range;
    if (range !== undefined) {
      const match = /^bytes=(\d{1,15})-(\d{0,15})$/.exec(range);
      if (match === null || (match[2] !== "" && Number(match[2]) < Number(match[1]))) delete req.headers.range;
    }
    serve(req, res, () => sendJsonError(res, new AppError("NOT_FOUND", "页面不存在")));
  };
}

export function createAppServer(inner: InnerContext, options: ServerOptions = {}): Server {
  const trust = compileTrust(inner.config.security.trustProxy);
  const infoOf = (req: IncomingMessage, res: ServerResponse): RequestInfo => ((req as WithRequestInfo)[REQUEST_INFO] ??= requestInfo(req, res, trust));
  const contextOf = async (req: IncomingMessage, res: ServerResponse): Promise<Context> => {
    const request = infoOf(req, res);
    return { ...inner, request, session: await resolveSession(inner, request.sessionToken) };
  };

  const trpc = createNodeTRPCHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: contextOf,
    onError: ({ error, path, req, ctx }) => {
      // Errors raised before any procedure ran (unknown procedure, wrong method, unparsable body)
      // never passed the procedures' error boundary: audit them here, before the answer is sent
      // (so that a client's next request is logged after this one).
      if (wasAudited(error)) return;
      if (error.code === "INTERNAL_SERVER_ERROR") inner.logger.error({ err: error, path }, "trpc internal error");
      const request = (req as WithRequestInfo)[REQUEST_INFO];
      return auditRefusal(ctx ?? { ...inner, ...(request !== undefined ? { request } : {}) }, {
        action: path?.slice(0, 100) ?? "trpc",
        reason_code: reasonOfTRPCCode(error.code),
        detail: { method: req.method ?? null },
      });
    },
  });
  const webDist = options.webDist && existsSync(join(options.webDist, "index.html")) ? resolve(options.webDist) : null;
  const web = webDist !== null ? staticFiles(webDist) : null;

  /** A refusal made here, before or outside tRPC: audited, then answered. */
  const refuse = async (req: IncomingMessage, res: ServerResponse, action: string, error: AppError, session: SessionUser | null = null, objectId: string | null = null) => {
    await auditRefusal(
      { ...inner, request: infoOf(req, res), session },
      { action, reason_code: error.code, object_type: action.startsWith("file.") ? "file" : null, object_id: objectId, comment: error.message, detail: { method: req.method ?? null } },
    );
    await drain(req);
    sendJsonError(res, error);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? "/";
    const pathname = pathOf(rawUrl);
    if (pathname === null || hasMalformedEscape(rawUrl)) {
      return refuse(req, res, "http.request", new AppError("BAD_INPUT", "请求地址格式不正确"), null, rawUrl.slice(0, 200));
    }
    if (isHttps(req, trust)) res.setHeader("strict-transport-security", HSTS);
    if (isCrossSite(req, inner.config.allowedOrigins)) {
      // The record names whose session the other site tried to ride on.
      const { session } = await contextOf(req, res);
      return refuse(req, res, "http.request", new AppError("FORBIDDEN", "拒绝来自其他站点的请求"), session, pathname.slice(0, 200));
    }
    if (pathname.startsWith("/trpc/")) {
      // Answers depend on the session: never kept by the browser or a proxy.
      res.setHeader("cache-control", "no-store");
      if (declaredLength(req) > MAX_BODY_BYTES) {
        const path = pathname.slice("/trpc/".length).slice(0, 100);
        const { session } = await contextOf(req, res);
        await auditRefusal({ ...inner, request: infoOf(req, res), session }, { action: path, reason_code: "PAYLOAD_TOO_LARGE", detail: { method: req.method ?? null, bytes: declaredLength(req) } });
        await drain(req);
        // The shape tRPC's own refusal has (trpc.ts errorFormatter), so the client reads it alike.
        res.writeHead(413, { "content-type": "application/json; charset=utf-8" });
        return res.end(JSON.stringify({ error: { message: "请求内容过大", code: -32013, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, path, appCode: null, guard: null, fields: null } } }));
      }
      const info = infoOf(req, res); // the client's address, also for refusals raised before tRPC makes a context
      // A sign-in flood from a blocked address is answered here, before tRPC parses anything: the
      // same refusal (and the same burst of audit records) as auth.login's own, at a fraction of
      // the cost, so the flood cannot take the event loop from everyone else.
      if (pathname === "/trpc/auth.login" && loginLimiter(inner).addressBlocked(info.clientIp ?? "unknown")) {
        await auditRefusal(
          { ...inner, request: info, session: null },
          { action: "auth.login", reason_code: "RATE_LIMITED", actor_username: null, object_type: "user", object_id: null, detail: { fastPath: true } },
        );
        await drain(req);
        const error = { message: rateLimitedMessage(inner), code: -32029, data: { code: "TOO_MANY_REQUESTS", httpStatus: 429, path: "auth.login", appCode: "RATE_LIMITED", guard: null, fields: null } };
        res.writeHead(429, { "content-type": "application/json; charset=utf-8" });
        return res.end(JSON.stringify(new URL(rawUrl, "http://x").searchParams.get("batch") === "1" ? [{ error }] : { error }));
      }
      return trpc(req, res);
    }
    if (pathname === "/api/health") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify({ ok: true }));
    }
    if (pathname === "/api/ready") {
      const state = await readiness(inner);
      res.writeHead(state.ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify(state));
    }
    if (pathname === "/api/files" || pathname.startsWith("/api/files/")) return handleFiles(req, res, pathname);
    if (pathname === "/api/exports/ledger") {
      res.setHeader("cache-control", "no-store");
      return downloadLedger(await contextOf(req, res), req.method, new URL(rawUrl, "http://x"), res, async (error) => {
        await drain(req);
        sendJsonError(res, error);
      });
    }
    if (web !== null && (req.method === "GET" || req.method === "HEAD")) return web(req, res);
    return sendJsonError(res, new AppError("NOT_FOUND", "页面不存在"));
  };

  const handleFiles = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const upload = req.method === "POST" && pathname === "/api/files";
    const action = upload ? "file.upload" : "file.read";
    const objectId = upload ? null : pathname.slice("/api/files/".length).slice(0, 100);
    const ctx = await contextOf(req, res);
    if (ctx.session === null) return refuse(req, res, action, new AppError("UNAUTHORIZED", "请先登录"), null, objectId);
    const authed = { ...ctx, session: ctx.session };
    try {
      if (upload) {
        const rawName = req.headers["x-file-name"];
        const name = typeof rawName === "string" ? rawName : "file";
        if (hasMalformedEscape(name)) throw new AppError("BAD_INPUT", "文件名编码不正确");
        const bytes = await readBody(req, inner.config.maxUploadBytes);
        const stored = await storeUpload(authed, decodeURIComponent(name), bytes);
        res.writeHead(201, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        return res.end(JSON.stringify(stored));
      }
      if (req.method === "GET" || req.method === "HEAD") {
        const file = await loadFile(authed, objectId ?? "");
        res.writeHead(200, {
          "content-type": file.mime,
          "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          "cache-control": "no-store",
        });
        return res.end(file.bytes);
      }
      throw new AppError("NOT_FOUND", "不支持的请求");
    } catch (error) {
      if (error instanceof AppError) return refuse(req, res, action, error, ctx.session, objectId);
      throw error;
    }
  };

  return createServer((req, res) => {
    setSecurityHeaders(res);
    {
      handle(req, res).catch(async (error: unknown) => {
        inner.logger.error({ err: error, url: req.url }, "request failed");
        await auditRefusal({ ...inner, request: infoOf(req, res) }, { action: "http.request", reason_code: "INTERNAL", object_id: (req.url ?? "").slice(0, 200), detail: { method: req.method ?? null } });
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
          res.end(JSON.stringify({ error: { code: "INTERNAL", message: "服务器内部错误，请稍后重试" } }));
        } else res.end();
      });
    }
  });
}
