import { describe, expect, it } from "vitest";
import { ProbeLimiter } from "./probe-limiter";

describe("ProbeLimiter", () => {
  it("grants perWindow probes per user, then says when to retry", () => {
    let now = 1_000_000;
    const limiter = new ProbeLimiter({ perWindow: 2, windowMs: 60_000, concurrent: 10 }, () => now);
    for (let i = 0; i < 2; i++) {
      const permit = limiter.take("user:a");
      expect(permit.granted).toBe(true);
      if (permit.granted) permit.release();
      now += 10_000;
    }
    const refused = limiter.take("user:a");
    expect(refused).toMatchObject({ granted: false, retryAfterSeconds: 40 });
    expect(limiter.take("user:b").granted).toBe(true);
    now += 40_001;
    expect(limiter.take("user:a").granted).toBe(true);
  });

  it("caps probes in flight across users until one is released", () => {
    const limiter = new ProbeLimiter({ perWindow: 10, windowMs: 60_000, concurrent: 1 });
    const first = limiter.take("user:a");
    expect(first.granted).toBe(true);
    expect(limiter.take("user:b")).toMatchObject({ granted: false, retryAfterSeconds: 1 });
    if (first.granted) {
      first.release();
      first.release();
    }
    const second = limiter.take("user:b");
    expect(second.granted).toBe(true);
    expect(limiter.take("user:c").granted).toBe(false);
  });
});
