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

  it("evicts in the order a simple model of recency does, over a long random run", () => {
    // The model: an array from least to most recently used, weights by key.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const capacity = 20;
    const cache = new LruCache<string, number>(capacity, (value) => value);
    let model: { key: string; weight: number }[] = [];
    const touch = (key: string) => {
      const at = model.findIndex((entry) => entry.key === key);
      if (at >= 0) model.push(...model.splice(at, 1));
    };
    for (let step = 0; step < 5000; step++) {
      const key = `k${random(12)}`;
      const action = random(10);
      if (action < 5) {
        const expected = model.find((entry) => entry.key === key)?.weight;
        expect(cache.get(key)).toBe(expected);
        touch(key);
      } else if (action < 8) {
        const weight = 1 + random(capacity + 2);
        cache.set(key, weight);
        if (weight <= capacity) {
          model = model.filter((entry) => entry.key !== key);
          model.push({ key, weight });
          let total = model.reduce((sum, entry) => sum + entry.weight, 0);
          while (total > capacity) total -= model.shift()!.weight;
        }
      } else if (action < 9) {
        cache.delete(key);
        model = model.filter((entry) => entry.key !== key);
      } else {
        const odd = random(2) === 1;
        const matches = (name: string) => Number(name.slice(1)) % 2 === (odd ? 1 : 0) && random(3) === 0;
        const decided = new Map<string, boolean>();
        cache.deleteWhere((name) => {
          const hit = matches(name);
          decided.set(name, hit);
          return hit;
        });
        model = model.filter((entry) => !decided.get(entry.key));
      }
      expect(cache.size).toBe(model.length);
      for (const entry of model) expect(cache.has(entry.key)).toBe(true);
    }
    cache.clear();
    expect(cache.size).toBe(0);
    cache.set("after", 3);
    expect(cache.get("after")).toBe(3);
  });
});
