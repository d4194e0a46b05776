/** Console sign-in and the checks every /api handler makes. Every rejection changes nothing. */
import { beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/auth/login/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import * as sessionRoute from "@/app/api/auth/session/route";
import * as bucketsRoute from "@/app/api/buckets/route";
import { ADDRESS_FAILURES_ALLOWED, PAIR_FAILURES_ALLOWED } from "@/lib/auth/login-throttle";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { callRoute } from "../support/route-client";

const PASSWORD = "correct horse battery";

async function createUser(email: string) {
  await db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD) } });
}

// The client address as server.ts passes it on (tests/integration/sign-in-throttle.test.ts covers how it is chosen).
const from = (address: string) => ({ "x-bos-client-address": address });
const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  callRoute(loginRoute.POST, { body: { email, password }, session: false, headers: { ...from("203.0.113.1"), ...headers } });

const cookieFrom = (headers: Headers) => headers.get("set-cookie")!.split(";")[0]!;
const newBucket = { name: "sneaky", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" };

beforeAll(async () => {
  for (const email of ["admin@example.com", "victim@example.com", "lockme@example.com"]) await createUser(email);
});

describe("signing in", () => {
  it("sets an httpOnly, SameSite=Strict session cookie (Secure over HTTPS) that the API accepts", async () => {
    const result = await login("Admin@Example.com", PASSWORD);
    expect(result.status).toBe(200);
    const cookie = result.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^bos_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const session = await callRoute(sessionRoute.GET, { session: false, headers: { cookie: cookieFrom(result.headers) } });
    expect(session.body).toEqual({ email: "admin@example.com" });

    // server.ts's verdict on the protocol (tests/integration/sign-in-throttle.test.ts covers how it is reached).
    const https = await login("admin@example.com", PASSWORD, { "x-bos-client-proto": "https" });
    expect(https.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("refuses a wrong password or an unknown account with the same answer", async () => {
    const wrong = await login("admin@example.com", "wrong password!");
    const unknown = await login("nobody@example.com", PASSWORD);
    for (const result of [wrong, unknown]) {
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ code: "InvalidCredentials", message: "The email or password is wrong." });
      expect(result.headers.get("set-cookie")).toBeNull();
    }
  });

  it(`locks an account for one address after ${PAIR_FAILURES_ALLOWED} failures from it, with 429 and Retry-After, even for the right password`, async () => {
    for (let i = 0; i < PAIR_FAILURES_ALLOWED; i++) expect((await login("lockme@example.com", "nope", from("198.51.100.1"))).status).toBe(401);
    const locked = await login("lockme@example.com", PASSWORD, from("198.51.100.1"));
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: "TooManyAttempts", message: expect.stringMatching(/Try again in \d+ minute/) });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(await db().session.count({ where: { user: { email: "lockme@example.com" } } })).toBe(0);
    // The owner, elsewhere, is not locked out by someone else's guesses.
    expect((await login("lockme@example.com", PASSWORD, from("198.51.100.2"))).status).toBe(200);
  });

  it(`locks a client address after ${ADDRESS_FAILURES_ALLOWED} failures across accounts`, async () => {
    for (let i = 0; i < ADDRESS_FAILURES_ALLOWED; i++) await login(`guess${i}@example.com`, "nope", from("192.0.2.7"));
    const blocked = await login("victim@example.com", PASSWORD, from("192.0.2.7"));
    expect(blocked.status).toBe(429);
    expect((await login("victim@example.com", PASSWORD, from("192.0.2.8"))).status).toBe(200);
  });

  it("counts an IPv6 client per /64, so rotating addresses within its block does not escape the limit", async () => {
    for (let i = 0; i < ADDRESS_FAILURES_ALLOWED; i++) await login(`v6guess${i}@example.com`, "nope", from(`2001:db8:7:7::${(i + 1).toString(16)}`));
    expect((await login("victim@example.com", PASSWORD, from("2001:db8:7:7:ffff::1"))).status).toBe(429);
    expect((await login("victim@example.com", PASSWORD, from("2001:db8:7:8::1"))).status).toBe(200);
  });
});

describe("every /api handler checks the session", () => {
  it("answers 401 without a session, and changes nothing", async () => {
    const list = await callRoute(bucketsRoute.GET, { session: false });
    expect(list.status).toBe(401);
    expect(list.body.code).toBe("Unauthenticated");
    expect((await callRoute(bucketsRoute.POST, { session: false, body: newBucket })).status).toBe(401);
    expect(await db().bucket.count({ where: { name: "sneaky" } })).toBe(0);
  });

  it("refuses a forged cookie, an expired session and a signed-out session", async () => {
    expect((await callRoute(bucketsRoute.GET, { session: false, headers: { cookie: "bos_session=forged-token-value" } })).status).toBe(401);

    const user = await db().user.findFirstOrThrow({ where: { email: "admin@example.com" } });
    const { createSession } = await import("@/lib/auth/session-service");
    const expired = await createSession(user.id);
    await db().session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await callRoute(bucketsRoute.GET, { session: false, headers: { cookie: `bos_session=${expired.token}` } })).status).toBe(401);

    const fresh = cookieFrom((await login("admin@example.com", PASSWORD)).headers);
    expect((await callRoute(bucketsRoute.GET, { session: false, headers: { cookie: fresh } })).status).toBe(200);
    const signedOut = await callRoute(logoutRoute.POST, { session: false, method: "POST", headers: { cookie: fresh } });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get("set-cookie")).toMatch(/^bos_session=; .*Max-Age=0/);
    expect((await callRoute(bucketsRoute.GET, { session: false, headers: { cookie: fresh } })).status).toBe(401);
    expect((await callRoute(bucketsRoute.POST, { session: false, body: newBucket, headers: { cookie: fresh } })).status).toBe(401);
    expect(await db().bucket.count({ where: { name: "sneaky" } })).toBe(0);
  });

  it.each([
    ["a cross-site Origin", { origin: "https://evil.example" }],
    ["Origin: null", { origin: "null" }],
    ["no Origin at all", { origin: null }],
    ["an empty Origin", { origin: "" }],
    ["an Origin with userinfo", { origin: "http://user@localhost" }],
    ["an Origin with userinfo and a password", { origin: "http://evil.example:x@localhost" }],
    ["an Origin with a path", { origin: "http://localhost/sign-in" }],
    ["an Origin with a trailing slash", { origin: "http://localhost/" }],
    ["an Origin of another scheme", { origin: "ftp://localhost" }],
  ])("refuses a state-changing request with %s (403), even signed in", async (_name, headers) => {
    const result = await callRoute(bucketsRoute.POST, { body: newBucket, headers });
    expect(result.status).toBe(403);
    expect(result.body.code).toBe("CrossSiteRequest");
    const crossLogin = await callRoute(loginRoute.POST, { body: { email: "admin@example.com", password: PASSWORD }, session: false, headers });
    expect(crossLogin.status).toBe(403);
    expect(await db().bucket.count({ where: { name: "sneaky" } })).toBe(0);
  });
});
