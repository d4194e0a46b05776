import { describe, expect, it } from "vitest";
import { NegativeCache } from "./negative-cache";

function clock() {
  const state = { now: 0 };
  return { state, now: () => state.now };
}

describe("NegativeCache", () => {
  it("remembers a 404 for the TTL, then forgets it", () => {
    const time = clock();
    const cache = new NegativeCache({ ttlMs: 10_000, maxBytes: 1024 * 1024 }, time.now);
    cache.remember(1, "7.1\0http://o/a");
    expect(cache.has(1, "7.1\0http://o/a")).toBe(true);
    expect(cache.has(2, "7.1\0http://o/a")).toBe(false);
    expect(cache.has(1, "7.2\0http://o/a")).toBe(false);
    time.state.now += 9_999;
    expect(cache.has(1, "7.1\0http://o/a")).toBe(true);
    time.state.now += 1;
    expect(cache.has(1, "7.1\0http://o/a")).toBe(false);
    expect(cache.size).toBe(0);
  });

  it("is off with a TTL of 0", () => {
    const cache = new NegativeCache({ ttlMs: 0, maxBytes: 1024 * 1024 });
    expect(cache.enabled).toBe(false);
    cache.remember(1, "a");
    expect(cache.has(1, "a")).toBe(false);
  });

  it("clears one bucket's entries and keeps the others'", () => {
    const cache = new NegativeCache({ ttlMs: 10_000, maxBytes: 1024 * 1024 });
    cache.remember(1, "a");
    cache.remember(1, "b");
    cache.remember(11, "a");
    cache.clearBucket(1);
    expect([cache.has(1, "a"), cache.has(1, "b"), cache.has(11, "a")]).toEqual([false, false, true]);
  });

  it("stays within its byte budget, dropping the least recently used entries first", () => {
    const cache = new NegativeCache({ ttlMs: 10_000, maxBytes: 64 * 1024 });
    const long = "k".repeat(1000);
    for (let i = 0; i < 1000; i++) cache.remember(1, `${long}${i}`);
    // About 2.2 KB an entry: 29 fit in 64 KiB.
    expect(cache.size).toBeLessThanOrEqual(30);
    expect(cache.size).toBeGreaterThan(20);
    expect(cache.has(1, `${long}999`)).toBe(true);
    expect(cache.has(1, `${long}0`)).toBe(false);
  });
});
