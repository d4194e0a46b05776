/**
 * Sign-in throttling over real sockets: the client address is the connection's peer (127.0.0.1
 * or 127.0.0.2), and X-Forwarded-For counts only behind a proxy that TRUST_PROXY names. The
 * attacks: rotating X-Forwarded-For to escape the limits, and one client's failures locking
 * every other client (or the account's owner) out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_FAILURES_ALLOWED, PAIR_FAILURES_ALLOWED, ACCOUNT_BACKOFF_AFTER } from "@/lib/auth/login-throttle";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { postJson, startApiServer, type TestApiServer } from "../support/api-server";

const PASSWORD = "correct horse battery";
const ATTACKER = "127.0.0.1";
const OWNER = "127.0.0.2";

let direct: TestApiServer;
let behindOneProxy: TestApiServer;
let behindListedProxy: TestApiServer;

beforeAll(async () => {
  for (const email of ["victim@example.com", "owner@example.com", "proxied@example.com", "spread@example.com", "listed@example.com"]) {
    await db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD) } });
  }
  direct = await startApiServer();
  behindOneProxy = await startApiServer({ trustProxy: "1" });
  // Only 127.0.0.2 is a proxy: requests from any other address are clients, whatever they forward.
  behindListedProxy = await startApiServer({ trustProxy: "127.0.0.2/32" });
});

afterAll(async () => {
  await Promise.all([direct, behindOneProxy, behindListedProxy].map((server) => server?.stop()));
});

const login = (server: TestApiServer, email: string, password: string, from: string, headers: Record<string, string> = {}) =>
  postJson(server.url, "/api/auth/login", { email, password }, { from, headers });

describe("without TRUST_PROXY the client is the socket peer", () => {
  it("rotating X-Forwarded-For (or forging the internal address header) does not escape the per-address limit", async () => {
    for (let i = 0; i < ADDRESS_FAILURES_ALLOWED; i++) {
      const forged = { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `198.51.100.${i}`, "x-bos-client-address": `203.0.113.${i}` };
      expect((await login(direct, `nobody${i}@example.com`, "guess", ATTACKER, forged)).status).toBe(401);
    }
    const next = await login(direct, "someone@example.com", "guess", ATTACKER, { "x-forwarded-for": "192.0.2.200", "x-bos-client-address": "192.0.2.201" });
    expect(next.status).toBe(429);
    expect(Number(next.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("one client's failures do not lock out another client, nor the account's owner with the right password", async () => {
    // Without forwarding headers, the attacker's failures are its own, not shared by every client.
    for (let i = 0; i < ADDRESS_FAILURES_ALLOWED; i++) await login(direct, `plain${i}@example.com`, "guess", ATTACKER);
    expect((await login(direct, "victim@example.com", PASSWORD, OWNER)).status).toBe(200);

    // Someone guessing the owner's password from one address...
    for (let i = 0; i < PAIR_FAILURES_ALLOWED; i++) expect((await login(direct, "owner@example.com", "guess", "127.0.0.4")).status).toBe(401);
    // ...is locked out of that account there, even with the right password...
    expect((await login(direct, "owner@example.com", PASSWORD, "127.0.0.4")).status).toBe(429);
    expect(await db().session.count({ where: { user: { email: "owner@example.com" } } })).toBe(0);
    // ...while the owner, from their own address, signs in.
    expect((await login(direct, "owner@example.com", PASSWORD, OWNER)).status).toBe(200);
  });
});

describe("behind a proxy (TRUST_PROXY)", () => {
  it("with a hop count, uses the address the proxy appended and ignores what the client wrote before it", async () => {
    const via = (client: string, claimed = "203.0.113.9") => ({ "x-forwarded-for": `${claimed}, ${client}` });
    for (let i = 0; i < PAIR_FAILURES_ALLOWED; i++) {
      expect((await login(behindOneProxy, "proxied@example.com", "guess", ATTACKER, via("198.51.100.50", `203.0.113.${i}`))).status).toBe(401);
    }
    expect((await login(behindOneProxy, "proxied@example.com", PASSWORD, ATTACKER, via("198.51.100.50"))).status).toBe(429);
    // Another client behind the same proxy signs in.
    expect((await login(behindOneProxy, "proxied@example.com", PASSWORD, ATTACKER, via("198.51.100.51"))).status).toBe(200);
  });

  it("with proxy addresses, believes X-Forwarded-For only from a listed proxy", async () => {
    // 127.0.0.3 is not a listed proxy: its X-Forwarded-For is ignored, so rotating it changes nothing.
    for (let i = 0; i < PAIR_FAILURES_ALLOWED; i++) {
      expect((await login(behindListedProxy, "listed@example.com", "guess", "127.0.0.3", { "x-forwarded-for": `198.51.100.${100 + i}` })).status).toBe(401);
    }
    expect((await login(behindListedProxy, "listed@example.com", PASSWORD, "127.0.0.3", { "x-forwarded-for": "198.51.100.199" })).status).toBe(429);
    // Through the listed proxy (127.0.0.2) the forwarded client is used.
    expect((await login(behindListedProxy, "listed@example.com", PASSWORD, "127.0.0.2", { "x-forwarded-for": "198.51.100.200" })).status).toBe(200);
  });

  it("backs off an account under a spread-out attack for the attacking addresses only; the owner's right password still gets in", async () => {
    const from = (n: number) => ({ "x-forwarded-for": `192.0.2.${n}` });
    // Guesses spread over many addresses, under each per-address limit.
    for (let i = 0; i < ACCOUNT_BACKOFF_AFTER + 2; i++) {
      expect((await login(behindOneProxy, "spread@example.com", "guess", ATTACKER, from(i))).status).toBe(401);
    }
    // An address that already guessed wrong must now wait, even with the right password...
    const held = await login(behindOneProxy, "spread@example.com", PASSWORD, ATTACKER, from(0));
    expect(held.status).toBe(429);
    expect(held.body).toMatchObject({ code: "TooManyAttempts" });
    // ...but a fresh address is checked: the owner signs in, a new guesser is told "wrong".
    expect((await login(behindOneProxy, "spread@example.com", PASSWORD, ATTACKER, from(200))).status).toBe(200);
    expect((await login(behindOneProxy, "spread@example.com", "guess", ATTACKER, from(201))).status).toBe(401);
  });
});

describe("the session cookie's Secure flag", () => {
  const secure = (result: { headers: Record<string, string | string[] | undefined> }) => String(result.headers["set-cookie"]).includes("; Secure");

  it("follows X-Forwarded-Proto only from a proxy TRUST_PROXY names", async () => {
    await db().user.create({ data: { email: "proto@example.com", passwordHash: await hashPassword(PASSWORD) } });
    const https = { "x-forwarded-proto": "https" };
    // Anyone can write the header: without TRUST_PROXY, or from an unlisted peer, it is ignored (and so is a forged internal header).
    expect(secure(await login(direct, "proto@example.com", PASSWORD, OWNER, { ...https, "x-bos-client-proto": "https" }))).toBe(false);
    expect(secure(await login(behindListedProxy, "proto@example.com", PASSWORD, "127.0.0.3", https))).toBe(false);
    // From the listed proxy, the protocol it saw counts.
    expect(secure(await login(behindListedProxy, "proto@example.com", PASSWORD, "127.0.0.2", https))).toBe(true);
    expect(secure(await login(behindListedProxy, "proto@example.com", PASSWORD, "127.0.0.2", { "x-forwarded-proto": "http" }))).toBe(false);
    expect(secure(await login(behindOneProxy, "proto@example.com", PASSWORD, OWNER, { "x-forwarded-proto": "https, http" }))).toBe(true);
  });
});
