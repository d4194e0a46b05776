/**
 * Security headers of what Next serves, through Next's own config and proxy matching (its
 * testing helpers) and the real proxy function: every console page is unframeable, has its own
 * CSP whose scripts need a fresh nonce that Next is given to use, and is never sniffed; /api
 * answers carry the same plus a CSP that lets nothing run.
 */
import { unstable_doesMiddlewareMatch, unstable_getResponseFromNextConfig } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config.mjs";
import { config as proxyConfig, proxy } from "@/proxy";

const BASE = "http://console.example";
const PAGES = ["/", "/buckets", "/buckets/photos/configuration/mirroring/new", "/access-keys", "/sign-in", "/sign-in?next=%2Fbuckets", "/no-such-page"];

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(";").map((part) => part.trim().split(/\s+/)).map(([name = "", ...values]) => [name, values]));
}

describe("next.config headers", () => {
  it.each([...PAGES, "/api/buckets", "/api/auth/login", "/_next/static/chunks/app.js"])("%s: frames denied, nosniff, same-origin referrers", async (path) => {
    const response = await unstable_getResponseFromNextConfig({ url: `${BASE}${path}`, nextConfig });
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("gives /api answers a CSP under which nothing runs or frames them", async () => {
    const response = await unstable_getResponseFromNextConfig({ url: `${BASE}/api/access-keys`, nextConfig });
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe("the console pages' CSP (proxy.ts)", () => {
  it.each(PAGES)("runs for %s", (path) => {
    expect(unstable_doesMiddlewareMatch({ config: proxyConfig, url: `${BASE}${path}` })).toBe(true);
  });

  it.each(["/api/buckets", "/api/auth/login", "/_next/static/chunks/app.js", "/_next/image?url=x", "/favicon.ico", "/icon.svg"])("does not run for %s (not a page)", (path) => {
    expect(unstable_doesMiddlewareMatch({ config: proxyConfig, url: `${BASE}${path}` })).toBe(false);
  });

  it.each([
    ["signed in", { cookie: "bos_session=abc" }, "/buckets/photos"],
    ["signed out, on the sign-in page", {}, "/sign-in"],
  ])("%s: scripts only with this response's nonce, which Next is given; no framing, no plugins, no base or form hijack", (_name, headers, path) => {
    const response = proxy(new NextRequest(`${BASE}${path}`, { headers }));
    const csp = response.headers.get("content-security-policy")!;
    const policy = directives(csp);
    const nonce = /'nonce-([A-Za-z0-9+/]{22}==)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    // Next reads the nonce for its own scripts from the request's CSP (NextResponse.next's request override).
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("uses a fresh nonce for every response", () => {
    const nonces = new Set(Array.from({ length: 20 }, () => proxy(new NextRequest(`${BASE}/sign-in`)).headers.get("content-security-policy")));
    expect(nonces.size).toBe(20);
  });

  it("still sends signed-out visitors of console pages to sign in, with the CSP", () => {
    const response = proxy(new NextRequest(`${BASE}/buckets/photos?tab=rules`));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`${BASE}/sign-in?next=%2Fbuckets%2Fphotos%3Ftab%3Drules`);
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(proxy(new NextRequest(`${BASE}/sign-in`)).headers.get("location")).toBeNull();
  });
});
