import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

const secret = { secretKey: "s3cr3t", enabled: true };

function cacheAt(start = 0, ttlMs = 5_000, maxEntries = 4) {
  const clock = { now: start };
  return { clock, cache: new TtlCache<string, { secretKey: string; enabled: boolean } | null>(ttlMs, maxEntries, () => clock.now) };
}

describe("the TTL cache", () => {
  it("answers from memory until the entry expires, then asks again", () => {
    const { clock, cache } = cacheAt();
    expect(cache.get("ak")).toBeUndefined();
    cache.set("ak", secret, cache.generation);
    expect(cache.get("ak")).toEqual(secret);
    clock.now = 4_999;
    expect(cache.get("ak")).toEqual(secret);
    clock.now = 5_000;
    expect(cache.get("ak")).toBeUndefined();
  });

  it("remembers null (a key that does not exist)", () => {
    const { cache } = cacheAt();
    cache.set("nobody", null, cache.generation);
    expect(cache.get("nobody")).toBeNull();
  });

  it("forgets a key that changed, and does not store a lookup that read the database before the change", () => {
    const { cache } = cacheAt();
    cache.set("ak", secret, cache.generation);
    // A lookup starts (its entry has just been forgotten or has expired), the key is disabled
    // meanwhile, then the lookup returns what it read before the change.
    const generation = cache.generation;
    cache.forget("ak");
    cache.set("ak", secret, generation);
    expect(cache.get("ak")).toBeUndefined();
    // A lookup after the change stores what it read.
    cache.set("ak", { ...secret, enabled: false }, cache.generation);
    expect(cache.get("ak")).toEqual({ ...secret, enabled: false });
  });

  it("holds at most maxEntries, dropping the oldest", () => {
    const { cache } = cacheAt(0, 5_000, 2);
    for (const id of ["a", "b", "c"]) cache.set(id, secret, cache.generation);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toEqual(secret);
    expect(cache.get("c")).toEqual(secret);
  });

  it("stores nothing with a TTL of 0", () => {
    const { cache } = cacheAt(0, 0);
    cache.set("ak", secret, cache.generation);
    expect(cache.get("ak")).toBeUndefined();
  });
});
