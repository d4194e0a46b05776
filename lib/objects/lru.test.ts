import { describe, expect, it } from "vitest";
import { LruCache } from "./lru";

describe("LruCache", () => {
  it("evicts the least recently used entry beyond capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.set("c", 3);
    expect(cache.has("a")).toBe(true);
    expect(cache.has("b")).toBe(false);
    expect(cache.has("c")).toBe(true);
  });

  it("bounds the total weight and skips values heavier than the capacity", () => {
    const cache = new LruCache<string, Buffer>(10, (value) => value.length);
    cache.set("a", Buffer.alloc(6));
    cache.set("b", Buffer.alloc(6));
    expect(cache.has("a")).toBe(false);
    cache.set("huge", Buffer.alloc(11));
    expect(cache.has("huge")).toBe(false);
    expect(cache.size).toBe(1);
  });

  it("replaces and deletes entries, keeping the weight right", () => {
    const cache = new LruCache<string, Buffer>(10, (value) => value.length);
    cache.set("a", Buffer.alloc(8));
    cache.set("a", Buffer.alloc(2));
    cache.set("b", Buffer.alloc(8));
    expect(cache.has("a")).toBe(true);
    cache.delete("a");
    cache.set("c", Buffer.alloc(2));
    expect(cache.has("b") && cache.has("c")).toBe(true);
  });

  it("deletes every entry whose key matches, and frees their weight", () => {
    const cache = new LruCache<string, Buffer>(10, (value) => value.length);
    cache.set("1\0a", Buffer.alloc(4));
    cache.set("1\0b", Buffer.alloc(4));
    cache.set("11\0a", Buffer.alloc(2));
    cache.deleteWhere((key) => key.startsWith("1\0"));
    expect([cache.has("1\0a"), cache.has("1\0b"), cache.has("11\0a")]).toEqual([false, false, true]);
    cache.set("2\0c", Buffer.alloc(8));
    expect(cache.has("11\0a") && cache.has("2\0c")).toBe(true);
  });
});
