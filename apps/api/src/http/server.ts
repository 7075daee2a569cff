// The HTTP face of the API: tRPC at /trpc, evidence files at /api/files, the built web app at /.
// Security headers (helmet), a same-origin rule for state-changing requests, cookies set here.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import helmet from "helmet";
import type { Context, InnerContext, RequestInfo } from "../context";
import { AppError, APP_ERROR_CODES } from "../errors";
import { appRouter } from "../router";
import { resolveSession } from "../services/auth";
import { SESSION_COOKIE } from "../security/tokens";
import { loadFile, readBody, storeUpload } from "./files";
import { readiness } from "./ready";

const STATUS_OF: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

export interface ServerOptions {
  webDist?: string | null;
  /** Behind an https proxy: mark cookies Secure and trust X-Forwarded-For for the client address. */
  behindHttps?: boolean;
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

function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "";
  return forwarded || req.socket.remoteAddress || null;
}

function requestInfo(req: IncomingMessage, res: ServerResponse, options: ServerOptions): RequestInfo {
  const secure = options.behindHttps ? "; Secure" : "";
  const appendCookie = (cookie: string) => {
    const prev = res.getHeader("set-cookie");
    res.setHeader("set-cookie", [...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []), cookie]);
  };
  return {
    clientIp: clientIp(req, options.behindHttps ?? false),
    userAgent: typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null,
    sessionToken: parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? null,
    setSessionCookie: (token, maxAgeMs) =>
      appendCookie(`${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure}`),
    clearSessionCookie: () => appendCookie(`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`),
  };
}

async function createContext(inner: InnerContext, req: IncomingMessage, res: ServerResponse, options: ServerOptions): Promise<Context> {
  const request = requestInfo(req, res, options);
  return { ...inner, request, session: await resolveSession(inner, request.sessionToken) };
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
  const status = STATUS_OF[APP_ERROR_CODES[error.code]] ?? 400;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
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

export function createAppServer(inner: InnerContext, options: ServerOptions = {}): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: 32 * 1024 * 1024,
    createContext: ({ req, res }) => createContext(inner, req, res, options),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") inner.logger.error({ err: error, path }, "trpc internal error");
    },
  });
  const webDist = options.webDist && existsSync(join(options.webDist, "index.html")) ? resolve(options.webDist) : null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (isCrossSite(req, inner.config.allowedOrigins)) {
      return sendJsonError(res, new AppError("FORBIDDEN", "拒绝来自其他站点的请求"));
    }
    if (url.pathname.startsWith("/trpc/")) return trpc(req, res);
    if (url.pathname === "/api/health") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ ok: true }));
    }
    if (url.pathname === "/api/ready") {
      const state = await readiness(inner);
      res.writeHead(state.ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify(state));
    }
    if (url.pathname === "/api/files" || url.pathname.startsWith("/api/files/")) {
      const ctx = await createContext(inner, req, res, options);
      if (ctx.session === null) return sendJsonError(res, new AppError("UNAUTHORIZED", "请先登录"));
      const authed = { ...ctx, session: ctx.session };
      try {
        if (req.method === "POST" && url.pathname === "/api/files") {
          const name = decodeURIComponent(String(req.headers["x-file-name"] ?? "file"));
          const bytes = await readBody(req, inner.config.maxUploadBytes);
          const stored = await storeUpload(authed, name, bytes);
          res.writeHead(201, { "content-type": "application/json; charset=utf-8" });
          return res.end(JSON.stringify(stored));
        }
        if (req.method === "GET") {
          const file = await loadFile(authed, url.pathname.slice("/api/files/".length));
          res.writeHead(200, {
            "content-type": file.mime,
            "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
            "cache-control": "private, max-age=3600",
          });
          return res.end(file.bytes);
        }
        return sendJsonError(res, new AppError("NOT_FOUND", "不支持的请求"));
      } catch (error) {
        if (error instanceof AppError) return sendJsonError(res, error);
        throw error;
      }
    }
    if (webDist !== null && (req.method === "GET" || req.method === "HEAD")) return serveStatic(webDist, url.pathname, res);
    return sendJsonError(res, new AppError("NOT_FOUND", "页面不存在"));
  };

  return createServer((req, res) => {
    setSecurityHeaders(res);
    handle(req, res).catch((error: unknown) => {
      inner.logger.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "INTERNAL", message: "服务器内部错误，请稍后重试" } }));
      } else res.end();
    });
  });
}

async function serveStatic(root: string, pathname: string, res: ServerResponse) {
  const candidate = normalize(join(root, decodeURIComponent(pathname)));
  let file = candidate.startsWith(root) ? candidate : join(root, "index.html");
  try {
    if (!(await stat(file)).isFile()) file = join(root, "index.html");
  } catch {
    file = join(root, "index.html"); // client-side routes
  }
  const body = await readFile(file);
  const immutable = file.includes(`${root}/assets/`);
  res.writeHead(200, {
    "content-type": MIME[extname(file)] ?? "application/octet-stream",
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  res.end(body);
}
