import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isCrossSite } from "./server";

const request = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe("same-origin rule for state-changing requests", () => {
  it("lets reads through from anywhere", () => {
    expect(isCrossSite(request("GET", { origin: "http://evil.example", host: "app.gov" }), [])).toBe(false);
  });
  it("accepts the site's own origin and configured origins", () => {
    expect(isCrossSite(request("POST", { origin: "http://app.gov", host: "app.gov" }), [])).toBe(false);
    expect(isCrossSite(request("POST", { origin: "https://app.gov", host: "app.gov" }), [])).toBe(false);
    expect(isCrossSite(request("POST", { origin: "https://portal.gov", host: "app.gov" }), ["https://portal.gov"])).toBe(false);
  });
  it("refuses another origin, an opaque origin, and a cross-site fetch", () => {
    expect(isCrossSite(request("POST", { origin: "http://evil.example", host: "app.gov" }), [])).toBe(true);
    expect(isCrossSite(request("POST", { origin: "null", host: "app.gov" }), [])).toBe(true);
    expect(isCrossSite(request("POST", { "sec-fetch-site": "cross-site", host: "app.gov" }), [])).toBe(true);
  });
  it("lets non-browser clients without Origin through (they carry no ambient cookies)", () => {
    expect(isCrossSite(request("POST", { host: "app.gov" }), [])).toBe(false);
  });
});
