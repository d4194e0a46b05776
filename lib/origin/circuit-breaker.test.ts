import { describe, expect, it } from "vitest";
import { OriginUnavailable } from "@/lib/domain/errors";
import { CircuitBreakers } from "./circuit-breaker";

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

const SETTINGS = { failureThreshold: 5, windowMs: 30_000, openMs: 30_000 };

function fail(breakers: CircuitBreakers, origin: string, times: number, reason = "connection refused"): void {
  for (let i = 0; i < times; i++) breakers.admit(origin).failed(reason);
}

describe("CircuitBreakers", () => {
  it("opens after 5 failures within 30 s, and then refuses at once with when it retries", () => {
    const time = clock();
    const breakers = new CircuitBreakers(SETTINGS, time.now);
    fail(breakers, "a", 4);
    expect(() => breakers.admit("a")).not.toThrow();
    fail(breakers, "a", 1, "HTTP 503");
    const refusal = (() => {
      try {
        breakers.check("a");
      } catch (error) {
        return error as OriginUnavailable;
      }
    })();
    expect(refusal).toBeInstanceOf(OriginUnavailable);
    expect(refusal!.retryAt.getTime()).toBe(time.state.now + 30_000);
    expect(refusal!.since.getTime()).toBe(time.state.now);
    expect(refusal!.message).toContain("HTTP 503");
    expect(refusal!.retryAfterSeconds(time.state.now)).toBe(30);
    expect(() => breakers.admit("a")).toThrow(OriginUnavailable);
    // Other origins are not affected.
    expect(() => breakers.admit("b")).not.toThrow();
    expect(breakers.snapshot()).toEqual([expect.objectContaining({ origin: "a", state: "open", lastFailure: "HTTP 503" })]);
  });

  it("forgets failures older than the window", () => {
    const time = clock();
    const breakers = new CircuitBreakers(SETTINGS, time.now);
    fail(breakers, "a", 4);
    time.state.now += 30_001;
    fail(breakers, "a", 4);
    expect(() => breakers.check("a")).not.toThrow();
    expect(breakers.snapshot()[0]).toMatchObject({ state: "closed", recentFailures: 4 });
  });

  it("lets exactly one probe through after the open period; its success closes the breaker", () => {
    const time = clock();
    const breakers = new CircuitBreakers(SETTINGS, time.now);
    fail(breakers, "a", 5);
    time.state.now += 30_000;
    expect(() => breakers.check("a")).not.toThrow();
    const probe = breakers.admit("a");
    expect(probe.probe).toBe(true);
    expect(() => breakers.admit("a")).toThrow(OriginUnavailable);
    expect(breakers.snapshot()[0]).toMatchObject({ state: "half-open" });
    probe.succeeded();
    expect(breakers.admit("a").probe).toBe(false);
    expect(breakers.snapshot()).toEqual([]);
  });

  it("re-opens for another period when the probe fails, keeping when it first became unavailable", () => {
    const time = clock();
    const breakers = new CircuitBreakers(SETTINGS, time.now);
    const openedAt = time.state.now;
    fail(breakers, "a", 5);
    time.state.now += 30_000;
    breakers.admit("a").failed("timeout");
    expect(breakers.snapshot()[0]).toMatchObject({ state: "open", lastFailure: "timeout", unavailableSince: new Date(openedAt), retryAt: new Date(time.state.now + 30_000) });
    time.state.now += 29_999;
    expect(() => breakers.admit("a")).toThrow(OriginUnavailable);
  });

  it("ignores how requests admitted before it opened end: only the probe decides", () => {
    const time = clock();
    const breakers = new CircuitBreakers(SETTINGS, time.now);
    const early = breakers.admit("a");
    const lateFailure = breakers.admit("a");
    fail(breakers, "a", 5);
    early.succeeded();
    lateFailure.failed("reset");
    expect(breakers.snapshot()[0]).toMatchObject({ state: "open", lastFailure: "connection refused" });
  });

  it("reports each pass once", () => {
    const breakers = new CircuitBreakers({ ...SETTINGS, failureThreshold: 2 }, clock().now);
    const pass = breakers.admit("a");
    pass.failed("x");
    pass.failed("x");
    expect(() => breakers.check("a")).not.toThrow();
  });
});
