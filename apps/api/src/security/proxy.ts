// Behind a reverse proxy (nginx with TLS, as every government deployment runs) the socket's peer
// is the proxy: the client's address and scheme come from X-Forwarded-For / X-Forwarded-Proto,
// which count only when the peer is a trusted proxy (DUBAN_TRUST_PROXY). Otherwise anyone could
// name any address (and escape the per-address sign-in limit) by sending the header themselves.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import proxyaddr from "proxy-addr";

/** How many proxies in front are trusted (a hop count), or which addresses are (CIDRs, IPs, `loopback`…). */
export type TrustProxy = { hops: number } | { ranges: string[] };

export const TRUST_NO_PROXY: TrustProxy = { hops: 0 };

/**
 * DUBAN_TRUST_PROXY: empty or `0` = no proxy; a number = that many proxies in front; otherwise a
 * comma-separated list of addresses or CIDR ranges (proxy-addr's names `loopback`, `uniquelocal`,
 * `linklocal` allowed). Throws on a malformed entry, so a typo stops the server at start.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? "").trim();
  if (text === "" || text === "false") return TRUST_NO_PROXY;
  if (/^\d+$/.test(text)) return { hops: Number(text) };
  const ranges = text.split(",").map((s) => s.trim()).filter(Boolean);
  proxyaddr.compile(ranges); // validates: throws TypeError on a bad address or range
  return { ranges };
}

export type TrustFn = (address: string, hop: number) => boolean;

export function compileTrust(trust: TrustProxy): TrustFn {
  if ("hops" in trust) {
    const hops = trust.hops;
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(trust.ranges);
}

/** The client's address: the socket's peer, or the forwarded address the trusted proxies vouch for. */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string | null {
  if (req.socket.remoteAddress === undefined) return null;
  try {
    return proxyaddr(req, trust);
  } catch {
    return req.socket.remoteAddress;
  }
}

/** Whether the browser spoke HTTPS: to this server directly, or to a trusted proxy that says so. */
export function isHttps(req: IncomingMessage, trust: TrustFn): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const peer = req.socket.remoteAddress;
  if (peer === undefined || !trust(peer, 0)) return false;
  const proto = req.headers["x-forwarded-proto"];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}
