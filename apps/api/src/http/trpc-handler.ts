// tRPC over node:http through tRPC's own `resolveResponse` (@trpc/server/http — the entry tRPC
// gives adapter authors), without the standalone adapter's translation layer. That adapter turns
// every IncomingMessage into an undici Request (a Headers copy of every header, a URL parse, an
// AbortController, a web ReadableStream over the body) and pipes the Response back through a
// WritableStream as a chunked body; on Node 20 those web objects cost more than the procedure.
// Here tRPC sees a read-only view of the node request (the few members resolveResponse reads),
// and a finished answer is written in one `res.end` with a Content-Length.
//
// What tRPC does is unchanged: routing, batching, method rules, input parsing, the error shape,
// status codes and onError all come from resolveResponse. Requests the view does not cover (a
// body that is not JSON) get a real Request, as the standalone adapter builds it.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { TRPCError, type AnyTRPCRouter, type inferRouterContext } from "@trpc/server";
import { resolveResponse, type HTTPErrorHandler } from "@trpc/server/http";

export interface NodeTRPCHandlerOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** Where procedures are served, with the trailing slash (`/trpc/`): the rest of the path names them. */
  basePath: string;
  /** The largest request body read, in bytes; beyond it the call fails with PAYLOAD_TOO_LARGE. */
  maxBodySize: number;
  createContext(req: IncomingMessage, res: ServerResponse): Promise<inferRouterContext<TRouter>>;
  /**
   * As the standalone adapter's: tRPC's error hook, with the node request. A promise it returns (an
   * audit record being written) is awaited before the answer is sent: audited, then answered.
   */
  onError?: (opts: Parameters<HTTPErrorHandler<TRouter, IncomingMessage>>[0]) => void | Promise<void>;
}

/** A tRPC path as the standalone adapter derives it (the URL's normalised pathname), parsing only when it could differ. */
export function procedurePath(rawUrl: string, basePath: string): string {
  const end = rawUrl.indexOf("?");
  const pathname = end === -1 ? rawUrl : rawUrl.slice(0, end);
  const rest = pathname.slice(basePath.length);
  // Names of procedures (`auth.me`, `a.b,c.d` in a batch) are left alone by URL parsing.
  if (pathname.startsWith(basePath) && SAFE_PATH.test(rest) && rest !== "." && rest !== "..") return rest;
  return new URL(rawUrl, "http://localhost").pathname.slice(basePath.length);
}
const SAFE_PATH = /^[A-Za-z0-9_.,$-]*$/;

/** `Headers.get`/`has` over node's (already lower-cased) header object: all resolveResponse asks of the headers. */
class HeadersView {
  readonly #headers: IncomingHttpHeaders;
  constructor(headers: IncomingHttpHeaders) {
    this.#headers = headers;
  }
  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
  has(name: string): boolean {
    return this.#headers[name.toLowerCase()] !== undefined;
  }
}

const utf8 = new TextDecoder(); // as Request.json(): a leading BOM dropped, bad bytes replaced

/** Reads a request body whole, refusing (as tRPC's PAYLOAD_TOO_LARGE) past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      cleanup();
      reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/**
 * The members of a fetch Request that resolveResponse reads for a GET/HEAD or a JSON POST:
 * url, method, headers.get/has, signal and json().
 */
class NodeRequestView {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersView;
  readonly signal: AbortSignal;
  readonly #req: IncomingMessage;
  readonly #limit: number;
  constructor(req: IncomingMessage, url: string, signal: AbortSignal, limit: number) {
    this.url = url;
    this.method = req.method ?? "GET";
    this.headers = new HeadersView(req.headers);
    this.signal = signal;
    this.#req = req;
    this.#limit = limit;
  }
  async text(): Promise<string> {
    return utf8.decode(await readBody(this.#req, this.#limit));
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase() === "application/json";
}

/** A real Request, as the standalone adapter builds it: for bodies the view does not read (forms, octet streams, none). */
function fetchRequest(req: IncomingMessage, url: string, signal: AbortSignal, limit: number): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  const body = new ReadableStream<Uint8Array>({
    start: (controller) =>
      void readBody(req, limit).then(
        (bytes) => {
          if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          controller.close();
        },
        (error: unknown) => controller.error(error),
      ),
  });
  return new Request(url, { method: req.method ?? "GET", headers, signal, body, duplex: "half" } as RequestInit);
}

/** Writes tRPC's Response: a finished body in one `end` (Content-Length), a stream (jsonl batch, SSE) chunk by chunk. */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (response.body === null) return void res.end();
  const streamed = response.headers.has("transfer-encoding") || response.headers.get("content-type") === "text/event-stream";
  if (!streamed) return void res.end(Buffer.from(await response.arrayBuffer()));
  res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
    }
  } finally {
    void reader.cancel().catch(() => undefined);
    res.end();
  }
}

/**
 * The handler for requests under `basePath`. Like the standalone adapter, the call's signal aborts
 * when the client goes away before the answer is sent.
 */
export function createNodeTRPCHandler<TRouter extends AnyTRPCRouter>(opts: NodeTRPCHandlerOptions<TRouter>) {
  const { router, basePath, maxBodySize } = opts;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? "/";
    const url = rawUrl.startsWith("/") ? `http://localhost${rawUrl}` : rawUrl;
    const aborter = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) aborter.abort();
    };
    res.once("close", onClose);
    const method = req.method ?? "GET";
    const request =
      method === "GET" || method === "HEAD" || isJson(req.headers["content-type"])
        ? (new NodeRequestView(req, url, aborter.signal, maxBodySize) as unknown as Request)
        : fetchRequest(req, url, aborter.signal, maxBodySize);
    let pending: Promise<void>[] | null = null;
    const response = await resolveResponse({
      router,
      req: request,
      path: procedurePath(rawUrl, basePath),
      error: null,
      createContext: () => opts.createContext(req, res),
      onError: (o) => {
        const done = opts.onError?.({ ...o, req });
        if (done !== undefined) (pending ??= []).push(done);
      },
    });
    if (pending !== null) await Promise.all(pending);
    await writeResponse(response, res);
  };
}
