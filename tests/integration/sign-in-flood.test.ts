/**
 * A flood of sign-ins must not take over the libuv thread pool that storage I/O runs on: over
 * real sockets, 32 concurrent sign-ins never run more than HASHES_RUNNING password hashes at
 * once, the overflow is refused at once with 503 and Retry-After, and an address the throttle
 * has locked out costs no hash at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAIR_FAILURES_ALLOWED } from "@/lib/auth/login-throttle";
import { HASHES_RUNNING, HASHES_WAITING, passwordGate } from "@/lib/auth/password-gate";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { postJson, startApiServer, type TestApiServer } from "../support/api-server";

const PASSWORD = "correct horse battery";
let server: TestApiServer;

beforeAll(async () => {
  for (const email of ["flooded@example.com", "busy@example.com", "locked@example.com", "burst@example.com"]) {
    await db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD) } });
  }
  // Behind one trusted proxy, so that each request can come from its own client address.
  server = await startApiServer({ trustProxy: "1" });
});

afterAll(() => server?.stop());

const login = (password: string, client: string, email = "flooded@example.com") =>
  postJson(server.url, "/api/auth/login", { email, password }, { headers: { "x-forwarded-for": client } });

describe("password hashing under a sign-in flood", () => {
  it("32 concurrent sign-ins never hash more than the bound at once; the overflow gets 503 with Retry-After", async () => {
    const gate = passwordGate();
    gate.peak = 0;
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => login("wrong password", `198.51.100.${i + 1}`)));
    expect(gate.peak).toBeLessThanOrEqual(HASHES_RUNNING);
    for (const result of results) {
      expect([401, 503]).toContain(result.status);
      if (result.status === 503) {
        expect(result.body).toMatchObject({ code: "ServerBusy" });
        expect(Number(result.headers["retry-after"])).toBeGreaterThan(0);
      }
    }
    expect(gate.running + gate.waiting).toBe(0);
    // The gate is free again: the owner signs in.
    expect((await login(PASSWORD, "203.0.113.77")).status).toBe(200);
  });

  it("refuses a sign-in at once with 503 and Retry-After while the line is full, and hashes nothing for it", async () => {
    const gate = passwordGate();
    // Hold every running and waiting place, as a flood would.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: HASHES_RUNNING + HASHES_WAITING }, () => gate.run(() => held));
    const started = gate.started;
    const refused = await login(PASSWORD, "203.0.113.88", "busy@example.com");
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "ServerBusy", message: expect.stringMatching(/Try again/) });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(gate.started).toBe(started);
    release();
    await Promise.all(holders);
    expect((await login(PASSWORD, "203.0.113.88", "busy@example.com")).status).toBe(200);
  });

  it("checks the throttle before hashing: a locked-out address costs no hash", async () => {
    for (let i = 0; i < PAIR_FAILURES_ALLOWED; i++) expect((await login("wrong password", "192.0.2.66", "locked@example.com")).status).toBe(401);
    const gate = passwordGate();
    const before = gate.started;
    const locked = await Promise.all(Array.from({ length: 20 }, () => login("wrong password", "192.0.2.66", "locked@example.com")));
    expect(locked.map((result) => result.status)).toEqual(Array(20).fill(429));
    expect(gate.started).toBe(before);
  });

  it("re-checks the throttle when a waiting sign-in's turn comes: parallel guesses from one address stop at the limit", async () => {
    const results = await Promise.all(Array.from({ length: HASHES_WAITING }, () => login("wrong password", "192.0.2.77", "burst@example.com")));
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(PAIR_FAILURES_ALLOWED);
    expect(statuses.every((status) => [401, 429, 503].includes(status))).toBe(true);
  });
});
