import { describe, expect, it } from "vitest";
import { ImportThrottle } from "./import-throttle";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("ImportThrottle", () => {
  it("lets everything through without caps", () => {
    const throttle = new ImportThrottle({ requestsPerSecond: null, bytesPerSecond: null });
    for (let i = 0; i < 1000; i++) expect(throttle.delayBeforeRequest()).toBe(0);
  });

  it("allows a second's burst of requests, then one per interval", () => {
    const time = clock();
    const throttle = new ImportThrottle({ requestsPerSecond: 4, bytesPerSecond: null }, time.now);
    for (let i = 0; i < 4; i++) expect(throttle.delayBeforeRequest()).toBe(0);
    expect(throttle.delayBeforeRequest()).toBe(250);
    time.advance(250);
    expect(throttle.delayBeforeRequest()).toBe(0);
    expect(throttle.delayBeforeRequest()).toBeGreaterThan(0);
  });

  it("holds requests while the bytes already pulled exceed the byte budget", () => {
    const time = clock();
    const throttle = new ImportThrottle({ requestsPerSecond: null, bytesPerSecond: 1000 }, time.now);
    expect(throttle.delayBeforeRequest()).toBe(0);
    throttle.chargeBytes(3000);
    expect(throttle.delayBeforeRequest()).toBe(2000);
    time.advance(2000);
    expect(throttle.delayBeforeRequest()).toBe(0);
  });
});
